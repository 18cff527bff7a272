"""Clamshells and wall slides coached as a physiotherapist would, in their own words: the
simulated person does them, well and badly, on the virtual clock."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from coach.adapters.store import SessionRecorder, open_database, recent_sessions
from coach.core import cues, progress
from coach.core.events import Command, Cue, FormWarning, RepCounted, SessionSummary
from coach.sim.athlete import RepStyle, Script
from tests.helpers import coached, quick_settings, run_coach
from tests.test_pose_session import _coached_by_pose

# Words that belong to the straight-leg lift only: none of them fits a clamshell ("lower arm"
# is the head's rest, not a move).
LEG_LIFT_WORDS = re.compile(
    r"leg straight|\blift|\blower(?! arm)|toes|reach the leg|knee straight|\bdrop|came down"
    r"|went up|couldn't see you"
)
REPS = 5  # past the three reps said in full words


def _settings(fps: int = 10):
    base = quick_settings(reps=REPS)
    programs = replace(base.programs, clamshell_reps=REPS, wall_slide_reps=REPS)
    return replace(base, programs=programs, camera=replace(base.camera, fps=fps))


def _said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Cue)]


def _leg_lift_words(said: list[str]) -> list[str]:
    return [text for text in said if LEG_LIFT_WORDS.search(text.lower())]


def test_clamshells_by_the_clock_say_so_and_use_clamshell_words_throughout():
    events, _ = coached(_settings(), Script(), command=Command.START_CLAMSHELLS)
    said = _said(events)
    assert _leg_lift_words(said) == []
    assert cues.CLAMSHELL_SETUP in said  # counted by the clock, and said so before the first
    assert said.count(cues.CLAMSHELL_OPEN) == said.count(cues.CLAMSHELL_CLOSE) == 2 * 3
    assert not any("move the markers" in text for text in said)  # none are watched
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.by_clock and summary.reps_per_side == {"right": REPS, "left": REPS}
    assert said[-1] == "The markers can't show me a knee opening, so I counted these " + (
        "clamshells by the clock and didn't judge them."
    )


def test_clamshells_by_the_clock_are_kept_apart_from_reps_no_camera_saw(tmp_path):
    """The history marks them, so the report's "not checked (no camera)" can leave them out."""
    db = open_database(tmp_path / "history.db")
    recorder = SessionRecorder(db)
    clamshells, _ = coached(_settings(), Script(), command=Command.START_CLAMSHELLS)
    no_camera = replace(_settings(), camera=replace(_settings().camera, source="none"))
    lifts, _ = coached(no_camera, Script())
    for event in [*clamshells, *lifts]:
        recorder(event)
    records = recent_sessions(db)[0]
    by_clock = [(r.program, r.by_clock, sum(r.unchecked.values())) for r in records]
    assert by_clock == [("clamshells", True, 2 * REPS), ("leg_lifts", False, 2 * REPS)]
    assert all(r.by_clock for r in clamshells if isinstance(r, RepCounted))
    # "How am I doing" blames no camera for the clamshells; it does for the unseen leg lifts.
    now = records[-1].started_at
    assert "couldn't see you" not in progress.trend(records[:1], now)
    assert "couldn't see you" in progress.trend(records, now)


def test_clamshells_seen_by_the_pose_model_are_judged_feet_together_held_and_closed_slowly():
    script = Script(
        RepStyle(peak_deg=40.0),
        special={
            ("right", 1, 2): RepStyle(peak_deg=40.0, feet_apart_deg=20.0),
            ("right", 1, 4): RepStyle(peak_deg=40.0, lower_s=0.8),
        },
    )
    events, _ = _coached_by_pose(_settings(fps=15), script, command=Command.START_CLAMSHELLS)
    reps = [(r.side, r.rep, r.faults) for r in events if isinstance(r, RepCounted)]
    assert reps == [
        ("right", 1, ()), ("right", 2, ("feet_apart",)), ("right", 3, ()),
        ("right", 4, ("fast_lower",)), ("right", 5, ()),
        *[("left", n, ()) for n in range(1, REPS + 1)],
    ]  # fmt: skip
    warnings = [(w.fault, w.rep, w.unit) for w in events if isinstance(w, FormWarning)]
    assert warnings == [("feet_apart", 2, "%"), ("fast_lower", 4, "s")]  # a share, not degrees
    said = _said(events)
    assert any(cues.FEET_APART in text for text in said)
    assert any("Close more slowly." in text for text in said)
    assert cues.CLAMSHELL_SEEN_SETUP in said and cues.CLAMSHELL_FEEL_IT in said
    assert _leg_lift_words(said) == []
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert not summary.by_clock and summary.perfect_per_side == {"right": 3, "left": REPS}


@pytest.mark.parametrize("eyes", ["markers", "pose"])
def test_a_wall_slide_leaving_the_wall_is_warned_in_wall_words_and_a_clean_one_is_not(eyes):
    script = Script(special={("right", 1, 2): RepStyle(forward_drift_deg=35.0)})
    command = Command.START_WALL_SLIDES
    if eyes == "pose":
        events, _ = _coached_by_pose(_settings(fps=15), script, command=command)
    else:
        events, _ = coached(_settings(), script, command=command)
    warnings = [(w.fault, w.side, w.rep) for w in events if isinstance(w, FormWarning)]
    assert warnings == [("forward_drift", "right", 2)]
    faulty = [(r.side, r.rep) for r in events if isinstance(r, RepCounted) and r.faults]
    assert faulty == [("right", 2)]
    said = _said(events)
    assert sum("Heel back on the wall." in text for text in said) == 1
    assert cues.FORWARD_DRIFT not in " ".join(said)
    assert said.count(cues.WALL_SLIDE_UP) == said.count(cues.WALL_SLIDE_DOWN) == 2 * 3


def _demo(tmp_path, program: str, eyes: str) -> list[dict]:
    config = tmp_path / "coach.toml"
    config.write_text(
        f'[programs]\ndefault = "{program}"\n[vision]\nmode = "{eyes}"\n'
        '[camera]\nwidth = 320\nheight = 240\nfps = 15\n[speech]\nengine = "console"\n'
    )
    result = run_coach("--config", str(config), "demo", "--json", "--speed", "100000")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("program", "eyes", "expected"),
    [
        ("clamshells", "pose", [("feet_apart", "right", 2), ("fast_lower", "left", 2)]),
        ("clamshells", "markers", []),
        ("wall_slides", "markers", [("forward_drift", "right", 2), ("fast_lower", "left", 2)]),
    ],
)
def test_the_demos_person_does_clamshells_and_wall_slides_wrongly_and_is_told(
    tmp_path, program, eyes, expected
):
    lines = _demo(tmp_path, program, eyes)
    warnings = [(w["fault"], w["side"], w["rep"]) for w in lines if w["type"] == "warning"]
    assert warnings == expected
    said = [line["text"] for line in lines if line["type"] == "cue"]
    summary = lines[-1]
    by_clock = (program, eyes) == ("clamshells", "markers")
    assert summary["type"] == "summary" and summary["by_clock"] == by_clock
    if program == "clamshells":
        assert _leg_lift_words(said) == []
    else:  # told in the wall slide's own words
        assert [t for t in said if "Heel back on the wall." in t or "Slide down more" in t] == [
            "Hold. Heel back on the wall.",
            "Two. Slide down more slowly.",
        ]
