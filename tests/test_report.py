"""`coach report`: rates a person can compare at a glance, marks on what matters, fixed colours,
and no label drawn over another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.core.events import Fault
from coach.core.progress import SessionRecord

pytest.importorskip("matplotlib", reason="pip install 'legcoach[report]'")

from matplotlib.colors import to_hex
from matplotlib.text import Text

from coach.adapters.store import SessionRecorder, open_database, read_history
from coach.app.report import build_report
from coach.app.views import FAULT_LABELS
from coach.core.events import RepCounted, SessionStarted, SessionSummary

MONDAY = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)


def _record(
    days: float,
    reps: int = 30,
    faults: dict[str, int] | None = None,
    perfect: int | None = None,
    unchecked: int = 0,
    **fields,
) -> SessionRecord:
    """A session of `reps` a side; `faults` counts reps over both sides."""
    faults = faults or {}
    clean = reps - unchecked if perfect is None else perfect
    return SessionRecord(
        MONDAY + timedelta(days=days),
        {"right": reps, "left": reps},
        {"right": clean, "left": clean},
        faults,
        unchecked={"right": unchecked, "left": unchecked},
        peak_angles=(38.0,) * (2 * (reps - unchecked)),
        **fields,
    )


def _charts(records: list[SessionRecord]):
    figure = build_report(records, 45.0)
    return figure, figure.axes


def _keyed(axis) -> dict[str, str]:
    """The key beside a chart: each entry's text and its colour."""
    legend = axis.get_legend()
    assert legend is not None, axis.get_title()
    return {
        text.get_text(): to_hex(
            handle.get_color() if hasattr(handle, "get_xdata") else handle.get_facecolor()
        )
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }


def _rates(axis) -> dict[str, list[float]]:
    """Each fault's plotted line, named by the key, as per cent of the reps seen."""
    names = list(_keyed(axis))
    return {
        name: [float(y) for y in line.get_ydata()]
        for name, line in zip(names, axis.get_lines(), strict=True)
    }


def test_fault_rates_are_shares_of_the_reps_seen_never_more_than_every_rep():
    # 60 reps, 96 faults between them (a rep can have several): a stacked bar read 96 "reps".
    busy = _record(0, faults={"too_high": 40, "toes_up": 36, "knee_bend": 20}, perfect=5)
    # 60 reps of which 20 were counted blind: its 10 faults are out of the 40 seen.
    half_seen = _record(2, faults={"too_high": 10}, unchecked=10, perfect=15)
    _, (_, faults, _, _) = _charts([busy, half_seen])
    rates = _rates(faults)
    assert rates[FAULT_LABELS[Fault.TOO_HIGH]] == pytest.approx([100 * 40 / 60, 100 * 10 / 40])
    assert rates[FAULT_LABELS[Fault.TOES_UP]] == pytest.approx([100 * 36 / 60, 0.0])
    assert rates[FAULT_LABELS[Fault.KNEE_BEND]] == pytest.approx([100 * 20 / 60, 0.0])
    assert all(0 <= y <= 100 for ys in rates.values() for y in ys)
    assert faults.get_ylim()[1] <= 100
    assert len(faults.patches) == 0  # no stacked counts left


def test_weekly_figures_are_per_rep_so_fewer_sessions_do_not_look_better():
    # The same quality every session (3 of 30 reps a side too high, 27 clean), three sessions
    # one week and one the next: each week must read the same.
    days = [0, 2, 4, 7, 14, 16, 18, 21, 28, 30, 32, 35, 42]
    records = [_record(d, faults={"too_high": 6}, perfect=27) for d in days]
    _, (_, faults, clean, sessions) = _charts(records)
    assert "per week" in faults.get_title()
    (too_high,) = _rates(faults).values()
    assert too_high == pytest.approx([10.0] * 7)
    assert [round(bar.get_height(), 6) for bar in clean.patches] == [90.0] * 14
    assert [bar.get_height() for bar in sessions.patches] == [3, 1, 3, 1, 3, 1, 1]


