"""The camera's tilt from the body lying still, when no toe marker shows it.

Lying on the side, the two shoulders are one above the other, and so are the two hips. Seen
from a camera at their height they are apart in the picture only; seen from above, the lower
one is also farther from the lens, by the sine of the camera's tilt (`body.stack_tilt_deg`).
The pose model's depth is a guess from the body's shape: one frame's reading wanders by ten
degrees or so, but the median over a still rest settles (on a real video filmed from about
20 degrees above, the shoulders and hips read 19 to 22 degrees that way). The foot, which the
toe-marker calibration reads, is seen too unsurely by the model to be relied on alone.
"""

from __future__ import annotations

import statistics

from coach.core.calibration import TILT_RANGE_DEG

# Two seconds of lying still, whatever the frame rate (thirty frames were half a second at 60
# frames a second), in at least this many frames.
REST_S = 2.0
MIN_FRAMES = 15
# Or a shorter rest whose readings agree closely: the real side-lying video rests 0.8 s between
# reps, its readings' middle half within about 4 degrees; the median of ten such readings is
# within about 1.5 degrees of theirs.
STEADY_REST_S = 0.6
STEADY_MIN_FRAMES = 10
STEADY_SPREAD_DEG = 5.0
MAX_GAP_S = 0.5  # a still frame this long after the last one counts only this much time
# The middle half of those readings spread wider than this, or their median outside what the
# setup allows: the model's depth is no guide here (on a real clamshell video, a trainer's hand
# on the hip and the person's own arm over it gave -10 and 45), and the next still stretch is
# tried instead.
MAX_SPREAD_DEG = 12.0
SOURCE = "measured from the pose model's stacked shoulders and hips at rest"


class RestingTilt:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._tilts: list[float] = []
        self._seen_s = 0.0  # how long the kept readings were seen for
        self._last_t: float | None = None
        self._measured: float | None = None  # judged once a reading, kept once found

    @property
    def tilt_deg(self) -> float | None:
        """The median over a still rest; None until a rest has shown it clearly: two seconds
        of readings that agree, or a shorter rest of readings that agree closely."""
        return self._measured

    def add(self, t: float, tilt_deg: float | None, at_rest: bool) -> None:
        if tilt_deg is None or not at_rest or self._measured is not None:
            return
        if self._last_t is not None:
            self._seen_s += min(t - self._last_t, MAX_GAP_S)
        self._last_t = t
        self._tilts.append(tilt_deg)
        self._measured = self._judged()
        if self._measured is None and self._long_enough:
            del self._tilts[: len(self._tilts) // 2]  # no guide yet: look on
            self._seen_s /= 2

    @property
    def _long_enough(self) -> bool:
        return self._seen_s >= REST_S and len(self._tilts) >= MIN_FRAMES

    def _judged(self) -> float | None:
        if self._seen_s < STEADY_REST_S or len(self._tilts) < STEADY_MIN_FRAMES:
            return None
        quartiles = statistics.quantiles(self._tilts, n=4)
        spread = quartiles[2] - quartiles[0]
        if spread > (MAX_SPREAD_DEG if self._long_enough else STEADY_SPREAD_DEG):
            return None
        median = statistics.median(self._tilts)
        low, high = TILT_RANGE_DEG
        return round(median, 1) if low <= median <= high else None
