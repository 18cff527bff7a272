"""Finds the coloured markers in a BGR frame with numpy alone.

A marker seen in the last frame is looked for in a small window around where it was
(steady-state tracking); a lost one is looked for over the whole frame at a coarse stride
first, then refined at full resolution (acquisition).
"""

from __future__ import annotations

import numpy as np

ACQUIRE_STRIDE = 4


def hex_to_bgr(colour: str) -> np.ndarray:
    value = int(colour.lstrip("#"), 16)
    return np.array([value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF], dtype=np.int16)


class MarkerTracker:
    def __init__(
        self,
        colours: dict[str, str],
        tolerance: int,
        window: int = 40,
        min_pixels: int = 6,
    ) -> None:
        self._refs = {name: hex_to_bgr(colour) for name, colour in colours.items()}
        self._tolerance = tolerance
        self._window = window
        self._min_pixels = min_pixels
        self._last: dict[str, np.ndarray] = {}

    def reset(self) -> None:
        self._last.clear()

    def locate(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Centre of each marker found, in pixels (x, y); a missing marker is absent."""
        found = {}
        for name, ref in self._refs.items():
            last = self._last.get(name)
            centre = self._follow(frame, ref, last) if last is not None else None
            if centre is None:
                centre = self._acquire(frame, ref)
            if centre is None:
                self._last.pop(name, None)
            else:
                self._last[name] = centre
                found[name] = centre
        return found

    def _follow(self, frame: np.ndarray, ref: np.ndarray, last: np.ndarray) -> np.ndarray | None:
        centre = self._search_near(frame, ref, last)
        if centre is not None and np.abs(centre - last).max() > self._window / 4:
            # It moved far: part of it may lie outside the window, so look again around it.
            centre = self._search_near(frame, ref, centre)
        return centre

    def _acquire(self, frame: np.ndarray, ref: np.ndarray) -> np.ndarray | None:
        coarse = frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE]
        ys, xs = np.nonzero(self._mask(coarse, ref))
        if len(xs) == 0:
            return None
        # Refine around the densest coarse hit so a stray pixel elsewhere cannot win.
        guess = np.array([np.median(xs), np.median(ys)]) * ACQUIRE_STRIDE
        return self._search_near(frame, ref, guess)

    def _search_near(
        self, frame: np.ndarray, ref: np.ndarray, centre: np.ndarray
    ) -> np.ndarray | None:
        height, width = frame.shape[:2]
        x0 = max(int(centre[0]) - self._window, 0)
        y0 = max(int(centre[1]) - self._window, 0)
        x1 = min(int(centre[0]) + self._window + 1, width)
        y1 = min(int(centre[1]) + self._window + 1, height)
        if x0 >= x1 or y0 >= y1:
            return None
        ys, xs = np.nonzero(self._mask(frame[y0:y1, x0:x1], ref))
        if len(xs) < self._min_pixels:
            return None
        return np.array([xs.mean() + x0, ys.mean() + y0])

    def _mask(self, pixels: np.ndarray, ref: np.ndarray) -> np.ndarray:
        return (np.abs(pixels.astype(np.int16) - ref).max(axis=-1)) <= self._tolerance
