"""How a small speaker bends the coach's voice, fitted live from what was played and what the
microphone heard, so the echo canceller's reference sounds like the speaker and not like the file.

A small speaker driven loud compresses the peaks of speech (soft clipping). The echo then holds
sound that no linear filter of the played samples explains, and Speex, a linear canceller, is
left about 10 dB short. The speaker's curve comes before the room (a memoryless bend, then the
linear air and walls), so the reference bent by the right curve is again linearly related to
the echo. Here the curve is a soft clip, knee * tanh(x / knee), and the knee is the one whose
bent reference best predicts the microphone linearly: per frequency, the share of the
microphone's power coherent with that reference, summed over the spectrum. Long frames
(half a second) hold the echo's main paths; the room's tail beyond them costs every knee
alike, so the best knee stands out even though the shares are all well below one (frames of a
quarter second put the knee 10-40 % high in the bench's rooms, these within about 5 %).
"""

from __future__ import annotations

import numpy as np

# Knees tried, in int16 units, half an octave apart; the best is interpolated between them.
KNEES = tuple(2000.0 * 2 ** (k / 2) for k in range(9))
FRAME = 8192
SOUNDING_RMS = 1000.0  # a frame of the coach's voice quieter than this says little of its peaks
KEEP = 0.85  # each frame's weight against the last: about seven frames (3.5 s of voice) count
FIRST_FRAMES = 6  # frames of the coach's voice before any curve is trusted
# A speaker's curve changes only with its volume knob: once fitted over this many frames (10 s
# of voice), one frame in LATER_EVERY keeps it up to date at a fraction of the CPU.
SETTLED_FRAMES = 20
LATER_EVERY = 4
MARGIN_DB = 0.05  # a knee must explain the microphone this much better than a straight line
_WINDOW = np.hanning(FRAME)


def soft_clip(samples: np.ndarray, knee: float | None) -> np.ndarray:
    """`samples` as a speaker clipping softly at `knee` sounds them (None: unbent)."""
    return samples if knee is None else knee * np.tanh(samples / knee)


class SpeakerCurve:
    """The knee of the speaker's soft clipping, None while it sounds straight (or unknown)."""

    def __init__(self) -> None:
        self.knee: float | None = None
        self._played = np.zeros(FRAME)
        self._heard = np.zeros(FRAME)
        self._filled = 0
        self._frames = 0
        self._sounding = 0  # frames of the coach's voice seen, learnt from or not
        shape = (len(KNEES) + 1, FRAME // 2 + 1)  # each knee, then the straight line
        self._cross = np.zeros(shape, dtype=np.complex128)
        self._power = np.zeros(shape)
        self._heard_power = 0.0

    def observe(self, played: np.ndarray, heard: np.ndarray) -> None:
        """What the speaker was given under a stretch of microphone samples (`heard`), aligned
        as the canceller's reference is."""
        at = 0
        while at < len(played):
            take = min(len(played) - at, FRAME - self._filled)
            self._played[self._filled : self._filled + take] = played[at : at + take]
            self._heard[self._filled : self._filled + take] = heard[at : at + take]
            self._filled += take
            at += take
            if self._filled == FRAME:
                self._filled = 0
                if np.sqrt(np.mean(self._played**2)) >= SOUNDING_RMS:
                    self._sounding += 1
                    if self._frames < SETTLED_FRAMES or self._sounding % LATER_EVERY == 0:
                        self._learn()

    def _learn(self) -> None:
        heard = np.fft.rfft(_WINDOW * self._heard)
        self._cross *= KEEP
        self._power *= KEEP
        self._heard_power = KEEP * self._heard_power + float(np.sum(np.abs(heard) ** 2))
        for row, knee in enumerate((*KNEES, None)):
            bent = np.fft.rfft(_WINDOW * soft_clip(self._played, knee))
            self._cross[row] += bent * np.conj(heard)
            self._power[row] += bent.real**2 + bent.imag**2
        self._frames += 1
        if self._frames >= FIRST_FRAMES:
            self.knee = self._best()

    def _best(self) -> float | None:
        """The knee whose bent reference leaves the least of the microphone unexplained (in dB,
        interpolated between knees), or None if no knee beats a straight line by MARGIN_DB."""
        if self._heard_power <= 0:  # a muted microphone: nothing to explain, no curve shown
            return None
        explained = np.sum(np.abs(self._cross) ** 2 / (self._power + 1e-9), axis=1)
        level = -10 * np.log10(np.maximum(1.0 - explained / self._heard_power, 1e-12))
        best = int(np.argmax(level[:-1]))
        if level[best] < level[-1] + MARGIN_DB:
            return None
        step = 0.0
        if 0 < best < len(KNEES) - 1:
            before, here, after = level[best - 1 : best + 2]
            curve = before - 2 * here + after
            step = 0.5 * (before - after) / curve if curve < 0 else 0.0
        return KNEES[0] * 2 ** ((best + step) / 2)
