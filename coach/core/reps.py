"""Rep segmentation: abduction over time in, whole reps out.

Two thresholds with a gap (leave rest above `start`, return below `end`) and a whole cycle that
must reach `min_peak` above rest: jitter, wobble and getting into position are not reps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SETTLE_S = 0.5  # the leg must lie still this long before the first rep can start
BASELINE_SMOOTHING = 0.05
# A lift and a lowering are timed on their steep middle, where marker jitter matters least:
# from the moment the leg passes a quarter of the way to the peak to three quarters. A person's
# movement from rest to rest is S-shaped (slow out of rest, slow into the top); for that shape
# the middle half of the angle takes a third of the time, centred on the movement's midpoint.
# Timing at fixed thresholds instead made a 2 s lift read 1.3 s and a 2 s hold 2.8 s.
QUARTER = 0.25
MIDDLE_HALF_TIME_SHARE = 1 / 3


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
                self._left_rest_at = None  # spent: the next rep leaves rest on its own
            elif lift <= self._end_below:
                if lift >= -self._start_above:
                    # The rest drifts a little as the body settles; far below it is a misread
                    # leg, and following it would leave the real rest looking like a lift.
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

    def close(self) -> Rep | None:
        """The readings stop (the person turned round to the other leg, or the recording
        ended): a rep whose lowering has passed the level it is timed at ends as it stands;
        one stopped short of that cannot be timed, and is dropped."""
        track, self._track = self._track, None
        self._phase = _Phase.REST if self._phase is _Phase.MOVING else self._phase
        if track is None or not track.samples:
            return None
        lifts = [lift for _, lift in track.samples]
        if lifts[-1] > QUARTER * max(lifts):
            return None
        return self._finish(track, track.samples[-1][0])

    def _settle(self, t: float, abduction: float) -> None:
        if self._baseline is None or abs(abduction - self._baseline) > self._start_above / 2:
            self._baseline, self._still_since = abduction, t
        elif self._still_since is not None and t - self._still_since >= SETTLE_S:
            self._phase = _Phase.REST

    def _finish(self, track: _Track, end: float) -> Rep | None:
        times = [t for t, _ in track.samples]
        lifts = _median_of_three([lift for _, lift in track.samples])
        peak = max(lifts)
        if peak < self._min_peak:
            return None
        top = lifts.index(peak)
        lift_from, lift_to = _movement(times[: top + 1], lifts[: top + 1], peak)
        back = len(lifts) - top
        lower_from, lower_to = _movement(times[::-1][:back], lifts[::-1][:back], peak)
        lower_from, lower_to = lower_to, lower_from  # measured backwards from the end
        return Rep(
            start=track.start,
            end=end,
            peak_angle=peak + (self._baseline or 0.0),
            lift_s=max(lift_to - lift_from, 0.0),
            hold_s=max(lower_from - lift_to, 0.0),
            lower_s=max(lower_to - lower_from, 0.0),
            peak_rotation=track.peak_rotation,
            peak_side_bend=track.peak_side_bend,
        )


def _median_of_three(lifts: list[float]) -> list[float]:
    """Each reading with its neighbours' median: one jittery frame at the top would otherwise
    raise the peak, and with it the levels the lift and lowering are timed at."""
    if len(lifts) < 3:
        return lifts
    middle = [sorted(lifts[i - 1 : i + 2])[1] for i in range(1, len(lifts) - 1)]
    return [lifts[0], *middle, lifts[-1]]


def _movement(times: list[float], lifts: list[float], peak: float) -> tuple[float, float]:
    """When a movement towards the peak began and ended, from when it passed a quarter and
    three quarters of the way (`times` run towards the peak, forwards or backwards)."""
    quarter = _crossing(times, lifts, QUARTER * peak)
    three_quarters = _crossing(times, lifts, (1 - QUARTER) * peak)
    half_length = (three_quarters - quarter) / MIDDLE_HALF_TIME_SHARE / 2
    middle = (quarter + three_quarters) / 2
    return middle - half_length, middle + half_length


def _crossing(times: list[float], lifts: list[float], level: float) -> float:
    """The first time the angle reaches `level`, between the two readings around it."""
    for i in range(1, len(lifts)):
        if lifts[i] >= level:
            before, after = lifts[i - 1], lifts[i]
            share = (level - before) / (after - before) if after > before else 1.0
            return times[i - 1] + share * (times[i] - times[i - 1])
    return times[-1]
