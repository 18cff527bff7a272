"""Pose mode measures its camera from the body lying still: the stacked shoulders and hips,
the lower of each pair farther from a camera that looks down on them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach.core.pose import landmarks
from coach.core.pose.landmarks import Landmarks
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.core.view import CameraView
from coach.settings import Settings
from tests.test_pose_core import lying_body

FRAME = np.zeros((480, 640, 3), np.uint8)


def _seen_from_above(tilt_deg: float, jitter: float = 0.0, seed: int = 0):
    """The lying body with the lower shoulder and hip deeper, as a camera `tilt_deg` down
    sees them, with the network's depth wandering by `jitter` pixels a frame."""
    body = lying_body("right")
    apart = 40.0  # the two sides 40 px apart in the picture (see `lying_body`)
    deeper = apart * math.tan(math.radians(tilt_deg))
    rng = np.random.default_rng(seed)

    def mark(frame, region) -> Landmarks:
        depth = rng.normal(0.0, jitter, 33)
        for pair in (landmarks.SHOULDER, landmarks.HIP):
            depth[pair["left"]] += deeper  # the left side lies underneath
        return Landmarks(body.points, body.visibility, body.presence, body.next_region, depth)

    return PoseTracker(lambda frame: [body.next_region], mark)


@pytest.mark.parametrize("tilt", [5.0, 20.0, 35.0])
def test_the_tilt_is_taken_from_the_body_at_rest_when_nobody_gave_it(tilt):
    reader = PoseReader(Settings(), _seen_from_above(tilt, jitter=6.0))
    for i in range(40):
        reader.sight(FRAME, i / 15)
    assert reader.view_source is not None and "shoulders and hips" in reader.view_source
    assert reader.view.tilt_deg == pytest.approx(tilt, abs=3.0)


def test_the_tilt_takes_two_seconds_of_rest_at_any_frame_rate():
    """One frame's depth wanders by ten degrees: thirty frames at 60 a second were half a
    second of the same wander, and the tilt was measured from them."""
    reader = PoseReader(Settings(), _seen_from_above(20.0, jitter=6.0))
    for i in range(72):
        reader.sight(FRAME, i / 60)
    assert reader.view_source is None  # 1.2 s
    for i in range(72, 180):
        reader.sight(FRAME, i / 60)
    assert reader.view_source is not None
    assert reader.view.tilt_deg == pytest.approx(20.0, abs=3.0)


def test_a_tilt_given_by_the_setup_is_kept():
    reader = PoseReader(Settings(), _seen_from_above(20.0))
    reader.view = CameraView(12.0, 3.0)
    for i in range(40):
        reader.sight(FRAME, i / 15)
    assert reader.view_source is None and reader.view == CameraView(12.0, 3.0)


@pytest.mark.parametrize("factor", [0.55, 1.35])
def test_a_camera_moved_mid_set_is_noticed_and_the_rest_learned_again(factor):
    body = lying_body("right")
    shown = {"factor": 1.0, "bias": 12.0}

    def mark(frame, region) -> Landmarks:
        points = (body.points - [320.0, 240.0]) * shown["factor"] + [320.0, 240.0]
        # The model's bias: the shoulder on the deltoid, seen otherwise from the new place.
        points[landmarks.SHOULDER["right"]] -= [0.0, shown["bias"] * shown["factor"]]
        return Landmarks(points, body.visibility, body.presence, body.next_region)

    reader = PoseReader(Settings(), PoseTracker(lambda frame: [body.next_region], mark))
    for i in range(30):
        reader.sight(FRAME, i / 15)
    shown["factor"], shown["bias"] = factor, 24.0
    for i in range(30, 90):
        lift = reader.sight(FRAME, i / 15).angles.abduction
    assert reader.camera_moves == 1
    assert lift == pytest.approx(0.0, abs=0.5)


def test_depth_that_is_no_guide_leaves_the_camera_unmeasured():
    reader = PoseReader(Settings(), _seen_from_above(20.0, jitter=60.0))
    for i in range(90):
        reader.sight(FRAME, i / 15)
    assert reader.view_source is None and reader.view.tilt_deg == Settings().camera.tilt_deg


@pytest.mark.parametrize("tilt", [10.0, 20.0, 30.0])
def test_a_short_rest_whose_readings_agree_closely_is_enough(tilt):
    """The real side-lying video rests 0.8 s between reps: its readings agree within a few
    degrees, and its tilt was never measured while two seconds were asked for. (The leg is
    taken as still after half a second.)"""
    reader = PoseReader(Settings(), _seen_from_above(tilt, jitter=1.5, seed=3))
    for i in range(int(1.2 * 30)):
        reader.sight(FRAME, i / 30)
    assert reader.view_source is not None
    assert reader.view.tilt_deg == pytest.approx(tilt, abs=1.5)


def test_a_short_rest_whose_readings_wander_is_not_enough():
    reader = PoseReader(Settings(), _seen_from_above(20.0, jitter=6.0))
    for i in range(int(1.2 * 30)):
        reader.sight(FRAME, i / 30)
    assert reader.view_source is None
