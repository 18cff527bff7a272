"""How today went, the trend over sessions, and the advice for next time."""

import dataclasses
import json
import os
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.store import SessionRecorder, open_database, recent_sessions
from coach.app.demo import DEMO_SCRIPT, build_demo
from coach.core.events import Command, Cue, RepCounted, SessionStarted, SessionSummary
from coach.core.progress import SessionRecord, advice, how_it_went, trend
from coach.core.session import Coach
from tests.helpers import quick_settings

MONDAY = datetime(2026, 11, 16, 18, 0)


def _session(days: float, perfect: int = 10, faults: dict | None = None, reps: int = 15):
    return SessionRecord(
        MONDAY + timedelta(days=days),
        {"right": reps, "left": reps},
        {"right": perfect, "left": perfect},
        faults or {},
    )


def test_the_most_frequent_fault_is_compared_with_last_time():
    today = _session(2, faults={"toes_up": 3, "too_high": 1})
    assert how_it_went(today, _session(0, faults={"toes_up": 7})) == (
        "The fault that came up most was toes turning up, on three reps, down from seven last time."
    )
    assert how_it_went(today, _session(0, faults={"toes_up": 1})).endswith("up from one last time.")
    assert (
        how_it_went(today, None)
        == "The fault that came up most was toes turning up, on three reps."
    )
    assert how_it_went(_session(2), _session(0, faults={"hip_hike": 2})) == (
        "Not a single fault today. That's better than last time."
    )


def test_the_trend_counts_this_weeks_sessions_and_follows_perfect_reps():
    rising = [_session(d, perfect=p) for d, p in ((0, 4), (2, 6), (4, 9), (6, 12))]
    said = trend(rising, MONDAY + timedelta(days=8))
    assert said.startswith("Three sessions in the last seven days, against a goal of three.")
    assert "going up" in said
    falling = list(reversed([_session(d, perfect=p) for d, p in ((0, 4), (2, 6), (4, 12))]))
    assert "dipped" in trend(falling, MONDAY + timedelta(days=5))
    assert "yet" in trend([], MONDAY)


def test_twenty_perfect_reps_a_side_without_a_fault_suggests_ankle_weights():
    assert "ankle weight" in advice([_session(0, perfect=20, reps=20)])
    assert advice([_session(0, perfect=19, reps=20)]) is None
    assert advice([_session(0, perfect=25, reps=30, faults={"no_hold": 1})]) is None


def test_a_fault_that_keeps_coming_back_suggests_priming_or_holds():
    toes = [_session(0, faults={"toes_up": 10}), _session(2, faults={"toes_up": 9})]
    assert "clamshells" in advice(toes) and "ten reps" in advice(toes)
    drops = [_session(0, faults={"fast_lower": 12}), _session(2, faults={"fast_lower": 8})]
    assert "isometric holds" in advice(drops)
    once = [_session(0), _session(2, faults={"toes_up": 10})]
    assert advice(once) is None  # one bad day is not a pattern


def _coached(past):
    events = []
    settings = quick_settings(reps=3)
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker(), [events.append], DEMO_SCRIPT)
    loop.coach = Coach(settings, past, MONDAY)
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=2000)
    return events, loop


def test_at_the_end_the_coach_compares_with_the_last_session():
    events, _ = _coached([_session(-2, faults={"fast_lower": 5, "toes_up": 2})])
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.faults == {"too_high": 1, "toes_up": 1, "fast_lower": 1}
    said = [e.text for e in events if isinstance(e, Cue)]
    assert said[-1] == (
        "Dropping the leg, toes turning up and going too high came up on one rep each, "
        "three in all, down from seven last time."
    )


def test_how_am_i_doing_answers_with_the_trend_including_the_session_just_done():
    _, loop = _coached([_session(-3, perfect=1), _session(-1, perfect=1)])
    answer = loop.coach.command(loop.clock.now(), Command.PROGRESS, "voice")
    text = next(e.text for e in answer if isinstance(e, Cue))
    assert text.startswith("Three sessions in the last seven days")
    assert "going up" in text  # today's clean reps beat the two poor sessions before


