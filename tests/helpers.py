"""What the tests share: quick settings, driving the pure session engine on made-up time, and
the whole coach with its simulated athlete or as a command a user runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from coach.adapters.clock import VirtualClock
from coach.adapters.frames import FrameSource
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.app.loop import CoachLoop
from coach.core.events import Command, Cue, Event, StateChanged
from coach.core.geometry import LegAngles
from coach.core.session import Coach
from coach.core.vision import BodyReader
from coach.settings import Settings
from coach.sim.athlete import Script, SimulatedAthlete

TICK = 0.1


def quick_settings(reps: int = 3, sets: int = 1, **session: float) -> Settings:
    """Small frames and short breaks: a whole two-sided session in a fraction of a second."""
    base = Settings()
    return replace(
        base,
        session=replace(
            base.session,
            reps_per_set=reps,
            sets_per_side=sets,
            rest_between_sets_s=session.get("rest", 5.0),
            side_switch_s=session.get("switch", 6.0),
            setup_pause_s=0.5,
        ),
        camera=replace(base.camera, width=192, height=144, fps=10),
    )


def run_until(
    coach: Coach,
    start: float,
    end: float,
    angles: Callable[[float], LegAngles | None] = lambda t: None,
) -> list[Event]:
    events: list[Event] = []
    steps = round((end - start) / TICK)
    for i in range(1, steps + 1):
        t = start + i * TICK
        events += coach.tick(t, angles(t))
    return events


def started(coach: Coach, at: float = 0.0) -> list[Event]:
    return coach.command(at, Command.START, "test")


def cue_tags(events: list[Event]) -> list[str]:
    return [e.tag for e in events if isinstance(e, Cue) and e.tag]


def states(events: list[Event]) -> list[str]:
    return [e.state for e in events if isinstance(e, StateChanged)]


def coached(
    settings: Settings,
    script: Script,
    camera_for: Callable[[SimulatedAthlete], FrameSource] | None = None,
    command: Command = Command.START,
    reader: BodyReader | None = None,
    events: list[Event] | None = None,
) -> tuple[list[Event], CoachLoop]:
    """A whole session with the simulated athlete on the virtual clock: its events (into
    `events` if given, for a camera that watches them), its loop."""
    events = [] if events is None else events
    loop, _ = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], script, camera_for, reader
    )
    loop.send(command, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    return events, loop


class Blinded:
    """A camera that shows nothing while `blind()` says so (a person turned away, a hand over
    the lens), as the coach's frame source sees it."""

    def __init__(self, camera: FrameSource, blind: Callable[[], bool]) -> None:
        self._camera, self._blind = camera, blind

    def read(self, t: float):
        return None if self._blind() else self._camera.read(t)

    def close(self) -> None:
        self._camera.close()


def run_coach(*args: str, state: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The `coach` command as a user runs it, its state folder in `state` if given."""
    extra = {} if state is None else {"STATE_DIRECTORY": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **extra},
    )


def run_doctor(config: Path, state: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`coach doctor` with this config, its state folder in `state`."""
    return run_coach("--config", str(config), "doctor", *options, state=state)
