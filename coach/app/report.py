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
from coach.app.history import history_notes
from coach.app.views import FAULT_LABELS
from coach.core.progress import SESSIONS_PER_WEEK_GOAL, SessionRecord

EXIT_NOTHING = 1
FORMATS = (".png", ".pdf")
RECENT_SESSIONS = 5  # the peak-angle chart shows the reps of this many sessions
SIDE_COLOURS = {"right": "#d95f02", "left": "#1b9e77"}
FAULT_COLOURS = ("#e41a1c", "#377eb8", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999")


def _week(day: datetime) -> date:
    """The Monday that starts the week of `day`."""
    return day.date() - timedelta(days=day.weekday())


def _weeks(records: list[SessionRecord]) -> list[date]:
    first, last = _week(records[0].started_at), _week(records[-1].started_at)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _label_end(axis, x, y, text: str, colour: str) -> None:
    axis.annotate(
        text, (x, y), xytext=(6, 0), textcoords="offset points", color=colour, va="center"
    )


def _peaks(axis, records: list[SessionRecord], max_deg: float) -> None:
    recent = records[-RECENT_SESSIONS:]
    x = 0
    for record in recent:
        xs = list(range(x, x + len(record.peak_angles)))
        colours = ["#e41a1c" if peak > max_deg else "#444444" for peak in record.peak_angles]
        axis.scatter(xs, record.peak_angles, c=colours, s=16)
        axis.text(x, 2, f"{record.started_at:%d %b}", fontsize=8, color="#666666")
        x += len(record.peak_angles) + 2
    axis.axhline(max_deg, color="#e41a1c", linestyle="--")
    _label_end(axis, 0, max_deg + 3, f"{max_deg:.0f}°: high enough", "#e41a1c")
    axis.set_ylim(0, max(max_deg + 20, 70))
    axis.set_title("Peak angle of each rep, last sessions (stay under the line)")
    axis.set_ylabel("degrees")
    axis.set_xticks([])


def _faults(axis, records: list[SessionRecord]) -> None:
    seen = sorted({fault for record in records for fault in record.faults})
    days = [record.started_at for record in records]
    for fault, colour in zip(seen, FAULT_COLOURS, strict=False):
        counts = [record.faults.get(fault, 0) for record in records]
        axis.plot(days, counts, "-o", color=colour, markersize=3)
        _label_end(axis, days[-1], counts[-1], FAULT_LABELS.get(fault, fault), colour)
    if not seen:
        axis.text(0.5, 0.5, "no faults at all", transform=axis.transAxes, ha="center")
    axis.set_title("Reps with each fault, per session (lower is better)")
    axis.set_ylabel("reps")
    axis.set_ylim(bottom=0)


def _perfect(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    sides = sorted({side for record in records for side in record.reps})
    for side in sides:
        per_week: Counter[date] = Counter()
        for record in records:
            per_week[_week(record.started_at)] += record.perfect.get(side, 0)
        counts = [per_week[week] for week in weeks]
        colour = SIDE_COLOURS.get(side, "#444444")
        axis.plot(weeks, counts, "-o", color=colour)
        _label_end(axis, weeks[-1], counts[-1], f"{side} leg", colour)
    axis.set_title("Perfect reps per week, each side (higher is better)")
    axis.set_ylabel("reps without a fault")
    axis.set_ylim(bottom=0)


def _sessions(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    per_week = Counter(_week(record.started_at) for record in records)
    counts = [per_week[week] for week in weeks]
    axis.bar(weeks, counts, width=5, color="#7570b3")
    axis.axhline(SESSIONS_PER_WEEK_GOAL, color="#1b9e77", linestyle="--")
    goal = f"goal: {SESSIONS_PER_WEEK_GOAL} a week"
    _label_end(axis, weeks[0], SESSIONS_PER_WEEK_GOAL + 0.2, goal, "#1b9e77")
    axis.set_ylim(0, max([*counts, SESSIONS_PER_WEEK_GOAL]) + 1)
    axis.set_title("Sessions per week (reach the line)")


def draw_report(records: list[SessionRecord], path: Path, max_deg: float) -> None:
    """The four charts on one page, written to `path` (.png or .pdf)."""
    import matplotlib

    matplotlib.use("Agg")  # no screen on the Pi, and none needed for a file
    import matplotlib.pyplot as plt
    from matplotlib.dates import DateFormatter
    from matplotlib.ticker import MaxNLocator

    weeks = _weeks(records)
    figure, axes = plt.subplots(2, 2, figsize=(12, 8), layout="constrained")
    _peaks(axes[0][0], records, max_deg)
    _faults(axes[0][1], records)
    _perfect(axes[1][0], records, weeks)
    _sessions(axes[1][1], records, weeks)
    for axis in axes.flat:
        axis.spines[["top", "right"]].set_visible(False)
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    for axis in (axes[0][1], axes[1][0], axes[1][1]):
        axis.xaxis.set_major_formatter(DateFormatter("%d %b"))
        axis.xaxis.set_major_locator(MaxNLocator(6))
    figure.suptitle(f"{len(records)} sessions since {records[0].started_at:%d %b %Y}")
    figure.savefig(path)
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
    print(f"{path}: {len(records)} sessions drawn", file=out)
    for note in history_notes(history, skipped):
        print(note, file=out)
    return 0
