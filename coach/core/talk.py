"""How much the coach says through a set: tempo words that fade once the rhythm is set, the
count always, "last three", and now and then praise that names what went right.

A coach that talks all the time is tuned out; one that goes silent loses the rhythm. So the
full tempo words are said for the first reps of a set and after a rep that lost the rhythm,
and shortened (or, more quietly, left out) once the person moves with them. At the lowest
level the words become tones.
"""

from __future__ import annotations

from enum import IntEnum

from coach.core import cues
from coach.core.events import Fault


class Verbosity(IntEnum):
    TONES = 0  # tones for lift, hold and lower; counts in words
    QUIET = 1  # tempo words only until the rhythm is set; counts; no praise
    NORMAL = 2  # tempo words shortened once the rhythm is set; "last three"; some praise
    CHATTY = 3  # every tempo word in full, every time; more praise

    @classmethod
    def named(cls, name: str) -> Verbosity:
        return cls[name.upper()]


FULL_WORDS_REPS = 3  # reps of a set said in full words before they fade
LAST_FEW = 3
CLEAN_STREAK_PRAISE = {Verbosity.NORMAL: 5, Verbosity.CHATTY: 3}  # clean reps in a row
TEMPO_FAULTS = (Fault.FAST_LOWER, Fault.NO_HOLD)
TONE_TAGS = {"lift": cues.TONE_LIFT, "hold": cues.TONE_HOLD, "lower": cues.TONE_LOWER}


class SetTalk:
    """The words of one set, rep by rep; pure: it is told what happened and asked what to say."""

    def __init__(self, verbosity: Verbosity, reps_per_set: int, neutral_foot: bool = False) -> None:
        """`neutral_foot`: the foot is kept level (a labral tear), and praised in those words."""
        self.verbosity = verbosity
        self._neutral_foot = neutral_foot
        self._reps = reps_per_set
        self._rhythm_lost = False
        self._clean_streak = 0
        self._last_faults: tuple[str, ...] = ()

    def tempo(self, tag: str, text: str, rep: int) -> str | None:
        """What to say for the move `tag` ("lift", "hold", "lower", or a program's own) of
        the `rep`th cycle; None: say nothing."""
        short = cues.SHORT_TEMPO.get(tag)
        if short is None:  # counts down, circles, clamshells: their words are the rhythm
            return text
        if self.verbosity is Verbosity.TONES:
            return TONE_TAGS[tag]
        settled = rep > FULL_WORDS_REPS and not self._rhythm_lost
        if self.verbosity is Verbosity.CHATTY or not settled:
            return text
        return short if self.verbosity is Verbosity.NORMAL else None

    def count(self, n: int, faults: tuple[str, ...], among_other_numbers: bool) -> str:
        """The count as rep `n` ends, with "last three" or praise when due."""
        said = [cues.rep_count(n, among_other_numbers)]
        left = self._reps - n
        praise = self._praise(faults)
        if self.verbosity >= Verbosity.NORMAL and left == LAST_FEW and n > LAST_FEW:
            said.append(cues.LAST_THREE)
        elif praise is not None:
            said.append(praise)
        self._rhythm_lost = any(f in TEMPO_FAULTS for f in faults)
        self._last_faults = faults
        return " ".join(said)

    def _praise(self, faults: tuple[str, ...]) -> str | None:
        streak_needed = CLEAN_STREAK_PRAISE.get(self.verbosity)
        if streak_needed is None:
            self._clean_streak = 0 if faults else self._clean_streak + 1
            return None
        if faults:
            self._clean_streak = 0
            return None
        self._clean_streak += 1
        fixed = [f for f in self._last_faults if f in cues.PRAISE_FOR_FIXING]
        if fixed:  # the fault of the rep before is gone: say so, by name
            return cues.praise_for_fixing(fixed[0], self._neutral_foot)
        if self._clean_streak % streak_needed == 0:
            return cues.CLEAN_STREAK
        return None


def quieter(verbosity: Verbosity) -> Verbosity:
    return Verbosity(max(Verbosity.TONES, verbosity - 1))


def louder(verbosity: Verbosity) -> Verbosity:
    return Verbosity(min(Verbosity.CHATTY, verbosity + 1))
