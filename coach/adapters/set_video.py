"""Each set kept as a video, only when asked for (`[camera] record_sets`), with the camera the
live coach measured at setup saved beside it.

A recording alone shows the toes resting a little down, as coached, and the tilt measured from
it came out about 4° high; with the camera the coach itself used, `coach analyze` reads the set
as the coach did. The frames are encoded on a thread of their own, so the loop never waits for
the encoder: when it falls behind by more than `BACKLOG_S`, frames are dropped and counted.
PyAV lets go of Python's lock while x264 works: a Python loop beside the encoder kept 81 to
105 % of its pace here, against 50 % beside more Python, so the listener keeps hearing.
"""

from __future__ import annotations

import json
import logging
import os
import queue
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
from coach.settings import CameraSettings

log = logging.getLogger("coach.record")
BACKLOG_S = 2.0  # seconds of frames that may wait for the encoder
SUFFIX = ".mp4"
CAMERA_SUFFIX = ".json"  # beside each video: the camera and the set it shows

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
    Raises ValueError when a file is there but says no camera."""
    path = Path(video).with_suffix(CAMERA_SUFFIX)
    if not path.is_file():
        return None
    try:
        camera = json.loads(path.read_text())["camera"]
        tilt, turn = float(camera["tilt_deg"]), float(camera["turn_deg"])
        if not (_within(tilt, TILT_RANGE_DEG) and _within(turn, TURN_RANGE_DEG)):
            raise ValueError(f"tilt {tilt:g} and turn {turn:g} degrees are out of range")
        return SavedCamera(CameraView(tilt, turn, fov_deg), bool(camera["measured"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a camera the coach saved ({exc!r})") from None


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]  # False for NaN, which JSON may hold


class SetVideos:
    """An event sink and a frame source around the camera's: frames read during a set go to
    that set's video. Keeps the newest `keep` sets in `folder` (all of them when None). With
    `wait_for_encoder` (a simulated camera on a virtual clock, which runs ahead of any
    encoder) a frame waits for a place rather than being dropped."""

    def __init__(
        self,
        folder: Path,
        keep: int | None,
        fps: float,
        view: CameraView,
        open_writer: WriterFactory = quick_writer,
        clock: Callable[[], datetime] = datetime.now,
        wait_for_encoder: bool = False,
    ) -> None:
        self._folder, self._keep, self._fps = folder, keep, fps
        self._wait = wait_for_encoder
        self._camera = SavedCamera(view, measured=False)
        self._open_writer, self._clock = open_writer, clock
        self._current: _SetFile | None = None
        self._finished: list[_SetFile] = []

    @classmethod
    def configured(
        cls, folder: Path, keep: int | None, camera: CameraSettings, wait_for_encoder: bool = False
    ) -> SetVideos:
        """For the camera `[camera]` describes, until the setup measures it. Raises
        VideoUnavailable, saying how to install it, when PyAV is missing."""
        require_pyav()
        view = CameraView.configured(camera)
        return cls(folder, keep, camera.fps, view, wait_for_encoder=wait_for_encoder)

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
        """Finish the set under way and wait until every video is written."""
        self._end_set()
        for set_file in self._finished:
            set_file.join()
        self._finished.clear()

    def _start_set(self, event: StateChanged) -> None:
        started = self._clock()
        name = f"set-{started:%Y%m%d-%H%M%S}-{event.side}-{event.set}"
        path = self._folder / f"{name}{SUFFIX}"
        again = 1
        while path.exists() or any(f.path == path for f in self._finished):
            again += 1  # the same set resumed within the second
            path = self._folder / f"{name}-{again}{SUFFIX}"
        about = {"side": event.side, "set": event.set, "started": started.isoformat()}
        self._current = _SetFile(
            path,
            self._fps,
            _camera_record(self._camera) | about,
            self._open_writer,
            self._prune,
            self._wait,
        )

    def _end_set(self) -> None:
        if self._current is not None:
            self._current.finish()
            self._finished = [f for f in self._finished if f.alive] + [self._current]
            self._current = None

    def _prune(self) -> None:
        """Only the newest `keep` sets stay: the card must not fill up with video."""
        if self._keep is None:
            return
        try:
            videos = sorted(self._folder.glob(f"set-*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
            for video in videos[: max(len(videos) - self._keep, 0)]:
                video.unlink(missing_ok=True)
                video.with_suffix(CAMERA_SUFFIX).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("recording: could not remove the oldest sets (%s)", exc)


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
    """One set's video, written on its own thread; its camera file goes beside it at the end."""

    def __init__(
        self,
        path: Path,
        fps: float,
        about: dict[str, object],
        open_writer: WriterFactory,
        then: Callable[[], None],
        wait: bool,
    ) -> None:
        self._path, self._fps, self._about = path, fps, about
        self._open_writer, self._then, self._wait = open_writer, then, wait
        backlog = max(1, round(BACKLOG_S * fps))
        self._frames: queue.Queue[tuple[float, np.ndarray] | None] = queue.Queue(backlog)
        self._dropped = 0
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
            self._frames.put((t, frame), block=self._wait)
        except queue.Full:
            self._dropped += 1

    def finish(self) -> None:
        """The set is over. Waits, at most while the encoder takes one frame off the queue."""
        self._frames.put(_END)

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        writer: VideoWriter | None = None
        written, first, failed = 0, 0.0, False
        while (item := self._frames.get()) is not _END:
            if failed:
                continue  # taken off the queue all the same, until the set ends
            t, frame = item
            try:
                if writer is None:
                    self._path.parent.mkdir(parents=True, exist_ok=True)
                    height, width = frame.shape[:2]
                    writer = self._open_writer(str(self._path), width, height, self._fps)
                    first = t
                writer.write(frame, t - first)
                written += 1
            except (VideoUnavailable, OSError) as exc:
                log.warning("recording: %s; this set is not kept", exc)
                failed = True
        if writer is None or failed:
            return
        try:
            writer.close()
            self._save_camera(written)
        except (VideoUnavailable, OSError) as exc:
            log.warning("recording: %s", exc)
            return
        log.info("recorded %s (%d frames, %d dropped)", self._path, written, self._dropped)
        self._then()

    def _save_camera(self, written: int) -> None:
        record = self._about | {"frames": written, "frames_dropped": self._dropped}
        partial = self._path.with_name(f".{self._path.stem}.partial{CAMERA_SUFFIX}")
        partial.write_text(json.dumps(record, indent=1) + "\n")
        os.replace(partial, self._path.with_suffix(CAMERA_SUFFIX))
