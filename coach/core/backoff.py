"""When to try a lost device again: longer after each failure, up to the last step, and from the
first step again once it has worked. Time is the caller's own clock, so it runs virtual in the
tests and the demo; the camera and the microphone both reconnect through it."""

from __future__ import annotations


class Backoff:
    def __init__(self, steps_s: tuple[float, ...]) -> None:
        self._steps_s = steps_s
        self._failures = 0
        self._retry_at = float("-inf")

    def failed(self, t: float) -> float:
        """An attempt at `t` failed: the seconds to wait before the next one."""
        delay = self._steps_s[min(self._failures, len(self._steps_s) - 1)]
        self._failures += 1
        self._retry_at = t + delay
        return delay

    def due(self, t: float) -> bool:
        return t >= self._retry_at

    def succeeded(self) -> None:
        self._failures = 0
        self._retry_at = float("-inf")
