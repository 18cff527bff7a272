"""Leg angles from marker positions.

The shoulder, hip, knee and ankle are first taken back to the body's frontal plane (see
`view`); there abduction and knee bend are angles between lines, as a physiotherapist would
draw them on a photo taken square on. The toe marker stands out of that plane, in front of the
ankle: how far it has swung toward the ceiling around the leg is the leg's rotation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coach.core.depth import LegRays, OutOfPlane
from coach.core.view import CameraView

# Two marker centres, each found to within about half a pixel, and what lies between them.
MARKER_NOISE_PX = 1.5

Point = np.ndarray  # shape (2,): x along the body, y down, as in a picture taken square on
_UP = np.array([0.0, -1.0])
LYING_MAX_DEG = 45.0  # the trunk within this of level: lying, not sitting up or standing


def trunk_off_level_deg(shoulder: Point, hip: Point) -> float:
    """How far the line from shoulder to hip stands off level in the picture."""
    dx, dy = hip - shoulder
    return math.degrees(math.atan2(abs(float(dy)), abs(float(dx))))


@dataclass(frozen=True)
class LegAngles:
    abduction: float  # degrees; + = leg raised toward the ceiling from the trunk line
    rotation: float | None  # degrees; + = toes turning to the ceiling; None without a toe marker
    knee_bend: float | None  # degrees, on the body plane; 0 = straight; None without a knee marker
    trunk_length: float = 0.0  # shoulder to hip on the body plane: shortens when the waist crunches
    # Where the hip, knee and ankle point, for placing the knee and ankle out of the plane
    # (see `depth`); None without a knee marker.
    rays: LegRays | None = field(default=None, compare=False)
    # Clamshells: the top foot's rise off the bottom one, as a share of the knee's (movement).
    feet_apart: float | None = None
    # Shoulder to hip on the body plane: the line the abduction is read from (`pose.rest_line`).
    trunk: np.ndarray | None = field(default=None, compare=False)


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


def head_to_the_right(points: dict[str, Point]) -> bool | None:
    """Which way the body lies in the picture, which changes when the person turns round to
    work the other leg; None without the shoulder and the hip."""
    if "shoulder" not in points or "hip" not in points:
        return None
    return bool(points["shoulder"][0] > points["hip"][0])


def knee_bend_deg(hip: Point, knee: Point, ankle: Point) -> float:
    thigh, shin = _unit(knee - hip), _unit(ankle - knee)
    return math.degrees(math.acos(float(np.clip(thigh @ shin, -1.0, 1.0))))


# Lying on the side, a hip turns the toes up or down by about 45 degrees at most: a reading far
# past that is a toe or an ankle marker found in the wrong place, and the toes go unjudged.
MAX_ROTATION_DEG = 60.0


def measure(
    pixels: dict[str, Point],
    size: tuple[int, int],
    view: CameraView,
    foot_to_leg_ratio: float,
    noise_px: float = MARKER_NOISE_PX,
    seen: frozenset[str] | None = None,
) -> LegAngles | None:
    """Angles from whichever markers were seen; None when the leg itself cannot be placed.
    `noise_px`: how much a still limb's length may vary between frames (see `depth`).
    `seen`: the points found in this very frame, where the others were carried over a gap; the
    foot is short, so a carried toe or ankle a little off reads as a large turn, and the
    rotation is read only from a foot seen whole."""
    if any(name not in pixels for name in ("shoulder", "hip", "ankle")):
        return None
    body = {
        name: view.on_body_plane(pixel, size) for name, pixel in pixels.items() if name != "toe"
    }
    flat = {name: view.in_plane(point) for name, point in body.items()}
    shoulder, hip, ankle, knee = (flat.get(n) for n in ("shoulder", "hip", "ankle", "knee"))
    assert shoulder is not None and hip is not None and ankle is not None
    foot_seen = seen is None or {"ankle", "toe"} <= seen
    rotation = toe_rotation(pixels, size, view, foot_to_leg_ratio) if foot_seen else None
    return LegAngles(
        abduction=_abduction(shoulder, hip, knee, ankle),
        rotation=None if rotation is None or abs(rotation) > MAX_ROTATION_DEG else rotation,
        knee_bend=None if knee is None else knee_bend_deg(hip, knee, ankle),
        trunk_length=float(np.hypot(*(hip - shoulder))),
        trunk=hip - shoulder,
        rays=None
        if knee is None
        else LegRays(
            body["shoulder"],
            body["hip"],
            body["knee"],
            body["ankle"],
            view,
            view.focal_px(size[0]),
            noise_px,
        ),
    )


def toe_rotation(
    pixels: dict[str, Point], size: tuple[int, int], view: CameraView, foot_to_leg_ratio: float
) -> float | None:
    """The leg's rotation as the toe marker shows it, however far round (the calibration tries
    views under which it is far round); None without a toe, hip or ankle."""
    if any(name not in pixels for name in ("hip", "ankle", "toe")):
        return None
    hip, ankle = (view.on_body_plane(pixels[name], size) for name in ("hip", "ankle"))
    return rotation_deg(hip, ankle, view.ray(pixels["toe"], size), view, foot_to_leg_ratio)


# A leg straight on the body plane is read hip to ankle: the ankle is twice as far from the hip as
# the knee, so its angle is twice as steady. A knee bent toward a camera that looks down shows as
# a bend on the plane too, and lowers the ankle there: from this much bend on, the thigh alone
# says how far the hip has lifted (the clinician's abduction), fully so this many degrees on.
STRAIGHT_UP_TO_DEG = 4.0
THIGH_FROM_DEG = 8.0


def _abduction(shoulder: Point, hip: Point, knee: Point | None, ankle: Point) -> float:
    by_leg = abduction_deg(shoulder, hip, ankle)
    if knee is None:
        return by_leg
    bent = (knee_bend_deg(hip, knee, ankle) - STRAIGHT_UP_TO_DEG) / THIGH_FROM_DEG
    share = min(max(bent, 0.0), 1.0)
    return (1 - share) * by_leg + share * abduction_deg(shoulder, hip, knee)


def placed_abduction(rays: LegRays, placed: OutOfPlane) -> float:
    """The lift with the knee and ankle where `depth` placed them: a leg swung forward or a knee
    bent toward the lens no longer moves the points it is read from."""
    flat = rays.view.in_plane
    lift = _abduction(flat(rays.shoulder), flat(rays.hip), flat(placed.knee), flat(placed.ankle))
    return lift - rays.rest_offset_deg


def rotation_deg(
    hip: np.ndarray, ankle: np.ndarray, toe_ray: np.ndarray, view: CameraView, foot_ratio: float
) -> float:
    """Rotation from where the toe marker lies on its ray: `foot_ratio` leg lengths in front of
    the leg, swung toward the ceiling (+) or the floor (-) by the angle sought.

    Along the ray, the toe's height in front of the plane and its reach toward the ceiling both
    change linearly; the point where they make a foot of the known length is the toe.
    """
    leg = ankle - hip
    length = float(np.linalg.norm(leg))
    along_leg = leg / max(length, 1e-9)
    ceiling = view.up - (view.up @ along_leg) * along_leg
    ceiling /= max(float(np.linalg.norm(ceiling)), 1e-9)
    # Height in front of the plane is 1 - s·k and reach toward the ceiling s·m - a0 at ray length s.
    k, m, a0 = float(toe_ray @ view.away), float(toe_ray @ ceiling), float(ankle @ ceiling)
    foot = foot_ratio * length
    a, b, c = k * k + m * m, -2 * (k + m * a0), 1 + a0 * a0 - foot * foot
    disc = b * b - 4 * a * c
    # The root nearer the camera: toes point forward, out of the plane toward the lens. A ray
    # that misses the circle (a foot that looks longer than it is) takes its nearest point.
    s = (-b - math.sqrt(disc)) / (2 * a) if disc > 0 else -b / (2 * a)
    return math.degrees(math.atan2(s * m - a0, 1 - s * k))


# How far the top hip marker sits from the pelvis' centre of tilt, as a share of the
# shoulder-to-hip distance: about half a pelvis width against the trunk (anthropometric tables).
PELVIS_RADIUS_RATIO = 0.35


def side_bend_deg(trunk_length: float, rest_trunk_length: float) -> float:
    """Lateral pelvic tilt (+ = hip hitched toward the ribs) from how much the trunk shortened."""
    shortening = (rest_trunk_length - trunk_length) / (PELVIS_RADIUS_RATIO * rest_trunk_length)
    return math.degrees(math.asin(float(np.clip(shortening, -1.0, 1.0))))
