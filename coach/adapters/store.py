"""Session history in SQLite (the standard library's), one transaction per rep.

A power cut loses at most the rep in progress: WAL journaling and a commit as each rep
completes. A database that cannot be opened is moved aside, never deleted; if even a new one
cannot be made, or the disk fills, the coach says so in the log once and goes on coaching.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections import Counter
from datetime import datetime
from pathlib import Path

from coach.core.events import (
    Event,
    FormWarning,
    RepCounted,
    SessionStarted,
    SessionSummary,
)
from coach.core.progress import SessionRecord

log = logging.getLogger("coach.history")
DATABASE = "history.sqlite3"

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
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        connection.close()
        raise sqlite3.DatabaseError(f"schema version {version} is newer than this coach knows")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        connection.execute("BEGIN")
        for statement in filter(str.strip, script.split(";")):
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {number}")
        connection.execute("COMMIT")
    return connection


def open_or_set_aside(path: Path) -> sqlite3.Connection | None:
    """Open the history; a damaged one is renamed (kept for rescue) and a fresh one begun."""
    try:
        return open_database(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        log.warning("history: %s cannot be opened (%s); keeping it as %s", path, exc, aside.name)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                source.rename(f"{aside}{suffix}")
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


class SessionRecorder:
    """An event sink that writes each session as it happens."""

    def __init__(self, connection: sqlite3.Connection | None) -> None:
        self._db = connection
        self._session_id: int | None = None
        self._failed = False

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
            return recent_sessions(self._db)
        except sqlite3.Error as exc:
            log.warning("history: cannot read earlier sessions (%s)", exc)
            return []

    def _record(self, event: Event) -> None:
        assert self._db is not None
        if isinstance(event, SessionStarted):
            cursor = self._db.execute(
                "INSERT INTO sessions (started_at, program) VALUES (?, ?)", (_now(), event.program)
            )
            self._session_id = cursor.lastrowid
        elif self._session_id is None:
            return
        elif isinstance(event, RepCounted):
            self._db.execute(
                "INSERT INTO reps (session_id, side, set_no, rep, peak_angle, peak_rotation,"
                " lift_s, hold_s, lower_s, faults, peak_side_bend)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


def recent_sessions(connection: sqlite3.Connection, limit: int = 50) -> list[SessionRecord]:
    """The last `limit` sessions that counted at least one rep, oldest first."""
    rows = connection.execute(
        "SELECT id, started_at, COALESCE(ended_by, 'unfinished'), program FROM sessions"
        " WHERE EXISTS (SELECT 1 FROM reps WHERE reps.session_id = sessions.id)"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    records = []
    for session_id, started_at, ended_by, program in reversed(rows):
        reps: Counter[str] = Counter()
        perfect: Counter[str] = Counter()
        faults: Counter[str] = Counter()
        peaks = []
        for side, peak, rep_faults in connection.execute(
            "SELECT side, peak_angle, faults FROM reps WHERE session_id = ? ORDER BY id",
            (session_id,),
        ):
            reps[side] += 1
            if peak > 0:
                peaks.append(peak)
            named = [f for f in rep_faults.split(",") if f]
            faults.update(named)
            # A rep counted by the clock alone (peak 0) was not seen, so it cannot be perfect.
            perfect[side] += not named and peak > 0
        records.append(
            SessionRecord(
                datetime.fromisoformat(started_at),
                dict(reps),
                {side: perfect[side] for side in reps},
                dict(faults),
                ended_by,
                program,
                tuple(peaks),
            )
        )
    return records


class HistoryUnreadable(Exception):
    """The history file exists but cannot be read; it is left exactly as it is."""


def read_history(path: Path, limit: int = 50) -> list[SessionRecord]:
    """For `coach history` and `coach report`, read-only: no file yet reads as no sessions."""
    if not path.exists():
        return []
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return recent_sessions(connection, limit)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise HistoryUnreadable(f"cannot read {path} ({exc}); it is left as it is") from None
