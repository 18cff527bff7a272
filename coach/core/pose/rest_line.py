"""The lift measured from the body's own rest line, learned at the start of each set.

A pose model does not put its points on the joints a physiotherapist would mark: BlazePose puts
the shoulder on the deltoid and the hip toward the waist, so the trunk's line is off and every
lift read against it came out about 4 degrees high on real footage. The body lying still with
the leg down shows what the model reads for "no lift"; that reading is taken off every lift of
the set, so the model's bias cancels. The angle the coach reports in pose mode is therefore how
far the leg has risen from where it lay at rest, against the trunk as it lay then.

The trunk as it lay, not as the model draws it at each moment: on a real leg-raise video the
model's top hip slid 30 px along a 160-px trunk toward the head as the leg rose, and rose a few
pixels, so the shoulder-to-hip line turned 2 degrees and read each lift that much low. A trunk
that turns further than that slide, and stays turned, is the body or the camera having turned
as a whole (a real video cut to a second camera that saw the trunk 8 degrees turned), which
leaves the leg's lift from the trunk as it was: the trunk's line is then taken anew, and the
lift's offset kept.

It is learned once a set (and again when the camera is seen to move): learning it again at
later rests, even only with the ankles stacked and still, let the slow last degrees of a
rep's lowering be taken for the rest and moved that rep's baseline under it.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

import numpy as np

from coach.core.geometry import abduction_deg

# Lying still this long, whatever the frame rate: counted in frames (eight), the rest took
# 0.13 s at 60 frames a second, the smoothing's first readings of a real video among them.
STILL_S = 0.5
MIN_READINGS = 4  # however slow the frames: a rest is not two readings
MAX_GAP_S = 0.5  # readings further apart than this are not one still moment
STILL_SPREAD_DEG = 3.0  # the smoothed readings of those frames within this of each other
# A rest reading past this is no rest: the leg is up, or the model has misplaced a point. Seen
# on the real stills the bias was about 4 degrees; the body lying crooked adds a few more.
MAX_REST_DEG = 15.0
# The trunk line's turn from its rest taken as the model's points sliding, not the body
# turning: 2 to 3 degrees seen on real footage at 60-70 degree lifts.
MAX_TRUNK_SLIDE_DEG = 5.0
TURNED_S = 0.3  # the trunk turned further than that this long: the body or the camera turned


@dataclass(frozen=True)
class _Reading:
    t: float
    smoothed: float  # the lift against the trunk line, as the coach reads it
    raw: float  # the same from this frame's points alone: no filter's lag or start in it
    trunk: np.ndarray | None  # this frame's trunk line on the body plane, shoulder to hip


class RestLine:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new set: the person may lie differently, the camera may have moved."""
        self.offset_deg: float | None = None  # learned from a still rest
        # Until then, the rest the readings so far show: taken off at once, the learned rest
        # later moved the readings by two degrees, enough to make a rep segmenter that had
        # begun to settle on them start again and miss a rep that began 0.8 s into a video.
        # It is kept from the moment the leg first moves: a median of the readings since
        # followed a lift begun before any still rest, and a 30 degree lift read 20.
        self._provisional: float | None = None
        self._moved = False
        self._trunk: np.ndarray | None = None
        self._recent: deque[_Reading] = deque()
        self._turned_since: float | None = None

    @property
    def still(self) -> bool:
        """Whether the leg has lain still over the last half second."""
        recent = self._recent
        return len(recent) >= MIN_READINGS and recent[-1].t - recent[0].t >= STILL_S

    def update(
        self, t: float, smoothed: float, raw: float | None, trunk: np.ndarray | None
    ) -> None:
        """Feed each frame's lift as read against the trunk line: `smoothed` as the coach reads
        it, `raw` from the frame's own points (None when they did not place the leg), and the
        trunk line those points drew."""
        recent = self._recent
        if recent and t - recent[-1].t > MAX_GAP_S:
            recent.clear()
        recent.append(_Reading(t, smoothed, smoothed if raw is None else raw, trunk))
        while len(recent) > MIN_READINGS and t - recent[1].t >= STILL_S:
            recent.popleft()
        while max(r.smoothed for r in recent) - min(r.smoothed for r in recent) > (
            STILL_SPREAD_DEG
        ):
            recent.popleft()  # the leg moved: still since the reading after
            self._moved = self._provisional is not None
        self._watch_the_turn(t, trunk)
        if self.offset_deg is not None:
            return
        rest = statistics.median(r.raw for r in recent)
        if abs(rest) <= MAX_REST_DEG:
            if not self._moved:
                self._provisional = rest
            if self.still:
                self.offset_deg = rest
                trunks = [r.trunk for r in recent if r.trunk is not None]
                self._trunk = _unit(np.mean(trunks, axis=0)) if trunks else None

    def lift_offset_deg(self, trunk: np.ndarray | None) -> float | None:
        """What to take off a lift read against `trunk` (this frame's trunk line) so it is read
        from the rest line: until a still rest has shown it, the rest the readings so far
        show (see `_provisional`); None before any reading."""
        if self.offset_deg is None:
            return self._provisional
        turn = self._turn(trunk)
        if turn is None:
            return self.offset_deg
        return self.offset_deg + min(max(turn, -MAX_TRUNK_SLIDE_DEG), MAX_TRUNK_SLIDE_DEG)

    def _turn(self, trunk: np.ndarray | None) -> float | None:
        """How far the rest's trunk line lies from `trunk`, toward the ceiling."""
        if trunk is None or self._trunk is None:
            return None
        return abduction_deg(np.zeros(2), trunk, trunk + self._trunk)

    def _watch_the_turn(self, t: float, trunk: np.ndarray | None) -> None:
        """The trunk's line taken anew once it has stayed turned past the model's slide."""
        turn = self._turn(trunk)
        if turn is None or abs(turn) <= MAX_TRUNK_SLIDE_DEG:
            self._turned_since = None
        elif self._turned_since is None:
            self._turned_since = t
        elif t - self._turned_since >= TURNED_S:
            assert trunk is not None
            self._trunk, self._turned_since = _unit(trunk), None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(math.hypot(*v), 1e-9)
