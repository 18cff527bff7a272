"""A set as it runs: the tempo's cycles, what the camera shows of each rep, the warnings (said
with the tempo cue when one is due) and the count. The session says when a set starts; the
runner says when it is over."""

from __future__ import annotations

from collections.abc import Callable

from coach.core import cues
from coach.core.at_the_top import TopCoach
from coach.core.events import Beat, Fault, FormWarning, Phase, Priority, RepCounted
from coach.core.form import FormWatcher, ScoredRep, tempo_seconds
from coach.core.geometry import LegAngles
from coach.core.movement import Movement, counted_in, watched
from coach.core.stage import Part, Stage
from coach.core.talk import SetTalk, Verbosity
from coach.core.tally import Tally
from coach.core.vision import Sighting
from coach.core.witnessed import judged, toes_not_down

VISION_STALE_S = 1.0  # no angles for this long: the camera is not seeing the leg
EXTRA_CYCLES = 3  # tempo cycles allowed beyond the target before a set ends anyway
# A warning due this soon before a tempo cue is said with it ("Hold. Not so high."): said on
# its own it would hold the tempo cue back, or be cut by it.
MERGE_WITH_TEMPO_S = 1.5
DUE_NOW_S = 1e-6
# Sat up mid-set: the next lift waits until the body lies still again, looked for this often;
# up this long, the person has stopped, and the set ends with the reps they did.
UP_CHECK_S = 0.5
UP_GIVE_UP_S = 120.0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class SetRunner(Part):
    def __init__(self, stage: Stage, tally: Tally, end_set: Callable[[], None]) -> None:
        """`end_set` is called when the set is over: its reps are done, or its time is up."""
        super().__init__(stage)
        self._tally = tally
        self._end_set = end_set
        self._watcher = FormWatcher(stage.settings.form)
        self._top = TopCoach(stage)
        self.restart(Verbosity.named(stage.settings.speech.verbosity))

    def restart(self, verbosity: Verbosity) -> None:
        """A new session: nothing said yet about not seeing the person."""
        self.said_no_vision = False
        self._tempo_due: list[float] = []  # when this cycle's tempo cues are planned
        self._pending_warnings: list[str] = []  # to be said with the next tempo cue
        self.new_set(verbosity)

    def new_set(self, verbosity: Verbosity) -> None:
        neutral_foot = self._settings.safety.neutral_foot
        program = self._course.program
        self._talk = SetTalk(
            verbosity, program.reps_per_set, neutral_foot, program.name, program.says_numbers
        )
        self._watcher.reset(self._top.lowered_share)
        self._cycles = 0
        self._reps_this_cycle = 0
        self._warned_at: dict[Fault, float] = {}
        self._named_at: dict[str, float] = {}  # other movements, when last named
        # The body seen doing another movement (named once it lasted), and whether it was in
        # this cycle: then the cycle's rep was not done, rather than done unseen.
        self._doing_other = False
        self._other_this_cycle = False
        # Seen sitting up or standing, and not yet lying still again: no rep is theirs, not
        # even by the clock, and the coach waits, without the tempo's words, until the rest
        # has been learned again from the body lying still.
        self._upright = False
        self._up_since = 0.0
        self._waiting_for_rest = False
        self._seen_at: float | None = None
        self._sighting: Sighting | None = None
        self._sighted_at: float | None = None
        self._top.start_cycle()

    @property
    def reps_done(self) -> int:
        return self._watcher.reps_done

    def set_verbosity(self, verbosity: Verbosity) -> None:
        self._talk.verbosity = verbosity

    def sighted(self, sighting: Sighting) -> None:
        """What a frame showed during the set."""
        self._sighting, self._sighted_at = sighting, self._agenda.active
        if sighting.upright:
            self._sat_up()
            return
        self._name_movement(sighting.movement)
        self._watch_for_other(sighting.movement)
        angles = watched(sighting.angles, sighting.movement, self._course.program.name)
        if angles is not None:
            self._see(angles)
            self._upright = self._upright and not self._watcher.settled

    def _sat_up(self) -> None:
        """The person sat up or stood mid-set: the rep under way is not one, and the rest is
        learned again, from the body lying still once they lie back down."""
        self._watcher.restart_rep()  # nothing seen before this frame is the rest any more
        if self._upright:
            return
        self._upright, self._up_since = True, self._agenda.active
        if self._cooled_down(self._named_at, "sat_up"):
            self._out.say(cues.SAT_UP, Priority.FORM, tag="sat_up")

    def _name_movement(self, movement: Movement) -> None:
        """Something other than this program's movement was done: said, and not counted."""
        named = movement.named
        if named is None or named == counted_in(self._course.program.name):
            return
        if self._cooled_down(self._named_at, named):
            self._out.say(cues.NOT_COUNTED[named], Priority.FORM, tag=f"not_counted:{named}")

    def _watch_for_other(self, movement: Movement) -> None:
        """Whether the body is seen doing another movement than this program's, once it has
        lasted long enough to be named, and until it is over."""
        if movement.kind is None or movement.kind == counted_in(self._course.program.name):
            self._doing_other = False
        elif movement.named is not None:
            self._doing_other = self._other_this_cycle = True

    def _cooled_down(self, said_at: dict, key: str) -> bool:
        """Whether `key` was not said within the form cooldown; if so, it counts as said now."""
        active = self._agenda.active
        last = said_at.get(key)
        if last is not None and active - last < self._settings.form.warning_cooldown_s:
            return False
        said_at[key] = active
        return True

    def recent_sighting(self) -> Sighting | None:
        return self._sighting if self._recent(self._sighted_at) else None

    def stop_planning(self) -> None:
        """The agenda was cleared: no tempo cue is coming; a warning kept for one is said now."""
        self._tempo_due.clear()
        self._say_pending_warnings()

    def restart_rep(self) -> None:
        """After a pause: the rep it cut does not count; the cycle starts again from rest."""
        self._watcher.restart_rep()

    def start_cycle(self) -> None:
        if self._phase() is not Phase.SET:
            return
        self._waiting_for_rest = False
        if self._upright:  # the next lift waits for the body lying still again
            if self._agenda.active - self._up_since >= UP_GIVE_UP_S:
                self._end_set()
            else:
                self._agenda.at(UP_CHECK_S, self.start_cycle)
            return
        self._cycles += 1
        self._reps_this_cycle = 0
        self._other_this_cycle = self._doing_other
        program = self._course.program
        self._top.start_cycle()
        for move in program.moves:
            self._tempo_due.append(self._agenda.active + move.at_s)
            self._agenda.at(move.at_s, lambda m=move: self._planned_tempo(m.text, m.tag))
        self._agenda.at(program.length_s, self._end_cycle)

    def _planned_tempo(self, text: str, tag: str) -> None:
        self._tempo_due.pop(0)  # moves fire in the order they were planned
        self._out.emit(Beat(self._agenda.now, tag))
        say, warning = self._top.tempo(tag, self._vision_live)
        if warning is not None:
            self._pending_warnings.append(warning)
        said = self._talk.tempo(tag, text, self._cycles) if say and not self._upright else None
        if said is None:  # the rhythm is set: this move goes unsaid, a warning kept for it not
            self._say_pending_warnings()
        else:
            self._tempo(said, tag)

    def _tempo(self, text: str, tag: str) -> None:
        """A tempo cue, on time, with any warning that was kept for it after it."""
        if self._pending_warnings:
            text = " ".join([text, *self._pending_warnings])
            self._pending_warnings.clear()
            self._out.say(text, Priority.FORM, tag=tag)
        else:
            self._out.say(text, Priority.TEMPO, tag=tag)

    def _say_pending_warnings(self) -> None:
        if self._pending_warnings:
            text = " ".join(self._pending_warnings)
            self._pending_warnings.clear()
            self._out.say(text, Priority.FORM, tag="warn")

    def _tempo_soon(self) -> bool:
        active = self._agenda.active
        # A tempo cue due at this very tick is still to come (the frame is seen first), though
        # the sums that timed the two may differ in their last digit.
        return any(-DUE_NOW_S <= due - active <= MERGE_WITH_TEMPO_S for due in self._tempo_due)

    def _end_cycle(self) -> None:
        if self._phase() is not Phase.SET:
            return
        program = self._course.program
        # A cycle without a rep seen is counted by the clock when the camera lost the body; not
        # when it saw the body do something else instead (a clamshell's bent leg is no body the
        # marker check takes, so the camera reads nothing of the leg then either).
        # Nor while the person sits up: no rep is theirs then.
        if (
            not self._vision_live
            and self._reps_this_cycle == 0
            and not self._other_this_cycle
            and not self._upright
        ):
            if not self.said_no_vision and program.uses_camera:
                self.said_no_vision = True
                self._out.say(cues.NO_BODY_SEEN if self._markerless else cues.NO_VISION)
            self._count(self._watcher.count_unseen())
            if self._phase() is not Phase.SET:
                return
        if self._cycles >= program.reps_per_set + EXTRA_CYCLES:
            self._end_set()
        elif self._vision_live and self._watcher.in_rep:
            # The leg is still coming down: let the person finish before the next lift.
            self._waiting_for_rest = True
            self._agenda.at(program.lower_s, self._next_cycle_if_waiting)
        else:
            self._agenda.at(self._settings.tempo.between_reps_s, self.start_cycle)

    def _next_cycle_if_waiting(self) -> None:
        if self._waiting_for_rest:
            self.start_cycle()

    @property
    def _vision_live(self) -> bool:
        return self._course.program.uses_camera and self._recent(self._seen_at)

    def _recent(self, at: float | None) -> bool:
        """Whether something the camera showed at `at` still describes the person now."""
        return at is not None and self._agenda.active - at <= VISION_STALE_S

    def _see(self, angles: LegAngles) -> None:
        self._seen_at = self._agenda.active
        onsets, scored = self._watcher.update(self._agenda.active, angles)
        self._top.see(self._watcher.lift)
        for onset in onsets:  # feet apart is a share of the knee's rise; the rest are angles
            self._warn(
                onset.fault, onset.value, unit="%" if onset.fault == Fault.FEET_APART else "deg"
            )
        if scored is not None:
            self._reps_this_cycle += 1
            for fault in scored.tempo_faults:
                seconds = tempo_seconds(scored.rep, fault)
                self._warn(fault, seconds, rep=scored.number, with_tempo=True, unit="s")
            self._count(scored)
            if self._waiting_for_rest and self._phase() is Phase.SET:
                self._waiting_for_rest = False
                self._agenda.at(self._settings.tempo.between_reps_s, self.start_cycle)

    def _warn(
        self,
        fault: Fault,
        value: float,
        rep: int | None = None,
        with_tempo: bool = False,
        unit: str = "deg",
    ) -> None:
        """Say it, unless the same was said within the cooldown; `rep` defaults to the current.
        With a tempo cue due within MERGE_WITH_TEMPO_S (or `with_tempo`: the count said now),
        it is said with that cue instead of before it."""
        if fault not in self._course.program.watched or not self._cooled_down(
            self._warned_at, fault
        ):
            return
        block = self._course.block
        self._out.emit(
            FormWarning(
                self._agenda.now,
                fault,
                block.side,
                block.set_no,
                rep or self._watcher.current_rep,
                round(value, 2 if unit == "s" else 1),
                unit,
            )
        )
        text = cues.warning_text(
            fault, self._settings.safety.neutral_foot, self._course.program.name
        )
        if with_tempo or self._tempo_soon():
            self._pending_warnings.append(text)
        else:
            self._out.say(text, Priority.FORM, tag=f"warn:{fault}")

    def _count(self, scored: ScoredRep) -> None:
        block, program = self._course.block, self._course.program
        rep, n = scored.rep, scored.number
        faults = tuple(f for f in scored.faults if f in program.watched)
        faults += self._top.faults(rep, n)
        self._tally.count(block.side, faults, seen=rep is not None)
        self._out.emit(
            RepCounted(
                self._agenda.now,
                block.side,
                block.set_no,
                n,
                peak_angle=round(rep.peak_angle, 1) if rep else 0.0,
                faults=faults,
                lift_s=round(rep.lift_s, 2) if rep else 0.0,
                hold_s=round(rep.hold_s, 2) if rep else 0.0,
                lower_s=round(rep.lower_s, 2) if rep else 0.0,
                peak_rotation=_rounded(rep.peak_rotation if rep else None),
                peak_side_bend=_rounded(rep.peak_side_bend if rep else None),
                form_checked=rep is not None,
                by_clock=not program.uses_camera,
            )
        )
        seen = judged(rep, program.watched)
        level = Fault.TOES_UP in seen and toes_not_down(rep, faults, self._settings)
        self._tempo(self._talk.count(n, faults, program.says_numbers, seen, level), "count")
        if n >= program.reps_per_set:
            self._end_set()
