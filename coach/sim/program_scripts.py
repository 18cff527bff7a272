"""How the demo's simulated person does each program: as the coach asks, with a rep or two done
wrongly so the demo shows what the coach says about it."""

from __future__ import annotations

from coach.settings import Settings
from coach.sim.athlete import RepStyle, Script

SHORT_HOLD_S = 3.0  # let down well before "lower"
DROPPED_S = 0.8  # a leg let fall, not lowered


def top_script(program: str, settings: Settings) -> Script | None:
    """Holds held for the whole hold and circles drawn through the top, but for a hold let down
    early, one dropped, a lift with no circles and one with too few; None: not a program
    done at the top."""
    plan = settings.programs
    if program == "holds":
        return Script(
            RepStyle(hold_s=plan.hold_s),
            special={
                ("right", 1, 2): RepStyle(hold_s=SHORT_HOLD_S),
                ("left", 1, 2): RepStyle(hold_s=SHORT_HOLD_S, lower_s=DROPPED_S),
            },
        )
    if program == "circles":
        circles = 2 * plan.circles_each_way
        top = circles * plan.circle_s
        return Script(
            RepStyle(hold_s=top, circles=circles, circle_s=plan.circle_s),
            special={
                ("right", 1, 2): RepStyle(hold_s=top),
                ("left", 1, 2): RepStyle(hold_s=top, circles=circles // 3, circle_s=plan.circle_s),
            },
        )
    return None
