"""The demo: the real coach, with a simulated person in front of a simulated camera."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from coach.adapters.clock import Clock, VirtualClock
from coach.adapters.frames import FrameSource
from coach.adapters.set_video import SetVideos
from coach.adapters.speech import Speaker, make_speaker
from coach.adapters.store import SessionRecorder, history_file, open_or_set_aside
from coach.adapters.video import VideoUnavailable
from coach.app.devices import SimulatedDevices
from coach.app.loop import CoachLoop, EventSink
from coach.app.views import JsonView, LiveView
from coach.app.wiring import wire
from coach.core.events import Command
from coach.core.programs import program_allowed, program_for
from coach.core.sore_hip import worked_legs
from coach.core.vision import BodyReader
from coach.settings import Settings
from coach.sim.athlete import RepStyle, Script, SimulatedAthlete
from coach.sim.program_scripts import top_script
from coach.sim.side_programs import side_program_script

# One rep too high, one with the toes turning up and one where the leg drops, so the demo shows
# each warning.
DEMO_SCRIPT = Script(
    special={
        ("right", 1, 2): RepStyle(peak_deg=60.0),
        ("right", 1, 3): RepStyle(rotation_deg=25.0),
        ("left", 1, 2): RepStyle(lower_s=0.8),
    }
)
SPEECH_DRAIN_S = 15.0
EXIT_NO_VIDEO = 3  # --record asked for and impossible: before the session starts
# Besides its reps and breaks, a session spends about this long on setting up each side, the
# switch's words and the summary (measured on the demo: 75 s of the 123 s of 2 reps, 1 set),
# and this long on the review said before each rest.
SETUP_AND_TALK_S = 75.0
REVIEW_S = 3.0
QUICK_SPEED = 20  # what the demo suggests when it would take minutes
HINT_OVER_S = 60.0  # a shorter wait needs no hint


def demo_settings(settings: Settings, reps: int, sets: int, program: str | None = None) -> Settings:
    """Short sets and short breaks, so the whole session fits in a few minutes: `reps` and
    `sets` for whichever program runs (`program`, or the configured one)."""
    session = replace(
        settings.session,
        reps_per_set=reps,
        sets_per_side=sets,
        rest_between_sets_s=min(settings.session.rest_between_sets_s, 8.0),
        side_switch_s=min(settings.session.side_switch_s, 10.0),
    )
    programs = replace(
        settings.programs,
        default=program or settings.programs.default,
        hold_reps=reps,
        circle_reps=reps,
        circle_sets=sets,
        clamshell_reps=reps,
        clamshell_sets=sets,
        wall_slide_reps=reps,
    )
    return replace(settings, session=session, programs=programs)


def demo_script(settings: Settings) -> Script:
    """How the simulated person does the program the demo starts."""
    program = program_allowed(settings.programs.default, settings)
    return top_script(program, settings) or side_program_script(program) or DEMO_SCRIPT


def expected_length_s(settings: Settings) -> float:
    """How long the session lasts at real speed, near enough to say in minutes."""
    program = program_for(program_allowed(settings.programs.default, settings), settings)
    session = settings.session
    sides = len(worked_legs(settings))  # one with a sore hip
    sets = sides * program.sets_per_side
    rests = sets - sides  # between the sets of each side; a switch comes between the sides
    return (
        SETUP_AND_TALK_S
        + sets * program.reps_per_set * (program.length_s + settings.tempo.between_reps_s)
        + rests * (session.rest_between_sets_s + REVIEW_S)
        + (sides - 1) * session.side_switch_s
    )


def speed_hint(settings: Settings, speed: float) -> str | None:
    """At a speed that keeps the user waiting minutes, how long, and how to see it sooner."""
    wait_s = expected_length_s(settings) / speed
    if wait_s <= HINT_OVER_S:
        return None
    quick_s = expected_length_s(settings) / QUICK_SPEED
    return (
        f"This session takes about {round(wait_s / 60)} minutes at this speed; "
        f"--speed {QUICK_SPEED} shows it in about {quick_s:.0f} seconds (Ctrl-C stops it)."
    )


def build_demo(
    settings: Settings,
    clock: Clock,
    speaker: Speaker,
    sinks: Iterable[EventSink] = (),
    script: Script = DEMO_SCRIPT,
    camera_for: Callable[[SimulatedAthlete], FrameSource] | None = None,
    reader: BodyReader | None = None,
) -> tuple[CoachLoop, SimulatedAthlete]:
    """The coach on simulated devices (see SimulatedDevices for `camera_for` and `reader`),
    through the same wiring as the service."""
    devices = SimulatedDevices(settings, speaker, script, camera_for, reader)
    rig = wire(settings, devices, clock, sinks=[devices.athlete.on_event, *sinks])
    return rig.loop, devices.athlete


def run_demo(
    settings: Settings,
    speed: float,
    as_json: bool,
    out: TextIO,
    save: bool = False,
    record: Path | None = None,
) -> int:
    videos = None
    if record is not None:
        try:
            videos = _set_videos(settings, record)
        except VideoUnavailable as exc:
            print(f"coach: --record: {exc}", file=sys.stderr)
            return EXIT_NO_VIDEO
    if not as_json and (hint := speed_hint(settings, speed)):
        print(hint, file=out, flush=True)
    speaker = make_speaker(settings.speech)
    view = JsonView(out) if as_json else LiveView(out)
    sinks: list[EventSink] = [view]
    recorder = None
    if save:
        recorder = SessionRecorder(open_or_set_aside(history_file()), simulated=True)
        sinks.append(recorder)
    # On a Pi the real button pauses and stops the demo too; elsewhere there is none.
    devices = SimulatedDevices(settings, speaker, demo_script(settings), gpio=True)
    rig = wire(
        settings,
        devices,
        VirtualClock(pace=speed),
        sinks=[devices.athlete.on_event, *sinks],
        record=lambda: videos,
    )
    loop = rig.loop
    loop.send(Command.START, "demo")
    try:
        loop.run(until=lambda: loop.coach.finished)
        speaker.drain(SPEECH_DRAIN_S)
    except KeyboardInterrupt:
        loop.send(Command.STOP, "keyboard")
        loop.step()
    finally:
        rig.close()
        if recorder is not None:
            recorder.interrupted("stop")
            recorder.close()
    if recorder is not None and not as_json:
        print(_saved_message(recorder), file=out)
    if record is not None and not as_json:
        print(f"Each set's video is in {record}: coach analyze replays one.", file=out)
    return 0


def _saved_message(recorder: SessionRecorder) -> str:
    """What `--save` did, as the history has it: the log said why when it could not."""
    if recorder.saved:
        return f"Saved as a simulated session: coach history shows it ({history_file()})."
    return f"Not saved: the history ({history_file()}) could not be written; see above."


def _set_videos(settings: Settings, folder: Path) -> SetVideos:
    """Every set of the demo kept in `folder`. Raises VideoUnavailable without PyAV, or when
    the folder cannot be written, or there is no camera."""
    if settings.camera.source == "none":
        raise VideoUnavailable('camera.source = "none": there is no camera to record')
    return SetVideos.configured(folder, None, settings.camera, wait_for_encoder=True)
