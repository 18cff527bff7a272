"""Today's program and where the session is in its plan: one side's sets, then the other's.

The session changes it (a new program, a tempo, the next set); the other parts only read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.core.programs import Program, program_for
from coach.core.sore_hip import worked_legs
from coach.settings import Settings


@dataclass(frozen=True)
class Block:
    """One set in the plan."""

    side: str
    set_no: int


def plan_blocks(settings: Settings, program: Program) -> list[Block]:
    """All sets on one side, then all on the next: the person switches sides once."""
    sets = program.sets_per_side
    return [Block(side, n) for side in worked_legs(settings) for n in range(1, sets + 1)]


class Course:
    def __init__(self, settings: Settings, pose: bool = False) -> None:
        """`pose`: the pose model sees the body (it sees a clamshell's knee open, too)."""
        self._settings = settings
        self.program = program_for(settings.programs.default, settings, pose=pose)
        self.plan = plan_blocks(settings, self.program)
        self.index = 0

    def start(self, program: Program) -> None:
        self.program = program
        self.plan = plan_blocks(self._settings, program)
        self.index = 0

    @property
    def block(self) -> Block:
        return self.plan[self.index]

    @property
    def last(self) -> bool:
        return self.index + 1 >= len(self.plan)

    @property
    def next_is_other_side(self) -> bool:
        return self.plan[self.index + 1].side != self.block.side

    def first_of_other_side(self) -> int | None:
        """Where the other side's sets begin, if they are still to come."""
        side = self.block.side
        later = [i for i, b in enumerate(self.plan) if i > self.index and b.side != side]
        return later[0] if later else None
