"""A Pi has no clock of its own: NTP steps it minutes after boot, a power cut restores an old
one, and until then it may say 1970. Dates are read when used; durations never use them."""

import sqlite3
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.store import SessionRecorder, open_database
from coach.core.events import Command, Cue, RepCounted, SessionStarted, SessionSummary
from tests.conftest import quick_settings
from tests.helpers import run_coach

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, 0, 5, tzinfo=UTC)  # what a Pi's clock says before it is set


def _history(folder: Path, dates: list[datetime]) -> Path:
    """Sessions of four reps, saved in this order with these dates, as the service saves them."""
    path = folder / "history.sqlite3"
    connection = open_database(path)
    recorder = SessionRecorder(connection)
    for started in dates:
        recorder(SessionStarted(0.0, "leg_lifts"))
        for n in range(1, 5):
            side = "right" if n <= 2 else "left"
            faults = ("toes_up",) if n == 3 else ()
            recorder(RepCounted(float(n), side, 1, n, 30.0 + n, faults, 2.0, 2.0, 4.0))
        recorder(SessionSummary(99.0, {}, {}, True, "plan"))
        connection.execute(
            "UPDATE sessions SET started_at = ? WHERE id = (SELECT max(id) FROM sessions)",
            (started.isoformat(),),
        )
    connection.close()
    return path


def test_how_am_i_doing_counts_the_week_from_the_clock_as_set_by_ntp_since_start_up(
    tmp_path, monkeypatch
):
    from coach.app.daemon import build_service

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    _history(tmp_path, [TODAY - timedelta(days=90, hours=h) for h in (1, 2, 3)])
    wall = [TODAY - timedelta(days=90)]  # the clock at boot: fake-hwclock's, three months old
    settings = quick_settings()
    settings = replace(settings, voice=replace(settings.voice, enabled=False))
    said: list[str] = []
    service = build_service(settings, VirtualClock(), ConsoleSpeaker(), wall_clock=lambda: wall[0])
    service.loop.add_sink(lambda e: said.append(e.text) if isinstance(e, Cue) else None)
    try:
        service.loop.send(Command.PROGRESS, "voice")
        service.loop.step()
        assert said[-1].startswith("Three sessions in the last seven days")  # as the Pi believes
        wall[0] = TODAY  # NTP steps the clock; the service runs on
        service.loop.send(Command.PROGRESS, "voice")
        service.loop.step()
        assert said[-1].startswith("Zero sessions in the last seven days")
    finally:
        service.close()


def test_the_service_waits_for_the_clock_to_be_set_before_it_starts():
    unit = (ROOT / "systemd" / "legcoach.service").read_text().splitlines()
    unit_section = unit[: unit.index("[Service]")]
    after = " ".join(line.split("=", 1)[1] for line in unit_section if line.startswith("After="))
    wants = " ".join(line.split("=", 1)[1] for line in unit_section if line.startswith("Wants="))
    assert "time-sync.target" in after.split() and "time-sync.target" in wants.split()


def _report(folder: Path, out: Path):
    return run_coach("report", "--out", str(out), state=folder)


@pytest.mark.parametrize(
    "dates",
    [
        # A power cut, then a clock restored to last month: saved after, dated before.
        [TODAY - timedelta(days=d) for d in (20, 18, 16, 14, 45, 12, 10, 8, 6, 4, 2, 1, 0)],
        # Saved before the clock was set, among sessions dated properly.
        [TODAY - timedelta(days=d) for d in (9, 7, 5, 3)] + [EPOCH],
    ],
    ids=["out-of-order", "dated-1970"],
)
def test_the_report_draws_sessions_dated_out_of_order_or_before_the_clock_was_set(tmp_path, dates):
    pytest.importorskip("matplotlib", reason="pip install 'legcoach[report]'")
    from coach.adapters.store import read_history
    from coach.app.report import build_report

    _history(tmp_path, dates)
    png = tmp_path / "report.png"
    result = _report(tmp_path, png)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert f"{len(dates)} sessions drawn" in result.stdout
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1200, 800)
    records, _ = read_history(tmp_path / "history.sqlite3")
    figure = build_report(records, 45.0)
    weekly = figure.axes[3]  # sessions per week: one bar a week, from the first to the last
    believable = [d for d in dates if d.year >= 2020]
    weeks = (max(believable) - min(believable)).days // 7 + 2
    assert 1 <= len(weekly.patches) <= weeks
    assert sum(bar.get_height() for bar in weekly.patches) == len(believable)
    if len(believable) < len(dates):
        assert "1 dated while the clock was not set" in figure.get_suptitle()


def test_history_shows_a_session_saved_before_the_clock_was_set_and_says_so(tmp_path):
    _history(tmp_path, [TODAY - timedelta(days=2), EPOCH])
    result = run_coach("history", state=tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert "date unsure" not in first
    assert second.startswith("1970-01-01 00:05")
    assert second.endswith("[date unsure: the clock was not set]")


def test_a_clock_stepped_back_during_a_session_loses_no_rep(tmp_path, monkeypatch):
    from coach.app.daemon import build_service

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    settings = quick_settings(reps=2)
    settings = replace(settings, voice=replace(settings.voice, enabled=False))
    readings = iter(range(10**6))

    def stepping_back():  # the wall clock an hour earlier at every reading
        return TODAY - timedelta(hours=next(readings))

    service = build_service(settings, VirtualClock(), ConsoleSpeaker(), wall_clock=stepping_back)
    events = []
    service.loop.add_sink(events.append)
    service.loop.send(Command.START, "test")
    service.loop.run(until=lambda: service.loop.coach.finished, max_seconds=3000)
    service.close()
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 2 * 2 * settings.session.sets_per_side
    times = [rep.t for rep in reps]  # durations keep to the loop's clock, which never steps
    assert times == sorted(times) and times[0] > 0
    saved = sqlite3.connect(tmp_path / "history.sqlite3").execute("SELECT count(*) FROM reps")
    assert saved.fetchone()[0] == len(reps)


def test_the_set_just_recorded_is_kept_after_the_clock_stepped_back(tmp_path):
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    import os

    import numpy as np

    from coach.adapters.set_video import SetVideos
    from coach.core.events import StateChanged
    from coach.core.view import CameraView

    readings = iter([TODAY, TODAY - timedelta(hours=3)])  # NTP took three hours back
    videos = SetVideos(tmp_path, 1, 10, CameraView(), clock=lambda: next(readings))
    frame = np.full((96, 128, 3), 90, np.uint8)
    for side in ("right", "left"):
        videos(StateChanged(0.0, "set", side=side, set=1))
        for i in range(10):
            videos.add(i / 10, frame)
        videos(StateChanged(1.0, "rest"))
        videos.close()
        if side == "right":  # written while the clock was three hours ahead
            ahead = (TODAY + timedelta(hours=3)).timestamp()
            for written in tmp_path.iterdir():
                os.utime(written, (ahead, ahead))
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [
        "set-000002-20261207-150000-left-1.json",
        "set-000002-20261207-150000-left-1.mp4",
    ]
