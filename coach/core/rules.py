"""Form rules: per-frame angles in, fault onsets out.

Each rule has a trigger and a lower release threshold (hysteresis) and must hold for a short
debounce, so a leg hovering at the limit or a jittery marker gives one onset, not many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.core.events import Fault
from coach.settings import FormSettings

HYSTERESIS_FRACTION = 0.1


@dataclass(frozen=True)
class Reading:
    """What the rules judge, in degrees; None where it could not be measured."""

    abduction: float
    rotation: float | None = None
    side_bend: float | None = None  # against this set's rest pose
    knee_bend: float | None = None
    forward_drift: float | None = None  # against this set's rest pose


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
    )


class FormRules:
    def __init__(self, form: FormSettings) -> None:
        self._rules = rules_from(form)
        self._debounce = form.fault_debounce_s
        # fault -> when its condition began, and when it was last read to hold
        self._pending: dict[str, tuple[float, float]] = {}
        self._active: set[str] = set()

    def reset(self) -> None:
        self._pending.clear()
        self._active.clear()

    def update(self, t: float, reading: Reading) -> list[FaultOnset]:
        onsets = []
        for rule in self._rules:
            value = rule.reading(reading)
            if value is None:
                continue
            if rule.fault in self._active:
                if value < rule.release:
                    self._active.discard(rule.fault)
                continue
            if value <= rule.trigger:
                self._pending.pop(rule.fault, None)
                continue
            began, last = self._pending.get(rule.fault, (t, t))
            if t - last > self._debounce:
                # Unread for longer than the debounce: two wrong frames a second apart are not
                # a fault held that long.
                began = t
            self._pending[rule.fault] = (began, t)
            if t - began >= self._debounce:
                self._active.add(rule.fault)
                del self._pending[rule.fault]
                onsets.append(FaultOnset(t, rule.fault, value))
        return onsets
