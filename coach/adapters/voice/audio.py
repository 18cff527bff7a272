"""Microphone audio as 16 kHz mono 16-bit PCM, in chunks of a tenth of a second.

The microphone is read through ALSA's `arecord` in a child process rather than PortAudio: it
needs no extra library (alsa-utils already plays the speech), works from a system service with no
per-user sound server, and an unplugged or busy device simply ends the process, which the
listener sees and recovers from by starting a new one.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from typing import BinaryIO, Protocol

import numpy as np

SAMPLE_RATE = 16000
CHUNK_S = 0.1
CHUNK_BYTES = int(SAMPLE_RATE * CHUNK_S) * 2


class AudioUnavailable(Exception):
    """The audio could not be had; the message says why."""


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


class WavSource:
    """A recording, converted to what the recogniser wants (mono, 16 kHz)."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        try:
            with wave.open(io.BytesIO(stream.read())) as wav:
                width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
                frames = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            raise AudioUnavailable(f"{name}: not a WAV file ({exc})") from None
        if width != 2:
            raise AudioUnavailable(f"{name}: {8 * width}-bit audio; 16-bit PCM WAV is needed")
        samples = np.frombuffer(frames, dtype=np.int16).reshape(-1, channels).mean(axis=1)
        if rate != SAMPLE_RATE:
            times = np.arange(int(len(samples) * SAMPLE_RATE / rate)) * (rate / SAMPLE_RATE)
            samples = np.interp(times, np.arange(len(samples)), samples)
        self._pcm = samples.astype(np.int16).tobytes()
        self._position = 0

    def read(self) -> bytes:
        chunk = self._pcm[self._position : self._position + CHUNK_BYTES]
        self._position += len(chunk)
        return chunk

    def close(self) -> None:
        """Nothing to release."""
