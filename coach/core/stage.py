"""What every part of the session works with: the settings, the course, the agenda, the outbox,
the phase it is in (read only: the session moves it) and which front-end sees the body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.core.agenda import Agenda
from coach.core.course import Course
from coach.core.events import Phase
from coach.core.outbox import Outbox
from coach.settings import Settings


@dataclass(frozen=True)
class Stage:
    settings: Settings
    course: Course
    agenda: Agenda
    out: Outbox
    phase: Callable[[], Phase]
    markerless: bool  # the pose model sees the body: no markers to ask for


class Part:
    """A part of the session, with the stage's things to hand."""

    def __init__(self, stage: Stage) -> None:
        self._settings = stage.settings
        self._course = stage.course
        self._agenda = stage.agenda
        self._out = stage.out
        self._phase = stage.phase
        self._markerless = stage.markerless
