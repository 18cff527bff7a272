"""Finds the coloured markers in a BGR frame with numpy alone.

A marker seen in the last frame is looked for in a small window around where it was
(steady-state tracking); a lost one is looked for over the whole frame at half resolution,
then refined at full resolution (acquisition). Only a marker-shaped spot of the colour counts
(`blobs`): a mat, a shirt or a wall of the same colour is never taken for a marker, and a
marker lying on one is reported unseen rather than found somewhere in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from coach.core.blobs import measured, spots

ACQUIRE_STRIDE = 2
# A 5 cm marker seen by the Pi camera module 2 from 1.5 to 3.5 m away, on a 640-pixel frame:
# 18 to 8 pixels across, less when tilted or blurred. Until one has been measured, each of these
# sizes is tried.
MARKER_WIDTHS = (0.009, 0.0125, 0.0185, 0.028)  # as shares of the frame's width
# While tracking, the window is taken as it is when its pixels of the colour could be one
# marker: no more than this many times a marker's area.
MAX_AREAS_IN_WINDOW = 2.0
CLEAN_AREAS = 1.3  # up to this, the pixels are the marker's alone
# Once a marker's own colour is learned, a tighter box keeps muted look-alikes (a navy shirt
# beside a blue marker) out of it.
LEARNED_TOLERANCE = 0.75
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
        self._diameter: dict[str, float] = {}  # each marker's width in pixels, once measured

    def reset(self) -> None:
        self._last.clear()
        self._diameter.clear()

    def learn_colours(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Re-centre each marker's colour box on how the marker looks in `frame`: dim evening
        light or a bright window shifts every channel, and the printed colour falls outside.
        Returns the colours learned (BGR); a marker not found keeps its box."""
        learned = {}
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name, printed in self._printed.items():
            diameter = self._diameter.get(name, MARKER_WIDTHS[1] * frame.shape[1])
            pixels = self._hue_pixels(frame, printed, self._last.get(name), diameter)
            if pixels is None:
                continue
            colour = np.median(pixels, axis=0).astype(np.int16)
            # In dim light every colour sits closer to black, and so does everything else:
            # the box shrinks with the light so it does not take in the dark room too.
            light = float(np.linalg.norm(colour)) / float(np.linalg.norm(printed))
            self._bounds[name] = _box(
                colour, round(LEARNED_TOLERANCE * self._tolerance * min(light, 1.0))
            )
            learned[name] = colour
        self._last.clear()  # found again next frame with the new boxes
        return learned

    def _hue_pixels(
        self, frame: np.ndarray, printed: np.ndarray, near: np.ndarray | None, diameter: float
    ) -> np.ndarray | None:
        """The pixels of the marker itself with the printed colour's hue: around `near` when
        the marker is being tracked, else around the most marker-like spot of that hue. Only
        those within the marker's radius count: a mat of the same hue around it must not
        become the colour learned."""
        if near is None:
            coarse = _same_hue(frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE], printed)
            found = self._spot(frame, coarse)
            if found is None:
                return None
            near, diameter = found
        patch, (x0, y0) = self._window_around(frame, near)
        ys, xs = np.mgrid[0 : patch.shape[0], 0 : patch.shape[1]]
        inside = (xs + x0 - near[0]) ** 2 + (ys + y0 - near[1]) ** 2 <= (0.75 * diameter) ** 2
        mask = _same_hue(patch, printed) & inside
        return patch[mask] if int(mask.sum()) >= self._min_pixels else None

    def mask_for(self, name: str) -> Callable[[np.ndarray], np.ndarray]:
        """Which pixels have this marker's colour, as the tracker now sees it."""
        bounds = self._bounds[name]
        return lambda pixels: self._mask(pixels, bounds)

    def diameter(self, width: int) -> float:
        """The markers' usual width in pixels, measured or guessed for this frame width."""
        seen = list(self._diameter.values())
        return float(np.median(seen)) if seen else MARKER_WIDTHS[1] * width

    def locate(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Centre of each marker found, in pixels (x, y); a missing marker is absent."""
        found = {}
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name, bounds in self._bounds.items():
            last = self._last.get(name)
            centre = self._follow(frame, name, bounds, last) if last is not None else None
            if centre is None:
                centre = self._acquire(frame, name, bounds)
            if centre is None:
                self._last.pop(name, None)
            else:
                self._last[name] = centre
                found[name] = centre
        return found

    def _follow(
        self, frame: np.ndarray, name: str, bounds: Bounds, last: np.ndarray
    ) -> np.ndarray | None:
        centre = self._search_near(frame, name, bounds, last)
        if centre is not None and np.abs(centre - last).max() > self._window / 4:
            # It moved far: part of it may lie outside the window, so look again around it.
            centre = self._search_near(frame, name, bounds, centre)
        return centre

    def _acquire(self, frame: np.ndarray, name: str, bounds: Bounds) -> np.ndarray | None:
        coarse = self._mask(frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE], bounds)
        found = self._spot(frame, coarse, self._diameter.get(name))
        if found is None:
            return None
        guess, self._diameter[name] = found
        return self._search_near(frame, name, bounds, guess)

    def _spot(
        self, frame: np.ndarray, coarse: np.ndarray, diameter: float | None = None
    ) -> tuple[np.ndarray, float] | None:
        """The most marker-like spot in a half-resolution mask, in full-resolution pixels, and
        the marker width it was found at."""
        widths = (diameter,) if diameter else [share * frame.shape[1] for share in MARKER_WIDTHS]
        best = None
        for width in widths:
            for spot in spots(coarse, width / ACQUIRE_STRIDE, limit=1):
                if best is None or spot.score > best[0].score:
                    best = (spot, width)
        if best is None:
            return None
        spot, width = best
        centre, across = measured(coarse, spot, width / ACQUIRE_STRIDE)
        return centre * ACQUIRE_STRIDE, across * ACQUIRE_STRIDE

    def _search_near(
        self, frame: np.ndarray, name: str, bounds: Bounds, centre: np.ndarray
    ) -> np.ndarray | None:
        patch, (x0, y0) = self._window_around(frame, centre)
        mask = self._mask(patch, bounds)
        ys, xs = np.nonzero(mask)
        if len(xs) < self._min_pixels:
            return None
        diameter = self._diameter.get(name, MARKER_WIDTHS[1] * frame.shape[1])
        area = math.pi / 4 * diameter**2
        if len(xs) <= CLEAN_AREAS * area:
            # Just the marker: take it as it is, and learn its size when all of it lies inside
            # the window, a little at a time.
            height, width = mask.shape
            if xs.min() > 0 and ys.min() > 0 and xs.max() < width - 1 and ys.max() < height - 1:
                seen = 2 * math.sqrt(len(xs) / math.pi)
                self._diameter[name] = min(max(seen, 0.8 * diameter), 1.25 * diameter)
            return _core_centre(xs, ys, diameter, rounds=1) + np.array([x0, y0])
        if len(xs) <= MAX_AREAS_IN_WINDOW * area:
            # More pixels of the colour beside it (a shirt's edge): the marker's own.
            return _core_centre(xs, ys, diameter, rounds=2) + np.array([x0, y0])
        # More of the colour than a marker: only a marker-shaped spot in it will do, the one
        # nearest where the marker was.
        candidates = spots(mask, diameter)
        if not candidates:
            return None
        near = np.array(centre) - (x0, y0)
        spot = min(candidates, key=lambda s: math.hypot(s.x - near[0], s.y - near[1]))
        return measured(mask, spot, diameter)[0] + np.array([x0, y0])

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


def _core_centre(xs: np.ndarray, ys: np.ndarray, diameter: float, rounds: int) -> np.ndarray:
    """The middle of the pixels within a marker's radius of their middle, `rounds` times over:
    a few pixels of a like-coloured shirt beside the marker do not pull it off centre."""
    centre = np.array([xs.mean(), ys.mean()])
    for _ in range(rounds):
        near = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= (0.6 * diameter + 1) ** 2
        if not near.any():
            break
        centre = np.array([xs[near].mean(), ys[near].mean()])
    return centre


def _same_hue(pixels: np.ndarray, printed: np.ndarray) -> np.ndarray:
    colours = pixels.astype(np.float32)
    brightness = np.linalg.norm(colours, axis=-1)
    cosine = (colours @ printed.astype(np.float32)) / (
        np.maximum(brightness, 1e-6) * float(np.linalg.norm(printed))
    )
    return (cosine >= SAME_HUE_COSINE) & (brightness >= MIN_BRIGHTNESS)
