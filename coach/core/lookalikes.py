"""What else in view has a marker's colour: a mat, a shirt, a cushion the coach must not take
for a marker, checked at the start of each set so it can be named before it causes trouble,
and which spare colour would stand out in this room instead."""

from __future__ import annotations

import colorsys
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

STRIDE = 2
# More of a marker's colour than this many markers' worth, away from the marker: worth naming.
LOOKALIKE_AREAS = 3.0
# Spare marker colours (printed by `coach markers --spares`): hues the five defaults leave free.
SPARE_COLOURS = {"orange": "#ff7a00", "cyan": "#00c8e6", "purple": "#7a2cff"}
HUE_WORDS = (
    (15, "red"), (40, "orange"), (70, "yellow"), (165, "green"), (200, "cyan"),
    (255, "blue"), (290, "purple"), (335, "pink"), (360, "red"),
)  # fmt: skip


@dataclass(frozen=True)
class Lookalike:
    marker: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in frame pixels
    pixels: int  # of the marker's colour, away from the marker, in frame pixels


def colour_word(colour: str) -> str:
    """A plain name for a #rrggbb colour, by its hue."""
    value = int(colour.lstrip("#"), 16)
    red, green, blue = (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
    hue = colorsys.rgb_to_hsv(red / 255, green / 255, blue / 255)[0] * 360
    return next(word for limit, word in HUE_WORDS if hue < limit)


def lookalikes(
    frame: np.ndarray,
    masks: dict[str, Callable[[np.ndarray], np.ndarray]],
    markers: dict[str, np.ndarray],
    diameter: float,
) -> list[Lookalike]:
    """Regions of each marker's colour beyond the marker itself (`markers`: where each was
    found), larger than a few markers, biggest first."""
    coarse = frame[::STRIDE, ::STRIDE]
    height, width = coarse.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    marker_area = math.pi / 4 * diameter**2
    found = []
    for name, mask_of in masks.items():
        mask = mask_of(coarse)
        at = markers.get(name)
        if at is not None:  # the marker's own pixels are no look-alike
            reach = (diameter * 1.5 / STRIDE) ** 2
            mask &= (xx - at[0] / STRIDE) ** 2 + (yy - at[1] / STRIDE) ** 2 > reach
        pixels = int(mask.sum()) * STRIDE**2
        if pixels <= LOOKALIKE_AREAS * marker_area:
            continue
        ys, xs = np.nonzero(mask)
        x0, x1 = np.percentile(xs, (2, 98)) * STRIDE
        y0, y1 = np.percentile(ys, (2, 98)) * STRIDE
        found.append(
            Lookalike(name, (int(x0), int(y0), int(x1) + STRIDE, int(y1) + STRIDE), pixels)
        )
    return sorted(found, key=lambda lookalike: -lookalike.pixels)


def freest_spare(frame: np.ndarray, masks: dict[str, Callable[[np.ndarray], np.ndarray]]) -> str:
    """The spare colour least present in the room (`masks` by spare colour's name)."""
    coarse = frame[::STRIDE, ::STRIDE]
    return min(masks, key=lambda name: int(masks[name](coarse).sum()))
