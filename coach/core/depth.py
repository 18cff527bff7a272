"""How far the thigh and shin stand out of the body plane toward the camera.

A knee bending or a leg swinging forward moves the knee or the ankle toward the lens, out of the
plane the lift happens in. Taking such a point back to the plane along its ray hides that: what
turning toward the lens shortens, coming nearer to it enlarges, and a 32° knee bend read 15° to
23° from a camera looking down 10° to 30°, and 1° square on. Instead each joint is put where it
must be: on its own ray, at the length the limb had at rest from the joint before it. A ray
meets that sphere twice, so a knee has two places and an ankle two for each. A knee is a hinge:
its shin stays in the plane of the thigh and the body's front, and of the four legs the ones
nearest that are kept; of those, the least turned. It bends forward: a shin that looks short
is not placed bent backward past what a knee allows. A thigh that looks its rest length, within
noise, is also tried in the plane, where it is seen. Where the camera stands in that plane
itself (level with the hip) a bent leg and a straight one look alike, and the straight one is
taken: a warning is never made up from a ghost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coach.core.view import CameraView

# A camera that stands less than this far above the hip (in degrees, seen from the hip) is
# nearly in the plane a knee bends in: a bent shin and a straight one then fall on the same
# pixels, and a bend goes unseen.
MIN_ELEVATION_DEG = 10.0
# A limb that looks `LegRays.noise_px` shorter than at rest may only be noise: markers are
# found to within about half a pixel each, a pose model's joints less closely. Turning out of
# the plane by less than that foreshortening shows is read as none, so that a thigh shaken
# forward by noise does not also bend the knee it carries: with markers, about 9 degrees for a
# 115-pixel thigh and 17 for a 35-pixel one.
# The lift, though, is read from the placed leg in step with how far its swing stands out of
# noise: not at all below this share of the floor, wholly at the floor. Read from the picture
# up to the floor and from the placed leg past it, a 9° swing from a camera 30° down stepped
# the lift by 5° as noise took it over and back, and a 3-second hold was timed at half a second.
BLEND_FROM_FLOOR = 0.5

# A joint found this far behind the plane is still read as in it: noise, or a leg at rest that
# lies a little behind the hip.
BEHIND_TOLERANCE_DEG = 3.0
# A thigh placed further behind the plane than this is no body's (a hip extends only a little
# with the leg raised): a knee marker found a few pixels off at the top of a lift, as when it
# is half covered, put the thigh 75° behind with the knee bent 95°.
MAX_BEHIND_DEG = 30.0
# A knee straightens this far past straight at most: a shin placed bent further backward, where
# it looks short, is the mirror image of one bent forward.
MAX_HYPEREXTENSION_DEG = 10.0
# Placements whose shins lie within this share of the shin's length as near the knee's hinge
# plane as the best one are as good as it: pixel noise moves a shin that much.
HINGE_MARGIN = 0.03


@dataclass(frozen=True)
class LegRays:
    """The shoulder and hip on the body plane and where the knee's and ankle's rays meet it, in
    camera coordinates with the plane one unit away (see `CameraView.on_body_plane`)."""

    shoulder: np.ndarray
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    view: CameraView
    focal_px: float  # pixels per unit of the plane: how many pixels a limb spans
    noise_px: float  # how far apart two readings of a still limb's length may lie
    # The lift the body's own rest showed, taken off every lift read (see `pose.rest_line`).
    rest_offset_deg: float = 0.0

    def noise_floor_deg(self, length: float) -> float:
        """The turn out of the plane that shortens a limb of `length` by no more than noise."""
        share = self.noise_px / max(length * self.focal_px, 1e-9)
        return math.degrees(math.acos(max(1.0 - share, 0.0)))

    def looks_short(self, length: float, seen: float, either_way: bool = False) -> bool:
        """Whether a limb of rest `length` seen as `seen` on the plane is shorter (or, with
        `either_way`, longer) than noise allows: it has turned out of the plane."""
        off = (length - seen) * self.focal_px
        return (abs(off) if either_way else off) > self.noise_px

    def lengths(self) -> tuple[float, float]:
        """Thigh and shin as seen on the plane: their true lengths while the leg lies in it."""
        return _length(self.knee - self.hip), _length(self.ankle - self.knee)


@dataclass(frozen=True)
class OutOfPlane:
    forward_drift: float  # degrees the thigh points out of the plane toward the camera
    knee_bend: float  # degrees between thigh and shin, in any direction
    # Where to read the lift from, in the coordinates of `LegRays`: the knee and ankle as placed
    # where they stand out of the plane, else as the picture shows them (a placement within
    # noise of the plane would only add that noise to the lift).
    knee: np.ndarray
    ankle: np.ndarray
    placed: bool = True  # False: the leg lies in the plane, within noise, and is read as seen


def out_of_plane(rays: LegRays, thigh: float, shin: float) -> OutOfPlane:
    """The thigh's swing forward and the knee's bend, from the limb lengths learned at rest."""
    front = -rays.view.away
    placed = _best(rays.hip, _on_ray(rays.hip, rays.knee, thigh), rays.ankle, shin, front)
    floor = rays.noise_floor_deg(thigh)
    if placed is not None and abs(placed.swing) >= floor:
        pinned = _pinned_instead(rays, thigh, shin, placed)
        if pinned is None:
            return OutOfPlane(placed.swing, placed.bend, placed.knee, placed.ankle)
        if pinned.bend >= rays.noise_floor_deg(shin):
            return OutOfPlane(0.0, pinned.bend, pinned.knee, pinned.ankle)
        placed = None
    # A thigh swung forward by less than noise shows still brings the shin nearer the lens,
    # where it looks longer than at rest: with the knee pinned to the plane, only a bend of
    # about the ankle ray's slant (some 20°), off the knee's hinge, explains that. So the knee
    # placed at the thigh's length competes with the pinned one, and the hinge decides.
    knees = [rays.knee] if placed is None else [rays.knee, placed.knee]
    flexed = rays.looks_short(shin, rays.lengths()[1])
    bent = _best(rays.hip, knees, rays.ankle, shin, front, flexed)
    assert bent is not None  # a knee on the plane is never behind it
    if bent.bend >= rays.noise_floor_deg(shin):
        return OutOfPlane(0.0, bent.bend, bent.knee, bent.ankle)
    as_seen = _Placement.of(rays.hip, rays.knee, rays.ankle, shin, front)
    start = BLEND_FROM_FLOOR * floor
    if placed is None or abs(placed.swing) <= start:
        return OutOfPlane(0.0, as_seen.bend, rays.knee, rays.ankle, placed=False)
    share = (abs(placed.swing) - start) / (floor - start)
    knee = rays.knee + share * (placed.knee - rays.knee)
    ankle = rays.ankle + share * (placed.ankle - rays.ankle)
    return OutOfPlane(0.0, as_seen.bend, knee, ankle)


def _pinned_instead(
    rays: LegRays, thigh: float, shin: float, placed: _Placement
) -> _Placement | None:
    """The knee as seen, in the plane, if it explains the picture better than `placed`.

    A thigh that looks its rest length may lie in the plane however far off it its ray meets
    the sphere: the ray nearly grazes the sphere there, and a pixel moves those meetings by 10
    to 20 degrees. A 40° bend in the plane was read frame by frame as the thigh swung forward
    20° and the knee bent 38°, or as the thigh behind and the knee bent 53°."""
    seen_thigh, seen_shin = rays.lengths()
    if rays.looks_short(thigh, seen_thigh, either_way=True):
        return None
    flexed = rays.looks_short(shin, seen_shin)
    pinned = _best(rays.hip, [rays.knee], rays.ankle, shin, -rays.view.away, flexed)
    return None if pinned is None or _choose([placed, pinned]) is placed else pinned


def _best(
    hip: np.ndarray,
    knees: list[np.ndarray],
    ankle_ray: np.ndarray,
    shin: float,
    front: np.ndarray,
    flexed: bool = False,
) -> _Placement | None:
    """Of the shins at their length from each knee, those nearest a knee's hinge plane; of
    those, the least turned. None if every knee puts the thigh where no body can.

    `flexed`: the shin looks shorter than at rest by more than noise, so it is turned out of
    the plane, and a knee turns it forward. Its ray gives a second shin, bent backward: in
    192-pixel frames a 40° bend, its shin seen 13 % short, also fitted a knee bent 14° to 17°
    backward, which no knee does. Such shins are left out, unless no shin bends forward."""
    placements = [
        _Placement.of(hip, knee, ankle, shin, front)
        for knee in knees
        for ankle in _on_ray(knee, ankle_ray, shin)
    ]
    placements = [p for p in placements if p.swing >= -MAX_BEHIND_DEG]
    if flexed:
        placements = [p for p in placements if p.flex >= -MAX_HYPEREXTENSION_DEG] or placements
    return _choose(placements) if placements else None


def _choose(placements: list[_Placement]) -> _Placement:
    """Those nearest a knee's hinge plane; of those, the least turned."""
    best = min(p.off_hinge for p in placements)
    return min((p for p in placements if p.off_hinge <= best + HINGE_MARGIN), key=_least_turned)


