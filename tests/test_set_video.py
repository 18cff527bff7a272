"""Sets recorded when asked for, each with the camera the coach measured: `coach analyze` then
reads a set as the live coach did, and the coach never waits for the encoder."""

import json
import logging
import threading
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.set_video import SetVideos, saved_camera
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.video import VideoFile
from coach.app.demo import DEMO_SCRIPT, build_demo
from coach.core.events import Command, RepCounted, StateChanged, ViewCalibrated
from coach.core.view import CameraView
from coach.sim.scene import CameraPose, FilmedScene, Scene
from tests.helpers import quick_settings, run_coach, run_doctor

pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")

CAMERA = CameraPose(2.5, 20.0, 8.0)  # on a shelf, looking down, a little off square


def _ticking(start: datetime):
    """A wall clock that moves a minute each time it is read: every set gets its own name."""
    now = [start]

    def clock() -> datetime:
        now[0] += timedelta(minutes=1)
        return now[0]

    return clock


def _session(folder, keep=None):
    """A coached session filmed by a tilted camera, its sets recorded."""
    settings = quick_settings(reps=3)
    settings = replace(settings, camera=replace(settings.camera, width=640, height=480))
    videos = SetVideos(
        folder,
        keep,
        settings.camera.fps,
        CameraView(),
        clock=_ticking(datetime(2026, 11, 27, 9, 0)),
        wait_for_encoder=True,
    )
    events = []

    def film(athlete):
        scene = Scene(CAMERA, settings.markers.colours(), 640, 480, seed=5)
        return videos.around(FilmedScene(athlete, scene))

    loop, _ = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append, videos], DEMO_SCRIPT, film
    )
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=1000)
    videos.close()
    return events


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sets")
    return folder, _session(folder)


def test_each_set_is_kept_with_the_camera_the_coach_measured_at_setup(recorded):
    folder, events = recorded
    videos = sorted(folder.glob("*.mp4"))
    assert [v.name for v in videos] == [
        "set-000001-20261127-090100-right-1.mp4",
        "set-000002-20261127-090200-left-1.mp4",
    ]
    measured = [e for e in events if isinstance(e, ViewCalibrated)]
    assert len(measured) == 1
    for video, side in zip(videos, ("right", "left"), strict=True):
        about = json.loads(video.with_suffix(".json").read_text())
        assert about["side"] == side and about["set"] == 1
        assert about["camera"] == {
            "tilt_deg": measured[0].tilt_deg,
            "turn_deg": measured[0].turn_deg,
            "measured": True,
        }
        frames = list(VideoFile(str(video)).frames())
        assert len(frames) == about["frames"] > 100 and about["frames_dropped"] == 0
        assert frames[-1][0] == pytest.approx((about["frames"] - 1) / 10, abs=0.01)  # 10 fps


def test_analyze_reads_a_recorded_set_with_its_saved_camera_as_the_live_coach_did(recorded):
    folder, events = recorded
    video = sorted(folder.glob("*left-1.mp4"))[0]
    result = run_coach("analyze", str(video), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    measured = next(e for e in events if isinstance(e, ViewCalibrated))
    assert records[0] == {
        "type": "camera",
        "tilt_deg": measured.tilt_deg,
        "tilt_from": "measured",
        "turn_deg": measured.turn_deg,
        "turn_from": "measured",
        "source": f"as the coach measured it at setup ({video.with_suffix('.json').name})",
    }
    live = [e for e in events if isinstance(e, RepCounted) and e.side == "left"]
    reps = [r for r in records if r["type"] == "rep"]
    assert [r["faults"] for r in reps] == [list(e.faults) for e in live]
    assert [r["peak_angle"] for r in reps] == pytest.approx([e.peak_angle for e in live], abs=0.5)


def test_only_the_newest_sets_are_kept(tmp_path):
    _session(tmp_path, keep=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "set-000002-20261127-090200-left-1.json",
        "set-000002-20261127-090200-left-1.mp4",
    ]


class _StuckWriter:
    """An encoder that takes its first frame and then waits to be let go."""

    def __init__(self, release: threading.Event) -> None:
        self._release = release
        self.frames = 0

    def write(self, frame, at=None) -> None:
        self._release.wait()
        self.frames += 1

    def close(self) -> None:
        """Nothing to flush."""

    def discard(self) -> None:
        """Nothing to remove."""


def test_an_encoder_that_falls_behind_drops_frames_and_never_holds_up_the_coach(tmp_path):
    release = threading.Event()
    writer = _StuckWriter(release)
    videos = SetVideos(tmp_path, None, 10, CameraView(), open_writer=lambda *_: writer)
    videos(StateChanged(0.0, "set", side="right", set=1))
    frame = np.zeros((48, 64, 3), np.uint8)
    for i in range(100):  # returns at once each time, though the encoder is stuck
        videos.add(i / 10, frame)
    release.set()
    videos(StateChanged(10.0, "rest"))
    videos.close()
    about = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert about["frames"] == writer.frames
    assert about["frames"] + about["frames_dropped"] == 100
    assert 20 <= about["frames"] <= 21  # two seconds' backlog, and the one being encoded


def test_a_set_that_cannot_be_written_is_left_out_and_the_coach_goes_on(tmp_path, caplog):
    blocked = tmp_path / "sets"
    blocked.write_text("a file where the folder should be")
    videos = SetVideos(blocked, None, 10, CameraView())
    videos(StateChanged(0.0, "set", side="left", set=2))
    with caplog.at_level(logging.WARNING, logger="coach.record"):
        for i in range(5):
            videos.add(i / 10, np.zeros((48, 64, 3), np.uint8))
        videos(StateChanged(1.0, "rest"))
        videos.close()
    assert "this set is not kept" in caplog.text
    assert blocked.read_text() == "a file where the folder should be"


def test_a_camera_file_that_says_no_camera_is_named_and_not_used(tmp_path):
    video = tmp_path / "mine.mp4"
    assert saved_camera(video, 62.2) is None  # any video of the user's own
    for text in (
        '{"camera": {"tilt_deg": "high"}}',
        '{"camera": {"tilt_deg": 500, "turn_deg": 0, "measured": true}}',
        '{"camera": {"tilt_deg": NaN, "turn_deg": 0, "measured": true}}',
        "[1, 2]",
    ):
        video.with_suffix(".json").write_text(text)
        with pytest.raises(ValueError, match=r"mine\.json: not a camera the coach saved"):
            saved_camera(video, 62.2)


def test_doctor_says_where_recorded_sets_go(tmp_path):
    config = tmp_path / "coach.toml"
    config.write_text("[camera]\nrecord_sets = 3\n")
    lines = run_doctor(config, tmp_path / "state").stdout.splitlines()
    line = next(line for line in lines if "recording:" in line)
    assert (
        line == f"ok       recording: the newest 3 sets are kept in {tmp_path / 'state' / 'sets'}"
    )


def test_demo_record_into_a_file_is_one_line_and_no_session(tmp_path):
    where = tmp_path / "taken"
    where.write_text("")
    result = run_coach("demo", "--speed", "1000", "--record", str(where))
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"coach: --record: cannot make {where} (File exists)"
    ]
    assert result.stdout == ""  # refused before the coach said a word
