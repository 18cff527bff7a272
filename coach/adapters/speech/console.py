"""The speaker of last resort: cues go to the log (the journal, under systemd)."""

from __future__ import annotations

import logging

from coach.core.events import Cue

log = logging.getLogger("coach.speech")


class ConsoleSpeaker:
    speaking = False

    def say(self, cue: Cue) -> None:
        log.info("say [%s]: %s", cue.priority.name.lower(), cue.text)

    def drain(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release."""