@dataclass(frozen=True)
class _Placement:
    knee: np.ndarray
    ankle: np.ndarray
    swing: float  # the thigh's turn out of the plane toward the front
    bend: float  # the knee's, in any direction
    flex: float  # the knee's bend toward the front (negative: bent backward)
    off_hinge: float  # how far the shin leaves the knee's hinge plane, in shin lengths

    @classmethod
    def of(
        cls, hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, shin: float, front: np.ndarray
    ) -> _Placement:
        thigh_dir, shin_dir = _unit(knee - hip), _unit(ankle - knee)
        hinge_axis = _unit(np.cross(thigh_dir, front))
        toward_front = np.cross(hinge_axis, thigh_dir)
        return cls(
            knee,
            ankle,
            swing=_turn_out_of_plane(knee - hip, front),
            bend=math.degrees(math.acos(float(np.clip(thigh_dir @ shin_dir, -1.0, 1.0)))),
            flex=math.degrees(
                math.atan2(float(shin_dir @ toward_front), float(shin_dir @ thigh_dir))
            ),
            off_hinge=abs(float((ankle - knee) @ hinge_axis)) / shin,
        )


def _least_turned(placement: _Placement) -> tuple[bool, float]:
    """Ties go to a thigh in front of the plane, then to the straightest leg: a ghost never
    makes a warning up."""
    return placement.swing < -BEHIND_TOLERANCE_DEG, abs(placement.swing) + placement.bend


def _on_ray(centre: np.ndarray, ray: np.ndarray, length: float) -> list[np.ndarray]:
    return [s * ray for s in _sphere_hits(centre, ray, length)]


def _sphere_hits(centre: np.ndarray, ray: np.ndarray, radius: float) -> list[float]:
    """Where along `ray` (from the camera) the sphere is met; a ray that passes by (a limb that
    looks longer than it was at rest) gives its nearest point instead."""
    a, b = float(ray @ ray), -2.0 * float(ray @ centre)
    c = float(centre @ centre) - radius * radius
    disc = b * b - 4.0 * a * c
    if disc <= 0.0:
        return [-b / (2.0 * a)]
    root = math.sqrt(disc)
    return [(-b - root) / (2.0 * a), (-b + root) / (2.0 * a)]


def _turn_out_of_plane(limb: np.ndarray, front: np.ndarray) -> float:
    return math.degrees(math.asin(float(np.clip(_unit(limb) @ front, -1.0, 1.0))))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(_length(v), 1e-12)


def _length(v: np.ndarray) -> float:
    return float(np.linalg.norm(v))
