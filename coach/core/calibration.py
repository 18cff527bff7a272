"""The camera's tilt and turn, measured from two still moments with the toes pointing ahead.

A camera that looks down sees a level foot as turned toward the floor, by about its tilt; the
foot pointing straight ahead is the one pose whose rotation is known (zero), so the tilt that
makes it read zero is the camera's. The turn comes from the thigh, which keeps its length only
under the right one (`thigh_turn`), once the leg is raised a little: toes held 5° off at the
top moved a turn taken from them by 12° to 16°. From a level camera the thighs tell how far it
is turned and the toes which way. Without the knee marker the toes give the turn: a turned
camera hardly changes how a resting foot looks, but it does once the leg is raised, and a
person holds their foot the same way in both moments far better than they can point it exactly
ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from coach.core.geometry import measure, toe_rotation
from coach.core.thigh_turn import Pose, turn_from_thighs
from coach.core.view import CameraView

TILT_RANGE_DEG = (-10.0, 45.0)  # what the setup guide allows, with some slack below level
TURN_RANGE_DEG = (-30.0, 30.0)
MIN_LIFT_DEG = 12.0  # a leg lower than this shows too little of the turn to measure it
MIN_SAMPLES = 5  # a third of a second at 15 frames per second
_NEEDED = ("shoulder", "hip", "ankle", "toe")
THIGH = ("hip", "knee")  # what the turn is measured from (`thigh_turn`)
_BISECTION_STEPS = 40  # far finer than the markers can tell
_NEWTON_STEPS = 20
_ALTERNATIONS = 20  # at most: the turn, then the tilt, again until neither moves
_NUDGE_DEG = 0.1  # for the slopes
_MAX_STEP_DEG = 10.0
_SETTLED_DEG = 0.2  # both readings this close to zero


def still_pose(samples: list[Pose], names: tuple[str, ...] = _NEEDED) -> Pose | None:
    """The median position of each of `names` (default: the leg and the toe) over the frames
    that showed them all, if enough did."""
    whole = [s for s in samples if all(name in s for name in names)]
    if len(whole) < MIN_SAMPLES:
        return None
    return {name: np.median([s[name] for s in whole], axis=0) for name in names}


def calibrate_view(
    resting: list[Pose],
    lifted: list[Pose],
    size: tuple[int, int],
    view: CameraView,
    foot_to_leg_ratio: float,
    thighs: list[tuple[Pose, Pose]] | None = None,
) -> CameraView | None:
    """The camera's view: the tilt under which the resting toes point straight ahead; the turn
    under which the (rest, lift) `thighs` keep their length (default: the two moments' own), or
    else the lifted toes point ahead too. The turn is kept as configured if the leg was not
    raised enough, or not seen. None when the resting moment gives no tilt in range."""
    rest, raised = still_pose(resting), still_pose(lifted)
    if rest is None:
        return None

    if raised is not None:
        lifted_by = measure(raised, size, view, foot_to_leg_ratio)
        if lifted_by is None or lifted_by.abduction < MIN_LIFT_DEG:
            raised = None
    tilt = _toes_ahead_at(rest, view, "tilt_deg", TILT_RANGE_DEG, size, foot_to_leg_ratio)
    if tilt is None:
        return None
    view = replace(view, tilt_deg=tilt)
    if raised is not None:
        if thighs is None:
            at_rest, up = still_pose(resting, THIGH), still_pose(lifted, THIGH)
            thighs = [] if at_rest is None or up is None else [(at_rest, up)]
        toes = _both_ahead(rest, raised, view, size, foot_to_leg_ratio)
        view = (
            _thighs_and_toes(rest, thighs, view, size, foot_to_leg_ratio)
            or (toes and _thighs_and_toes(rest, thighs, view, size, foot_to_leg_ratio, toes))
            or toes
            or view
        )
    return replace(view, tilt_deg=round(view.tilt_deg, 1), turn_deg=round(view.turn_deg, 1))


def _toes_ahead_at(
    pose: Pose,
    view: CameraView,
    setting: str,
    bounds: tuple[float, float],
    size: tuple[int, int],
    foot_to_leg_ratio: float,
) -> float | None:
    """The value of the view's `setting` under which `pose` reads a rotation of zero."""

    def rotation(value: float) -> float:
        return _rotation(pose, replace(view, **{setting: value}), size, foot_to_leg_ratio)

    return _zero_of(rotation, bounds)


def _rotation(pose: Pose, view: CameraView, size: tuple[int, int], ratio: float) -> float:
    rotation = toe_rotation(pose, size, view, ratio)
    assert rotation is not None
    return rotation


def _thighs_and_toes(
    rest: Pose,
    thighs: list[tuple[Pose, Pose]],
    view: CameraView,
    size: tuple[int, int],
    ratio: float,
    toes: CameraView | None = None,
) -> CameraView | None:
    """The turn from the thighs and the tilt from the resting toes, each found with the other
    held, in turn until they settle: at 30° down and 15° turned, the tilt read at no turn was
    4° high, and the thighs' turn read at that tilt 2° short. None if the thighs give no turn.
    With the view the `toes` give, the thighs choose among their answers the nearest its turn
    (see `turn_from_thighs`)."""
    toward = None if toes is None else toes.turn_deg
    for _ in range(_ALTERNATIONS):
        turn = turn_from_thighs(thighs, view, size, TURN_RANGE_DEG, toward)
        if turn is None:
            return None
        turned = replace(view, turn_deg=turn)
        tilt = _toes_ahead_at(rest, turned, "tilt_deg", TILT_RANGE_DEG, size, ratio)
        if tilt is None:
            return None
        settled = (
            abs(turn - view.turn_deg) < _SETTLED_DEG and abs(tilt - view.tilt_deg) < _SETTLED_DEG
        )
        view = replace(turned, tilt_deg=tilt)
        if settled:
            break
    return view


def _both_ahead(
    rest: Pose, raised: Pose, view: CameraView, size: tuple[int, int], ratio: float
) -> CameraView | None:
    """Tilt and turn together, by Newton's method from `view`: each moves both readings, so
    solving one after the other can wander. None if it does not settle within range."""

    def readings(v: CameraView) -> np.ndarray:
        return np.array([_rotation(rest, v, size, ratio), _rotation(raised, v, size, ratio)])

    def slope(setting: str, now: np.ndarray) -> np.ndarray:
        nudged = replace(view, **{setting: getattr(view, setting) + _NUDGE_DEG})
        return (readings(nudged) - now) / _NUDGE_DEG

    for _ in range(_NEWTON_STEPS):
        now = readings(view)
        if np.abs(now).max() < _SETTLED_DEG:
            return view
        slopes = np.column_stack([slope("tilt_deg", now), slope("turn_deg", now)])
        try:
            step = np.linalg.solve(slopes, -now)
        except np.linalg.LinAlgError:
            return None
        step = np.clip(step, -_MAX_STEP_DEG, _MAX_STEP_DEG)
        view = replace(
            view,
            tilt_deg=float(np.clip(view.tilt_deg + step[0], *TILT_RANGE_DEG)),
            turn_deg=float(np.clip(view.turn_deg + step[1], *TURN_RANGE_DEG)),
        )
    return view if np.abs(readings(view)).max() < _SETTLED_DEG else None


def _zero_of(f: Callable[[float], float], bounds: tuple[float, float]) -> float | None:
    """Where the monotonic `f` crosses zero within `bounds`, by bisection; None if it does not."""
    low, high = bounds
    f_low, f_high = f(low), f(high)
    if f_low * f_high > 0:
        return None
    rising = f_high > f_low
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if (f(middle) > 0) == rising:
            high = middle
        else:
            low = middle
    return (low + high) / 2


class StillMoments:
    """What the camera showed during the setup's still moments, each kept from the time it
    was asked for and acted on: first at rest, then with the leg raised."""

    def __init__(self) -> None:
        self._moments: list[list[Pose]] = []
        self._from = 0.0
        self.size: tuple[int, int] | None = None

    def begin(self, from_t: float) -> None:
        """A new moment, whose frames count from `from_t` on."""
        self._moments.append([])
        self._from = from_t

    def add(self, t: float, markers: Pose, size: tuple[int, int]) -> None:
        if self._moments and t >= self._from:
            self._moments[-1].append(markers)
            self.size = size

    def hip_elevation_deg(self, view: CameraView) -> float | None:
        """How far above the resting hip the camera stands, under `view`; None if unseen."""
        hips = [pose["hip"] for pose in (self._moments or [[]])[0] if "hip" in pose]
        if not hips or self.size is None:
            return None
        return view.elevation_deg(np.median(hips, axis=0), self.size)

    def view(self, configured: CameraView, foot_to_leg_ratio: float) -> CameraView | None:
        """The camera's view as the moments show it; None if they show too little."""
        resting, lifted = (*self._moments, [], [])[:2]
        if self.size is None:
            return None
        return calibrate_view(resting, lifted, self.size, configured, foot_to_leg_ratio)
