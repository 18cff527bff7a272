"""Reps and their faults from a stream of leg angles: the part of coaching that only watches.

Shared by the live coach (which adds tempo, cues and cooldowns) and by the replay of a recorded
video (which only reports). Each fault belongs to the rep in progress when it began, or to the
next rep if it began at rest.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from coach.core.geometry import LegAngles, forward_drift_deg, knee_flexion_deg, side_bend_deg
from coach.core.reps import Rep, RepSegmenter
from coach.core.rules import FaultOnset, FormRules, Reading
from coach.settings import FormSettings

REST_READINGS = 8  # about half a second still, at the start of a set, to learn how you lie


@dataclass(frozen=True)
class RestPose:
    trunk_length: float
    shin_to_thigh: float | None
    thigh_length: float | None


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
        """Drop the rep in progress (after a pause), keeping the count; learn the rest pose anew,
        since the person may have shifted."""
        self._rules.reset()
        self._segmenter.reset()
        self._faults: set[str] = set()
        self._rest: RestPose | None = None
        self._rest_readings: list[LegAngles] = []

    @property
    def in_rep(self) -> bool:
        return self._segmenter.in_rep

    @property
    def current_rep(self) -> int:
        return self.reps_done + 1

    def update(self, t: float, angles: LegAngles) -> tuple[list[FaultOnset], ScoredRep | None]:
        reading = self._reading(angles)
        onsets = self._rules.update(t, reading)
        self._faults.update(onset.fault for onset in onsets)
        rep = self._segmenter.update(t, angles.abduction, angles.rotation, reading.side_bend)
        return onsets, (None if rep is None else self._score(rep))

    def _reading(self, angles: LegAngles) -> Reading:
        if self._rest is None and not self.in_rep:
            self._rest_readings.append(angles)
            if len(self._rest_readings) >= REST_READINGS:
                self._rest = _rest_pose(self._rest_readings)
        rest = self._rest
        if rest is None:
            return Reading(angles.abduction, angles.rotation)
        knee = None
        if angles.shin_to_thigh is not None and rest.shin_to_thigh is not None:
            knee = knee_flexion_deg(
                angles.shin_to_thigh, rest.shin_to_thigh, angles.knee_bend or 0.0
            )
        side = (
            side_bend_deg(angles.trunk_length, rest.trunk_length) if rest.trunk_length > 0 else None
        )
        drift = None
        if angles.thigh_length is not None and rest.thigh_length:
            drift = forward_drift_deg(angles.thigh_length, rest.thigh_length)
        return Reading(angles.abduction, angles.rotation, side, knee, drift)

    def count_unseen(self) -> ScoredRep:
        """A rep the camera could not see, counted because the tempo said it happened."""
        return self._score(None)

    def _score(self, rep: Rep | None) -> ScoredRep:
        self.reps_done += 1
        late = () if rep is None else tempo_faults(rep, self._form)
        faults, self._faults = tuple(sorted(self._faults | set(late))), set()
        return ScoredRep(self.reps_done, rep, faults, late)


def _rest_pose(readings: list[LegAngles]) -> RestPose:
    ratios = [r.shin_to_thigh for r in readings if r.shin_to_thigh is not None]
    thighs = [r.thigh_length for r in readings if r.thigh_length is not None]
    return RestPose(
        trunk_length=statistics.median(r.trunk_length for r in readings),
        shin_to_thigh=statistics.median(ratios) if ratios else None,
        thigh_length=statistics.median(thighs) if thighs else None,
    )
