"""Where frames come from: the protocol every camera adapter meets."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class FrameSource(Protocol):
    def read(self, t: float) -> np.ndarray | None:
        """A BGR frame (height, width, 3) uint8 for time `t`, or None if none could be had."""
        ...

    def close(self) -> None: ...
