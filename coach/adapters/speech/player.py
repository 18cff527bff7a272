"""Plays a WAV file through ALSA's aplay, in a process the coach can stop at any moment."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Protocol

log = logging.getLogger("coach.speech")


class Player(Protocol):
    def play(self, wav: Path) -> None:
        """Start playing; returns at once."""
        ...

    def wait(self, timeout: float) -> bool:
        """True once playback has ended (or nothing is playing)."""
        ...

    def stop(self) -> None: ...


class AplayPlayer:
    def __init__(self, device: str) -> None:
        self._device = device
        self._process: subprocess.Popen[bytes] | None = None
        self._warned = False

    def play(self, wav: Path) -> None:
        self._process = subprocess.Popen(
            ["aplay", "-q", "-D", self._device, str(wav)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self, timeout: float) -> bool:
        process = self._process
        if process is None:
            return True
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self._process = None
        if code > 0 and not self._warned:
            self._warned = True
            error = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
            last = error.strip().splitlines()[-1] if error.strip() else f"exit status {code}"
            log.warning("speech: aplay cannot play on ALSA device %r: %s", self._device, last)
        if process.stderr:
            process.stderr.close()
        return True

    def stop(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
