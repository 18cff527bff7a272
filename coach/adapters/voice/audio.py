"""Microphone audio as 16 kHz mono 16-bit PCM, in chunks of a tenth of a second: the protocol
every source meets, a WAV recording, and `arecord`.

The service hears through the audio owner (adapters/audio: pyalsaaudio, with the coach's own
voice cancelled) wherever echo cancellation can be had. Without it, or for `coach listen`, the
microphone is read through ALSA's `arecord` in a child process: it needs no extra library,
works from a system service with no per-user sound server, and an unplugged or busy device
simply ends the process, which the listener sees and recovers from by starting a new one.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from typing import BinaryIO, Protocol

import numpy as np

from coach.adapters.audio.errors import AudioUnavailable
from coach.core.endpoint import SAMPLE_RATE
from coach.core.resample import StreamResampler

CHUNK_S = 0.1
CHUNK_BYTES = int(SAMPLE_RATE * CHUNK_S) * 2


class AudioSource(Protocol):
    def read(self) -> bytes:
        """The next chunk; b"" at the end of a file; raises AudioUnavailable if the device went."""
        ...

    def close(self) -> None: ...


class ArecordSource:
    def __init__(self, device: str) -> None:
        if shutil.which("arecord") is None:
            raise AudioUnavailable("arecord is not installed (sudo apt install alsa-utils)")
        self._device = device
        self._process = subprocess.Popen(
            [
                "arecord",
                "-q",
                "-D",
                device,
                "-f",
                "S16_LE",
                "-r",
                str(SAMPLE_RATE),
                "-c",
                "1",
                "-t",
                "raw",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def read(self) -> bytes:
        assert self._process.stdout is not None
        data = self._process.stdout.read(CHUNK_BYTES)
        if len(data) == CHUNK_BYTES:
            return data
        self.close()
        error = (self._process.stderr.read() if self._process.stderr else b"").decode(
            errors="replace"
        )
        last = error.strip().splitlines()[-1] if error.strip() else "the recording stopped"
        raise AudioUnavailable(f"microphone {self._device!r}: {last}")

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()


MIN_WAV_RATE, MAX_WAV_RATE = 8000, 192000
MAX_WAV_CHANNELS = 8


class WavSource:
    """A recording, converted to what the recogniser wants (mono, 16 kHz) a tenth of a second
    at a time: an hour of audio takes no more memory than a second."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._name = name
        try:
            self._wav = wave.open(stream)  # noqa: SIM115 (closed by close(), as a microphone is)
        except (wave.Error, EOFError) as exc:
            raise AudioUnavailable(f"{name}: not a WAV file ({exc})") from None
        width, channels, rate = (
            self._wav.getsampwidth(),
            self._wav.getnchannels(),
            self._wav.getframerate(),
        )
        if width != 2:
            raise AudioUnavailable(f"{name}: {8 * width}-bit audio; 16-bit PCM WAV is needed")
        if not MIN_WAV_RATE <= rate <= MAX_WAV_RATE:
            raise AudioUnavailable(
                f"{name}: a sample rate of {rate} Hz (allowed: {MIN_WAV_RATE} to {MAX_WAV_RATE})"
            )
        if not 1 <= channels <= MAX_WAV_CHANNELS:
            raise AudioUnavailable(
                f"{name}: {channels} channels (allowed: 1 to {MAX_WAV_CHANNELS})"
            )
        self._channels = channels
        self._frames_per_read = max(1, int(rate * CHUNK_S))
        self._resampler = None if rate == SAMPLE_RATE else StreamResampler(rate, SAMPLE_RATE)
        self._pending = bytearray()
        self._ended = False

    def read(self) -> bytes:
        while len(self._pending) < CHUNK_BYTES and not self._ended:
            self._pending += self._convert(self._next_frames())
        chunk = bytes(self._pending[:CHUNK_BYTES])
        del self._pending[:CHUNK_BYTES]
        return chunk

    def _next_frames(self) -> bytes:
        try:
            data = self._wav.readframes(self._frames_per_read)
        except (wave.Error, EOFError, OSError) as exc:
            raise AudioUnavailable(f"{self._name}: cannot read on ({exc})") from None
        if not data:
            self._ended = True
        return data

    def _convert(self, data: bytes) -> bytes:
        frame_bytes = 2 * self._channels
        whole = len(data) - len(data) % frame_bytes  # a cut-off last frame is dropped
        samples = np.frombuffer(data[:whole], dtype=np.int16).reshape(-1, self._channels)
        mono = samples.mean(axis=1)
        if self._resampler is not None:
            mono = self._resampler.feed(mono)
        return mono.astype(np.int16).tobytes()

    def close(self) -> None:
        self._wav.close()
