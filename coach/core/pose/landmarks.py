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

# The points the coach uses, by BlazePose's numbering.
SHOULDER = {"left": 11, "right": 12}
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


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -80, 80)))


def decode(raw: np.ndarray, presence_raw: float, region: Region) -> Landmarks:
    """(195,) network output for `region` → landmarks in the frame."""
    values = raw.reshape(-1, VALUES)
    in_frame = region.to_frame(values[:, :2] / INPUT_SIDE)
    centre, toward = in_frame[ALIGNMENT[0]], in_frame[ALIGNMENT[1]]
    return Landmarks(
        points=in_frame[:POINTS],
        visibility=_sigmoid(np.minimum(values[:POINTS, 3], values[:POINTS, 4])),
        presence=float(presence_raw),
        next_region=aligned_region(centre, toward, ROI_SCALE),
    )
