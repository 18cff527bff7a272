"""Where, in the speaker's own samples, the microphone is at each moment: the clock drift
between two USB devices and the echo's delay, followed as they change.

A separate USB speaker and microphone run on two crystals, tens to hundreds of ppm apart, and
the speaker reports how much it still holds only to a USB packet. Whole-sample alignment jumps
a sample whenever the drift adds one, and an echo canceller's filter never settles (about 20 dB
lost at any drift). Here the speaker's position is fitted as a straight line of the
microphone's sample count (its slope is the rate ratio), so the reference can be resampled to
fractional positions that move smoothly. The device's reports start the line; the echo itself,
found by cross-correlation, places the speaker far more finely once the coach has spoken, and
then sets both the rate and where the line is. WebRTC's AEC3 instead re-aligns its render buffer in
whole blocks when its delay estimator moves and lets its long filter absorb the skew; Speex's
filter is short and adapts slowly, so resampling suits it better.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

JUMP_SAMPLES = 48  # a measured position this far off the line, for long enough, is a jump
JUMP_PERIODS = 5
# A canceller's filter follows the echo moving by a sample a minute; a fraction of a sample
# back and forth within seconds costs it 10-20 dB. So the position handed out moves at the
# fitted rate smoothed over SMOOTH_S, and is steered back to the line only when it is more
# than DEAD_BAND samples off, over CORRECTION_S and no faster than CORRECTION_PPM.
SMOOTH_S = 20.0
DEAD_BAND = 4.0
CORRECTION_S = 30.0
CORRECTION_PPM = 20.0
YOUNG_S = 30.0  # for this long after a start or a jump the position follows the line closely
YOUNG_SMOOTH_S = 2.0
YOUNG_CORRECTION_S = 2.0
YOUNG_PPM = 300.0
TRUST_SPAN_S = 6.0  # the slope is noise over a shorter span: the position is known to +-1 packet
# The echo places the speaker far more finely than the device's reports: a lag estimate is
# good to a fraction of a sample, a report to a packet. Weighted by their errors, two seconds
# of the coach's voice give the rate to ~10 ppm, where the reports need six seconds for ~20.
REPORT_ERROR = 14.0  # samples: a USB packet's rounding and its jitter, until measured
SCATTER_PERIODS = 100  # the reports' scatter about their line is measured over about this many
ECHO_ERROR = 0.25  # samples: one lag estimate, through a room's reflections and tail
ECHO_TRUST_PPM = 25.0  # the echo's slope is used once known this well
ECHO_OFF = 16.0  # an echo this far off its line is a person talking, or a latency jump
ECHO_OFF_TIMES = 3  # ... and this many in a row restart the echo's line
# An echo line faded to this weight (unheard some 14 memories: a quarter of an hour at 60 s)
# is forgotten: its sums would shrink on all night until too small to divide.
FORGOTTEN_WEIGHT = 1e-6


class _Line:
    """Least-squares sums of (t, position), t relative to a moving present, older ones
    forgotten: a straight line through what was observed."""

    def __init__(self) -> None:
        self.sums = [0.0] * 5  # weight, t, position, t*t, t*position

    def shift(self, by: float) -> None:
        weight, t, p, tt, tp = self.sums
        self.sums = [weight, t - by * weight, p, tt - 2 * by * t + by * by * weight, tp - by * p]

    def fade(self, keep: float) -> None:
        self.sums = [value * keep for value in self.sums]

    def add(self, position: float, at: float = 0.0) -> None:
        """One observation, made `at` samples from the present (negative: earlier)."""
        weight, t, p, tt, tp = self.sums
        self.sums = [weight + 1, t + at, p + position, tt + at * at, tp + at * position]

    def moments(self) -> tuple[float, float]:
        """Sum of squared t and of t*position about their means (0 with nothing)."""
        weight, t, p, tt, tp = self.sums
        if weight <= 0:
            return 0.0, 0.0
        return tt - t * t / weight, tp - t * p / weight

    def at_now(self, slope: float) -> float:
        """The line's position at the present, given its slope."""
        weight, t, p, _, _ = self.sums
        return (p - slope * t) / weight

    @property
    def weight(self) -> float:
        return self.sums[0]


