"""What moved: the top leg lifted with the knee straight, or something else.

A rep of the leg lift is the whole top leg rising. A person may do something else instead, and
a pose model reads every one of them as a lift of the leg against the trunk: a clamshell (the
knee opened, the feet kept together: the thigh rises, the foot does not), an arm raised, or the
trunk rising off the floor (its line turns, and the still leg then reads as raised against it).
A physiotherapist would name each and not count it.

Each point's height is taken above the hip, across the body's resting line, in trunk lengths,
and compared with its height at rest (learned as a set begins): the knee, the ankle, the
shoulder and the wrist tell the movements apart. Where the bottom leg is seen too (a pose
model), a clamshell also keeps the feet together while the knees part, which tells it from a
lift bent and swung toward the lens. In the clamshells program the opening of the knee is what
is counted, as an angle from the thigh's rest.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from coach.core.geometry import LegAngles, knee_bend_deg

# Lying still: this long, in at least this many readings, whatever the frame rate (eight
# frames were half a second at 15 frames a second but 0.13 s at 60, so a pause mid-set at 60
# frames a second could re-learn the rest).
STILL_S = 0.45  # eight frames at 15 a second, as before
STILL_READINGS = 4
STILL_SHARE = 0.06  # of the trunk's length: how far a point may wander while lying still
RISE = 0.15  # trunk lengths: a point this far above its rest has moved
# A straight leg lifted raises the ankle about twice as far as the knee (a knee bent 40 deg
# toward the lens, 1.8 times); with the feet kept together the ankle hardly rises at all, and
# a clamshell whose feet come apart raises it up to about as far as the knee. Under this share
# of the knee's rise the knee leads: a clamshell.
CLAMSHELL_ANKLE_SHARE = 1.3
# In a clamshell, the top foot rising more than this share of the knee's rise has left the
# bottom one: the feet came apart (the whole bent leg raised 10 deg reads about 0.5).
FEET_APART_SHARE = 0.4
TRUNK_RISE = 0.25  # the shoulder this far above its rest: the trunk is rising (about 14 deg)
ARM_RISE = 0.5  # the wrist this far above its rest, the leg still: an arm raised
# Another movement lasts, for counting, until the leg and trunk are back near their rest: as a
# clamshell closes, the knee drops under the mark while the thigh still reads high, and that
# moment alone read as a lift of the leg (reps of 35 degrees lasting a tenth of a second).
BACK_AT_REST = RISE / 3
# A knee rising without its foot is a clamshell from early on, before the thigh's angle has
# climbed far enough to start a rep of the leg lift.
CLAMSHELL_FROM = BACK_AT_REST
NAME_AFTER_S = 0.4  # a movement held this long is named, once, not a frame's misreading
# A movement read as the leg lifted in two readings this far apart, not necessarily in a row, is
# a lift until the leg is back (a lift bent and swung toward the lens reads now as a lift, now
# as a clamshell, near the line between the two); one reading alone is a misread foot.
LIFTED_S = 0.2
# The trunk unseen this long, the body is lost (the lens covered, the person out of view): no
# movement is seen any more, and the one it was doing is not going on for the set's count.
LOST_S = 1.0
# A clamshell keeps the feet together while the knees part; a leg lifted with the knee bent and
# swung toward the lens can raise the ankle in the picture no more than a clamshell does (the
# shin points at the camera), yet the top foot leaves the bottom one, farther than the knees
# part. With the bottom leg seen (a pose model), a "clamshell" whose feet have parted this far
# (trunk lengths, beyond how they lay at rest) and at least as far as the knees is such a lift.
# Real clamshells on video parted the feet at most 0.10 and the knees 0.46 to 0.87 then.
FEET_PARTED = 0.1
# Only from a leg lying straight at rest (the knee bent under this many degrees in the picture):
# from a clamshell's bent rest, the whole bent leg raised with the knee's opening parts the feet
# too, and that is a clamshell with its feet apart.
STRAIGHT_AT_REST_DEG = 30.0
# The knee bent with nothing raised (a clamshell begun or ended, the knees drawn up to settle):
# bent this many degrees more in the picture than at rest, with the knee and the foot no higher
# than BACK_AT_REST. The leg's line through hip and foot then reads as lowered, and as the knee
# comes up again, as lifted from there: the close of a clamshell read as a lift of 15 degrees
# and was counted. A lift bent at the knee raises the knee and the foot first.
FOLDED_DEG = 45.0
LEG_LIFT, CLAMSHELL, ARM_RAISE, TRUNK_RISE_KIND = "leg_lift", "clamshell", "arm_raise", "trunk_rise"
# What each program counts; the others are named and not counted.
COUNTED = {"clamshells": CLAMSHELL}


def counted_in(program: str) -> str:
    """The movement `program` counts as its reps."""
    return COUNTED.get(program, LEG_LIFT)


_MOVING = ("knee", "ankle", "shoulder", "wrist")


@dataclass(frozen=True)
class Movement:
    kind: str | None  # LEG_LIFT, CLAMSHELL, ARM_RAISE, TRUNK_RISE_KIND, or None: at rest
    named: str | None = None  # a movement that has just lasted long enough to say what it is
    knee_opening_deg: float | None = None  # the thigh's turn up from its rest, for clamshells
    rest_lift: float = 0.0  # the leg's lift as last read at rest: where it is while others move
    # In a clamshell: how far the top foot rose off the bottom one, as a share of the knee's
    # rise (0 with the feet together); None while the knee is near its rest.
    feet_apart: float | None = None
    folded: bool = False  # the knee bent with nothing raised (see FOLDED_DEG)


AT_REST = Movement(None)


@dataclass(frozen=True)
class _Rest:
    trunk: float  # shoulder to hip, pixels
    along: np.ndarray  # unit vector, shoulder to hip
    ceiling: np.ndarray  # unit vector across it, toward the ceiling
    heights: dict[str, float]  # each point above the hip, in trunk lengths
    thigh: np.ndarray | None  # unit vector hip to knee
    # The top knee's and ankle's distance from the bottom one's, in trunk lengths, where the
    # bottom leg is seen (a pose model; markers are on the top leg only).
    apart: dict[str, float]
    straight: bool  # the leg lay straight, not bent as for a clamshell
    bend: float | None = None  # the knee's bend in the picture, degrees, where it was seen


class MovementCheck:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new set: the rest is learned again."""
        self._rest: _Rest | None = None
        self._still: deque[tuple[float, dict[str, np.ndarray]]] = deque()
        self._kind: str | None = None
        self._since = 0.0
        self._named = False
        self._rest_lift = 0.0
        self._back = True  # every point near its rest
        # The first reading of the leg lifted since it was last back at rest, and how many.
        self._lifted_since = 0.0
        self._lifted_reads = 0
        self._below = False  # the leg lower than its rest
        self._folded = False  # the knee bent with nothing raised
        self._feet_apart: float | None = None
        self._trunk_seen_at = -math.inf

    def update(self, t: float, points: dict[str, np.ndarray], lift: float | None) -> Movement:
        """`points`: the top side's shoulder, hip, knee, ankle and wrist, and the bottom leg's
        "under_knee" and "under_ankle" (any may be missing); `lift`: the leg's lift as read
        this frame."""
        if "shoulder" not in points or "hip" not in points:
            going_on = self._kind if t - self._trunk_seen_at <= LOST_S else None
            return Movement(going_on, rest_lift=self._rest_lift)
        self._trunk_seen_at = t
        self._remember(t, points)
        if self._rest is None:
            self._rest = self._lying_still()
            kind, opening, share = None, None, None
        else:
            kind, opening = self._classify(points)
            if (
                kind is None
                and self._below
                and not self._folded
                and (lying := self._lying_still()) is not None
            ):
                # Lying still lower than the rest: that rest was learned from a body not yet
                # lying as it lies now (settling, or a picture changing), and every movement
                # measured from it was misread. A body lies lowest at rest, with the legs
                # as they lay: from the knees drawn up, a clamshell's start and end read as
                # the body at rest, and the knee rising out of it as a lift.
                self._rest = lying
            share = self._feet_apart if kind == CLAMSHELL else None
            if kind is None and self._kind not in (None, LEG_LIFT) and not self._back:
                kind = self._kind
            if self._lifted(t, kind) and kind == CLAMSHELL and not self._back:
                # A lift whose knee bends (or reads so for a frame) and swings toward the lens
                # keeps its ankle's rise under the knee's share, yet is a lift with faults the
                # rules name: a clamshell never rises as a straight leg first. Taken for one,
                # the rest of the lift read as the leg back at rest and ended the rep. A lift
                # of one frame is a misread foot, not a lift a clamshell could follow.
                kind = LEG_LIFT
        if kind is None and self._back and not self._below and lift is not None:
            self._rest_lift = lift
        if kind != self._kind:
            self._kind, self._since, self._named = kind, t, False
        named = None
        if kind is not None and not self._named and t - self._since >= NAME_AFTER_S:
            self._named, named = True, kind
        return Movement(kind, named, opening, self._rest_lift, share, self._folded)

    def _lifted(self, t: float, kind: str | None) -> bool:
        """Note this reading, and say whether the leg was read lifted long enough, since it
        was last back at rest, to be lifted still whatever its knee does (see LIFTED_S)."""
        if self._back:
            self._lifted_reads = 0
        if kind == LEG_LIFT:
            if self._lifted_reads == 0:
                self._lifted_since = t
            self._lifted_reads += 1
        return self._lifted_reads >= 2 and t - self._lifted_since >= LIFTED_S

    def _remember(self, t: float, points: dict[str, np.ndarray]) -> None:
        """Keep the last half second's frames, for `_lying_still`."""
        self._still.append((t, points))
        while len(self._still) > 1 and self._still[1][0] <= t - STILL_S:
            self._still.popleft()

    def _lying_still(self) -> _Rest | None:
        """The rest the last half second's frames show, if the body lay still through them:
        worked out only when a rest is wanted, not on every frame."""
        t, points = self._still[-1]
        if t - self._still[0][0] < STILL_S or len(self._still) < STILL_READINGS:
            return None
        frames = [p for _, p in self._still]
        trunk = float(np.hypot(*(points["hip"] - points["shoulder"])))
        if trunk <= 0:
            return None
        for name in points:
            seen = [p[name] for p in frames if name in p]
            spread = np.ptp(np.array(seen), axis=0) if len(seen) == len(frames) else None
            if spread is not None and float(np.hypot(*spread)) > STILL_SHARE * trunk:
                return None
        middle = {
            name: np.median([frame[name] for frame in frames if name in frame], axis=0)
            for name in points
        }
        along = (middle["hip"] - middle["shoulder"]) / trunk
        ceiling = np.array([along[1], -along[0]])
        if ceiling[1] > 0:  # picture y runs down: the ceiling is toward smaller y
            ceiling = -ceiling
        bend = _bend(middle)
        straight = bend is not None and bend < STRAIGHT_AT_REST_DEG
        rest = _Rest(trunk, along, ceiling, {}, None, {}, straight, bend)
        thigh = None
        if "knee" in middle:
            thigh = middle["knee"] - middle["hip"]
            thigh = thigh / max(float(np.hypot(*thigh)), 1e-9)
        return replace(
            rest, heights=_heights(middle, rest), thigh=thigh, apart=_apart(middle, rest)
        )

    def _classify(self, points: dict[str, np.ndarray]) -> tuple[str | None, float | None]:
        rest = self._rest
        assert rest is not None
        now = _heights(points, rest)
        rise = {name: now[name] - rest.heights[name] for name in now if name in rest.heights}
        self._back = all(r < BACK_AT_REST for r in rise.values())
        self._below = any(rise.get(name, 0.0) <= -RISE / 2 for name in ("knee", "ankle"))
        self._folded = self._folded_now(points, rise)
        if now.keys() - rest.heights.keys() and all(abs(r) < RISE / 2 for r in rise.values()):
            # A point unseen at rest (the feet out of the picture then) is learned once it
            # is seen with the rest of the body still where it lay.
            self._rest = rest = replace(rest, heights=now | rest.heights)
        opening = self._opening(points)
        if rise.get("shoulder", 0.0) >= TRUNK_RISE:
            return TRUNK_RISE_KIND, opening
        if "knee" not in rise or "ankle" not in rise:
            return None, opening  # the leg's movement cannot be told without both
        knee, ankle = rise["knee"], rise["ankle"]
        # Read only with the knee well up: near its rest the share is noise over noise.
        self._feet_apart = max(ankle, 0.0) / knee if knee >= RISE else None
        if knee >= CLAMSHELL_FROM and ankle < CLAMSHELL_ANKLE_SHARE * knee:
            return (LEG_LIFT if self._feet_parted(points) else CLAMSHELL), opening
        if ankle >= RISE:
            return LEG_LIFT, opening
        if rise.get("wrist", 0.0) >= ARM_RISE:
            return ARM_RAISE, opening
        return None, opening

    def _folded_now(self, points: dict[str, np.ndarray], rise: dict[str, float]) -> bool:
        """Whether the knee is bent far more than at rest with nothing raised (FOLDED_DEG)."""
        rest, bend = self._rest, _bend(points)
        if rest is None or rest.bend is None or bend is None:
            return False
        raised = any(rise.get(name, 0.0) >= BACK_AT_REST for name in ("knee", "ankle"))
        return not raised and bend - rest.bend >= FOLDED_DEG

    def _feet_parted(self, points: dict[str, np.ndarray]) -> bool:
        """Whether the top foot has left the bottom one, farther than the knees have parted:
        no clamshell (see FEET_PARTED)."""
        rest = self._rest
        assert rest is not None
        now = _apart(points, rest)
        if not rest.straight or not {"knee", "ankle"} <= now.keys() & rest.apart.keys():
            return False
        feet = now["ankle"] - rest.apart["ankle"]
        return feet >= FEET_PARTED and feet >= now["knee"] - rest.apart["knee"]

    def _opening(self, points: dict[str, np.ndarray]) -> float | None:
        """How far the thigh has turned up from its rest, in degrees."""
        rest = self._rest
        if rest is None or rest.thigh is None or "knee" not in points:
            return None
        thigh = points["knee"] - points["hip"]
        now = math.atan2(float(thigh @ rest.ceiling), float(thigh @ rest.along))
        then = math.atan2(float(rest.thigh @ rest.ceiling), float(rest.thigh @ rest.along))
        return (math.degrees(now - then) + 180.0) % 360.0 - 180.0


