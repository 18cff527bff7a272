"""Session history: written rep by rep, never lost to a full disk, a damaged file or a kill."""

import logging
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from coach.adapters.store import (
    MIGRATIONS,
    SessionRecorder,
    open_database,
    open_or_set_aside,
    read_history,
    set_aside_files,
    state_directory,
)
from coach.core.events import RepCounted, SessionStarted, SessionSummary
from tests.helpers import run_coach


def _rep(n, side="right"):
    return RepCounted(
        float(n), side, 1, n, 30.0 + n, ("toes_up",) if n == 2 else (), 2.0, 2.0, 4.0, -3.0
    )


def test_the_state_folder_follows_systemd_then_xdg():
    assert str(state_directory({"STATE_DIRECTORY": "/var/lib/legcoach"})) == "/var/lib/legcoach"
    assert str(state_directory({"XDG_STATE_HOME": "/x"})) == "/x/legcoach"
    assert str(state_directory({"HOME": "/home/pi"})) == "/home/pi/.local/state/legcoach"


def test_each_rep_is_on_disk_as_soon_as_it_is_counted(tmp_path):
    path = tmp_path / "history.sqlite3"
    recorder = SessionRecorder(open_database(path))
    recorder(SessionStarted(0.0, "leg_lifts"))
    recorder(_rep(1))
    recorder(_rep(2))
    reader = sqlite3.connect(path)  # another connection sees the commits
    rows = reader.execute("SELECT rep, peak_angle, faults FROM reps ORDER BY rep").fetchall()
    assert rows == [(1, 31.0, ""), (2, 32.0, "toes_up")]
    recorder(SessionSummary(9.0, {"right": 2}, {"toes_up": 1}, True, "plan"))
    assert reader.execute("SELECT ended_by FROM sessions").fetchall() == [("plan",)]


def test_a_full_disk_loses_only_what_did_not_fit_and_corrupts_nothing(tmp_path, caplog):
    path = tmp_path / "history.sqlite3"
    connection = open_database(path)
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk is full"
    recorder = SessionRecorder(connection)
    recorder(SessionStarted(0.0, "leg_lifts"))
    with caplog.at_level(logging.WARNING):
        for n in range(1, 400):
            recorder(_rep(n))
    assert sum("could not save" in r.getMessage() for r in caplog.records) == 1
    assert "full" in caplog.text
    recorder.close()
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    saved = [row[0] for row in reader.execute("SELECT rep FROM reps ORDER BY rep")]
    assert saved == list(range(1, len(saved) + 1)) and len(saved) > 10


