"""A year on a Pi, for scripts/bench --only robustness: the clock stepped by NTP, a card that
fills up, a camera handing over odd frames, and ten years of daily sessions. Each case says
what was coached and what was kept: nothing may be lost."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach.adapters.clock import VirtualClock
from coach.adapters.set_video import SetVideos, recorded_sets
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.store import SessionRecorder, open_database, read_history
from coach.app.demo import build_demo
from coach.app.history import run_history
from coach.core.events import Command, Cue, RepCounted, SessionStarted
from coach.settings import Settings
from coach.sim.athlete import Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from coach.sim.hostile import OddFrames

MB = 2**20
NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def _quiet(settings: Settings, reps: int = 3, sets: int = 1) -> Settings:
    session = replace(
        settings.session,
        reps_per_set=reps,
        sets_per_side=sets,
        rest_between_sets_s=5.0,
        side_switch_s=5.0,
    )
    return replace(
        settings,
        session=session,
        voice=replace(settings.voice, enabled=False),
        button=replace(settings.button, enabled=False),
    )


@contextlib.contextmanager
def _state(folder: Path) -> Iterator[None]:
    before = os.environ.get("STATE_DIRECTORY")
    os.environ["STATE_DIRECTORY"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["STATE_DIRECTORY"]
        else:
            os.environ["STATE_DIRECTORY"] = before


def _saved_reps(path: Path) -> int:
    return sqlite3.connect(path).execute("SELECT count(*) FROM reps").fetchone()[0]


def clock_step_figures(folder: Path) -> dict[str, object]:
    """Three sessions 90 days old, the service started on a clock three months behind; NTP
    then puts it right. Then a whole session while the clock steps back an hour a reading."""
    from coach.app.daemon import build_service

    history = open_database(folder / "history.sqlite3")
    recorder = SessionRecorder(history)
    for hours in (1, 2, 3):
        recorder(SessionStarted(0.0, "leg_lifts"))
        recorder(RepCounted(1.0, "right", 1, 1, 30.0, (), 2.0, 2.0, 4.0))
        history.execute(
            "UPDATE sessions SET started_at = ? WHERE id = (SELECT max(id) FROM sessions)",
            ((NOW - timedelta(days=90, hours=hours)).isoformat(),),
        )
    history.close()
    wall = [NOW - timedelta(days=90)]
    settings = _quiet(Settings())
    said: list[str] = []
    with _state(folder):
        service = build_service(
            settings, VirtualClock(), ConsoleSpeaker(), wall_clock=lambda: wall[0]
        )
    service.loop.add_sink(lambda e: said.append(e.text) if isinstance(e, Cue) else None)
    service.loop.send(Command.PROGRESS, "voice")
    service.loop.step()
    before_step = said[-1].split(" in the last")[0]
    wall[0] = NOW
    service.loop.send(Command.PROGRESS, "voice")
    service.loop.step()
    after_step = said[-1].split(" in the last")[0]
    service.close()

    readings = iter(range(10**6))
    reps: list[RepCounted] = []
    with _state(folder):
        service = build_service(
            settings,
            VirtualClock(),
            ConsoleSpeaker(),
            wall_clock=lambda: NOW - timedelta(hours=next(readings)),
        )
    service.loop.add_sink(lambda e: reps.append(e) if isinstance(e, RepCounted) else None)
    service.loop.send(Command.START, "bench")
    service.loop.run(until=lambda: service.loop.coach.finished, max_seconds=3000)
    service.close()
    return {
        "week_before_ntp_step": before_step,
        "week_after_ntp_step": after_step,
        "stepping_back_reps_coached": len(reps),
        "stepping_back_reps_saved": _saved_reps(folder / "history.sqlite3") - 3,
    }


@contextlib.contextmanager
def _card(folder: Path, size_mb: int) -> Iterator[Path | None]:
    """A tmpfs of `size_mb` standing in for the SD card; None where it cannot be mounted."""
    card = folder / "card"
    card.mkdir()
    mounted = os.geteuid() == 0 and (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(card)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield card if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(card)], check=False)


def _deleted_files_held(card: Path) -> int:
    """Descriptors of this process on deleted files of the card: blocks it cannot get back."""
    held = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            held += target.startswith(str(card)) and target.endswith("(deleted)")
    return held


def full_card_figures(folder: Path, sessions: int = 14) -> dict[str, object]:
    """Sessions coached with every set recorded onto a card with 16 MB free, history and
    videos side by side, the floor at 12 MB: every rep coached is saved, the newest sets are
    the ones kept, and the card never goes below the floor."""
    with _card(folder, 48) as card:
        if card is None:
            return {"skipped": "mounting a tmpfs needs root"}
        with (card / "filler").open("ab") as filler:  # the card's other contents
            filler.write(bytes(shutil.disk_usage(card).free - 16 * MB))
        settings = _quiet(Settings(), reps=3)
        settings = replace(settings, camera=replace(settings.camera, width=320, height=240))
        history = card / "history.sqlite3"
        coached, lowest_free = 0, shutil.disk_usage(card).free
        videos = SetVideos(
            card / "sets", 1000, settings.camera.fps, _view(settings), min_free=12 * MB,
            wait_for_encoder=True,
        )  # fmt: skip
        started = time.perf_counter()
        for _ in range(sessions):
            recorder = SessionRecorder(open_database(history))
            reps: list[RepCounted] = []

            def film(athlete: SimulatedAthlete) -> SimulatedCamera:
                colours = settings.markers.colours()
                ratio = settings.markers.foot_to_leg_ratio
                return videos.around(SimulatedCamera(athlete, 320, 240, colours, ratio))

            loop, _ = build_demo(
                settings, VirtualClock(), ConsoleSpeaker(), [recorder, videos, reps.append],
                Script(), film,
            )  # fmt: skip
            loop.send(Command.START, "bench")
            loop.run(until=lambda coach=loop.coach: coach.finished, max_seconds=3000)
            videos.close()
            recorder.close()
            coached += sum(isinstance(e, RepCounted) for e in reps)
            lowest_free = min(lowest_free, shutil.disk_usage(card).free)
        kept = recorded_sets(card / "sets")
        return {
            "sessions": sessions,
            "reps_coached": coached,
            "reps_saved": _saved_reps(history),
            "sets_recorded": 2 * sessions,
            "sets_kept": len(kept),
            "newest_kept": kept[-1].name[:10] if kept else None,
            "lowest_free_mb": round(lowest_free / MB, 1),
            "encoder_errors": videos.encoder_errors,
            "deleted_files_held": _deleted_files_held(card),
            "seconds": round(time.perf_counter() - started, 1),
        }


def _view(settings: Settings):
    from coach.core.view import CameraView

    return CameraView.configured(settings.camera)


def odd_frame_figures(folder: Path) -> dict[str, object]:
    """A whole session through the service's camera, every fifth frame in an odd format."""
    from coach.app.daemon import build_service

    settings = _quiet(Settings(), reps=5, sets=2)
    athlete = SimulatedAthlete(Script())
    cameras: list[OddFrames] = []

    def open_camera() -> OddFrames:
        colours = settings.markers.colours()
        camera = SimulatedCamera(athlete, 320, 240, colours, settings.markers.foot_to_leg_ratio)
        cameras.append(OddFrames(camera, every=5))
        return cameras[-1]

    with _state(folder):
        service = build_service(settings, VirtualClock(), ConsoleSpeaker(), open_camera=open_camera)
    service.loop.add_sink(athlete.on_event)
    reps: list[RepCounted] = []
    service.loop.add_sink(lambda e: reps.append(e) if isinstance(e, RepCounted) else None)
    service.loop.send(Command.START, "bench")
    service.loop.run(until=lambda: service.loop.coach.finished, max_seconds=3000)
    service.close()
    return {
        "frames_read": sum(camera.reads for camera in cameras),
        "odd_frames": sum(camera.odd for camera in cameras),
        "odd_frames_taken_as_none": getattr(service.rig.frames, "odd_frames", None),
        "session_finished": service.loop.coach.finished,
        "reps_coached": len(reps),
        "reps_saved": _saved_reps(folder / "history.sqlite3"),
    }


