"""Finds the coloured markers in a BGR frame with numpy alone.

A marker seen in the last frame is looked for in a small window around where it was
(steady-state tracking); a lost one is looked for over the whole frame at a coarse stride
first, then refined at full resolution (acquisition).
"""

from __future__ import annotations

import numpy as np

ACQUIRE_STRIDE = 4
# Half the side of the window a tracked marker is looked for in, as a share of frame width:
# wide enough for a fast leg between two frames, small enough to stay cheap.
WINDOW_DIVISOR = 16
MIN_WINDOW = 12
Bounds = tuple[np.ndarray, np.ndarray]


def hex_to_bgr(colour: str) -> np.ndarray:
    value = int(colour.lstrip("#"), 16)
    return np.array([value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF], dtype=np.int16)


class MarkerTracker:
    def __init__(self, colours: dict[str, str], tolerance: int, min_pixels: int = 6) -> None:
        self._bounds = {
            name: (
                np.clip(hex_to_bgr(colour) - tolerance, 0, 255).astype(np.uint8),
                np.clip(hex_to_bgr(colour) + tolerance, 0, 255).astype(np.uint8),
            )
            for name, colour in colours.items()
        }
        self._min_pixels = min_pixels
        self._window = 0
        self._last: dict[str, np.ndarray] = {}

    def reset(self) -> None:
        self._last.clear()

    def locate(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Centre of each marker found, in pixels (x, y); a missing marker is absent."""
        found = {}
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name, bounds in self._bounds.items():
            last = self._last.get(name)
            centre = self._follow(frame, bounds, last) if last is not None else None
            if centre is None:
                centre = self._acquire(frame, bounds)
            if centre is None:
                self._last.pop(name, None)
            else:
                self._last[name] = centre
                found[name] = centre
        return found

    def _follow(self, frame: np.ndarray, bounds: Bounds, last: np.ndarray) -> np.ndarray | None:
        centre = self._search_near(frame, bounds, last)
        if centre is not None and np.abs(centre - last).max() > self._window / 4:
            # It moved far: part of it may lie outside the window, so look again around it.
            centre = self._search_near(frame, bounds, centre)
        return centre

    def _acquire(self, frame: np.ndarray, bounds: Bounds) -> np.ndarray | None:
        coarse = frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE]
        ys, xs = np.nonzero(self._mask(coarse, bounds))
        if len(xs) == 0:
            return None
        # Refine around the densest coarse hit so a stray pixel elsewhere cannot win.
        guess = np.array([np.median(xs), np.median(ys)]) * ACQUIRE_STRIDE
        return self._search_near(frame, bounds, guess)

    def _search_near(
        self, frame: np.ndarray, bounds: Bounds, centre: np.ndarray
    ) -> np.ndarray | None:
        height, width = frame.shape[:2]
        x0 = max(int(centre[0]) - self._window, 0)
        y0 = max(int(centre[1]) - self._window, 0)
        x1 = min(int(centre[0]) + self._window + 1, width)
        y1 = min(int(centre[1]) + self._window + 1, height)
        if x0 >= x1 or y0 >= y1:
            return None
        ys, xs = np.nonzero(self._mask(frame[y0:y1, x0:x1], bounds))
        if len(xs) < self._min_pixels:
            return None
        return np.array([xs.mean() + x0, ys.mean() + y0])

    @staticmethod
    def _mask(pixels: np.ndarray, bounds: Bounds) -> np.ndarray:
        """Pixels within the marker's colour box, channel by channel, in uint8 (no copies)."""
        lo, hi = bounds
        mask = (pixels[..., 0] >= lo[0]) & (pixels[..., 0] <= hi[0])
        mask &= (pixels[..., 1] >= lo[1]) & (pixels[..., 1] <= hi[1])
        mask &= (pixels[..., 2] >= lo[2]) & (pixels[..., 2] <= hi[2])
        return mask
