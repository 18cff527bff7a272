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

from coach.core.blobs import Spot, SpotFinder, measured, spots
from coach.core.hues import Hue, purest, same_hue

ACQUIRE_STRIDE = 2
CANDIDATES = 3  # spots kept for a marker looked for afresh: the best, and two for the body check
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
# Most frames, a marker lies wholly within a marker's width of where its last move
# would take it: that small window is looked at first, the wide one only when it is not.
CLOSE_WIDTHS = 1.0
MIN_CLOSE = 6
# The markers' widths in one picture differ by the body's depth across the view and the blur:
# a spot more than this many times wider or narrower than most is not one of them.
SIZE_SPREAD = 1.4


Points = dict[str, np.ndarray]  # a position per marker name


def hex_to_bgr(colour: str) -> np.ndarray:
    value = int(colour.lstrip("#"), 16)
    return np.array([value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF], dtype=np.int16)


def _box(colour: np.ndarray, tolerance: int) -> np.ndarray:
    """The colour box as a table: for each channel (rows) and value (columns), whether it
    lies within `tolerance` of the colour. Looking a small window up in it costs half what
    comparing it with the box's two ends does, and steady-state tracking is just that."""
    values = np.arange(256)
    return np.abs(values[None, :] - colour[:, None].astype(int)) <= tolerance


