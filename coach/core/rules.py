"""Form rules: per-frame angles in, fault onsets out.

Each rule has a trigger and a lower release threshold (hysteresis) and must hold for a short
debounce, so a leg hovering at the limit or a jittery marker gives one onset, not many.

How long a condition held is measured between interpolated crossings of the trigger, not counted
in frames, so it reads the same at 5 frames a second as at 30. Two readings over the limit are
taken to have held between them when nothing else could have been read in between: they are no
further apart than the camera's usual frame interval, or than the debounce itself. Two misread
frames with half a second of unread ones between are no fault held.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from coach.core.events import Fault
from coach.core.movement import FEET_APART_SHARE
from coach.settings import FormSettings

HYSTERESIS_FRACTION = 0.1
FRAME_INTERVALS = 15  # the recent frame intervals whose median is the camera's usual one
# A gap up to this many usual intervals is the camera's own pace (a frame taken a little late),
# not frames gone unread.
USUAL_GAP_SHARE = 1.5
# A fault held is seen in three readings, however slow the camera: at 5 frames a second one
# misread frame would stand for a fifth of a second, and two for the whole debounce (a clean
# rep's leg, just leaving rest and placed out of the plane by noise, read as a 22° knee bend in
# two frames running).
MIN_READINGS = 3


@dataclass(frozen=True)
class Reading:
    """What the rules judge, in degrees; None where it could not be measured."""

    abduction: float
    rotation: float | None = None
    side_bend: float | None = None  # against this set's rest pose
    knee_bend: float | None = None
    forward_drift: float | None = None  # against this set's rest pose
    feet_apart: float | None = None  # clamshells: the foot's rise, in percent of the knee's


@dataclass(frozen=True)
class FaultOnset:
    t: float
    fault: Fault
    value: float


@dataclass(frozen=True)
class _Rule:
    fault: Fault
    reading: Callable[[Reading], float | None]
    trigger: float

    @property
    def release(self) -> float:
        return self.trigger - max(abs(self.trigger) * HYSTERESIS_FRACTION, 2.0)


def rules_from(form: FormSettings) -> tuple[_Rule, ...]:
    return (
        _Rule(Fault.TOO_HIGH, lambda r: r.abduction, form.max_abduction_deg),
        _Rule(Fault.TOES_UP, lambda r: r.rotation, form.max_rotation_deg),
        _Rule(Fault.HIP_HIKE, lambda r: r.side_bend, form.max_side_bend_deg),
        _Rule(Fault.KNEE_BEND, lambda r: r.knee_bend, form.max_knee_bend_deg),
        _Rule(Fault.FORWARD_DRIFT, lambda r: r.forward_drift, form.max_forward_drift_deg),
        _Rule(Fault.FEET_APART, lambda r: r.feet_apart, 100 * FEET_APART_SHARE),
    )


@dataclass
class _Over:
    """A rule's condition under way: when it crossed the trigger, how many readings showed it
    and the highest."""

    began: float
    peak: float
    readings: int = 1


class FormRules:
    def __init__(self, form: FormSettings) -> None:
        self._rules = rules_from(form)
        self._debounce = form.fault_debounce_s
        self.reset()

    def reset(self) -> None:
        self._over: dict[str, _Over] = {}
        self._read: dict[str, tuple[float, float]] = {}  # fault -> its last reading (t, value)
        self._active: set[str] = set()
        self._last_t: float | None = None
        self._intervals: deque[float] = deque(maxlen=FRAME_INTERVALS)
        self._usual_interval = 0.0  # their median, worked out once a frame

    @property
    def held(self) -> frozenset[str]:
        """The faults confirmed and not yet released: still going on."""
        return frozenset(self._active)

    def update(self, t: float, reading: Reading) -> list[FaultOnset]:
        self._note_frame(t)
        onsets = []
        for rule in self._rules:
            value = rule.reading(reading)
            if value is None:
                continue
            before = self._read.get(rule.fault)
            self._read[rule.fault] = (t, value)
            joined = before is not None and self._spans(t - before[0])
            if rule.fault in self._active:
                if value < rule.release:
                    self._active.discard(rule.fault)
                continue
            over = self._over.get(rule.fault)
            if over is not None and not joined:
                del self._over[rule.fault]  # nothing read for too long: start afresh
                over = None
            if value <= rule.trigger:
                if over is None:
                    continue
                del self._over[rule.fault]
                assert before is not None
                ended = _crossing(before, (t, value), rule.trigger)
                if ended - over.began >= self._debounce and over.readings >= MIN_READINGS:
                    onsets.append(self._confirm(rule.fault, t, over.peak))
                continue
            if over is None:
                began = t
                if joined and before is not None and before[1] <= rule.trigger:
                    began = _crossing(before, (t, value), rule.trigger)
                over = self._over[rule.fault] = _Over(began, value, 0)
            over.peak, over.readings = max(over.peak, value), over.readings + 1
            if t - over.began >= self._debounce and over.readings >= MIN_READINGS:
                del self._over[rule.fault]
                onsets.append(self._confirm(rule.fault, t, value))
        return onsets

    def _confirm(self, fault: str, t: float, value: float) -> FaultOnset:
        self._active.add(fault)
        return FaultOnset(t, fault, value)

    def _note_frame(self, t: float) -> None:
        if self._last_t is not None and t > self._last_t:
            self._intervals.append(t - self._last_t)
            self._usual_interval = statistics.median(self._intervals)
        self._last_t = t

    def _spans(self, gap: float) -> bool:
        """Whether two readings `gap` apart are evidence of what lay between them."""
        return gap <= max(self._debounce, USUAL_GAP_SHARE * self._usual_interval)


def _crossing(before: tuple[float, float], after: tuple[float, float], level: float) -> float:
    """When the reading passed `level` between two readings on either side of it."""
    (t0, v0), (t1, v1) = before, after
    share = (level - v0) / (v1 - v0) if v1 != v0 else 1.0
    return t0 + min(max(share, 0.0), 1.0) * (t1 - t0)
