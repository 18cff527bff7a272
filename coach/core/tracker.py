"""Finds the coloured markers in a BGR frame with numpy alone.

A marker seen in the last frame is looked for in a small window around where it was
(steady-state tracking); a lost one is looked for over the whole frame at a coarse stride
first, then refined at full resolution (acquisition).
"""

from __future__ import annotations

from collections.abc import Callable

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


# Learning today's colours: a pixel is the marker's hue when its colour points the same way as
# the printed colour (cosine of the angle between the two as vectors), however bright the room.
SAME_HUE_COSINE = 0.97  # about 14 degrees apart: the printed colours are 30 or more apart
MIN_BRIGHTNESS = 40.0  # darker pixels have too little colour to tell


def _box(colour: np.ndarray, tolerance: int) -> Bounds:
    return (
        np.clip(colour - tolerance, 0, 255).astype(np.uint8),
        np.clip(colour + tolerance, 0, 255).astype(np.uint8),
    )


class MarkerTracker:
    def __init__(self, colours: dict[str, str], tolerance: int, min_pixels: int = 6) -> None:
        self._printed = {name: hex_to_bgr(colour) for name, colour in colours.items()}
        self._tolerance = tolerance
        self._bounds = {name: _box(c, tolerance) for name, c in self._printed.items()}
        self._min_pixels = min_pixels
        self._window = 0
        self._last: dict[str, np.ndarray] = {}

    def reset(self) -> None:
        self._last.clear()

    def learn_colours(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Re-centre each marker's colour box on how the marker looks in `frame`: dim evening
        light or a bright window shifts every channel, and the printed colour falls outside.
        Returns the colours learned (BGR); a marker not found keeps its box."""
        learned = {}
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name, printed in self._printed.items():
            pixels = self._hue_pixels(frame, printed, self._last.get(name))
            if pixels is None:
                continue
            colour = np.median(pixels, axis=0).astype(np.int16)
            # In dim light every colour sits closer to black, and so does everything else:
            # the box shrinks with the light so it does not take in the dark room too.
            light = float(np.linalg.norm(colour)) / float(np.linalg.norm(printed))
            self._bounds[name] = _box(colour, round(self._tolerance * min(light, 1.0)))
            learned[name] = colour
        self._last.clear()  # found again next frame with the new boxes
        return learned

    def _hue_pixels(
        self, frame: np.ndarray, printed: np.ndarray, near: np.ndarray | None
    ) -> np.ndarray | None:
        """The pixels of the blob with the printed colour's hue: near `near` when the marker
        is being tracked, else the densest such area of the whole frame."""
        if near is None:
            near = _densest(frame, lambda pixels: _same_hue(pixels, printed))
        if near is None:
            return None
        patch, _ = self._window_around(frame, near)
        mask = _same_hue(patch, printed)
        return patch[mask] if int(mask.sum()) >= self._min_pixels else None

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
        guess = _densest(frame, lambda pixels: self._mask(pixels, bounds))
        return None if guess is None else self._search_near(frame, bounds, guess)

    def _search_near(
        self, frame: np.ndarray, bounds: Bounds, centre: np.ndarray
    ) -> np.ndarray | None:
        patch, (x0, y0) = self._window_around(frame, centre)
        ys, xs = np.nonzero(self._mask(patch, bounds))
        if len(xs) < self._min_pixels:
            return None
        return np.array([xs.mean() + x0, ys.mean() + y0])

    def _window_around(
        self, frame: np.ndarray, centre: np.ndarray
    ) -> tuple[np.ndarray, tuple[int, int]]:
        """The part of the frame a marker at `centre` is looked for in, and its top-left corner
        (empty when the centre lies off the frame)."""
        height, width = frame.shape[:2]
        x0 = max(int(centre[0]) - self._window, 0)
        y0 = max(int(centre[1]) - self._window, 0)
        x1 = min(int(centre[0]) + self._window + 1, width)
        y1 = min(int(centre[1]) + self._window + 1, height)
        return frame[y0 : max(y1, y0), x0 : max(x1, x0)], (x0, y0)

    @staticmethod
    def _mask(pixels: np.ndarray, bounds: Bounds) -> np.ndarray:
        """Pixels within the marker's colour box, channel by channel, in uint8 (no copies)."""
        lo, hi = bounds
        mask = (pixels[..., 0] >= lo[0]) & (pixels[..., 0] <= hi[0])
        mask &= (pixels[..., 1] >= lo[1]) & (pixels[..., 1] <= hi[1])
        mask &= (pixels[..., 2] >= lo[2]) & (pixels[..., 2] <= hi[2])
        return mask


def _densest(frame: np.ndarray, is_marker: Callable[[np.ndarray], np.ndarray]) -> np.ndarray | None:
    """Where the marker's pixels gather in a coarse pass over the whole frame (their median, so
    a stray pixel elsewhere cannot win), or None if there are none."""
    ys, xs = np.nonzero(is_marker(frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE]))
    if len(xs) == 0:
        return None
    return np.array([np.median(xs), np.median(ys)]) * ACQUIRE_STRIDE


def _same_hue(pixels: np.ndarray, printed: np.ndarray) -> np.ndarray:
    colours = pixels.astype(np.float32)
    brightness = np.linalg.norm(colours, axis=-1)
    cosine = (colours @ printed.astype(np.float32)) / (
        np.maximum(brightness, 1e-6) * float(np.linalg.norm(printed))
    )
    return (cosine >= SAME_HUE_COSINE) & (brightness >= MIN_BRIGHTNESS)
