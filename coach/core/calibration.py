"""The camera's tilt, measured from a still moment with the toes pointing straight ahead.

A camera that looks down sees a level foot as turned toward the floor, by about its tilt; the
foot pointing straight ahead is the one pose whose rotation is known (zero), so the tilt that
makes it read zero is the camera's. The turn cannot be told apart from where the toe marker
sits along the foot, so it stays configured.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.core.geometry import measure
from coach.core.view import CameraView

TILT_RANGE_DEG = (-10.0, 45.0)  # what the setup guide allows, with some slack below level
MIN_SAMPLES = 5  # a third of a second at 15 frames per second
_STEPS = 40  # bisection steps: far finer than the markers can tell


def estimate_tilt(
    samples: list[dict[str, np.ndarray]],
    size: tuple[int, int],
    view: CameraView,
    foot_to_leg_ratio: float,
) -> float | None:
    """The tilt (degrees) under which the median pose of `samples` has its toes straight ahead;
    None when too few frames showed the leg and the toe, or no tilt in range fits."""
    needed = ("shoulder", "hip", "ankle", "toe")
    whole = [s for s in samples if all(name in s for name in needed)]
    if len(whole) < MIN_SAMPLES:
        return None
    still = {name: np.median([s[name] for s in whole], axis=0) for name in needed}

    def rotation_under(tilt: float) -> float:
        angles = measure(still, size, replace(view, tilt_deg=tilt), foot_to_leg_ratio)
        assert angles is not None and angles.rotation is not None
        return angles.rotation

    low, high = TILT_RANGE_DEG
    # Assuming more tilt than there is reads the toes as turned up: the reading rises with it.
    if not rotation_under(low) <= 0.0 <= rotation_under(high):
        return None
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if rotation_under(middle) > 0.0:
            high = middle
        else:
            low = middle
    return round((low + high) / 2, 1)
