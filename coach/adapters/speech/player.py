"""Plays a WAV file through ALSA's aplay, in a process the coach can stop at any moment."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Protocol

from coach.adapters.audio.errors import PlaybackFailed

log = logging.getLogger("coach.speech")


class Player(Protocol):
    def play(self, wav: Path) -> None:
        """Start playing; returns at once; raises PlaybackFailed if playback cannot start."""
        ...

    def wait(self, timeout: float) -> bool:
        """True once playback has ended (or nothing is playing); raises PlaybackFailed if it
        ended in failure rather than by its end or by stop()."""
        ...

    def stop(self) -> None: ...


class AplayPlayer:
    def __init__(self, device: str) -> None:
        self._device = device
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def play(self, wav: Path) -> None:
        self._stopped = False
        try:
            self._process = subprocess.Popen(
                ["aplay", "-q", "-D", self._device, str(wav)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:  # no aplay, or no process to be had (a failed fork)
            raise PlaybackFailed(f"aplay cannot start ({exc.strerror or exc})") from None

    def wait(self, timeout: float) -> bool:
        process = self._process
        if process is None:
            return True
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self._process = None
        error = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
        if process.stderr:
            process.stderr.close()
        if code == 0 or self._stopped:
            return True
        if code < 0:
            raise PlaybackFailed(f"aplay was killed by signal {-code}")
        last = error.strip().splitlines()[-1] if error.strip() else f"exit status {code}"
        raise PlaybackFailed(f"aplay cannot play on ALSA device {self._device!r}: {last}")

    def stop(self) -> None:
        process = self._process
        self._stopped = True
        if process is not None and process.poll() is None:
            process.terminate()