def _bend(points: dict[str, np.ndarray]) -> float | None:
    """The knee's bend in the picture, in degrees, if the hip, knee and ankle are seen."""
    if not {"hip", "knee", "ankle"} <= points.keys():
        return None
    return knee_bend_deg(points["hip"], points["knee"], points["ankle"])


def _heights(points: dict[str, np.ndarray], rest: _Rest) -> dict[str, float]:
    """Each point's height above the hip, across the body's resting line, in trunk lengths."""
    hip = points["hip"]
    return {
        name: float((points[name] - hip) @ rest.ceiling) / rest.trunk
        for name in _MOVING
        if name in points
    }


def _apart(points: dict[str, np.ndarray], rest: _Rest) -> dict[str, float]:
    """The top knee's and ankle's distance from the bottom one's, in trunk lengths."""
    return {
        name: float(np.hypot(*(points[name] - points[f"under_{name}"]))) / rest.trunk
        for name in ("knee", "ankle")
        if name in points and f"under_{name}" in points
    }


def watched(angles: LegAngles | None, movement: Movement, program: str) -> LegAngles | None:
    """The angles a program's reps are counted from: in the leg lift, the lift only while the
    top leg itself is what moves (anything else, or the knee bent with nothing raised, reads as
    the leg at rest, so it is no rep);
    in clamshells, the knee's opening while a clamshell is what moves."""
    if angles is None:
        return None
    if counted_in(program) == CLAMSHELL:
        opening = movement.knee_opening_deg
        if opening is None:
            return None
        if movement.kind != CLAMSHELL:
            return LegAngles(min(opening, 0.0), None, None, angles.trunk_length)
        return LegAngles(opening, None, None, angles.trunk_length, feet_apart=movement.feet_apart)
    if movement.kind == LEG_LIFT or (movement.kind is None and not movement.folded):
        return angles
    return LegAngles(movement.rest_lift, None, None, angles.trunk_length)
