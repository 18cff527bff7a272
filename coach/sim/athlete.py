"""A scripted person who listens to the coach and moves their top leg.

They start each rep when they hear "lift" and move with the tempo they were scripted with, so a
test can give one rep a fault and know exactly which rep it was. Ground truth is theirs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coach.core.events import Beat, Cue, Event, Phase, StateChanged

REACTION_S = 0.3
CALIBRATION_LIFT_DEG = 25.0  # "raise that leg a little", taking about a second


@dataclass(frozen=True)
class RepStyle:
    """How one rep is done: the angles reached at the top and the seconds each phase takes."""

    peak_deg: float = 30.0
    rotation_deg: float = -5.0  # toes a little down, as coached
    hip_hike_deg: float = 0.0  # pelvic tilt toward the ribs at the top of the lift
    knee_bend_deg: float = 0.0  # at the top of the lift
    forward_drift_deg: float = 0.0  # the leg swung forward, toward the camera, at the top
    lift_s: float = 2.0
    hold_s: float = 2.0
    lower_s: float = 4.0


@dataclass(frozen=True)
class Script:
    """Which reps differ from the default: keyed by (side, set, rep slot), counted from 1."""

    default: RepStyle = field(default_factory=RepStyle)
    special: dict[tuple[str, int, int], RepStyle] = field(default_factory=dict)
    # Asked to keep the toes ahead with the leg raised a little, nobody points them exactly:
    # how far toward the ceiling (+) they turn at the top of the setup's raise.
    calibration_toes_deg: float = 0.0

    def style(self, side: str, set_no: int, slot: int) -> RepStyle:
        return self.special.get((side, set_no, slot), self.default)


@dataclass(frozen=True)
class LegState:
    side: str  # the leg on top
    abduction: float
    rotation: float
    hip_hike: float = 0.0
    knee_bend: float = 0.0
    forward_drift: float = 0.0


def _ease(x: float) -> float:
    """Smooth 0 → 1, like a controlled human movement."""
    x = min(max(x, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * x)


class SimulatedAthlete:
    def __init__(self, script: Script, side: str = "right") -> None:
        self._script = script
        self._side = side
        self._set_no = 0
        self._slot = 0
        self._rep_start: float | None = None
        self._style = script.default
        self._toes_ahead = False  # asked to point them straight ahead for the calibration
        self._raised_at: float | None = None  # asked to raise the leg a little, toes ahead
        self._lowered_at: float | None = None  # and then to lower it
        # Each rep as performed: when its lift began, and the style it was done in, so a
        # benchmark can match the coach's counted reps to what was really done.
        self.performed: list[tuple[float, str, RepStyle]] = []

    def on_event(self, event: Event) -> None:
        if isinstance(event, StateChanged) and event.state == Phase.SET and event.side is not None:
            if (event.side, event.set) != (self._side, self._set_no):
                self._slot = 0
            self._side, self._set_no = event.side, event.set or 0
            self._rep_start = None
            self._toes_ahead = False
        elif isinstance(event, StateChanged) and event.state in (
            Phase.PAUSED,
            Phase.DONE,
            Phase.STOPPED,
        ):
            self._rep_start = None
        elif isinstance(event, Cue) and event.tag == "calibrate":
            self._toes_ahead = True
        elif isinstance(event, Cue) and event.tag == "calibrate_lift":
            self._raised_at = event.t + REACTION_S
        elif isinstance(event, Cue) and event.tag == "calibrated":
            self._lowered_at = event.t + REACTION_S
        elif isinstance(event, Beat) and event.move == "lift":  # said or not: the rhythm
            self._slot += 1
            self._style = self._script.style(self._side, self._set_no, self._slot)
            self._rep_start = event.t + REACTION_S
            self.performed.append((self._rep_start, self._side, self._style))

    def leg_at(self, t: float) -> LegState:
        rest = 0.0 if self._toes_ahead else self._script.default.rotation_deg
        if self._raised_at is not None and self._raised_at <= t:
            down = 0.0 if self._lowered_at is None else _ease((t - self._lowered_at) / 2)
            if down < 1.0:
                lift = CALIBRATION_LIFT_DEG * _ease(t - self._raised_at) * (1.0 - down)
                toes = self._script.calibration_toes_deg * lift / CALIBRATION_LIFT_DEG
                return LegState(self._side, lift, rest + toes)
            self._raised_at = self._lowered_at = None
        if self._rep_start is None or t < self._rep_start:
            return LegState(self._side, 0.0, rest)
        s, elapsed = self._style, t - self._rep_start
        if elapsed < s.lift_s:
            up = _ease(elapsed / s.lift_s)
        elif elapsed < s.lift_s + s.hold_s:
            up = 1.0
        else:
            up = 1.0 - _ease((elapsed - s.lift_s - s.hold_s) / s.lower_s)
        rotation = rest + (s.rotation_deg - rest) * up
        return LegState(
            self._side,
            s.peak_deg * up,
            rotation,
            s.hip_hike_deg * up,
            s.knee_bend_deg * up,
            s.forward_drift_deg * up,
        )
