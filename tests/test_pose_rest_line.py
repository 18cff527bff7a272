"""Pose mode reads the lift from the body's own rest line, and does not read what it cannot
see: a model's bias on where the shoulder and hip sit cancels; points outside the picture are
not taken, however sure the model says it is of them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach.core.form import FormWatcher
from coach.core.pose import landmarks
from coach.core.pose.body import leg_points
from coach.core.pose.landmarks import Landmarks
from coach.core.pose.reader import PoseReader
from coach.core.pose.rest_line import RestLine
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
    first = reader.sight(FRAME, 0.0).angles
    # Against the biased trunk line it reads 4.6 degrees high; from the first frame the lift is
    # read from the rest seen so far.
    assert first.abduction + first.rays.rest_offset_deg == pytest.approx(4.6, abs=0.5)
    assert first.abduction == pytest.approx(0.0, abs=0.3)
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


def _turned(body: Landmarks, degrees: float, about=(425.0, 300.0)) -> Landmarks:
    """The whole body turned in the picture (a camera rolled, or the person shifted)."""
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    points = (body.points - about) @ rotation.T + about
    return Landmarks(points, body.visibility, body.presence, body.next_region)


class _Stream:
    """A person seen through the pose model: `body(t)` gives the landmarks at time t."""

    def __init__(self, body) -> None:
        self.body, self.t = body, 0.0
        self.reader = PoseReader(
            Settings(), PoseTracker(lambda frame: [lying_body().next_region], self._mark)
        )

    def _mark(self, frame, region) -> Landmarks:
        return self.body(self.t)

    def lifts(self, fps: float, until_s: float) -> list[tuple[float, float]]:
        out = []
        for i in range(round(until_s * fps)):
            self.t = i / fps
            angles = self.reader.sight(FRAME, self.t).angles
            out.append((self.t, angles.abduction))
        return out


@pytest.mark.parametrize("fps", [15, 30, 60])
def test_the_rest_is_learned_over_half_a_second_whatever_the_frame_rate(fps):
    """The first frame of a real video read its trunk line 1.5 degrees off (the detector's
    region before tracking); eight readings of the filter still leaving it were the rest at
    60 frames a second, and every lift then read low."""

    def body(t: float) -> Landmarks:
        if t == 0.0:
            return _biased(4.0)
        return _biased(30.0 if t >= 2.0 else 0.0)

    lifts = _Stream(body).lifts(fps, 3.5)
    assert lifts[-1][1] == pytest.approx(30.0, abs=0.5)


def test_the_models_hip_rising_as_the_leg_lifts_does_not_turn_the_trunk_line_under_it():
    """On a real leg-raise video BlazePose's top hip moved along and up the trunk as the leg
    rose 60-70 degrees; the shoulder-to-hip line turned 2 degrees and every lift read that low."""

    def body(t: float) -> Landmarks:
        lift = 0.0 if t < 1.0 else 60.0
        seen = _biased(lift)
        if lift:
            seen.points[landmarks.HIP["right"]] += [0.0, -5.0]  # toward the ceiling
        return seen

    lifts = _Stream(body).lifts(15, 3.0)
    assert lifts[-1][1] == pytest.approx(60.0, abs=1.0)


def test_a_body_turned_as_a_whole_keeps_its_lift_from_rest():
    """A video cut to a second camera saw the trunk 8 degrees turned: the leg's lift from the
    trunk is what it was, past anything the model's hip slides."""

    def body(t: float) -> Landmarks:
        seen = _biased(30.0 if t >= 3.0 else 0.0)
        return _turned(seen, 8.0) if t >= 1.5 else seen

    lifts = _Stream(body).lifts(15, 4.5)
    at_rest = [lift for t, lift in lifts if 2.0 < t < 3.0]
    assert max(abs(lift) for lift in at_rest) < 0.5
    assert lifts[-1][1] == pytest.approx(30.0, abs=0.5)


@pytest.mark.parametrize("fps", [15, 60])
def test_a_lift_that_begins_soon_after_the_recording_is_counted(fps):
    """A real video began 0.8 s before the first lift: the rest learned half a second in moved
    every reading at once, the rep segmenter began settling again, and the rep was missed."""

    def body(t: float) -> Landmarks:
        return _biased(min(max(0.0, (t - 0.8) * 40), 30.0) if t < 2.4 else 0.0)

    watcher = FormWatcher(Settings().form)
    reps = []
    stream = _Stream(body)
    for i in range(round(4.0 * fps)):
        stream.t = i / fps
        angles = stream.reader.sight(FRAME, stream.t).angles
        _, scored = watcher.update(stream.t, angles)
        if scored is not None:
            reps.append(scored.rep.peak_angle)
    assert reps == [pytest.approx(30.0, abs=1.0)]


@pytest.mark.parametrize("starts_at", [0.1, 0.3])
def test_a_lift_begun_before_any_still_rest_reads_its_whole_height(starts_at):
    """The rest line is learned again when the camera's tilt has been measured or the camera
    moved, whatever the person is doing then. Until a still rest shows it, the readings so far
    stand in for it; their median followed a leg already rising, and a 30 degree lift begun
    0.3 s after the reset read 20."""
    rest_line = RestLine()
    trunk = np.array([1.0, 0.0])
    bias = 4.0  # what the model reads for the leg lying down
    read = []
    for i in range(30):
        t = i / 15
        lift = min(max(0.0, (t - starts_at) * 30.0), 30.0) + bias
        rest_line.update(t, lift, lift, trunk)
        read.append(lift - rest_line.lift_offset_deg(trunk))
    assert read[-1] == pytest.approx(30.0, abs=1.0)


def test_a_body_lying_with_no_rest_yet_does_not_count_the_rest_it_learns_as_a_lift():
    """On a real clamshell video the person lay with the knees bent, the leg 20 degrees below
    the trunk line, past any rest; when they settled at 15 degrees the rest was learned, every
    reading rose by 15 degrees at once, and the leg-lift program counted a rep."""

    def body(t: float) -> Landmarks:
        return _biased(-20.0 if t < 2.8 else -15.0)

    watcher = FormWatcher(Settings().form)
    stream = _Stream(body)
    reps, lifts = [], []
    for i in range(round(8.0 * 15)):
        stream.t = i / 15
        angles = stream.reader.sight(FRAME, stream.t).angles
        _, scored = watcher.update(stream.t, angles)
        lifts.append(angles.abduction)
        reps += [] if scored is None else [scored]
    if (last := watcher.close()) is not None:
        reps.append(last)
    assert reps == []
    assert max(abs(lift) for lift in lifts) < 3.0
