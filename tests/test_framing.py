"""Before the first lift of a set, the coach says what the camera cannot see."""

import numpy as np

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.core.events import Command, Cue, RepCounted
from coach.core.geometry import LegAngles
from coach.core.vision import Sighting
from coach.sim.athlete import Script
from coach.sim.camera import SimulatedCamera
from tests.helpers import quick_settings

ALL = {name: np.array([100.0, 100.0]) for name in ("shoulder", "hip", "knee", "ankle", "toe")}


def test_a_good_view_has_no_problems():
    assert Sighting(ALL, LegAngles(2.0, 0.0, 0.0), (640, 480)).framing_problems() == []


def test_missing_markers_a_marker_at_the_edge_and_a_crooked_body_are_named():
    partial = {k: v for k, v in ALL.items() if k != "ankle"}
    assert Sighting(partial, None, (640, 480)).missing == ["ankle"]
    at_edge = {**ALL, "ankle": np.array([636.0, 200.0])}
    crooked = LegAngles(20.0, 0.0, 0.0)
    problems = Sighting(
        {**partial, "toe": at_edge["ankle"]}, crooked, (640, 480)
    ).framing_problems()
    assert problems == ["missing", "edge", "crooked"]


class CoveredAnkle(SimulatedCamera):
    """The ankle marker is hidden (a fold of the trousers) until the person fixes it."""

    uncovered_at = float("inf")

    def read(self, t):
        self.covered = {"ankle"} if t < self.uncovered_at else set()
        return super().read(t)


def _session(uncovered_at):
    settings = quick_settings(reps=2)
    events = []

    def film(athlete):
        camera = CoveredAnkle(athlete, 192, 144, settings.markers.colours(), 0.17)
        camera.uncovered_at = uncovered_at
        return camera

    loop, _ = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], Script(), film
    )
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=2000)
    return events


def test_a_hidden_marker_is_named_and_the_set_waits_until_it_is_seen():
    events = _session(uncovered_at=55.0)  # the first set begins at about 46 s
    said = [e for e in events if isinstance(e, Cue)]
    complaints = [c for c in said if c.text == "I can't see your ankle marker."]
    assert 1 <= len(complaints) <= 2
    first_lift = next(c for c in said if c.tag == "lift")
    assert first_lift.t > 55.0 > complaints[-1].t
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 4 and all(r.peak_angle > 25 for r in reps)  # seen, not counted blind


def test_if_it_is_never_fixed_the_set_starts_anyway_after_three_reminders():
    events = _session(uncovered_at=float("inf"))
    said = [e.text for e in events if isinstance(e, Cue)]
    assert said.count("I can't see your ankle marker.") == 2 * 3  # three before each set
    assert len([e for e in events if isinstance(e, RepCounted)]) == 4
