"""The detector's raw output → people found: boxes and the two points that place the body.

Each anchor proposes a box and four keypoints (offsets in input pixels from its centre) with a
score; the boxes that overlap are merged, weighted by score, as BlazePose does."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.core.pose.anchors import INPUT_SIDE
from coach.core.pose.crop import Region, aligned_region

MIN_SCORE = 0.5
OVERLAP = 0.3  # boxes overlapping more than this (intersection over union) are one person
SCORE_CLIP = 100.0
ROI_SCALE = 1.25  # the landmark network's region is a quarter larger than the body's circle


@dataclass(frozen=True)
class Detection:
    score: float
    box: np.ndarray  # x0, y0, x1, y1 in the input's unit square
    keypoints: np.ndarray  # (4, 2): hip centre, a point above the head, (unused) two more


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray) -> list[Detection]:
    """(n, 12) regressions and (n,) or (n, 1) logits → detections, best first, merged."""
    logits = np.clip(raw_scores.reshape(-1).astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
    scores = 1 / (1 + np.exp(-logits))
    keep = np.flatnonzero(scores >= MIN_SCORE)
    if not len(keep):
        return []
    raw, centres = raw_boxes[keep] / INPUT_SIDE, anchors[keep]
    mid, half = raw[:, 0:2] + centres, raw[:, 2:4] / 2
    boxes = np.concatenate([mid - half, mid + half], axis=1)
    points = raw[:, 4:12].reshape(-1, 4, 2) + centres[:, None, :]
    return _merge(scores[keep], boxes, points)


def _merge(scores: np.ndarray, boxes: np.ndarray, points: np.ndarray) -> list[Detection]:
    order = list(np.argsort(-scores))
    merged = []
    while order:
        best = order[0]
        overlaps = _iou(boxes[best], boxes[order])
        group = [order[i] for i in np.flatnonzero(overlaps > OVERLAP)]
        weights = scores[group] / scores[group].sum()
        merged.append(
            Detection(
                float(scores[best]),
                (boxes[group] * weights[:, None]).sum(axis=0),
                (points[group] * weights[:, None, None]).sum(axis=0),
            )
        )
        order = [i for i, o in zip(order, overlaps, strict=True) if o <= OVERLAP]
    return merged


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    low = np.maximum(box[:2], boxes[:, :2])
    high = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=1)
    area = np.prod(box[2:] - box[:2])
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    return inter / np.maximum(area + areas - inter, 1e-9)


def body_region(detection: Detection, seen_through: Region) -> Region:
    """Where the landmark network should look for this person, in frame pixels."""
    centre, toward = seen_through.to_frame(detection.keypoints[:2])
    return aligned_region(centre, toward, ROI_SCALE)
