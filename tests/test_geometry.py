import math

import numpy as np
import pytest

from coach.core.geometry import abduction_deg, knee_bend_deg, measure
from coach.core.view import CameraView
from coach.sim.athlete import LegState
from coach.sim.scene import FOOT_FORWARD_M, LEG_M, CameraPose, Scene

RATIO = FOOT_FORWARD_M / LEG_M  # the simulated body's own proportions: the geometry is exact
SIZE = (640, 480)
COLOURS = {n: "#ffffff" for n in ("shoulder", "hip", "knee", "ankle", "toe")}


def _seen(pose: CameraPose, leg: LegState) -> dict[str, np.ndarray]:
    """Exact pixel positions of the markers, without drawing: the geometry alone is tested."""
    scene = Scene(pose, COLOURS)
    return {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}


def _measure(pose: CameraPose, leg: LegState, view: CameraView | None = None):
    view = view or CameraView(pose.tilt_deg, pose.turn_deg)
    return measure(_seen(pose, leg), SIZE, view, RATIO)


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("abduction", [-5.0, 0.0, 20.0, 45.0, 70.0])
@pytest.mark.parametrize("rotation", [-15.0, 0.0, 10.0, 30.0])
def test_angles_are_recovered_whichever_way_the_person_lies(side, abduction, rotation):
    angles = _measure(CameraPose(), LegState(side, abduction, rotation))
    assert angles is not None
    assert angles.abduction == pytest.approx(abduction, abs=1e-6)
    assert angles.rotation == pytest.approx(rotation, abs=1e-6)
    assert angles.knee_bend == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("distance", [1.5, 3.5])
@pytest.mark.parametrize("tilt", [15.0, 30.0])
@pytest.mark.parametrize("turn", [-15.0, 15.0])
def test_a_known_tilt_and_turn_are_taken_out_of_both_angles(distance, tilt, turn):
    pose = CameraPose(distance, tilt, turn)
    for abduction, rotation in ((0.0, 0.0), (40.0, -10.0), (50.0, 20.0)):
        angles = _measure(pose, LegState("right", abduction, rotation))
        assert angles is not None
        assert angles.abduction == pytest.approx(abduction, abs=1e-6)
        assert angles.rotation == pytest.approx(rotation, abs=1e-6)


def test_a_camera_looking_down_sees_level_toes_as_turned_down_until_told_its_tilt():
    pose, leg = CameraPose(2.5, 30.0, 0.0), LegState("right", 0.0, 0.0)
    naive = _measure(pose, leg, CameraView())
    assert naive is not None and naive.rotation is not None
    assert naive.rotation < -20.0  # a false "toes down" of about the tilt
    told = _measure(pose, leg)
    assert told is not None and told.rotation == pytest.approx(0.0, abs=1e-6)


def test_leg_dropped_below_the_trunk_line_reads_negative():
    shoulder, hip = np.array([0.0, 100.0]), np.array([100.0, 100.0])
    assert abduction_deg(shoulder, hip, np.array([200.0, 110.0])) < 0


def test_toes_turned_down_read_negative_rotation():
    down = _measure(CameraPose(), LegState("left", 10.0, -8.0))
    up = _measure(CameraPose(), LegState("left", 10.0, 8.0))
    assert down is not None and down.rotation is not None and down.rotation < 0
    assert up is not None and up.rotation is not None and up.rotation > 0


def test_knee_bend_is_the_angle_between_thigh_and_shin():
    hip, knee = np.array([0.0, 0.0]), np.array([100.0, 0.0])
    assert knee_bend_deg(hip, knee, np.array([200.0, 0.0])) == pytest.approx(0.0)
    assert knee_bend_deg(hip, knee, np.array([100.0, 100.0])) == pytest.approx(90.0)


def test_without_hip_shoulder_or_ankle_there_is_no_reading():
    markers = _seen(CameraPose(), LegState("right", 20, 0))
    for name in ("shoulder", "hip", "ankle"):
        partial = {k: v for k, v in markers.items() if k != name}
        assert measure(partial, SIZE, CameraView(), RATIO) is None


def test_missing_toe_or_knee_leaves_only_that_reading_out():
    markers = _seen(CameraPose(), LegState("right", 20, 5))
    del markers["toe"], markers["knee"]
    angles = measure(markers, SIZE, CameraView(), RATIO)
    assert angles is not None
    assert angles.abduction == pytest.approx(20)
    assert angles.rotation is None
    assert angles.knee_bend is None


def test_side_bend_is_the_pelvic_tilt_that_shortens_the_trunk_that_much():
    from coach.core.geometry import PELVIS_RADIUS_RATIO, side_bend_deg

    rest = 200.0
    for tilt in (0.0, 5.0, 12.0):
        seen = rest - PELVIS_RADIUS_RATIO * rest * math.sin(math.radians(tilt))
        assert side_bend_deg(seen, rest) == pytest.approx(tilt)


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_knee_bent_toward_a_camera_looking_down_does_not_hide_how_high_the_hip_lifted(side):
    """Seen from above, a shin swung toward the lens puts the ankle lower on the body plane: the
    lift is then read from the thigh, as a physiotherapist would."""
    pose = CameraPose(2.75, 27.0, 8.0)
    scene = Scene(pose, {}, 640, 480)
    leg = LegState(side, 38.0, -5.0, knee_bend=40.0)
    pixels = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
    angles = measure(pixels, (640, 480), CameraView(27.0, 8.0), 0.17)
    assert angles is not None and angles.abduction == pytest.approx(38.0, abs=1.0)
    straight = {name: p for name, p in pixels.items() if name != "knee"}
    read_by_the_ankle = measure(straight, (640, 480), CameraView(27.0, 8.0), 0.17)
    assert read_by_the_ankle is not None and read_by_the_ankle.abduction < 32.0  # 6+ low


def test_a_toe_read_as_turned_further_than_a_hip_can_turn_leaves_the_toes_unjudged():
    """A toe 75 degrees round is a marker found where no foot goes (a stub of stripe taken for
    the ankle reads as 100): the toes are not judged from it, while the lift still is."""
    pose, view = CameraPose(2.5, 20.0, 0.0), CameraView(20.0, 0.0)
    beyond = _measure(pose, LegState("right", 30, 75), view)
    assert beyond is not None and beyond.rotation is None
    assert beyond.abduction == pytest.approx(30, abs=1e-6)
    turned = _measure(pose, LegState("right", 30, 40), view)
    assert turned is not None and turned.rotation == pytest.approx(40, abs=1e-6)
