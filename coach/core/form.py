"""Reps and their faults from a stream of leg angles: the part of coaching that only watches.

Shared by the live coach (which adds tempo, cues and cooldowns) and by the replay of a recorded
video (which only reports). Each fault belongs to the rep in progress when it began, or to the
next rep if it began at rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.core.geometry import LegAngles
from coach.core.reps import Rep, RepSegmenter
from coach.core.rules import FaultOnset, FormRules
from coach.settings import FormSettings


@dataclass(frozen=True)
class ScoredRep:
    number: int
    rep: Rep | None  # None: counted by the clock, the camera did not see it
    faults: tuple[str, ...]
    tempo_faults: tuple[str, ...] = ()  # found only once the rep was over (also in `faults`)


def tempo_faults(rep: Rep, form: FormSettings) -> tuple[str, ...]:
    """Faults of the rep as a whole: a drop instead of a slow lowering, or no pause at the top."""
    found = []
    if rep.lower_s < form.min_lower_ratio * rep.lift_s:
        found.append("fast_lower")
    if rep.hold_s < form.min_hold_s:
        found.append("no_hold")
    return tuple(found)


class FormWatcher:
    def __init__(self, form: FormSettings) -> None:
        self._form = form
        self._rules = FormRules(form)
        self._segmenter = RepSegmenter(form.rep_min_peak_deg)
        self.reset()

    def reset(self) -> None:
        """A new set: counting starts again from nothing."""
        self.reps_done = 0
        self.restart_rep()

    def restart_rep(self) -> None:
        """Drop the rep in progress (after a pause), keeping the count."""
        self._rules.reset()
        self._segmenter.reset()
        self._faults: set[str] = set()

    @property
    def in_rep(self) -> bool:
        return self._segmenter.in_rep

    @property
    def current_rep(self) -> int:
        return self.reps_done + 1

    def update(self, t: float, angles: LegAngles) -> tuple[list[FaultOnset], ScoredRep | None]:
        onsets = self._rules.update(t, angles)
        self._faults.update(onset.fault for onset in onsets)
        rep = self._segmenter.update(t, angles.abduction, angles.rotation)
        return onsets, (None if rep is None else self._score(rep))

    def count_unseen(self) -> ScoredRep:
        """A rep the camera could not see, counted because the tempo said it happened."""
        return self._score(None)

    def _score(self, rep: Rep | None) -> ScoredRep:
        self.reps_done += 1
        late = () if rep is None else tempo_faults(rep, self._form)
        faults, self._faults = tuple(sorted(self._faults | set(late))), set()
        return ScoredRep(self.reps_done, rep, faults, late)