def test_the_history_is_read_back_and_printed_as_json(tmp_path):
    path = tmp_path / "legcoach" / "history.sqlite3"
    path.parent.mkdir()
    recorder = SessionRecorder(open_database(path))
    recorder(SessionStarted(0.0, "leg_lifts"))
    for n, faults, peak in ((1, (), 31.0), (2, ("toes_up",), 33.0), (3, (), 0.0)):
        recorder(
            RepCounted(float(n), "right", 1, n, peak, faults, 2.0, 2.0, 4.0, form_checked=n < 3)
        )
    recorder(SessionSummary(9.0, {"right": 3}, {"toes_up": 1}, True, "plan"))
    (record,), skipped = recent_sessions(recorder._db)
    assert skipped == 0
    assert record.reps == {"right": 3}
    assert record.perfect == {"right": 1}  # rep 3 was counted blind: not judged perfect
    assert record.unchecked == {"right": 1}
    assert record.faults == {"toes_up": 1}
    recorder.close()

    (line,) = _history_json(tmp_path)
    assert line["reps"] == {"right": 3} and line["perfect_reps"] == {"right": 1}
    assert line["unchecked_reps"] == {"right": 1} and line["simulated"] is False
    assert line["ended_by"] == "plan"
    table = _coach_cli(tmp_path, "history")
    assert "right 3 (1 perfect, 1 not checked)" in table.stdout
    assert "toes turned up 1" in table.stdout


def _coach_cli(state_home, *args) -> subprocess.CompletedProcess:
    """The coach command, keeping its history under `state_home`."""
    env = {**os.environ, "XDG_STATE_HOME": str(state_home)}
    env.pop("STATE_DIRECTORY", None)
    return subprocess.run(
        [sys.executable, "-m", "coach", *map(str, args)], capture_output=True, text=True, env=env
    )


def _history_json(state_home) -> list[dict]:
    result = _coach_cli(state_home, "history", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_with_no_sessions_yet_history_says_so(tmp_path):
    result = _coach_cli(tmp_path, "history")
    assert result.returncode == 0 and result.stdout.startswith("No sessions yet")


def _fill_history(folder, sessions):
    """Write sessions through the recorder, as the coach would, with given start times."""
    path = folder / "legcoach" / "history.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = open_database(path)
    recorder = SessionRecorder(connection)
    for started_at, peaks, faulty in sessions:
        recorder(SessionStarted(0.0, "leg_lifts"))
        for n, peak in enumerate(peaks, start=1):
            faults = ("toes_up",) if n in faulty else ()
            side = "right" if n <= len(peaks) // 2 else "left"
            recorder(RepCounted(float(n), side, 1, n, peak, faults, 2.0, 2.0, 4.0))
        recorder(SessionSummary(99.0, {}, {}, True, "plan"))
        connection.execute(
            "UPDATE sessions SET started_at = ? WHERE id = (SELECT max(id) FROM sessions)",
            (started_at,),
        )
    connection.close()


def _report(tmp_path, out):
    return _coach_cli(tmp_path, "report", "--out", out)


def test_the_report_draws_weeks_of_history_to_png_and_pdf(tmp_path):
    pytest.importorskip("matplotlib", reason="pip install 'legcoach[report]'")
    sessions = [
        (f"2026-11-{day:02d}T18:00:00+00:00", [30.0, 40.0, 50.0, 35.0], {3} if day < 10 else set())
        for day in (2, 4, 9, 11, 16, 17, 18)
    ]
    _fill_history(tmp_path, sessions)
    png = tmp_path / "report.png"
    result = _report(tmp_path, png)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 sessions drawn" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert (width, height) == (1200, 800)
    pdf = tmp_path / "report.pdf"
    assert _report(tmp_path, pdf).returncode == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    nowhere = _report(tmp_path, tmp_path / "no-such-folder" / "report.png")
    assert nowhere.returncode == 1 and nowhere.stderr == ""
    assert nowhere.stdout.startswith("coach report: cannot write")


def test_the_report_says_why_it_drew_nothing(tmp_path):
    result = _report(tmp_path, tmp_path / "report.png")
    assert result.returncode == 1 and "No sessions yet" in result.stdout
    assert _report(tmp_path, tmp_path / "report.jpg").stdout.startswith("coach report: --out")


def test_a_session_stopped_by_pain_is_kept_and_listed_as_such(tmp_path):
    events = []
    settings = quick_settings(reps=3)
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker(), [events.append], DEMO_SCRIPT)
    path = tmp_path / "legcoach" / "history.sqlite3"
    path.parent.mkdir()
    recorder = SessionRecorder(open_database(path))
    loop.add_sink(recorder)
    loop.send(Command.START, "test")
    loop.run(until=lambda: any(isinstance(e, RepCounted) for e in events), max_seconds=600)
    loop.send(Command.PAIN, "voice")
    loop.step()
    recorder.close()
    assert loop.coach.finished
    (session,) = _history_json(tmp_path)
    assert session["ended_by"] == "pain" and session["reps"] == {"right": 1}


