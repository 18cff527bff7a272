"""The landmark network's raw output → 33 body points in frame pixels, each with how sure the
network is that it is in view, and the region to look at in the next frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.core.pose.crop import Region, aligned_region

INPUT_SIDE = 256
POINTS = 33
VALUES = 5  # x, y, z, visibility, presence
ALIGNMENT = (33, 34)  # the body's centre and its scale-and-up point, after the 33
ROI_SCALE = 1.25
MIN_PRESENCE = 0.5  # below this, the network says there is no person in its region
HEAT_REACH = 3  # the heat map's neighbourhood a point is refined over: 7x7 cells
MIN_HEAT = 0.5  # a neighbourhood less sure than this leaves the point as regressed

# The points the coach uses, by BlazePose's numbering.
SHOULDER = {"left": 11, "right": 12}
ELBOW = {"left": 13, "right": 14}
WRIST = {"left": 15, "right": 16}
HIP = {"left": 23, "right": 24}
KNEE = {"left": 25, "right": 26}
ANKLE = {"left": 27, "right": 28}
HEEL = {"left": 29, "right": 30}
FOOT_INDEX = {"left": 31, "right": 32}


@dataclass(frozen=True)
class Landmarks:
    points: np.ndarray  # (33, 2) frame pixels
    visibility: np.ndarray  # (33,) 0..1: in view and not hidden
    presence: float  # 0..1: that a person fills the region at all
    next_region: Region
    # (33,) how far behind the hips' middle each point lies, in frame pixels (the network's
    # guess from the body's shape: rough, but its sign and size between a stacked pair of
    # points show how far the camera looks down on them).
    depth: np.ndarray | None = None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -80, 80)))


def refine(crop_points: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """Each point moved to the middle of its heat map's 7x7 neighbourhood, weighted by the
    map's confidence, where the map is sure enough there; as BlazePose's own graph does. The
    regressed points alone sat 7-12 px from MediaPipe's on the real stills, 3-5 px after."""
    size, count = heatmap.shape[0], len(crop_points)
    cells = np.floor(crop_points * size).astype(np.int64)  # column, row of each point
    inside = np.all((cells >= 0) & (cells < size), axis=1)
    offsets = np.arange(-HEAT_REACH, HEAT_REACH + 1)
    columns = cells[:, 0, None, None] + offsets[None, None, :]
    rows = cells[:, 1, None, None] + offsets[None, :, None]
    within = (columns >= 0) & (columns < size) & (rows >= 0) & (rows < size)
    channel = np.arange(count)[:, None, None]
    raw = heatmap[np.clip(rows, 0, size - 1), np.clip(columns, 0, size - 1), channel]
    heat = _sigmoid(raw.astype(np.float64)) * within
    total = heat.sum(axis=(1, 2))
    sure = inside & (heat.max(axis=(1, 2)) >= MIN_HEAT) & (total > 0)
    out = crop_points.copy()
    safe = np.where(total > 0, total, 1.0)
    refined_x = (heat * columns).sum(axis=(1, 2)) / safe / size
    refined_y = (heat * rows).sum(axis=(1, 2)) / safe / size
    out[sure] = np.stack([refined_x, refined_y], axis=1)[sure]
    return out


def decode(
    raw: np.ndarray, presence_raw: float, region: Region, heatmap: np.ndarray | None = None
) -> Landmarks:
    """(195,) network output for `region` (and its 64x64 heat maps) → landmarks in the frame."""
    values = raw.reshape(-1, VALUES)
    crop_points = values[:, :2] / INPUT_SIDE
    if heatmap is not None:
        crop_points = refine(crop_points, heatmap)
    in_frame = region.to_frame(crop_points)
    centre, toward = in_frame[ALIGNMENT[0]], in_frame[ALIGNMENT[1]]
    return Landmarks(
        points=in_frame[:POINTS],
        visibility=_sigmoid(np.minimum(values[:POINTS, 3], values[:POINTS, 4])),
        presence=float(presence_raw),
        next_region=aligned_region(centre, toward, ROI_SCALE),
        depth=values[:POINTS, 2] / INPUT_SIDE * region.size,
    )
