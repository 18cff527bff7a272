"""Whether words heard while the coach talked stand out from what its echo leaves behind.

The echo canceller never takes all of the coach's voice out. What it leaves is loudest where it
cannot reach: in the gaps between the coach's words, the room's reverberation and a drifting
echo's mismatch linger 10-20 dB above the microphone's hiss, and the recogniser, restricted to
a few phrases, now and then hears "it hurts" or "again" in them at full confidence. Those words
are no louder than the echo's leftovers always are while the coach talks; a person saying a
command is. So words heard over the coach or its echo count only if their loudest moment rises
MARGIN_DB above what the leftovers reach most of the time (their LEFTOVER_PERCENTILE), measured
on the cancelled audio itself over the coach's recent speech. Words said with the coach quiet
are not judged.

That is not enough where the canceller takes out less than it does at best: a short, loud cue
after seconds of quiet (a rep's count), or the smeared end of a word with the clocks drifting,
leaves leftovers 10-15 dB above their usual level, as loud as a person, and the recogniser heard
"it hurts" in them a few times an hour. What tells them apart is the microphone: leftovers are
what the canceller left of a loud echo, so over their span it took about as much out of the
microphone as it does of the coach's voice (its ERLE), while a person's words are part of what
the microphone heard, not of the echo, and leave the output far less below it. So where the
canceller reports what it heard and took out (`Cancelled`), words over the coach count only if
the microphone's loudest moment over them is at most the canceller's ERLE less BELOW_ERLE_DB
above the output's loudest moment.

Times are seconds of audio fed to the recogniser, as the recogniser times its words.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from coach.core.echo_check import rms
from coach.core.endpoint import SAMPLE_RATE
from coach.core.phrases import Heard

MARGIN_DB = 3.0
# Over the words the coach's own leftovers made (five in 39 minutes of cues in three simulated
# rooms), the canceller had taken from 0.8 dB more to 4.7 dB less out of the microphone's loudest
# moment than its ERLE; a person 10-20 dB below the echo leaves the output 10-20 dB below it.
BELOW_ERLE_DB = 6.0
LEFTOVER_PERCENTILE = 90.0
LEFTOVER_CHUNKS = 750  # 30 s of 40 ms chunks with the coach's echo about
MIN_LEFTOVER_CHUNKS = 100  # 4 s: fewer says too little about this room's leftovers
KEEP_S = 30.0  # how far back heard words may begin


@dataclass(frozen=True)
class Cancelled:
    """What the echo canceller did to a chunk: the microphone's level before it (RMS, int16
    units), and the echo it was taking out of the coach's voice then (ERLE, dB; None while it
    was not cancelling)."""

    microphone_rms: float
    erle_db: float | None


@dataclass(frozen=True)
class _Chunk:
    start: float
    end: float
    level_db: float
    echo: bool  # the coach was talking, or had just stopped and its echo could linger
    cancelled: Cancelled | None


class EchoResidue:
    def __init__(self, tail_s: float) -> None:
        """`tail_s`: how long the coach's echo may linger after it stops talking."""
        self._tail_s = tail_s
        self._fed_s = 0.0  # the recogniser's clock
        self._quiet_s = float("inf")  # since the coach last talked
        self._chunks: deque[_Chunk] = deque()
        self._leftovers: deque[float] = deque(maxlen=LEFTOVER_CHUNKS)

    def learn(self, pcm: bytes, speaking: bool) -> tuple[float, bool]:
        """A chunk of cancelled audio, and whether the coach was talking meanwhile: what the
        leftovers of its echo are like. Its level, and whether its echo was about."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
        seconds = len(samples) / SAMPLE_RATE
        self._quiet_s = 0.0 if speaking else self._quiet_s + seconds
        echo = self._quiet_s <= self._tail_s
        level = _db(rms(samples))
        if echo:
            self._leftovers.append(level)
        return level, echo

    def fed(self, pcm: bytes, speaking: bool, cancelled: Cancelled | None = None) -> None:
        """As learn(), for a chunk that also goes to the recogniser: its words may be judged.
        `cancelled`: what the canceller heard and took out, where it says."""
        level, echo = self.learn(pcm, speaking)
        start, self._fed_s = self._fed_s, self._fed_s + len(pcm) / 2 / SAMPLE_RATE
        self._chunks.append(_Chunk(start, self._fed_s, level, echo, cancelled))
        while self._chunks and self._chunks[0].end < self._fed_s - KEEP_S:
            self._chunks.popleft()

    def over_echo(self, heard: Heard) -> bool:
        """Whether `heard` was said while the coach talked or its echo lingered."""
        return any(c.echo for c in self._span(heard))

    def stands_out(self, heard: Heard) -> bool:
        """Whether `heard` could be a person rather than the coach's leftover echo."""
        span = self._span(heard)
        if not any(c.echo for c in span) or len(self._leftovers) < MIN_LEFTOVER_CHUNKS:
            return True
        usual = float(np.percentile(np.fromiter(self._leftovers, float), LEFTOVER_PERCENTILE))
        loudest = max(c.level_db for c in span)
        return loudest >= usual + MARGIN_DB and _not_the_echo(span, loudest)

    def _span(self, heard: Heard) -> list[_Chunk]:
        return [c for c in self._chunks if c.end > heard.start and c.start < heard.end]


def _not_the_echo(span: list[_Chunk], loudest_db: float) -> bool:
    """Whether the canceller left far more of the microphone over words than of its echo."""
    told = [c.cancelled for c in span if c.cancelled is not None]
    erle = [c.erle_db for c in told if c.erle_db is not None]
    if not erle:
        return True
    taken_out = _db(max(c.microphone_rms for c in told)) - loudest_db
    return taken_out <= erle[-1] - BELOW_ERLE_DB


def _db(rms: float) -> float:
    return 20.0 * float(np.log10(max(rms, 1.0)))
