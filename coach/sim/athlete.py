"""A scripted person who listens to the coach and moves their top leg.

They start each rep when they hear "lift" and move with the tempo they were scripted with, so a
test can give one rep a fault and know exactly which rep it was. Ground truth is theirs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coach.core.events import Beat, Cue, Event, Phase, SessionStarted, StateChanged
from coach.sim.clamshell import HIP_BEND_DEG, KNEE_BEND_DEG

REACTION_S = 0.3
CALIBRATION_LIFT_DEG = 25.0  # "raise that leg a little", taking about a second
# A clamshell done in a rep's place starts from the leg-lift's straight legs: the hips and knees
# bend to the clamshell's (coach/sim/clamshell.py) over this long, and straighten after it.
BEND_S = 1.0
SIT_UP_S = 1.5  # sitting up, or lying back down, takes this long
WALK_S = 2.0  # standing in view before walking out of the picture, and after coming back


@dataclass(frozen=True)
class RepStyle:
    """How one rep is done: the angles reached at the top and the seconds each phase takes."""

    peak_deg: float = 30.0
    rotation_deg: float = -5.0  # toes a little down, as coached
    hip_hike_deg: float = 0.0  # pelvic tilt toward the ribs at the top of the lift
    knee_bend_deg: float = 0.0  # at the top of the lift
    forward_drift_deg: float = 0.0  # the leg swung forward, toward the camera, at the top
    # In a clamshell (where `peak_deg` is the knee's opening): the whole bent leg raised too,
    # so the top foot leaves the bottom one.
    feet_apart_deg: float = 0.0
    lift_s: float = 2.0
    hold_s: float = 2.0
    lower_s: float = 4.0
    # Where the lowering stops, above rest: 0 down to rest, a few degrees a hover, more a rep
    # not quite lowered. The leg waits there until the next rep rises from it.
    end_deg: float = 0.0
    # Circles drawn with the foot through the hold, at the top: how many, the seconds each
    # takes, and their radius as degrees of the leg's swing.
    circles: int = 0
    circle_s: float = 1.5
    circle_deg: float = 5.0
    # Another movement done in this rep's place, which is no rep of the leg lift: "clamshell"
    # (the knees bent, the top one opened `peak_deg`) or "arm_raise" (the top arm raised
    # `peak_deg` from the side, the leg left lying). None: the lift itself.
    instead: str | None = None

    @property
    def seconds(self) -> float:
        bending = 2 * BEND_S if self.instead == "clamshell" else 0.0
        return self.lift_s + self.hold_s + self.lower_s + bending


@dataclass(frozen=True)
class Habits:
    """What people do besides the scripted reps, for the bench's people-like sessions."""

    rest_drift_deg: float = 0.0  # the resting leg wanders this far either way, over minutes
    rest_drift_period_s: float = 240.0
    # Short twitches of the leg while it waits between reps: (when, how far up in degrees).
    fidgets: tuple[tuple[float, float], ...] = ()
    fidget_s: float = 0.8
    # How far above its rest the leg lies as a set begins (and as it lies back down after
    # sitting up), settling down over `settle_s`.
    settle_deg: float = 0.0
    settle_s: float = 2.5
    # Sitting up mid-set: at the first "lift" from this time on, the person sits up instead of
    # lifting (for a drink, to scratch, to rest), for this many seconds, then lies back and
    # goes on with the rep they had left. None: never.
    sits_up: tuple[float, float] | None = None
    # Getting up instead: while up (`sits_up`), the person stands, walks out of the picture
    # (for a drink, the door, the phone) and is out of view but for WALK_S at each end.
    leaves_view: bool = False
    # And gone from one frame to the next, never seen sitting or standing (up too quickly, or
    # rolled away from the camera): only their coming back and lying down is seen.
    gets_up_unseen: bool = False


@dataclass(frozen=True)
class Script:
    """Which reps differ from the default: keyed by (side, set, rep slot), counted from 1."""

    default: RepStyle = field(default_factory=RepStyle)
    special: dict[tuple[str, int, int], RepStyle] = field(default_factory=dict)
    # Asked to keep the toes ahead with the leg raised a little, nobody points them exactly:
    # how far toward the ceiling (+) they turn at the top of the setup's raise.
    calibration_toes_deg: float = 0.0
    habits: Habits = field(default_factory=Habits)

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
    knees_bent: bool = False  # clamshells: `abduction` is the top knee's opening
    feet_apart: float = 0.0
    arm_raise: float = 0.0  # the top arm turned up from along the side, toward the ceiling
    # Sitting up: how far the trunk has turned up off the floor about the hips (90: upright),
    # the legs left lying.
    trunk_up: float = 0.0
    away: bool = False  # out of the picture altogether: nobody there to see


