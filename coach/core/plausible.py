"""Is this a body? Five points found by colour are checked against what a leg can do before any
angle is read from them: the order along the body, the limbs' lengths against the lengths seen
so far, angles a hip and a knee can make, and how far a point can move since it was last seen.
A frame that fails is not seen, never misread; where the tracker found other spots of a
marker's colour, the one that makes a body is taken instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import islice, product

import numpy as np

from coach.core.geometry import abduction_deg, knee_bend_deg

HISTORY = 150  # plausible frames the usual lengths are taken over (10 s at 15 fps)
USUAL = 90  # percentile of the recent lengths taken as the limb's full length
MIN_SEEN = 5  # lengths a limb needs before it has a usual one
# The usual lengths change slowly: worked out again every this many frames (once a second),
# not every frame, where the percentiles cost more than finding the markers.
RECOUNT_EVERY = 15
# A limb seen from the camera only shortens (turned toward it); longer means a wrong point.
LONGEST = 1.3
SHORTEST = {"trunk": 0.6, "thigh": 0.2, "shin": 0.2, "leg": 0.25, "foot": 0.0}
# Before any history: how long each limb may be against the trunk. The leg, hip to ankle, is
# about 1.7 trunks: shorter than 0.7 only with the knee bent past a right angle.
THIGH_TO_TRUNK = (0.5, 2.5)
LEG_TO_TRUNK = (0.7, 3.5)
SHIN_TO_THIGH = (0.4, 2.0)
# The toe marker lies a foot from the ankle (the configured share of the leg), less with the
# foot turned toward the lens; this many times that allows for a foot measured roughly.
FOOT_SLACK = 1.6
# A point goes on as it was moving, give or take what a leg's swing can gain or lose in the
# time since it was last part of a body (its acceleration, in leg lengths per second squared)
# and the markers' jitter: a spot much farther off in the next frame, a piece of stripe beside
# a hidden ankle, is another spot. A quick lift starts from rest at about three, but a leg let
# drop from the top falls at up to one and a half g at the ankle, some 16 (more at the toe,
# which the foot puts further out). At 6, the toe of a lowering quicker than a second left its
# reach and the whole body was refused; the stale speed kept it refused for 0.2 to 0.4 s while
# the smoother carried the leg on at the top, and such reps' holds read 0.3 to 0.6 s short.
SWING_LEGS_PER_S2 = 16.0
JITTER_LEGS = 0.06
STEADY_S = 0.2  # the last two sightings this close in time give the point's speed
ABDUCTION_RANGE = (-30.0, 100.0)
MAX_KNEE_BEND = 110.0
MIN_TRUNK_PX = 8.0
# The body in view can change for good: the camera moved nearer or farther (as the coach itself
# may advise), or someone else lies down. Points found, and none of them a body, for this long
# (and this many frames) mean the lengths learned no longer hold: they are learned afresh.
RELEARN_AFTER_S = 2.0
RELEARN_AFTER_FRAMES = 20
UNTIMED_FPS = 15.0  # the frame rate assumed for points given without their time


def _lengths(points: dict[str, np.ndarray]) -> dict[str, float]:
    pairs = {
        "trunk": ("shoulder", "hip"),
        "thigh": ("hip", "knee"),
        "shin": ("knee", "ankle"),
        "leg": ("hip", "ankle"),
        "foot": ("ankle", "toe"),
    }
    return {
        limb: float(np.hypot(*(points[b] - points[a])))
        for limb, (a, b) in pairs.items()
        if a in points and b in points
    }


class BodyCheck:
    def __init__(self, foot_to_leg: float) -> None:
        self._foot_to_leg = foot_to_leg
        self.forget()

    def forget(self) -> None:
        """Learn the body afresh: a new set, or the camera moved, may show it at another size."""
        self._seen: dict[str, deque[float]] = {limb: deque(maxlen=HISTORY) for limb in SHORTEST}
        self._usual: dict[str, float] = {}  # each limb's usual length, once seen often enough
        self._remembered = 0  # frames remembered
        # Each point when last in a body, and its speed then (pixels a second).
        self._last: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}
        # Frames refused since the last body, and when the first of them came.
        self._refusals = 0
        self._refused_since = 0.0
        self.relearned = 0  # how often the body was learned afresh after a run of refusals

    def plausible(self, points: dict[str, np.ndarray]) -> bool:
        """Whether these points, all of them, can be a person lying on their side; a plausible
        frame's lengths are remembered."""
        lengths = _lengths(points)
        if not self._fits(points, lengths, None):
            return False
        self._remember(points, lengths, None)
        return True

    def body_in(
        self,
        points: dict[str, np.ndarray],
        t: float | None = None,
        others: dict[str, list[np.ndarray]] | None = None,
    ) -> dict[str, np.ndarray]:
        """The points that make a body, with any of `others` (other spots of a marker's colour)
        in a point's place where that makes one: all five, or all but a point that spoils the
        rest (a knee in trousers of its colour, a toe or an ankle jumped to a stripe), or none."""
        body, lengths = self._chosen(points, t, others)
        if not body and self._changed_for_good(points, t):
            self.forget()
            self.relearned += 1
            body, lengths = self._chosen(points, t, others)
        if body:
            self._refusals = 0
            self._remember(body, lengths, t)
        return body

    def _changed_for_good(self, points: dict[str, np.ndarray], t: float | None) -> bool:
        """Whether a run of frames whose points were found but made no body has gone on long
        enough to say the body in view is no longer the one learned."""
        if len(points) < 3 or not self._usual:
            return False
        when = self._refusals / UNTIMED_FPS if t is None else t
        if self._refusals == 0:
            self._refused_since = when
        self._refusals += 1
        return (
            self._refusals >= RELEARN_AFTER_FRAMES and when - self._refused_since >= RELEARN_AFTER_S
        )

    def placed(
        self, points: dict[str, np.ndarray], others: dict[str, list[np.ndarray]] | None = None
    ) -> dict[str, np.ndarray]:
        """The body these spots make, judged on its shape and lengths alone and not taken as
        seen: where the markers are, to learn their colours from."""
        return self._chosen(points, None, others)[0]

    def _chosen(
        self,
        points: dict[str, np.ndarray],
        t: float | None,
        others: dict[str, list[np.ndarray]] | None,
    ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        choices = {
            name: self._nearest_first(name, [point, *(others or {}).get(name, [])], t)
            for name, point in points.items()
        }
        for body in _bodies(choices, self._longest_gone_first(t)):
            lengths = _lengths(body)
            if self._fits(body, lengths, t):
                return body, lengths
        return {}, {}

    def _fits(
        self, points: dict[str, np.ndarray], lengths: dict[str, float], t: float | None
    ) -> bool:
        if not self._shaped_like_a_body(points, lengths):
            return False
        for limb, length in lengths.items():
            usual = self._usual.get(limb)
            if usual is not None and not SHORTEST[limb] * usual <= length <= LONGEST * usual:
                return False
        return t is None or self._could_have_moved(points, t)

    def _could_have_moved(self, points: dict[str, np.ndarray], t: float) -> bool:
        leg = self._usual.get("leg")
        if leg is None:
            return True
        for name, point in points.items():
            if name in self._last:
                then, where, speed = self._last[name]
                gap = max(t - then, 0.0)
                reach = (JITTER_LEGS + SWING_LEGS_PER_S2 * gap * gap / 2) * leg
                if float(np.hypot(*(point - where - speed * gap))) > reach:
                    return False
        return True

    def _remember(
        self, points: dict[str, np.ndarray], lengths: dict[str, float], t: float | None
    ) -> None:
        for limb, length in lengths.items():
            self._seen[limb].append(length)
        self._remembered += 1
        if self._remembered <= RECOUNT_EVERY or self._remembered % RECOUNT_EVERY == 0:
            self._usual = {
                limb: float(np.percentile(seen, USUAL))
                for limb, seen in self._seen.items()
                if len(seen) >= MIN_SEEN
            }
        if t is None:
            return
        for name, point in points.items():
            speed = np.zeros(2)
            previous = self._last.get(name)
            if previous is not None and 0 < t - previous[0] <= STEADY_S:
                speed = (point - previous[1]) / (t - previous[0])
            self._last[name] = (t, point, speed)

    def _longest_gone_first(self, t: float | None) -> list[str]:
        """The expendable points, the one the body has gone longest without first (never seen
        counts as longest): a point followed frame to frame is surer than one that has just
        come back, maybe as a piece of stripe beside a hidden marker."""
        if t is None:
            return list(EXPENDABLE)
        return sorted(
            EXPENDABLE,
            key=lambda name: -(t - self._last[name][0]) if name in self._last else -np.inf,
        )

    def _nearest_first(
        self, name: str, spots: list[np.ndarray], t: float | None
    ) -> list[np.ndarray]:
        """A marker's spots, the one nearest where its last speed takes it first (else the
        tracker's order): a marker moves on much as it was moving."""
        if t is None or name not in self._last:
            return spots
        then, last, speed = self._last[name]
        where = last + speed * max(t - then, 0.0)
        return sorted(spots, key=lambda spot: float(np.hypot(*(spot - where))))

    def _shaped_like_a_body(self, points: dict[str, np.ndarray], lengths: dict[str, float]) -> bool:
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
        foot = lengths.get("foot")
        if leg and foot:
            full_leg = max(leg, self._usual.get("leg", 0.0))  # the leg may be foreshortened
            if foot > FOOT_SLACK * self._foot_to_leg * full_leg:
                return False
        far = "ankle" if "ankle" in points else "knee"  # the leg's line: along the thigh will do
        if all(name in points for name in ("shoulder", "hip", far)):
            lift = abduction_deg(points["shoulder"], points["hip"], points[far])
            if not ABDUCTION_RANGE[0] <= lift <= ABDUCTION_RANGE[1]:
                return False
        leg = ("hip", "knee", "ankle")
        return not (
            all(name in points for name in leg)
            and knee_bend_deg(*(points[name] for name in leg)) > MAX_KNEE_BEND
        )


# Points the body can do without, one at a time, and still be read: the knee (its marker in
# trousers of its colour), the toe, then the ankle (bridged for a moment by the smoother); in
# that order among those last seen together.
EXPENDABLE = ("knee", "toe", "ankle")
# Bodies tried of each set of points: every one using at most two runners-up. A frame where
# none of them fits costs a few milliseconds, not the tens that every pick would.
MOST_PICKS = 21


def _bodies(
    choices: dict[str, list[np.ndarray]], expendable: list[str]
) -> Iterator[dict[str, np.ndarray]]:
    """Every body the spots can make, those taking each marker's first spots first, then
    each with one expendable point left out, in the order given."""
    yield from islice(_picks(choices), MOST_PICKS)
    for left_out in expendable:
        if left_out in choices and len(choices) > 1:
            rest = {n: spots for n, spots in choices.items() if n != left_out}
            yield from islice(_picks(rest), MOST_PICKS)


def _picks(choices: dict[str, list[np.ndarray]]) -> Iterator[dict[str, np.ndarray]]:
    names = list(choices)
    ranks = sorted(
        product(*(range(len(choices[name])) for name in names)), key=lambda pick: sum(pick)
    )
    for pick in ranks:
        yield {name: choices[name][rank] for name, rank in zip(names, pick, strict=True)}
