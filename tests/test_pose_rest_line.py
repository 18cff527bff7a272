"""Pose mode reads the lift from the body's own rest line, and does not read what it cannot
see: a model's bias on where the shoulder and hip sit cancels; points outside the picture are
not taken, however sure the model says it is of them."""

from __future__ import annotations

import numpy as np
import pytest

from coach.core.pose import landmarks
from coach.core.pose.body import leg_points
from coach.core.pose.landmarks import Landmarks
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.settings import Settings
from tests.test_pose_core import lying_body

FRAME = np.zeros((480, 640, 3), np.uint8)
BIAS_PX = 12.0  # the model's shoulder on the deltoid, above the joint: the trunk line tilts


def _biased(lift_deg: float) -> Landmarks:
    body = lying_body("right", lift_deg=lift_deg)
    points = body.points.copy()
    points[landmarks.SHOULDER["right"]] -= [0.0, BIAS_PX]
    return Landmarks(points, body.visibility, body.presence, body.next_region)


class _Person:
    """Lies still for a second, then lifts the top leg 30 degrees."""

    def __init__(self) -> None:
        self.lift_deg = 0.0

    def mark(self, frame, region) -> Landmarks:
        return _biased(self.lift_deg)


def test_the_lift_is_read_from_the_rest_the_set_began_with_so_the_models_bias_cancels():
    person = _Person()
    tracker = PoseTracker(lambda frame: [lying_body().next_region], person.mark)
    reader = PoseReader(Settings(), tracker)
    first = reader.sight(FRAME, 0.0).angles.abduction
    assert first == pytest.approx(4.6, abs=0.5)  # against the biased trunk line: high
    for i in range(1, 20):
        at_rest = reader.sight(FRAME, i / 15).angles.abduction
    assert at_rest == pytest.approx(0.0, abs=0.3)
    person.lift_deg = 30.0
    for i in range(20, 60):
        lifted = reader.sight(FRAME, i / 15).angles.abduction
    assert lifted == pytest.approx(30.0, abs=0.5)
    # The next set learns its own rest: the person may lie differently.
    person.lift_deg = 5.0
    for i in range(60, 120):  # the break
        reader.sight(FRAME, i / 15)
    reader.learn_colours()
    for i in range(120, 150):
        again = reader.sight(FRAME, i / 15).angles.abduction
    assert again == pytest.approx(0.0, abs=0.3)


def test_a_point_outside_the_picture_is_not_read_however_sure_the_model_is():
    body = lying_body("right")
    body.points[landmarks.SHOULDER["right"]] = (-99.0, 300.0)
    points, sure = leg_points(body, "right", (640, 480))
    assert "shoulder" not in points and sure["shoulder"] == 0.0
    assert {"hip", "knee", "ankle"} <= points.keys()
