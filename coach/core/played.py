"""What went out to the speaker, and which of it was sounding while the microphone recorded.

An echo canceller needs, beside each stretch of microphone audio, the samples the speaker was
playing at that moment. The device reports how many written samples it still holds; everything
written before those has been played. Counting that way follows the real device through
buffering; the playout clock (alignment.py) turns those counts, which a USB device gives only
to a packet, into fractional places that follow the drift between the two clocks smoothly.
"""

from __future__ import annotations

import numpy as np

from coach.core.resample import cubic_at


class PlayedSamples:
    def __init__(self, capacity: int) -> None:
        self._ring = np.zeros(capacity, dtype=np.int16)
        self.written = 0  # samples handed to the device since the start
        self.silent_from = 0  # every sample written from here on has been silence

    def wrote(self, samples: np.ndarray) -> None:
        count = len(samples)
        samples = samples[-len(self._ring) :]
        start = (self.written + count - len(samples)) % len(self._ring)
        first = min(len(samples), len(self._ring) - start)
        self._ring[start : start + first] = samples[:first]
        self._ring[: len(samples) - first] = samples[first:]
        loud = np.flatnonzero(samples)
        if len(loud):
            self.silent_from = self.written + count - len(samples) + int(loud[-1]) + 1
        self.written += count

    def dropped(self, count: int) -> None:
        """The device threw away the last `count` samples written: they were never played."""
        self.written -= min(count, self.written)

    def at(self, positions: np.ndarray) -> np.ndarray:
        """What was sounding at fractional sample `positions` (counted as `written` counts),
        for a reference that follows a speaker on another clock. Older than the ring, not yet
        written, or before the start: silence."""
        if not len(positions) or positions.min() > self.silent_from + 2:
            return np.zeros(len(positions))  # the coach is quiet: nothing to read
        oldest = max(0, self.written - len(self._ring), int(np.floor(positions.min())) - 2)
        newest = min(self.written, max(oldest, int(np.ceil(positions.max())) + 3))
        kept = self._ring[np.arange(oldest, newest) % len(self._ring)]
        return cubic_at(kept, positions - oldest)
