"""Commands said over the coach's own speech, through a simulated room, to the real recogniser.

One trial replays a stretch of a session: the coach's cues, as timed in the session, go out
through the audio owner to the room's speaker; a person says a command at a chosen moment; the
microphone's audio, echo cancelled or not, goes to the listener's own recognition step. A
safety guess or a halting command cuts the coach's speech and keeps later cues from starting, as
the loop would, and the trial notes when each cue began and fell silent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from coach.adapters.audio.devices import PERIOD_FRAMES
from coach.adapters.audio.echo import EchoCanceller
from coach.adapters.audio.owner import CAPTURE_CHUNK_PERIODS, AudioOwner
from coach.core.endpoint import SAMPLE_RATE
from coach.core.events import Command
from coach.core.hearing import (
    HUSH_S,
    Recognizer,
    SafetyAlarm,
    as_the_gate_moves,
    endpoint_for,
    next_result,
)
from coach.core.phrases import EchoGate, PhraseMatcher
from coach.core.residue import EchoResidue
from coach.settings import Settings
from coach.sim.room import Acoustics, Hardware, Room

HALTING = (Command.STOP, Command.PAIN, Command.PAUSE)


@dataclass(frozen=True)
class TimedCue:
    """A cue as it played in a session: its samples from `start`, cut off at `end`."""

    samples: np.ndarray
    start: float
    end: float

    @property
    def was_cut(self) -> bool:
        return self.end < self.start + len(self.samples) / SAMPLE_RATE - 0.001


@dataclass(frozen=True)
class Outcome:
    commands: tuple[tuple[Command, float], ...]  # what was taken, and when (session seconds)
    cuts: tuple[float, ...]  # when the coach's speech was cut (a safety guess, a halting command)
    deaf: tuple[float, ...]  # the chunks (their start, 40 ms each) the listener could not hear
    sounded: tuple[tuple[float, float], ...]  # each cue as played: from, to (cut or whole)
    erle_db: tuple[float, ...] = ()  # the canceller's echo removal, once a second of coach voice
    handovers: int = 0  # times the self-check found cancellation short and the gate took over

    def quiet_after(self, said: tuple[float, float]) -> float | None:
        """Seconds from the end of words said over `said` (from, to) until the coach's speaker
        fell silent and stayed so until the first command was taken: 0 if it fell silent
        before they ended, None if it did not talk over them at all."""
        start, end = said
        taken = self.commands[0][1] if self.commands else float("inf")
        over = [to for began, to in self.sounded if began <= taken and to > start]
        return max(0.0, max(over) - end) if over else None


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
        self.audio_s += len(microphone) / SAMPLE_RATE
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
    hardware: Hardware | None = None,
    halts: bool = True,
) -> Outcome:
    """Session seconds `span` through the room; the recogniser hears from `listen_from` on.

    As in the listener, the echo gate shuts the microphone while the coach talks until the
    canceller has settled, and for good with no canceller. `halts=False`: a halting command
    cuts the cue but the session's later cues still play, as after the person resumes, so a
    whole session's false commands are all counted, not only the first."""
    start, end = span
    room = Room(acoustics, rng, hardware)
    owner = AudioOwner(
        lambda: room.speaker, (lambda: canceller) if canceller else None, real_time=False
    )
    microphone = owner.attach_capture(room.microphone)
    for samples, at in talk:
        room.talk(samples, at - start)
    gate = EchoGate(echo_tail_s)
    endpoint = endpoint_for(end_silence_s)
    recognizer.reset()
    residue = EchoResidue(echo_tail_s)
    upcoming = sorted((c for c in cues if c.end > start), key=lambda c: c.start)
    playing: TimedCue | None = None
    taken: list[tuple[Command, float]] = []
    cuts: list[float] = []
    deaf: list[float] = []
    sounded: list[tuple[float, float]] = []
    rang: list[bool] = []
    erle: list[float] = []
    hushed_until = float("-inf")
    was_open = was_through = False
    alarm = SafetyAlarm(matcher, lambda: rang.append(True))
    owner.play(np.zeros(0, dtype=np.int16))  # opens the speaker
    while (now := start + room.seconds()) < end:
        while upcoming and upcoming[0].start <= now:
            cue = upcoming.pop(0)
            if now < hushed_until:
                continue  # as the loop holds a cue back while "stop" may be being said
            playing = cue
            skip = round(max(0.0, now - playing.start) * SAMPLE_RATE)
            owner.play(playing.samples[skip:])
            sounded.append((now, playing.end))
        if playing is not None and now >= playing.end:
            if playing.was_cut:  # as the speech worker cuts it; a whole cue plays out itself
                owner.stop_playing()
            playing = None
        for _ in range(CAPTURE_CHUNK_PERIODS):
            owner.step()
        chunk = microphone.read()
        speaking = playing is not None or not owner.wait_played(0)
        if (
            speaking
            and room.t % SAMPLE_RATE < CAPTURE_CHUNK_PERIODS * PERIOD_FRAMES
            and owner.erle_db is not None
        ):
            erle.append(owner.erle_db)
        through = owner.echo_settled()
        is_open = gate.update(now, speaking) or through
        # As the listener (nothing was fed to the recogniser before `listen_from`).
        listened = was_open and now >= listen_from
        heard = as_the_gate_moves(recognizer, listened, is_open, was_through, through, residue)
        was_open, was_through = is_open, through
        if not is_open:
            deaf.append(now)
            if heard is None:
                continue
        elif now < listen_from:
            residue.learn(chunk, speaking)  # as the listener would have, all along
            continue
        else:
            residue.fed(chunk, speaking, microphone.cancelled)
            heard = next_result(recognizer, endpoint, chunk, matcher, alarm)
        match = matcher.match(heard) if heard is not None and residue.stands_out(heard) else None
        halting = match is not None and match.command in HALTING
        # The loop wakes for the listener's inputs at once: the cut is immediate.
        at = start + room.seconds()
        if rang or halting:
            hushed_until = at + HUSH_S if rang else hushed_until
            rang.clear()
            owner.stop_playing()
            cuts.append(at)
            if playing is not None:
                sounded[-1] = (sounded[-1][0], at + room.queued() / SAMPLE_RATE)
            playing = None
        if match is not None:
            hushed_until = float("-inf")
            taken.append((match.command, at))
        if halting and halts:
            upcoming = []  # the session has stopped: the coach only says so
    owner.close()
    handovers = owner.echo_handovers
    return Outcome(tuple(taken), tuple(cuts), tuple(deaf), tuple(sounded), tuple(erle), handovers)


def voiced_end(samples: np.ndarray) -> float:
    """Seconds from the start of `samples` to where the voice in them ends."""
    loud = np.flatnonzero(np.abs(samples) > 0.02 * max(1, int(np.abs(samples).max())))
    return (loud[-1] + 1) / SAMPLE_RATE if len(loud) else 0.0


def session_cues(
    spoken: Sequence[tuple[str, float, float]], samples_for: Callable[[str], np.ndarray]
) -> list[TimedCue]:
    """(text, start, end) as a session played them → cues with their recordings."""
    return [TimedCue(samples_for(text), start, end) for text, start, end in spoken]


@dataclass(frozen=True)
class Material:
    """What every talk-over trial draws on: the recogniser, the talkers, a session's cues."""

    settings: Settings
    label: str
    talkers: tuple[str, ...]
    matcher: PhraseMatcher
    recognizer: Recognizer
    played: list[TimedCue]
    sets: list[tuple[float, float]]
