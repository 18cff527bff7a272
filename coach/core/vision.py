"""Frame → leg angles: the tracker and the geometry joined."""

from __future__ import annotations

import numpy as np

from coach.core.geometry import LegAngles, measure
from coach.core.tracker import MarkerTracker
from coach.settings import MarkerSettings


class LegReader:
    def __init__(self, markers: MarkerSettings) -> None:
        self._tracker = MarkerTracker(markers.colours(), markers.colour_tolerance)
        self._foot_ratio = markers.foot_to_leg_ratio

    def read(self, frame: np.ndarray) -> LegAngles | None:
        return self.read_with_markers(frame)[1]

    def read_with_markers(
        self, frame: np.ndarray
    ) -> tuple[dict[str, np.ndarray], LegAngles | None]:
        """The markers found and the angles they give (for drawing them on a replay)."""
        markers = self._tracker.locate(frame)
        return markers, measure(markers, self._foot_ratio)
