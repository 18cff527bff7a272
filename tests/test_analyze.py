"""`coach analyze`: a recorded session (the simulated athlete, encoded with PyAV) read back."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.video import VideoFile, VideoUnavailable, VideoWriter
from coach.app.demo import DEMO_SCRIPT, build_demo
from coach.core.events import Command, FormWarning, RepCounted
from coach.core.session import Phase
from coach.sim.scene import CameraPose, FilmedScene, Scene
from tests.helpers import quick_settings

pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")


class Recorder:
    """A camera that also writes the frames it delivers during the sets to a video file (the
    setup's raised-leg moment would read as one more lift, as it would to anyone watching)."""

    def __init__(self, camera, writer):
        self._camera, self._writer = camera, writer
        self.recording = lambda: True

    def read(self, t):
        frame = self._camera.read(t)
        if self.recording():
            self._writer.write(frame)
        return frame

    def close(self):
        self._writer.close()


# On a shelf, looking down, a little off square: the live coach measures it at setup, the
# replay from the recording (which holds only the sets).
CAMERA = CameraPose(2.5, 20.0, 8.0)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """A recorded coached session, and what the live coach saw in it."""
    path = tmp_path_factory.mktemp("video") / "session.mp4"
    settings = quick_settings(reps=3)
    events, recorders = [], []

    def film(athlete):
        scene = Scene(CAMERA, settings.markers.colours(), 640, 480, seed=5)
        camera = FilmedScene(athlete, scene)
        recorders.append(Recorder(camera, VideoWriter(str(path), 640, 480, settings.camera.fps)))
        return recorders[0]

    loop, _ = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], DEMO_SCRIPT, camera_for=film
    )
    recorders[0].recording = lambda: loop.coach.phase is not Phase.SETUP
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=1000)
    end = loop.clock.now()
    for i in range(1, 21):  # the camera runs on a little while the person lies still
        recorders[0].read(end + i / settings.camera.fps)
    recorders[0].close()
    return path, events


