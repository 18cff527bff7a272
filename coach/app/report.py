"""`coach report --out report.png|.pdf`: four charts of the history, compared at a glance.

matplotlib is an optional extra (`legcoach[report]`): the service never imports this module.
What is drawn is worked out in report_figures; here each key sits beside its chart rather than
over it, and labels are thinned by their drawn size so that none is ever printed over another.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from coach.adapters.store import HistoryUnreadable, history_file, read_history
from coach.app.history import history_notes
from coach.app.report_figures import (
    MARK_COLOUR,
    MAX_SESSION_BARS,
    NOTE_COLOUR,
    PAIN_HATCH,
    PROGRAM_COLOURS,
    SIDE_COLOURS,
    STOP_HATCH,
    clean_share_per_week,
    dated,
    fault_colour,
    fault_rates,
    mark_of,
    program_colour,
    session_blocks,
    session_labels,
    unseen_reps,
    weeks_of,
)
from coach.app.views import FAULT_LABELS
from coach.core.progress import SESSIONS_PER_WEEK_GOAL, SessionRecord

EXIT_NOTHING = 1
FORMATS = (".png", ".pdf")
RECENT_SESSIONS = 5  # the peak-angle chart shows the reps of this many sessions
LABEL_GAP_PX = 6  # the least room between two labels on one axis


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _categories(axis, labels: list[str]) -> None:
    """One tick per category; `readable_labels` later drops those that would touch."""
    axis.set_xticks(range(len(labels)), labels, fontsize=8)
    axis.set_xlim(-0.6, len(labels) - 0.4)


def readable_labels(figure) -> None:
    """Keep only category labels that clear every other kept label by LABEL_GAP_PX, measured
    as drawn, however many sessions and however close their dates. A label of more lines says
    more (a pain stop, a program, a demo) and is kept first; then the earlier wins."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    for axis in figure.axes:
        ticks = [
            (position, label.get_text(), label.get_window_extent(renderer))
            for position, label in zip(axis.get_xticks(), axis.get_xticklabels(), strict=True)
            if label.get_text()
        ]
        kept: list[tuple[float, str, object]] = []
        for tick in sorted(ticks, key=lambda t: (-t[1].count("\n"), t[0])):
            box = tick[2]
            if all(
                box.x0 >= k.x1 + LABEL_GAP_PX or box.x1 + LABEL_GAP_PX <= k.x0 for *_, k in kept
            ):
                kept.append(tick)
        if len(kept) < len(ticks):
            kept.sort(key=lambda t: t[0])
            axis.set_xticks([t[0] for t in kept], [t[1] for t in kept], fontsize=8)


def _whole_numbers(axis, highest: float) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_ylim(0, max(highest, 1) * 1.15 + 0.5)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))


def _percent(axis, top: float) -> None:
    """A y axis of shares (0 to 1, drawn as 0 to 100) labelled in per cent, up to `top`."""
    from matplotlib.ticker import PercentFormatter

    axis.set_ylim(0, 100 * top)
    axis.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))


def _key(axis, handles: list) -> None:
    """The chart's key beside it, to the right: never over a bar or a line."""
    if handles:
        axis.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=8,
            borderaxespad=0.3,
        )


def _peaks(axis, records: list[SessionRecord], max_deg: float) -> None:
    """Each recent session gets the same width, however few reps it has: a session stopped
    after one rep still has room for its label."""
    recent = [r for r in records if r.peak_angles][-RECENT_SESSIONS:]
    for slot, record in enumerate(recent):
        n = len(record.peak_angles)
        xs = [slot - 0.4 + 0.8 * (i + 0.5) / n for i in range(n)]
        colours = ["#e41a1c" if peak > max_deg else "#444444" for peak in record.peak_angles]
        axis.scatter(xs, record.peak_angles, c=colours, s=16)
    if recent:
        _categories(axis, session_labels(recent))
    else:
        axis.text(0.5, 0.5, "no rep seen by the camera yet", transform=axis.transAxes, ha="center")
        axis.set_xticks([])
    axis.axhline(max_deg, color="#e41a1c", linestyle="--")
    axis.set_ylim(0, max(max_deg + 20, 70))
    axis.set_title(f"Peak angle of each rep, last sessions\nstay under the {max_deg:.0f}° line")
    axis.set_ylabel("degrees")


