"""Which pixels of a marker's colour are a marker: a compact spot about the size a printed
marker has in the picture, with little of the same colour around it.

A green mat, a navy shirt or a red wall has the colour but not the shape: around any spot of it
there is more of the same colour. Each candidate is judged on a box the marker's size (mostly
filled) inside a box three times as wide (mostly empty around it), both counted at once for
every pixel from one summed-area table: numpy only, no labelling of regions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_FILL = 0.4  # a disc fills pi/4 of its box; blur, a tilted marker and a small one take some
MAX_SURROUND = 0.12  # share of the ring around it that may have the colour too
SURROUND = 3  # the ring's outer box, in marker widths


@dataclass(frozen=True)
class Spot:
    x: float
    y: float
    fill: float  # of the marker-sized box
    surround: float  # of the ring around it

    @property
    def score(self) -> float:
        return self.fill - 2 * self.surround


def _box_sums(table: np.ndarray, half: int) -> np.ndarray:
    """For every pixel, how many mask pixels lie in the box of side 2*half+1 around it (cut
    off at the edges of the picture). `table` is the summed-area table, a zero row and column
    first."""
    padded = np.pad(table, ((half, half + 1), (half, half + 1)), mode="edge")
    height, width = table.shape[0] - 1, table.shape[1] - 1
    side = 2 * half + 1
    return (
        padded[side : side + height, side : side + width]
        - padded[:height, side : side + width]
        - padded[side : side + height, :width]
        + padded[:height, :width]
    )


class SpotFinder:
    """Marker-shaped spots in a boolean mask, for markers of any width: the summed-area table is
    counted once for all the widths a marker is looked for at."""

    def __init__(self, mask: np.ndarray) -> None:
        self._shape = mask.shape
        height, width = mask.shape
        self._table = np.zeros((height + 1, width + 1), dtype=np.int32)
        if height and width:
            np.cumsum(np.cumsum(mask, axis=0, dtype=np.int32), axis=1, out=self._table[1:, 1:])

    def spots(self, diameter: float, limit: int = 4) -> list[Spot]:
        """The best spots, at most `limit`, for markers about `diameter` pixels across in this
        mask. Only pixels whose marker-sized box is filled enough are judged further: in a
        frame of the room, a few hundred of its 77,000 half-resolution pixels."""
        height, width = self._shape
        if height == 0 or width == 0:
            return []
        half = max(1, round((diameter - 1) / 2))  # a box about as wide as the marker
        side = 2 * half + 1
        inner = _box_sums(self._table, half)
        ys, xs = np.nonzero(inner >= math.floor(MIN_FILL * side**2))
        inside = inner[ys, xs]
        fill = inside / side**2
        outer = self._box_sums_at(ys, xs, SURROUND * half + 1)
        surround = (outer - inside) / ((2 * SURROUND * half + 3) ** 2 - side**2)
        score = np.where((fill >= MIN_FILL) & (surround <= MAX_SURROUND), fill - 2 * surround, -1.0)
        found: list[Spot] = []
        while len(found) < limit and len(score):
            best = int(np.argmax(score))  # the first of equals, in reading order
            if score[best] < 0:
                break
            y, x = int(ys[best]), int(xs[best])
            found.append(Spot(float(x), float(y), float(fill[best]), float(surround[best])))
            score[(np.abs(ys - y) <= side) & (np.abs(xs - x) <= side)] = -1.0
        return found

    def _box_sums_at(self, ys: np.ndarray, xs: np.ndarray, half: int) -> np.ndarray:
        """`_box_sums` at the given pixels only."""
        height, width = self._shape
        top, bottom = np.clip(ys - half, 0, height), np.clip(ys + half + 1, 0, height)
        left, right = np.clip(xs - half, 0, width), np.clip(xs + half + 1, 0, width)
        table = self._table
        return table[bottom, right] - table[top, right] - table[bottom, left] + table[top, left]


def spots(mask: np.ndarray, diameter: float, limit: int = 4) -> list[Spot]:
    """Marker-shaped spots in a boolean mask, best first, at most `limit`, for markers about
    `diameter` pixels across in this mask."""
    return SpotFinder(mask).spots(diameter, limit)


def measured(mask: np.ndarray, spot: Spot, diameter: float) -> tuple[np.ndarray, float]:
    """The middle of the mask pixels within a marker's reach of `spot` (sub-pixel), and the
    width of a disc of as many pixels."""
    reach = max(2, round(diameter))
    y0, x0 = max(0, int(spot.y) - reach), max(0, int(spot.x) - reach)
    patch = mask[y0 : int(spot.y) + reach + 1, x0 : int(spot.x) + reach + 1]
    ys, xs = np.nonzero(patch)
    return np.array([xs.mean() + x0, ys.mean() + y0]), 2 * float(np.sqrt(len(xs) / np.pi))
