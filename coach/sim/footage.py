"""Real photographs of a man lying on his side, and where the pose model is fetched to, for
the tests and the benchmark.

The stills (`../shared/footage/free-exercise-db`, public domain) are never copied into the
project, and the coach never reads them; the model comes from scripts/fetch-pose-model. With
either missing, what uses them skips and says why."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from coach.core.tracker import hex_to_bgr

ROOT = Path(__file__).resolve().parents[2]
STILLS = ROOT.parent / "shared" / "footage" / "free-exercise-db"
POSE_MODELS = ROOT / ".models" / "blazepose"


# The top shoulder, hip and ankle of the two raised-leg stills as read again for this project,
# off a 2x enlargement with a 25-px grid. labels.json's hip in the groin stretch sits on the
# shorts' edge above the thigh; the joint is lower, where the thigh meets the trunk.
READ_BY_EYE = {
    "Side_Jackknife_1.jpg": {"shoulder": (540, 288), "hip": (390, 312), "ankle": (215, 88)},
    "Side_Lying_Groin_Stretch_1.jpg": {
        "shoulder": (560, 310),
        "hip": (415, 355),
        "ankle": (375, 85),
    },
}


# Where markers would be worn in the two gym stills (the room with the red wall, the blue mat and
# the yellow knobs on the racks), read off a 2x enlargement: at rest, and with the leg raised.
MARKERS_BY_EYE = {
    "Side_Jackknife_0.jpg": {
        "shoulder": (590, 300),
        "hip": (335, 305),
        "knee": (235, 300),
        "ankle": (150, 300),
        "toe": (112, 290),
    },
    "Side_Jackknife_1.jpg": {
        "shoulder": (540, 288),
        "hip": (390, 312),
        "knee": (318, 208),
        "ankle": (232, 95),
        "toe": (200, 60),
    },
}
# A 5 cm marker on that man: his shin is about 85 px long.
MARKER_PX = 11.0
PRINT_SHADE = 0.85  # a printed colour as a camera sees it, a little darker than its file


def with_markers(
    frame: np.ndarray, at: dict[str, tuple[int, int]], colours: dict[str, str]
) -> np.ndarray:
    """The photograph with round markers of these colours worn at these points, edges blended
    into what lies under them as a lens blends them."""
    out = frame.astype(np.float32)
    ys, xs = np.mgrid[0 : frame.shape[0], 0 : frame.shape[1]]
    for name, (x, y) in at.items():
        cover = np.clip(MARKER_PX / 2 + 0.5 - np.hypot(xs - x, ys - y), 0.0, 1.0)[..., None]
        printed = PRINT_SHADE * hex_to_bgr(colours[name]).astype(np.float32)
        out = out * (1 - cover) + cover * printed
    return out.round().astype(np.uint8)


def labels() -> dict[str, dict]:
    return json.loads((STILLS / "labels.json").read_text(encoding="utf-8"))["images"]


def still(name: str) -> np.ndarray:
    """The photograph as a BGR frame, as the camera adapters deliver frames."""
    from PIL import Image

    with Image.open(STILLS / name) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])
