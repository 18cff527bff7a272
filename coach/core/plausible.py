"""Is this a body? Five points found by colour are checked against what a leg can do before any
angle is read from them: the order along the body, the limbs' lengths against the lengths seen
so far, and angles a hip and a knee can make. A frame that fails is not seen, never misread.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from coach.core.geometry import abduction_deg, knee_bend_deg

HISTORY = 150  # plausible frames the usual lengths are taken over (10 s at 15 fps)
USUAL = 90  # percentile of the recent lengths taken as the limb's full length
# A limb seen from the camera only shortens (turned toward it); longer means a wrong point.
LONGEST = 1.3
SHORTEST = {"trunk": 0.6, "thigh": 0.35, "shin": 0.35, "leg": 0.35}
# Before any history: how long each limb may be against the trunk. The leg, hip to ankle, is
# about 1.7 trunks: shorter than 0.7 only with the knee bent past a right angle.
THIGH_TO_TRUNK = (0.5, 2.5)
LEG_TO_TRUNK = (0.7, 3.5)
SHIN_TO_THIGH = (0.4, 2.0)
ABDUCTION_RANGE = (-30.0, 100.0)
MAX_KNEE_BEND = 110.0
MIN_TRUNK_PX = 8.0


def _lengths(points: dict[str, np.ndarray]) -> dict[str, float]:
    pairs = {
        "trunk": ("shoulder", "hip"),
        "thigh": ("hip", "knee"),
        "shin": ("knee", "ankle"),
        "leg": ("hip", "ankle"),
    }
    return {
        limb: float(np.hypot(*(points[b] - points[a])))
        for limb, (a, b) in pairs.items()
        if a in points and b in points
    }


class BodyCheck:
    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {limb: deque(maxlen=HISTORY) for limb in SHORTEST}

    def usual(self, limb: str) -> float | None:
        seen = self._seen[limb]
        return float(np.percentile(seen, USUAL)) if len(seen) >= 5 else None

    def plausible(self, points: dict[str, np.ndarray]) -> bool:
        """Whether these points can be a person lying on their side; a plausible frame's
        lengths are remembered."""
        lengths = _lengths(points)
        if not self._shaped_like_a_body(points, lengths):
            return False
        for limb, length in lengths.items():
            usual = self.usual(limb)
            if usual is not None and not SHORTEST[limb] * usual <= length <= LONGEST * usual:
                return False
        for limb, length in lengths.items():
            self._seen[limb].append(length)
        return True

    def body_in(self, points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The points that make a body: all of them, or all but the knee when a knee found in
        trousers of its colour is what spoils the rest, or none."""
        if self.plausible(points):
            return points
        without_knee = {name: point for name, point in points.items() if name != "knee"}
        if "knee" in points and without_knee and self.plausible(without_knee):
            return without_knee
        return {}

    @staticmethod
    def _shaped_like_a_body(points: dict[str, np.ndarray], lengths: dict[str, float]) -> bool:
        trunk = lengths.get("trunk")
        if trunk is not None and trunk < MIN_TRUNK_PX:
            return False
        thigh, shin, leg = (lengths.get(limb) for limb in ("thigh", "shin", "leg"))
        if trunk and thigh and not THIGH_TO_TRUNK[0] <= thigh / trunk <= THIGH_TO_TRUNK[1]:
            return False
        if trunk and leg and not LEG_TO_TRUNK[0] <= leg / trunk <= LEG_TO_TRUNK[1]:
            return False
        if thigh and shin and not SHIN_TO_THIGH[0] <= shin / thigh <= SHIN_TO_THIGH[1]:
            return False
        if all(name in points for name in ("shoulder", "hip", "ankle")):
            lift = abduction_deg(points["shoulder"], points["hip"], points["ankle"])
            if not ABDUCTION_RANGE[0] <= lift <= ABDUCTION_RANGE[1]:
                return False
        leg = ("hip", "knee", "ankle")
        return not (
            all(name in points for name in leg)
            and knee_bend_deg(*(points[name] for name in leg)) > MAX_KNEE_BEND
        )