def _coach(*args):
    return subprocess.run(
        [sys.executable, "-m", "coach", "analyze", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_replay_finds_the_reps_and_faults_the_live_coach_found(recording):
    path, live = recording
    result = _coach(path, "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    reps = [r for r in records if r["type"] == "rep"]
    live_reps = [e for e in live if isinstance(e, RepCounted)]
    assert len(reps) == len(live_reps) == 6
    assert [r["faults"] for r in reps] == [list(e.faults) for e in live_reps]
    for replayed, seen in zip(reps, live_reps, strict=True):
        assert replayed["peak_angle"] == pytest.approx(seen.peak_angle, abs=2.0)
        assert {"start", "peak_rotation", "lift_s", "hold_s", "lower_s"} <= replayed.keys()
    # The replay numbers reps through the whole recording; the live coach, within each set.
    position = {(e.side, e.rep): i + 1 for i, e in enumerate(live_reps)}
    warnings = [(r["fault"], r["rep"]) for r in records if r["type"] == "warning"]
    live_warnings = [w for w in live if isinstance(w, FormWarning)]
    assert warnings == [(w.fault, position[w.side, w.rep]) for w in live_warnings]


def test_the_camera_is_measured_from_the_recording_unless_given_or_configured(recording, tmp_path):
    path, live = recording
    measured = [json.loads(line) for line in _coach(path, "--json").stdout.splitlines()]
    config = tmp_path / "coach.toml"
    config.write_text("[camera]\ncalibrate = false\n")
    square = [
        json.loads(line) for line in _coach(path, "--json", "--config", config).stdout.splitlines()
    ]
    tilted = [
        json.loads(line) for line in _coach(path, "--json", "--tilt", "25").stdout.splitlines()
    ]
    camera = measured[0]
    assert camera["source"].startswith("measured from the recording")
    assert (camera["tilt_from"], camera["turn_from"]) == ("measured", "measured")
    # The sets' rest has the toes a little down, as coached: that goes into the tilt.
    assert camera["tilt_deg"] == pytest.approx(CAMERA.tilt_deg, abs=6.0)
    assert camera["turn_deg"] == pytest.approx(CAMERA.turn_deg, abs=4.0)
    assert square[0] == {"type": "camera", "tilt_deg": 0.0, "tilt_from": "config",
                         "turn_deg": 0.0, "turn_from": "config",
                         "source": "as configured in [camera] (calibrate = false)"}  # fmt: skip
    assert tilted[0]["tilt_deg"] == 25.0 and tilted[0]["source"] == "as given"
    # Only the tilt was given: the turn is the config's, and says so.
    assert (tilted[0]["tilt_from"], tilted[0]["turn_from"]) == ("given", "config")
    peaks = [[r["peak_angle"] for r in run if r["type"] == "rep"] for run in (square, measured)]
    assert len(peaks[0]) == len(peaks[1]) == 6
    live_peaks = [e.peak_angle for e in live if isinstance(e, RepCounted)]
    # Read as square, the camera's look down hides some of each lift; measured, it does not.
    assert max(abs(a - b) for a, b in zip(peaks[1], live_peaks, strict=True)) <= 2.0
    assert max(abs(a - b) for a, b in zip(peaks[0], live_peaks, strict=True)) > 2.0


def test_a_camera_angle_out_of_range_is_refused_in_one_line(recording):
    path, _ = recording
    result = _coach(path, "--tilt", "60")
    assert result.returncode == 2
    assert "60 is out of range (allowed: -10 to 45)" in result.stderr.strip().splitlines()[-1]


def test_the_table_has_a_line_per_rep_and_a_summary(recording):
    path, _ = recording
    result = _coach(path)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("camera: looks down ") and "measured from the recording" in lines[0]
    assert lines[1].split()[:3] == ["rep", "start", "peak"]
    assert len(lines) == 1 + 1 + 6 + 1
    assert "leg too high" in lines[3] and "toes turned up" in lines[4]
    assert lines[-1].startswith("6 reps; the leg was seen in 100% of")


def test_annotate_writes_a_playable_copy_with_every_frame(recording, tmp_path):
    path, _ = recording
    out = tmp_path / "annotated.mp4"
    assert _coach(path, "--annotate", out).returncode == 0
    original, annotated = VideoFile(str(path)), VideoFile(str(out))
    pairs = list(zip(original.frames(), annotated.frames(), strict=True))
    assert len(pairs) > 100
    (_, before), (_, after) = pairs[len(pairs) // 2]
    assert after.shape == before.shape
    assert (after.astype(int) - before.astype(int)).any()  # something was drawn


def test_a_damaged_video_is_read_up_to_the_damage(recording, tmp_path):
    path, _ = recording
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    result = _coach(cut)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.mp4", None, "no such file"),
        ("notes.mp4", b"not a video", "not a video that can be read"),
    ],
)
def test_an_unreadable_video_is_one_line_and_exit_1(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = _coach(path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"coach: {path}: {message}")


def test_without_pyav_the_message_says_what_to_install(monkeypatch):
    """Both ways it names exist: Debian's package, and this project's extra from a checkout
    (legcoach itself is not on PyPI, so "pip install 'legcoach[video]'" could only fail)."""
    import tomllib

    monkeypatch.setitem(sys.modules, "av", None)
    with pytest.raises(VideoUnavailable) as raised:
        VideoFile("anything.mp4")
    message = str(raised.value)
    assert "apt install python3-av" in message
    assert "pip install -e '.[video]'" in message
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert "av" in project["project"]["optional-dependencies"]["video"][0]


def _blank_video(path, width, height, frames=2):
    import av
    import numpy as np

    container = av.open(str(path), "w")
    stream = container.add_stream("mpeg4", rate=15)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    picture = av.VideoFrame.from_ndarray(np.zeros((height, width, 3), np.uint8), format="bgr24")
    for _ in range(frames):
        for packet in stream.encode(picture):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


def test_annotate_never_overwrites_the_recording_or_another_file_unasked(recording, tmp_path):
    path, _ = recording
    before = path.read_bytes()
    for extra in ([], ["--force"]):
        result = _coach(path, "--annotate", path, *extra)
        assert result.returncode == 1
        assert (
            result.stderr == f"coach: {path}: is the recording being analysed; name another file\n"
        )
    assert path.read_bytes() == before
    other = tmp_path / "kept.mp4"
    other.write_bytes(b"someone's video")
    result = _coach(path, "--annotate", other)
    assert result.returncode == 1
    assert result.stderr == f"coach: {other}: exists already (add --force to replace it)\n"
    assert other.read_bytes() == b"someone's video"
    assert _coach(path, "--annotate", other, "--force").returncode == 0
    assert VideoFile(str(other)).frame_count


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/out.mp4", "{tmp}/missing/out.mp4: the folder {tmp}/missing does not exist"),
        ("out.txt", "--annotate must end in .mp4, .mkv, .avi, .mov, not out.txt"),
        ("folder.mp4", "{tmp}/folder.mp4: is a folder; name a file in it"),
    ],
)
def test_an_annotation_that_cannot_be_written_is_one_line_before_any_work(
    recording, tmp_path, target, message
):
    (tmp_path / "folder.mp4").mkdir()
    result = _coach(recording[0], "--annotate", tmp_path / target)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"coach: {message.format(tmp=tmp_path)}"]


