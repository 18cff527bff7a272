"""The camera's turn from the thigh's length as the leg rises.

A thigh keeps its length. Taken back to the body plane under the wrong turn it seems not to: a
camera turned and looking down sees the body's long axis sheared, so a thigh raised out of that
axis comes back longer or shorter than it lay, by about 0.3 % a degree. The turn under which
each held lift's thigh is as long as the same side's resting one is the camera's. It asks
nothing of the feet, unlike the toe-based turn (`calibration`), which needs the toes straight
ahead at the top of the lift: toes 5° off there moved that turn by 12° to 16°, and the knees
and ankles placed in 3-D from it (`depth`) then read clean reps as swung forward and up to 25°
too high.

A leg swung forward shortens the thigh by more than any turn does, and in only one direction,
so each lift counts as one vote (a Huber loss), and lifts from both sides balance the turns to
which one side's lifts are least sensitive. From a camera nearly level with the body there is
no shear to see, and no turn is given; the toes give it then.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from coach.core.view import CameraView

Pose = dict[str, np.ndarray]

COARSE_STEP_DEG = 0.5
FINE_STEP_DEG = 0.05
# Thighs that disagree by less than this share of their length weigh by the square of it; a
# thigh swung forward, which disagrees more, only by its size.
VOTE_SHARE = 0.01
# Below this change of length a degree (the thighs' mean), a turn hides in the markers' noise
# of about 0.1 %: lifts too low to show it.
MIN_SHARE_PER_DEG = 0.001
# From a camera looking down less than this there is too little shear to tell a turn to the
# left from one to the right: the thighs agreed at -15° and at +17° alike.
MIN_TILT_DEG = 10.0
# Another turn at least this far from the best, where the thighs disagree by no more than this
# share each, is as good an answer: the thighs then give none.
# From a level camera a turn changes a thigh's length only by its cosine; a turn that changes
# it by less than the markers' centres can be misplaced by is noise, and the one given stands.
# Their centres are found to about this much, in pixels, however large the frame: a share of
# 0.4 % of a 115-px thigh at 640x480 (a 4.7° turn was read from eight frames of a square-on
# camera), but 1 % of a 35-px thigh at 192x144, which read a square-on camera as turned 7.8°.
LEVEL_NOISE_PX = 0.45
OTHER_ANSWER_DEG = 3.0
OTHER_ANSWER_SHARE = 0.002


def turn_from_thighs(
    pairs: list[tuple[Pose, Pose]],
    view: CameraView,
    size: tuple[int, int],
    bounds: tuple[float, float],
    toward: float | None = None,
) -> float | None:
    """The turn (degrees) under which each (rest, lift) pair's thighs, hip to knee, are equally
    long, with `view`'s tilt. None without pairs; from a camera too level; when the thighs hardly
    change with the turn, or agree as well on another; or when the best lies at an end of
    `bounds` (the lifts then agree on no turn in it).

    `toward`: a rough turn from elsewhere (the toes) that chooses between answers as good as
    each other. From a level camera the thighs then tell how far it is turned, and the toes only
    which way: toes 5° off ahead moved a turn taken from them alone by 12°."""
    level = view.tilt_deg < MIN_TILT_DEG
    if not pairs or (level and toward is None):
        return None

    def shares(turn: float) -> np.ndarray:
        turned = replace(view, turn_deg=float(turn))
        return np.array(
            [
                math.log(_thigh(lift, turned, size) / _thigh(rest, turned, size))
                for rest, lift in pairs
            ]
        )

    def disagreement(turn: float) -> float:
        size_of = np.abs(shares(turn))
        small = size_of < VOTE_SHARE
        return float(np.where(small, size_of**2 / 2, VOTE_SHARE * (size_of - VOTE_SHARE / 2)).sum())

    low, high = bounds
    coarse = np.arange(low, high + COARSE_STEP_DEG / 2, COARSE_STEP_DEG)
    costs = np.array([disagreement(turn) for turn in coarse])
    best = float(coarse[int(np.argmin(costs))])
    if best in (low, high):
        return None
    inner = slice(1, -1)
    rivals = (
        (costs[inner] <= costs[:-2])
        & (costs[inner] <= costs[2:])
        & (np.abs(coarse[inner] - best) > OTHER_ANSWER_DEG)
        & (costs[inner] <= len(pairs) * OTHER_ANSWER_SHARE**2 / 2)
    )  # other turns where the thighs agree as well: local minima, far off, about as good
    if rivals.any():
        if toward is None:
            return None
        best = float(min([best, *coarse[inner][rivals]], key=lambda turn: abs(turn - toward)))
    fine = np.arange(best - COARSE_STEP_DEG, best + COARSE_STEP_DEG, FINE_STEP_DEG)
    best = float(min(fine, key=disagreement))
    if level:  # square on, a thigh's length changes with the turn's square: no slope to ask
        # and, near the turn given, too little change to tell it from the markers' noise
        floor = _level_floor_deg(min(_thigh(rest, view, size) for rest, _ in pairs), view, size)
        return round(best if abs(best - view.turn_deg) >= floor else view.turn_deg, 1)
    slope = np.abs(shares(best + 1.0) - shares(best - 1.0)).mean() / 2
    return round(best, 1) if slope >= MIN_SHARE_PER_DEG else None


def _thigh(pose: Pose, view: CameraView, size: tuple[int, int]) -> float:
    hip, knee = (view.on_body_plane(pose[name], size) for name in ("hip", "knee"))
    return max(float(np.linalg.norm(knee - hip)), 1e-9)


def _level_floor_deg(thigh: float, view: CameraView, size: tuple[int, int]) -> float:
    """The turn that shortens a `thigh` (on the body plane) by as much as the markers' noise."""
    share = LEVEL_NOISE_PX / max(thigh * view.focal_px(size[0]), 1e-9)
    return math.degrees(math.acos(max(1.0 - share, -1.0)))
