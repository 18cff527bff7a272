"""How much the coach says through a set: tempo words that fade once the rhythm is set, the
count always, "last three", and praise that names what the camera saw go right.

A coach that talks all the time is tuned out: one cue every 2.4 s through a set was too many.
So the tempo words are said in full for the first reps of a set, to set the rhythm, and then
left out (chatty keeps them); a rep that loses the rhythm gets its warning, with the count. At
the lowest level the words become tones. Praise is only for a rep the camera saw, and only for
what it could see.
"""

from __future__ import annotations

from enum import IntEnum

from coach.core import cues
from coach.core.events import Fault


class Verbosity(IntEnum):
    TONES = 0  # tones for lift, hold and lower; counts in words
    QUIET = 1  # tempo words only until the rhythm is set; counts; no praise
    # Tempo words and praise until the rhythm is set; then the count, warnings, "toes slightly
    # down" and "last three" only.
    NORMAL = 2
    CHATTY = 3  # every tempo word in full, every time; praise all through

    @classmethod
    def named(cls, name: str) -> Verbosity:
        return cls[name.upper()]


FULL_WORDS_REPS = 3  # reps of a set said in full words before they fade
LAST_FEW = 3
CLEAN_STREAK_PRAISE = 3  # clean reps seen in a row for "smooth and steady" (chatty)
NUDGE_EVERY_REPS = 3  # "toes slightly down" at most once in this many reps
TONE_TAGS = {"lift": cues.TONE_LIFT, "hold": cues.TONE_HOLD, "lower": cues.TONE_LOWER}


class SetTalk:
    """The words of one set, rep by rep; pure: it is told what happened and asked what to say."""

    def __init__(
        self,
        verbosity: Verbosity,
        reps_per_set: int,
        neutral_foot: bool = False,
        program: str = "leg_lifts",
        counted_top: bool = False,
    ) -> None:
        """`neutral_foot`: the foot is kept level (a labral tear), and praised in those words;
        `program`: praise in its own words (a clamshell closes, it is not lowered);
        `counted_top`: a countdown or circles at the top, whose start and end no rhythm tells,
        so "lift" and "lower" are always said."""
        self.verbosity = verbosity
        self._counted_top = counted_top
        self._neutral_foot = neutral_foot
        self._program = program
        self._reps = reps_per_set
        self._clean_streak = 0
        self._last_faults: tuple[str, ...] = ()
        self._nudged_at: int | None = None

    def tempo(self, tag: str, text: str, rep: int) -> str | None:
        """What to say for the move `tag` ("lift", "hold", "lower", or a program's own) of
        the `rep`th cycle; None: say nothing."""
        if tag not in TONE_TAGS:  # counts down, circles, clamshells: their words are the rhythm
            return text
        if self.verbosity is Verbosity.TONES:
            return TONE_TAGS[tag]
        if self.verbosity is Verbosity.CHATTY or rep <= FULL_WORDS_REPS:
            return text
        return text if self._counted_top and tag != "hold" else None

    def count(
        self,
        n: int,
        faults: tuple[str, ...],
        among_other_numbers: bool,
        judged: frozenset[str] = frozenset(),
        toes_not_down: bool = False,
    ) -> str:
        """The count as rep `n` ends, with "last three", "toes slightly down" or praise when
        due. `judged`: the faults the camera could have found on this rep (none: it did not see
        it, and nothing about it is praised); `toes_not_down`: the foot was seen level or
        turned up."""
        said = [cues.rep_count(n, among_other_numbers)]
        left = self._reps - n
        if toes_not_down:  # the toes were seen, and not down: no praise for keeping them down
            judged -= {Fault.TOES_UP}
        praise = self._praise(faults, judged, n <= FULL_WORDS_REPS)
        nudge = self._nudge(n, toes_not_down)
        if self.verbosity >= Verbosity.NORMAL and left == LAST_FEW and n > LAST_FEW:
            said.append(cues.LAST_THREE)
        elif nudge is None and praise is not None:
            said.append(praise)
        if nudge is not None:
            said.append(nudge)
        self._last_faults = faults
        return " ".join(said)

    def _nudge(self, n: int, toes_not_down: bool) -> str | None:
        """Now and then "toes slightly down", while the foot is held level or up."""
        if not toes_not_down or self.verbosity < Verbosity.NORMAL:
            return None
        if self._nudged_at is not None and n - self._nudged_at < NUDGE_EVERY_REPS:
            return None
        self._nudged_at = n
        return cues.TOES_SLIGHTLY_DOWN

    def _praise(
        self, faults: tuple[str, ...], judged: frozenset[str], settling: bool
    ) -> str | None:
        """Praise for a fault of the rep before that the camera saw gone from this one, or for
        a run of clean reps it saw; at normal verbosity only while the rhythm is being set."""
        clean = not faults and bool(judged)
        self._clean_streak = self._clean_streak + 1 if clean else 0
        praising = self.verbosity is Verbosity.CHATTY or (
            self.verbosity is Verbosity.NORMAL and settling
        )
        if not clean or not praising:
            return None
        fixed = [f for f in self._last_faults if f in judged]
        if fixed:  # the fault of the rep before is gone: say so, by name
            return cues.praise_for_fixing(fixed[0], self._neutral_foot, self._program)
        if self.verbosity is Verbosity.CHATTY and self._clean_streak % CLEAN_STREAK_PRAISE == 0:
            return cues.CLEAN_STREAK
        return None


def quieter(verbosity: Verbosity) -> Verbosity:
    return Verbosity(max(Verbosity.TONES, verbosity - 1))


def louder(verbosity: Verbosity) -> Verbosity:
    return Verbosity(min(Verbosity.CHATTY, verbosity + 1))
