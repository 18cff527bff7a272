"""Reps and their faults from a stream of leg angles: the part of coaching that only watches.

Shared by the live coach (which adds tempo, cues and cooldowns) and by the replay of a recorded
video (which only reports). Each fault belongs to the rep in progress when it began, or to the
next rep if it began at rest and lasted until that rep began.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from coach.core.depth import out_of_plane
from coach.core.events import Fault
from coach.core.geometry import LegAngles, placed_abduction, side_bend_deg
from coach.core.reps import LOWERED_SHARE, Rep, RepSegmenter
from coach.core.rules import FaultOnset, FormRules, Reading
from coach.settings import FormSettings

# How you lie is learned from the leg lying still this long (its lift within STILL_DEG), seen
# in at least REST_READINGS frames: not from a body still settling into place, whose limbs and
# trunk then read as bent or hitched for the whole set; and not from a median of fewer frames,
# whose limb lengths made clean reps read as bent-kneed at 5 frames a second.
REST_S = 0.5
REST_READINGS = 8
STILL_DEG = 2.0
# Then every reading of the leg lying there again between reps refines it, up to this many
# (the latest): a median of eight smoothed readings, taken within a second, put the limbs 1 %
# off, and at 8 to 10 frames a second noise then made a clean leg leaving rest read as bent
# 22 degrees at the knee.
REST_KEPT = 120


@dataclass(frozen=True)
class RestPose:
    trunk_length: float
    limbs: tuple[float, float] | None  # thigh and shin lengths on the body plane


@dataclass(frozen=True)
class ScoredRep:
    number: int
    rep: Rep | None  # None: counted by the clock, the camera did not see it
    faults: tuple[Fault, ...]
    tempo_faults: tuple[Fault, ...] = ()  # found only once the rep was over (also in `faults`)


def tempo_faults(rep: Rep, form: FormSettings) -> tuple[Fault, ...]:
    """Faults of the rep as a whole: a drop instead of a slow lowering, no pause at the top, or
    a leg swung up instead of lifted."""
    found = []
    if rep.lower_s < form.min_lower_ratio * rep.lift_s:
        found.append(Fault.FAST_LOWER)
    if rep.hold_s < form.min_hold_s:
        found.append(Fault.NO_HOLD)
    if rep.lift_s < form.min_lift_s:
        found.append(Fault.FAST_LIFT)
    return tuple(found)


def tempo_seconds(rep: Rep, fault: Fault) -> float:
    """How long the part of the rep that a tempo fault is about took: what its warning reports."""
    return {Fault.FAST_LOWER: rep.lower_s, Fault.NO_HOLD: rep.hold_s, Fault.FAST_LIFT: rep.lift_s}[
        fault
    ]


class FormWatcher:
    def __init__(self, form: FormSettings) -> None:
        self._form = form
        self._rules = FormRules(form)
        self._segmenter = RepSegmenter(form.rep_min_peak_deg)
        self.reset()

    def reset(self, lowered_share: float = LOWERED_SHARE) -> None:
        """A new set: counting starts again from nothing; see RepSegmenter for
        `lowered_share`."""
        self._segmenter.lowered_share = lowered_share
        self.reps_done = 0
        self.lift = 0.0
        self.restart_rep()

    def restart_rep(self) -> None:
        """Drop the rep in progress (after a pause), keeping the count; learn the rest pose anew,
        since the person may have shifted."""
        self._rules.reset()
        self._segmenter.reset()
        self._faults: set[Fault] = set()
        self._rest: RestPose | None = None
        self._rest_readings: list[tuple[float, LegAngles]] = []
        self._at_rest: list[LegAngles] = []  # the readings the rest pose is the median of
        self._placed_before = False

    @property
    def in_rep(self) -> bool:
        return self._segmenter.in_rep

    @property
    def settled(self) -> bool:
        """Whether the leg has lain still long enough to learn the rest from: reps can be
        counted, and judged."""
        return self._segmenter.settled and self._rest is not None

    @property
    def current_rep(self) -> int:
        return self.reps_done + 1

    def update(self, t: float, angles: LegAngles) -> tuple[list[FaultOnset], ScoredRep | None]:
        reading = self._reading(t, angles)
        self.lift = reading.abduction  # as the reps are counted from; see `placed_abduction`
        onsets = self._rules.update(t, reading)
        self._faults.update(onset.fault for onset in onsets)
        rep = self._segmenter.update(t, reading.abduction, angles.rotation, reading.side_bend)
        if rep is None and not self.in_rep:
            # At rest, a fault is the next rep's only while it lasts: one begun and ended
            # lying there (the knees bent for a clamshell done in a rep's place, the foot
            # turned for a moment) is over before that rep begins.
            self._faults &= self._rules.held
        return onsets, (None if rep is None else self._score(rep))

    def _reading(self, t: float, angles: LegAngles) -> Reading:
        if self._rest is None and not self.in_rep:
            self._learn_rest(t, angles)
        elif self._rest is not None and not self.in_rep:
            self._refine_rest(angles)
        feet = None if angles.feet_apart is None else 100 * angles.feet_apart
        rest = self._rest
        if rest is None:
            return Reading(angles.abduction, angles.rotation, feet_apart=feet)
        side = (
            side_bend_deg(angles.trunk_length, rest.trunk_length) if rest.trunk_length > 0 else None
        )
        if angles.rays is None or rest.limbs is None:
            return Reading(angles.abduction, angles.rotation, side, feet_apart=feet)
        placed = out_of_plane(angles.rays, *rest.limbs)
        # A leg placed out of the plane in one frame alone is noise: the lift, which counts
        # reps and times them, keeps to the picture until a second frame agrees.
        steady, self._placed_before = self._placed_before and placed.placed, placed.placed
        return Reading(
            placed_abduction(angles.rays, placed) if steady else angles.abduction,
            angles.rotation,
            side,
            placed.knee_bend,
            placed.forward_drift,
            feet,
        )

    def _learn_rest(self, t: float, angles: LegAngles) -> None:
        """Keep the readings since the leg last moved; once it has lain still long enough,
        they are how this person lies."""
        kept = [*self._rest_readings, (t, angles)]
        while any(abs(a.abduction - angles.abduction) > STILL_DEG for _, a in kept):
            kept.pop(0)
        self._rest_readings = kept
        if len(kept) >= REST_READINGS and t - kept[0][0] >= REST_S:
            self._at_rest = [a for _, a in kept]
            self._rest = _rest_pose(self._at_rest)

    def _refine_rest(self, angles: LegAngles) -> None:
        """The leg lying where it lay when the rest was learned: one more reading of it."""
        kept = self._at_rest
        if abs(angles.abduction - statistics.median(a.abduction for a in kept)) > STILL_DEG:
            return
        self._at_rest = [*kept[1 - REST_KEPT :], angles]
        self._rest = _rest_pose(self._at_rest)

    def close(self) -> ScoredRep | None:
        """No more readings of this set: the rep under way, if its lowering got far enough to
        be timed (see `RepSegmenter.close`)."""
        rep = self._segmenter.close()
        return None if rep is None else self._score(rep)

    def count_unseen(self) -> ScoredRep:
        """A rep the camera could not see, counted because the tempo said it happened."""
        return self._score(None)

    def _score(self, rep: Rep | None) -> ScoredRep:
        self.reps_done += 1
        late = () if rep is None else tempo_faults(rep, self._form)
        faults, self._faults = tuple(sorted(self._faults | set(late))), set()
        return ScoredRep(self.reps_done, rep, faults, late)


def _rest_pose(readings: list[LegAngles]) -> RestPose:
    limbs = [r.rays.lengths() for r in readings if r.rays is not None]
    return RestPose(
        trunk_length=statistics.median(r.trunk_length for r in readings),
        limbs=None
        if not limbs
        else (statistics.median(t for t, _ in limbs), statistics.median(s for _, s in limbs)),
    )
