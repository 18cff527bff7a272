import math

import numpy as np
import pytest

from coach.core.geometry import abduction_deg, knee_bend_deg, measure, rotation_deg

RATIO = 0.17


def _leg(abduction: float, rotation: float, head_right: bool) -> dict[str, np.ndarray]:
    """Marker positions for a body along the x axis, leg raised toward image-up (y down)."""
    feet = -1.0 if head_right else 1.0
    shoulder = np.array([300.0 - feet * 200, 300.0])
    hip = shoulder + np.array([feet * 150, 0.0])
    a = math.radians(abduction)
    direction = np.array([feet * math.cos(a), -math.sin(a)])
    ankle = hip + direction * 200
    ceiling = np.array([direction[1], -direction[0]])
    ceiling = ceiling if ceiling[1] < 0 else -ceiling
    toe = ankle + direction * 10 + ceiling * RATIO * 200 * math.sin(math.radians(rotation))
    return {"shoulder": shoulder, "hip": hip, "knee": (hip + ankle) / 2, "ankle": ankle, "toe": toe}


@pytest.mark.parametrize("head_right", [True, False])
@pytest.mark.parametrize("abduction", [-5.0, 0.0, 20.0, 45.0, 70.0])
@pytest.mark.parametrize("rotation", [-15.0, 0.0, 10.0, 30.0])
def test_angles_are_recovered_whichever_way_the_person_lies(head_right, abduction, rotation):
    angles = measure(_leg(abduction, rotation, head_right), RATIO)
    assert angles is not None
    assert angles.abduction == pytest.approx(abduction, abs=1e-6)
    assert angles.rotation == pytest.approx(rotation, abs=1e-6)
    assert angles.knee_bend == pytest.approx(0.0, abs=1e-5)


def test_leg_dropped_below_the_trunk_line_reads_negative():
    shoulder, hip = np.array([0.0, 100.0]), np.array([100.0, 100.0])
    assert abduction_deg(shoulder, hip, np.array([200.0, 110.0])) < 0


def test_toes_turned_down_read_negative_rotation():
    hip, ankle = np.array([0.0, 100.0]), np.array([200.0, 100.0])
    assert rotation_deg(hip, ankle, np.array([200.0, 110.0]), RATIO) < 0
    assert rotation_deg(hip, ankle, np.array([200.0, 90.0]), RATIO) > 0


def test_knee_bend_is_the_angle_between_thigh_and_shin():
    hip, knee = np.array([0.0, 0.0]), np.array([100.0, 0.0])
    assert knee_bend_deg(hip, knee, np.array([200.0, 0.0])) == pytest.approx(0.0)
    assert knee_bend_deg(hip, knee, np.array([100.0, 100.0])) == pytest.approx(90.0)


def test_without_hip_shoulder_or_ankle_there_is_no_reading():
    markers = _leg(20, 0, True)
    for name in ("shoulder", "hip", "ankle"):
        partial = {k: v for k, v in markers.items() if k != name}
        assert measure(partial, RATIO) is None


def test_missing_toe_or_knee_leaves_only_that_reading_out():
    markers = _leg(20, 5, True)
    del markers["toe"], markers["knee"]
    angles = measure(markers, RATIO)
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


def test_a_shin_that_looks_shorter_against_the_thigh_is_a_bent_knee():
    from coach.core.geometry import knee_flexion_deg

    assert knee_flexion_deg(1.0, 1.0, 0.0) == pytest.approx(0.0)
    assert knee_flexion_deg(math.cos(math.radians(30)), 1.0, 0.0) == pytest.approx(30.0)
    assert knee_flexion_deg(1.0, 1.0, 25.0) == 25.0  # a bend within the picture counts too
