"""One button, two gestures: a short press toggles (start, pause, resume), a long hold stops.

Kept out of gpiozero so it runs on the injected clock; a short press acts on release, so a hold
never pauses on its way to stopping.
"""

from __future__ import annotations

from coach.core.events import Command


class ButtonGestures:
    def __init__(self, hold_s: float) -> None:
        self._hold_s = hold_s
        self._pressed_at: float | None = None
        self._held = False

    def pressed(self, t: float) -> None:
        self._pressed_at, self._held = t, False

    def released(self, t: float) -> Command | None:
        pressed_at, self._pressed_at = self._pressed_at, None
        if pressed_at is None or self._held:
            return None
        return Command.STOP if t - pressed_at >= self._hold_s else Command.TOGGLE

    def tick(self, t: float) -> Command | None:
        if self._pressed_at is None or self._held or t - self._pressed_at < self._hold_s:
            return None
        self._held = True
        return Command.STOP
