"""A speaker on the virtual clock: each cue lasts as long as its real recording, and is queued
and cut exactly as the speech worker does it (the same SpeechQueue).

It lets the benchmark play a whole session's speech in a fraction of a second and ask what a
person would have met: how much of a set the microphone was shut, which tempo cues came late
or never, and how long each cue was.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from coach.adapters.clock import Clock
from coach.core.events import Cue
from coach.core.speech_queue import SpeechQueue


@dataclass(frozen=True)
class Spoken:
    cue: Cue
    start: float
    end: float
    cut: bool


class TimedSpeaker:
    def __init__(self, clock: Clock, seconds_for: Callable[[str], float]) -> None:
        self._clock = clock
        self._seconds_for = seconds_for
        self._queue = SpeechQueue()
        self._started = 0.0
        self._ends_at = 0.0
        self.spoken: list[Spoken] = []
        self.dropped: list[Cue] = []
        self._offered: list[Cue] = []
        self._said_at: dict[int, float] = {}

    def say(self, cue: Cue) -> None:
        self._advance()
        self._said_at[id(cue)] = self._clock.now()
        self._offered.append(cue)
        if self._queue.offer(cue):
            self._finish(self._clock.now(), cut=True)
        self._advance()

    def cut(self) -> None:
        self._advance()
        if self._queue.silence():
            self._finish(self._clock.now(), cut=True)
        self._advance()

    @property
    def speaking(self) -> bool:
        self._advance()
        return self._queue.current is not None

    def prepare(self, texts: list[str]) -> None:
        """Durations are looked up when a cue is said."""

    def drain(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        """What was still queued is played out, as the worker's drain() would."""
        self._advance(until=math.inf)
        said = {id(s.cue) for s in self.spoken}
        self.dropped = [cue for cue in self._offered if id(cue) not in said]

    def late_s(self, spoken: Spoken) -> float:
        """How long after the coach said it the cue began to play."""
        return spoken.start - self._said_at[id(spoken.cue)]

    def _advance(self, until: float | None = None) -> None:
        now = self._clock.now() if until is None else until
        while True:
            if self._queue.current is not None:
                if now < self._ends_at:
                    return
                self._finish(self._ends_at, cut=False)
            cue = self._queue.take()
            if cue is None:
                return
            self._started = max(self._ends_at, self._said_at[id(cue)])
            self._ends_at = self._started + self._seconds_for(cue.text)

    def _finish(self, at: float, cut: bool) -> None:
        cue = self._queue.current
        if cue is not None:
            self.spoken.append(Spoken(cue, self._started, at, cut))
            self._ends_at = at
        self._queue.finished()
