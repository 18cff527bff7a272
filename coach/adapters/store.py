"""Session history in SQLite (the standard library's), one transaction per rep.

A power cut loses at most the rep in progress: WAL journaling and a commit as each rep
completes. Only a file SQLite itself calls damaged (not a database, or corrupt) is moved aside,
never deleted. A full disk, a read-only card or a history from a newer coach is left exactly as
it is: the coach says why once in the log and coaches without saving.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from coach.core.events import (
    Event,
    FormWarning,
    RepCounted,
    SessionStarted,
    SessionSummary,
)
from coach.core.progress import SessionRecord
from coach.files import create_new, private_folder

log = logging.getLogger("coach.history")
DATABASE = "history.sqlite3"
SET_ASIDE = ".damaged-"
# SQLite's own verdicts that a file is beyond use; every other error may pass (a full disk, a
# read-only folder, a lock) and the file is worth keeping where it is.
DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class HistoryTooNew(sqlite3.DatabaseError):
    """The history was written by a newer coach: readable, but not ours to change."""


# Each entry takes the schema from version i to i + 1; append, never edit.
MIGRATIONS = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        ended_by TEXT
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        side TEXT NOT NULL,
        set_no INTEGER NOT NULL,
        rep INTEGER NOT NULL,
        peak_angle REAL NOT NULL,
        peak_rotation REAL,
        lift_s REAL NOT NULL,
        hold_s REAL NOT NULL,
        lower_s REAL NOT NULL,
        faults TEXT NOT NULL
    );
    CREATE TABLE warnings (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at_s REAL NOT NULL,
        fault TEXT NOT NULL,
        side TEXT NOT NULL,
        set_no INTEGER NOT NULL,
        rep INTEGER NOT NULL
    );
    """,
    """
    ALTER TABLE reps ADD COLUMN peak_side_bend REAL;
    """,
    """
    ALTER TABLE sessions ADD COLUMN program TEXT NOT NULL DEFAULT 'leg_lifts';
    """,
    # Reps counted without a camera are "form not checked", never clean; demo sessions kept on
    # purpose are marked. Older rows: a peak of 0 was the mark of a rep nobody saw.
    """
    ALTER TABLE reps ADD COLUMN form_checked INTEGER;
    UPDATE reps SET form_checked = (peak_angle > 0);
    ALTER TABLE sessions ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
    """,
    # Each session's reps and warnings are read by session: without these, ten years of daily
    # sessions took 22 s to list (every session scanned every rep).
    """
    CREATE INDEX IF NOT EXISTS reps_by_session ON reps(session_id);
    CREATE INDEX IF NOT EXISTS warnings_by_session ON warnings(session_id);
    """,
    # A session counted by the clock by design (clamshells with the markers) is marked, so its
    # reps are not taken for reps a camera failed to see. Older clamshell sessions with no rep
    # seen were the markers' clock count: the only way clamshells were coached before.
    """
    ALTER TABLE sessions ADD COLUMN by_clock INTEGER NOT NULL DEFAULT 0;
    UPDATE sessions SET by_clock = 1 WHERE program = 'clamshells'
        AND NOT EXISTS (SELECT 1 FROM reps WHERE session_id = sessions.id AND form_checked = 1);
    """,
)


def state_directory(environ: dict[str, str] | None = None) -> Path:
    """systemd's StateDirectory when run as the service, else the user's XDG state folder."""
    env = os.environ if environ is None else environ
    if env.get("STATE_DIRECTORY"):
        return Path(env["STATE_DIRECTORY"].split(":")[0])
    base = env.get("XDG_STATE_HOME") or str(
        Path(env.get("HOME", "~")).expanduser() / ".local/state"
    )
    return Path(base) / "legcoach"


def history_file() -> Path:
    """Where this coach keeps its sessions."""
    return state_directory() / DATABASE


