"""The quick start's demo: at real speed it says how long it will take, and how to see it sooner."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo, demo_settings, expected_length_s, speed_hint
from coach.core.events import Command, SessionSummary
from coach.settings import Settings


def test_the_demo_at_real_speed_first_says_how_long_it_takes_and_how_to_see_it_sooner(tmp_path):
    # What `./scripts/demo` runs: `coach demo` at real speed, here with the built-in plan
    # whatever config this machine has. Only its first line is read.
    built_in = tmp_path / "empty.toml"
    built_in.write_text("")
    demo = subprocess.Popen(
        [sys.executable, "-m", "coach", "demo", "--config", str(built_in)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first = demo.stdout.readline()
    finally:
        demo.kill()
        demo.wait()
    assert first.startswith("This session takes about 4 minutes at this speed; --speed 20 "), first
    assert "about 13 seconds" in first


@pytest.mark.parametrize(("reps", "sets", "sore"), [(2, 1, "none"), (2, 2, "none"), (3, 2, "left")])
def test_the_length_the_demo_announces_is_the_length_it_runs(reps, sets, sore):
    base = Settings()
    if sore != "none":  # holds on one side only: the sore hip is never lain on
        base = replace(base, safety=replace(base.safety, condition="bursitis", sore_side=sore))
    settings = demo_settings(base, reps=reps, sets=sets)
    events = []
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker(), [events.append])
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=2000)
    (summary,) = [e for e in events if isinstance(e, SessionSummary)]
    assert summary.completed
    assert expected_length_s(settings) == pytest.approx(summary.t, rel=0.05)
    assert speed_hint(settings, 20) is None  # a wait of seconds needs no hint
