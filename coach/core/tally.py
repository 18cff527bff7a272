"""The session's counts: reps per side, how many were clean or unseen, and the faults (this
set's too, for the review in the rest). Summed up as the session's record when it ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from coach.core import cues
from coach.core.events import Fault, SessionSummary
from coach.core.progress import SessionRecord


class Tally:
    def __init__(self, legs: Sequence[str]) -> None:
        self._legs = tuple(legs)
        self.restart()

    def restart(self) -> None:
        self.reps: Counter[str] = Counter({side: 0 for side in self._legs})
        self.faults: Counter[Fault] = Counter()
        self.perfect: Counter[str] = Counter()
        self.unchecked: Counter[str] = Counter()
        self.sets_done = 0
        self.new_set()

    def new_set(self) -> None:
        self.set_faults: Counter[Fault] = Counter()

    def count(self, side: str, faults: tuple[Fault, ...], seen: bool) -> None:
        """One rep; `seen`: the camera saw it, so its form is known."""
        self.reps[side] += 1
        self.faults.update(faults)
        self.set_faults.update(faults)
        if not seen:
            self.unchecked[side] += 1
        elif not faults:
            self.perfect[side] += 1

    def record(
        self, started: datetime, ended_by: str, program: str, by_clock: bool = False
    ) -> SessionRecord:
        return SessionRecord(
            started,
            dict(self.reps),
            {side: self.perfect[side] for side in self.reps},
            dict(self.faults),
            ended_by,
            program,
            unchecked={side: self.unchecked[side] for side in self.reps},
            by_clock=by_clock,
        )

    def said_at_the_end(self) -> str:
        """The reps, and how many of those the camera checked were clean."""
        checked = sum(self.reps.values()) - sum(self.unchecked.values())
        return cues.finished(dict(self.reps), sum(self.perfect.values()), checked)

    def summary(self, t: float, today: SessionRecord) -> SessionSummary:
        return SessionSummary(
            t,
            dict(self.reps),
            dict(self.faults),
            completed=today.ended_by == "plan",
            ended_by=today.ended_by,
            perfect_per_side=today.perfect,
            program=today.program,
            unchecked_per_side=today.unchecked,
            by_clock=today.by_clock,
        )