def test_clean_share_and_rates_leave_demos_out_of_the_persons_weeks():
    mine = [_record(d, faults={"toes_up": 6}, perfect=27) for d in range(0, 42, 3)]
    demo = _record(1, faults={"toes_up": 60}, perfect=0, simulated=True)
    _, (_, faults, clean, _) = _charts([*mine, demo])
    (toes,) = _rates(faults).values()
    assert toes == pytest.approx([10.0] * len(toes))
    assert {round(bar.get_height(), 6) for bar in clean.patches} == {90.0}


def _store(folder, sessions) -> list[SessionRecord]:
    """Sessions written by the coach's own recorder and read back as `coach report` does:
    each is (days after MONDAY, program, ended_by, simulated, reps a side, form_checked)."""
    path = folder / "history.sqlite3"
    connection = open_database(path)
    for days, program, ended_by, simulated, reps, checked in sessions:
        recorder = SessionRecorder(connection, simulated=simulated)
        recorder(SessionStarted(0.0, program))
        for n, side in enumerate(["right"] * reps + ["left"] * reps, start=1):
            faults = (Fault.TOES_UP,) if checked and n % 5 == 0 else ()
            recorder(
                RepCounted(
                    n, side, 1, n, 40.0 if checked else 0.0, faults, 2, 2, 4, form_checked=checked
                )
            )
        recorder(SessionSummary(99.0, {}, {}, ended_by == "plan", ended_by, program=program))
        started = (MONDAY + timedelta(days=days)).isoformat()
        connection.execute(
            "UPDATE sessions SET started_at = ? WHERE id = (SELECT max(id) FROM sessions)",
            (started,),
        )
    connection.close()
    records, skipped = read_history(path)
    assert skipped == 0
    return records


def test_the_program_a_pain_stop_a_stop_and_a_demo_are_marked(tmp_path):
    records = _store(
        tmp_path,
        [
            (0, "leg_lifts", "plan", False, 10, True),
            (2, "holds", "plan", False, 5, True),
            (4, "leg_lifts", "pain", False, 1, True),
            (7, "leg_lifts", "stop", False, 4, True),
            (8, "leg_lifts", "plan", True, 4, True),
            (9, "clamshells", "plan", False, 10, False),
        ],
    )
    _, (peaks, faults, _, sessions) = _charts(records)
    # Each session is named with what was unusual about it, on both per-session charts.
    for axis in (peaks, faults):
        shown = [label.get_text() for label in axis.get_xticklabels()]
        for mark in ("holds", "pain stop", "stopped", "demo"):
            assert any(mark in label.split("\n") for label in shown), (mark, shown)
    assert any("clamshells" in label.get_text() for label in faults.get_xticklabels())
    # The weekly chart: a block per program, hatched for a stop, hollow for a demo.
    key = _keyed(sessions)
    for entry in ("leg lifts", "holds", "clamshells", "stopped: it hurt", "stopped early"):
        assert entry in key, key
    assert "demo (not yours)" in key
    hatches = {bar.get_hatch() for bar in sessions.patches if bar.get_height()}
    assert {"xxx", "///"} <= hatches
    hollow = [
        bar
        for bar in sessions.patches
        if bar.get_height() and bar.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    ]
    assert len(hollow) == 1 and hollow[0].get_height() == 1


def test_a_fault_keeps_its_colour_in_every_report_whatever_else_it_shows():
    from coach.app.report_figures import fault_colour

    toes = FAULT_LABELS[Fault.TOES_UP]
    first = _keyed(_charts([_record(0, faults={"toes_up": 4})])[1][1])
    second = _keyed(
        _charts([_record(0, faults={"hip_hike": 2, "no_hold": 3, "toes_up": 1, "newer_fault": 2})])[
            1
        ][1]
    )
    assert first[toes] == second[toes] == fault_colour(Fault.TOES_UP)
    # A fault this coach does not name yet (a newer coach's) has a colour of its own.
    known = {fault_colour(fault) for fault in Fault}
    assert len(known) == len(Fault)
    assert second["newer_fault"] == fault_colour("newer_fault") not in known


