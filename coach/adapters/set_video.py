"""Each set kept as a video, only when asked for (`[camera] record_sets`), with the camera the
live coach measured at setup saved beside it.

A recording alone shows the toes resting a little down, as coached, and the tilt measured from
it came out about 4° high; with the camera the coach itself used, `coach analyze` reads the set
as the coach did. The frames are encoded on a thread of their own, so the loop never waits for
the encoder: when it falls behind by more than `BACKLOG_S`, frames are dropped and counted.
PyAV lets go of Python's lock while x264 works: a Python loop beside the encoder kept 81 to
105 % of its pace here, against 50 % beside more Python, so the listener keeps hearing.

A card is never filled with video: below `min_free` bytes the oldest sets go first, and a set
that cannot have its room is not recorded (or stops), so the history always has space. Sets
are numbered as they are recorded, and pruned by that number: the wall clock of a Pi is not to
be trusted for order.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import shutil
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from coach.adapters.frames import FrameSource
from coach.adapters.video import VideoUnavailable, VideoWriter, require_pyav
from coach.core.calibration import TILT_RANGE_DEG, TURN_RANGE_DEG
from coach.core.events import Event, Phase, StateChanged, ViewCalibrated
from coach.core.view import CameraView
from coach.files import create_new, private_folder, read_limited
from coach.settings import CameraSettings

log = logging.getLogger("coach.record")
BACKLOG_S = 2.0  # seconds of frames that may wait for the encoder
SUFFIX = ".mp4"
CAMERA_SUFFIX = ".json"  # beside each video: the camera and the set it shows
CAMERA_FILE_MAX_BYTES = 4096  # the coach writes about 200 bytes there
CAMERA_FILE_MAX_DEPTH = 4  # {"camera": {...}}: anything deeper is not the coach's
HANDOFF_S = 5.0  # the most the loop waits to hand a set's end to its encoder
WRITE_OUT_S = 60.0  # the most close() waits for an encoder to finish the frames it was given
SPACE_CHECK_S = 1.0  # free space is looked at once a second of video
# set-000042-20261127-090100-right-1.mp4: the number is the order sets were recorded in.
NUMBERED = re.compile(r"^set-(\d{6,})-\d{8}-\d{6}-")

WriterFactory = Callable[[str, int, int, float], VideoWriter]


def quick_writer(path: str, width: int, height: int, fps: float) -> VideoWriter:
    return VideoWriter(path, width, height, fps, quick=True)


@dataclass(frozen=True)
class SavedCamera:
    """The camera a set was read with live: measured at setup, or as configured."""

    view: CameraView
    measured: bool


def saved_camera(video: str | Path, fov_deg: float) -> SavedCamera | None:
    """The camera saved beside `video`, if the coach recorded it; None for any other video.
    Raises ValueError when a file is there but says no camera, and reads no more of it than
    the coach writes: a huge or deeply nested file is refused before it is parsed."""
    path = Path(video).with_suffix(CAMERA_SUFFIX)
    if not path.is_file():
        return None
    try:
        text = read_limited(path, CAMERA_FILE_MAX_BYTES).decode()
        if _nesting(text) > CAMERA_FILE_MAX_DEPTH:
            raise ValueError(f"nested deeper than {CAMERA_FILE_MAX_DEPTH}")
        camera = json.loads(text)["camera"]
        tilt, turn = float(camera["tilt_deg"]), float(camera["turn_deg"])
        if not (_within(tilt, TILT_RANGE_DEG) and _within(turn, TURN_RANGE_DEG)):
            raise ValueError(f"tilt {tilt:g} and turn {turn:g} degrees are out of range")
        return SavedCamera(CameraView(tilt, turn, fov_deg), bool(camera["measured"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a camera the coach saved ({exc!r})") from None


def _nesting(text: str) -> int:
    """How deep JSON's brackets go, strings aside: json.loads recurses once per level."""
    depth = deepest = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]  # False for NaN, which JSON may hold


def free_bytes(folder: Path) -> int:
    """Free space where `folder` is (its nearest existing parent), as an unprivileged user has."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def unsafe_folder(folder: Path) -> str | None:
    """Why the coach will not write sets into `folder`: another user's, or one others may
    write in (they could put a link where a set is about to go)."""
    info = folder.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"{folder} is a symbolic link; name the folder itself"
    if info.st_uid != os.geteuid():
        return f"{folder} belongs to another user; record into a folder of your own"
    if info.st_mode & stat.S_IWOTH:
        return f"{folder} may be written by any user; record into a folder only you can write"
    return None


def set_number(video: Path) -> int:
    """The order a set was recorded in; 0 for one recorded before sets were numbered."""
    numbered = NUMBERED.match(video.name)
    return int(numbered.group(1)) if numbered else 0


def recorded_sets(folder: Path) -> list[Path]:
    """The sets' videos in `folder`, oldest first by the order they were recorded in."""
    return sorted(folder.glob(f"set-*{SUFFIX}"), key=lambda video: (set_number(video), video.name))


