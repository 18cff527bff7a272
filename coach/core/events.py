"""What flows through the coach: commands in, events out.

Every outgoing event carries `t`, seconds since the session's clock started, and can be
written as one JSON object.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum, IntEnum, StrEnum
from typing import ClassVar


class Command(Enum):
    START = "start"
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE = "toggle"  # the button's short press: start, pause or resume as fits
    NEXT_SIDE = "next_side"
    SKIP_REST = "skip_rest"
    HOW_MANY = "how_many"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    PAIN = "pain"
    HELP = "help"
    PROGRESS = "progress"  # how am I doing: the trend over recent sessions
    QUIETER = "quieter"  # fewer words, down to tones
    MORE_CUES = "more_cues"  # more words, up to every cue in full
    START_HOLDS = "start_holds"
    START_CIRCLES = "start_circles"
    START_CLAMSHELLS = "start_clamshells"
    START_WALL_SLIDES = "start_wall_slides"


class Phase(StrEnum):
    """Where a session is; carried by StateChanged, and written out as its value."""

    IDLE = "idle"
    SETUP = "setup"
    SET = "set"
    REST = "rest"
    SWITCH_SIDE = "switch_side"
    PAUSED = "paused"
    DONE = "done"
    STOPPED = "stopped"


class Fault(StrEnum):
    """A form fault the coach warns about; written out (JSON, the history) as its value."""

    TOO_HIGH = "too_high"
    TOES_UP = "toes_up"
    HIP_HIKE = "hip_hike"
    KNEE_BEND = "knee_bend"
    FORWARD_DRIFT = "forward_drift"
    FEET_APART = "feet_apart"  # clamshells: the top foot left the bottom one
    FAST_LOWER = "fast_lower"
    NO_HOLD = "no_hold"
    FAST_LIFT = "fast_lift"
    FEW_CIRCLES = "few_circles"  # circles, at the top: fewer than asked


class Priority(IntEnum):
    """Higher pre-empts lower in the speech queue."""

    INFO = 0
    TEMPO = 1
    FORM = 2
    SAFETY = 3


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = ""
    t: float

    def to_json(self) -> dict[str, object]:
        fields = asdict(self)
        del fields["t"]
        return {"t": round(self.t, 3), "type": self.kind, **fields}


@dataclass(frozen=True)
class Beat(Event):
    """A planned move of the rep's rhythm ("lift", "hold", "lower", ...), said or not: once
    the rhythm is set the coach may leave it unsaid, but the rhythm goes on."""

    move: str

    kind: ClassVar[str] = "beat"


@dataclass(frozen=True)
class SessionStarted(Event):
    program: str  # "leg_lifts", "holds", "circles", "clamshells" or "wall_slides"
    # Counted by the clock by design: this program is not judged with these eyes (clamshells
    # with the markers), so its reps are not "unchecked for want of a camera".
    by_clock: bool = False

    kind: ClassVar[str] = "session"


@dataclass(frozen=True)
class StateChanged(Event):
    state: Phase
    side: str | None = None
    set: int | None = None

    kind: ClassVar[str] = "state"


@dataclass(frozen=True)
class Cue(Event):
    """Something the coach says; `tag` lets listeners react to a phase without parsing text."""

    text: str
    priority: Priority
    tag: str = ""

    kind: ClassVar[str] = "cue"

    def to_json(self) -> dict[str, object]:
        data = super().to_json()
        data["priority"] = self.priority.name.lower()
        return data


@dataclass(frozen=True)
class RepCounted(Event):
    side: str
    set: int
    rep: int
    peak_angle: float
    faults: tuple[Fault, ...] = ()
    lift_s: float = 0.0
    hold_s: float = 0.0
    lower_s: float = 0.0
    peak_rotation: float | None = None
    peak_side_bend: float | None = None
    # False when no camera saw the rep (counted by the clock): its form is unknown, not clean.
    form_checked: bool = True
    by_clock: bool = False  # not checked by design (see SessionStarted), not for want of a camera

    kind: ClassVar[str] = "rep"


@dataclass(frozen=True)
class FormWarning(Event):
    fault: Fault
    side: str
    set: int
    rep: int
    value: float  # how far it went, in `unit`: degrees, seconds, circles drawn or % of a rise
    unit: str = "deg"

    kind: ClassVar[str] = "warning"


@dataclass(frozen=True)
class CommandHeard(Event):
    command: str
    source: str

    kind: ClassVar[str] = "command"


@dataclass(frozen=True)
class DeviceChanged(Event):
    """A device was lost or came back: the coach goes on with what it has."""

    device: str
    available: bool
    detail: str = ""

    kind: ClassVar[str] = "device"


@dataclass(frozen=True)
class ViewCalibrated(Event):
    """The camera's tilt and turn, as measured while the toes pointed straight ahead."""

    tilt_deg: float
    turn_deg: float

    kind: ClassVar[str] = "calibrated"


@dataclass(frozen=True)
class SessionSummary(Event):
    reps_per_side: dict[str, int] = field(default_factory=dict)
    faults: dict[Fault, int] = field(default_factory=dict)
    completed: bool = True
    ended_by: str = "plan"  # "plan", "stop" or "pain"
    perfect_per_side: dict[str, int] = field(default_factory=dict)  # seen, without a fault
    program: str = "leg_lifts"
    unchecked_per_side: dict[str, int] = field(default_factory=dict)  # counted, not seen
    by_clock: bool = False  # see SessionStarted

    kind: ClassVar[str] = "summary"