def _circling(style: RepStyle, held: float) -> float:
    """Degrees the foot's circles add to the lift, `held` seconds into the hold: each hangs
    from the top, where it starts and ends. Their part toward and away from the camera is left
    out: the simulated camera's depth reading takes a few degrees of it on the left side for a
    bent knee and a leg swung forward."""
    if held >= style.circles * style.circle_s:
        return 0.0
    return style.circle_deg * (math.cos(2 * math.pi * held / style.circle_s) - 1.0)


def _begun(done: list[tuple[float, str, RepStyle]], t: float) -> list[tuple[float, str, RepStyle]]:
    """What was done up to its top by `t`: a movement cut off before it was not done."""
    return [p for p in done if p[0] + p[2].lift_s <= t]


def _raised(style: RepStyle, elapsed: float) -> float:
    """How far up the rep is, 0 → 1 → 0, `elapsed` seconds after it began."""
    if elapsed < style.lift_s:
        return _ease(elapsed / style.lift_s)
    if elapsed < style.lift_s + style.hold_s:
        return 1.0
    return 1.0 - _ease((elapsed - style.lift_s - style.hold_s) / style.lower_s)


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
        # The reps of this set begun or about to be: when each starts, how it is done and
        # where it rises from (the last one's end). A lift asked for during a rep waits for it.
        self._reps: list[tuple[float, RepStyle, float]] = []
        self._set_began: float | None = None
        self._knees_bent = False  # doing clamshells
        self._toes_ahead = False  # asked to point them straight ahead for the calibration
        self._raised_at: float | None = None  # asked to raise the leg a little, toes ahead
        self.sat_up: tuple[float, float] | None = None  # when they sat up, and lay back down
        self._lowered_at: float | None = None  # and then to lower it
        # Each rep as performed: when its lift began, and the style it was done in, so a
        # benchmark can match the coach's counted reps to what was really done; and likewise
        # each other movement done in a rep's place, which no coach should count.
        self.performed: list[tuple[float, str, RepStyle]] = []
        self.done_instead: list[tuple[float, str, RepStyle]] = []

    def on_event(self, event: Event) -> None:
        set_begins = isinstance(event, StateChanged) and event.state == Phase.SET
        if isinstance(event, SessionStarted):
            self._knees_bent = event.program == "clamshells"
        elif isinstance(event, StateChanged) and set_begins and event.side is not None:
            if (event.side, event.set) != (self._side, self._set_no):
                self._slot = 0
            self._side, self._set_no = event.side, event.set or 0
            self._reps = []
            self._toes_ahead = False
            self._set_began = event.t
        elif isinstance(event, StateChanged):  # the set is over: a rep not yet up is not done
            self.performed = _begun(self.performed, event.t)
            self.done_instead = _begun(self.done_instead, event.t)
            stopped = event.state in (Phase.PAUSED, Phase.DONE, Phase.STOPPED)
            self._reps = [] if stopped else [rep for rep in self._reps if rep[0] <= event.t]
        elif isinstance(event, Cue) and event.tag == "calibrate":
            self._toes_ahead = True
        elif isinstance(event, Cue) and event.tag == "calibrate_lift":
            self._raised_at = event.t + REACTION_S
        elif isinstance(event, Cue) and event.tag == "calibrated":
            self._lowered_at = event.t + REACTION_S
        elif isinstance(event, Beat) and event.move == "lift":  # said or not: the rhythm
            # A rep under way is finished first: a long hold runs into the next beat.
            start, rises_from = event.t + REACTION_S, 0.0
            if self._reps:
                last_start, last, last_from = self._reps[-1]
                start = max(start, last_start + last.seconds)
                rises_from = last_from if last.instead else last.end_deg
            if self._sitting_up(start):
                return
            if self.sat_up is not None and self._reps and self._reps[-1][0] < self.sat_up[0]:
                rises_from = 0.0  # lying back down, the leg came to rest on the other
            self._slot += 1
            style = self._script.style(self._side, self._set_no, self._slot)
            self._reps.append((start, style, rises_from))
            done = self.done_instead if style.instead else self.performed
            done.append((start, self._side, style))

    def _sitting_up(self, start: float) -> bool:
        """Whether the person sits up, or is still sitting, instead of the lift asked for at
        `start`: no rep is done then."""
        sits_up = self._script.habits.sits_up
        if self.sat_up is None and sits_up is not None and start >= sits_up[0]:
            self.sat_up = (start, start + sits_up[1])
        return self.sat_up is not None and self.sat_up[0] <= start < self.sat_up[1] + SIT_UP_S

    def leg_at(self, t: float) -> LegState:
        rest = 0.0 if self._toes_ahead else self._script.default.rotation_deg
        if self.sat_up is not None and self.sat_up[0] <= t < self.sat_up[1] + SIT_UP_S:
            up = _ease((t - self.sat_up[0]) / SIT_UP_S) * _ease((self.sat_up[1] - t) / SIT_UP_S + 1)
            habits = self._script.habits
            leaves = self.sat_up[0] + (0.0 if habits.gets_up_unseen else SIT_UP_S + WALK_S)
            away = habits.leaves_view and leaves <= t < self.sat_up[1] - WALK_S
            return LegState(
                self._side, 0.0, rest, knees_bent=self._knees_bent, trunk_up=90 * up, away=away
            )
        if self._raised_at is not None and self._raised_at <= t:
            down = 0.0 if self._lowered_at is None else _ease((t - self._lowered_at) / 2)
            if down < 1.0:
                lift = CALIBRATION_LIFT_DEG * _ease(t - self._raised_at) * (1.0 - down)
                toes = self._script.calibration_toes_deg * lift / CALIBRATION_LIFT_DEG
                return LegState(self._side, lift, rest + toes)
            self._raised_at = self._lowered_at = None
        begun = [rep for rep in self._reps if rep[0] <= t]
        if not begun:
            waiting = self._reps[0][2] if self._reps else 0.0
            lying = waiting + self._habits_at(t, waiting=True)
            return LegState(self._side, lying, rest, knees_bent=self._knees_bent)
        start, s, low = begun[-1]
        elapsed = t - start
        if self.sat_up is not None and start < self.sat_up[0] <= t:  # lain back down
            return LegState(self._side, self._habits_at(t, waiting=True), rest)
        if s.instead:
            return self._instead(s, elapsed, low + self._habits_at(t, waiting=True), rest)
        up, circled = _raised(s, elapsed), 0.0
        if s.lift_s <= elapsed < s.lift_s + s.hold_s:
            circled = _circling(s, elapsed - s.lift_s)
        elif elapsed >= s.lift_s + s.hold_s:
            low = s.end_deg
        rotation = rest + (s.rotation_deg - rest) * up
        return LegState(
            self._side,
            low
            + (s.peak_deg - low) * up
            + circled
            + self._habits_at(t, waiting=elapsed >= s.seconds),
            rotation,
            s.hip_hike_deg * up,
            s.knee_bend_deg * up,
            s.forward_drift_deg * up,
            self._knees_bent,
            s.feet_apart_deg * up,
        )

    def _instead(self, s: RepStyle, elapsed: float, lying: float, rest: float) -> LegState:
        """Another movement in a rep's place: the leg lies where it waited, while the knees
        open as a clamshell or the top arm rises, on the rep's own timing."""
        if s.instead == "clamshell" and elapsed < s.seconds:
            bent = _ease(elapsed / BEND_S) * _ease((s.seconds - elapsed) / BEND_S)
            if bent < 1.0:  # the straight leg's knee bending toward the lens, the hip forward
                return LegState(
                    self._side, lying, rest, knee_bend=KNEE_BEND_DEG * bent,
                    forward_drift=HIP_BEND_DEG * bent,
                )  # fmt: skip
            opening = s.peak_deg * _raised(s, elapsed - BEND_S)
            return LegState(self._side, opening, rest, knees_bent=True)
        return LegState(
            self._side,
            lying,
            rest,
            knees_bent=self._knees_bent,
            arm_raise=s.peak_deg * _raised(s, elapsed),
        )

    def _habits_at(self, t: float, waiting: bool) -> float:
        """Degrees the habits add to the leg's angle at `t`: the rest's drift, settling as a
        set begins or as the person lies back down, and a fidget while the leg waits between
        reps."""
        habits = self._script.habits
        added = habits.rest_drift_deg * math.sin(2 * math.pi * t / habits.rest_drift_period_s)
        lay_down = [self._set_began, self.sat_up[1] + SIT_UP_S if self.sat_up else None]
        lay_down = [at for at in lay_down if at is not None and at <= t]
        if lay_down and habits.settle_deg:
            added += habits.settle_deg * (1.0 - _ease((t - max(lay_down)) / habits.settle_s))
        if waiting:
            for at, size in habits.fidgets:
                if 0.0 <= t - at < habits.fidget_s:
                    added += size * math.sin(math.pi * (t - at) / habits.fidget_s)
        return added
