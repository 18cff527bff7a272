"""The session engine: the plan, the tempo and the counting, as a pure state machine.

It owns no clock: every call brings the time `t`. Time spent paused is taken out, so the plan
runs on "active" time and resumes where it stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from coach.core import cues, progress, talk
from coach.core.calibration import StillMoments
from coach.core.depth import MIN_ELEVATION_DEG
from coach.core.events import (
    Beat,
    Command,
    CommandHeard,
    Cue,
    DeviceChanged,
    Event,
    FormWarning,
    Phase,
    Priority,
    RepCounted,
    SessionStarted,
    SessionSummary,
    StateChanged,
    ViewCalibrated,
)
from coach.core.form import FormWatcher, ScoredRep
from coach.core.geometry import LegAngles
from coach.core.lookalikes import colour_word
from coach.core.programs import Program, program_for
from coach.core.progress import SessionRecord
from coach.core.talk import SetTalk, Verbosity
from coach.core.view import CameraView
from coach.core.vision import Sighting
from coach.settings import Settings

LEAD_IN_S = 3.0  # from a set's introduction to its first lift
VISION_STALE_S = 1.0  # no angles for this long: the camera is not seeing the leg
EXTRA_CYCLES = 3  # tempo cycles allowed beyond the target before a set ends anyway
REST_WARNING_S = 10.0
FRAMING_RECHECK_S = 5.0  # time to act on "move the camera back" before looking again
FRAMING_CHECKS = 3  # then the set starts anyway: the coach can keep time without seeing
# A warning due this soon before a tempo cue is said with it ("Hold. Not so high."): said on
# its own it would hold the tempo cue back, or be cut by it.
MERGE_WITH_TEMPO_S = 1.5
CALIBRATION_S = 1.5  # holding the toes straight ahead, after the request has been said
LIFT_SETTLE_S = 1.5  # raising the leg a little, before it is held still to be measured
TEMPO_STEP = 1.25  # "slower" stretches lift and lowering by this much; "faster" shrinks them
TEMPO_SCALE_RANGE = (0.5, 2.0)


ACTIVE_PHASES = {Phase.SETUP, Phase.SET, Phase.REST, Phase.SWITCH_SIDE}


@dataclass(frozen=True)
class Block:
    """One set in the plan."""

    side: str
    set_no: int


def plan_blocks(settings: Settings, program: Program) -> list[Block]:
    """All sets on one side, then all on the next: the person switches sides once."""
    sets = program.sets_per_side
    return [Block(side, n) for side in settings.session.legs for n in range(1, sets + 1)]


PROGRAM_COMMANDS = {
    Command.START_HOLDS: "holds",
    Command.START_CIRCLES: "circles",
    Command.START_CLAMSHELLS: "clamshells",
    Command.START_WALL_SLIDES: "wall_slides",
}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


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
        self._markerless = eyes == "pose"
        self._past = list(past)
        self._epoch = started_at or datetime(2000, 1, 1)
        self._program = program_for(settings.programs.default, settings)
        self._plan = plan_blocks(settings, self._program)
        self._watcher = FormWatcher(settings.form)
        self._out: list[Event] = []
        self._last_instruction: str | None = None
        self._verbosity = Verbosity.named(settings.speech.verbosity)
        self._reset_session()

    # -- public surface ------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def finished(self) -> bool:
        return self._phase in (Phase.DONE, Phase.STOPPED)

    @property
    def wants_frames(self) -> bool:
        """Only a set and the calibration need the camera; elsewhere the loop skips capture."""
        return (self._phase is Phase.SET and self._program.uses_camera) or self._calibrating

    @property
    def _calibrating(self) -> bool:
        return self._calibration is not None and self._phase is Phase.SETUP

    def command(self, t: float, command: Command, source: str) -> list[Event]:
        self._out = [CommandHeard(t, command.value, source)]
        self._now = t
        if command in PROGRAM_COMMANDS:
            self._on_start(PROGRAM_COMMANDS[command])
            return self._take()
        handler = {
            Command.QUIETER: lambda: self._change_verbosity(quieter=True),
            Command.MORE_CUES: lambda: self._change_verbosity(quieter=False),
            Command.START: self._on_start,
            Command.TOGGLE: self._on_toggle,
            Command.PAUSE: self._pause,
            Command.RESUME: self._resume,
            Command.STOP: self._stop,
            Command.NEXT_SIDE: self._next_side,
            Command.SKIP_REST: self._skip_rest,
            Command.HOW_MANY: self._how_many,
            Command.REPEAT: self._repeat,
            Command.SLOWER: lambda: self._change_tempo(faster=False),
            Command.FASTER: lambda: self._change_tempo(faster=True),
            Command.PAIN: self._pain,
            Command.HELP: self._help,
            Command.PROGRESS: self._progress,
        }[command]
        handler()
        return self._take()

    def greet(self, t: float) -> list[Event]:
        """Said once when the coach comes up, so the person knows it is listening."""
        self._now = t
        self._out = []
        self._say(cues.READY)
        return self._take()

    def device_changed(
        self, t: float, device: str, available: bool, detail: str = ""
    ) -> list[Event]:
        """A device came or went: say so, and carry on with what is left."""
        self._now = t
        self._out = [DeviceChanged(t, device, available, detail)]
        self._say(cues.device_changed(device, available))
        if device == "camera" and not available:
            self._said_no_vision = True  # just said: no need to say it again at the next rep
        return self._take()

    def tick(self, t: float, sighting: Sighting | None = None) -> list[Event]:
        """Advance to `t`; `sighting` is what this tick's frame showed, if a frame was taken."""
        self._out = []
        self._now = t
        if self._phase in ACTIVE_PHASES:
            if sighting is not None and self._calibrating:
                assert self._calibration is not None
                self._calibration.add(self._active, sighting.markers, sighting.size)
            if sighting is not None and self._phase is Phase.SET:
                self._sighting, self._sighted_at = sighting, self._active
                if sighting.angles is not None:
                    self._see(sighting.angles)
            self._run_due()
        return self._take()

    # -- time and scheduling ------------------------------------------------------------------

    @property
    def _active(self) -> float:
        return self._now - self._paused_total

    def _at(self, delay: float, action: Callable[[], None]) -> None:
        self._seq += 1
        self._schedule.append((self._active + delay, self._seq, action))
        self._schedule.sort(key=lambda item: item[:2])

    def _clear_schedule(self) -> None:
        """Nothing planned happens any more; a warning kept for a tempo cue is said now."""
        self._schedule.clear()
        self._tempo_due.clear()
        self._say_pending_warnings()

    def _run_due(self) -> None:
        while self._schedule and self._schedule[0][0] <= self._active:
            _, _, action = self._schedule.pop(0)
            action()

    def _say(self, text: str, priority: Priority = Priority.INFO, tag: str = "") -> None:
        if priority is Priority.INFO:
            self._last_instruction = text
        self._out.append(Cue(self._now, text, priority, tag))

    def _enter(self, phase: Phase) -> None:
        self._phase = phase
        block = self._block if phase in (Phase.SET, Phase.SETUP) else None
        self._out.append(
            StateChanged(
                self._now,
                phase,
                side=block.side if block else None,
                set=block.set_no if block else None,
            )
        )

    def _take(self) -> list[Event]:
        out, self._out = self._out, []
        return out

    # -- the session ----------------------------------------------------------------------------

    def _reset_session(self) -> None:
        self._phase = Phase.IDLE
        self._phase_before_pause = Phase.IDLE
        self._now = 0.0
        self._paused_total = 0.0
        self._paused_at = 0.0
        self._schedule: list[tuple[float, int, Callable[[], None]]] = []
        self._tempo_due: list[float] = []  # when this cycle's tempo cues are planned
        self._pending_warnings: list[str] = []  # to be said with the next tempo cue
        self._seq = 0
        self._block_index = 0
        self._reps_per_side: Counter[str] = Counter(
            {side: 0 for side in self._settings.session.legs}
        )
        self._fault_reps: Counter[str] = Counter()
        self._perfect_per_side: Counter[str] = Counter()
        self._unchecked_per_side: Counter[str] = Counter()
        self._session_started = 0.0
        self._said_no_vision = False
        self._named_lookalikes: set[str] = set()  # markers whose look-alikes were named
        self._tempo_scale = 1.0
        self._calibration: StillMoments | None = None
        self._sets_done = 0
        self._review_s = 0.0
        self._reset_set()

    def _reset_set(self) -> None:
        self._talk = SetTalk(self._verbosity, self._program.reps_per_set)
        self._set_faults: Counter[str] = Counter()
        self._watcher.reset()
        self._cycles = 0
        self._reps_this_cycle = 0
        self._warned_at: dict[str, float] = {}
        self._waiting_for_rest = False
        self._seen_at: float | None = None
        self._sighting: Sighting | None = None
        self._sighted_at: float | None = None
        self._framing_checks = 0

    @property
    def _block(self) -> Block:
        return self._plan[self._block_index]

    def _on_start(self, program: str | None = None) -> None:
        if self._phase is Phase.PAUSED:
            self._resume()
        elif self._phase is Phase.IDLE or self.finished:
            self._begin_session(program or self._settings.programs.default)

    def _on_toggle(self) -> None:
        if self._phase is Phase.IDLE or self.finished or self._phase is Phase.PAUSED:
            self._on_start()
        else:
            self._pause()

    def _begin_session(self, program: str) -> None:
        started_at = self._now
        self._reset_session()
        self._now = self._session_started = started_at
        self._paused_total = 0.0
        # With bursitis, holds are the one way of working the hip that presses least on it.
        swapped = self._settings.safety.condition == "bursitis" and program != "holds"
        self._program = program_for("holds" if swapped else program, self._settings)
        self._plan = plan_blocks(self._settings, self._program)
        self._out.append(SessionStarted(self._now, self._program.name))
        self._enter(Phase.SETUP)
        if swapped:
            lines = [cues.BURSITIS_HOLDS]
        elif self._program.name != "leg_lifts":
            lines = [cues.program_intro(self._program.title)]
        else:
            lines = []
        lines += [*cues.setup_cues(self._block.side), *self._program.setup]
        # Without a toe marker the pose model sees the toes too seldom to measure the camera
        # by them, and to judge them every rep: say so once.
        toe_marker = not self._markerless or self._settings.vision.toe_marker
        if not toe_marker and self._program.uses_camera:
            lines.append(cues.TOE_MARKER_HINT)
        camera = self._settings.camera
        calibrate = (
            camera.calibrate
            and camera.source != "none"
            and self._program.uses_camera
            and toe_marker
        )
        self._queue_setup(lines, then=self._calibrate if calibrate else self._after_calibration)

    def _queue_setup(self, lines: list[str], then: Callable[[], None] | None = None) -> None:
        """Each instruction gets the time it takes to say, and a pause to act on it."""
        delay = 0.0
        for line in lines:
            self._at(delay, lambda line=line: self._say(line))
            delay += cues.speaking_time(line, self._settings.speech.rate_wpm)
            delay += self._settings.session.setup_pause_s
        self._at(delay, then or self._begin_set)

    def _calibrate(self) -> None:
        """Toes straight ahead and still: the one pose whose rotation is known shows the tilt."""
        self._calibration = StillMoments()
        self._measure_after(self._ask(cues.CALIBRATE, "calibrate"), self._calibrate_lifted)

    def _calibrate_lifted(self) -> None:
        """The same foot with the leg a little raised: this shows the camera's turn."""
        settled = self._ask(cues.CALIBRATE_LIFT, "calibrate_lift") + LIFT_SETTLE_S
        self._measure_after(settled, self._finish_calibration)

    def _ask(self, text: str, tag: str) -> float:
        """Say a calibration request; returns the seconds it takes to say."""
        self._say(text, tag=tag)
        return cues.speaking_time(text, self._settings.speech.rate_wpm)

    def _measure_after(self, delay: float, then: Callable[[], None]) -> None:
        """Keep what the camera sees from `delay` seconds on, for CALIBRATION_S; then `then`."""
        assert self._calibration is not None
        self._calibration.begin(self._active + delay)
        self._at(delay + CALIBRATION_S, then)

    def _finish_calibration(self) -> None:
        moments, self._calibration = self._calibration, None
        view = CameraView.configured(self._settings.camera)
        ratio = self._settings.markers.foot_to_leg_ratio
        found = None if moments is None else moments.view(view, ratio)
        if found is None:
            self._say(cues.NOT_CALIBRATED, tag="calibrated")
        else:
            self._out.append(ViewCalibrated(self._now, found.tilt_deg, found.turn_deg))
            self._say(cues.CALIBRATED, tag="calibrated")
            assert moments is not None
            elevation = moments.hip_elevation_deg(found)
            if elevation is not None and elevation < MIN_ELEVATION_DEG:
                self._say(cues.CAMERA_LOW, tag="camera_low")
        self._after_calibration()

    def _after_calibration(self) -> None:
        foot = [cues.foot_cue(self._settings.safety.neutral_foot)]
        self._queue_setup(foot if self._program.uses_camera else [])

    def _begin_set(self) -> None:
        block, program = self._block, self._program
        self._enter(Phase.SET)
        self._reset_set()
        self._say(
            cues.set_intro(block.side, block.set_no, program.sets_per_side, program.reps_per_set)
        )
        self._at(LEAD_IN_S, self._check_framing)

    def _check_framing(self) -> None:
        """Before the first lift: say what the camera cannot see, and give time to fix it."""
        if self._phase is not Phase.SET:
            return
        sighting = self._sighting if self._recent(self._sighted_at) else None
        problems = sighting.framing_problems() if sighting and self._program.uses_camera else []
        if sighting is not None and sighting.side not in (None, self._block.side):
            problems.insert(0, "other_side")
        if not problems or self._framing_checks >= FRAMING_CHECKS:
            if sighting is not None:
                self._name_lookalike(sighting)
            self._start_cycle()
            return
        self._framing_checks += 1
        assert sighting is not None
        self._say(cues.framing_advice(problems[0], sighting, self._block.side))
        self._at(FRAMING_RECHECK_S, self._check_framing)

    def _name_lookalike(self, sighting: Sighting) -> None:
        """Something in view with a marker's colour: said once a session for each marker,
        with what to do about it. The set goes on: the coach only takes marker-shaped spots."""
        for lookalike in sighting.lookalikes:
            if lookalike.marker not in self._named_lookalikes:
                self._named_lookalikes.add(lookalike.marker)
                colour = getattr(self._settings.markers, lookalike.marker)
                self._say(cues.lookalike(lookalike.marker, colour_word(colour), sighting.spare))
                return

    def _start_cycle(self) -> None:
        if self._phase is not Phase.SET:
            return
        self._cycles += 1
        self._reps_this_cycle = 0
        self._waiting_for_rest = False
        for move in self._program.moves:
            self._tempo_due.append(self._active + move.at_s)
            self._at(move.at_s, lambda m=move: self._planned_tempo(m.text, m.tag))
        self._at(self._program.length_s, self._end_cycle)

    def _planned_tempo(self, text: str, tag: str) -> None:
        self._tempo_due.pop(0)  # moves fire in the order they were planned
        self._out.append(Beat(self._now, tag))
        said = self._talk.tempo(tag, text, self._cycles)
        if said is None:  # the rhythm is set: this move goes unsaid, a warning kept for it not
            self._say_pending_warnings()
        else:
            self._tempo(said, tag)

    def _tempo(self, text: str, tag: str) -> None:
        """A tempo cue, on time, with any warning that was kept for it after it."""
        if self._pending_warnings:
            text = " ".join([text, *self._pending_warnings])
            self._pending_warnings.clear()
            self._say(text, Priority.FORM, tag=tag)
        else:
            self._say(text, Priority.TEMPO, tag=tag)

    def _say_pending_warnings(self) -> None:
        if self._pending_warnings:
            text = " ".join(self._pending_warnings)
            self._pending_warnings.clear()
            self._say(text, Priority.FORM, tag="warn")

    def _tempo_soon(self) -> bool:
        return any(0 <= due - self._active <= MERGE_WITH_TEMPO_S for due in self._tempo_due)

    def _end_cycle(self) -> None:
        if self._phase is not Phase.SET:
            return
        if not self._vision_live and self._reps_this_cycle == 0:
            if not self._said_no_vision and self._program.uses_camera:
                self._said_no_vision = True
                self._say(cues.NO_BODY_SEEN if self._markerless else cues.NO_VISION)
            self._count(self._watcher.count_unseen())
            if self._phase is not Phase.SET:
                return
        target = self._program.reps_per_set
        if self._cycles >= target + EXTRA_CYCLES:
            self._end_set()
        elif self._vision_live and self._watcher.in_rep:
            # The leg is still coming down: let the person finish before the next lift.
            self._waiting_for_rest = True
            self._at(self._program.lower_s, self._next_cycle_if_waiting)
        else:
            self._at(self._settings.tempo.between_reps_s, self._start_cycle)

    def _next_cycle_if_waiting(self) -> None:
        if self._waiting_for_rest:
            self._start_cycle()

    @property
    def _vision_live(self) -> bool:
        return self._program.uses_camera and self._recent(self._seen_at)

    def _recent(self, at: float | None) -> bool:
        """Whether something the camera showed at `at` still describes the person now."""
        return at is not None and self._active - at <= VISION_STALE_S

    def _see(self, angles: LegAngles) -> None:
        self._seen_at = self._active
        onsets, scored = self._watcher.update(self._active, angles)
        for onset in onsets:
            self._warn(onset.fault, onset.value)
        if scored is not None:
            self._reps_this_cycle += 1
            for fault in scored.tempo_faults:
                self._warn(fault, 0.0, rep=scored.number, with_tempo=True)
            self._count(scored)
            if self._waiting_for_rest and self._phase is Phase.SET:
                self._waiting_for_rest = False
                self._at(self._settings.tempo.between_reps_s, self._start_cycle)

    def _warn(
        self, fault: str, value: float, rep: int | None = None, with_tempo: bool = False
    ) -> None:
        """Say it, unless the same was said within the cooldown; `rep` defaults to the current.
        With a tempo cue due within MERGE_WITH_TEMPO_S (or `with_tempo`: the count said now),
        it is said with that cue instead of before it."""
        if fault not in self._program.watched:
            return
        last = self._warned_at.get(fault)
        if last is not None and self._active - last < self._settings.form.warning_cooldown_s:
            return
        self._warned_at[fault] = self._active
        block = self._block
        self._out.append(
            FormWarning(
                self._now,
                fault,
                block.side,
                block.set_no,
                rep or self._watcher.current_rep,
                round(value, 1),
            )
        )
        text = cues.warning_text(fault, self._settings.safety.neutral_foot)
        if with_tempo or self._tempo_soon():
            self._pending_warnings.append(text)
        else:
            self._say(text, Priority.FORM, tag=f"warn:{fault}")

    def _count(self, scored: ScoredRep) -> None:
        block, rep, n = self._block, scored.rep, scored.number
        faults = tuple(f for f in scored.faults if f in self._program.watched)
        self._reps_per_side[block.side] += 1
        self._fault_reps.update(faults)
        self._set_faults.update(faults)
        if rep is None:
            self._unchecked_per_side[block.side] += 1
        elif not faults:
            self._perfect_per_side[block.side] += 1
        self._out.append(
            RepCounted(
                self._now,
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
            )
        )
        self._tempo(self._talk.count(n, faults, self._program.says_numbers), "count")
        if n >= self._program.reps_per_set:
            self._end_set()

    def _end_set(self) -> None:
        self._clear_schedule()
        self._say(cues.set_done(self._block.set_no))
        self._sets_done += 1
        review: list[str] = []
        if self._verbosity >= Verbosity.QUIET and self._program.uses_camera:
            review = cues.set_review(self._sets_done == 1, self._set_faults)
        for line in review:
            self._say(line)
        # The break starts once the review has been said, so it is never cut short by it.
        wpm = self._settings.speech.rate_wpm
        self._review_s = sum(cues.speaking_time(line, wpm) for line in review)
        if self._block_index + 1 >= len(self._plan):
            self._finish("plan")
            return
        following = self._plan[self._block_index + 1]
        if following.side != self._block.side:
            self._begin_switch()
        else:
            self._begin_rest()

    def _begin_rest(self) -> None:
        seconds = self._settings.session.rest_between_sets_s
        self._block_index += 1
        self._enter(Phase.REST)
        if seconds <= 0:
            self._at(self._review_s, self._begin_set)
            return
        self._say(cues.rest(seconds))
        seconds += self._review_s
        if seconds > REST_WARNING_S + 5:
            self._at(seconds - REST_WARNING_S, lambda: self._say(cues.REST_ENDING))
        self._at(seconds, self._begin_set)

    def _begin_switch(self) -> None:
        self._block_index += 1
        self._enter(Phase.SWITCH_SIDE)
        self._say(cues.switch_sides(self._block.side, move_markers=not self._markerless))
        self._at(self._settings.session.side_switch_s + self._review_s, self._begin_side_setup)

    def _begin_side_setup(self) -> None:
        self._clear_schedule()
        self._calibration = None
        self._enter(Phase.SETUP)
        neutral_foot = self._settings.safety.neutral_foot
        self._queue_setup(cues.side_setup_cues(self._block.side, neutral_foot))

    def _finish(self, ended_by: str) -> None:
        """End the session: `ended_by` is "plan" (all sets done), "stop" or "pain"."""
        self._clear_schedule()
        self._calibration = None
        completed = ended_by == "plan"
        self._enter(Phase.DONE if completed else Phase.STOPPED)
        today = SessionRecord(
            self._epoch + timedelta(seconds=self._session_started),
            dict(self._reps_per_side),
            {side: self._perfect_per_side[side] for side in self._reps_per_side},
            dict(self._fault_reps),
            ended_by,
            self._program.name,
            unchecked={side: self._unchecked_per_side[side] for side in self._reps_per_side},
        )
        same = [r for r in self._past if r.program == self._program.name]
        last = same[-1] if same else None
        self._past.append(today)
        if completed:
            checked = sum(self._reps_per_side.values()) - sum(self._unchecked_per_side.values())
            clean = sum(self._perfect_per_side.values())
            self._say(cues.finished(dict(self._reps_per_side), clean, checked))
            self._say(progress.how_it_went(today, last))
            if (suggestion := progress.advice(self._past)) is not None:
                self._say(suggestion)
        else:
            self._say(cues.PAIN if ended_by == "pain" else cues.STOPPED, Priority.SAFETY)
        self._out.append(
            SessionSummary(
                self._now,
                dict(self._reps_per_side),
                dict(self._fault_reps),
                completed=completed,
                ended_by=ended_by,
                perfect_per_side=today.perfect,
                program=self._program.name,
                unchecked_per_side=today.unchecked,
            )
        )

    # -- commands -------------------------------------------------------------------------------

    def _pause(self) -> None:
        if self._phase not in ACTIVE_PHASES:
            return
        self._phase_before_pause = self._phase
        self._paused_at = self._now
        self._enter(Phase.PAUSED)
        self._say(cues.PAUSED, Priority.SAFETY)  # a halt: it cuts whatever is being said

    def _resume(self) -> None:
        if self._phase is not Phase.PAUSED:
            return
        self._paused_total += self._now - self._paused_at
        self._enter(self._phase_before_pause)
        self._say(cues.RESUMED)
        if self._phase is Phase.SET:
            # A rep cut by the pause does not count; start the cycle again from rest.
            self._clear_schedule()
            self._watcher.restart_rep()
            self._at(LEAD_IN_S, self._start_cycle)

    @property
    def _in_session(self) -> bool:
        return self._phase in ACTIVE_PHASES or self._phase is Phase.PAUSED

    def _stop(self) -> None:
        if self._in_session:
            self._finish("stop")

    def _pain(self) -> None:
        if self._in_session:
            self._finish("pain")
        else:
            self._say(cues.PAIN, Priority.SAFETY)

    def _how_many(self) -> None:
        if self._phase is Phase.SET:
            self._say(cues.how_many(self._watcher.reps_done, self._program.reps_per_set))
        elif self._phase in (Phase.REST, Phase.SWITCH_SIDE):
            self._say(cues.next_set(self._block.side, self._block.set_no))
        elif self._phase is Phase.IDLE:
            self._say(cues.NOT_STARTED)

    def _repeat(self) -> None:
        if self._last_instruction is None:
            self._help()
        else:
            self._say(self._last_instruction)

    def _progress(self) -> None:
        now = self._epoch + timedelta(seconds=self._now)
        self._say(progress.trend(self._past, now))

    def _help(self) -> None:
        self._say(cues.help_text(self._settings.voice.commands.by_command()))

    def _change_verbosity(self, quieter: bool) -> None:
        before = self._verbosity
        self._verbosity = talk.quieter(before) if quieter else talk.louder(before)
        self._talk.verbosity = self._verbosity
        self._say(cues.verbosity_changed(before, self._verbosity))

    def _change_tempo(self, faster: bool) -> None:
        scale = self._tempo_scale / TEMPO_STEP if faster else self._tempo_scale * TEMPO_STEP
        if not TEMPO_SCALE_RANGE[0] <= round(scale, 3) <= TEMPO_SCALE_RANGE[1]:
            self._say(cues.tempo_limit(faster))
            return
        self._tempo_scale = scale
        self._program = program_for(self._program.name, self._settings, scale)
        self._say(cues.tempo_changed(faster, self._program.lift_s, self._program.lower_s))

    def _next_side(self) -> None:
        if self._phase is Phase.SWITCH_SIDE:
            self._begin_side_setup()
            return
        if self._phase not in (Phase.SET, Phase.REST, Phase.SETUP):
            return
        side = self._block.side
        later = [
            i for i, block in enumerate(self._plan) if i > self._block_index and block.side != side
        ]
        if not later:
            return
        self._clear_schedule()
        self._block_index = later[0] - 1
        self._begin_switch()

    def _skip_rest(self) -> None:
        if self._phase is Phase.REST:
            self._clear_schedule()
            self._begin_set()
        elif self._phase is Phase.SWITCH_SIDE:
            self._begin_side_setup()
