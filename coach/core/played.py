"""What went out to the speaker, and which of it was sounding while the microphone recorded.

An echo canceller needs, beside each stretch of microphone audio, the samples the speaker was
playing at that moment. The device reports how many written samples it still holds; everything
written before those has been played. Counting that way follows the real device, through
buffering and any drift between the speaker's and the microphone's clocks.
"""

from __future__ import annotations

import numpy as np


class PlayedSamples:
    def __init__(self, capacity: int) -> None:
        self._ring = np.zeros(capacity, dtype=np.int16)
        self.written = 0  # samples handed to the device since the start

    def wrote(self, samples: np.ndarray) -> None:
        samples = samples[-len(self._ring) :]
        start = self.written % len(self._ring)
        first = min(len(samples), len(self._ring) - start)
        self._ring[start : start + first] = samples[:first]
        self._ring[: len(samples) - first] = samples[first:]
        self.written += len(samples)

    def dropped(self, count: int) -> None:
        """The device threw away the last `count` samples written: they were never played."""
        self.written -= min(count, self.written)

    def sounding(self, queued: int, count: int) -> np.ndarray:
        """The last `count` samples to leave the speaker, while `queued` still wait in the device.

        Samples from before the start, or older than the ring holds, are silence."""
        end = self.written - max(0, queued)
        out = np.zeros(count, dtype=np.int16)
        oldest = max(end - count, self.written - len(self._ring), 0)
        if end <= oldest:
            return out
        positions = np.arange(oldest, end) % len(self._ring)
        out[count - (end - oldest) :] = self._ring[positions]
        return out