class SetVideos:
    """An event sink and a frame source around the camera's: frames read during a set go to
    that set's video. Keeps the newest `keep` sets in `folder` (all of them when None), and
    at least `min_free` bytes free on its card. With `wait_for_encoder` (a simulated camera
    on a virtual clock, which runs ahead of any encoder) a frame waits for a place rather
    than being dropped."""

    def __init__(
        self,
        folder: Path,
        keep: int | None,
        fps: float,
        view: CameraView,
        open_writer: WriterFactory = quick_writer,
        clock: Callable[[], datetime] = datetime.now,
        wait_for_encoder: bool = False,
        min_free: int = 0,
    ) -> None:
        self._folder, self._keep, self._fps = folder, keep, fps
        self._wait = wait_for_encoder
        self._camera = SavedCamera(view, measured=False)
        self._open_writer, self._clock = open_writer, clock
        self._min_free = min_free
        self._current: _SetFile | None = None
        self._finished: list[_SetFile] = []
        self._pruning = threading.Lock()
        self._number = max(map(set_number, recorded_sets(folder)), default=0)
        self._short_of_room = False
        self.encoder_errors = 0

    @classmethod
    def configured(
        cls, folder: Path, keep: int | None, camera: CameraSettings, wait_for_encoder: bool = False
    ) -> SetVideos:
        """For the camera `[camera]` describes, until the setup measures it, kept in `folder`
        (made 0700 when missing). Raises VideoUnavailable, saying why, when PyAV is missing or
        the folder cannot be made, is not this user's own, or cannot be written."""
        require_pyav()
        try:
            private_folder(folder)
            unsafe = unsafe_folder(folder)
        except OSError as exc:
            raise VideoUnavailable(f"cannot make {folder} ({exc.strerror})") from None
        if unsafe is not None:
            raise VideoUnavailable(unsafe)
        if not os.access(folder, os.W_OK):
            raise VideoUnavailable(f"cannot write in {folder}")
        view = CameraView.configured(camera)
        return cls(
            folder,
            keep,
            camera.fps,
            view,
            wait_for_encoder=wait_for_encoder,
            min_free=camera.record_min_free_mb * 2**20,
        )

    def around(self, source: FrameSource) -> FrameSource:
        return _RecordedFrames(source, self)

    def __call__(self, event: Event) -> None:
        if isinstance(event, ViewCalibrated):
            self._camera = SavedCamera(
                CameraView(event.tilt_deg, event.turn_deg, self._camera.view.horizontal_fov_deg),
                measured=True,
            )
        elif isinstance(event, StateChanged):
            self._end_set()
            if event.state == Phase.SET:
                self._start_set(event)

    def add(self, t: float, frame: np.ndarray) -> None:
        if self._current is not None:
            self._current.put(t, frame)

    def close(self) -> None:
        """Finish the set under way and wait until every video is written: at most
        `WRITE_OUT_S` each, and not at all for an encoder found stuck."""
        self._end_set()
        for set_file in self._finished:
            set_file.join(0 if set_file.stuck else WRITE_OUT_S)
        self._finished.clear()

    def _start_set(self, event: StateChanged) -> None:
        if not self.make_room():
            return
        started = self._clock()
        self._number += 1
        name = f"set-{self._number:06d}-{started:%Y%m%d-%H%M%S}-{event.side}-{event.set}"
        about = {"side": event.side, "set": event.set, "started": started.isoformat()}
        self._current = _SetFile(
            self._folder / f"{name}{SUFFIX}",
            self._fps,
            _camera_record(self._camera) | about,
            self._open_writer,
            self,
            self._wait,
        )

    def _end_set(self) -> None:
        if self._current is not None:
            self._current.finish()
            self._finished = [f for f in self._finished if f.alive] + [self._current]
            self._current = None

    def make_room(self) -> bool:
        """At least `min_free` bytes free, the oldest finished sets removed to make it; False
        (said once until there is room again) when even that is not enough. Called by the loop
        before a set and by the encoder during one."""
        with self._pruning:
            try:
                while (short := free_bytes(self._folder) < self._min_free) and self._prune(1):
                    pass
            except OSError as exc:
                log.warning("recording: cannot look at %s (%s)", self._folder, exc.strerror)
                return False
        if short and not self._short_of_room:
            log.warning(
                "recording: less than %d MB free for %s; sets are not recorded until there is",
                self._min_free // 2**20,
                self._folder,
            )
        self._short_of_room = short
        return not short

    def set_written(self) -> None:
        """A set's video is complete: only the newest `keep` stay."""
        if self._keep is not None:
            with self._pruning:
                self._prune(len(recorded_sets(self._folder)) - self._keep)

    def count_error(self) -> None:
        self.encoder_errors += 1

    def _prune(self, count: int) -> int:
        """Remove the `count` oldest sets that are finished; how many were removed."""
        writing = {f.path for f in [*self._finished, self._current] if f is not None and f.alive}
        oldest = [video for video in recorded_sets(self._folder) if video not in writing]
        removed = 0
        try:
            for video in oldest[: max(count, 0)]:
                video.unlink(missing_ok=True)
                video.with_suffix(CAMERA_SUFFIX).unlink(missing_ok=True)
                removed += 1
        except OSError as exc:
            log.warning("recording: could not remove the oldest sets (%s)", exc.strerror)
        return removed