def open_database(path: Path) -> sqlite3.Connection:
    private_folder(path.parent)
    _create_private(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # Before anything is written: a newer coach's file is left byte for byte as it is.
        _check_version(connection)
        _use_wal(connection)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        _migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


# How often, and how far apart, a switch into WAL is tried again while another coach holds the
# new file: about five seconds in all, as long as SQLite's own busy timeout.
WAL_TRIES = 50
WAL_RETRY_S = 0.1


def _use_wal(connection: sqlite3.Connection) -> None:
    """SQLite answers "locked" at once, without waiting out its busy timeout, to a switch into
    WAL while another connection is creating the same new file (measured: 13 of 160 coaches
    opening new histories four at a time). The mode is kept in the file, so once one coach
    has switched it the others' switch succeeds."""
    for attempt in range(WAL_TRIES):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(WAL_RETRY_S)


def _create_private(path: Path) -> None:
    """A new history is 0600 (SQLite gives its journals the same); never through a link."""
    with contextlib.suppress(FileExistsError):
        create_new(path).close()


def _check_version(connection: sqlite3.Connection) -> int:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise HistoryTooNew(f"schema version {version} is newer than this coach knows")
    return version


def _migrate(connection: sqlite3.Connection) -> None:
    """Every missing step in one write transaction, the version read inside it: of several
    coaches opening a new history at once, one creates the tables and the others see them."""
    if _check_version(connection) == len(MIGRATIONS):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _check_version(connection)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in filter(str.strip, script.split(";")):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def open_or_set_aside(path: Path) -> sqlite3.Connection | None:
    """Open the history to write; a damaged one is renamed (kept for rescue) and a fresh one
    begun. None, with the reason logged once, when sessions cannot be saved today."""
    try:
        return open_database(path)
    except HistoryTooNew as exc:
        log.warning(
            "history: %s (%s); sessions will not be saved until the coach is updated", path, exc
        )
        return None
    except sqlite3.Error as exc:
        if _primary_code(exc) not in DAMAGED:
            log.warning("history: cannot open %s (%s); this session will not be saved", path, exc)
            return None
        try:
            aside = _reserve_aside(path)
            log.warning("history: %s is damaged (%s); keeping it as %s", path, exc, aside.name)
            for suffix in ("-wal", "-shm", ""):  # the file itself last: it holds the reservation
                source = Path(f"{path}{suffix}")
                if source.exists():
                    source.replace(f"{aside}{suffix}")
        except OSError as rename_error:
            log.warning(
                "history: cannot set it aside (%s); this session will not be saved",
                rename_error.strerror,
            )
            return None
    except OSError as exc:
        log.warning("history: cannot open %s (%s); this session will not be saved", path, exc)
        return None
    try:
        return open_database(path)
    except (sqlite3.Error, OSError) as exc:
        log.warning(
            "history: cannot start a new %s (%s); this session will not be saved", path, exc
        )
        return None


def _reserve_aside(path: Path) -> Path:
    """A name no other set-aside has, claimed by creating it (O_EXCL): two damaged histories
    set aside in the same second, or by two coaches at once, each keep their own."""
    stamp = f"{path.name}{SET_ASIDE}{datetime.now():%Y%m%d-%H%M%S}"
    for again in range(1, 1000):
        aside = path.with_name(stamp if again == 1 else f"{stamp}-{again}")
        try:
            create_new(aside).close()
        except FileExistsError:
            continue
        return aside
    raise FileExistsError(f"{stamp}: a thousand set-asides this second")


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def set_aside_files(path: Path) -> list[Path]:
    """Histories that were set aside as damaged, oldest first: the user's earlier sessions."""
    return sorted(path.parent.glob(f"{path.name}{SET_ASIDE}*[0-9]"))


class SessionRecorder:
    """An event sink that writes each session as it happens; `simulated` marks a demo's."""

    def __init__(self, connection: sqlite3.Connection | None, simulated: bool = False) -> None:
        self._db = connection
        self._simulated = simulated
        self._session_id: int | None = None
        self._failed = False
        self._started = False

    @property
    def saved(self) -> bool:
        """Whether a session was begun in the history and every write since succeeded."""
        return self._started and not self._failed

    def __call__(self, event: Event) -> None:
        if self._db is None:
            return
        try:
            self._record(event)
        except sqlite3.Error as exc:
            if not self._failed:
                self._failed = True
                log.warning("history: could not save (%s); coaching goes on", exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def recent(self) -> list[SessionRecord]:
        """Earlier sessions, for the coach to compare with; none if the history is unreadable."""
        if self._db is None:
            return []
        try:
            history = recent_sessions(self._db, include_simulated=False)
        except sqlite3.Error as exc:
            log.warning("history: cannot read earlier sessions (%s)", exc)
            return []
        if history.skipped:
            log.warning("history: %d earlier sessions could not be read; skipped", history.skipped)
        return history.records

    def _record(self, event: Event) -> None:
        assert self._db is not None
        if isinstance(event, SessionStarted):
            cursor = self._db.execute(
                "INSERT INTO sessions (started_at, program, simulated, by_clock)"
                " VALUES (?, ?, ?, ?)",
                (_now(), event.program, int(self._simulated), int(event.by_clock)),
            )
            self._session_id = cursor.lastrowid
            self._started = True
        elif self._session_id is None:
            return
        elif isinstance(event, RepCounted):
            self._db.execute(
                "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, peak_rotation,"
                " lift_s, hold_s, lower_s, faults, peak_side_bend, form_checked)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._session_id,
                    event.side,
                    event.set,
                    event.rep,
                    event.peak_angle,
                    event.peak_rotation,
                    event.lift_s,
                    event.hold_s,
                    event.lower_s,
                    ",".join(event.faults),
                    event.peak_side_bend,
                    int(event.form_checked),
                ),
            )
        elif isinstance(event, FormWarning):
            self._db.execute(
                "INSERT INTO warnings (session_id, at_s, fault, side, set_no, rep)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self._session_id, event.t, event.fault, event.side, event.set, event.rep),
            )
        elif isinstance(event, SessionSummary):
            self._end_session(event.ended_by)

    def interrupted(self, reason: str) -> None:
        """The coach is shutting down mid-session: mark the session so far as ended."""
        if self._db is not None and self._session_id is not None:
            try:
                self._end_session(reason)
            except sqlite3.Error as exc:
                log.warning("history: could not save (%s)", exc)
                self._failed = True
                self._session_id = None

    def _end_session(self, ended_by: str) -> None:
        assert self._db is not None
        self._db.execute(
            "UPDATE sessions SET ended_at = ?, ended_by = ? WHERE id = ?",
            (_now(), ended_by, self._session_id),
        )
        self._session_id = None


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class History(NamedTuple):
    records: list[SessionRecord]
    skipped: int  # sessions whose rows did not parse


def recent_sessions(
    connection: sqlite3.Connection, limit: int = 50, include_simulated: bool = True
) -> History:
    """The last `limit` sessions that counted at least one rep or ended in pain (before the
    first rep too: the next session must know it hurt), oldest first. SQLite keeps any value in
    any column: a session with a row that does not parse is skipped and counted. The coach
    compares a person with their own sessions only, not with a demo's."""
    rows = connection.execute(
        "SELECT id, started_at, COALESCE(ended_by, 'unfinished'), program, simulated, by_clock"
        " FROM sessions WHERE (ended_by = 'pain'"
        " OR EXISTS (SELECT 1 FROM reps WHERE reps.session_id = sessions.id))"
        " AND (? OR NOT simulated) ORDER BY id DESC LIMIT ?",
        (include_simulated, limit),
    ).fetchall()
    records = []
    for session_id, started_at, ended_by, program, simulated, by_clock in reversed(rows):
        reps = connection.execute(
            "SELECT side, peak_angle, faults, form_checked FROM reps"
            " WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        try:
            record = _session_record(started_at, str(ended_by), str(program), reps)
            records.append(replace(record, simulated=bool(simulated), by_clock=bool(by_clock)))
        except (TypeError, ValueError, AttributeError):
            continue
    return History(records, len(rows) - len(records))


def _session_record(
    started_at: str, ended_by: str, program: str, rows: list[tuple[object, ...]]
) -> SessionRecord:
    reps: Counter[str] = Counter()
    perfect: Counter[str] = Counter()
    unchecked: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    peaks = []
    for side, peak, rep_faults, form_checked in rows:
        if not isinstance(side, str) or not isinstance(rep_faults, str):
            raise TypeError("a rep's side and faults are text")
        peak = float(peak)  # type: ignore[arg-type]
        reps[side] += 1
        if not form_checked:  # counted by the clock alone: neither perfect nor faulty
            unchecked[side] += 1
            continue
        peaks.append(peak)
        named = [f for f in rep_faults.split(",") if f]
        faults.update(named)
        perfect[side] += not named
    started = datetime.fromisoformat(started_at)
    if started.tzinfo is None:
        raise ValueError("a session's start carries its time zone")
    return SessionRecord(
        started,
        dict(reps),
        {side: perfect[side] for side in reps},
        dict(faults),
        ended_by,
        program,
        tuple(peaks),
        {side: unchecked[side] for side in reps},
    )


class HistoryUnreadable(Exception):
    """The history file exists but cannot be read; it is left exactly as it is."""


def read_history(path: Path, limit: int = 50) -> History:
    """For `coach history` and `coach report`, read-only: no file yet reads as no sessions."""
    if not path.exists():
        return History([], 0)
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return recent_sessions(connection, limit)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise HistoryUnreadable(f"cannot read {path} ({exc}); it is left as it is") from None
