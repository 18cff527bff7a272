"""Injected time. The service runs on the real clock. The demo and the tests run on virtual
time, which moves one tick per step whatever the work cost, so a session is the same at any
speed; a pace ties it to the wall clock for people to watch.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the clock started."""
        ...

    def sleep_until(self, t: float) -> None:
        """Return once `now()` has reached `t` (at once if it already has)."""
        ...

    def sleep_until_or(self, t: float, wake: threading.Event) -> bool:
        """As sleep_until, but True at once if `wake` is set first (a real clock only: virtual
        time has no "meanwhile")."""
        ...


class VirtualClock:
    """With no pace, time jumps at once (tests run a whole session in milliseconds); with a
    pace, it waits so that `pace` virtual seconds pass per wall-clock second."""

    def __init__(self, pace: float | None = None) -> None:
        if pace is not None and pace <= 0:
            raise ValueError("pace must be positive")
        self._pace = pace
        self._now = 0.0
        self._wall_start = time.monotonic()

    def now(self) -> float:
        return self._now

    def sleep_until(self, t: float) -> None:
        if t <= self._now:
            return
        if self._pace is not None:
            delay = self._wall_start + t / self._pace - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self._now = t

    def sleep_until_or(self, t: float, wake: threading.Event) -> bool:
        self.sleep_until(t)
        return False


class MonotonicClock:
    """Real time, for the service: a stall is lived through, not replayed."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start

    def sleep_until(self, t: float) -> None:
        delay = t - self.now()
        if delay > 0:
            time.sleep(delay)

    def sleep_until_or(self, t: float, wake: threading.Event) -> bool:
        delay = t - self.now()
        return delay > 0 and wake.wait(delay)
