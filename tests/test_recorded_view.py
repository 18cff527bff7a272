"""The camera's tilt and turn from a recording: its still rests and held lifts."""

import numpy as np
import pytest

from coach.core.calibration import calibrate_view
from coach.core.recorded_view import StillMoments
from coach.core.view import CameraView
from coach.sim.athlete import LegState
from coach.sim.scene import CameraPose, Scene

SIZE = (640, 480)
RATIO = 0.17


def _frames(
    scene: Scene, lifts: list[float], side: str = "right", toes_at_top: float = 0.0
) -> list[dict[str, np.ndarray]]:
    """The markers as found, for each lift angle; the toes turn by `toes_at_top` as it rises."""
    rng = np.random.default_rng(1)
    top = max(lifts)
    return [
        {
            name: scene.project(point)[0] + rng.normal(0.0, 0.2, 2)
            for name, point in scene.joints(
                LegState(side, lift, toes_at_top * lift / top if top else 0.0)
            ).items()
        }
        for lift in lifts
    ]


def test_a_rest_then_a_held_lift_give_the_camera_as_the_live_setup_would():
    pose = CameraPose(2.5, 20.0, 8.0)
    scene = Scene(pose, {}, *SIZE)
    lifts = [0.0] * 20 + list(np.linspace(0.0, 30.0, 25)) + [30.0] * 20 + [15.0, 0.0]
    moments = StillMoments()
    for markers, lift in zip(_frames(scene, lifts), lifts, strict=True):
        moments.add(markers, lift, SIZE[0])
    moments.finish()
    assert len(moments.resting) >= 5 and len(moments.lifted) >= 5
    view = calibrate_view(moments.resting, moments.lifted, SIZE, CameraView(), RATIO)
    assert view is not None
    assert view.tilt_deg == pytest.approx(20.0, abs=1.5)
    assert view.turn_deg == pytest.approx(8.0, abs=2.5)


def test_toes_turned_down_at_the_top_do_not_move_the_turn():
    """A recording promises no toes held ahead: the turn comes from the thighs of both sides."""
    pose = CameraPose(2.5, 22.0, -11.0)
    scene = Scene(pose, {}, *SIZE)
    ramp = list(np.linspace(0.0, 32.0, 25))
    lifts = [0.0] * 20 + (ramp + [32.0] * 20 + ramp[::-1]) * 4
    moments = StillMoments()
    for side in ("right", "left"):
        for markers, lift in zip(_frames(scene, lifts, side, -8.0), lifts, strict=True):
            moments.add(markers, lift, SIZE[0])
    moments.finish()
    assert moments.complete
    view = moments.view(SIZE, CameraView(), RATIO)
    assert view is not None
    assert view.turn_deg == pytest.approx(-11.0, abs=1.5)
    assert view.tilt_deg == pytest.approx(22.0, abs=1.5)
    toes = calibrate_view(moments.resting, moments.lifted, SIZE, CameraView(), RATIO, thighs=[])
    assert toes is not None and abs(toes.turn_deg + 11.0) > 5.0  # what the thighs replace


def test_a_leg_that_never_stops_or_never_rests_first_gives_no_moments():
    scene = Scene(CameraPose(2.5, 20.0, 0.0), {}, *SIZE)
    sweeping = [15.0 + 15.0 * np.sin(i / 4) for i in range(80)]  # never still
    held_up_first = [30.0] * 20 + [0.0] * 20  # a lift with no rest before it is no moment
    for lifts in (sweeping, held_up_first):
        moments = StillMoments()
        for markers, lift in zip(_frames(scene, lifts), lifts, strict=True):
            moments.add(markers, lift, SIZE[0])
        moments.finish()
        assert not moments.complete


def _rest_and_lift_without(pose: CameraPose, missing: str) -> StillMoments:
    """A still rest and a held lift in which one marker is never seen."""
    lifts = [0.0] * 20 + [30.0] * 20
    moments = StillMoments()
    for markers, lift in zip(_frames(Scene(pose, {}, *SIZE), lifts), lifts, strict=True):
        moments.add({k: v for k, v in markers.items() if k != missing}, lift, SIZE[0])
    moments.finish()
    return moments


def test_frames_without_the_toe_are_no_moment():
    moments = _rest_and_lift_without(CameraPose(2.5, 20.0, 0.0), "toe")
    assert not moments.resting and not moments.lifted


def test_without_the_knee_marker_the_turn_is_the_toes_as_at_the_live_setup():
    moments = _rest_and_lift_without(CameraPose(2.5, 20.0, 8.0), "knee")
    toes = calibrate_view(moments.resting, moments.lifted, SIZE, CameraView(), RATIO)
    assert toes is not None
    assert moments.view(SIZE, CameraView(), RATIO) == toes
