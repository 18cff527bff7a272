"""What the coach says and reports in answer to one call, in order, stamped with the agenda's
time."""

from __future__ import annotations

from coach.core.agenda import Agenda
from coach.core.events import Cue, Event, Priority


class Outbox:
    def __init__(self, agenda: Agenda) -> None:
        self._agenda = agenda
        self._events: list[Event] = []
        self.last_instruction: str | None = None  # for "repeat"

    def say(self, text: str, priority: Priority = Priority.INFO, tag: str = "") -> None:
        if priority is Priority.INFO:
            self.last_instruction = text
        self._events.append(Cue(self._agenda.now, text, priority, tag))

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def take(self) -> list[Event]:
        out, self._events = self._events, []
        return out