def test_a_write_that_fails_midway_keeps_the_analysis_and_leaves_no_half_video(recording, tmp_path):
    import resource
    import signal

    def small_files():  # as a full card would: writes past 20 kB fail
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = tmp_path / "annotated.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "coach", "analyze", str(recording[0]), "--annotate", str(out)],
        capture_output=True, text=True, timeout=120, preexec_fn=small_files,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1].startswith("6 reps;")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"coach: no annotated copy: {out}: cannot write it")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((5000, 4000), "5000x4000 frames are larger than coach analyze reads"),
        ((16, 16), "16x16 frames are too small to find markers in"),
    ],
)
def test_frames_too_large_or_too_small_are_refused_in_one_line(tmp_path, size, message):
    path = _blank_video(tmp_path / "odd.mp4", *size)
    result = _coach(path)
    assert result.returncode == 1
    assert result.stderr == f"coach: {path}: {message} (" + result.stderr.split(" (", 1)[1]
    assert len(result.stderr.splitlines()) == 1


def test_wide_frames_are_analysed_scaled_down(tmp_path):
    from coach.adapters.video import ANALYSIS_MAX_WIDTH

    video = VideoFile(str(_blank_video(tmp_path / "wide.mp4", 2560, 1440)))
    shapes = {frame.shape for _, frame in video.frames()}
    assert shapes == {(1080, ANALYSIS_MAX_WIDTH, 3)}


def test_the_overlay_says_which_rep_which_part_of_it_and_its_faults(recording):
    from coach.app.analyze import analyze, recorded_view
    from coach.settings import Settings

    class Watching:
        """Stands in for the video writer: keeps what each frame would have shown."""

        def __init__(self):
            self.statuses = []

        def write(self, frame, markers, angles, status):
            self.statuses.append(status)

    path, _ = recording
    watching = Watching()
    view = recorded_view(VideoFile(str(path)).frames(), Settings())  # as `coach analyze` does
    analyze(VideoFile(str(path)).frames(), Settings(), overlay=watching, view=view)
    statuses = watching.statuses
    # Each rep goes rest, lift, hold, lower in that order, numbered 1 to 6.
    for number in range(1, 7):
        phases = [s.phase for s in statuses if s.rep == number]
        compact = [p for i, p in enumerate(phases) if i == 0 or p != phases[i - 1]]
        assert [p for p in compact if p != "rest"][:3] == ["lift", "hold", "lower"], compact
    # The demo's second rep goes too high, its third turns the toes up: shown while they last.
    assert any("too_high" in s.faults for s in statuses if s.rep == 2 and s.phase == "hold")
    assert any("toes_up" in s.faults for s in statuses if s.rep == 3)
    assert not any(s.faults for s in statuses if s.rep == 4 and s.phase == "lift")


def test_the_annotated_copy_has_the_words_drawn_on_it(recording, tmp_path):
    out = tmp_path / "annotated.mp4"
    assert _coach(recording[0], "--annotate", out).returncode == 0
    original, annotated = VideoFile(str(recording[0])), VideoFile(str(out))
    (_, before), (_, after) = next(iter(zip(original.frames(), annotated.frames(), strict=False)))
    corner = (slice(0, 40), slice(0, 120))  # where "REP 1  REST" is written
    assert (after[corner] < 40).mean() > 0.3 and (before[corner] < 40).mean() < 0.05