def _ten_years(path: Path, days: int = 3650, reps: int = 20) -> None:
    """A session a day for ten years, twenty reps each, written as the service writes them."""
    path.parent.mkdir(exist_ok=True)
    connection = open_database(path)
    connection.execute("BEGIN")
    for day in range(days):
        started = (NOW - timedelta(days=days - day)).isoformat()
        session = connection.execute(
            "INSERT INTO sessions (started_at, ended_at, ended_by) VALUES (?, ?, 'plan')",
            (started, started),
        ).lastrowid
        connection.executemany(
            "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, peak_rotation, lift_s,"
            " hold_s, lower_s, faults, form_checked) VALUES (?, ?, 1, ?, ?, -3, 2, 2, 4, ?, 1)",
            [
                (session, "right" if n < reps // 2 else "left", n, 30 + n % 9, "toes_up" * (n == 3))
                for n in range(reps)
            ],
        )
    connection.execute("COMMIT")
    connection.close()


def _seconds(run) -> float:
    started = time.perf_counter()
    run()
    return round(time.perf_counter() - started, 3)


def ten_year_figures(folder: Path) -> dict[str, object]:
    """`coach history --limit 10000`, `coach report` (its default 20 sessions, and all of them)
    and the service's start-up read on ten years of daily sessions; the report's page alone,
    for one session, and the start-up read without the index, to compare."""
    started = time.perf_counter()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # the page's fixed cost, whatever the history

    from coach.app.report import run_report

    figures: dict[str, object] = {"matplotlib_import_s": round(time.perf_counter() - started, 3)}
    one = folder / "one"
    _ten_years(one / "history.sqlite3", days=1)
    with _state(one):
        figures["report_one_session_s"] = _seconds(
            lambda: run_report(str(one / "report.png"), 20, 45.0, out=io.StringIO())
        )
    path = folder / "history.sqlite3"
    _ten_years(path)
    figures |= {"sessions": 3650, "reps": 3650 * 20}
    with _state(folder):
        figures["history_limit_10000_s"] = _seconds(
            lambda: run_history(10000, as_json=False, out=io.StringIO())
        )
        figures["report_s"] = _seconds(
            lambda: run_report(str(folder / "report.png"), 20, 45.0, out=io.StringIO())
        )
        figures["report_limit_10000_s"] = _seconds(
            lambda: run_report(str(folder / "report-all.png"), 10000, 45.0, out=io.StringIO())
        )
    figures["startup_read_s"] = _seconds(lambda: read_history(path, 50))
    unindexed = sqlite3.connect(path)
    unindexed.execute("DROP INDEX reps_by_session")
    unindexed.close()
    figures["startup_read_without_index_s"] = _seconds(lambda: read_history(path, 50))
    return figures


def year_on_a_pi_figures() -> dict[str, object]:
    figures: dict[str, object] = {}
    for name, measure in (
        ("clock_step", clock_step_figures),
        ("full_card", full_card_figures),
        ("odd_frames", odd_frame_figures),
        ("ten_years_daily", ten_year_figures),
    ):
        with tempfile.TemporaryDirectory() as scratch:
            figures[name] = measure(Path(scratch))
    return figures
