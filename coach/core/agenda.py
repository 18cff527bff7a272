"""The session's time: "active" time, which stands still while paused, and what is planned on it.

The engine owns no clock: each call brings the time, and the agenda keeps it as `now`. Time
spent paused is taken out, so the plan resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable


class Agenda:
    def __init__(self) -> None:
        self.restart(0.0)

    def restart(self, now: float) -> None:
        """A new session from `now`: nothing planned, nothing paused."""
        self.now = now
        self._paused_total = 0.0
        self._paused_at = 0.0
        self._planned: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = 0  # ties keep the order they were planned in

    @property
    def active(self) -> float:
        return self.now - self._paused_total

    def at(self, delay: float, action: Callable[[], None]) -> None:
        """Do `action` once `delay` more seconds of active time have passed."""
        self._seq += 1
        self._planned.append((self.active + delay, self._seq, action))
        self._planned.sort(key=lambda item: item[:2])

    def clear(self) -> None:
        self._planned.clear()

    def run_due(self) -> None:
        """Everything due by now, in order; an action may plan more, due now or later."""
        while self._planned and self._planned[0][0] <= self.active:
            _, _, action = self._planned.pop(0)
            action()

    def pause(self) -> None:
        self._paused_at = self.now

    def resume(self) -> None:
        self._paused_total += self.now - self._paused_at
