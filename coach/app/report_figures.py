"""What `coach report` draws, worked out from the history: rates and shares, labels, colours.

No drawing here, so each figure can be checked on its own. Figures are rates and shares, never
counts that grow with the number of sessions, so three sessions in a week do not look worse (or,
for faults, better) than one. A demo kept with --save is drawn, marked, but never added into the
person's own weekly figures.
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import date, datetime, timedelta

from coach.app.history import dated_sanely
from coach.core.events import Fault
from coach.core.progress import SessionRecord

MAX_SESSION_BARS = 12  # more sessions than this: the fault chart is drawn per week
SIDE_COLOURS = {"right": "#d95f02", "left": "#1b9e77"}
# One colour per fault for good, so that a fault looks the same in this week's report as in
# last month's whichever faults each one shows.
FAULT_COLOURS = {
    Fault.TOO_HIGH: "#e41a1c",
    Fault.TOES_UP: "#377eb8",
    Fault.HIP_HIKE: "#984ea3",
    Fault.KNEE_BEND: "#ff7f00",
    Fault.FORWARD_DRIFT: "#a65628",
    Fault.FAST_LOWER: "#f781bf",
    Fault.NO_HOLD: "#4daf4a",
    Fault.FAST_LIFT: "#ffd92f",
    Fault.FEW_CIRCLES: "#66c2a5",
    Fault.FEET_APART: "#b15928",
}
# A fault the table does not name yet takes one of these, chosen by its name: still the same
# in every report, and never one of the colours above.
SPARE_FAULT_COLOURS = ("#17becf", "#bcbd22", "#7f7f7f", "#e7298a", "#000080", "#8dd3c7")
PROGRAM_COLOURS = {
    "leg_lifts": "#7570b3",
    "holds": "#66a61e",
    "circles": "#e6ab02",
    "clamshells": "#a6761d",
    "wall_slides": "#1f78b4",
}
OTHER_PROGRAM_COLOUR = "#999999"
DEFAULT_PROGRAM = "leg_lifts"
# How a session ended, as its label says it; "plan" (every set done) says nothing.
ENDINGS = {"pain": "pain stop", "stop": "stopped", "shutdown": "cut short"}
PAIN_HATCH, STOP_HATCH = "xxx", "///"
MARK_COLOUR = "#222222"
NOTE_COLOUR = "#666666"


def fault_colour(fault: str) -> str:
    """The fault's own colour: from the table, or for a fault it lacks, from its name."""
    if fault in FAULT_COLOURS:
        return FAULT_COLOURS[Fault(fault)]
    return SPARE_FAULT_COLOURS[zlib.crc32(fault.encode()) % len(SPARE_FAULT_COLOURS)]


def program_colour(program: str) -> str:
    return PROGRAM_COLOURS.get(program, OTHER_PROGRAM_COLOUR)


def _week(day: datetime) -> date:
    """The Monday that starts the week of `day`."""
    return day.date() - timedelta(days=day.weekday())


def weeks_of(records: list[SessionRecord]) -> list[date]:
    """Every week from the earliest session's to the latest's, empty ones included: dates need
    not come in order (a clock put right after a power cut)."""
    if not records:
        return []
    days = [record.started_at for record in records]
    first, last = _week(min(days)), _week(max(days))
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def dated(records: list[SessionRecord]) -> list[SessionRecord]:
    """The sessions the weekly charts can place: one saved while the clock said 1970 would
    stretch them over half a century."""
    return [record for record in records if dated_sanely(record)]


def own(records: list[SessionRecord]) -> list[SessionRecord]:
    """The person's own sessions: a demo kept with --save is marked, never added in."""
    return [record for record in records if not record.simulated]


def ending(record: SessionRecord) -> str:
    """How the session ended, in the words of its label: empty when every set was done."""
    if record.ended_by == "plan":
        return ""
    return ENDINGS.get(record.ended_by, record.ended_by)


