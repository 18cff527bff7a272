"""The camera's turn from the thigh's length as the leg rises, for a recording nobody measured.

A thigh keeps its length. Taken back to the body plane under the wrong turn it seems not to: a
camera turned and looking down sees the body's long axis sheared, so a thigh raised out of that
axis comes back longer or shorter than it lay, by about 0.3 % a degree. The turn under which
each held lift's thigh is as long as the same side's resting one is the camera's. It asks
nothing of the feet: the toe-based turn (`calibration`) needs the toes straight ahead at the top
of a lift, which the live setup asks for and a recording cannot promise; on the benchmark's
recordings a foot turned down 8° in the first rep moved that turn by 15°, and the knees and
ankles placed in 3-D from it (`depth`) read clean reps as swung forward and 25° too high.

A leg swung forward shortens the thigh by more than any turn does, and in only one direction,
so each lift counts as one vote (a Huber loss), and lifts from both sides balance the turns to
which one side's lifts are least sensitive.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from coach.core.calibration import TURN_RANGE_DEG, Pose
from coach.core.view import CameraView

COARSE_STEP_DEG = 0.5
FINE_STEP_DEG = 0.05
# Thighs that disagree by less than this share of their length weigh by the square of it; a
# thigh swung forward, which disagrees more, only by its size.
VOTE_SHARE = 0.01


def turn_from_thighs(
    pairs: list[tuple[Pose, Pose]], view: CameraView, size: tuple[int, int]
) -> float | None:
    """The turn (degrees) under which each (rest, lift) pair's thighs are equally long, with
    `view`'s tilt; None without pairs, or when the best lies at the edge of the range a setup
    allows (the lifts then agree on no turn)."""
    if not pairs:
        return None

    def disagreement(turn: float) -> float:
        turned = replace(view, turn_deg=float(turn))
        shares = np.array(
            [
                math.log(_thigh(lift, turned, size) / _thigh(rest, turned, size))
                for rest, lift in pairs
            ]
        )
        small = np.abs(shares) < VOTE_SHARE
        huber = np.where(small, shares**2 / 2, VOTE_SHARE * (np.abs(shares) - VOTE_SHARE / 2))
        return float(huber.sum())

    low, high = TURN_RANGE_DEG
    coarse = np.arange(low, high + COARSE_STEP_DEG / 2, COARSE_STEP_DEG)
    best = float(min(coarse, key=disagreement))
    if best in (low, high):
        return None
    fine = np.arange(best - COARSE_STEP_DEG, best + COARSE_STEP_DEG, FINE_STEP_DEG)
    return round(float(min(fine, key=disagreement)), 1)


def _thigh(pose: Pose, view: CameraView, size: tuple[int, int]) -> float:
    hip, knee = (view.on_body_plane(pose[name], size) for name in ("hip", "knee"))
    return max(float(np.linalg.norm(knee - hip)), 1e-9)
