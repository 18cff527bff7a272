"""The lift measured from the body's own rest line, learned at the start of each set and again
at each later rest with the legs stacked.

A pose model does not put its points on the joints a physiotherapist would mark: BlazePose puts
the shoulder on the deltoid and the hip toward the waist, so the trunk's line is off and every
lift read against it came out about 4 degrees high on real footage, while the same lift
measured from the leg's own rest was exact (20.4 against 20.3 degrees by eye). The body lying
still with the leg down shows what the model reads for "no lift"; that reading is taken off
every lift, so the model's bias cancels. The angle the coach reports in pose mode is therefore
how far the leg has risen from where it lay at rest.

The model's bias changes with the view (on a real video cut to a lower camera, the same rest
read 6 degrees higher), so a later rest is learned again, but only one with the top ankle back
on the bottom one: a leg hovering between reps is no rest, and learning it would hide the lift.
"""

from __future__ import annotations

import statistics
from collections import deque

STILL_READINGS = 8  # about half a second at 15 frames a second
STILL_SPREAD_DEG = 3.0  # the readings of those frames within this of each other: lying still
# A rest reading past this is no rest: the leg is up, or the model has misplaced a point. Seen
# on the real stills the bias was about 4 degrees; the body lying crooked adds a few more.
MAX_REST_DEG = 15.0
# The ankles this much farther apart (in trunk lengths) than at the first rest: the top leg
# is not lying on the other (about 3.5 degrees of lift on a leg 1.7 trunks long).
STACKED_SLACK = 0.1


class RestLine:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new set: the person may lie differently, the camera may have moved."""
        self.offset_deg: float | None = None
        self._recent: deque[float] = deque(maxlen=STILL_READINGS)
        self._gaps: deque[float | None] = deque(maxlen=STILL_READINGS)
        self._stacked_gap: float | None = None  # the ankles' gap at the first rest

    @property
    def still(self) -> bool:
        """Whether the leg has lain still over the last half second."""
        return (
            len(self._recent) == STILL_READINGS
            and max(self._recent) - min(self._recent) <= STILL_SPREAD_DEG
        )

    def update(self, abduction: float, ankle_gap: float | None = None) -> None:
        """Feed each frame's lift as read against the trunk line, and how far apart the two
        ankles are (in trunk lengths; None when the lower one is unseen)."""
        self._recent.append(abduction)
        self._gaps.append(ankle_gap)
        if not self.still:
            return
        gaps = [gap for gap in self._gaps if gap is not None]
        gap = statistics.median(gaps) if len(gaps) == len(self._gaps) else None
        if self.offset_deg is not None:
            stacked = self._stacked_gap
            if gap is None or stacked is None or gap > stacked + STACKED_SLACK:
                return
        rest = statistics.median(self._recent)
        if self.offset_deg is None and abs(rest) > MAX_REST_DEG:
            return
        if self.offset_deg is not None and abs(rest - self.offset_deg) > MAX_REST_DEG:
            return  # the model has misplaced a point: far from any rest seen
        self.offset_deg = rest
        if self._stacked_gap is None:
            self._stacked_gap = gap
