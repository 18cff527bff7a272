"""The camera's tilt and turn from a recording, when nobody measured them: the same two still
moments the live setup asks for, found in the video itself.

The live coach asks for the leg at rest and then raised a little, both held still with the
toes ahead (`calibration`). A recording of a coached session has those moments at its start;
any other recording has the rest before the first rep and the two-second hold at its top. The
first still stretch with the leg down and the first still stretch with it raised are taken as
the two moments. A foot held a little low in both goes into the tilt, which moves the lift
angles read far less than it moves the toes' (see `calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.core.calibration import MIN_LIFT_DEG, MIN_SAMPLES, Pose

NEEDED = ("shoulder", "hip", "ankle", "toe")
STILL_SHARE = 0.002  # the most any marker may move between frames, as a share of frame width
DOWN_DEG = 6.0  # at rest: the leg lower than this
MOMENT_FRAMES = 15  # a second at 15 frames per second is plenty; five frames will do


@dataclass
class StillMoments:
    """Feed it each frame's markers and lift angle; it keeps the first still rest and the first
    still lift, and says when it has both."""

    resting: list[Pose] = field(default_factory=list)
    lifted: list[Pose] = field(default_factory=list)
    _run: list[Pose] = field(default_factory=list)
    _run_raised: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.lifted)

    def add(self, markers: dict[str, np.ndarray], abduction: float | None, width: int) -> None:
        if self.complete:
            return
        if abduction is None or any(name not in markers for name in NEEDED):
            self._end_run()
            return
        pose = {name: np.asarray(markers[name], dtype=float) for name in NEEDED}
        raised = abduction >= MIN_LIFT_DEG
        moving = (
            bool(self._run)
            and max(float(np.abs(pose[name] - self._run[-1][name]).max()) for name in NEEDED)
            > STILL_SHARE * width
        )
        if moving or raised != self._run_raised or not (raised or abduction < DOWN_DEG):
            self._end_run()
        if raised or abduction < DOWN_DEG:
            self._run.append(pose)
            self._run_raised = raised
            if len(self._run) >= MOMENT_FRAMES:
                self._keep(self._run)

    def _end_run(self) -> None:
        run, self._run = self._run, []
        if len(run) >= MIN_SAMPLES:
            self._keep(run)

    def _keep(self, run: list[Pose]) -> None:
        """A still stretch: kept if it is the first of its kind (a lift only after a rest)."""
        if self._run_raised and not self.lifted and self.resting:
            self.lifted = run[:MOMENT_FRAMES]
        elif not self._run_raised and not self.resting:
            self.resting = run[:MOMENT_FRAMES]

    def finish(self) -> None:
        """The recording ended: a stretch still under way counts."""
        self._end_run()
