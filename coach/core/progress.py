"""Sessions compared with each other: how today went, the trend, and what to change next time.

Pure: the history comes in as records, sentences go out. The advice follows the article the
coach is built from: twenty faultless reps a side means it is time to add load; a fault that
keeps coming back means fewer reps, priming the glutes first, or static holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coach.core.cues import PROGRAM_NAMES, fault_words, say_number
from coach.core.events import Fault

PERFECT_REPS_FOR_WEIGHTS = 20  # faultless reps on every side in one session
REPEATED_FAULT_SHARE = 0.25  # a fault on a quarter of the reps, two sessions running
SESSIONS_PER_WEEK_GOAL = 3
TREND_SESSIONS = 6
BY_CLOCK_TODAY = (
    "The markers can't show me a knee opening, so I counted these clamshells by the clock "
    "and didn't judge them."
)


@dataclass(frozen=True)
class SessionRecord:
    started_at: datetime
    reps: dict[str, int] = field(default_factory=dict)  # per side
    perfect: dict[str, int] = field(default_factory=dict)  # reps without a fault, per side
    faults: dict[str, int] = field(default_factory=dict)  # reps that had each fault
    ended_by: str = "plan"
    program: str = "leg_lifts"
    peak_angles: tuple[float, ...] = ()  # of each rep the camera saw, in order
    unchecked: dict[str, int] = field(default_factory=dict)  # reps counted, form not seen
    simulated: bool = False  # a demo session kept on purpose (coach demo --save)
    # Counted by the clock by design: this program is not judged with these eyes (clamshells
    # with the markers), so its reps are not unchecked for want of a camera.
    by_clock: bool = False

    @property
    def total_reps(self) -> int:
        return sum(self.reps.values())

    @property
    def checked_reps(self) -> int:
        """Reps whose form the camera judged: the only ones that can be perfect or faulty."""
        return self.total_reps - sum(self.unchecked.values())

    @property
    def total_perfect(self) -> int:
        return sum(self.perfect.values())

    def top_fault(self) -> tuple[str, int] | None:
        """The most frequent fault and on how many reps; ties go to the first by name."""
        if not self.faults:
            return None
        fault = max(sorted(self.faults), key=lambda f: self.faults[f])
        return fault, self.faults[fault]


def _reps(n: int) -> str:
    return "one rep" if n == 1 else f"{say_number(n)} reps"


def how_it_went(today: SessionRecord, last: SessionRecord | None) -> str:
    """A sentence or two at the end of a session: the most frequent fault, against last time.
    Reps the camera did not see are said to be unchecked, never praised as clean."""
    if today.by_clock:
        return BY_CLOCK_TODAY
    if today.total_reps and not today.checked_reps:
        return "I couldn't see you today, so I counted your reps but couldn't check your form."
    unseen = today.total_reps - today.checked_reps
    also = (
        f" {_reps(unseen).capitalize()} I couldn't see, so those went unchecked." if unseen else ""
    )
    top = today.top_fault()
    if top is None:
        text = (
            f"No fault in the {_reps(today.checked_reps)} I could see."
            if unseen
            else ("Not a single fault today.")
        )
        if last is not None and last.faults:
            text += " That's better than last time."
        return text + also
    fault, n = top
    tied = [fault_words(f, today.program) for f in sorted(today.faults) if today.faults[f] == n]
    if len(tied) > 1:
        # No one fault stands out: name them, and compare how many faults there were in all.
        named = ", ".join(tied[:-1]) + f" and {tied[-1]}"
        n = sum(today.faults.values())
        text = f"{named.capitalize()} came up on {_reps(today.faults[fault])} each, "
        text += f"{say_number(n)} in all"
        before = None if last is None else sum(last.faults.values())
    else:
        text = f"The fault that came up most was {fault_words(fault, today.program)}, "
        text += f"on {_reps(n)}"
        before = None if last is None else last.faults.get(fault, 0)
    if before is None:
        return text + "." + also
    if n < before:
        return text + f", down from {say_number(before)} last time." + also
    if n > before:
        return text + f", up from {say_number(before)} last time." + also
    return text + ", the same as last time." + also


def trend(records: list[SessionRecord], now: datetime) -> str:
    """What "how am I doing" answers: sessions this week, and perfect reps over recent sessions."""
    if not records:
        return "We haven't done a session together yet. Say start leg lifts when you're ready."
    week = [r for r in records if now - r.started_at < timedelta(days=7)]
    text = (
        f"{say_number(len(week)).capitalize()} "
        f"{'session' if len(week) == 1 else 'sessions'} in the last seven days, "
        f"against a goal of {say_number(SESSIONS_PER_WEEK_GOAL)}."
    )
    # Like with like: the latest program's sessions, each by its share of perfect reps (a session
    # made shorter after a pain stop is no dip).
    checked = [r for r in records if r.checked_reps]
    program = checked[-1].program if checked else ""
    recent = [r for r in checked if r.program == program][-TREND_SESSIONS:]
    if len(recent) < 2:
        recent_reps = [r for r in records[-TREND_SESSIONS:] if r.total_reps]
        if any(not r.checked_reps and not r.by_clock for r in recent_reps):
            return (
                text
                + " I couldn't see you in recent sessions, so I can't say how your form is going."
            )
        return text
    half = len(recent) // 2
    before = sum(r.total_perfect / r.checked_reps for r in recent[:half]) / half
    after = sum(r.total_perfect / r.checked_reps for r in recent[half:]) / (len(recent) - half)
    named = PROGRAM_NAMES.get(program, program.replace("_", " "))
    reps = "Your perfect reps" if program == "leg_lifts" else f"In {named}, your perfect reps"
    if after > before * 1.1:
        return text + f" {reps} are going up. Keep it going."
    if after < before * 0.9:
        return text + f" {reps} have dipped lately: slow down and focus on form."
    return text + f" {reps} are holding steady."


def advice(records: list[SessionRecord]) -> str | None:
    """What to change next time, or None when the plan is right as it is."""
    if not records:
        return None
    today = records[-1]
    if (
        today.reps
        and not today.faults
        and all(today.perfect.get(side, 0) >= PERFECT_REPS_FOR_WEIGHTS for side in today.reps)
    ):
        return "Twenty perfect reps on each side: you're ready for a light ankle weight next time."
    same = [r for r in records if r.program == today.program]  # like with like
    if len(same) < 2:
        return None
    repeated = [
        fault
        for fault in sorted(today.faults)
        if all(_share(r, fault) >= REPEATED_FAULT_SHARE for r in same[-2:])
    ]
    if not repeated:
        return None
    fault = repeated[0]
    named = fault_words(fault, today.program).capitalize()
    if fault in (Fault.TOES_UP, Fault.HIP_HIKE):
        return (
            f"{named} keeps coming back. Next time, start with a set "
            "of clamshells to wake up the glutes, and do ten reps a set instead of more."
        )
    if today.program == "holds":
        return f"{named} keeps coming back. Next time, do fewer holds, and a little lower."
    return (
        f"{named} keeps coming back. Next time, do fewer reps, "
        "or try isometric holds to build control at the top."
    )


def _share(record: SessionRecord, fault: str) -> float:
    return record.faults.get(fault, 0) / record.checked_reps if record.checked_reps else 0.0
