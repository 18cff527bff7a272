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
    knee_bend: float | None  # degrees, in the picture; 0 = straight; None without a knee marker
    trunk_px: float = 0.0  # shoulder to hip, as seen: shortens when the waist crunches
    shin_to_thigh: float | None = None  # as seen: shrinks when the knee bends toward the camera


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
        trunk_px=float(np.hypot(*(hip - shoulder))),
        shin_to_thigh=None if knee is None else _ratio(ankle - knee, knee - hip),
    )


def _ratio(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.hypot(*a)) / max(float(np.hypot(*b)), 1e-9)


# How far the top hip marker sits from the pelvis' centre of tilt, as a share of the
# shoulder-to-hip distance: about half a pelvis width against the trunk (anthropometric tables).
PELVIS_RADIUS_RATIO = 0.35


def side_bend_deg(trunk_px: float, rest_trunk_px: float) -> float:
    """Lateral pelvic tilt (+ = hip hitched toward the ribs) from how much the trunk shortened."""
    shortening = (rest_trunk_px - trunk_px) / (PELVIS_RADIUS_RATIO * rest_trunk_px)
    return math.degrees(math.asin(float(np.clip(shortening, -1.0, 1.0))))


def knee_flexion_deg(shin_to_thigh: float, rest_shin_to_thigh: float, in_picture: float) -> float:
    """Knee bend from the shin foreshortening against the thigh (a bend toward or away from
    the camera), or bending within the picture, whichever is larger."""
    seen = math.degrees(math.acos(float(np.clip(shin_to_thigh / rest_shin_to_thigh, 0.0, 1.0))))
    return max(seen, in_picture)
