"""Landmarks → the points the angle core measures: shoulder, hip, knee, ankle and toe of the
side that is up, each only when the network is sure of it.

Lying on one side facing the camera, the upper hip and shoulder sit above the lower ones; the
side is chosen from that and changed only after it has held for a while, so a roll-over turns
the coach to the other leg and a frame's doubt does not."""

from __future__ import annotations

import math

import numpy as np

from coach.core.pose.landmarks import ANKLE, FOOT_INDEX, HEEL, HIP, KNEE, SHOULDER, Landmarks

MIN_VISIBLE = 0.5  # a point the network is less sure of than this is not taken
# The foot is the least reliable part of a pose model: its points judge the toes only when
# the network is very sure of the heel and the toes both.
MIN_FOOT_VISIBLE = 0.9
LYING_MAX_DEG = 45.0  # the trunk within this of the floor's line: lying, not sitting or standing
SIDE_HOLD_FRAMES = 8  # frames the other side must look up before the coach turns to it
LEG_POINTS = {"shoulder": SHOULDER, "hip": HIP, "knee": KNEE, "ankle": ANKLE}


def trunk_from_floor_deg(landmarks: Landmarks) -> float:
    """How far the line from the shoulders' middle to the hips' middle stands off level."""
    p = landmarks.points
    shoulders = (p[SHOULDER["left"]] + p[SHOULDER["right"]]) / 2
    hips = (p[HIP["left"]] + p[HIP["right"]]) / 2
    dx, dy = hips - shoulders
    return math.degrees(math.atan2(abs(float(dy)), abs(float(dx))))


def is_lying(landmarks: Landmarks) -> bool:
    return trunk_from_floor_deg(landmarks) <= LYING_MAX_DEG


def upper_side(landmarks: Landmarks) -> str:
    """The side whose shoulder and hip are higher in the picture."""
    p = landmarks.points
    left = p[SHOULDER["left"], 1] + p[HIP["left"], 1]
    right = p[SHOULDER["right"], 1] + p[HIP["right"], 1]
    return "left" if left < right else "right"


class SideChooser:
    def __init__(self, hold_frames: int = SIDE_HOLD_FRAMES) -> None:
        self._hold = hold_frames
        self.side: str | None = None
        self._other = 0

    def reset(self) -> None:
        self.side, self._other = None, 0

    def update(self, landmarks: Landmarks) -> str:
        seen = upper_side(landmarks)
        if self.side is None or seen == self.side:
            self.side, self._other = seen, 0
        else:
            self._other += 1
            if self._other >= self._hold:
                self.side, self._other = seen, 0
        return self.side


def leg_points(landmarks: Landmarks, side: str) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The top side's points the network is sure of, and how sure it is of each."""
    points, sure = {}, {}
    for name, index in LEG_POINTS.items():
        i = index[side]
        sure[name] = float(landmarks.visibility[i])
        if sure[name] >= MIN_VISIBLE:
            points[name] = landmarks.points[i]
    foot = min(landmarks.visibility[HEEL[side]], landmarks.visibility[FOOT_INDEX[side]])
    sure["toe"] = float(foot)
    if foot >= MIN_FOOT_VISIBLE:
        points["toe"] = landmarks.points[FOOT_INDEX[side]]
    return points, sure
