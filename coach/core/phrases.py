"""What was heard → which command, if any.

A command counts only when the recogniser's final result is exactly one configured phrase and
every word in it was heard with enough confidence: a sentence that merely contains "stop", or a
mumble the recogniser forced onto a phrase, starts and stops nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.core.events import Command


@dataclass(frozen=True)
class Heard:
    """One final result from the recogniser; times are seconds into the audio stream."""

    text: str
    confidence: float  # the least confident word's
    start: float
    end: float


@dataclass(frozen=True)
class Match:
    command: Command
    heard: Heard


class PhraseMatcher:
    def __init__(self, phrases: dict[str, tuple[str, ...]], min_confidence: float) -> None:
        self._commands = {
            _normalise(phrase): Command(name)
            for name, options in phrases.items()
            for phrase in options
        }
        self._min_confidence = min_confidence

    @property
    def phrases(self) -> list[str]:
        return list(self._commands)

    def is_phrase(self, text: str) -> bool:
        """Whether `text` is one whole command phrase, as said."""
        return _normalise(text) in self._commands

    def match(self, heard: Heard) -> Match | None:
        command = self._commands.get(_normalise(heard.text))
        if command is None or heard.confidence < self._min_confidence:
            return None
        return Match(command, heard)


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


class EchoGate:
    """Closed while the coach talks and for `tail_s` after, so its own voice is never a command.

    `opened` reports the moment it opens again, so the listener can drop any half-heard words.
    """

    def __init__(self, tail_s: float) -> None:
        self._tail_s = tail_s
        self._quiet_since: float | None = float("-inf")  # never spoken yet
        self._was_open = True

    def update(self, now: float, speaking: bool) -> tuple[bool, bool]:
        """(open, opened just now) for audio captured at `now`."""
        if speaking:
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        is_open = self._quiet_since is not None and now - self._quiet_since >= self._tail_s
        opened = is_open and not self._was_open
        self._was_open = is_open
        return is_open, opened
