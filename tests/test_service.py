"""`coach run` as systemd runs it, and the faults it must live through."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from tests.helpers import run_doctor

SERVICE_CONFIG = """
[camera]
source = "none"
[speech]
engine = "console"
[button]
enabled = false
[voice]
model_path = "{model}"
"""


@pytest.fixture
def notify_socket(tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(20)
    yield path, sock
    sock.close()


def _messages(sock):
    return sock.recv(4096).decode().split("\n")


def _start_service(tmp_path, notify_path, *args):
    config = tmp_path / "coach.toml"
    config.write_text(SERVICE_CONFIG.format(model=tmp_path / "no-model"))
    env = {
        **os.environ,
        "NOTIFY_SOCKET": str(notify_path),
        "WATCHDOG_USEC": "200000",
        "STATE_DIRECTORY": str(tmp_path / "state"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "coach", "--config", str(config), "run", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ready_then_watchdog_then_stopping_and_the_session_so_far_is_saved(tmp_path, notify_socket):
    notify_path, sock = notify_socket
    service = _start_service(tmp_path, notify_path, "--start")
    try:
        first = _messages(sock)
        assert first[0] == "READY=1"
        watchdog = [m for _ in range(3) for m in _messages(sock)]
        assert watchdog.count("WATCHDOG=1") == 3
        service.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in _messages(sock):
            pass
        assert service.wait(timeout=5) == 0
    finally:
        service.kill()
    log = service.stderr.read()
    assert "voice: no Vosk model at" in log  # voice is off, the coach still came up
    assert "Traceback" not in log
    database = sqlite3.connect(tmp_path / "state" / "history.sqlite3")
    assert database.execute("SELECT ended_by FROM sessions").fetchall() == [("shutdown",)]


def test_a_bad_config_is_one_line_and_exit_2_so_systemd_does_not_restart(tmp_path):
    config = tmp_path / "coach.toml"
    config.write_text("[button]\npin = 99\n")
    result = subprocess.run(
        [sys.executable, "-m", "coach", "--config", str(config), "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"coach: config error: {config}: button.pin = 99 is out of range "
        "(allowed: a whole number from 2 to 27 BCM GPIO number)"
    ]


def test_a_hung_capture_stops_the_watchdog(tmp_path, notify_socket, monkeypatch):
    from coach.adapters.clock import VirtualClock
    from coach.adapters.notify import Notifier
    from coach.adapters.speech.console import ConsoleSpeaker
    from coach.app.daemon import build_service
    from tests.helpers import quick_settings

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    notify_path, sock = notify_socket
    hung, release = threading.Event(), threading.Event()

    class HangingCamera:
        def read(self, t):
            hung.set()
            release.wait()
            return None

        def close(self):
            pass

    settings = quick_settings()
    settings = replace(settings, voice=replace(settings.voice, enabled=False))
    notifier = Notifier({"NOTIFY_SOCKET": str(notify_path), "WATCHDOG_USEC": "200000"})
    service = build_service(
        settings, VirtualClock(), ConsoleSpeaker(), open_camera=HangingCamera, notifier=notifier
    )
    runner = threading.Thread(target=service.run, kwargs={"start_now": True})
    runner.start()
    try:
        assert hung.wait(timeout=20)
        sock.settimeout(0.05)
        fed = []
        try:
            while True:
                fed += _messages(sock)
        except TimeoutError:
            pass
        assert "READY=1" in fed and "WATCHDOG=1" in fed
        sock.settimeout(1.0)  # five watchdog periods: a live loop would have fed it by now
        with pytest.raises(TimeoutError):
            _messages(sock)
    finally:
        service.stopping.set()
        release.set()
        runner.join(timeout=10)
        service.close()


def test_stopping_mid_set_closes_the_camera_and_keeps_the_reps_and_video_so_far(
    tmp_path, monkeypatch
):
    from coach.adapters.clock import VirtualClock
    from coach.adapters.speech.console import ConsoleSpeaker
    from coach.adapters.video import VideoFile
    from coach.app.daemon import build_service
    from coach.core.events import Command
    from coach.core.session import Phase
    from coach.sim.athlete import Script, SimulatedAthlete
    from coach.sim.camera import SimulatedCamera
    from tests.helpers import quick_settings

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    settings = quick_settings(reps=5)
    settings = replace(
        settings,
        voice=replace(settings.voice, enabled=False),
        camera=replace(settings.camera, record_sets=4),  # the sets' video is asked for
    )
    athlete = SimulatedAthlete(Script())
    closed = []

    class Camera(SimulatedCamera):
        def close(self):
            closed.append(True)

    def open_camera():
        return Camera(
            athlete, 192, 144, settings.markers.colours(), settings.markers.foot_to_leg_ratio
        )

    class Speaker(ConsoleSpeaker):
        def close(self):
            closed.append("speech")

    service = build_service(settings, VirtualClock(), Speaker(), open_camera=open_camera)
    service.loop.add_sink(athlete.on_event)
    reps = []
    service.loop.add_sink(lambda e: reps.append(e) if e.kind == "rep" else None)
    service.loop.send(Command.START, "test")
    service.loop.run(until=lambda: len(reps) == 2)
    assert service.loop.coach.phase is Phase.SET
    service.close()
    assert closed == ["speech", True]
    database = sqlite3.connect(tmp_path / "state" / "history.sqlite3")
    assert database.execute("SELECT ended_by FROM sessions").fetchall() == [("shutdown",)]
    assert database.execute("SELECT rep, peak_angle > 25 FROM reps").fetchall() == [(1, 1), (2, 1)]
    (video,) = (tmp_path / "state" / "sets").glob("set-*-right-1.mp4")  # finished, not lost
    about = json.loads(video.with_suffix(".json").read_text())
    assert about["camera"]["measured"] is True
    assert len(list(VideoFile(str(video)).frames())) == about["frames"] > 0


def test_doctor_names_the_pose_model_when_it_is_there_and_why_not_when_asked_for(tmp_path):
    from coach.sim.footage import POSE_MODELS

    config = tmp_path / "coach.toml"
    if (POSE_MODELS / "pose_detection.tflite").exists():
        config.write_text(f'[vision]\nmode = "pose"\npose_model_dir = "{POSE_MODELS}"\n')
        line = _doctor_line(config, tmp_path, "vision")
        assert line.startswith("ok") and "no markers needed" in line
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pose_detection.tflite").write_bytes(b"not a model")
    config.write_text(f'[vision]\nmode = "pose"\npose_model_dir = "{broken}"\n')
    line = _doctor_line(config, tmp_path, "vision")
    assert line.startswith("PROBLEM") and "not the expected file" in line
    assert "follows the five markers" in line


def _doctor_line(config, state, name: str) -> str:
    lines = run_doctor(config, state).stdout.splitlines()
    return next(line for line in lines if line.split(":")[0].split()[-1] == name)


def test_doctor_gives_one_line_per_check_with_what_to_fix(tmp_path):
    config = tmp_path / "coach.toml"
    config.write_text(
        f'[voice]\nmodel_path = "{tmp_path / "no-model"}"\n[speech]\nalsa_device = "null"\n'
    )
    result = run_doctor(config, tmp_path)
    lines = result.stdout.strip().splitlines()
    checks = [line.split(":")[0].split(maxsplit=1) for line in lines]
    assert [name for _, name in checks] == [
        "config", "camera", "vision", "microphone", "speaker", "echo cancellation", "button",
        "speech model", "free space", "recording",
    ]  # fmt: skip
    status = {name: state for state, name in checks}
    assert status["config"] == status["speaker"] == status["free space"] == "ok"
    assert status["recording"] == "ok" and "frames never leave memory" in lines[9]
    assert status["echo cancellation"] == "ok" and "hears you while it talks" in lines[5]
    assert status["speech model"] == "PROBLEM" and "sudo ./scripts/install" in lines[7]
    # No pose model where the config says: the markers, and how to get the model.
    assert status["vision"] == "ok" and "fetch-pose-model" in lines[2]
    assert status["camera"] == "PROBLEM" and "python3-picamera2" in lines[1]
    assert result.returncode == 1  # something needs fixing
    assert result.stderr == ""
