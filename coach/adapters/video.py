"""Recorded video in and out, through PyAV (an optional extra: pip install 'legcoach[video]').

Reading accepts whatever PyAV's FFmpeg decodes (mp4/h264, avi/mjpeg, mkv, ...). A file that
breaks part-way is read up to the break, so what was analysed is not lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("coach.video")


class VideoUnavailable(Exception):
    """The video cannot be read or written; the message says why."""


def _av() -> Any:
    try:
        import av
    except ImportError:
        raise VideoUnavailable("PyAV is not installed: pip install 'legcoach[video]'") from None
    return av


class VideoFile:
    def __init__(self, path: str) -> None:
        av = _av()
        if not Path(path).is_file():
            raise VideoUnavailable(f"{path}: no such file")
        try:
            self._container = av.open(path)
            self._stream = self._container.streams.video[0]
        except (av.error.FFmpegError, IndexError, UnicodeDecodeError) as exc:
            raise VideoUnavailable(f"{path}: not a video that can be read ({exc})") from None
        self._path = path
        rate = self._stream.average_rate or self._stream.guessed_rate
        self.fps = float(rate) if rate else 15.0
        duration = (
            float(self._stream.duration * self._stream.time_base) if self._stream.duration else 0
        )
        self.frame_count = self._stream.frames or round(duration * self.fps) or None

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """(seconds from the start, BGR frame), in order."""
        av = _av()
        first: float | None = None
        try:
            for i, frame in enumerate(self._container.decode(self._stream)):
                t = float(frame.time) if frame.time is not None else i / self.fps
                first = t if first is None else first
                yield t - first, frame.to_ndarray(format="bgr24")
        except av.error.FFmpegError as exc:
            log.warning("%s: stopped reading at a damaged part (%s)", self._path, exc)

    def close(self) -> None:
        self._container.close()


class VideoWriter:
    def __init__(self, path: str, width: int, height: int, fps: float) -> None:
        av = _av()
        try:
            self._container = av.open(path, mode="w")
        except av.error.FFmpegError as exc:
            raise VideoUnavailable(f"{path}: cannot write it ({exc})") from None
        codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
        self._stream = self._container.add_stream(codec, rate=round(fps))
        self._stream.width, self._stream.height = width - width % 2, height - height % 2
        self._stream.pix_fmt = "yuv420p"
        self._av = av

    def write(self, frame: np.ndarray) -> None:
        even = frame[: self._stream.height, : self._stream.width]
        picture = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(even), format="bgr24")
        for packet in self._stream.encode(picture):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