class MarkerTracker:
    def __init__(self, colours: dict[str, str], tolerance: int, min_pixels: int = 6) -> None:
        self._printed = {name: hex_to_bgr(colour) for name, colour in colours.items()}
        self._tolerance = tolerance
        self._min_pixels = min_pixels
        self._window = 0
        self._last: dict[str, np.ndarray] = {}
        self._moved: dict[str, np.ndarray] = {}  # each marker's last move between two frames
        self._diameter: dict[str, float] = {}  # each marker's width in pixels, once measured
        self._hues: dict[str, Hue] = {}  # each marker's colour direction, once learned
        self._others: dict[str, list[np.ndarray]] = {}  # runners-up, where one was acquired
        self._boxes: dict[str, np.ndarray] = {}  # each marker's colour box (see `_box`)
        self.forget_colours()

    def reset(self) -> None:
        self._last.clear()
        self._moved.clear()
        self._diameter.clear()

    def forget_colours(self) -> None:
        """Back to the printed colours, before learning them afresh: a box learned in the
        last set's light may miss the markers in this one's, and they could not be placed."""
        self._boxes = {name: _box(c, self._tolerance) for name, c in self._printed.items()}
        self._hues.clear()
        self._last.clear()

    def relearn_colours(
        self,
        frame: np.ndarray,
        place: Callable[[Points, dict[str, list[np.ndarray]]], Points],
    ) -> dict[str, np.ndarray]:
        """Learn the colours afresh from the printed ones: the markers are found in those, and
        `place` (given them and their runners-up) says where they really are, to learn from."""
        self.forget_colours()
        found = self.locate(frame)
        return self.learn_colours(frame, place(found, self.others()))

    def learn_colours(
        self, frame: np.ndarray, at: dict[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """Re-centre each marker's colour box on how the marker looks in `frame`: dim evening
        light or a bright window shifts every channel, and the printed colour falls outside.
        A marker is looked at where `at` places it (where the markers make a body), else
        around the purest spot of its hue. Returns the colours learned (BGR); a marker not
        found keeps its box."""
        learned = {}
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name, printed in self._printed.items():
            placed = (at or {}).get(name)
            if placed is None:
                pixels = self._purest_spot_pixels(frame, printed)
            else:
                diameter = self._diameter_of(name, frame.shape[1])
                pixels = self._hue_pixels(frame, printed, placed, diameter)
            if pixels is None:
                continue
            colour = np.median(pixels, axis=0).astype(np.int16)
            # In dim light every colour sits closer to black, and so does everything else:
            # the box shrinks with the light so it does not take in the dark room too.
            light = float(np.linalg.norm(colour)) / float(np.linalg.norm(printed))
            self._boxes[name] = _box(
                colour, round(LEARNED_TOLERANCE * self._tolerance * min(light, 1.0))
            )
            self._hues[name] = Hue.of(pixels, colour)
            learned[name] = colour
        self._last.clear()  # found again next frame with the new boxes
        return learned

    def _purest_spot_pixels(self, frame: np.ndarray, printed: np.ndarray) -> np.ndarray | None:
        """The marker's pixels around the most marker-like spot of the purest pixels of its hue
        in the whole frame (not where the marker was tracked alone: that may have been a scrap
        of a shirt of its colour). A saturated wall of the hue outdoes a printed marker here,
        which is why a marker placed in a body is learned where it was placed instead."""
        found = self._spots(frame, purest(frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE], printed))
        if not found:
            return None
        return self._hue_pixels(frame, printed, *found[0])

    def _hue_pixels(
        self, frame: np.ndarray, printed: np.ndarray, near: np.ndarray, diameter: float
    ) -> np.ndarray | None:
        """The pixels of the printed colour's hue within a marker's radius of `near`: a mat of
        the same hue around the marker must not become the colour learned."""
        patch, (x0, y0) = self._window_around(frame, near, self._window)
        ys, xs = np.mgrid[0 : patch.shape[0], 0 : patch.shape[1]]
        inside = (xs + x0 - near[0]) ** 2 + (ys + y0 - near[1]) ** 2 <= (diameter / 2) ** 2
        mask = same_hue(patch, printed) & inside
        return patch[mask] if int(mask.sum()) >= self._min_pixels else None

    def mask_for(self, name: str) -> Callable[[np.ndarray], np.ndarray]:
        """Which pixels have this marker's colour, as the tracker now sees it."""
        return lambda pixels: self._mask(pixels, name)

    def diameter(self, width: int) -> float:
        """The markers' usual width in pixels, measured or guessed for this frame width."""
        seen = list(self._diameter.values())
        return float(np.median(seen)) if seen else MARKER_WIDTHS[1] * width

    def _diameter_of(self, name: str, width: int) -> float:
        """This marker's width in pixels, measured, or the usual guess for this frame width."""
        return self._diameter.get(name, MARKER_WIDTHS[1] * width)

    def locate(self, frame: np.ndarray) -> dict[str, np.ndarray]:
        """Centre of each marker found, in pixels (x, y); a missing marker is absent."""
        found: dict[str, np.ndarray] = {}
        acquired = []
        self._others.clear()
        self._window = max(MIN_WINDOW, frame.shape[1] // WINDOW_DIVISOR)
        for name in self._boxes:
            last = self._last.get(name)
            centre = self._follow(frame, name, last) if last is not None else None
            if centre is None:
                centre = self._acquire(frame, name)
                acquired.append(name)
            if centre is not None:
                found[name] = centre
        usual = self._usual_width() if acquired else None
        for name in acquired:
            if name in found and usual is not None and not _same_size(self._diameter[name], usual):
                # Five markers of one print lie at about one distance: a spot of another size
                # is a piece of something else (a stripe cut off by a picture frame).
                self._diameter[name] = usual
                centre = self._acquire(frame, name)
                found.pop(name)
                if centre is not None and _same_size(self._diameter[name], usual):
                    found[name] = centre
        for name in self._boxes:
            last = self._last.pop(name, None)
            self._moved.pop(name, None)
            if name in found:
                if last is not None:
                    self._moved[name] = found[name] - last
                self._last[name] = found[name]
        return found

    def others(self) -> dict[str, list[np.ndarray]]:
        """For each marker looked for afresh in the last frame, the next most marker-like
        spots of its colour, best first: one of them may be the marker when the best is not."""
        return dict(self._others)

    def settle(self, kept: dict[str, np.ndarray]) -> None:
        """Follow each marker from where the body check placed it; a marker it refused is
        looked for afresh, not followed on whatever it was wrongly found on."""
        for name in list(self._last):
            if name not in kept:
                del self._last[name]
                self._moved.pop(name, None)
            elif not np.array_equal(kept[name], self._last[name]):
                self._last[name] = kept[name]
                self._moved.pop(name, None)

    def _usual_width(self) -> float | None:
        """The width most markers measure, once three or more have been: the middle of the
        largest group of about one size."""
        widths = sorted(self._diameter.values())
        if len(widths) < 3:
            return None
        groups = [[w for w in widths if _same_size(w, width)] for width in widths]
        largest = max(groups, key=len)  # the first of the largest: the smaller size wins ties
        return float(np.median(largest))

    def _follow(self, frame: np.ndarray, name: str, last: np.ndarray) -> np.ndarray | None:
        centre = self._search_close(frame, name, last + self._moved.get(name, 0.0))
        if centre is not None:
            return centre
        centre = self._search_near(frame, name, last)
        if centre is not None and np.abs(centre - last).max() > self._window / 4:
            # It moved far: part of it may lie outside the window, so look again around it.
            centre = self._search_near(frame, name, centre)
        return centre

    def _search_close(
        self, frame: np.ndarray, name: str, predicted: np.ndarray
    ) -> np.ndarray | None:
        """The marker when it lies wholly, and alone, in the small window around where it was
        expected; None sends the search to the wide window."""
        diameter = self._diameter_of(name, frame.shape[1])
        half = max(MIN_CLOSE, math.ceil(CLOSE_WIDTHS * diameter))
        patch, corner = self._window_around(frame, predicted, half)
        ys, xs = np.nonzero(self._in_box(patch, name))
        if len(xs) >= self._min_pixels and not self._core_in_hue(patch, name, xs, ys):
            # Not the marker at its heart: only its hue's own pixels can say where it is.
            ys, xs = np.nonzero(self._mask(patch, name))
        if not self._min_pixels <= len(xs) <= CLEAN_AREAS * math.pi / 4 * diameter**2:
            return None
        if not _inside(xs, ys, patch.shape):
            return None
        return self._just_the_marker(name, xs, ys, diameter) + corner

    def _core_in_hue(self, patch: np.ndarray, name: str, xs: np.ndarray, ys: np.ndarray) -> bool:
        """Whether the pixel in the middle of these is of the marker's learned hue: then they
        are the marker, give or take a few at its edge, and need no checking one by one."""
        hue = self._hues.get(name)
        if hue is None:
            return True
        middle = patch[round(int(ys.sum()) / len(ys)), round(int(xs.sum()) / len(xs))].tolist()
        return hue.holds_one(middle)

    def _acquire(self, frame: np.ndarray, name: str) -> np.ndarray | None:
        coarse = self._mask(frame[::ACQUIRE_STRIDE, ::ACQUIRE_STRIDE], name)
        found = self._spots(frame, coarse, self._diameter.get(name), CANDIDATES)
        if not found and name in self._diameter:
            # The width learned may be a sliver's: a marker half hidden by the foot at the top
            # of a lift shrinks it, and the whole marker seen again would never match it.
            found = self._spots(frame, coarse, limit=CANDIDATES)
        if not found:
            return None
        (guess, self._diameter[name]), *others = found
        refined = (self._search_near(frame, name, other) for other, _ in others)
        self._others[name] = [centre for centre in refined if centre is not None]
        return self._search_near(frame, name, guess)

    def _spots(
        self,
        frame: np.ndarray,
        coarse: np.ndarray,
        diameter: float | None = None,
        limit: int = 1,
    ) -> list[tuple[np.ndarray, float]]:
        """The most marker-like spots in a half-resolution mask, best first and one to a
        place, in full-resolution pixels, with the marker width each was found at."""
        widths = (diameter,) if diameter else [share * frame.shape[1] for share in MARKER_WIDTHS]
        finder = SpotFinder(coarse)
        scored = [
            (spot, width)
            for width in widths
            for spot in finder.spots(width / ACQUIRE_STRIDE, limit=limit)
        ]
        chosen: list[tuple[Spot, float]] = []
        for spot, width in sorted(scored, key=lambda found: -found[0].score):
            apart = max(width, *(w for _, w in chosen)) / ACQUIRE_STRIDE if chosen else 0.0
            if all(math.hypot(spot.x - s.x, spot.y - s.y) > apart for s, _ in chosen):
                chosen.append((spot, width))
        return [
            (centre * ACQUIRE_STRIDE, across * ACQUIRE_STRIDE)
            for centre, across in (
                measured(coarse, spot, width / ACQUIRE_STRIDE) for spot, width in chosen[:limit]
            )
        ]

    def _search_near(self, frame: np.ndarray, name: str, centre: np.ndarray) -> np.ndarray | None:
        patch, corner = self._window_around(frame, centre, self._window)
        mask = self._mask(patch, name)
        ys, xs = np.nonzero(mask)
        if len(xs) < self._min_pixels:
            return None
        diameter = self._diameter_of(name, frame.shape[1])
        area = math.pi / 4 * diameter**2
        if len(xs) <= CLEAN_AREAS * area:
            if _inside(xs, ys, mask.shape):
                return self._just_the_marker(name, xs, ys, diameter) + corner
            return _core_centre(xs, ys, diameter, rounds=1, start=centre - corner) + corner
        if len(xs) <= MAX_AREAS_IN_WINDOW * area:
            # More pixels of the colour beside it (a shirt's edge, a stripe the window cuts):
            # the marker's own, gathered from where it was expected, not from the middle of all.
            return _core_centre(xs, ys, diameter, rounds=3, start=centre - corner) + corner
        # More of the colour than a marker: only a marker-shaped spot in it will do, the one
        # nearest where the marker was.
        candidates = spots(mask, diameter)
        if not candidates:
            return None
        near = np.array(centre) - corner
        spot = min(candidates, key=lambda s: math.hypot(s.x - near[0], s.y - near[1]))
        return measured(mask, spot, diameter)[0] + corner

    def _just_the_marker(
        self, name: str, xs: np.ndarray, ys: np.ndarray, diameter: float
    ) -> np.ndarray:
        """The centre of a marker seen whole and alone; its size is learned from it, a little
        at a time."""
        seen = 2 * math.sqrt(len(xs) / math.pi)
        self._diameter[name] = min(max(seen, 0.8 * diameter), 1.25 * diameter)
        return _core_centre(xs, ys, diameter, rounds=1)

    @staticmethod
    def _window_around(
        frame: np.ndarray, centre: np.ndarray, half: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The part of the frame a marker at `centre` is looked for in, and its top-left corner
        (empty when the centre lies off the frame)."""
        height, width = frame.shape[:2]
        x0 = max(int(centre[0]) - half, 0)
        y0 = max(int(centre[1]) - half, 0)
        x1 = min(int(centre[0]) + half + 1, width)
        y1 = min(int(centre[1]) + half + 1, height)
        return frame[y0 : max(y1, y0), x0 : max(x1, x0)], np.array([x0, y0])

    def _mask(self, pixels: np.ndarray, name: str) -> np.ndarray:
        """Pixels within the marker's colour box and, once its colour is learned, within its hue
        cone or touching a pixel that is: a marker's blurred rim, half the background's colour,
        stays with it (a small marker is mostly rim), while a muted shirt is left out."""
        mask = self._in_box(pixels, name)
        hue = self._hues.get(name)
        if hue is None:
            return mask
        ys, xs = np.nonzero(mask)
        keep = hue.holds(pixels[ys, xs])
        cone = np.zeros_like(mask)
        cone[ys[keep], xs[keep]] = True
        return mask & _grown(cone)

    def _in_box(self, pixels: np.ndarray, name: str) -> np.ndarray:
        """Pixels within the marker's colour box, channel by channel."""
        box = self._boxes[name]
        mask = box[0].take(pixels[..., 0])
        mask &= box[1].take(pixels[..., 1])
        mask &= box[2].take(pixels[..., 2])
        return mask


def _grown(mask: np.ndarray) -> np.ndarray:
    """The mask and the pixels beside it, up, down, left and right."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def _same_size(width: float, usual: float) -> bool:
    return usual / SIZE_SPREAD <= width <= usual * SIZE_SPREAD


def _inside(xs: np.ndarray, ys: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether the pixels keep off the window's edges: all of what they belong to is in it."""
    height, width = shape[:2]
    return bool(xs.min() > 0 and ys.min() > 0 and xs.max() < width - 1 and ys.max() < height - 1)


def _core_centre(
    xs: np.ndarray,
    ys: np.ndarray,
    diameter: float,
    rounds: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """The middle of the pixels within a marker's radius of their middle (or of `start`, when
    any lie that near it), `rounds` times over: a few pixels of a like-coloured shirt beside
    the marker do not pull it off centre. (Sums over counts rather than means: this runs for
    every marker in every frame.)"""
    reach = (0.6 * diameter + 1) ** 2
    if start is not None and np.any((xs - start[0]) ** 2 + (ys - start[1]) ** 2 <= reach):
        x, y = float(start[0]), float(start[1])
    else:
        x, y = xs.sum() / len(xs), ys.sum() / len(ys)
    for _ in range(rounds):
        near = (xs - x) ** 2 + (ys - y) ** 2 <= reach
        count = np.count_nonzero(near)
        if count == 0:
            break
        x, y = xs.sum(where=near) / count, ys.sum(where=near) / count
    return np.array([x, y])