def _drawn_texts(figure) -> list[Text]:
    """Every text on the page as drawn: a tick's label only where its tick is in view."""
    ticks, drawn = set(), []
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for where, label in zip(axis.get_majorticklocs(), axis.get_ticklabels(), strict=True):
                ticks.add(id(label))
                if low - 1e-9 <= where <= high + 1e-9:
                    drawn.append(label)
    others = [t for t in figure.findobj(Text) if id(t) not in ticks]
    return [t for t in [*drawn, *others] if t.get_visible() and t.get_text().strip()]


def _clashes(figure) -> list[tuple[str, str]]:
    """Pairs of texts anywhere on the drawn page whose boxes overlap, and any text that leaves
    the page: what a person would see printed over something else, or cut off."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _drawn_texts(figure)]
    clashes = [
        (text, "the edge of the page")
        for text, box in boxes
        if box.x0 < page.x0 or box.x1 > page.x1 or box.y0 < page.y0 or box.y1 > page.y1
    ]
    for i, (a, box_a) in enumerate(boxes):
        clashes += [(a, b) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)]
    return clashes


def _dense(kind: str) -> list[SessionRecord]:
    if kind == "a-short-session-among-long-ones":  # "17 Nov21 Nov": a pain stop at rep 1
        return [
            _record(d, reps=1 if d == 1 else 30, ended_by="pain" if d == 1 else "plan")
            for d in (0, 1, 5, 6, 7)
        ]
    if kind == "a-day-of-marked-sessions":  # twelve in one day, every label three lines
        programs = ["holds", "clamshells", "wall_slides", "circles"]
        endings = ["pain", "stop", "plan"]
        return [
            _record(
                h / 24,
                reps=2,
                perfect=1,
                faults={"toes_up": 2},
                program=programs[h % 4],
                ended_by=endings[h % 3],
                simulated=h % 2 == 0,
            )
            for h in range(12)
        ]
    if kind == "sixty-in-three-weeks":
        return [
            _record(
                d / 3,
                reps=6,
                faults={"too_high": d % 4, "toes_up": 1},
                perfect=3,
                program=["leg_lifts", "holds"][d % 2],
                ended_by=["plan", "pain"][d % 7 == 0],
                simulated=d % 5 == 0,
            )
            for d in range(60)
        ]
    return [_record(d, faults={"knee_bend": d % 3}, perfect=28) for d in range(0, 730, 1)]


@pytest.mark.parametrize(
    "kind",
    [
        "a-short-session-among-long-ones",
        "a-day-of-marked-sessions",
        "sixty-in-three-weeks",
        "two-years",
    ],
)
def test_no_label_is_printed_over_another_however_dense_the_history(kind):
    figure, axes = _charts(_dense(kind))
    assert _clashes(figure) == []
    for axis in axes:
        shown = [label.get_text() for label in axis.get_xticklabels()]
        assert axis.get_xticks().size == 0 or shown[0], axis.get_title()  # thinned, not emptied


def test_clamshells_counted_by_the_clock_are_not_reps_missed_for_want_of_a_camera():
    lifts = _record(0, faults={"toes_up": 6}, perfect=27)
    clamshells = _record(1, reps=10, unchecked=10, program="clamshells", by_clock=True)
    key = _keyed(_charts([lifts, clamshells])[1][2])
    assert not any("no camera" in entry for entry in key), key
    assert "20 clamshells counted\nby the clock" in key
    blind = _record(2, reps=20, unchecked=20)
    key = _keyed(_charts([lifts, clamshells, blind])[1][2])
    assert "40 reps not checked\n(no camera)" in key
    # Judged by the pose model, clamshells whose camera was lost are unseen, not by the clock.
    lost = _record(3, reps=5, unchecked=5, program="clamshells")
    key = _keyed(_charts([lifts, clamshells, lost])[1][2])
    assert "10 reps not checked\n(no camera)" in key
    assert "20 clamshells counted\nby the clock" in key
