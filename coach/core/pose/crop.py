"""The rotated square a network looks at, and sampling a frame through it.

A region is a centre, a side and a turn in the frame's pixels. The networks want the body
upright in their input, so the region is turned with the body: a person lying on the floor is
looked at through a region turned a quarter."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Region:
    cx: float
    cy: float
    size: float  # side of the square, in frame pixels
    rotation: float  # radians; + turns the region's "up" toward the frame's right

    def to_frame(self, points: np.ndarray) -> np.ndarray:
        """Points in the region's unit square (0..1, y down) → frame pixels."""
        d = (points[..., :2] - 0.5) * self.size
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        x = self.cx + d[..., 0] * c - d[..., 1] * s
        y = self.cy + d[..., 0] * s + d[..., 1] * c
        return np.stack([x, y], axis=-1)

    def scaled(self, factor: float) -> Region:
        return Region(self.cx, self.cy, self.size * factor, self.rotation)


def aligned_region(centre: np.ndarray, toward: np.ndarray, scale: float) -> Region:
    """The region BlazePose derives from two points: the body's centre and a point that sets
    its size and which way is up (a circle through it), enlarged by `scale`."""
    dx, dy = float(toward[0] - centre[0]), float(toward[1] - centre[1])
    rotation = math.pi / 2 - math.atan2(-dy, dx)
    rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
    return Region(float(centre[0]), float(centre[1]), 2 * math.hypot(dx, dy) * scale, rotation)


def whole_frame(width: int, height: int) -> Region:
    """The unturned square around the whole frame (the frame letterboxed into it)."""
    return Region(width / 2, height / 2, float(max(width, height)), 0.0)


def sample(frame: np.ndarray, region: Region, side: int) -> np.ndarray:
    """A `side`-pixel square of RGB float32 (0..1) from a BGR uint8 frame seen through
    `region`, bilinear as in BlazePose's own cropping; outside the frame is black."""
    height, width = frame.shape[:2]
    grid = (np.arange(side, dtype=np.float32) + 0.5) / side
    u, v = np.meshgrid(grid, grid)
    xy = region.to_frame(np.stack([u, v], axis=-1)).astype(np.float32).reshape(-1, 2) - 0.5
    x0, y0 = np.floor(xy[:, 0]), np.floor(xy[:, 1])
    fx, fy = (xy[:, 0] - x0)[:, None], (xy[:, 1] - y0)[:, None]
    # A black border one pixel wide: every sample beyond the frame is clamped onto it.
    padded = np.zeros((height + 2, width + 2, 3), dtype=frame.dtype)
    padded[1:-1, 1:-1] = frame
    flat = padded.reshape(-1, 3)
    x, y = x0.astype(np.int32) + 1, y0.astype(np.int32) + 1
    left, right = np.clip(x, 0, width + 1), np.clip(x + 1, 0, width + 1)
    upper = np.clip(y, 0, height + 1) * (width + 2)
    lower = np.clip(y + 1, 0, height + 1) * (width + 2)

    def at(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        return np.take(flat, rows + columns, axis=0)

    top = at(upper, left) * (1 - fx) + at(upper, right) * fx
    bottom = at(lower, left) * (1 - fx) + at(lower, right) * fx
    out = top * (1 - fy) + bottom * fy
    return out.reshape(side, side, 3)[..., ::-1] * np.float32(1 / 255)
