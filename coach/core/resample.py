"""Sample-rate conversion for a stream that arrives in chunks, with memory flat in its length."""

from __future__ import annotations

import numpy as np


class StreamResampler:
    """Linear interpolation that carries its place across chunk boundaries, so converting a
    recording chunk by chunk gives what converting it whole would have given."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        self._step = rate_in / rate_out
        self._next = 0.0  # where the next output sample falls, counted from `_held`
        self._held = np.empty(0, dtype=np.float64)  # the last input sample, not yet passed

    def feed(self, samples: np.ndarray) -> np.ndarray:
        data = np.concatenate([self._held, samples.astype(np.float64, copy=False)])
        if len(data) < 2:
            self._held = data
            return np.empty(0, dtype=np.float64)
        last = len(data) - 1
        positions = np.arange(self._next, last, self._step)
        out = np.interp(positions, np.arange(len(data)), data)
        if len(positions):
            self._next = positions[-1] + self._step
        self._next -= last
        self._held = data[-1:]
        return out
