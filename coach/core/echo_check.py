"""Whether the echo canceller is cancelling, from what it takes out of the microphone (ERLE).

Listening through the coach's speech is safe only while the echo left over is well below a
person's voice; a person on the floor is 10-20 dB below the coach's echo at a shelf microphone.
Echo return loss enhancement is measured over the periods where the coach was sounding, as
medians. A person talking over the coach makes the output louder than echo alone; such
periods are known by the microphone being louder than the coach's voice explains (its usual
level against the reference, plus DOUBLE_TALK_DB) and left out of the long window, so a
person saying "stop" is not taken for a canceller that is not good enough. The short window
keeps them: after a latency jump the echo, now out of step with the reference, looks like
double-talk too, and a person 10-20 dB below the echo still leaves 10 dB or more. The short
window notices a collapse (a latency jump leaves about 0 dB at once), the long one a canceller
that never gets good enough.

After a re-alignment (`forget`) of a canceller that was cancelling, its filter is known to be
good: the adaptation was held while the echo was out of step, so it fits again at once. Then
the short window alone, double-talk and all (a person only lowers its median), judges it; only
about two periods in five pass the double-talk filter just after a re-alignment, so waiting for
the long window kept the coach deaf through its own voice for 11-18 s. A cold start, and a
filter that has not come back within a long window, keep the long window's caution.
"""

from __future__ import annotations

from collections import deque

import numpy as np

ENOUGH_DB = 15.0  # back to listening through speech once the long median is this high
LOW_DB = 10.0  # below this over the long window: the residual echo rivals a person's voice
COLLAPSED_DB = 4.0  # below this over the short window: the echo is hardly touched
SHORT_PERIODS = 25  # 0.5 s of 20 ms periods with the coach sounding
LONG_PERIODS = 100  # 2 s
DOUBLE_TALK_DB = 3.0  # the microphone this much louder than usual for the coach: a person too
SOUNDING_RMS = 200.0  # a reference quieter than this (int16 units) tells nothing
JUDGE_EVERY = 5


class EchoCheck:
    def __init__(self) -> None:
        self._short: deque[float] = deque(maxlen=SHORT_PERIODS)
        self._long: deque[float] = deque(maxlen=LONG_PERIODS)
        self._loss: deque[float] = deque(maxlen=LONG_PERIODS)  # microphone against reference
        self._usual_loss: float | None = None  # the microphone's usual level against the reference
        self._counted = 0
        self.cancelling = False
        self.collapsed = False  # it was cancelling and suddenly is not: the echo's path moved
        self.handed_over = 0  # times cancellation fell short and the gate took over
        self._intact = False  # re-aligned after cancelling: the filter fits again, judge it soon
        self._erle: float | None = None  # the long window's median, as last judged

    def update(self, microphone: np.ndarray, output: np.ndarray, reference: np.ndarray) -> bool:
        """One period's microphone, canceller output and reference; True when the verdict
        has just changed. The medians are taken every JUDGE_EVERY periods of the coach's
        voice: a tenth of a second later at most, at a fifth of the cost."""
        sound = rms(reference)
        if sound < SOUNDING_RMS:
            return False
        heard = rms(microphone)
        erle = _db((heard + 1.0) / (rms(output) + 1.0))
        self._short.append(erle)  # a collapse shows even where it looks like double-talk
        loss = _db(heard / sound)
        if self._usual_loss is None or loss <= self._usual_loss + DOUBLE_TALK_DB:
            self._loss.append(loss)
            self._long.append(erle)
        self._counted += 1
        if self._counted % JUDGE_EVERY:
            return False
        # Read by the audio owner every period it listens through: a median each time was
        # a tenth of the echo path's CPU, for a figure that moves over two seconds.
        self._erle = float(np.median(self._long)) if self._long else None
        full = len(self._long) >= LONG_PERIODS
        # Re-aligned, or trusted on the short window alone: it watches until the long one fills.
        soon = (self._intact or self.cancelling) and len(self._short) >= SHORT_PERIODS
        if not (full or soon):
            return False
        self._usual_loss = float(np.median(self._loss))
        was = self.cancelling
        short = float(np.median(self._short))
        long = self._erle if full and self._erle is not None else short
        if self.cancelling:
            self.cancelling = long >= LOW_DB and short >= COLLAPSED_DB
            self.collapsed = short < COLLAPSED_DB
            self.handed_over += not self.cancelling
        else:
            self.cancelling = long >= ENOUGH_DB and short >= ENOUGH_DB
            self.collapsed = self.collapsed and not self.cancelling
        # Back, or not back within a long window: either way the re-alignment is over.
        self._intact = self._intact and not (self.cancelling or full)
        return was != self.cancelling

    @property
    def erle_db(self) -> float | None:
        """The echo taken out over the last two seconds of the coach's voice (as of the last
        JUDGE_EVERY periods of it)."""
        return self._erle

    def forget(self) -> None:
        """The echo's path changed (a re-alignment): judge afresh, not cancelling meanwhile; soon,
        if it was cancelling (or had just collapsed) before."""
        self._intact = self._intact or self.cancelling or self.collapsed
        self._short.clear()
        self._long.clear()
        self._counted = 0
        self._erle = None
        self.handed_over += self.cancelling
        self.cancelling = self.collapsed = False


def _db(ratio: float) -> float:
    return 20.0 * float(np.log10(max(ratio, 1e-9)))


def rms(samples: np.ndarray) -> float:
    """The root mean square of a stretch of samples (0 for none), in their units."""
    values = samples.astype(np.float64)
    return float(np.sqrt(values @ values / len(values))) if len(values) else 0.0
