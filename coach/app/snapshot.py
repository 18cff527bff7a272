"""`coach doctor --snapshot out.png`: one camera frame as the coach sees it, with the markers it
found ringed and every region that has a marker's colour boxed and named, so a person can see
what to cover or move."""

from __future__ import annotations

import numpy as np

from coach.core.lookalikes import Lookalike, colour_word
from coach.core.tracker import hex_to_bgr
from coach.core.vision import LegReader, Sighting
from coach.drawing import draw_capsule, draw_text
from coach.settings import Settings

FOUND_BGR = (255, 255, 255)


def marked(frame: np.ndarray, settings: Settings) -> tuple[np.ndarray, Sighting]:
    """A copy of the BGR `frame` with what the markers' reader made of it drawn on."""
    sighting = LegReader(settings).sight(frame, 0.0)
    out = frame.copy()
    scale = max(1, frame.shape[1] // 320)
    for lookalike in sighting.lookalikes:
        colour = tuple(int(c) for c in hex_to_bgr(getattr(settings.markers, lookalike.marker)))
        _box(out, lookalike, colour, scale)
    for point in sighting.markers.values():
        draw_capsule(out, point, point, 6 * scale, FOUND_BGR)
        draw_capsule(out, point, point, 4 * scale, (0, 0, 0))
    return out, sighting


def _box(image: np.ndarray, lookalike: Lookalike, colour: tuple[int, ...], scale: int) -> None:
    x0, y0, x1, y1 = lookalike.box
    corners = [np.array(p, float) for p in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        draw_capsule(image, a, b, 1.5 * scale, (0, 0, 0))
        draw_capsule(image, a, b, 0.8 * scale, colour)
    label = f"looks like the {lookalike.marker} marker"
    draw_text(image, label, x0 + 3 * scale, max(0, y0 + 3 * scale), scale, FOUND_BGR)


def summary(sighting: Sighting, settings: Settings) -> str:
    if not sighting.lookalikes:
        return f"found {len(sighting.markers)} of 5 markers; nothing else in view has their colours"
    named = ", ".join(
        f"{colour_word(getattr(settings.markers, lookalike.marker))} (the {lookalike.marker}'s)"
        for lookalike in sighting.lookalikes
    )
    return f"found {len(sighting.markers)} of 5 markers; also in view, in marker colours: {named}"
