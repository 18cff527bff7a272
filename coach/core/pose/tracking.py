"""When to run the detector: only when the body is lost. While it is tracked, each frame's
landmarks place the next frame's region, which costs one network instead of two."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from coach.core.pose.body import is_lying
from coach.core.pose.crop import Region
from coach.core.pose.landmarks import MIN_PRESENCE, Landmarks

Detect = Callable[[np.ndarray], list[Region]]
Mark = Callable[[np.ndarray, Region], Landmarks]
# People marked at most when the body is looked for again: each costs a landmark network run.
MAX_PEOPLE = 3


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
        found = self._the_one_lying(frame, self._detect(frame)[:MAX_PEOPLE])
        if found is not None:
            self._region = found.next_region
        return found

    def _the_one_lying(self, frame: np.ndarray, regions: list[Region]) -> Landmarks | None:
        """Of the people found, the first lying down: the coach's person is on the mat, and
        someone walking past, whom a person detector finds likelier standing, is not them (it
        followed them, and lost the reps done meanwhile). With nobody lying, the likeliest:
        the person getting up is seen getting up."""
        likeliest = None
        for region in regions:
            found = self._mark(frame, region)
            if found.presence < MIN_PRESENCE:
                continue
            if is_lying(found):
                return found
            likeliest = likeliest or found
        return likeliest