def test_a_damaged_history_is_one_line_and_left_untouched(tmp_path):
    path = tmp_path / "legcoach" / "history.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"not a database")
    for command in (("history",), ("report", "--out", tmp_path / "report.png")):
        result = _coach_cli(tmp_path, *command)
        assert result.returncode == 1 and result.stderr == ""
        assert result.stdout.startswith(f"coach {command[0]}: cannot read")
        assert result.stdout.count("\n") == 1
    assert path.read_bytes() == b"not a database"


def test_a_demo_without_a_camera_is_saved_as_simulated_and_never_called_clean(tmp_path):
    config = tmp_path / "nocam.toml"
    config.write_text('[camera]\nsource = "none"\n')
    demo = _coach_cli(
        tmp_path, "demo", "--config", config, "--speed", "1000", "--reps", "2", "--sets", "1",
        "--json", "--save",
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    events = [json.loads(line) for line in demo.stdout.splitlines()]
    reps = [e for e in events if e["type"] == "rep"]
    assert len(reps) == 4 and not any(r["form_checked"] for r in reps)
    assert all(r["faults"] == [] for r in reps)
    said = " ".join(e["text"] for e in events if e["type"] == "cue")
    assert "Not a single fault" not in said and "couldn't check your form" in said
    summary = events[-1]
    assert summary["unchecked_per_side"] == {"right": 2, "left": 2}
    assert summary["perfect_per_side"] == {"right": 0, "left": 0}

    (line,) = _history_json(tmp_path)
    assert line["simulated"] is True and line["unchecked_reps"] == {"right": 2, "left": 2}
    assert line["perfect_reps"] == {"right": 0, "left": 0}
    table = _coach_cli(tmp_path, "history").stdout
    assert "form not checked" in table and "[simulated]" in table and "none" not in table


def test_how_it_went_names_unchecked_reps_instead_of_praising_them():
    from datetime import datetime

    from coach.core.progress import SessionRecord, how_it_went

    now = datetime(2026, 11, 25).astimezone()
    blind = SessionRecord(now, {"right": 5}, {"right": 0}, {}, unchecked={"right": 5})
    assert "couldn't check your form" in how_it_went(blind, None)
    half = SessionRecord(now, {"right": 6}, {"right": 3}, {}, unchecked={"right": 3})
    assert how_it_went(half, None) == (
        "No fault in the three reps I could see. Three reps I couldn't see, so those went "
        "unchecked."
    )


def _history_of(kind: str) -> list[tuple[str, list[float], set[int]]]:
    """One session; three in one day; a year of sessions, two or three a week."""
    if kind == "one":
        return [("2026-01-12T18:00:00+00:00", [30.0, 40.0, 50.0, 35.0], {2})]
    if kind == "day":
        return [
            (f"2026-01-12T{hour:02d}:00:00+00:00", [30.0, 40.0, 50.0, 35.0], {hour % 3 + 1})
            for hour in (9, 13, 18)
        ]
    days = [d for d in range(365) if d % 7 in (0, 2, 4) or d % 11 == 0]
    start = datetime(2026, 1, 5, 18, tzinfo=UTC)
    return [
        ((start + timedelta(days=d)).isoformat(), [32.0, 41.0, 47.0, 38.0], {1 + d % 4})
        for d in days
    ]


@pytest.mark.parametrize("kind", ["one", "day", "year"])
def test_the_report_charts_show_the_history_forward_in_sessions_and_shares(tmp_path, kind):
    pytest.importorskip("matplotlib", reason="pip install 'legcoach[report]'")
    from coach.adapters.store import read_history
    from coach.app.report import build_report
    from coach.app.report_figures import MAX_SESSION_BARS
    from tests.test_report import _clashes

    sessions = _history_of(kind)
    _fill_history(tmp_path, sessions)
    records, _ = read_history(tmp_path / "legcoach" / "history.sqlite3", limit=1000)
    figure = build_report(records, 45.0)
    _, faults, clean, per_week = figure.axes
    n = len(sessions)
    assert figure.texts[0].get_text().startswith("1 session since" if n == 1 else f"{n} sessions")

    # Weeks run forward with no gap, and each bar holds that week's whole sessions.
    mondays = sorted(
        {(r.started_at.date() - timedelta(days=r.started_at.weekday())) for r in records}
    )
    weeks = [
        mondays[0] + timedelta(weeks=i) for i in range((mondays[-1] - mondays[0]).days // 7 + 1)
    ]
    expected_sessions = [
        sum(1 for r in records if 0 <= (r.started_at.date() - w).days < 7) for w in weeks
    ]
    assert [round(p.get_height()) for p in per_week.patches] == expected_sessions
    assert all(float(t).is_integer() for t in per_week.get_yticks())
    labels = [f"{w:%d %b}" for w in weeks]
    for axis in (clean, per_week):
        shown = [label.get_text() for label in axis.get_xticklabels()]
        where = [labels.index(text) for text in shown]
        assert shown[0] == labels[0] and where == sorted(where)

    def in_week(started: str, week) -> bool:
        return 0 <= (datetime.fromisoformat(started).date() - week).days < 7

    # Of the right leg's reps (the first half of each session's), the share without a fault.
    right = [round(p.get_height(), 6) for p in clean.patches[len(weeks) :]]
    expected_right = []
    for w in weeks:
        this_week = [(peaks_, bad) for started, peaks_, bad in sessions if in_week(started, w)]
        seen = sum(len(peaks_) // 2 for peaks_, _ in this_week)
        faulty = sum(sum(1 for i in bad if i <= len(peaks_) // 2) for peaks_, bad in this_week)
        expected_right.append(round(100 * (seen - faulty) / seen, 6) if seen else 0.0)
    assert right == expected_right
    # The share of the reps with a fault: per session, or per week for a long history.
    (toes,) = faults.get_lines()
    buckets = (
        [[s] for s in sessions]
        if len(sessions) <= MAX_SESSION_BARS
        else [[s for s in sessions if in_week(s[0], w)] for w in weeks]
    )
    expected = [
        100 * sum(len(bad) for _, _, bad in b) / sum(len(peaks_) for _, peaks_, _ in b)
        for b in buckets
    ]
    assert list(toes.get_ydata()) == pytest.approx(expected)
    assert _clashes(figure) == []


def test_a_pain_stop_before_any_rep_is_not_a_session_the_camera_missed():
    seen = _session(0)
    stopped = SessionRecord(MONDAY + timedelta(days=1), {}, {}, {}, ended_by="pain")
    answer = trend([seen, stopped], MONDAY + timedelta(days=1, hours=1))
    assert answer == "Two sessions in the last seven days, against a goal of three."


def test_the_end_of_a_session_names_faults_in_its_programs_words_and_compares_like_with_like():
    def program(record: SessionRecord, name: str) -> SessionRecord:
        return dataclasses.replace(record, program=name)

    clams = [program(_session(d, faults={"fast_lift": 9}), "clamshells") for d in (0, 2)]
    assert how_it_went(clams[1], clams[0]).startswith(
        "The fault that came up most was opening the knee too fast"
    )
    assert advice(clams).startswith("Opening the knee too fast keeps coming back")
    slides = [program(_session(d, faults={"forward_drift": 9}), "wall_slides") for d in (0, 2)]
    assert "letting the heel leave the wall" in how_it_went(slides[1], slides[0])
    holds = [program(_session(d, faults={"too_high": 9}), "holds") for d in (0, 2)]
    assert "isometric holds" not in advice(holds)  # not to someone doing them already
    # One leg-lift session and one of holds with the same fault: no pattern in either program.
    assert advice([_session(0, faults={"too_high": 9}), holds[1]]) is None
