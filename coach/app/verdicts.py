"""The verdicts on hostile inputs that take the whole coach: a config is checked by
`coach check-config` and then run, a video is replayed by `coach analyze --annotate`. The inputs
come from coach.sim.hostile; the tests and `scripts/bench --only robustness` judge them here."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.analyze import run_analyze
from coach.app.demo import build_demo, demo_settings
from coach.cli import main
from coach.core.events import Command
from coach.settings.load import load_settings


def coach_runs(path: Path) -> None:
    """A short simulated session with these settings, on the virtual clock: an accepted config
    must give a coach that runs, not one that fails at the first set."""
    settings = demo_settings(load_settings(path), reps=1, sets=1)
    # Small frames keep hundreds of sessions quick; the size itself is checked by the schema
    # and the frame size does not change what the session does.
    small = replace(settings.camera, width=192, height=144, fps=min(settings.camera.fps, 5))
    settings = replace(settings, camera=small)
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker())
    loop.send(Command.START, "robustness")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    if not loop.coach.finished:
        raise RuntimeError("the session did not finish")


def check_config_case(path: Path, run_coach: Callable[[Path], None] = coach_runs) -> str | None:
    """`coach check-config` must say ok (and then the coach must run) or exit 2 with one
    printable line per problem."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check-config", str(path)])
    errors = err.getvalue().splitlines()
    if code == 0:
        if errors or out.getvalue() != f"{path}: ok\n":
            return f"ok, but printed {out.getvalue()!r} {err.getvalue()!r}"
        run_coach(path)
        return None
    if code != 2:
        return f"exit {code}"
    if not errors or not all(line.startswith("coach: config error: ") for line in errors):
        return f"exit 2 without one line per problem: {err.getvalue()[:200]!r}"
    if not all(line.isprintable() for line in errors):
        return "an error line holds a control character"
    return None


def check_video_case(path: Path, target: Path, settings: object) -> str | None:
    """`coach analyze --annotate` exits 0 with a whole copy, or 1 with one line per problem;
    no file that was there is changed, and no partial copy is left behind."""
    before = target.read_bytes() if target.is_file() else None
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = run_analyze(settings, str(path), True, str(target), out)  # type: ignore[arg-type]
    if before is not None and (not target.is_file() or target.read_bytes() != before):
        return f"changed {target.name}, which was there before"
    leftovers = [p.name for p in path.parent.glob(".*partial*")]
    if leftovers:
        return f"left {leftovers}"
    said = [line for line in err.getvalue().splitlines() if line.startswith("coach: ")]
    if code == 0:
        return None if target.is_file() else "exit 0 without the annotated copy"
    if code != 1 or not said:
        return f"exit {code}: {err.getvalue()[:200]!r}"
    return None
