"""From microphone chunks to a heard command: the recogniser as the listener sees it, the
quicker end of an utterance, and the alarm raised on a half-said "stop".

Pure: the listener feeds chunks in on its thread, and the talk-over simulation feeds the same
steps through a simulated room.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from coach.core.endpoint import SAMPLE_RATE, SteadyPartial, TrailingSilence
from coach.core.phrases import Heard, PhraseMatcher
from coach.core.residue import EchoResidue

# How long a safety guess keeps the coach quiet while the recogniser settles the words: the
# final result comes 0.5-1 s after the guess; a guess that comes to nothing frees the voice.
HUSH_S = 1.5


class Recognizer(Protocol):
    def feed(self, pcm: bytes) -> Heard | None: ...

    def partial(self) -> str: ...

    def finish(self) -> Heard | None: ...

    def reset(self) -> None: ...


@dataclass
class QuickEnd:
    """The quicker end of utterance: quiet after a whole command, or a whole command the
    recogniser's guess has held for as long."""

    quiet: TrailingSilence
    steady: SteadyPartial

    def reset(self) -> None:
        self.quiet.reset()
        self.steady.reset()


def endpoint_for(end_silence_s: float) -> QuickEnd | None:
    """The quicker end of utterance, or None (0) to leave it to the recogniser."""
    if end_silence_s <= 0:
        return None
    return QuickEnd(
        TrailingSilence(SAMPLE_RATE, end_silence_s), SteadyPartial(SAMPLE_RATE, end_silence_s)
    )


def as_the_gate_moves(
    recognizer: Recognizer,
    was_open: bool,
    is_open: bool,
    was_through: bool,
    through: bool,
    residue: EchoResidue,
) -> Heard | None:
    """The words to take as the microphone stops being listened to through the coach's voice
    or at all. Words heard over an echo the canceller turned out not to be cancelling (its
    self-check notices up to half a second late) were its own echo as likely as a person, and
    are dropped; words said while the coach was quiet are taken, for they owe nothing to the
    canceller (a latency jump while the coach is quiet is found only when it talks again,
    often just as a person has called out to it). Words the coach began to talk over are
    taken as they are (a command cut short is still a whole phrase)."""
    if was_through and not through:
        heard = recognizer.finish()
        return heard if heard is not None and not residue.over_echo(heard) else None
    if was_open and not is_open:
        return recognizer.finish()
    return None


def next_result(
    recognizer: Recognizer,
    endpoint: QuickEnd | None,
    pcm: bytes,
    matcher: PhraseMatcher,
    alarm: SafetyAlarm | None = None,
) -> Heard | None:
    """Feed a chunk; a result when the recogniser says speech ended, or sooner for "stop" and
    "it hurts": when quiet follows them, or the recogniser's guess has been one of them for as
    long. Both are asked about on every chunk, not only when they began: the guess may complete
    the command a chunk or two later. Other commands keep the recogniser's own rule: over the
    coach's own voice an early end was measured to turn its echo into "repeat" now and then,
    and only a stop is worth the risk of a needless one. The running guess is read once a
    chunk, for the quicker end and the `alarm` both."""
    heard = recognizer.feed(pcm)
    wants_guess = heard is None and (endpoint is not None or alarm is not None)
    partial = recognizer.partial() if wants_guess else ""
    if alarm is not None:
        alarm.update(partial)
    if endpoint is None:
        return heard
    endpoint.quiet.update(pcm)  # every chunk, so its idea of speech and quiet stays in step
    steady = endpoint.steady.update(partial, len(pcm) // 2)
    ending = endpoint.quiet.after_speech or steady
    if heard is None and ending and matcher.is_safety_phrase(partial):
        heard = recognizer.finish()
    if heard is not None:
        endpoint.quiet.answered()
        endpoint.steady.reset()
    return heard


class SafetyAlarm:
    """Calls out as soon as the recogniser's running guess is "stop" or "it hurts", once per
    utterance, so the coach can fall silent before the words are final. Over a whole session
    of the coach's own voice through a room the guess never was one (scripts/bench); if it
    were, a cue would be lost, not the session."""

    def __init__(self, matcher: PhraseMatcher, alarm: Callable[[], None]) -> None:
        self._matcher = matcher
        self._alarm = alarm
        self._raised = False

    def update(self, partial: str) -> bool:
        """Feed the guess after each chunk; True when it has just become a safety phrase."""
        is_safety = self._matcher.is_safety_phrase(partial)
        raised = is_safety and not self._raised
        self._raised = is_safety
        if raised:
            self._alarm()
        return raised
