"""The speaker and the microphone as ALSA devices, opened by pyalsaaudio in this process.

pyalsaaudio (PyPI, a small C extension over the libasound every Pi already has) was chosen over
PortAudio because the coach already names its devices the ALSA way, needs no sound server, and
must ask the speaker how much it still holds, which is what aligns the echo canceller.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from coach.adapters.audio.errors import AudioUnavailable
from coach.core.endpoint import SAMPLE_RATE

PERIOD_FRAMES = 320  # 20 ms: the echo canceller's frame
BUFFER_PERIODS = 8


class PlaybackDevice(Protocol):
    def queued(self) -> int:
        """Samples written but not yet played."""
        ...

    def write(self, samples: np.ndarray) -> None:
        """Hand over samples that fit (never more than the room left); never blocks."""
        ...

    def drop(self) -> None:
        """Throw away what is queued: silence now, not when the buffer has played out."""
        ...

    def close(self) -> None: ...


class CaptureDevice(Protocol):
    def read(self) -> np.ndarray:
        """The next period of int16 samples; blocks until it has been recorded."""
        ...

    def close(self) -> None: ...


def alsa_available() -> None:
    """Raises AudioUnavailable, saying why, when pyalsaaudio cannot be used."""
    _alsaaudio()


def _alsaaudio() -> Any:
    try:
        import alsaaudio
    except ImportError as exc:
        raise AudioUnavailable(f"pyalsaaudio is not installed ({exc})") from None
    return alsaaudio


def _open(alsaaudio: Any, kind: int, mode: int, device: str, role: str) -> Any:
    try:
        return alsaaudio.PCM(
            kind,
            mode,
            rate=SAMPLE_RATE,
            channels=1,
            format=alsaaudio.PCM_FORMAT_S16_LE,
            periodsize=PERIOD_FRAMES,
            periods=BUFFER_PERIODS,
            device=device,
        )
    except alsaaudio.ALSAAudioError as exc:
        raise AudioUnavailable(f"{role} {device!r}: {exc}") from None


class AlsaPlayback:
    def __init__(self, device: str) -> None:
        self._alsa = _alsaaudio()
        self._device = device
        self._pcm = _open(
            self._alsa, self._alsa.PCM_PLAYBACK, self._alsa.PCM_NONBLOCK, device, "speaker"
        )
        self._size = int(self._pcm.info()["buffer_size"])

    def queued(self) -> int:
        try:
            free = self._pcm.avail()
        except self._alsa.ALSAAudioError:
            return 0  # an underrun: everything written has been played; write() recovers
        return max(0, self._size - free)

    def write(self, samples: np.ndarray) -> None:
        try:
            self._pcm.write(samples.astype(np.int16, copy=False).tobytes())
        except self._alsa.ALSAAudioError as exc:
            raise AudioUnavailable(f"speaker {self._device!r}: {exc}") from None

    def drop(self) -> None:
        try:
            self._pcm.drop()  # the next write() prepares the device again
        except self._alsa.ALSAAudioError as exc:
            raise AudioUnavailable(f"speaker {self._device!r}: {exc}") from None

    def close(self) -> None:
        self._pcm.close()


class AlsaCapture:
    def __init__(self, device: str) -> None:
        self._alsa = _alsaaudio()
        self._device = device
        self._pcm = _open(
            self._alsa, self._alsa.PCM_CAPTURE, self._alsa.PCM_NORMAL, device, "microphone"
        )

    def read(self) -> np.ndarray:
        try:
            frames, data = self._pcm.read()
        except self._alsa.ALSAAudioError as exc:
            raise AudioUnavailable(f"microphone {self._device!r}: {exc}") from None
        if frames <= 0:  # an overrun: what was lost is lost, the next period comes on time
            return np.zeros(PERIOD_FRAMES, dtype=np.int16)
        samples = np.frombuffer(data, dtype=np.int16)[:frames]
        if frames < PERIOD_FRAMES:
            samples = np.concatenate([samples, np.zeros(PERIOD_FRAMES - frames, np.int16)])
        return samples

    def close(self) -> None:
        self._pcm.close()
