"""`coach report --out report.png|.pdf`: four charts of the history, read without a legend.

matplotlib is an optional extra (`legcoach[report]`): the service never imports this module.
Every line is named where it ends rather than in a legend box, and every chart title says what
good looks like.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from coach.adapters.store import HistoryUnreadable, history_file, read_history
from coach.app.history import dated_sanely, history_notes
from coach.app.views import FAULT_LABELS
from coach.core.progress import SESSIONS_PER_WEEK_GOAL, SessionRecord

EXIT_NOTHING = 1
FORMATS = (".png", ".pdf")
RECENT_SESSIONS = 5  # the peak-angle chart shows the reps of this many sessions
MAX_SESSION_BARS = 12  # more sessions than this: the fault chart counts per week
SIDE_COLOURS = {"right": "#d95f02", "left": "#1b9e77"}
FAULT_COLOURS = ("#e41a1c", "#377eb8", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999")


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


def session_labels(records: list[SessionRecord]) -> list[str]:
    """A label per session: the day, and the time too where a day has several sessions."""
    per_day = Counter(record.started_at.date() for record in records)
    return [
        f"{r.started_at:%d %b}"
        + (f" {r.started_at:%H:%M}" if per_day[r.started_at.date()] > 1 else "")
        for r in records
    ]


def perfect_per_week(records: list[SessionRecord], weeks: list[date]) -> dict[str, list[int]]:
    """Whole reps, seen and without a fault, per side and week."""
    sides = sorted({side for record in records for side in record.reps})
    counts = {side: [0] * len(weeks) for side in sides}
    index = {week: i for i, week in enumerate(weeks)}
    for record in records:
        for side in sides:
            counts[side][index[_week(record.started_at)]] += record.perfect.get(side, 0)
    return counts


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _categories(axis, labels: list[str], most: int = 8) -> None:
    """One tick per category, thinned to at most `most` labels so none overlap."""
    step = max(1, -(-len(labels) // most))
    shown = list(range(0, len(labels), step))
    axis.set_xticks(shown, [labels[i] for i in shown])
    axis.set_xlim(-0.6, len(labels) - 0.4)


def _whole_numbers(axis, highest: float) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_ylim(0, max(highest, 1) * 1.15 + 0.5)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))


def _key(axis, entries: list[tuple[str, str]]) -> None:
    """Names in their colours, one under another in the top right corner: no legend box, and
    nothing printed over another however many bars there are."""
    for row, (text, colour) in enumerate(entries):
        axis.text(
            0.99,
            0.98 - 0.07 * row,
            text,
            transform=axis.transAxes,
            ha="right",
            va="top",
            color=colour,
            fontsize=9,
        )


def faults_per_bucket(records: list[SessionRecord]) -> tuple[list[str], dict[str, list[int]]]:
    """Reps with each fault per session, or per week once there are too many sessions to show
    one bar each: the bars' labels, oldest first, and the counts of each fault."""
    faults = sorted({fault for record in records for fault in record.faults})
    if len(records) <= MAX_SESSION_BARS:
        return session_labels(records), {
            f: [record.faults.get(f, 0) for record in records] for f in faults
        }
    records = dated(records)
    weeks = weeks_of(records)
    index = {week: i for i, week in enumerate(weeks)}
    counts = {f: [0] * len(weeks) for f in faults}
    for record in records:
        for f, n in record.faults.items():
            counts[f][index[_week(record.started_at)]] += n
    return [f"{week:%d %b}" for week in weeks], counts


def _peaks(axis, records: list[SessionRecord], max_deg: float) -> None:
    recent = [r for r in records if r.peak_angles][-RECENT_SESSIONS:]
    x = 0
    for record, label in zip(recent, session_labels(recent), strict=True):
        xs = list(range(x, x + len(record.peak_angles)))
        colours = ["#e41a1c" if peak > max_deg else "#444444" for peak in record.peak_angles]
        axis.scatter(xs, record.peak_angles, c=colours, s=16)
        axis.text(x, 2, label, fontsize=8, color="#666666")
        x += len(record.peak_angles) + 2
    if not recent:
        axis.text(0.5, 0.5, "no rep seen by the camera yet", transform=axis.transAxes, ha="center")
    axis.axhline(max_deg, color="#e41a1c", linestyle="--")
    axis.set_ylim(0, max(max_deg + 20, 70))
    axis.set_title(f"Peak angle of each rep, last sessions (stay under the {max_deg:.0f}° line)")
    axis.set_ylabel("degrees")
    axis.set_xticks([])


