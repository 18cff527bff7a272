import math

import numpy as np
import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.core.events import Command, FormWarning, RepCounted
from coach.core.pose.reader import POSE_BETA, POSE_CUTOFF_HZ
from coach.core.smoothing import MarkerSmoother
from coach.sim.athlete import Script
from coach.sim.camera import SimulatedCamera
from tests.helpers import quick_settings

FPS, WIDTH = 15, 640


def test_a_still_marker_is_steadied():
    rng = np.random.default_rng(0)
    smoother = MarkerSmoother()
    raw = np.array([300.0, 200.0]) + rng.normal(0, 1.0, size=(150, 2))
    out = np.array([smoother.update(i / FPS, {"hip": p}, WIDTH)["hip"] for i, p in enumerate(raw)])
    assert out[30:].std(axis=0).max() < raw[30:].std(axis=0).max() / 1.8


def test_a_moving_marker_is_followed_within_a_pixel_or_two():
    smoother = MarkerSmoother()
    speed = 150.0  # pixels per second: an ankle in a brisk lift
    lags = []
    for i in range(45):
        truth = np.array([100.0 + speed * i / FPS, 300.0])
        lags.append(abs(smoother.update(i / FPS, {"ankle": truth}, WIDTH)["ankle"][0] - truth[0]))
    assert max(lags[15:]) < 2.0


def test_a_brief_gap_is_bridged_along_the_motion_and_a_long_one_is_not():
    smoother = MarkerSmoother()
    speed = 90.0
    for i in range(30):
        smoother.update(i / FPS, {"ankle": np.array([speed * i / FPS, 0.0])}, WIDTH)
    bridged = [smoother.update(i / FPS, {}, WIDTH).get("ankle") for i in range(30, 45)]
    gap = [b for b in bridged if b is not None]
    assert len(gap) == 7  # up to half a second at 15 frames per second
    for i, point in enumerate(gap, start=30):
        assert abs(point[0] - speed * i / FPS) < 0.01 * WIDTH  # within 1% of the frame
    assert bridged[-1] is None


def test_a_marker_hidden_for_a_moment_mid_rep_changes_nothing():
    settings = quick_settings(reps=3)
    events = []

    class Blink(SimulatedCamera):
        def read(self, t):
            lifts = [e.t for e in events if getattr(e, "tag", "") == "lift"]
            # a hand passes over the ankle marker, 1.0 to 1.3 s into each lift
            self.covered = {"ankle"} if lifts and 1.0 <= t - lifts[-1] < 1.3 else set()
            return super().read(t)

    def film(athlete):
        return Blink(athlete, 192, 144, settings.markers.colours(), 0.17)

    loop, _ = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], Script(), film
    )
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=2000)
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 6 and all(25 < r.peak_angle < 35 and r.faults == () for r in reps)
    assert [e for e in events if isinstance(e, FormWarning)] == []


@pytest.mark.parametrize("fps", [10, 15, 30])
@pytest.mark.parametrize("reader", ["markers", "pose"])
def test_a_quick_rep_keeps_its_peak_through_the_smoothing(fps, reader):
    """A one-second rep with no hold, 30 degrees up: the pose reader's plain low-pass cut 5 to
    6 degrees off its peak."""
    smoother = (
        MarkerSmoother(min_cutoff=POSE_CUTOFF_HZ, beta=POSE_BETA)
        if reader == "pose"
        else MarkerSmoother()
    )
    hip, length, highest = np.array([320.0, 300.0]), 200.0, 0.0
    for i in range(4 * fps):
        t = i / fps
        angle = math.radians(15.0 - 15.0 * math.cos(2 * math.pi * min(max(t - 1.0, 0.0), 1.0)))
        ankle = hip + length * np.array([math.cos(angle), -math.sin(angle)])
        out = smoother.update(t, {"hip": hip, "ankle": ankle}, 640)
        seen = out["ankle"] - out["hip"]
        highest = max(highest, math.degrees(math.atan2(-seen[1], seen[0])))
    assert highest > 29.0
