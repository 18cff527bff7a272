"""The protocol every speech adapter meets."""

from __future__ import annotations

from typing import Protocol

from coach.core.events import Cue


class Speaker(Protocol):
    def say(self, cue: Cue) -> None:
        """Hand a cue over; never blocks the caller."""
        ...

    @property
    def speaking(self) -> bool: ...

    def prepare(self, texts: list[str]) -> None:
        """Get these ready ahead of time if that helps; never blocks."""
        ...

    def cut(self) -> None:
        """Stop the cue now playing and drop the ones waiting: the person is saying something
        that matters more."""
        ...

    def drain(self, timeout: float) -> bool:
        """Wait until everything queued has been said; False if `timeout` ran out first."""
        ...

    def close(self) -> None: ...
