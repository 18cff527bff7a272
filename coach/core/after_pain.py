"""After a session that "it hurts" ended, the next one starts gentler and says why first:
when what hurt was not the holds, holds (the article's answer to a hip that hurts) whatever
was asked; when it was the holds, fewer of them. A session that ends without pain brings the
usual plan back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from coach.core import cues
from coach.core.programs import Program
from coach.core.progress import SessionRecord

GENTLER = "holds"


def gentler_after_pain(
    past: Sequence[SessionRecord], asked: Program, build: Callable[[str], Program]
) -> tuple[Program, str | None]:
    """Today's program, and why it was changed; `asked` unchanged and None when the last
    session did not end in pain. `build` makes a program by its name."""
    if not past or past[-1].ended_by != "pain":
        return asked, None
    holds = asked if asked.name == GENTLER else build(GENTLER)
    if past[-1].program == GENTLER:
        fewer = max(1, holds.reps_per_set // 2)
        why = cues.after_pain_fewer(holds.title, fewer, holds.reps_per_set)
        return replace(holds, reps_per_set=fewer), why
    if asked.name == GENTLER:
        return holds, cues.after_pain_fewer(holds.title, holds.reps_per_set, holds.reps_per_set)
    return holds, cues.after_pain_instead(asked.title, holds.title)
