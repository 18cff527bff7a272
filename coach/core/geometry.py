"""Leg angles from marker positions in the image.

The camera faces the person's front while they lie along the image's horizontal axis, so the
image is close to the body's frontal plane: abduction shows as an angle in the image, and turning
the toes up to the ceiling moves the toe marker up, across the leg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Point = np.ndarray  # shape (2,), image coordinates (x right, y down)
_UP = np.array([0.0, -1.0])


@dataclass(frozen=True)
class LegAngles:
    abduction: float  # degrees; + = leg raised toward the ceiling from the trunk line
    rotation: float | None  # degrees; + = toes turning to the ceiling; None without a toe marker
    knee_bend: float | None  # degrees; 0 = straight; None without a knee marker


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.hypot(*v)), 1e-9)


def _ceiling_normal(direction: np.ndarray) -> np.ndarray:
    """The unit perpendicular of `direction` on the ceiling side of the image."""
    normal = np.array([-direction[1], direction[0]])
    return normal if normal @ _UP >= 0 else -normal


def abduction_deg(shoulder: Point, hip: Point, ankle: Point) -> float:
    trunk = _unit(hip - shoulder)
    leg = ankle - hip
    return math.degrees(math.atan2(leg @ _ceiling_normal(trunk), leg @ trunk))


def rotation_deg(hip: Point, ankle: Point, toe: Point, foot_to_leg_ratio: float) -> float:
    leg = ankle - hip
    foot_length = foot_to_leg_ratio * float(np.hypot(*leg))
    across = (toe - ankle) @ _ceiling_normal(_unit(leg))
    return math.degrees(math.asin(float(np.clip(across / max(foot_length, 1e-9), -1.0, 1.0))))


def knee_bend_deg(hip: Point, knee: Point, ankle: Point) -> float:
    thigh, shin = _unit(knee - hip), _unit(ankle - knee)
    return math.degrees(math.acos(float(np.clip(thigh @ shin, -1.0, 1.0))))


def measure(markers: dict[str, Point], foot_to_leg_ratio: float) -> LegAngles | None:
    """Angles from whichever markers were seen; None when the leg itself cannot be placed."""
    shoulder, hip, ankle = (markers.get(name) for name in ("shoulder", "hip", "ankle"))
    if shoulder is None or hip is None or ankle is None:
        return None
    knee, toe = markers.get("knee"), markers.get("toe")
    return LegAngles(
        abduction=abduction_deg(shoulder, hip, ankle),
        rotation=None if toe is None else rotation_deg(hip, ankle, toe, foot_to_leg_ratio),
        knee_bend=None if knee is None else knee_bend_deg(hip, knee, ankle),
    )
