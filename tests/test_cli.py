"""`coach demo --json`, run as a user would run it, read as a program would read it."""

import json
import subprocess
import sys

import pytest

SMALL = """
[camera]
width = 192
height = 144
fps = 10

[speech]
engine = "console"
"""


@pytest.fixture(scope="module")
def demo_lines(tmp_path_factory):
    config = tmp_path_factory.mktemp("cfg") / "coach.toml"
    config.write_text(SMALL)
    args = ["--config", str(config), "demo", "--json", "--speed", "100000", "--reps", "3"]
    result = subprocess.run(
        [sys.executable, "-m", "coach", *args, "--sets", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_line_is_an_event_with_time_and_type(demo_lines):
    assert demo_lines
    times = [line["t"] for line in demo_lines]
    assert times == sorted(times)
    assert {line["type"] for line in demo_lines} == {
        "command", "session", "state", "cue", "beat", "calibrated", "rep", "warning", "summary",
    }  # fmt: skip


def test_reps_warnings_and_cues_carry_their_fields(demo_lines):
    reps = [line for line in demo_lines if line["type"] == "rep"]
    assert len(reps) == 6
    for rep in reps:
        assert {"side", "set", "rep", "peak_angle", "faults"} <= rep.keys()
    warnings = [w["fault"] for w in demo_lines if w["type"] == "warning"]
    assert warnings == ["too_high", "toes_up", "fast_lower"]
    cues = [line for line in demo_lines if line["type"] == "cue"]
    assert {c["priority"] for c in cues} == {"info", "tempo", "form"}
    assert all(c["text"] for c in cues)


def test_the_run_starts_with_the_command_and_ends_with_the_summary(demo_lines):
    assert demo_lines[0] == {"t": 0.0, "type": "command", "command": "start", "source": "demo"}
    summary = demo_lines[-1]
    assert summary["type"] == "summary"
    assert summary["reps_per_side"] == {"right": 3, "left": 3}
    assert summary["completed"] is True
