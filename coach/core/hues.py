"""A marker's colour as a direction in colour space: learning today's colour from the pixels
of the purest spot of the printed hue, and telling whether a pixel points its way however
bright the room is (the cosine of the angle between the two as vectors)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from coach.marking import SAME_HUE_COSINE

MIN_BRIGHTNESS = 40.0  # darker pixels have too little colour to tell
# A pixel must point the learned colour's way: a muted shirt of the marker's hue lies 8 to 15
# degrees off it, however it is lit. The cone is as wide as the marker's own pixels need (noise,
# the light across the room), within these bounds.
HUE_CONE_DEG = (3.0, 6.0)
# A printed marker is the purest thing of its hue in view: when learning, only pixels nearly as
# saturated as the purest ones count, so a muted shirt the marker lies on is not learned instead.
PURITY_MARGIN = 0.08
PUREST_FEW = 5  # the purest this many pixels set the bar: one noisy pixel does not


@dataclass(frozen=True)
class Hue:
    """A marker's learned colour as a direction, and how far from it its own pixels may point."""

    direction: np.ndarray  # unit vector, BGR
    min_cosine: float

    @cached_property
    def _plain(self) -> tuple[tuple[float, ...], float]:
        """The direction as plain floats and the squared cosine, for `holds_one`."""
        return tuple(self.direction.tolist()), self.min_cosine**2

    @classmethod
    def of(cls, pixels: np.ndarray, colour: np.ndarray) -> Hue:
        direction = colour.astype(np.float32) / max(float(np.linalg.norm(colour)), 1e-6)
        spread = np.degrees(np.arccos(np.clip(_cosines(pixels, direction), -1.0, 1.0)))
        # Twice what nine in ten of its pixels need, for the light changing across the room.
        cone = float(np.clip(2 * np.percentile(spread, 90) + 1.0, *HUE_CONE_DEG))
        return cls(direction, math.cos(math.radians(cone)))

    def holds_one(self, pixel: list[int]) -> bool:
        """The same for one pixel, in plain floats: cheaper than an array of one."""
        direction, squared_cosine = self._plain
        along = sum(c * d for c, d in zip(pixel, direction, strict=True))
        return along > 0 and along * along >= squared_cosine * sum(c * c for c in pixel)

    def holds(self, pixels: np.ndarray) -> np.ndarray:
        """For a list of pixels (n, 3): which point within the cone. Squared, without roots."""
        colours = pixels.astype(np.float32)
        along = colours @ self.direction
        squared = np.einsum("ij,ij->i", colours, colours)
        return (along > 0) & (along * along >= self.min_cosine**2 * squared)


def _cosines(pixels: np.ndarray, direction: np.ndarray) -> np.ndarray:
    colours = pixels.astype(np.float32)
    return (colours @ direction) / np.maximum(np.linalg.norm(colours, axis=-1), 1e-6)


def purest(pixels: np.ndarray, printed: np.ndarray) -> np.ndarray:
    """Pixels of the printed colour's hue that are nearly as saturated as the most saturated
    few of them."""
    mask = same_hue(pixels, printed)
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return mask
    chosen = pixels[ys, xs].astype(np.float32)
    saturation = 1.0 - chosen.min(axis=-1) / np.maximum(chosen.max(axis=-1), 1.0)
    purest = np.sort(saturation)[-min(len(saturation), PUREST_FEW)]
    dull = saturation < purest - PURITY_MARGIN
    mask[ys[dull], xs[dull]] = False
    return mask


def same_hue(pixels: np.ndarray, printed: np.ndarray) -> np.ndarray:
    direction = printed.astype(np.float32) / float(np.linalg.norm(printed))
    bright = np.linalg.norm(pixels.astype(np.float32), axis=-1) >= MIN_BRIGHTNESS
    return (_cosines(pixels, direction) >= SAME_HUE_COSINE) & bright
