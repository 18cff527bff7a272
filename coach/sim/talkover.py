"""Commands said over the coach's own speech, through a simulated room, to the real recogniser.

One trial replays a stretch of a session: the coach's cues, as timed in the session, go out
through the audio owner to the room's speaker; a person says a command at a chosen moment; the
microphone's audio, echo cancelled or not, goes to the listener's own recognition step. A
halting command cuts the coach's speech as the loop would, one loop tick later, and the trial
notes when the last sound of the coach left the speaker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from coach.adapters.audio.devices import RATE
from coach.adapters.audio.echo import EchoCanceller
from coach.adapters.audio.owner import CAPTURE_CHUNK_PERIODS, AudioOwner
from coach.app.listener import Recognizer, endpoint_for, next_result
from coach.core.events import Command
from coach.core.phrases import EchoGate, PhraseMatcher
from coach.sim.room import Acoustics, Room

HALTING = (Command.STOP, Command.PAIN, Command.PAUSE)
LOOP_TICK_S = 1 / 15  # the service's loop runs at the camera's frame rate


@dataclass(frozen=True)
class TimedCue:
    """A cue as it played in a session: its samples from `start`, cut off at `end`."""

    samples: np.ndarray
    start: float
    end: float


@dataclass(frozen=True)
class Outcome:
    commands: tuple[tuple[Command, float], ...]  # what was taken, and when (session seconds)
    silence_at: float | None  # when the speech cut by a halting command went quiet


class TimedCanceller:
    """An echo canceller that counts the CPU it uses."""

    def __init__(self, canceller: EchoCanceller) -> None:
        self._canceller = canceller
        self.cpu_s = 0.0
        self.audio_s = 0.0

    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        started = time.process_time()
        out = self._canceller.process(microphone, played)
        self.cpu_s += time.process_time() - started
        self.audio_s += len(microphone) / RATE
        return out

    def close(self) -> None:
        self._canceller.close()


def replay(
    cues: Sequence[TimedCue],
    talk: Sequence[tuple[np.ndarray, float]],
    span: tuple[float, float],
    acoustics: Acoustics,
    rng: np.random.Generator,
    recognizer: Recognizer,
    matcher: PhraseMatcher,
    canceller: EchoCanceller | None,
    end_silence_s: float,
    listen_from: float,
    echo_tail_s: float = 0.4,
) -> Outcome:
    """Session seconds `span` through the room; the recogniser hears from `listen_from` on.

    As in the listener, the echo gate shuts the microphone while the coach talks until the
    canceller has settled, and for good with no canceller."""
    start, end = span
    room = Room(acoustics, rng)
    owner = AudioOwner(
        lambda: room.speaker, (lambda: canceller) if canceller else None, real_time=False
    )
    microphone = owner.attach_capture(room.microphone)
    for samples, at in talk:
        room.talk(samples, at - start)
    gate = EchoGate(echo_tail_s)
    endpoint = endpoint_for(end_silence_s)
    recognizer.reset()
    upcoming = sorted((c for c in cues if c.end > start), key=lambda c: c.start)
    playing: TimedCue | None = None
    taken: list[tuple[Command, float]] = []
    halt_at: float | None = None
    halted = False
    silence_at: float | None = None
    owner.play(np.zeros(0, dtype=np.int16))  # opens the speaker
    while (now := start + room.seconds()) < end:
        if halt_at is not None and now >= halt_at:
            owner.stop_playing()
            if playing is not None:
                silence_at = now
            upcoming, playing, halt_at = [], None, None
        while upcoming and upcoming[0].start <= now:
            playing = upcoming.pop(0)
            skip = round(max(0.0, now - playing.start) * RATE)
            owner.play(playing.samples[skip:])
        if playing is not None and now >= playing.end:
            owner.stop_playing()
            playing = None
        for _ in range(CAPTURE_CHUNK_PERIODS):
            owner.step()
        chunk = microphone.read()
        speaking = playing is not None or not owner.wait_played(0)
        is_open = gate.update(now, speaking) or owner.echo_settled()
        if now < listen_from or not is_open:
            continue
        heard = next_result(recognizer, endpoint, chunk, matcher)
        match = matcher.match(heard) if heard is not None else None
        if match is None:
            continue
        heard_at = start + room.seconds()
        taken.append((match.command, heard_at))
        if match.command in HALTING and not halted:
            halted = True
            halt_at = (np.floor(heard_at / LOOP_TICK_S) + 1) * LOOP_TICK_S
    if silence_at is not None:
        silence_at = max(silence_at, start + (room.last_sound + 1) / RATE)
    owner.close()
    return Outcome(tuple(taken), silence_at)


def voiced_end(samples: np.ndarray) -> float:
    """Seconds from the start of `samples` to where the voice in them ends."""
    loud = np.flatnonzero(np.abs(samples) > 0.02 * max(1, int(np.abs(samples).max())))
    return (loud[-1] + 1) / RATE if len(loud) else 0.0


def session_cues(
    spoken: Sequence[tuple[str, float, float]], samples_for: Callable[[str], np.ndarray]
) -> list[TimedCue]:
    """(text, start, end) as a session played them → cues with their recordings."""
    return [TimedCue(samples_for(text), start, end) for text, start, end in spoken]
