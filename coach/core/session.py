"""The session: its phases, the commands and the moves from one phase to the next, as a pure
state machine over parts with one job each.

- the agenda (core/agenda.py): the time, pauses and what is planned;
- the course (core/course.py): today's program and which set is next;
- the set-up flow (core/setup_flow.py): instructions, the camera's calibration, the framing;
- the set runner (core/set_runner.py): a set's tempo, warnings and count;
- the tally (core/tally.py): the session's counts and its record.

It owns no clock: every call brings the time `t`. Two tables below say which commands do
something in which phase, and which phase may follow which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from coach.core import cues, progress, talk
from coach.core.after_pain import gentler_after_pain
from coach.core.agenda import Agenda
from coach.core.course import Course
from coach.core.events import (
    Command,
    CommandHeard,
    DeviceChanged,
    Event,
    Phase,
    Priority,
    SessionStarted,
    StateChanged,
)
from coach.core.outbox import Outbox
from coach.core.programs import program_allowed, program_for
from coach.core.progress import SessionRecord
from coach.core.set_runner import SetRunner
from coach.core.setup_flow import SetupFlow
from coach.core.sore_hip import worked_legs
from coach.core.stage import Stage
from coach.core.talk import Verbosity
from coach.core.tally import Tally
from coach.core.vision import Sighting
from coach.settings import Settings

LEAD_IN_S = 3.0  # from a set's introduction to its first lift
REST_WARNING_S = 10.0
TEMPO_STEP = 1.25  # "slower" stretches lift and lowering by this much; "faster" shrinks them
TEMPO_SCALE_RANGE = (0.5, 2.0)

ACTIVE_PHASES = frozenset({Phase.SETUP, Phase.SET, Phase.REST, Phase.SWITCH_SIDE})
IN_SESSION = ACTIVE_PHASES | {Phase.PAUSED}
WAITING = frozenset({Phase.IDLE, Phase.DONE, Phase.STOPPED})
EVERY_PHASE = frozenset(Phase)

# Which phase may follow which. A new session starts from IDLE, DONE or STOPPED.
NEXT_PHASES: dict[Phase, frozenset[Phase]] = {
    Phase.IDLE: frozenset({Phase.SETUP}),
    Phase.SETUP: frozenset({Phase.SET, Phase.SWITCH_SIDE, Phase.PAUSED, Phase.STOPPED}),
    Phase.SET: frozenset({Phase.REST, Phase.SWITCH_SIDE, Phase.PAUSED, Phase.DONE, Phase.STOPPED}),
    Phase.REST: frozenset({Phase.SET, Phase.SWITCH_SIDE, Phase.PAUSED, Phase.STOPPED}),
    Phase.SWITCH_SIDE: frozenset({Phase.SETUP, Phase.PAUSED, Phase.STOPPED}),
    Phase.PAUSED: ACTIVE_PHASES | {Phase.STOPPED},
    Phase.DONE: frozenset({Phase.SETUP}),
    Phase.STOPPED: frozenset({Phase.SETUP}),
}

PROGRAM_COMMANDS = {
    Command.START: None,  # the configured program
    Command.START_HOLDS: "holds",
    Command.START_CIRCLES: "circles",
    Command.START_CLAMSHELLS: "clamshells",
    Command.START_WALL_SLIDES: "wall_slides",
}
# Which commands do something in which phase; elsewhere a command is heard and nothing more.
COMMAND_PHASES: dict[Command, frozenset[Phase]] = {
    **{command: WAITING | {Phase.PAUSED} for command in PROGRAM_COMMANDS},  # paused: resume
    Command.TOGGLE: EVERY_PHASE,  # start or resume when waiting, else pause
    Command.PAUSE: ACTIVE_PHASES,
    Command.RESUME: frozenset({Phase.PAUSED}),
    Command.STOP: IN_SESSION,
    Command.PAIN: EVERY_PHASE,  # in a session it ends it; outside, the advice is said
    Command.NEXT_SIDE: frozenset({Phase.SETUP, Phase.SET, Phase.REST, Phase.SWITCH_SIDE}),
    Command.SKIP_REST: frozenset({Phase.REST, Phase.SWITCH_SIDE}),
    Command.HOW_MANY: frozenset({Phase.IDLE, Phase.SET, Phase.REST, Phase.SWITCH_SIDE}),
    Command.REPEAT: EVERY_PHASE,
    Command.HELP: EVERY_PHASE,
    Command.PROGRESS: EVERY_PHASE,
    Command.QUIETER: EVERY_PHASE,
    Command.MORE_CUES: EVERY_PHASE,
    Command.SLOWER: EVERY_PHASE,
    Command.FASTER: EVERY_PHASE,
}


class Coach:
    def __init__(
        self,
        settings: Settings,
        past: Sequence[SessionRecord] = (),
        started_at: datetime | None = None,
        eyes: str = "markers",
    ) -> None:
        """`past`: earlier sessions, oldest first; `started_at`: the wall-clock time at t = 0,
        so sessions can be dated without the engine reading a clock; `eyes`: "markers" or
        "pose", the front-end that sees the body, for what to ask of the person."""
        self._settings = settings
        markerless = eyes == "pose"
        self._past = list(past)
        self._epoch = started_at or datetime(2000, 1, 1)
        self._verbosity = Verbosity.named(settings.speech.verbosity)
        self._agenda = Agenda()
        self._out = Outbox(self._agenda)
        self._course = Course(settings, markerless)
        self._tally = Tally(worked_legs(settings))
        stage = Stage(
            settings, self._course, self._agenda, self._out, lambda: self._phase, markerless
        )
        self._runner = SetRunner(stage, self._tally, self._end_set)
        self._setup = SetupFlow(stage, self._runner, self._begin_set)
        self._markerless = markerless
        self._handlers: dict[Command, Callable[[], None]] = {
            **{command: self._starter(name) for command, name in PROGRAM_COMMANDS.items()},
            Command.TOGGLE: self._on_toggle,
            Command.PAUSE: self._pause,
            Command.RESUME: self._resume,
            Command.STOP: lambda: self._finish("stop"),
            Command.PAIN: self._pain,
            Command.NEXT_SIDE: self._next_side,
            Command.SKIP_REST: self._skip_rest,
            Command.HOW_MANY: self._how_many,
            Command.REPEAT: self._repeat,
            Command.HELP: self._help,
            Command.PROGRESS: self._progress,
            Command.QUIETER: lambda: self._change_verbosity(quieter=True),
            Command.MORE_CUES: lambda: self._change_verbosity(quieter=False),
            Command.SLOWER: lambda: self._change_tempo(faster=False),
            Command.FASTER: lambda: self._change_tempo(faster=True),
        }
        self._reset_session()

    # -- public surface ------------------------------------------------------------------------

    def set_wall_time(self, t: float, wall: datetime) -> None:
        """The wall clock as read at `t`: a Pi's clock is stepped by NTP after start-up, so
        sessions are dated, and "the last seven days" counted, from the latest reading."""
        self._epoch = wall - timedelta(seconds=t)

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def finished(self) -> bool:
        return self._phase in (Phase.DONE, Phase.STOPPED)

    @property
    def wants_frames(self) -> bool:
        """Only a set and the calibration need the camera; elsewhere the loop skips capture."""
        in_set = self._phase is Phase.SET and self._course.program.uses_camera
        return in_set or self._setup.watching

    def command(self, t: float, command: Command, source: str) -> list[Event]:
        self._agenda.now = t
        self._out.emit(CommandHeard(t, command.value, source))
        if self._phase in COMMAND_PHASES[command]:
            self._handlers[command]()
        return self._out.take()

    def greet(self, t: float) -> list[Event]:
        """Said once when the coach comes up, so the person knows it is listening."""
        self._agenda.now = t
        self._out.say(cues.READY)
        return self._out.take()

    def device_changed(
        self, t: float, device: str, available: bool, detail: str = ""
    ) -> list[Event]:
        """A device came or went: say so, and carry on with what is left."""
        self._agenda.now = t
        self._out.emit(DeviceChanged(t, device, available, detail))
        self._out.say(cues.device_changed(device, available))
        if device == "camera" and not available:
            self._runner.said_no_vision = True  # just said: no need to say it at the next rep
        return self._out.take()

    def tick(self, t: float, sighting: Sighting | None = None) -> list[Event]:
        """Advance to `t`; `sighting` is what this tick's frame showed, if a frame was taken."""
        self._agenda.now = t
        if self._phase in ACTIVE_PHASES:
            if sighting is not None and self._setup.calibrating:
                self._setup.calibration_frame(sighting)
            if sighting is not None and self._phase is Phase.SET:
                self._runner.sighted(sighting)
            self._agenda.run_due()
        return self._out.take()

    # -- moving between phases ------------------------------------------------------------------

    def _enter(self, phase: Phase) -> None:
        assert phase in NEXT_PHASES[self._phase], f"{self._phase} -> {phase}"
        self._phase = phase
        block = self._course.block if phase in (Phase.SET, Phase.SETUP) else None
        self._out.emit(
            StateChanged(
                self._agenda.now,
                phase,
                side=block.side if block else None,
                set=block.set_no if block else None,
            )
        )

    def _clear_agenda(self) -> None:
        """Nothing planned happens any more; a warning kept for a tempo cue is said now."""
        self._agenda.clear()
        self._runner.stop_planning()

    def _reset_session(self) -> None:
        self._phase = Phase.IDLE
        self._phase_before_pause = Phase.IDLE
        self._agenda.restart(self._agenda.now)
        self._course.index = 0
        self._tally.restart()
        self._runner.restart(self._verbosity)
        self._setup.restart()
        self._session_started = self._agenda.now
        self._tempo_scale = 1.0
        self._review_s = 0.0

    def _begin_session(self, program: str) -> None:
        self._reset_session()
        allowed = program_allowed(program, self._settings)
        swapped = allowed != program
        build = partial(program_for, settings=self._settings, pose=self._markerless)
        today, why = gentler_after_pain(self._past, build(allowed), build)
        self._course.start(today)
        program = self._course.program
        self._out.emit(SessionStarted(self._agenda.now, program.name, not program.uses_camera))
        self._enter(Phase.SETUP)
        self._setup.first_side(swapped, why)

    def _begin_set(self) -> None:
        block, program = self._course.block, self._course.program
        self._enter(Phase.SET)
        self._runner.new_set(self._verbosity)
        self._tally.new_set()
        self._setup.new_set()
        self._out.say(
            cues.set_intro(block.side, block.set_no, program.sets_per_side, program.reps_per_set)
        )
        self._agenda.at(LEAD_IN_S, self._setup.check_framing)

    def _end_set(self) -> None:
        self._clear_agenda()
        program = self._course.program
        self._out.say(cues.set_done(self._course.block.set_no))
        self._tally.sets_done += 1
        review: list[str] = []
        if self._verbosity >= Verbosity.QUIET and program.uses_camera:
            first, neutral_foot = self._tally.sets_done == 1, self._settings.safety.neutral_foot
            review = cues.set_review(
                first, self._tally.set_faults, neutral_foot, bent_knees=program.bent_knees
            )
        for line in review:
            self._out.say(line)
        # The break starts once the review has been said, so it is never cut short by it.
        wpm = self._settings.speech.rate_wpm
        self._review_s = sum(cues.speaking_time(line, wpm) for line in review)
        if self._course.last:
            self._finish("plan")
        elif self._course.next_is_other_side:
            self._begin_switch()
        else:
            self._begin_rest()

    def _begin_rest(self) -> None:
        seconds = self._settings.session.rest_between_sets_s
        self._course.index += 1
        self._enter(Phase.REST)
        if seconds <= 0:
            self._agenda.at(self._review_s, self._begin_set)
            return
        # "Rest for N seconds" is said after the review, so the N seconds start there too; a
        # rest announced as too short for "ten seconds left" gets none, however long the review.
        self._out.say(cues.rest(seconds))
        if seconds > REST_WARNING_S + 5:
            ending = self._review_s + seconds - REST_WARNING_S
            self._agenda.at(ending, lambda: self._out.say(cues.REST_ENDING))
        self._agenda.at(self._review_s + seconds, self._begin_set)

    def _begin_switch(self) -> None:
        self._course.index += 1
        self._enter(Phase.SWITCH_SIDE)
        side = self._course.block.side
        markers = not self._markerless and self._course.program.uses_camera
        self._out.say(cues.switch_sides(side, move_markers=markers))
        switch_s = self._settings.session.side_switch_s + self._review_s
        self._agenda.at(switch_s, self._begin_side_setup)

    def _begin_side_setup(self) -> None:
        self._clear_agenda()
        self._enter(Phase.SETUP)
        self._setup.next_side()

    def _finish(self, ended_by: str) -> None:
        """End the session: `ended_by` is "plan" (all sets done), "stop" or "pain"."""
        self._clear_agenda()
        self._setup.drop_calibration()
        completed = ended_by == "plan"
        self._enter(Phase.DONE if completed else Phase.STOPPED)
        name = self._course.program.name
        started = self._epoch + timedelta(seconds=self._session_started)
        by_clock = not self._course.program.uses_camera
        today = self._tally.record(started, ended_by, name, by_clock)
        # Against the last session of this program whose form was seen: not a pain stop before
        # the first rep, nor one without a camera.
        same = [r for r in self._past if r.program == name and r.checked_reps]
        last = same[-1] if same else None
        self._past.append(today)
        if completed:
            self._out.say(self._tally.said_at_the_end())
            self._out.say(progress.how_it_went(today, last))
            if (suggestion := progress.advice(self._past)) is not None:
                self._out.say(suggestion)
        else:
            self._out.say(cues.PAIN if ended_by == "pain" else cues.STOPPED, Priority.SAFETY)
        self._out.emit(self._tally.summary(self._agenda.now, today))

    # -- commands, each called only in the phases COMMAND_PHASES gives it ------------------------

    def _starter(self, program: str | None) -> Callable[[], None]:
        def start() -> None:
            if self._phase is Phase.PAUSED:
                self._resume()
            else:
                self._begin_session(program or self._settings.programs.default)

        return start

    def _on_toggle(self) -> None:
        if self._phase in WAITING or self._phase is Phase.PAUSED:
            self._handlers[Command.START]()
        else:
            self._pause()

    def _pause(self) -> None:
        self._phase_before_pause = self._phase
        self._agenda.pause()
        self._enter(Phase.PAUSED)
        self._out.say(cues.PAUSED, Priority.SAFETY)  # a halt: it cuts whatever is being said

    def _resume(self) -> None:
        self._agenda.resume()
        self._enter(self._phase_before_pause)
        self._out.say(cues.RESUMED)
        if self._phase is Phase.SET:
            # A rep cut by the pause does not count; start the cycle again from rest.
            self._clear_agenda()
            self._runner.restart_rep()
            self._agenda.at(LEAD_IN_S, self._runner.start_cycle)

    def _pain(self) -> None:
        if self._phase in IN_SESSION:
            self._finish("pain")
        else:
            self._out.say(cues.PAIN, Priority.SAFETY)

    def _how_many(self) -> None:
        if self._phase is Phase.SET:
            program = self._course.program
            self._out.say(cues.how_many(self._runner.reps_done, program.reps_per_set))
        elif self._phase is Phase.IDLE:
            self._out.say(cues.NOT_STARTED)
        else:
            block = self._course.block
            self._out.say(cues.next_set(block.side, block.set_no))

    def _repeat(self) -> None:
        if self._out.last_instruction is None:
            self._help()
        else:
            self._out.say(self._out.last_instruction)

    def _progress(self) -> None:
        now = self._epoch + timedelta(seconds=self._agenda.now)
        self._out.say(progress.trend(self._past, now))

    def _help(self) -> None:
        self._out.say(cues.help_text(self._settings.voice.commands.by_command()))

    def _change_verbosity(self, quieter: bool) -> None:
        before = self._verbosity
        self._verbosity = talk.quieter(before) if quieter else talk.louder(before)
        self._runner.set_verbosity(self._verbosity)
        self._out.say(cues.verbosity_changed(before, self._verbosity))

    def _change_tempo(self, faster: bool) -> None:
        scale = self._tempo_scale / TEMPO_STEP if faster else self._tempo_scale * TEMPO_STEP
        too_quick = self._settings.tempo.lift_s * scale < self._settings.form.min_lift_s
        if too_quick or not TEMPO_SCALE_RANGE[0] <= round(scale, 3) <= TEMPO_SCALE_RANGE[1]:
            self._out.say(cues.tempo_limit(faster))
            return
        self._tempo_scale = scale
        # Only the tempo changes: a plan made gentler after a pain stop stays so.
        reps = self._course.program.reps_per_set
        program = program_for(self._course.program.name, self._settings, scale, self._markerless)
        program = replace(program, reps_per_set=reps)
        self._course.program = program
        self._out.say(cues.tempo_changed(faster, program.lift_s, program.lower_s))

    def _next_side(self) -> None:
        if self._phase is Phase.SWITCH_SIDE:
            self._begin_side_setup()
            return
        later = self._course.first_of_other_side()
        if later is None:
            return
        self._clear_agenda()
        self._course.index = later - 1
        self._begin_switch()

    def _skip_rest(self) -> None:
        if self._phase is Phase.REST:
            self._clear_agenda()
            self._begin_set()
        else:
            self._begin_side_setup()
