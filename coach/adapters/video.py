"""Recorded video in and out, through PyAV (optional: see PYAV_HINT).

Reading accepts whatever PyAV's FFmpeg decodes (mp4/h264, avi/mjpeg, mkv, ...). A file that
breaks part-way is read up to the break, so what was analysed is not lost.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from coach.files import create_new

log = logging.getLogger("coach.video")
# Markers are a few pixels across at 640x480: frames wider than this are analysed scaled down,
# which bounds memory; frames beyond MAX_PIXELS are refused before a single one is decoded.
ANALYSIS_MAX_WIDTH = 1920
MAX_PIXELS = 4096 * 4096
MIN_SIDE = 32
WRITABLE = (".mp4", ".mkv", ".avi", ".mov")
CONTAINERS = {".mp4": "mp4", ".mkv": "matroska", ".avi": "avi", ".mov": "mov"}
TIME_BASE = Fraction(1, 1000)  # frames written are timed to the millisecond
# x264's fastest preset, its bitrate capped: a set's video takes at most 11 MB a minute, however
# noisy the camera (uncapped, a simulated camera's noise took 40). Marker angles read from it
# were 0.3 degrees from those read from the frames themselves, as they were uncapped.
QUICK_X264 = {"preset": "ultrafast", "crf": "23", "maxrate": "1500k", "bufsize": "3000k"}


class VideoUnavailable(Exception):
    """The video cannot be read or written; the message says why."""


# legcoach is not on PyPI: PyAV comes from apt for the service, or into this checkout's venv.
PYAV_HINT = (
    "PyAV is not installed: sudo apt install python3-av (the service's venv sees it), "
    "or .venv/bin/pip install -e '.[video]' in a checkout"
)


def _av() -> Any:
    try:
        import av
    except ImportError:
        raise VideoUnavailable(PYAV_HINT) from None
    return av


def require_pyav() -> None:
    """Raises VideoUnavailable, saying how to install it, when PyAV is missing."""
    _av()


class VideoFile:
    def __init__(self, path: str) -> None:
        av = _av()
        if not Path(path).is_file():
            raise VideoUnavailable(f"{path}: no such file")
        try:
            self._container = av.open(path)
            self._stream = self._container.streams.video[0]
            codec = self._stream.codec_context
            if codec is None:
                raise IndexError("its video stream has no codec")
        except (av.error.FFmpegError, IndexError, UnicodeDecodeError) as exc:
            if hasattr(self, "_container"):
                self._container.close()
            raise VideoUnavailable(f"{path}: not a video that can be read ({exc})") from None
        self._path = path
        self._check_size(codec.width, codec.height)
        rate = self._stream.average_rate or self._stream.guessed_rate
        self.fps = float(rate) if rate else 15.0
        duration = (
            float(self._stream.duration * self._stream.time_base) if self._stream.duration else 0
        )
        self.frame_count = self._stream.frames or round(duration * self.fps) or None

    def _check_size(self, width: int, height: int) -> None:
        """0 means the header does not say; then the first frame is checked."""
        if width * height > MAX_PIXELS:
            raise VideoUnavailable(
                f"{self._path}: {width}x{height} frames are larger than coach analyze reads "
                f"(at most {MAX_PIXELS // 1_000_000} megapixels, such as 4096x4096)"
            )
        if 0 < min(width, height) < MIN_SIDE:
            raise VideoUnavailable(
                f"{self._path}: {width}x{height} frames are too small to find markers in "
                f"(at least {MIN_SIDE}x{MIN_SIDE})"
            )

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """(seconds from the start, BGR frame), in order; wide frames come scaled down."""
        av = _av()
        first: float | None = None
        try:
            for i, frame in enumerate(self._container.decode(self._stream)):
                self._check_size(frame.width, frame.height)
                t = float(frame.time) if frame.time is not None else i / self.fps
                first = t if first is None else first
                if frame.width > ANALYSIS_MAX_WIDTH:
                    height = round(frame.height * ANALYSIS_MAX_WIDTH / frame.width)
                    frame = frame.reformat(width=ANALYSIS_MAX_WIDTH, height=height & ~1)
                yield t - first, frame.to_ndarray(format="bgr24")
        except av.error.FFmpegError as exc:
            log.warning("%s: stopped reading at a damaged part (%s)", self._path, exc)

    def close(self) -> None:
        self._container.close()


class VideoWriter:
    """Writes to a hidden file beside `path`, renamed to it by close(): a failed or interrupted
    run never leaves half a video under the name asked for, nor replaces a file that was.
    The hidden file is created new (never through a link left in its place) and its
    descriptor is the coach's own, closed whatever FFmpeg makes of a failure: a full card
    gets its blocks back. `quick` encodes for a Pi recording live (`QUICK_X264`)."""

    def __init__(self, path: str, width: int, height: int, fps: float, quick: bool = False) -> None:
        av = _av()
        self._path = Path(path)
        self._partial = self._path.with_name(f".{self._path.stem}.partial{self._path.suffix}")
        self._fps = fps
        self._written = 0
        self._av = av
        try:
            self._partial.unlink(missing_ok=True)  # an interrupted run's (a link: only the link)
            self._file = create_new(self._partial)
        except OSError as exc:
            raise VideoUnavailable(f"{path}: cannot write it ({exc.strerror or exc})") from None
        try:
            format_name = CONTAINERS.get(self._path.suffix.lower(), "mp4")
            self._container = av.open(self._file, mode="w", format=format_name)
            codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
            self._stream = self._container.add_stream(codec, rate=round(fps))
            self._stream.width, self._stream.height = width - width % 2, height - height % 2
            self._stream.pix_fmt = "yuv420p"
            self._stream.codec_context.time_base = TIME_BASE
            if quick and codec == "libx264":
                self._stream.codec_context.options = QUICK_X264
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            self.discard()
            raise VideoUnavailable(f"{path}: cannot write it ({exc})") from None

    def write(self, frame: np.ndarray, at: float | None = None) -> None:
        """The frame shown `at` seconds from the start (default: the next at the frame rate):
        a live camera's frames keep their own times, stalls included."""
        at = self._written / self._fps if at is None else at
        self._written += 1
        even = frame[: self._stream.height, : self._stream.width]
        picture = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(even), format="bgr24")
        picture.pts, picture.time_base = round(at / TIME_BASE), TIME_BASE
        try:
            for packet in self._stream.encode(picture):
                self._container.mux(packet)
        except (self._av.error.FFmpegError, OSError) as exc:
            self.discard()
            raise VideoUnavailable(f"{self._path}: cannot write it ({exc})") from None

    def close(self) -> None:
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
            self._file.close()
            self._partial.replace(self._path)
        except (self._av.error.FFmpegError, OSError) as exc:
            self.discard()
            raise VideoUnavailable(f"{self._path}: cannot write it ({exc})") from None

    def discard(self) -> None:
        if hasattr(self, "_container"):
            with contextlib.suppress(self._av.error.FFmpegError, OSError):
                self._container.close()  # the partial file goes anyway
        with contextlib.suppress(OSError):
            self._file.close()
        self._partial.unlink(missing_ok=True)


def annotation_problem(source: str, target: str, force: bool) -> str | None:
    """Why the annotated copy cannot go to `target`, before any frame is read: never over the
    recording itself, and over another file only when asked."""
    path = Path(target)
    if path.suffix.lower() not in WRITABLE:
        return f"--annotate must end in {', '.join(WRITABLE)}, not {path.name}"
    if not path.parent.is_dir():
        return f"{target}: the folder {path.parent} does not exist"
    if path.is_dir():
        return f"{target}: is a folder; name a file in it"
    if path.exists():
        if Path(source).exists() and path.samefile(source):
            return f"{target}: is the recording being analysed; name another file"
        if not force:
            return f"{target}: exists already (add --force to replace it)"
    if not os.access(path.parent, os.W_OK):
        return f"{target}: cannot write in {path.parent}"
    return None
