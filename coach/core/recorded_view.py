"""The camera's tilt and turn from a recording, when nobody measured them: still moments the
live setup asks for, found in the video itself.

The live coach asks for the leg at rest and then raised a little, both held still with the
toes ahead (`calibration`). A recording has a rest before the first rep and the two-second hold
at the top of each. The tilt comes from the toes at the first still rest, as the live setup
takes it; a foot held a little low there goes into the tilt, which moves the lift angles read
far less than the toes'. The turn comes from the thighs of the first few held lifts on each
side (`thigh_turn`), where the knee marker is seen; without it, from the toes at the first held
lift, as the live setup takes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.core.calibration import (
    MIN_LIFT_DEG,
    MIN_SAMPLES,
    THIGH,
    Pose,
    calibrate_view,
    still_pose,
)
from coach.core.geometry import head_to_the_right
from coach.core.view import CameraView

NEEDED = ("shoulder", "hip", "ankle", "toe")
STILL_SHARE = 0.002  # the most any marker may move between frames, as a share of frame width
DOWN_DEG = 6.0  # at rest: the leg lower than this
MOMENT_FRAMES = 15  # a second at 15 frames per second is plenty; five frames will do
LIFTS_PER_SIDE = 4  # held lifts a side for the turn: one swung forward is outvoted


@dataclass
class _Side:
    rest: list[Pose] = field(default_factory=list)
    lifts: list[list[Pose]] = field(default_factory=list)


@dataclass
class StillMoments:
    """Feed it each frame's markers and lift angle. For each way the body lies (head to the
    left or right of the picture) it keeps the first still rest and up to `LIFTS_PER_SIDE`
    still lifts after it, and says when it has them for both."""

    _sides: dict[bool, _Side] = field(default_factory=dict)  # keyed by: head to the right
    _first: bool | None = None  # the way the body lay at the first still rest
    _run: list[Pose] = field(default_factory=list)
    _run_raised: bool = False
    _run_side: bool | None = None

    @property
    def resting(self) -> list[Pose]:
        return [] if self._first is None else self._sides[self._first].rest

    @property
    def lifted(self) -> list[Pose]:
        lifts = [] if self._first is None else self._sides[self._first].lifts
        return lifts[0] if lifts else []

    @property
    def complete(self) -> bool:
        return len(self._sides) == 2 and all(
            len(side.lifts) >= LIFTS_PER_SIDE for side in self._sides.values()
        )

    def add(self, markers: dict[str, np.ndarray], abduction: float | None, width: int) -> None:
        if self.complete:
            return
        if abduction is None or any(name not in markers for name in NEEDED):
            self._end_run()
            return
        pose = {name: np.asarray(point, dtype=float) for name, point in markers.items()}
        raised = abduction >= MIN_LIFT_DEG
        head_right = head_to_the_right(pose)
        moving = (
            bool(self._run)
            and max(float(np.abs(pose[name] - self._run[-1][name]).max()) for name in NEEDED)
            > STILL_SHARE * width
        )
        if (
            moving
            or raised != self._run_raised
            or head_right != self._run_side
            or not (raised or abduction < DOWN_DEG)
        ):
            self._end_run()
        if raised or abduction < DOWN_DEG:
            self._run.append(pose)
            self._run_raised, self._run_side = raised, head_right
            if len(self._run) == MOMENT_FRAMES:
                self._keep(self._run)

    def _end_run(self) -> None:
        run, self._run = self._run, []
        if MIN_SAMPLES <= len(run) < MOMENT_FRAMES:  # a longer one was kept as it reached that
            self._keep(run)

    def _keep(self, run: list[Pose]) -> None:
        """A still stretch: a rest if it is its side's first, a lift if after its side's rest."""
        assert self._run_side is not None
        side = self._sides.setdefault(self._run_side, _Side())
        if not self._run_raised and not side.rest:
            side.rest = list(run)
            self._first = self._run_side if self._first is None else self._first
        elif self._run_raised and side.rest and len(side.lifts) < LIFTS_PER_SIDE:
            side.lifts.append(list(run))

    def finish(self) -> None:
        """The recording ended: a stretch still under way counts."""
        self._end_run()

    def view(
        self, size: tuple[int, int], configured: CameraView, foot_to_leg_ratio: float
    ) -> CameraView | None:
        """The camera as these moments show it; None without a still rest to take the tilt from."""
        return calibrate_view(
            self.resting, self.lifted, size, configured, foot_to_leg_ratio, self._thigh_pairs()
        )

    def _thigh_pairs(self) -> list[tuple[Pose, Pose]]:
        pairs = []
        for side in self._sides.values():
            rest = still_pose(side.rest, THIGH)
            for lift in side.lifts:
                raised = still_pose(lift, THIGH)
                if rest is not None and raised is not None:
                    pairs.append((rest, raised))
        return pairs
