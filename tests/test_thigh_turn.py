"""The camera's turn from the thigh's length: found without the toes, and not led by one lift
swung forward."""

import numpy as np
import pytest

from coach.core.calibration import TURN_RANGE_DEG
from coach.core.thigh_turn import turn_from_thighs
from coach.core.view import CameraView
from coach.sim.athlete import LegState
from coach.sim.scene import CameraPose, Scene

SIZE = (640, 480)


def _seen(scene: Scene, leg: LegState, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Where the markers show, found to within a fifth of a pixel or so, as still moments are."""
    return {
        name: scene.project(point)[0] + rng.normal(0.0, 0.2, 2)
        for name, point in scene.joints(leg).items()
    }


def _pairs(pose: CameraPose, lifts: list[LegState]) -> list[tuple[dict, dict]]:
    rng = np.random.default_rng(3)
    scene = Scene(pose, {}, *SIZE)
    rests = {side: _seen(scene, LegState(side, 0.0, 0.0), rng) for side in ("right", "left")}
    return [(rests[leg.side], _seen(scene, leg, rng)) for leg in lifts]


@pytest.mark.parametrize(("tilt", "turn"), [(22.0, -12.0), (28.0, 10.0), (16.0, 0.0)])
def test_the_turn_comes_from_the_thighs_with_the_toes_turned_down(tilt, turn):
    lifts = [LegState(side, lift, -8.0) for side in ("right", "left") for lift in (20, 30, 38)]
    found = turn_from_thighs(
        _pairs(CameraPose(2.5, tilt, turn), lifts), CameraView(tilt), SIZE, TURN_RANGE_DEG
    )
    assert found == pytest.approx(turn, abs=1.0)


def test_one_lift_swung_forward_does_not_lead_the_others():
    turn = 9.0
    clean = [LegState(side, lift, 0.0) for side in ("right", "left") for lift in (25, 35)]
    swung = LegState("right", 32.0, 0.0, forward_drift=35.0)
    alone = turn_from_thighs(
        _pairs(CameraPose(2.5, 20.0, turn), [swung]), CameraView(20.0), SIZE, TURN_RANGE_DEG
    )
    together = turn_from_thighs(
        _pairs(CameraPose(2.5, 20.0, turn), [swung, *clean]), CameraView(20.0), SIZE, TURN_RANGE_DEG
    )
    assert alone is None or abs(alone - turn) > 5.0  # on its own it would mislead
    assert together == pytest.approx(turn, abs=1.5)


def test_no_lifts_or_thighs_that_agree_on_no_turn_give_no_turn():
    assert turn_from_thighs([], CameraView(20.0), SIZE, TURN_RANGE_DEG) is None
    pairs = _pairs(CameraPose(2.5, 20.0, 5.0), [LegState("right", 30.0, 0.0)])
    shrunk = [
        (rest, {**lift, "knee": lift["hip"] + 0.7 * (lift["knee"] - lift["hip"])})
        for rest, lift in pairs
    ]  # a knee marker that slid up the thigh: 30 % shorter, which no turn explains
    assert turn_from_thighs(shrunk, CameraView(20.0), SIZE, TURN_RANGE_DEG) is None


def test_from_a_level_camera_the_thighs_give_no_turn():
    """Looking straight across, a turn to the left and one to the right shorten a raised thigh
    alike: the thighs cannot tell them apart, and the toes are left to."""
    pose = CameraPose(2.5, 0.0, -15.0)
    pairs = _pairs(pose, [LegState(side, 25.0, 0.0) for side in ("right", "left")])
    assert turn_from_thighs(pairs, CameraView(0.0), SIZE, TURN_RANGE_DEG) is None


@pytest.mark.parametrize("scale", [1.0, 10 / 3])
def test_a_square_on_camera_is_not_read_as_turned_from_a_small_thigh(scale):
    """The tests' 192x144 frames read a square-on camera as turned 7.8°: the still moments put
    the raised thigh 0.35 px shorter than the resting one, 1 % of its 35 px, as much as a turn of
    8° changes it there. The same third of a pixel at 640x480 is 0.3 %."""
    size = (round(192 * scale), round(144 * scale))
    rest = {"hip": np.array([115.25, 108.01]) * scale, "knee": np.array([80.54, 108.09]) * scale}
    lift = {"hip": np.array([115.25, 107.92]) * scale, "knee": np.array([84.2, 93.2]) * scale}
    thigh = lift["knee"] - lift["hip"]
    resting = np.linalg.norm(rest["knee"] - rest["hip"])
    lift["knee"] = lift["hip"] + thigh / np.linalg.norm(thigh) * (resting - 0.35)  # as found
    found = turn_from_thighs([(rest, lift)], CameraView(0.0), size, TURN_RANGE_DEG, toward=-1.5)
    assert found == 0.0