class PlayoutClock:
    """The speaker's sample position as a smooth function of the microphone's sample count.

    The device's reports are fitted with a least-squares line (older ones forgotten over
    `memory` samples, sums re-centred on the latest count so precision does not fade over an
    hour); its slope is the rate ratio. Where the echo has been found (`observe_echo`), its
    places join the fit, weighted by how much finer they are, and the position handed out
    follows the echo's line instead of the reports'. The position handed out is not the line
    itself, whose offset wanders as observations come in (a fraction of a sample is what a
    canceller's filter cannot follow), but an integral of the ratio, steered back to the line
    by at most CORRECTION_PPM, and snapped to it after a jump (an underrun, a device
    re-prepared) that lasts JUMP_PERIODS reports."""

    def __init__(self, memory: int, rate: int) -> None:
        self._keep = 1.0 - 1.0 / max(1, memory)
        self._rate = rate
        self._reports = _Line()
        self._echo = _Line()
        self._now = 0.0
        self._slope = 1.0
        self._smooth = 1.0  # the slope the position moves by: the fit's, without its noise
        self._age = 0  # microphone samples since the line (re)started
        self._line: float | None = None  # the reports' line's position at _now
        self._place: float | None = None  # the position handed out, at _now
        self._steer = 0.0
        self._off_line = 0
        self._echo_off = 0
        self._anchor: float | None = None  # the place less the echo's line, once followed
        self._scatter = REPORT_ERROR**2  # the reports' mean squared miss of their line
        self._misses = 0  # reports it is measured over, so the guess above goes at once

    @property
    def ratio(self) -> float:
        """Speaker samples played per microphone sample, as the position moves by it."""
        return self._smooth + self._steer

    def observe(self, count: int, position: float, span: int) -> None:
        """The speaker was at `position` when the microphone had recorded `count` samples;
        `span` samples have been recorded since the previous observation."""
        self._shift(count - self._now)
        if self._line is not None and abs(position - self._line) > JUMP_SAMPLES:
            self._off_line += 1
            if self._off_line < JUMP_PERIODS:
                return
            self._reports = _Line()
            self._line = self._place = None
            self._age = 0
        self._off_line = 0
        if self._line is not None:  # how far reports fall from the line: exact on one card
            miss = (position - self._line) ** 2
            self._misses += 1
            self._scatter += (miss - self._scatter) / min(self._misses, SCATTER_PERIODS)
        keep = self._keep**span
        self._reports.fade(keep)
        self._echo.fade(keep)
        if 0 < self._echo.weight < FORGOTTEN_WEIGHT:
            self.echo_moved()  # the reports steer until the coach's voice is heard again
        self._reports.add(position)
        self._fit()
        if self._place is None or abs(self._line - self._place) > JUMP_SAMPLES:
            self._place = self._line
            self.echo_moved()  # the echo's line jumped with the speaker
        # Young, the fit is rough and the canceller has learnt little: follow it closely.
        young = self._age < YOUNG_S * self._rate
        self._age += span
        gap = self._target() - self._place
        if not young:
            gap -= max(-DEAD_BAND, min(DEAD_BAND, gap))  # the line's own wander is left alone
        limit = (YOUNG_PPM if young else CORRECTION_PPM) * 1e-6
        over = (YOUNG_CORRECTION_S if young else CORRECTION_S) * self._rate
        self._steer = min(limit, max(-limit, gap / over))
        smooth = (YOUNG_SMOOTH_S if young else SMOOTH_S) * self._rate
        self._smooth += (self._slope - self._smooth) * min(1.0, span / smooth)

    def observe_echo(self, count: float, position: float) -> None:
        """The echo showed the speaker at `position`, less the room's delay (a constant), when
        the microphone had recorded `count` samples (at most the latest report's)."""
        if self._place is None:
            return
        at = count - self._now
        if self._echo.weight > 0:
            expected = self._echo.at_now(self._slope) + self._slope * at
            if abs(position - expected) > ECHO_OFF:
                self._echo_off += 1
                if self._echo_off < ECHO_OFF_TIMES:
                    return
                self.echo_moved()
        self._echo_off = 0
        self._echo.add(position, at)
        self._fit()
        if self._anchor is None and self._echo_trusted() and self._scatter > ECHO_ERROR**2:
            # Known this well, the rate needs no smoothing: the place stops drifting at once.
            self._anchor = self._place - self._echo.at_now(self._slope)
            self._smooth, self._steer = self._slope, 0.0

    def echo_moved(self) -> None:
        """The echo's path changed (a latency jump): its places start a new line."""
        self._echo = _Line()
        self._echo_off = 0
        self._anchor = None

    def position(self, count: float) -> float:
        """The speaker's fractional position when the microphone had recorded `count`."""
        if self._place is None:
            return float("nan")
        return self._place + (self._smooth + self._steer) * (count - self._now)

    def _target(self) -> float:
        if self._anchor is None:
            return self._line
        return self._echo.at_now(self._slope) + self._anchor

    def _shift(self, by: float) -> None:
        self._reports.shift(by)
        self._echo.shift(by)
        if self._line is not None and self._place is not None:
            self._line += self._slope * by
            self._place += (self._smooth + self._steer) * by
        self._now += by

    def _echo_trusted(self) -> bool:
        spread, _ = self._echo.moments()
        return spread / ECHO_ERROR**2 > (ECHO_TRUST_PPM * 1e-6) ** -2

    def _fit(self) -> None:
        spread, moment = self._reports.moments()
        echo_spread, echo_moment = self._echo.moments()
        # Over a short span the reports' slope is mostly the packets' jitter: keep the last one.
        if spread > self._reports.weight * (TRUST_SPAN_S * self._rate) ** 2 / 12 or (
            self._echo_trusted()
        ):
            scatter = max(self._scatter, 1e-6)
            information = spread / scatter + echo_spread / ECHO_ERROR**2
            self._slope = (moment / scatter + echo_moment / ECHO_ERROR**2) / information
        self._line = self._reports.at_now(self._slope)


