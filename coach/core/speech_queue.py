"""Which cue to speak next, and when a new cue cuts the current one short.

Tempo cues are only worth saying on time: a newer tempo cue replaces a queued one, and a form
warning or safety cue drops queued tempo cues and cuts a tempo cue that is playing. Instructions
(info) are never dropped; only a safety cue cuts one short.
"""

from __future__ import annotations

from coach.core.events import Cue, Priority


class SpeechQueue:
    def __init__(self) -> None:
        self._waiting: list[Cue] = []
        self.current: Cue | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def offer(self, cue: Cue) -> bool:
        """Queue `cue`; True means the cue now playing should be cut short."""
        if cue.priority >= Priority.TEMPO:
            self._waiting = [c for c in self._waiting if c.priority != Priority.TEMPO]
        self._waiting.append(cue)
        playing = self.current
        if playing is None:
            return False
        if cue.priority is Priority.SAFETY and playing.priority is not Priority.SAFETY:
            return True
        return playing.priority is Priority.TEMPO and cue.priority >= Priority.TEMPO

    def silence(self) -> bool:
        """Someone is saying "stop": only a safety reply may still follow, so whatever else
        waits is dropped. True when a cue is playing and must be cut."""
        self._waiting = [c for c in self._waiting if c.priority is Priority.SAFETY]
        return self.current is not None

    def take(self) -> Cue | None:
        """The next cue to speak (highest priority first, then oldest), now counted as playing."""
        if not self._waiting:
            self.current = None
            return None
        best = max(range(len(self._waiting)), key=lambda i: (self._waiting[i].priority, -i))
        self.current = self._waiting.pop(best)
        return self.current

    def finished(self) -> None:
        self.current = None
