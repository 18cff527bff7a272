"""`coach history`: the sessions kept on this Pi, newest last, as a table or JSON lines."""

from __future__ import annotations

import json
from typing import TextIO

from coach.adapters.store import HistoryUnreadable, history_file, read_history
from coach.app.views import FAULT_LABELS
from coach.core.progress import SessionRecord


def record_json(record: SessionRecord) -> dict[str, object]:
    return {
        "started_at": record.started_at.isoformat(timespec="seconds"),
        "ended_by": record.ended_by,
        "program": record.program,
        "reps": record.reps,
        "perfect_reps": record.perfect,
        "faults": record.faults,
    }


def _row(record: SessionRecord) -> str:
    sides = "  ".join(
        f"{side} {n} ({record.perfect.get(side, 0)} perfect)" for side, n in record.reps.items()
    )
    faults = ", ".join(f"{FAULT_LABELS.get(f, f)} {n}" for f, n in sorted(record.faults.items()))
    ending = "" if record.ended_by == "plan" else f"  [{record.ended_by}]"
    program = record.program.replace("_", " ")
    return (
        f"{record.started_at:%Y-%m-%d %H:%M}  {program:<11}  {sides}  "
        f"faults: {faults or 'none'}{ending}"
    )


def run_history(limit: int, as_json: bool, out: TextIO) -> int:
    path = history_file()
    try:
        records = read_history(path, limit)
    except HistoryUnreadable as exc:
        print(f"coach history: {exc}", file=out)
        return 1
    if as_json:
        for record in records:
            print(json.dumps(record_json(record)), file=out)
        return 0
    if not records:
        print(f"No sessions yet (looked in {path}).", file=out)
        return 0
    for record in records:
        print(_row(record), file=out)
    return 0
