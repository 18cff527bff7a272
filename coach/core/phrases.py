"""What was heard → which command, if any.

A command counts only when the recogniser's final result is exactly one configured phrase and
every word in it was heard with enough confidence: a sentence that merely contains "stop", or a
mumble the recogniser forced onto a phrase, starts and stops nothing. The one exception is for
safety: "stop" and "it hurts" also count after one filler word (a word outside the grammar, or
noise the recogniser took for a decoy word), as in "please stop" or "ow, it hurts". Missing
those costs more than a session stopped by mistake; a longer run of filler is a sentence, and
the coach's own voice, echoing, was measured to end that way.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.core.events import Command

UNKNOWN_WORD = "[unk]"
SAFETY_COMMANDS = frozenset({Command.STOP, Command.PAIN})
MAX_FILLER_WORDS = 1


@dataclass(frozen=True)
class Heard:
    """One final result from the recogniser; times are seconds into the audio stream."""

    text: str
    confidence: float  # the least confident word's
    start: float
    end: float
    confidences: tuple[float, ...] = ()  # each word's, where the recogniser gave them

    def words(self) -> list[tuple[str, float]]:
        words = self.text.lower().split()
        if len(self.confidences) == len(words):
            return list(zip(words, self.confidences, strict=True))
        return [(word, self.confidence) for word in words]


@dataclass(frozen=True)
class Match:
    command: Command
    heard: Heard


class PhraseMatcher:
    def __init__(
        self,
        phrases: dict[str, tuple[str, ...]],
        min_confidence: float,
        decoys: tuple[str, ...] = (),
    ) -> None:
        self._commands = {
            _normalise(phrase): Command(name)
            for name, options in phrases.items()
            for phrase in options
        }
        self._min_confidence = min_confidence
        self._fillers = {UNKNOWN_WORD, *(_normalise(word) for word in decoys)}

    @property
    def phrases(self) -> list[str]:
        return list(self._commands)

    def is_phrase(self, text: str) -> bool:
        """Whether `text` is one whole command, as said."""
        return self._command_in([(word, 1.0) for word in _normalise(text).split()]) is not None

    def is_safety_phrase(self, text: str) -> bool:
        """Whether `text` is a whole "stop" or "it hurts": worth answering a moment sooner."""
        words = [(word, 1.0) for word in _normalise(text).split()]
        return self._command_in(words) in SAFETY_COMMANDS

    def match(self, heard: Heard) -> Match | None:
        command = self._command_in(heard.words())
        return None if command is None else Match(command, heard)

    def _command_in(self, words: list[tuple[str, float]]) -> Command | None:
        for start in range(min(len(words), MAX_FILLER_WORDS + 1)):
            head, tail = words[:start], words[start:]
            command = self._commands.get(" ".join(word for word, _ in tail))
            if command is None or (head and command not in SAFETY_COMMANDS):
                continue
            if all(word in self._fillers for word, _ in head) and all(
                confidence >= self._min_confidence for _, confidence in tail
            ):
                return command
        return None


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


class EchoGate:
    """Closed while the coach talks and for `tail_s` after, so its own voice is never a command.

    Only where no echo canceller can be had: it leaves the coach deaf while it talks.
    """

    def __init__(self, tail_s: float) -> None:
        self.tail_s = tail_s
        self._quiet_since: float | None = float("-inf")  # never spoken yet

    def update(self, now: float, speaking: bool) -> bool:
        """Whether audio captured at `now` may be listened to."""
        if speaking:
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        return self._quiet_since is not None and now - self._quiet_since >= self.tail_s
