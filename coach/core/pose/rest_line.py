"""The lift measured from the body's own rest line, learned at the start of each set.

A pose model does not put its points on the joints a physiotherapist would mark: BlazePose puts
the shoulder on the deltoid and the hip toward the waist, so the trunk's line is off and every
lift read against it came out about 4 degrees high on real footage, while the same lift
measured from the leg's own rest was exact (20.4 against 20.3 degrees by eye). The body lying
still with the leg down shows what the model reads for "no lift"; that reading is taken off
every lift of the set, so the model's bias cancels. The angle the coach reports in pose mode
is therefore how far the leg has risen from where it lay at rest.

It is learned once a set (and again when the camera is seen to move): learning it again at
later rests, even only with the ankles stacked and still, let the slow last degrees of a
rep's lowering be taken for the rest and moved that rep's baseline under it.
"""

from __future__ import annotations

import statistics
from collections import deque

STILL_READINGS = 8  # about half a second at 15 frames a second
STILL_SPREAD_DEG = 3.0  # the readings of those frames within this of each other: lying still
# A rest reading past this is no rest: the leg is up, or the model has misplaced a point. Seen
# on the real stills the bias was about 4 degrees; the body lying crooked adds a few more.
MAX_REST_DEG = 15.0


class RestLine:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new set: the person may lie differently, the camera may have moved."""
        self.offset_deg: float | None = None
        self._recent: deque[float] = deque(maxlen=STILL_READINGS)

    @property
    def still(self) -> bool:
        """Whether the leg has lain still over the last half second."""
        return (
            len(self._recent) == STILL_READINGS
            and max(self._recent) - min(self._recent) <= STILL_SPREAD_DEG
        )

    def update(self, abduction: float) -> None:
        """Feed each frame's lift as read against the trunk line."""
        self._recent.append(abduction)
        if self.offset_deg is None and self.still:
            rest = statistics.median(self._recent)
            if abs(rest) <= MAX_REST_DEG:
                self.offset_deg = rest
