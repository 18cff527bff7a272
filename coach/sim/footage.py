"""Real photographs of a man lying on his side, and where the pose model is fetched to, for
the tests and the benchmark.

The stills (`../shared/footage/free-exercise-db`, public domain) are never copied into the
project, and the coach never reads them; the model comes from scripts/fetch-pose-model. With
either missing, what uses them skips and says why."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

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


def labels() -> dict[str, dict]:
    return json.loads((STILLS / "labels.json").read_text(encoding="utf-8"))["images"]


def still(name: str) -> np.ndarray:
    """The photograph as a BGR frame, as the camera adapters deliver frames."""
    from PIL import Image

    with Image.open(STILLS / name) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])
