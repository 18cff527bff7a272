"""When to run the detector: only when the body is lost. While it is tracked, each frame's
landmarks place the next frame's region, which costs one network instead of two."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from coach.core.pose.crop import Region
from coach.core.pose.landmarks import MIN_PRESENCE, Landmarks

Detect = Callable[[np.ndarray], list[Region]]
Mark = Callable[[np.ndarray, Region], Landmarks]


class PoseTracker:
    def __init__(self, detect: Detect, mark: Mark) -> None:
        self._detect = detect
        self._mark = mark
        self._region: Region | None = None
        self.detections = 0  # how often the detector had to run: a cost worth watching

    def reset(self) -> None:
        self._region = None

    @property
    def tracking(self) -> bool:
        return self._region is not None

    def locate(self, frame: np.ndarray) -> Landmarks | None:
        """The body in `frame`, or None. A body lost while tracked is looked for again over
        the whole frame at once, not a frame later."""
        if self._region is not None:
            found = self._mark(frame, self._region)
            if found.presence >= MIN_PRESENCE:
                self._region = found.next_region
                return found
            self._region = None
        self.detections += 1
        regions = self._detect(frame)
        if not regions:
            return None
        found = self._mark(frame, regions[0])
        if found.presence < MIN_PRESENCE:
            return None
        self._region = found.next_region
        return found
