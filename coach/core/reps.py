"""Rep segmentation: abduction over time in, whole reps out.

Two thresholds with a gap (leave rest above `start`, return below `end`) and a whole cycle that
must reach `min_peak` above rest: jitter, wobble and getting into position are not reps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SETTLE_S = 0.5  # the leg must lie still this long before the first rep can start
TOP_BAND_FRACTION = 0.05  # within this share of the excursion from the peak counts as "at the top"
TOP_BAND_MIN_DEG = 1.5  # ... but never narrower than marker jitter
BASELINE_SMOOTHING = 0.05


class _Phase(Enum):
    UNSETTLED = "unsettled"
    REST = "rest"
    MOVING = "moving"


@dataclass(frozen=True)
class Rep:
    start: float
    end: float
    peak_angle: float
    lift_s: float
    hold_s: float
    lower_s: float
    peak_rotation: float | None
    peak_side_bend: float | None = None


@dataclass
class _Track:
    start: float
    samples: list[tuple[float, float]] = field(default_factory=list)
    peak_rotation: float | None = None
    peak_side_bend: float | None = None


def _higher(previous: float | None, value: float | None) -> float | None:
    if value is None:
        return previous
    return value if previous is None else max(previous, value)


class RepSegmenter:
    def __init__(self, min_peak_deg: float) -> None:
        self._min_peak = min_peak_deg
        self._start_above = min_peak_deg / 3
        # Lift and lower are both timed at this level, so their ratio is the tempo's ratio.
        self._end_below = min_peak_deg / 5
        self.reset()

    def reset(self) -> None:
        self._phase = _Phase.UNSETTLED
        self._still_since: float | None = None
        self._baseline: float | None = None
        self._track: _Track | None = None
        self._left_rest_at: float | None = None

    @property
    def in_rep(self) -> bool:
        return self._phase is _Phase.MOVING

    def update(
        self,
        t: float,
        abduction: float,
        rotation: float | None = None,
        side_bend: float | None = None,
    ) -> Rep | None:
        """Feed one reading; returns the rep that this reading completed, if any."""
        if self._phase is _Phase.UNSETTLED:
            self._settle(t, abduction)
            return None
        assert self._baseline is not None
        lift = abduction - self._baseline
        if self._phase is _Phase.REST:
            if lift > self._start_above:
                self._phase = _Phase.MOVING
                self._track = _Track(
                    start=self._left_rest_at if self._left_rest_at is not None else t
                )
            elif lift <= self._end_below:
                self._baseline += BASELINE_SMOOTHING * (abduction - self._baseline)
                self._left_rest_at = None
            elif self._left_rest_at is None:
                self._left_rest_at = t
            if self._phase is _Phase.REST:
                return None
        assert self._track is not None
        self._track.samples.append((t, lift))
        self._track.peak_rotation = _higher(self._track.peak_rotation, rotation)
        self._track.peak_side_bend = _higher(self._track.peak_side_bend, side_bend)
        if lift >= self._end_below:
            return None
        self._phase = _Phase.REST
        track, self._track = self._track, None
        return self._finish(track, t)

    def _settle(self, t: float, abduction: float) -> None:
        if self._baseline is None or abs(abduction - self._baseline) > self._start_above / 2:
            self._baseline, self._still_since = abduction, t
        elif self._still_since is not None and t - self._still_since >= SETTLE_S:
            self._phase = _Phase.REST

    def _finish(self, track: _Track, end: float) -> Rep | None:
        peak = max(lift for _, lift in track.samples)
        if peak < self._min_peak:
            return None
        band = peak - max(peak * TOP_BAND_FRACTION, TOP_BAND_MIN_DEG)
        top_times = [t for t, lift in track.samples if lift >= band]
        reached, left = top_times[0], top_times[-1]
        return Rep(
            start=track.start,
            end=end,
            peak_angle=peak + (self._baseline or 0.0),
            lift_s=reached - track.start,
            hold_s=left - reached,
            lower_s=end - left,
            peak_rotation=track.peak_rotation,
            peak_side_bend=track.peak_side_bend,
        )
