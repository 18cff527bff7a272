"""The Pi camera through picamera2, imported only here and only when used.

picamera2 comes from Raspberry Pi OS (apt python3-picamera2) into a venv made with
--system-site-packages; it cannot be installed from PyPI off a Pi. "RGB888" frames arrive in
BGR byte order, which is what the tracker expects.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CAPTURE_TIMEOUT_S = 2.0  # picamera2's capture can block forever (picamera2 #794)


class CameraUnavailable(Exception):
    """The camera could not be opened or stopped delivering frames; the message says why."""


class Picamera2Source:
    def __init__(self, width: int, height: int, fps: int, picamera2_class: Any = None) -> None:
        if picamera2_class is None:
            try:
                from picamera2 import Picamera2 as picamera2_class
            except ImportError as exc:
                raise CameraUnavailable(
                    f"picamera2 is not available ({exc}); on Raspberry Pi OS: "
                    "sudo apt install python3-picamera2, in a venv made with --system-site-packages"
                ) from None
        try:
            camera = picamera2_class()
        except (IndexError, RuntimeError) as exc:
            raise CameraUnavailable(_why(exc)) from None
        try:
            config = camera.create_video_configuration(
                main={"size": (width, height), "format": "RGB888"},
                controls={"FrameRate": float(fps)},
            )
            camera.configure(config)
            camera.start()
        except Exception as exc:
            camera.close()
            raise CameraUnavailable(_why(exc)) from None
        self._camera = camera

    def read(self, t: float) -> np.ndarray:
        try:
            job = self._camera.capture_array("main", wait=False)
            return self._camera.wait(job, timeout=CAPTURE_TIMEOUT_S)
        except TimeoutError:
            raise CameraUnavailable(
                f"no frame from the camera within {CAPTURE_TIMEOUT_S:g} s"
            ) from None
        except Exception as exc:
            raise CameraUnavailable(_why(exc)) from None

    def close(self) -> None:
        self._camera.close()


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, IndexError):
        return "no camera found (is it connected, and enabled?)"
    if "did not complete" in text or "busy" in text.lower():
        return f"the camera is busy: another program may be using it ({text})"
    return f"camera error: {text}"
