"""The detector's fixed grid of anchor centres (SSD anchors as BlazePose's detector was trained
with: a 224-pixel input, strides 8, 16 and three of 32, two anchors a cell, unit size)."""

from __future__ import annotations

import numpy as np

INPUT_SIDE = 224
STRIDES = (8, 16, 32, 32, 32)
ANCHORS_PER_LAYER = 2  # one at the layer's scale, one at the scale between it and the next


def anchor_centres(side: int = INPUT_SIDE, strides: tuple[int, ...] = STRIDES) -> np.ndarray:
    """(n, 2) anchor centres in the input's unit square, in the detector's output order:
    layers sharing a stride are laid out together, cell by cell, anchors of a cell adjacent."""
    centres = []
    layer = 0
    while layer < len(strides):
        stride, per_cell = strides[layer], 0
        while layer < len(strides) and strides[layer] == stride:
            per_cell += ANCHORS_PER_LAYER
            layer += 1
        cells = -(-side // stride)
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grid = (np.stack([xs, ys], axis=-1).reshape(-1, 2) + 0.5) / cells
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)