def _camera_record(camera: SavedCamera) -> dict[str, object]:
    view = camera.view
    return {
        "camera": {
            "tilt_deg": view.tilt_deg,
            "turn_deg": view.turn_deg,
            "measured": camera.measured,
        }
    }


class _RecordedFrames:
    def __init__(self, source: FrameSource, videos: SetVideos) -> None:
        self._source, self._videos = source, videos

    def read(self, t: float) -> np.ndarray | None:
        frame = self._source.read(t)
        if frame is not None:
            self._videos.add(t, frame)
        return frame

    def close(self) -> None:
        self._source.close()


_END = None


class _SetFile:
    """One set's video, written on its own thread; its camera file goes beside it at the end.
    Whatever the encoder raises, the set is dropped, the error counted and the thread goes on
    taking frames off the queue until the set ends: the loop never waits on a dead encoder."""

    def __init__(
        self,
        path: Path,
        fps: float,
        about: dict[str, object],
        open_writer: WriterFactory,
        owner: SetVideos,
        wait: bool,
    ) -> None:
        self._path, self._fps, self._about = path, fps, about
        self._open_writer, self._owner, self._wait = open_writer, owner, wait
        backlog = max(1, round(BACKLOG_S * fps))
        self._frames: queue.Queue[tuple[float, np.ndarray] | None] = queue.Queue(backlog)
        self._dropped = 0
        self._ended = False
        self.stuck = False
        self._thread = threading.Thread(target=self._run, name="set-video", daemon=True)
        self._thread.start()

    @property
    def path(self) -> Path:
        return self._path

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def put(self, t: float, frame: np.ndarray) -> None:
        try:
            self._frames.put((t, frame), block=self._wait, timeout=HANDOFF_S)
        except queue.Full:
            self._dropped += 1

    def finish(self) -> None:
        """The set is over. Waits at most `HANDOFF_S` for the encoder to take it."""
        try:
            self._frames.put(_END, timeout=HANDOFF_S)
        except queue.Full:
            self.stuck = True
            self._owner.count_error()
            log.warning("recording: the encoder of %s is stuck; this set is not kept", self._path)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._encode()
        except Exception as exc:  # any encoder error: the coach goes on, the set is left out
            self._owner.count_error()
            log.warning("recording: %s; this set is not kept", exc)
            while not self._ended and self._frames.get() is not _END:
                pass  # taken off the queue all the same, until the set ends

    def _encode(self) -> None:
        writer: VideoWriter | None = None
        written, first = 0, 0.0
        check_every = max(1, round(SPACE_CHECK_S * self._fps))
        try:
            while (item := self._frames.get()) is not _END:
                t, frame = item
                # The set's start made room already; from then on, once a second of video.
                if written and written % check_every == 0 and not self._owner.make_room():
                    raise OSError("the card is nearly full")
                if writer is None:
                    private_folder(self._path.parent)
                    height, width = frame.shape[:2]
                    writer = self._open_writer(str(self._path), width, height, self._fps)
                    first = t
                writer.write(frame, t - first)
                written += 1
            self._ended = True
            if writer is None:
                return
            writer.close()
            self._save_camera(written)
        except BaseException:
            if writer is not None:
                writer.discard()
            raise
        log.info("recorded %s (%d frames, %d dropped)", self._path, written, self._dropped)
        self._owner.set_written()

    def _save_camera(self, written: int) -> None:
        record = self._about | {"frames": written, "frames_dropped": self._dropped}
        partial = self._path.with_name(f".{self._path.stem}.partial{CAMERA_SUFFIX}")
        partial.unlink(missing_ok=True)
        with create_new(partial) as out:
            out.write((json.dumps(record, indent=1) + "\n").encode())
        partial.replace(self._path.with_suffix(CAMERA_SUFFIX))
