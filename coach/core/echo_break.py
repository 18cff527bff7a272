"""Noticing, within a few periods, that the echo has moved under a canceller that was cancelling.

A USB stream's latency can change at once. Speex, fed the old alignment, keeps adapting to an
echo that no longer fits its reference, and in the third of a second the ERLE check's medians
take to call it a collapse it spoils the filter it had learnt: re-aligned, it then needed about
three seconds of the coach's voice to take 15 dB out again, where a filter left alone does at
once. A loud period that comes out of the canceller louder than it went in (the filter
subtracting an echo that is not there yet, or adding one that came later), with the microphone
no louder against the reference than usual (so not a person talking over the coach), is such a
break; a few in a row stop the adaptation at once.
"""

from __future__ import annotations

import numpy as np

from coach.core.echo_check import rms

# int16 units: a quieter reference (a word's onset or its fading end) leaves an echo the
# microphone's hiss can hide, so little taken out of it proves nothing.
SOUNDING_RMS = 1000.0
GOOD_DB = 15.0  # periods cancelled this well teach the microphone's usual level
BROKEN_DB = 0.0  # less taken out than this: the canceller adds an echo that is not there
LOUDER_DB = 3.0  # the microphone this much above its usual level: a person is talking too
BREAK_PERIODS = 3
USUAL_WEIGHT = 0.05


class EchoBreak:
    def __init__(self) -> None:
        self._usual: float | None = None  # the microphone's level against the reference
        self._low = 0
        self.broken = False

    def update(
        self, microphone: np.ndarray, output: np.ndarray, reference: np.ndarray, cancelling: bool
    ) -> bool:
        """One period the canceller processed, and whether it was judged to be cancelling (its
        usual level is learnt, and a break looked for, only then); True once the echo has
        broken away from the reference (until `mend`)."""
        sound = rms(reference) if cancelling else 0.0  # nothing to break otherwise
        if sound < SOUNDING_RMS:
            self._low = 0 if not cancelling else self._low
            return self.broken
        heard = rms(microphone)
        taken = 20.0 * np.log10((heard + 1.0) / (rms(output) + 1.0))
        level = 20.0 * np.log10((heard + 1.0) / sound)
        if taken >= GOOD_DB:
            self._usual = level if self._usual is None else self._usual
            self._usual += USUAL_WEIGHT * (level - self._usual)
            self._low = 0
        elif taken < BROKEN_DB and self._usual is not None and level <= self._usual + LOUDER_DB:
            self._low += 1
        else:
            self._low = 0
        self.broken = self.broken or self._low >= BREAK_PERIODS
        return self.broken

    def mend(self) -> None:
        """The reference was re-aligned, or the wait for it is over."""
        self.broken = False
        self._low = 0