def session_labels(records: list[SessionRecord]) -> list[str]:
    """A label per session, narrow, a line for each thing to know: the day (and the time where
    a day has several sessions), the program unless it is the leg lift, how it ended unless as
    planned, and "demo" for a simulated one."""
    per_day = Counter(record.started_at.date() for record in records)
    labels = []
    for record in records:
        when = record.started_at
        lines = [f"{when:%d %b}"] + ([f"{when:%H:%M}"] if per_day[when.date()] > 1 else [])
        if record.program != DEFAULT_PROGRAM:
            lines.append(record.program.replace("_", " "))
        lines += [ending(record)] if ending(record) else []
        lines += ["demo"] if record.simulated else []
        labels.append("\n".join(lines))
    return labels


def _share(part: int, whole: int) -> float | None:
    """part / whole, or None where nothing was there to share (no rep seen)."""
    return part / whole if whole else None


def fault_rates(records: list[SessionRecord]) -> tuple[list[str], dict[str, list[float | None]]]:
    """The share of the reps seen that had each fault (0 to 1; None where no rep was seen), per
    session, or per week of the person's own sessions once there are too many sessions to
    show one by one: the labels, oldest first, and the rates of each fault."""
    if len(records) <= MAX_SESSION_BARS:
        labels, buckets = session_labels(records), [[record] for record in records]
    else:
        placed = own(dated(records))
        weeks = weeks_of(placed)
        index = {week: i for i, week in enumerate(weeks)}
        buckets = [[] for _ in weeks]
        for record in placed:
            buckets[index[_week(record.started_at)]].append(record)
        labels = [f"{week:%d %b}" for week in weeks]
    faults = sorted({fault for bucket in buckets for record in bucket for fault in record.faults})
    seen = [sum(record.checked_reps for record in bucket) for bucket in buckets]
    return labels, {
        fault: [
            _share(sum(record.faults.get(fault, 0) for record in bucket), n)
            for bucket, n in zip(buckets, seen, strict=True)
        ]
        for fault in faults
    }


def clean_share_per_week(
    records: list[SessionRecord], weeks: list[date]
) -> dict[str, list[float | None]]:
    """Of the reps the camera saw, the share without a fault, per side and week (the person's
    own sessions; None for a week with no rep seen on that side)."""
    mine = own(records)
    sides = sorted({side for record in mine for side in record.reps})
    index = {week: i for i, week in enumerate(weeks)}
    seen = {side: [0] * len(weeks) for side in sides}
    clean = {side: [0] * len(weeks) for side in sides}
    for record in mine:
        i = index[_week(record.started_at)]
        for side, reps in record.reps.items():
            seen[side][i] += reps - record.unchecked.get(side, 0)
            clean[side][i] += record.perfect.get(side, 0)
    return {
        side: [_share(c, n) for c, n in zip(clean[side], seen[side], strict=True)] for side in sides
    }


def unseen_reps(records: list[SessionRecord]) -> tuple[int, int]:
    """The person's reps counted without their form checked: (for want of a camera, by the
    clock as their program counts them with markers)."""
    by_clock = sum(sum(r.unchecked.values()) for r in own(records) if r.by_clock)
    return sum(sum(r.unchecked.values()) for r in own(records)) - by_clock, by_clock


def mark_of(record: SessionRecord) -> str:
    """The hatch a session's block gets: pain and other stops stand out at any width."""
    if record.ended_by == "pain":
        return PAIN_HATCH
    return "" if record.ended_by == "plan" else STOP_HATCH


def session_blocks(
    records: list[SessionRecord], weeks: list[date]
) -> dict[tuple[bool, str, str], list[int]]:
    """Sessions per week, grouped as they are drawn (demo or not, program, hatch), the
    person's plain sessions first and demos last, on top."""
    index = {week: i for i, week in enumerate(weeks)}
    order = {program: i for i, program in enumerate(PROGRAM_COLOURS)}
    marks = ("", STOP_HATCH, PAIN_HATCH)
    groups: dict[tuple[bool, str, str], list[int]] = {}
    for record in records:
        group = (record.simulated, record.program, mark_of(record))
        groups.setdefault(group, [0] * len(weeks))[index[_week(record.started_at)]] += 1
    return dict(
        sorted(
            groups.items(),
            key=lambda g: (g[0][0], marks.index(g[0][2]), order.get(g[0][1], len(order)), g[0][1]),
        )
    )