def _faults(axis, records: list[SessionRecord]) -> None:
    from matplotlib.lines import Line2D

    labels, rates = fault_rates(records)
    per_session = len(records) <= MAX_SESSION_BARS
    for fault, shares in rates.items():
        ys = [float("nan") if share is None else 100 * share for share in shares]
        axis.plot(range(len(labels)), ys, marker="o", markersize=4, color=fault_colour(fault))
    highest = max((s for shares in rates.values() for s in shares if s is not None), default=0)
    _percent(axis, min(1.0, max(highest * 1.15, 0.1)))
    if per_session:
        for x, record in enumerate(records):
            if record.total_reps and not record.checked_reps:
                note = "by the clock" if record.by_clock else "no camera"
                axis.text(
                    x,
                    0.02,
                    note,
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=NOTE_COLOUR,
                    transform=axis.get_xaxis_transform(),
                )
    if not rates:
        axis.text(0.5, 0.5, _no_faults_note(records), transform=axis.transAxes, ha="center")
    _key(
        axis,
        [
            Line2D([], [], color=fault_colour(f), marker="o", label=FAULT_LABELS.get(f, f))
            for f in rates
        ],
    )
    _categories(axis, labels)
    per = "session" if per_session else "week (your sessions)"
    axis.set_title(f"Share of the reps with each fault\nper {per}; lower is better")
    axis.set_ylabel("of the reps seen")


def _no_faults_note(records: list[SessionRecord]) -> str:
    if any(record.checked_reps for record in records):
        return "no faults at all"
    if all(record.by_clock for record in records):
        return "counted by the clock: form not judged"
    return "form not checked (no camera)"


def _clean(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    from matplotlib.patches import Patch

    shares = clean_share_per_week(records, weeks)
    width = 0.8 / max(len(shares), 1)
    for i, (side, per_week) in enumerate(shares.items()):
        xs = [w + (i - (len(shares) - 1) / 2) * width for w in range(len(weeks))]
        heights = [0.0 if share is None else 100 * share for share in per_week]
        axis.bar(xs, heights, width=width, color=SIDE_COLOURS.get(side, "#444444"))
    handles = [
        Patch(color=SIDE_COLOURS.get(side, "#444444"), label=f"{side} leg") for side in shares
    ]
    no_camera, by_clock = unseen_reps(records)
    if no_camera:
        handles.append(
            Patch(color="none", label=f"{_plural(no_camera, 'rep')} not checked\n(no camera)")
        )
    if by_clock:
        handles.append(
            Patch(color="none", label=f"{_plural(by_clock, 'clamshell')} counted\nby the clock")
        )
    _key(axis, handles)
    _percent(axis, 1.0)
    _categories(axis, [f"{week:%d %b}" for week in weeks])
    axis.set_title(
        "Share of the reps seen that were clean\nper week (your sessions); higher is better"
    )
    axis.set_ylabel("of the reps seen, without a fault")


def _sessions(axis, records: list[SessionRecord], weeks: list[date]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    bottom = [0] * len(weeks)
    for (demo, program, hatch), counts in session_blocks(records, weeks).items():
        colour = program_colour(program)
        axis.bar(
            range(len(weeks)),
            counts,
            bottom=bottom,
            width=0.6,
            hatch=hatch,
            color="white" if demo else colour,
            edgecolor=colour if demo else MARK_COLOUR,
            linewidth=1.0 if demo else 0.0,
        )
        bottom = [b + n for b, n in zip(bottom, counts, strict=True)]
    axis.axhline(SESSIONS_PER_WEEK_GOAL, color="#1b9e77", linestyle="--")
    programs = sorted({r.program for r in records}, key=lambda p: (p not in PROGRAM_COLOURS, p))
    handles = [Patch(color=program_colour(p), label=p.replace("_", " ")) for p in programs]
    if any(r.ended_by == "pain" for r in records):
        handles.append(
            Patch(
                facecolor="white", edgecolor=MARK_COLOUR, hatch=PAIN_HATCH, label="stopped: it hurt"
            )
        )
    if any(mark_of(r) == STOP_HATCH for r in records):
        handles.append(
            Patch(facecolor="white", edgecolor=MARK_COLOUR, hatch=STOP_HATCH, label="stopped early")
        )
    if any(r.simulated for r in records):
        handles.append(Patch(facecolor="white", edgecolor="#444444", label="demo (not yours)"))
    handles.append(
        Line2D(
            [], [], color="#1b9e77", linestyle="--", label=f"goal: {SESSIONS_PER_WEEK_GOAL} a week"
        )
    )
    _key(axis, handles)
    _whole_numbers(axis, max([*bottom, SESSIONS_PER_WEEK_GOAL]))
    _categories(axis, [f"{week:%d %b}" for week in weeks])
    axis.set_title("Sessions per week, by program\nreach the line")


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
    _clean(axes[1][0], placed, weeks)
    _sessions(axes[1][1], placed, weeks)
    for axis in axes.flat:
        axis.spines[["top", "right"]].set_visible(False)
    title = _plural(len(records), "session")
    if placed:
        title += f" since {min(r.started_at for r in placed):%d %b %Y}"
    if unsure := len(records) - len(placed):
        title += f" ({unsure} dated while the clock was not set: not in the weekly charts)"
    figure.suptitle(title)
    readable_labels(figure)
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
