"""A card that fills up: recordings keep to a floor of free space, the oldest sets go first,
the history always has room, and a failed set gives back every byte and descriptor.

Run as root on a real tmpfs of a few megabytes (skipped elsewhere): the kernel's own "no space
left", not a simulation of it."""

import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from coach.adapters import set_video
from coach.adapters.set_video import SetVideos, recorded_sets
from coach.adapters.store import SessionRecorder, open_database
from coach.core.events import RepCounted, SessionStarted, StateChanged
from coach.core.view import CameraView

pytest.importorskip("av", reason="PyAV: .venv/bin/pip install -e '.[video]'")
MB = 2**20
FPS = 10


@pytest.fixture
def card(tmp_path):
    """A tmpfs of 24 MB standing in for the SD card."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point = tmp_path / "card"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(card: Path, leave: int) -> None:
    """Fill the card until `leave` bytes are free."""
    with (card / "filler").open("ab") as filler:
        filler.write(bytes(max(shutil.disk_usage(card).free - leave, 0)))


def _noise(rng) -> np.ndarray:
    """A frame the encoder cannot squeeze: each second of it takes the capped bitrate."""
    return rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)


def _record(videos: SetVideos, seconds: float, side: str = "right", set_no: int = 1) -> None:
    rng = np.random.default_rng(3)
    videos(StateChanged(0.0, "set", side=side, set=set_no))
    for i in range(round(seconds * FPS)):
        videos.add(i / FPS, _noise(rng))
    videos(StateChanged(seconds, "rest"))


def _deleted_files_held() -> list[str]:
    """Descriptors of this process that point at a deleted file, whose blocks stay taken."""
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith("(deleted)"):
            held.append(target)
    return held


def _old_set(folder: Path, name: str, size: int) -> Path:
    folder.mkdir(exist_ok=True)
    video = folder / f"{name}.mp4"
    video.write_bytes(os.urandom(size))
    video.with_suffix(".json").write_text("{}")
    return video


def test_the_oldest_sets_make_room_for_a_new_one_in_the_order_they_were_recorded(card):
    sets = card / "sets"
    older = [
        _old_set(sets, "set-20250101-090000-right-1", 2 * MB),  # before sets were numbered
        *(_old_set(sets, f"set-00000{n}-20261201-09000{n}-left-1", 2 * MB) for n in (1, 2, 3)),
    ]
    for age, video in enumerate(older):  # file times say the newest is the oldest
        os.utime(video, (1e9 + 1000 * (10 - age), 1e9 + 1000 * (10 - age)))
    _fill(card, 5 * MB)
    videos = SetVideos(sets, 100, FPS, CameraView(), min_free=8 * MB)
    _record(videos, 3.0)
    videos.close()
    names = [video.name for video in recorded_sets(sets)]
    assert names[:-1] == [video.name for video in older[2:]]  # two removed: oldest recorded
    assert names[-1].startswith("set-000004-") and videos.encoder_errors == 0
    assert shutil.disk_usage(card).free >= 8 * MB - 2 * MB  # the floor, less this set's video


def test_a_set_that_would_cross_the_floor_stops_and_the_history_still_saves(card, caplog):
    history = SessionRecorder(open_database(card / "history.sqlite3"))
    history(SessionStarted(0.0, "leg_lifts"))
    _fill(card, 6 * MB + MB // 2)
    sets = card / "sets"
    videos = SetVideos(sets, 100, FPS, CameraView(), min_free=6 * MB, wait_for_encoder=True)
    with caplog.at_level(logging.WARNING, logger="coach.record"):
        _record(videos, 30.0)  # 30 s of noise: more than the half megabyte above the floor
        videos.close()
    assert list(sets.iterdir()) == []  # no set, and no half of one
    assert videos.encoder_errors == 1
    assert "the card is nearly full" in caplog.text
    assert shutil.disk_usage(card).free >= 6 * MB
    for n in range(1, 201):  # a whole session's reps still fit
        history(RepCounted(float(n), "right", 1, n, 30.0, (), 2.0, 2.0, 4.0))
    assert history.saved
    assert open_database(card / "history.sqlite3").execute(
        "SELECT count(*) FROM reps"
    ).fetchone() == (200,)
    history.close()


def test_no_set_is_begun_below_the_floor_and_that_is_said_once(card, caplog):
    _fill(card, 2 * MB)
    videos = SetVideos(card / "sets", 100, FPS, CameraView(), min_free=6 * MB)
    with caplog.at_level(logging.WARNING, logger="coach.record"):
        for set_no in (1, 2, 3):
            _record(videos, 0.5, set_no=set_no)
        videos.close()
    assert not (card / "sets").exists() or list((card / "sets").iterdir()) == []
    assert caplog.text.count("less than 6 MB free") == 1


def test_a_set_that_fills_the_card_gives_back_every_block_and_descriptor(card):
    _fill(card, 300 * 1024)
    free_before = shutil.disk_usage(card).free
    held_before = _deleted_files_held()
    videos = SetVideos(card / "sets", 100, FPS, CameraView(), wait_for_encoder=True)
    _record(videos, 30.0)  # no floor: the kernel says "no space left"
    videos.close()
    assert videos.encoder_errors == 1
    assert _deleted_files_held() == held_before
    assert list((card / "sets").iterdir()) == []
    assert shutil.disk_usage(card).free >= free_before - 64 * 1024  # the folder's own blocks


class _FailingWriter:
    """An encoder that breaks in a way no one listed (a bug in a codec's wrapper, say)."""

    def __init__(self, error: BaseException) -> None:
        self._error = error

    def write(self, frame, at=None) -> None:
        raise self._error

    def close(self) -> None:
        """Never reached."""

    def discard(self) -> None:
        """Nothing written."""


@pytest.mark.parametrize("error", [RuntimeError("x264 said no"), MemoryError(), KeyError("pts")])
def test_any_encoder_error_is_caught_and_counted_and_the_loop_is_never_held(tmp_path, error):
    videos = SetVideos(
        tmp_path, None, FPS, CameraView(), lambda *_: _FailingWriter(error), wait_for_encoder=True
    )
    done = threading.Event()

    def coach_loop():
        for set_no in (1, 2):
            _record(videos, 10.0, set_no=set_no)  # a hundred frames each, ten times the backlog
        videos.close()
        done.set()

    threading.Thread(target=coach_loop, daemon=True).start()
    assert done.wait(60), "the loop was held by a dead encoder"
    assert videos.encoder_errors == 2 and list(tmp_path.iterdir()) == []


class _HungWriter:
    """An encoder that never returns from its first frame."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def write(self, frame, at=None) -> None:
        self.release.wait()

    def close(self) -> None:
        """Nothing to flush."""

    def discard(self) -> None:
        """Nothing to remove."""


def test_the_end_of_a_set_is_handed_to_a_hung_encoder_in_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setattr(set_video, "HANDOFF_S", 0.2)
    writer = _HungWriter()
    videos = SetVideos(tmp_path, None, FPS, CameraView(), lambda *_: writer)
    done = threading.Event()

    def coach_loop():
        _record(videos, 10.0)
        videos.close()
        done.set()

    threading.Thread(target=coach_loop, daemon=True).start()
    try:
        assert done.wait(30), "the loop waited on a hung encoder"
        assert videos.encoder_errors == 1
    finally:
        writer.release.set()
