"""The markers' colours are learned afresh at each set, so evening light or a bright window
does not blind the coach."""

from dataclasses import replace

import numpy as np
import pytest

from coach.core.events import RepCounted
from coach.core.tracker import MarkerTracker
from coach.settings import Settings
from coach.sim.athlete import LegState, Script, SimulatedAthlete
from coach.sim.scene import CameraPose, Scene
from tests.helpers import coached, quick_settings

SETTINGS = Settings()
LEG = LegState("right", 20.0, 0.0)


def _scene(light: float) -> Scene:
    scene = Scene(CameraPose(2.5, 15.0), SETTINGS.markers.colours(), seed=3)
    scene.light = light
    return scene


def _tracker() -> MarkerTracker:
    return MarkerTracker(SETTINGS.markers.colours(), SETTINGS.markers.colour_tolerance)


@pytest.mark.parametrize("light", [0.45, 0.6, 1.5])
def test_markers_lost_to_the_light_are_found_once_their_colours_are_learned(light):
    scene = _scene(light)
    truth = {name: scene.project(p)[0] for name, p in scene.joints(LEG).items()}
    printed_only = _tracker().locate(scene.render(LEG))
    assert len(printed_only) < 5  # the printed colours alone miss some in this light

    tracker = _tracker()
    assert set(tracker.learn_colours(scene.render(LEG))) == set(truth)
    found = tracker.locate(scene.render(LEG))
    assert set(found) == set(truth)
    for name, point in found.items():
        assert np.abs(point - truth[name]).max() < 1.5, name


def test_learning_in_ordinary_light_changes_nothing_that_worked():
    scene = _scene(1.0)
    tracker = _tracker()
    before = tracker.locate(scene.render(LEG))
    tracker.learn_colours(scene.render(LEG))
    after = tracker.locate(scene.render(LEG))
    assert set(after) == set(before) == {"shoulder", "hip", "knee", "ankle", "toe"}
    for name in before:
        assert np.abs(after[name] - before[name]).max() < 1.0


class DimmingRoom:
    """The 3-D scene filming the athlete, with the light going down during the rest."""

    def __init__(self, athlete: SimulatedAthlete, settings: Settings, dim_at: float) -> None:
        self._athlete, self._dim_at = athlete, dim_at
        self._scene = Scene(CameraPose(2.0, 0.0), settings.markers.colours(), 320, 240)

    def read(self, t: float) -> np.ndarray:
        self._scene.light = 1.0 if t < self._dim_at else 0.5
        return self._scene.render(self._athlete.leg_at(t))

    def close(self) -> None:
        """Nothing to release."""


def test_when_the_room_darkens_between_sets_the_next_set_is_still_seen():
    base = quick_settings(reps=2, sets=2, rest=8.0)
    settings = replace(
        base,
        session=replace(base.session, legs=("right",)),
        camera=replace(base.camera, width=320, height=240, fps=8),
    )
    events, _ = coached(settings, Script(), lambda athlete: DimmingRoom(athlete, settings, 1e9))
    first_set_end = max(e.t for e in events if isinstance(e, RepCounted) and e.set == 1)

    dim_at = first_set_end + 1.0
    events, _ = coached(settings, Script(), lambda athlete: DimmingRoom(athlete, settings, dim_at))
    second = [e for e in events if isinstance(e, RepCounted) and e.set == 2]
    assert len(second) == 2
    assert all(e.peak_angle > 20 for e in second)  # seen by the camera, not counted blind
