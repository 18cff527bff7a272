"""Before a set: the instructions, each with time to act on it; the camera measured by the
person's foot (toes ahead, then the leg a little raised); and a look at the framing before the
first lift, saying what the camera cannot see and giving time to fix it."""

from __future__ import annotations

from collections.abc import Callable

from coach.core import cues
from coach.core.calibration import StillMoments
from coach.core.depth import MIN_ELEVATION_DEG
from coach.core.events import Phase, ViewCalibrated
from coach.core.lookalikes import colour_word
from coach.core.set_runner import SetRunner
from coach.core.stage import Part, Stage
from coach.core.view import CameraView
from coach.core.vision import Sighting

FRAMING_RECHECK_S = 5.0  # time to act on "move the camera back" before looking again
FRAMING_CHECKS = 3  # then the set starts anyway: the coach can keep time without seeing
CALIBRATION_S = 1.5  # holding the toes straight ahead, after the request has been said
LIFT_SETTLE_S = 1.5  # raising the leg a little, before it is held still to be measured
# Lying still for the pose model, after the request has been said: half a second to see the leg
# is still, then enough of a steady rest to measure the tilt by (`pose.resting_tilt`).
STILL_LOOK_S = 3.0


class SetupFlow(Part):
    def __init__(self, stage: Stage, runner: SetRunner, begin_set: Callable[[], None]) -> None:
        """`runner` shows what the camera saw and starts the lifts once the framing is right;
        `begin_set` is called when the set-up has been said."""
        super().__init__(stage)
        self._runner = runner
        self._begin_set = begin_set
        self.restart()

    def restart(self) -> None:
        self._calibration: StillMoments | None = None
        self._looking = False  # the person asked to lie still while the pose model looks
        self._named_lookalikes: set[str] = set()  # markers whose look-alikes were named
        self._said_camera = False  # that the camera is not yet measured: said once a session
        self._said_turn = False  # that the turn is the configured one: said once a session
        self.new_set()

    def new_set(self) -> None:
        self._framing_checks = 0

    @property
    def calibrating(self) -> bool:
        return self._calibration is not None and self._phase() is Phase.SETUP

    @property
    def watching(self) -> bool:
        """Whether the setup wants the camera's frames: to calibrate by the toes, or for the
        pose model to measure the camera from the body lying still."""
        return self.calibrating or (self._looking and self._phase() is Phase.SETUP)

    def calibration_frame(self, sighting: Sighting) -> None:
        assert self._calibration is not None
        self._calibration.add(self._agenda.active, sighting.markers, sighting.size)

    def drop_calibration(self) -> None:
        self._calibration = None
        self._looking = False

    def first_side(self, swapped: bool, after_pain: str | None = None) -> None:
        """The session's first set-up: the program, lying down, and the camera measured if it
        can be. `swapped`: leg lifts were turned into holds for a sore hip; `after_pain`: why
        today is gentler than asked, said first (it names the program)."""
        program = self._course.program
        lines = [] if after_pain is None else [after_pain]
        if swapped:
            lines.append(cues.BURSITIS_HOLDS)
        elif program.name != "leg_lifts" and after_pain is None:
            lines.append(cues.program_intro(program.title))
        side = self._course.block.side
        if program.bent_knees:
            lines += cues.clamshell_setup_cues(side, self._settings.safety.sore_side)
        else:
            lines += cues.setup_cues(side, self._settings.safety.sore_side)
        lines += program.setup
        # Without a toe marker the pose model sees the toes too seldom to measure the camera
        # by them, and to judge them every rep: say so once. Clamshells judge no toes.
        toe_marker = not self._markerless or self._settings.vision.toe_marker
        judges_toes = program.uses_camera and not program.bent_knees
        if not toe_marker and judges_toes:
            lines.append(cues.TOE_MARKER_HINT)
        camera = self._settings.camera
        measures = camera.calibrate and camera.source != "none"
        if measures and judges_toes and toe_marker:
            then = self._calibrate
        elif measures and not toe_marker and program.uses_camera:
            then = self._look_still  # no toes to measure by: the body lying still instead
        else:
            then = self._after_calibration
        self._queue(lines, then=then)

    def next_side(self) -> None:
        """A shorter reminder after switching sides."""
        self._calibration = None
        self._looking = False
        side = self._course.block.side
        if self._course.program.bent_knees:
            self._queue(cues.clamshell_side_setup_cues(side))
        else:
            self._queue(cues.side_setup_cues(side, self._settings.safety.neutral_foot))

    def _queue(self, lines: list[str], then: Callable[[], None] | None = None) -> None:
        """Each instruction gets the time it takes to say, and a pause to act on it."""
        delay = 0.0
        for line in lines:
            self._agenda.at(delay, lambda line=line: self._out.say(line))
            delay += cues.speaking_time(line, self._settings.speech.rate_wpm)
            delay += self._settings.session.setup_pause_s
        self._agenda.at(delay, then or self._begin_set)

    def _calibrate(self) -> None:
        """Toes straight ahead and still: the one pose whose rotation is known shows the tilt."""
        self._calibration = StillMoments()
        self._measure_after(self._ask(cues.CALIBRATE, "calibrate"), self._calibrate_lifted)

    def _calibrate_lifted(self) -> None:
        """The same foot with the leg a little raised: this shows the camera's turn."""
        settled = self._ask(cues.CALIBRATE_LIFT, "calibrate_lift") + LIFT_SETTLE_S
        self._measure_after(settled, self._finish_calibration)

    def _look_still(self) -> None:
        """The pose model measures the camera's tilt from the body lying still: asked for, so
        the set does not begin on a camera read as level (`camera_unmeasured` if it still
        could not)."""
        self._looking = True
        self._agenda.at(self._ask(cues.LIE_STILL, "lie_still") + STILL_LOOK_S, self._looked)

    def _looked(self) -> None:
        self._looking = False
        self._after_calibration()

    def _ask(self, text: str, tag: str) -> float:
        """Say a calibration request; returns the seconds it takes to say."""
        self._out.say(text, tag=tag)
        return cues.speaking_time(text, self._settings.speech.rate_wpm)

    def _measure_after(self, delay: float, then: Callable[[], None]) -> None:
        """Keep what the camera sees from `delay` seconds on, for CALIBRATION_S; then `then`."""
        assert self._calibration is not None
        self._calibration.begin(self._agenda.active + delay)
        self._agenda.at(delay + CALIBRATION_S, then)

    def _finish_calibration(self) -> None:
        moments, self._calibration = self._calibration, None
        view = CameraView.configured(self._settings.camera)
        ratio = self._settings.markers.foot_to_leg_ratio
        found = None if moments is None else moments.view(view, ratio)
        if found is None:
            self._out.say(cues.NOT_CALIBRATED, tag="calibrated")
        else:
            self._out.emit(ViewCalibrated(self._agenda.now, found.tilt_deg, found.turn_deg))
            self._out.say(cues.CALIBRATED, tag="calibrated")
            assert moments is not None
            elevation = moments.hip_elevation_deg(found)
            if elevation is not None and elevation < MIN_ELEVATION_DEG:
                self._out.say(cues.CAMERA_LOW, tag="camera_low")
        self._after_calibration()

    def _after_calibration(self) -> None:
        program = self._course.program
        foot = [cues.foot_cue(self._settings.safety.neutral_foot)]
        self._queue(foot if program.uses_camera and not program.bent_knees else [])

    def check_framing(self) -> None:
        """Before the first lift: say what the camera cannot see, and give time to fix it."""
        if self._phase() is not Phase.SET:
            return
        program, side = self._course.program, self._course.block.side
        sighting = self._runner.recent_sighting()
        problems = sighting.framing_problems() if sighting and program.uses_camera else []
        if sighting is not None and sighting.side not in (None, side):
            problems.insert(0, "other_side")
        if not problems or self._framing_checks >= FRAMING_CHECKS:
            if sighting is not None:
                self._name_lookalike(sighting)
                if program.uses_camera:
                    self._say_camera_unmeasured(sighting)
            self._runner.start_cycle()
            return
        self._framing_checks += 1
        assert sighting is not None
        self._out.say(cues.framing_advice(problems[0], sighting, side))
        self._agenda.at(FRAMING_RECHECK_S, self.check_framing)

    def _say_camera_unmeasured(self, sighting: Sighting) -> None:
        """The angles rest on the configured camera for now, or on its configured turn: each
        said once a session."""
        if not sighting.camera_measured and not self._said_camera:
            self._said_camera = True
            tilt = self._settings.camera.tilt_deg
            self._out.say(cues.camera_unmeasured(tilt), tag="camera_unmeasured")
        if not sighting.turn_measured and not self._said_turn:
            self._said_turn = True
            turn = self._settings.camera.turn_deg
            self._out.say(cues.turn_unmeasured(turn), tag="turn_unmeasured")

    def _name_lookalike(self, sighting: Sighting) -> None:
        """Something in view with a marker's colour: said once a session for each marker,
        with what to do about it. The set goes on: the coach only takes marker-shaped spots."""
        for lookalike in sighting.lookalikes:
            if lookalike.marker not in self._named_lookalikes:
                self._named_lookalikes.add(lookalike.marker)
                colour = getattr(self._settings.markers, lookalike.marker)
                self._out.say(cues.lookalike(lookalike.marker, colour_word(colour), sighting.spare))
                return