def _faults(axis, records: list[SessionRecord]) -> None:
    labels, counts = faults_per_bucket(records)
    bottom = [0] * len(labels)
    for (fault, per_bucket), colour in zip(counts.items(), FAULT_COLOURS, strict=False):
        axis.bar(
            range(len(labels)), per_bucket, bottom=bottom, width=0.6, color=colour, label=fault
        )
        bottom = [b + n for b, n in zip(bottom, per_bucket, strict=True)]
    # Named top to bottom as the bars are stacked.
    named = [(FAULT_LABELS.get(f, f), c) for f, c in zip(counts, FAULT_COLOURS, strict=False)]
    _key(axis, named[::-1])
    if len(records) <= MAX_SESSION_BARS:
        for x, record in enumerate(records):
            if record.total_reps and not record.checked_reps:
                axis.text(
                    x, 0, "not\nchecked", ha="center", va="bottom", fontsize=8, color="#666666"
                )
    _whole_numbers(axis, max(bottom, default=0) * (1 + 0.1 * len(counts)))
    if not counts:
        checked = any(record.checked_reps for record in records)
        note = "no faults at all" if checked else "form not checked (no camera)"
        axis.text(0.5, 0.5, note, transform=axis.transAxes, ha="center")
    _categories(axis, labels)
    per = "session" if len(records) <= MAX_SESSION_BARS else "week"
    axis.set_title(f"Reps with each fault, per {per} (lower is better)")
    axis.set_ylabel("reps")


def _perfect(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    counts = perfect_per_week(records, weeks)
    width = 0.8 / max(len(counts), 1)
    for i, (side, per_week) in enumerate(counts.items()):
        xs = [w + (i - (len(counts) - 1) / 2) * width for w in range(len(weeks))]
        axis.bar(xs, per_week, width=width, color=SIDE_COLOURS.get(side, "#444444"), label=side)
    entries = [(f"{side} leg", SIDE_COLOURS.get(side, "#444444")) for side in counts]
    unchecked = sum(sum(record.unchecked.values()) for record in records)
    if unchecked:
        entries.append((f"{_plural(unchecked, 'rep')} not checked (no camera)", "#666666"))
    _key(axis, entries)
    highest = max((n for c in counts.values() for n in c), default=0)
    _whole_numbers(axis, highest * (1 + 0.1 * len(entries)))
    _categories(axis, [f"{week:%d %b}" for week in weeks])
    axis.set_title("Perfect reps per week, each side (higher is better)")
    axis.set_ylabel("reps seen, without a fault")


def _sessions(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    per_week = Counter(_week(record.started_at) for record in records)
    counts = [per_week[week] for week in weeks]
    axis.bar(range(len(weeks)), counts, width=0.6, color="#7570b3")
    axis.axhline(SESSIONS_PER_WEEK_GOAL, color="#1b9e77", linestyle="--")
    _key(axis, [(f"dashed line: the goal of {SESSIONS_PER_WEEK_GOAL} a week", "#1b9e77")])
    _whole_numbers(axis, max([*counts, SESSIONS_PER_WEEK_GOAL]) * 1.1)
    _categories(axis, [f"{week:%d %b}" for week in weeks])
    axis.set_title("Sessions per week (reach the line)")


def build_report(records: list[SessionRecord], max_deg: float):
    """The four charts on one page, as a matplotlib Figure (the tests read it back)."""
    import matplotlib

    matplotlib.use("Agg")  # no screen on the Pi, and none needed for a file
    import matplotlib.pyplot as plt

    placed = dated(records)
    weeks = weeks_of(placed)
    figure, axes = plt.subplots(2, 2, figsize=(12, 8), layout="constrained")
    _peaks(axes[0][0], records, max_deg)
    _faults(axes[0][1], records)
    _perfect(axes[1][0], placed, weeks)
    _sessions(axes[1][1], placed, weeks)
    for axis in axes.flat:
        axis.spines[["top", "right"]].set_visible(False)
    title = _plural(len(records), "session")
    if placed:
        title += f" since {min(r.started_at for r in placed):%d %b %Y}"
    if unsure := len(records) - len(placed):
        title += f" ({unsure} dated while the clock was not set: not in the weekly charts)"
    figure.suptitle(title)
    return figure


def draw_report(records: list[SessionRecord], path: Path, max_deg: float) -> None:
    """The charts, written to `path` (.png or .pdf)."""
    import matplotlib.pyplot as plt

    figure = build_report(records, max_deg)
    try:
        figure.savefig(path)
    finally:
        plt.close(figure)


def run_report(out_path: str, limit: int, max_deg: float, out: TextIO) -> int:
    path = Path(out_path)
    if path.suffix.lower() not in FORMATS:
        print(f"coach report: --out must end in .png or .pdf, not {path.name}", file=out)
        return EXIT_NOTHING
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("coach report needs matplotlib: .venv/bin/pip install -e '.[report]'", file=out)
        return EXIT_NOTHING
    history = history_file()
    try:
        records, skipped = read_history(history, limit)
    except HistoryUnreadable as exc:
        print(f"coach report: {exc}", file=out)
        return EXIT_NOTHING
    if not records:
        print(f"No sessions yet (looked in {history}): nothing to draw.", file=out)
        return EXIT_NOTHING
    try:
        draw_report(records, path, max_deg)
    except OSError as exc:
        print(f"coach report: cannot write {path} ({exc.strerror or exc})", file=out)
        return EXIT_NOTHING
    print(f"{path}: {_plural(len(records), 'session')} drawn", file=out)
    if unsure := len(records) - len(dated(records)):
        print(f"({_plural(unsure, 'session')} dated while the clock was not set: listed by coach "
              "history, left out of the weekly charts.)", file=out)  # fmt: skip
    for note in history_notes(history, skipped):
        print(note, file=out)
    return 0