@dataclass(frozen=True)
class Lag:
    samples: float  # how much later than the reference the echo's main path arrives
    strength: float  # the correlation peak against the correlation's spread


def echo_lag(
    reference: np.ndarray, microphone: np.ndarray, longest: int, earliest: int = 0
) -> Lag | None:
    """The delay, from `earliest` samples early to `longest` late, from `reference` to its
    echo in `microphone` (same length), by phase-transform cross-correlation, which whitens
    the speech so the direct path stands out from the room's tail. None when either is
    silent."""
    ref = reference.astype(np.float64)
    mic = microphone.astype(np.float64)
    if not ref.any() or not mic.any():
        return None
    # Lags either way wrap onto the far end of a circular correlation: it needs room for the
    # longer of the two, not both (which doubled the transform once the reference was moved).
    size = 1 << int(np.ceil(np.log2(len(ref) + max(longest, earliest))))
    cross = np.fft.rfft(mic, size) * np.conj(np.fft.rfft(ref, size))
    cross /= np.abs(cross) + 1e-9
    circular = np.fft.irfft(cross, size)
    correlation = np.concatenate([circular[size - earliest :], circular[: longest + 1]])
    peak = int(np.argmax(np.abs(correlation)))
    spread = float(np.std(correlation)) or 1e-12
    lag = peak - earliest + _fraction(cross, peak - earliest, size)
    return Lag(lag, float(abs(correlation[peak]) / spread))


def _fraction(cross: np.ndarray, lag: int, size: int) -> float:
    """Where within half a sample of `lag` the correlation peaks (a whole-sample error in
    re-aligning the reference costs a canceller several dB). The correlation is read from the
    cross-spectrum below a quarter of the rate (where speech has its energy, and where the
    peak is broad enough for a parabola) at fifths of a sample."""
    steps = np.arange(-2, 3) / 5
    turn = 2 * np.pi * np.arange(len(cross) // 2) / size
    at_lag = cross[: len(turn)] * np.exp(1j * turn * lag)
    fifth = np.exp(1j * turn / 5)  # a fifth of a sample later, each bin turned by its own
    later = at_lag * fifth
    earlier = at_lag * np.conj(fifth)
    moved = (earlier * np.conj(fifth), earlier, at_lag, later, later * fifth)
    values = np.array([float(np.sum(part.real)) for part in moved])
    best = int(np.argmax(values))
    if 0 < best < len(steps) - 1:
        before, here, after = values[best - 1 : best + 2]
        curve = before - 2 * here + after
        if curve < 0:
            return float(steps[best] + 0.1 * (before - after) / curve)
    return float(steps[best])


class LagFollower:
    """The echo's lag, as several estimates agree, so a person talking over the coach (which
    blurs one estimate) does not move it. Small changes (the clock's fit settling) are only
    noted: the canceller's filter follows those itself. A change beyond `tolerance` is a
    latency jump, reported by how much, measured against the lag just before it, so that the
    reference can be moved by exactly that and the echo lands where the filter has it."""

    def __init__(self, agree: int = 3, tolerance: int = 32, min_strength: float = 8.0) -> None:
        self._agree = agree
        self._tolerance = tolerance
        self.min_strength = min_strength  # a weaker correlation peak is a guess
        self._recent: list[float] = []
        self.lag: float | None = None

    def update(self, lag: Lag | None) -> float | None:
        """Feed one estimate; how far the lag has just jumped (from nothing, the first time),
        or None."""
        if lag is None or lag.strength < self.min_strength:
            return None
        self._recent = [*self._recent[-(self._agree - 1) :], lag.samples]
        if len(self._recent) < self._agree:
            return None
        if max(self._recent) - min(self._recent) > self._tolerance / 4:
            return None
        agreed = float(np.median(self._recent))
        before, self.lag = self.lag, agreed
        if before is None:
            return agreed
        return agreed - before if abs(agreed - before) > self._tolerance else None