def test_a_damaged_database_is_set_aside_not_deleted(tmp_path, caplog):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        connection = open_or_set_aside(path)
    assert connection is not None
    kept = list(tmp_path.glob("history.sqlite3.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_database_from_a_newer_coach_is_left_as_it_is_and_nothing_saved(tmp_path, caplog):
    path = tmp_path / "history.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = path.read_bytes()
    with caplog.at_level(logging.WARNING):
        assert open_or_set_aside(path) is None
    assert "not be saved until the coach is updated" in caplog.text
    assert path.read_bytes() == before
    assert set_aside_files(path) == []


# Run in a user and mount namespace of its own, as its root: a small tmpfs that the test can
# fill, or remount read-only, as a full or failing SD card would be.
ON_A_SMALL_CARD = """
import logging, shutil, subprocess, sys
from pathlib import Path
from coach.adapters.store import open_or_set_aside
logging.basicConfig(level=logging.WARNING, format="%(message)s")
card = Path(sys.argv[2])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "none", str(card)], check=True)
shutil.copy(sys.argv[1], card / "history.sqlite3")
if sys.argv[3] == "full":
    with open(card / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(bytes(4096))
        except OSError:
            pass
else:
    subprocess.run(["mount", "-o", "remount,ro", str(card)], check=True)
print(open_or_set_aside(card / "history.sqlite3") is None)
print(sorted(p.name for p in card.iterdir() if "damaged" in p.name))
print((card / "history.sqlite3").read_bytes() == Path(sys.argv[1]).read_bytes())
"""


@pytest.mark.parametrize("card", ["full", "read-only"])
def test_a_full_or_read_only_card_at_start_leaves_the_history_where_it_is(tmp_path, card):
    saved = tmp_path / "history.sqlite3"
    recorder = SessionRecorder(open_database(saved))
    recorder(SessionStarted(0.0, "leg_lifts"))
    recorder(_rep(1))
    recorder.close()
    mount_point = tmp_path / "card"
    mount_point.mkdir()
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c", ON_A_SMALL_CARD,
         str(saved), str(mount_point), card],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if result.returncode != 0 and "unshare failed" in result.stderr and not os.environ.get("CI"):
        pytest.skip(f"no user namespaces here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    not_saving, damaged, unchanged = result.stdout.splitlines()
    assert (not_saving, damaged, unchanged) == ("True", "[]", "True")
    assert result.stderr.count("this session will not be saved") == 1


def test_rows_that_do_not_parse_are_skipped_and_counted(tmp_path):
    path = tmp_path / "history.sqlite3"
    recorder = SessionRecorder(open_database(path))
    for _ in range(3):
        recorder(SessionStarted(0.0, "leg_lifts"))
        recorder(_rep(1))
    recorder.close()
    database = sqlite3.connect(path)
    database.execute("UPDATE sessions SET started_at = 'yesterday' WHERE id = 1")
    database.execute("UPDATE reps SET peak_angle = 'high' WHERE session_id = 2")
    database.commit()
    records, skipped = read_history(path)
    assert (len(records), skipped) == (1, 2)


def test_the_schema_is_migrated_once_and_reopening_changes_nothing(tmp_path):
    path = tmp_path / "history.sqlite3"
    first = open_database(path)
    SessionRecorder(first)(SessionStarted(0.0, "leg_lifts"))
    first.close()
    again = open_database(path)
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert again.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_no_history_folder_means_no_history_but_no_crash(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    recorder = SessionRecorder(open_or_set_aside(blocked / "history.sqlite3"))
    recorder(SessionStarted(0.0, "leg_lifts"))
    recorder(_rep(1))


WRITER = """
import sys
from coach.adapters.store import SessionRecorder, open_database
from coach.core.events import RepCounted, SessionStarted
recorder = SessionRecorder(open_database(__import__("pathlib").Path(sys.argv[1])))
recorder(SessionStarted(0.0, "leg_lifts"))
n = 0
while True:
    n += 1
    recorder(RepCounted(float(n), "right", 1, n, 30.0, (), 2.0, 2.0, 4.0, None))
    print(n, flush=True)
"""


def test_a_process_killed_while_writing_leaves_every_committed_rep(tmp_path):
    path = tmp_path / "history.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    for _ in range(200):
        reported = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert reader.execute("SELECT count(*) FROM reps").fetchone()[0] >= reported


def test_a_history_from_the_first_schema_is_migrated_and_keeps_its_reps(tmp_path):
    path = tmp_path / "history.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for statement in filter(str.strip, MIGRATIONS[0].split(";")):
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO sessions (started_at, ended_by) VALUES ('2026-11-01T18:00', 'plan')")
    old.execute(
        "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, peak_rotation, lift_s,"
        " hold_s, lower_s, faults) VALUES (1, 'right', 1, 1, 31.0, -4.0, 2.0, 2.0, 4.0, '')"
    )
    old.close()
    upgraded = open_database(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    rows = upgraded.execute("SELECT peak_angle, peak_side_bend FROM reps").fetchall()
    assert rows == [(31.0, None)]  # the old rep kept; its side-bend was never measured
    recorder = SessionRecorder(upgraded)
    recorder(SessionStarted(0.0, "leg_lifts"))
    recorder(RepCounted(1.0, "right", 1, 1, 33.0, (), 2.0, 2.0, 4.0, -3.0, 2.5))
    assert upgraded.execute("SELECT peak_side_bend FROM reps WHERE id = 2").fetchone() == (2.5,)


def test_coach_history_says_where_a_set_aside_history_is_kept(tmp_path, monkeypatch):
    import io

    from coach.app.history import run_history

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    assert open_or_set_aside(path) is not None  # the service set it aside, began anew
    out = io.StringIO()
    assert run_history(20, as_json=False, out=out) == 0
    (aside,) = set_aside_files(path)
    assert out.getvalue().splitlines() == [
        f"No sessions yet (looked in {path}).",
        f"(Earlier sessions are kept in {aside}: it was set aside as damaged; "
        "sqlite3's .recover can often rescue them.)",
    ]


OPENER = """
import sys
from pathlib import Path
from coach.adapters.store import SessionRecorder, open_or_set_aside
from coach.core.events import SessionStarted
print("ready", flush=True)
sys.stdin.readline()
connection = open_or_set_aside(Path(sys.argv[1]))
SessionRecorder(connection)(SessionStarted(0.0, "leg_lifts"))
print(connection is not None, flush=True)
"""


def test_coaches_creating_a_new_history_at_once_each_save_their_session(tmp_path):
    for round_no in range(6):
        path = tmp_path / f"history-{round_no}.sqlite3"
        coaches = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for coach in coaches:
            assert coach.stdout.readline() == "ready\n"
        for coach in coaches:  # all released together: they race to create the tables
            coach.stdin.write("go\n")
            coach.stdin.flush()
        outcomes = [coach.communicate(timeout=60) for coach in coaches]
        assert [out for out, _ in outcomes] == ["True\n"] * 4, [err for _, err in outcomes]
        reader = sqlite3.connect(path)
        assert reader.execute("SELECT count(*) FROM sessions").fetchone() == (4,)


def test_an_existing_history_gains_the_index_that_reads_a_sessions_reps(tmp_path):
    path = tmp_path / "history.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:  # a history as the coach wrote it before the index
        for statement in filter(str.strip, script.split(";")):
            old.execute(statement)
    old.execute("PRAGMA user_version = 4")
    old.execute("INSERT INTO sessions (started_at) VALUES ('2026-11-01T18:00:00+00:00')")
    old.execute(
        "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, lift_s, hold_s, lower_s,"
        " faults, form_checked) VALUES (1, 'right', 1, 1, 31.0, 2.0, 2.0, 4.0, '', 1)"
    )
    old.close()
    upgraded = open_database(path)
    plan = upgraded.execute(
        "EXPLAIN QUERY PLAN SELECT side FROM reps WHERE session_id = 1"
    ).fetchall()
    assert "USING INDEX" in " ".join(str(step[-1]) for step in plan)
    upgraded.close()
    (record,), skipped = read_history(path)
    assert (record.reps, skipped) == ({"right": 1}, 0)


def test_two_damaged_histories_set_aside_in_the_same_second_are_both_kept(tmp_path, monkeypatch):
    import coach.adapters.store as store

    class Frozen(store.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 3, 1, 6, 0, 0)

    monkeypatch.setattr(store, "datetime", Frozen)  # a Pi's clock before NTP: it stands still
    path = tmp_path / "history.sqlite3"
    for damage in (b"first damaged history", b"second damaged history"):
        path.write_bytes(damage * 100)
        connection = open_or_set_aside(path)
        assert connection is not None
        connection.close()
        path.unlink()
    kept = sorted(aside.read_bytes()[:22] for aside in set_aside_files(path))
    assert kept == [b"first damaged historyf", b"second damaged history"]


def test_a_history_made_outside_the_service_is_private_to_its_owner(tmp_path):
    folder = tmp_path / "state" / "legcoach"
    recorder = SessionRecorder(open_database(folder / "history.sqlite3"))
    recorder(SessionStarted(0.0, "leg_lifts"))
    recorder(_rep(1))
    modes = {p.name: p.stat().st_mode & 0o777 for p in [folder, *folder.iterdir()]}
    assert modes == {
        "legcoach": 0o700,
        "history.sqlite3": 0o600,
        "history.sqlite3-wal": 0o600,
        "history.sqlite3-shm": 0o600,
    }


def test_demo_save_says_not_saved_when_the_history_could_not_be_written(tmp_path):
    newer = sqlite3.connect(tmp_path / "history.sqlite3")
    newer.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")  # a newer coach's history
    newer.close()
    config = tmp_path / "nocam.toml"
    config.write_text('[camera]\nsource = "none"\n')
    args = ("--config", str(config), "demo", "--speed", "1000", "--reps", "1", "--sets", "1")
    result = run_coach(*args, "--save", state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Saved as a simulated session" not in result.stdout
    assert "Not saved" in result.stdout
    assert "not be saved until the coach is updated" in result.stderr


def test_clamshells_kept_before_the_clock_mark_are_read_as_counted_by_the_clock(tmp_path):
    path = tmp_path / "history.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:5]:  # a history as the coach wrote it before `by_clock`
        for statement in filter(str.strip, script.split(";")):
            old.execute(statement)
    old.execute("PRAGMA user_version = 5")
    for day, program, seen in ((1, "clamshells", 0), (2, "clamshells", 1), (3, "leg_lifts", 0)):
        old.execute(
            "INSERT INTO sessions (started_at, ended_by, program) VALUES (?, 'plan', ?)",
            (f"2026-11-0{day}T18:00:00+00:00", program),
        )
        old.execute(
            "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, lift_s, hold_s,"
            " lower_s, faults, form_checked) VALUES (?, 'right', 1, 1, 31.0, 2.0, 2.0, 4.0, '', ?)",
            (day, seen),
        )
    old.close()
    open_database(path).close()
    records, _ = read_history(path)
    # Only the markers' clamshells went by the clock; the pose model's were seen, and leg
    # lifts with no rep seen had lost their camera.
    assert [(r.program, r.by_clock) for r in records] == [
        ("clamshells", True),
        ("clamshells", False),
        ("leg_lifts", False),
    ]
