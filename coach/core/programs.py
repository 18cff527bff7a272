"""The exercises the coach can lead: the leg lift itself and the article's variations.

Each is a plan (sets and reps), a few setup words, and the script of one rep: what is said, and
when, from the moment the rep starts. The engine runs whichever was asked for the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from coach.core import cues
from coach.core.events import Fault
from coach.settings import Settings

# A leg lift is watched for every fault but the circles' and the clamshells' own.
LEG_LIFT_FAULTS = frozenset(Fault) - {Fault.FEW_CIRCLES, Fault.FEET_APART}
# A clamshell is judged as a physiotherapist would: the feet kept together, the knee opened
# slowly, held open and closed slowly.
CLAMSHELL_FAULTS = frozenset({Fault.FEET_APART, Fault.FAST_LIFT, Fault.FAST_LOWER, Fault.NO_HOLD})
COUNTDOWN_FROM = 5  # the last seconds of a long hold are counted down


@dataclass(frozen=True)
class Move:
    at_s: float  # seconds after the rep began
    text: str
    tag: str


@dataclass(frozen=True)
class Program:
    name: str
    title: str  # as said: "isometric holds"
    reps_per_set: int
    sets_per_side: int
    uses_camera: bool  # False: the rep is counted by the clock, and no form is judged
    watched: frozenset[str]  # the faults worth a warning in this exercise
    setup: tuple[str, ...] = ()  # said before the first set, after the usual setup
    moves: tuple[Move, ...] = ()  # the last one starts the lowering
    lift_s: float = 0.0
    lower_s: float = 0.0
    bent_knees: bool = False  # clamshells: no straight leg, no toes to point

    @property
    def says_numbers(self) -> bool:
        """A countdown or counted circles: then a bare number could be taken for a rep's."""
        return any(move.tag in ("count_down", "circle") for move in self.moves)

    @property
    def top_s(self) -> float:
        """From the end of the lift to "lower": the hold, or the circles."""
        return self.moves[-1].at_s - self.lift_s

    @property
    def circles(self) -> int:
        """The circles asked for in one rep."""
        return sum(move.tag == "circle" for move in self.moves)

    @property
    def length_s(self) -> float:
        """From the first move to the end of the lowering."""
        return self.moves[-1].at_s + self.lower_s


def program_allowed(name: str, settings: Settings) -> str:
    """The program a start of `name` runs: with bursitis, holds, the one way of working the hip
    that presses least on it."""
    return "holds" if settings.safety.condition == "bursitis" else name


def program_for(
    name: str, settings: Settings, tempo_scale: float = 1.0, pose: bool = False
) -> Program:
    """The program called `name`, with lift and lowering stretched by `tempo_scale`; `pose`:
    the pose model sees the body, and with it the knee opening in a clamshell."""
    tempo, plan, session = settings.tempo, settings.programs, settings.session
    lift, lower = round(tempo.lift_s * tempo_scale, 2), round(tempo.lower_s * tempo_scale, 2)
    if name == "holds":
        hold = plan.hold_s
        countdown = [
            Move(lift + hold - n, cues.say_number(n).capitalize() + ".", "count_down")
            for n in range(min(COUNTDOWN_FROM, int(hold) - 1), 0, -1)
        ]
        return Program(
            name,
            "isometric holds",
            plan.hold_reps,
            session.sets_per_side,
            True,
            LEG_LIFT_FAULTS - {Fault.NO_HOLD, Fault.FAST_LOWER},
            moves=(
                Move(0.0, cues.LIFT, "lift"),
                Move(lift, cues.hold_for(hold), "hold"),
                *countdown,
                Move(lift + hold, cues.LOWER, "lower"),
            ),
            lift_s=lift,
            lower_s=lower,
        )
    if name == "circles":
        circle, each_way = plan.circle_s, plan.circles_each_way
        forward = [
            Move(lift + i * circle, text, "circle")
            for i, text in enumerate(cues.circle_counts(each_way, forward=True))
        ]
        back_from = lift + each_way * circle
        back = [
            Move(back_from + i * circle, text, "circle")
            for i, text in enumerate(cues.circle_counts(each_way, forward=False))
        ]
        top = 2 * each_way * circle
        return Program(
            name,
            "circles",
            plan.circle_reps,
            plan.circle_sets,
            True,
            LEG_LIFT_FAULTS - {Fault.NO_HOLD},
            setup=(cues.CIRCLES_SETUP,),
            moves=(
                Move(0.0, cues.LIFT, "lift"),
                *forward,
                *back,
                Move(lift + top, cues.LOWER, "lower"),
            ),
            lift_s=lift,
            lower_s=lower,
        )
    if name == "clamshells":
        # The markers show no knee opening toward the lens; the pose model does (`movement`).
        clamshells = _lift_hold_lower(
            name, "clamshells", plan.clamshell_reps, plan.clamshell_sets, pose,
            CLAMSHELL_FAULTS if pose else frozenset(),
            (cues.CLAMSHELL_SEEN_SETUP if pose else cues.CLAMSHELL_SETUP,),
            (cues.CLAMSHELL_OPEN, cues.CLAMSHELL_CLOSE), lift, tempo.hold_s, lower,
        )  # fmt: skip
        return replace(clamshells, bent_knees=True)
    if name == "wall_slides":
        return _lift_hold_lower(
            name, "wall slides", plan.wall_slide_reps, session.sets_per_side, True,
            LEG_LIFT_FAULTS, (cues.WALL_SLIDE_SETUP,), (cues.WALL_SLIDE_UP, cues.WALL_SLIDE_DOWN),
            lift, tempo.hold_s, lower,
        )  # fmt: skip
    return _lift_hold_lower(
        "leg_lifts", "leg lifts", session.reps_per_set, session.sets_per_side, True,
        LEG_LIFT_FAULTS, (), (cues.LIFT, cues.LOWER), lift, tempo.hold_s, lower,
    )  # fmt: skip


def _lift_hold_lower(
    name: str,
    title: str,
    reps: int,
    sets: int,
    uses_camera: bool,
    watched: frozenset[str],
    setup: tuple[str, ...],
    words: tuple[str, str],
    lift: float,
    hold: float,
    lower: float,
) -> Program:
    """The plain rep: up (with the first of `words`), a held pause, down (with the second)."""
    up, down = words
    return Program(
        name,
        title,
        reps,
        sets,
        uses_camera,
        watched,
        setup,
        (Move(0.0, up, "lift"), Move(lift, cues.HOLD, "hold"), Move(lift + hold, down, "lower")),
        lift,
        lower,
    )
