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

REST_FRAMES = 30  # two seconds at 15 frames a second, lying still
SOURCE = "measured from the pose model's stacked shoulders and hips at rest"


class RestingTilt:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._tilts: list[float] = []

    def add(self, tilt_deg: float | None, at_rest: bool) -> None:
        if tilt_deg is not None and at_rest and len(self._tilts) < REST_FRAMES:
            self._tilts.append(tilt_deg)

    @property
    def tilt_deg(self) -> float | None:
        """The median over the rest, within what the setup allows; None until it is seen."""
        if len(self._tilts) < REST_FRAMES:
            return None
        low, high = TILT_RANGE_DEG
        return round(min(max(statistics.median(self._tilts), low), high), 1)
