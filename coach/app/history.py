"""`coach history`: the sessions kept on this Pi, newest last, as a table or JSON lines."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TextIO

from coach.adapters.store import HistoryUnreadable, history_file, read_history, set_aside_files
from coach.app.views import FAULT_LABELS
from coach.core.progress import SessionRecord

# A Pi has no clock of its own: until NTP (or fake-hwclock) sets it, it may say 1970. No session
# of this coach is older than this.
CLOCK_SET_SINCE = datetime(2020, 1, 1).astimezone()


def dated_sanely(record: SessionRecord) -> bool:
    """Whether the session's date can be believed, rather than the clock's state at the time."""
    return record.started_at >= CLOCK_SET_SINCE


def record_json(record: SessionRecord) -> dict[str, object]:
    return {
        "started_at": record.started_at.isoformat(timespec="seconds"),
        "ended_by": record.ended_by,
        "program": record.program,
        "reps": record.reps,
        "perfect_reps": record.perfect,
        "unchecked_reps": record.unchecked,
        "faults": record.faults,
        "simulated": record.simulated,
        "by_clock": record.by_clock,
    }


def _row(record: SessionRecord) -> str:
    sides = "  ".join(f"{side} {n} ({_judged(record, side)})" for side, n in record.reps.items())
    sides = sides or "no reps"  # stopped by pain before the first
    faults = ", ".join(f"{FAULT_LABELS.get(f, f)} {n}" for f, n in sorted(record.faults.items()))
    if record.by_clock:
        faults = "not judged (counted by the clock)"
    elif record.total_reps and not record.checked_reps:
        faults = "not checked"
    ending = "" if record.ended_by == "plan" else f"  [{record.ended_by}]"
    ending += "  [simulated]" if record.simulated else ""
    ending += "" if dated_sanely(record) else "  [date unsure: the clock was not set]"
    program = record.program.replace("_", " ")
    return (
        f"{record.started_at:%Y-%m-%d %H:%M}  {program:<11}  {sides}  "
        f"faults: {faults or 'none'}{ending}"
    )


def history_notes(path: Path, skipped: int) -> list[str]:
    """What the listing leaves out, and where earlier sessions went: never hidden history."""
    notes = []
    if skipped:
        noun = "session" if skipped == 1 else "sessions"
        notes.append(f"({skipped} {noun} in {path} could not be read and are left out.)")
    for aside in set_aside_files(path):
        notes.append(
            f"(Earlier sessions are kept in {aside}: it was set aside as damaged; "
            "sqlite3's .recover can often rescue them.)"
        )
    return notes


def _judged(record: SessionRecord, side: str) -> str:
    perfect, unchecked = record.perfect.get(side, 0), record.unchecked.get(side, 0)
    if unchecked == record.reps.get(side, 0):
        return "form not checked"
    return f"{perfect} perfect" + (f", {unchecked} not checked" if unchecked else "")


def run_history(limit: int, as_json: bool, out: TextIO) -> int:
    path = history_file()
    try:
        records, skipped = read_history(path, limit)
    except HistoryUnreadable as exc:
        print(f"coach history: {exc}", file=out)
        return 1
    if as_json:
        for record in records:
            print(json.dumps(record_json(record)), file=out)
        return 0
    if not records:
        print(f"No sessions yet (looked in {path}).", file=out)
    for record in records:
        print(_row(record), file=out)
    for note in history_notes(path, skipped):
        print(note, file=out)
    return 0
