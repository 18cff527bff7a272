"""The speaker of last resort: cues go to the debug log; the views show them to people."""

from __future__ import annotations

import logging

from coach.core.events import Cue

log = logging.getLogger("coach.speech")


class ConsoleSpeaker:
    speaking = False

    def say(self, cue: Cue) -> None:
        log.debug("say [%s]: %s", cue.priority.name.lower(), cue.text)

    def prepare(self, texts: list[str]) -> None:
        """Nothing to prepare."""

    def cut(self) -> None:
        """Nothing is playing."""

    def drain(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release."""
