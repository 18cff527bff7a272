"""The echo canceller's reference: what the speaker was sounding under each microphone sample,
read from the played samples at the positions the playout clock gives, shifted by the echo's
measured lag so its main path sits at the start of the canceller's filter.

The lag is measured continuously (cross-correlation of reference and microphone) because USB
audio hides latency the device never reports and can change it mid-session; shifting the
reference by the change puts the echo back where the canceller's filter already has it. Each
estimate also tells the playout clock where the speaker was, to a fraction of a sample, which
is how the clock learns the drift within a couple of seconds of the coach's voice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coach.core.alignment import Lag, LagFollower, PlayoutClock, echo_lag
from coach.core.played import PlayedSamples
from coach.core.speaker_curve import SpeakerCurve, soft_clip

CLOCK_MEMORY_S = 60.0  # the rate ratio is fitted over about this long
LAG_WINDOW_S = 0.75  # each lag estimate correlates this much microphone audio
LONGEST_LAG_S = 0.25  # beyond the device's reported delay; longer is not an echo path
LAG_EVERY_S = 0.5
LEAD_S = 0.008  # the echo's main path this far into the filter, room for the fit's wander


class EchoReference:
    def __init__(self, played: PlayedSamples, rate: int) -> None:
        self._played = played
        self._clock = PlayoutClock(round(CLOCK_MEMORY_S * rate), rate)
        self._follower = LagFollower()
        self._curve = SpeakerCurve()
        self._longest = round(LONGEST_LAG_S * rate)
        self._every = round(LAG_EVERY_S * rate)
        self._lead = round(LEAD_S * rate)
        window = round(LAG_WINDOW_S * rate)
        # What was recorded and handed out, for the lag's next estimate (rings).
        self._microphone = np.zeros(window)
        self._handed = np.zeros(window)
        self._places = np.zeros(window)  # where each handed-out sample was read, less the shift
        self._filled = 0  # of the rings, since the lag last moved
        self._count = 0  # microphone samples so far
        self._since_lag = 0
        self.shift = 0.0  # samples the reference is read earlier by, from the followed lag
        self._aligned = False  # whether the lag has been found once

    def next(self, recorded: np.ndarray, positions: Sequence[int]) -> tuple[np.ndarray, bool]:
        """The reference for `recorded`, captured in equal parts at the end of each of which
        the speaker had reached `positions`; and whether the echo's lag has just moved (the
        canceller's past is then a poor guide). Several periods at once cost the numpy calls
        of one: the device's every report still goes to the clock."""
        count = len(recorded)
        part = count // len(positions)
        for position in positions:
            self._count += part
            self._clock.observe(self._count, position, part)
        places = self._places_of(count)
        played = self._played.at(places)
        self._curve.observe(played, recorded)
        reference = self._bent(played)
        self._remember(recorded, reference, places)
        self._since_lag += count
        moved = False
        if self._since_lag >= self._every and self._filled >= len(self._handed):
            self._since_lag = 0
            moved = self._follow_lag()
        return reference, moved

    def recent(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The last `count` microphone samples and their reference as aligned now: after the
        lag moves, a canceller fed these has a past consistent with the new alignment before
        it meets the next period (its filter spans that past)."""
        count = min(count, len(self._handed), self._count)
        slots = np.arange(self._count - count, self._count) % len(self._handed)
        played = self._played.at(self._places_of(count))
        return self._microphone[slots].astype(np.int16), self._bent(played)

    def _places_of(self, count: int) -> np.ndarray:
        """Where in the played samples the speaker was under the last `count` microphone
        samples, shifted."""
        ends = np.arange(self._count - count + 1, self._count + 1, dtype=np.float64)
        return self._clock.position(0.0) + self._clock.ratio * ends - 1.0 - self.shift

    def _bent(self, played: np.ndarray) -> np.ndarray:
        """The reference: the played samples as the speaker's fitted curve sounds them."""
        bent = soft_clip(played, self._curve.knee)
        return np.clip(np.round(bent), -32768, 32767).astype(np.int16)

    def _remember(self, recorded: np.ndarray, reference: np.ndarray, places: np.ndarray) -> None:
        size = len(self._handed)
        start = (self._count - len(recorded)) % size
        first = min(len(recorded), size - start)  # up to the rings' end, the rest from their start
        rings = ((self._microphone, recorded), (self._handed, reference), (self._places, places))
        for ring, values in rings:
            ring[start : start + first] = values[:first]
            ring[: len(values) - first] = values[first:]
        self._filled += len(recorded)

    def _place_echo(self, order: np.ndarray, lag: float) -> None:
        """Tell the clock where the echo shows the speaker was: far finer than its reports.
        The lag is the window's, weighted by where the coach was loud in it, and so are the
        moment and place it is given at (while the rate is unknown, the place moves by
        samples within a window, and a plain mean was a sample off)."""
        weights = self._handed[order] ** 2
        counts = np.arange(self._count - len(order) + 1, self._count + 1, dtype=np.float64)
        middle = float(np.average(counts, weights=weights))
        where = float(np.average(self._places[order], weights=weights))
        self._clock.observe_echo(middle, where + self.shift - lag)

    def _follow_lag(self) -> bool:
        """Correlate what was handed out with what was recorded: the echo's lag against the
        present shift, which may be earlier (latency fell) or later (latency grew)."""
        if not self._handed.any():
            return False  # the coach was quiet: no echo to find
        order = np.arange(self._count, self._count + len(self._handed)) % len(self._handed)
        earliest = int(self.shift)
        found = echo_lag(self._handed[order], self._microphone[order], self._longest, earliest)
        if found is not None:
            if found.strength >= self._follower.min_strength:
                self._place_echo(order, found.samples)
            found = Lag(found.samples + self.shift, found.strength)
        jumped = self._follower.update(found)
        if jumped is None:
            return False
        first, self._aligned = not self._aligned, True
        if not first:
            self._clock.echo_moved()
        self.shift = max(0.0, jumped - self._lead if first else self.shift + jumped)
        self._filled = 0
        return True