def test_after_turning_round_to_the_other_leg_the_replay_counts_on_cleanly():
    """The live coach stops filming as it counts a set's last rep, before the leg has quite
    come to rest, and learns how you lie at each set: the replay must count that rep, and read
    the other leg, lying elsewhere in the picture, against a rest pose of its own."""
    from dataclasses import replace

    from coach.app.analyze import analyze
    from coach.core.view import CameraView
    from coach.settings import Settings
    from coach.sim.athlete import LegState

    pose = CameraPose(3.1, 28.0, -9.6)
    settings = Settings()
    settings = replace(settings, camera=replace(settings.camera, width=640, height=480, fps=15))
    scene = Scene(pose, settings.markers.colours(), 640, 480, seed=2)

    def rep(name: str) -> list[LegState]:
        legs = []
        for i in range(150):  # lift 2 s, hold 2.5 s, lower 4 s, rest 1.5 s
            t = i / 15
            x = min(t / 2, 1.0) if t < 4.5 else max(1.0 - (t - 4.5) / 4, 0.0)
            up = 0.5 - 0.5 * math.cos(math.pi * x)  # slow out of rest, slow into the top
            legs.append(LegState(name, 30.0 * up, -5.0, 1.0 * up, 6.0 * up, 6.0 * up))
        return legs

    def side(name: str) -> list[LegState]:
        return [LegState(name, 0.0, -5.0)] * 30 + rep(name) * 2

    last = rep("right")
    cut = next(i for i, leg in enumerate(last) if i > 60 and leg.abduction < 4.0)
    legs = side("right") + last[:cut] + side("left")
    frames = ((i / 15, scene.render(leg)) for i, leg in enumerate(legs))
    # As measured from a recording: toes held a little down at rest put the tilt 4° high.
    result = analyze(frames, settings, view=CameraView(pose.tilt_deg + 4.0, pose.turn_deg))
    assert len(result.reps) == 5
    assert [scored.faults for _, scored in result.reps] == [()] * 5


def test_the_json_says_per_rep_that_its_form_was_checked_and_ends_with_a_summary(recording):
    path, _ = recording
    records = [json.loads(line) for line in _coach(path, "--json").stdout.splitlines()]
    reps = [r for r in records if r["type"] == "rep"]
    assert all(r["form_checked"] is True and r["toes_judged"] is True for r in reps)
    summary = records[-1]
    assert summary["type"] == "summary" and summary["reps"] == len(reps) == 6
    assert summary["form_checked"] == 6 and summary["not_counted"] == {}
    assert summary["clean"] == sum(not r["faults"] for r in reps)
    assert sum(summary["faults"].values()) == sum(len(r["faults"]) for r in reps)


def test_the_overlays_words_go_to_a_corner_clear_of_the_body():
    import numpy as np

    from coach.app.overlay import Status, annotated

    frame = np.full((240, 320, 3), 128, np.uint8)
    colours = {name: (0, 255, 0) for name in ("shoulder", "hip", "knee", "ankle", "toe")}
    # Head to the right: the raised leg and foot up in the top left corner.
    body = {
        "shoulder": np.array([260.0, 200.0]),
        "hip": np.array([180.0, 200.0]),
        "knee": np.array([110.0, 120.0]),
        "ankle": np.array([40.0, 40.0]),
    }
    drawn = annotated(frame, body, None, Status(2, "hold", ("too_high",)), colours)
    top_left, top_right = drawn[:40, :120], drawn[:40, -120:]
    assert (top_right < 40).mean() > 0.2  # the dark band under the words
    assert (top_left < 40).mean() < 0.02  # the leg left in view


def test_the_overlay_says_when_another_movement_is_not_counted():
    import numpy as np

    from coach.app.overlay import Status, annotated

    frame = np.full((240, 320, 3), 128, np.uint8)
    colours = {name: (0, 255, 0) for name in ("shoulder", "hip", "knee", "ankle", "toe")}
    plain = annotated(frame, {}, None, Status(1, "rest"), colours)
    named = annotated(frame, {}, None, Status(1, "rest", (), "clamshell"), colours)
    red = (named[:, :, 2] > 200) & (named[:, :, 1] < 80)
    assert red.sum() > 50 and not ((plain[:, :, 2] > 200) & (plain[:, :, 1] < 80)).any()
