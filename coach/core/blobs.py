"""Which pixels of a marker's colour are a marker: a compact spot about the size a printed
marker has in the picture, with little of the same colour around it.

A green mat, a navy shirt or a red wall has the colour but not the shape: around any spot of it
there is more of the same colour. Each candidate is judged on a box the marker's size (mostly
filled) inside a box three times as wide (mostly empty around it), both counted at once for
every pixel from one summed-area table: numpy only, no labelling of regions.
"""

from __future__ import annotations

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


def spots(mask: np.ndarray, diameter: float, limit: int = 4) -> list[Spot]:
    """Marker-shaped spots in a boolean mask, best first, at most `limit`, for markers about
    `diameter` pixels across in this mask."""
    height, width = mask.shape
    if height == 0 or width == 0:
        return []
    half = max(1, round((diameter - 1) / 2))  # a box about as wide as the marker
    side = 2 * half + 1
    table = np.zeros((height + 1, width + 1), dtype=np.int32)
    np.cumsum(np.cumsum(mask, axis=0, dtype=np.int32), axis=1, out=table[1:, 1:])
    inner = _box_sums(table, half)
    outer = _box_sums(table, SURROUND * half + 1)
    fill = inner / side**2
    surround = (outer - inner) / ((2 * SURROUND * half + 3) ** 2 - side**2)
    score = np.where((fill >= MIN_FILL) & (surround <= MAX_SURROUND), fill - 2 * surround, -1.0)
    found: list[Spot] = []
    while len(found) < limit:
        best = int(np.argmax(score))
        y, x = divmod(best, width)
        if score[y, x] < 0:
            break
        found.append(Spot(float(x), float(y), float(fill[y, x]), float(surround[y, x])))
        score[max(0, y - side) : y + side + 1, max(0, x - side) : x + side + 1] = -1.0
    return found


def measured(mask: np.ndarray, spot: Spot, diameter: float) -> tuple[np.ndarray, float]:
    """The middle of the mask pixels within a marker's reach of `spot` (sub-pixel), and the
    width of a disc of as many pixels."""
    reach = max(2, round(diameter))
    y0, x0 = max(0, int(spot.y) - reach), max(0, int(spot.x) - reach)
    patch = mask[y0 : int(spot.y) + reach + 1, x0 : int(spot.x) + reach + 1]
    ys, xs = np.nonzero(patch)
    return np.array([xs.mean() + x0, ys.mean() + y0]), 2 * float(np.sqrt(len(xs) / np.pi))
