"""Steady markers without lag, and brief gaps bridged.

A One Euro filter (Casiez, Roussel and Vogel, CHI 2012) smooths hard when a marker is still,
where jitter would make a resting leg wobble, and hardly at all when it moves fast, where lag
would make a warning late. A marker hidden for a moment (a hand, a fold of clothing) is carried
on along its last velocity for up to half a second rather than dropped mid-rep.
"""

from __future__ import annotations

import math

import numpy as np

BRIDGE_S = 0.5
MIN_CUTOFF_HZ = 0.5  # at rest: strong smoothing
BETA = 50.0  # per (frame widths per second): how fast the cut-off rises with speed
DERIVATIVE_CUTOFF_HZ = 1.0


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuro:
    def __init__(self, min_cutoff: float = MIN_CUTOFF_HZ, beta: float = BETA) -> None:
        self._min_cutoff, self._beta = min_cutoff, beta
        self._t: float | None = None
        self._x = np.zeros(2)
        self._raw = np.zeros(2)
        self.velocity = np.zeros(2)

    def __call__(self, t: float, x: np.ndarray) -> np.ndarray:
        if self._t is None or t <= self._t:
            self._t, self._x, self._raw = t, x.astype(float), x.astype(float)
            return self._x
        dt = t - self._t
        # From the raw positions: the smoothed ones lag, which would overstate the speed and
        # throw a bridged marker ahead of the leg.
        raw_velocity = (x - self._raw) / dt
        self._raw = x.astype(float)
        self.velocity += _alpha(DERIVATIVE_CUTOFF_HZ, dt) * (raw_velocity - self.velocity)
        cutoff = self._min_cutoff + self._beta * float(np.hypot(*self.velocity))
        self._x = self._x + _alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x

    def predict(self, t: float) -> np.ndarray:
        """Where the marker would be at `t` if it kept its last velocity."""
        assert self._t is not None
        return self._x + self.velocity * (t - self._t)


class MarkerSmoother:
    """Works in frame widths, so the same settings suit any camera resolution."""

    def __init__(
        self, bridge_s: float = BRIDGE_S, min_cutoff: float = MIN_CUTOFF_HZ, beta: float = BETA
    ) -> None:
        self._bridge_s = bridge_s
        self._min_cutoff, self._beta = min_cutoff, beta
        self._filters: dict[str, OneEuro] = {}
        self._seen_at: dict[str, float] = {}

    def update(self, t: float, found: dict[str, np.ndarray], width: int) -> dict[str, np.ndarray]:
        out = {}
        for name, point in found.items():
            flt = self._filters.setdefault(name, OneEuro(self._min_cutoff, self._beta))
            out[name] = flt(t, point / width) * width
            self._seen_at[name] = t
        for name in list(self._filters):
            if name in found:
                continue
            if t - self._seen_at[name] <= self._bridge_s:
                out[name] = self._filters[name].predict(t) * width
            else:
                del self._filters[name], self._seen_at[name]
        return out
