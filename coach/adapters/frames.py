"""Where frames come from: the protocol every camera meets, and reconnection around it.

A frame that is not a BGR image (a camera switched to another format, grey, 16-bit, empty) is
"no frame" to the coach: counted and said once per kind, never passed on to end the loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import numpy as np

from coach.adapters.camera import CameraUnavailable
from coach.core.backoff import Backoff

log = logging.getLogger("coach.camera")
BACKOFF_S = (2.0, 5.0, 10.0, 30.0)
MIN_SIDE = 16  # pixels: a smaller frame shows no body


class FrameSource(Protocol):
    def read(self, t: float) -> np.ndarray | None:
        """A BGR frame (height, width, 3) uint8 for time `t`, or None if none could be had."""
        ...

    def close(self) -> None: ...


def not_an_image(frame: object) -> str | None:
    """What is wrong with `frame` for the coach, None when it is an (h, w, 3) uint8 image."""
    if not isinstance(frame, np.ndarray):
        return f"a {type(frame).__name__}"
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        return f"{frame.dtype} of shape {frame.shape}"
    if frame.shape[0] < MIN_SIDE or frame.shape[1] < MIN_SIDE:
        return f"{frame.shape[1]}x{frame.shape[0]} pixels"
    return None


class ReconnectingFrames:
    """A camera that may be missing, unplugged or hung: reports it once and keeps retrying.

    Runs on the loop's clock: while the camera is away, `read` returns None (the coach keeps
    time instead) and a new attempt is made once the back-off has passed.
    """

    def __init__(
        self,
        open_camera: Callable[[], FrameSource],
        on_change: Callable[[bool, str], None],
    ) -> None:
        self.odd_frames = 0
        self._odd_kinds: set[str] = set()
        self._open_camera = open_camera
        self._on_change = on_change
        self._camera: FrameSource | None = None
        self._backoff = Backoff(BACKOFF_S)
        self._lost = False

    def read(self, t: float) -> np.ndarray | None:
        if self._camera is None and not self._connect(t):
            return None
        assert self._camera is not None
        try:
            frame = self._camera.read(t)
        except CameraUnavailable as exc:
            self._drop(t, str(exc))
            return None
        if frame is None or (odd := not_an_image(frame)) is None:
            return frame
        self.odd_frames += 1
        if odd not in self._odd_kinds:
            self._odd_kinds.add(odd)
            log.warning("camera: a frame that is %s, not a colour image; taken as no frame", odd)
        return None

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()
            self._camera = None

    def _connect(self, t: float) -> bool:
        if not self._backoff.due(t):
            return False
        try:
            self._camera = self._open_camera()
        except CameraUnavailable as exc:
            self._drop(t, str(exc))
            return False
        self._backoff.succeeded()
        if self._lost:
            self._lost = False
            self._on_change(True, "")
        return True

    def _drop(self, t: float, why: str) -> None:
        if self._camera is not None:
            try:
                self._camera.close()
            except Exception as exc:  # a camera that failed may fail to close too
                log.debug("camera: close failed: %s", exc)
            self._camera = None
        if not self._lost:
            self._lost = True
            self._on_change(False, why)
        self._backoff.failed(t)
