"""Landmarks → the points the angle core measures: shoulder, hip, knee, ankle and toe of the
side that is up, each only when the network is sure of it.

Lying on one side facing the camera, the upper hip and shoulder sit above the lower ones; the
side is chosen from that and changed only after it has held for a while, so a roll-over turns
the coach to the other leg and a frame's doubt does not."""

from __future__ import annotations

import math

import numpy as np

from coach.core.geometry import LYING_MAX_DEG, trunk_off_level_deg
from coach.core.pose.landmarks import (
    ANKLE,
    ELBOW,
    FOOT_INDEX,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    WRIST,
    Landmarks,
)

MIN_VISIBLE = 0.5  # a point the network is less sure of than this is not taken
# The foot is the least reliable part of a pose model: its points judge the toes only when
# the network is very sure of the heel and the toes both.
MIN_FOOT_VISIBLE = 0.9
SIDE_HOLD_FRAMES = 8  # frames the other side must look up before the coach turns to it
LEG_POINTS = {"shoulder": SHOULDER, "hip": HIP, "knee": KNEE, "ankle": ANKLE}
# The rest of the body, for what else moves (an arm raised, a knee opened with the feet
# together) and for how the camera looks down on the two sides stacked at rest.
ARM_POINTS = {"elbow": ELBOW, "wrist": WRIST}
UNDER_POINTS = {"shoulder": SHOULDER, "hip": HIP, "knee": KNEE, "ankle": ANKLE}


def trunk_from_floor_deg(landmarks: Landmarks) -> float:
    """How far the line from the shoulders' middle to the hips' middle stands off level."""
    p = landmarks.points
    shoulders = (p[SHOULDER["left"]] + p[SHOULDER["right"]]) / 2
    hips = (p[HIP["left"]] + p[HIP["right"]]) / 2
    return trunk_off_level_deg(shoulders, hips)


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


def in_frame(point: np.ndarray, size: tuple[int, int] | None) -> bool:
    """Whether a point lies within the picture. The network places points it cannot see, and
    may be sure of them: a shoulder drawn at x = -99 came with a certainty of 0.99."""
    if size is None:
        return True
    width, height = size
    return 0.0 <= float(point[0]) < width and 0.0 <= float(point[1]) < height


def leg_points(
    landmarks: Landmarks, side: str, size: tuple[int, int] | None = None
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The top side's points the network is sure of and that lie in the picture (`size`:
    width, height), and how sure it is of each (0 for one outside the picture)."""
    points, sure = {}, {}
    for name, index in LEG_POINTS.items():
        i = index[side]
        sure[name] = float(landmarks.visibility[i]) if in_frame(landmarks.points[i], size) else 0.0
        if sure[name] >= MIN_VISIBLE:
            points[name] = landmarks.points[i]
    toe = FOOT_INDEX[side]
    foot = min(landmarks.visibility[HEEL[side]], landmarks.visibility[toe])
    sure["toe"] = float(foot) if in_frame(landmarks.points[toe], size) else 0.0
    if sure["toe"] >= MIN_FOOT_VISIBLE:
        points["toe"] = landmarks.points[toe]
    return points, sure


def other_points(
    landmarks: Landmarks, side: str, size: tuple[int, int] | None = None
) -> dict[str, np.ndarray]:
    """The top arm ("elbow", "wrist") and the side underneath ("under_hip", ...), where the
    network is sure of them and they lie in the picture."""
    under = "left" if side == "right" else "right"
    wanted = {name: index[side] for name, index in ARM_POINTS.items()}
    wanted |= {f"under_{name}": index[under] for name, index in UNDER_POINTS.items()}
    return {
        name: landmarks.points[i]
        for name, i in wanted.items()
        if landmarks.visibility[i] >= MIN_VISIBLE and in_frame(landmarks.points[i], size)
    }


def stack_tilt_deg(landmarks: Landmarks, side: str) -> float | None:
    """How far the camera looks down, as the stacked shoulders and hips show it: lying on the
    side, each pair is one above the other; seen square on they are apart in the picture
    only, seen from above the lower one is also farther away, and the angle of that pair
    between picture and depth is the camera's tilt. The network's depth is a rough guess,
    so this is worth only a median over a still moment. None without the depth."""
    if landmarks.depth is None:
        return None
    under = "left" if side == "right" else "right"
    tilts = []
    for pair in (SHOULDER, HIP):
        top, bottom = pair[side], pair[under]
        apart = float(landmarks.points[bottom, 1] - landmarks.points[top, 1])
        deeper = float(landmarks.depth[bottom] - landmarks.depth[top])
        tilts.append(math.degrees(math.atan2(deeper, apart)))
    return float(np.mean(tilts))
