"""Rep segmentation: abduction over time in, whole reps out.

A rep leaves the level the leg waits at (its rest, or wherever it hovers between reps) by more
than `start`, reaches `min_peak` above rest, and ends when it is back within `end` of rest, or
when it has come down by at least half of its own height and then rises again or stays there:
people hover a few degrees above rest between reps, or do not quite lower. Jitter, fidgets,
wobble in a hold and getting into position are not reps. Every threshold is in degrees and
seconds, so none depends on the frame rate.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from enum import Enum

SETTLE_S = 0.5  # the leg must lie still this long before the first rep can start
BASELINE_TAU_S = 1.3  # how quickly the learned rest follows the leg lying in it
# A body lies lowest at rest: the rest follows a leg lying higher only to this share of the
# `end` level above the lowest rest of the set. A resting body drifts a degree or two in a set;
# a leg hovering between reps, each hover a little above the last, lifted the rest with it
# step by step (6 degrees above the real rest within a minute), and a clean rep coming down
# to the real rest ended at the hover's level, its lowering timed short and faulted.
REST_RISE_SHARE = 0.5
# A rep has ended once the leg came down by this share of its own height and then rises again
# or lies still there (within half the start level) for HOVER_S: a wobble in the hold comes
# down far less.
LOWERED_SHARE = 0.5
HOVER_S = 1.0
# Where the leg lay before it rose: the lower quartile of the readings while it waited in the
# last second (the last few are the slow start of the next lift, and a median of the last five
# read a lift at 30 frames a second as risen from halfway up its first tenth). All of them, not
# only those within `end` of its floor: a leg resting on a hover just above that, for less than
# HOVER_S, left none there, and its lift was timed from the floor (a clean 2 s lift read 3.3 s).
FLOOR_S = 1.0
FLOOR_QUARTILE = 0.25
# A lift and a lowering are timed on their steep middle, where jitter matters least: a person's
# movement from rest to rest is S-shaped (slow out of rest, slow into the top), and every
# reading between BAND and 1 - BAND of the way to the top says how far through that S the
# movement was at its moment. A straight line through those (least squares) gives where the S
# began and ended. Timing at fixed thresholds instead made a 2 s lift read 1.3 s and a 2 s hold
# 2.8 s; timing from the two readings around a quarter and three quarters of the way let one
# reading's jitter stretch or shrink a hold by a third of a second at 5 frames a second.
QUARTER = 0.25
BAND = 0.1
HELD_SHARE = 0.85  # readings this far up from where the rep rose are its hold (see `_held_at`)
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
    # How the foot was turned while the leg was up (the median over the top quarter of the
    # lift): the peak says whether it ever turned too far, this how it was held.
    held_rotation: float | None = None


Sample = tuple[float, float, float | None, float | None]  # t, lift, rotation, side bend


@dataclass
class _Track:
    """A rep under way: its readings from where it left its floor (`low`, above rest)."""

    low: float
    samples: list[Sample] = field(default_factory=list)
    top: int = 0  # the highest reading's index
    bottom: int = 0  # the lowest reading's index since the top
    still: tuple[float, float] | None = None  # since when, and at what lift, it lies still

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)
        last = len(self.samples) - 1
        lift = sample[1]
        if lift > self.samples[self.top][1]:
            self.top = self.bottom = last
            self.still = None
        elif lift < self.samples[self.bottom][1]:
            self.bottom = last

    @property
    def height(self) -> float:
        return self.samples[self.top][1] - self.low

    def lowered_by(self) -> float:
        """How far it came down from its top, as a share of its height."""
        if self.height <= 0:
            return 0.0
        return (self.samples[self.top][1] - self.samples[self.bottom][1]) / self.height


def _higher(previous: float | None, value: float | None) -> float | None:
    if value is None:
        return previous
    return value if previous is None else max(previous, value)


class RepSegmenter:
    def __init__(self, min_peak_deg: float, lowered_share: float = LOWERED_SHARE) -> None:
        """`lowered_share`: how far down from its top, as a share of its height, the leg must
        come before rising again starts a new rep (circles at the top swing it further)."""
        self._min_peak = min_peak_deg
        self.lowered_share = lowered_share
        self._start_above = min_peak_deg / 3
        # Lift and lower are both timed at this level, so their ratio is the tempo's ratio.
        self._end_below = min_peak_deg / 5
        self._hover_band = self._start_above / 2
        self._min_height = 2 * self._start_above  # from a hover: more than a fidget
        self.reset()

    def reset(self) -> None:
        self._phase = _Phase.UNSETTLED
        self._still_since: float | None = None
        self._baseline: float | None = None
        self._lowest = 0.0  # the lowest the rest has been this set
        self._track: _Track | None = None
        self._floor = 0.0  # where the leg waits between reps, above rest
        self._rising: list[Sample] = []  # readings since the leg last lay at its floor
        self._lying: tuple[float, float] | None = None  # above its floor, still: since, where
        self._waited: deque[tuple[float, float]] = deque()  # the last second's readings at rest
        self._last_t: float | None = None
        self._counted = False  # a rep of this set has ended
        self._sinking: tuple[float, float] | None = None  # lying still below rest: since, where
        self._unsettled: float | None = None  # the rest learned first, if a lower one replaced it

    @property
    def in_rep(self) -> bool:
        return self._phase is _Phase.MOVING

    @property
    def settled(self) -> bool:
        """Whether the rest has been learned from the leg lying still."""
        return self._phase is not _Phase.UNSETTLED

    def update(
        self,
        t: float,
        abduction: float,
        rotation: float | None = None,
        side_bend: float | None = None,
    ) -> Rep | None:
        """Feed one reading; returns the rep that this reading completed, if any."""
        dt = 0.0 if self._last_t is None else max(t - self._last_t, 0.0)
        self._last_t = t
        if self._phase is _Phase.UNSETTLED:
            self._settle(t, abduction)
            return None
        assert self._baseline is not None
        sample = (t, abduction - self._baseline, rotation, side_bend)
        if self._phase is _Phase.REST:
            self._wait(sample, abduction, dt)
            return None
        assert self._track is not None
        track = self._track
        track.add(sample)
        lift = sample[1]
        if lift < self._end_below:
            return self._end(len(track.samples) - 1, floor=0.0)  # back at rest
        bottom = track.samples[track.bottom][1]
        if not self._is_rep(track):
            if lift < track.low + self._end_below:  # back where it rose from: a fidget
                return self._end(len(track.samples) - 1, floor=bottom)
            if self._lies_still(track, t, lift):
                # Risen a little and staying there (a hover begun from a jittery reading): the
                # leg waits there, and the next rep rises from it, not from where this began.
                return self._end(len(track.samples) - 1, floor=lift)
            return None
        if track.lowered_by() < self.lowered_share:
            return None
        if lift - bottom > self._start_above:  # rising again: the next rep began at the bottom
            rising = track.samples[track.bottom :]
            rep = self._end(track.bottom, floor=bottom)
            self._begin(rising, bottom)
            return rep
        if self._lies_still(track, t, lift):  # lying still above rest: a hover
            return self._end(track.bottom, floor=bottom)
        return None

    def _lies_still(self, track: _Track, t: float, lift: float) -> bool:
        """Whether the leg has lain within the hover band for HOVER_S, up to this reading."""
        if track.still is None or abs(lift - track.still[1]) > self._hover_band:
            track.still = (t, lift)
            return False
        return t - track.still[0] >= HOVER_S

    def _is_rep(self, track: _Track) -> bool:
        """Whether the track has risen far enough to be a rep, from rest and from its floor."""
        return track.samples[track.top][1] >= self._min_peak and track.height >= self._min_height

    def _wait(self, sample: Sample, abduction: float, dt: float) -> None:
        """A reading between reps: learn the rest as the leg lies there, and start a rep once
        it leaves its floor by more than `start`."""
        assert self._baseline is not None
        lift = sample[1]
        if lift - self._floor > self._start_above:
            # Risen from where it lay at its floor, which may be a little above it: timed from
            # the floor itself, the readings where it lay read as the lift's first tenth.
            self._begin([*self._rising, sample], max(self._floor, self._lay()))
            return
        self._settle_lower(sample[0], abduction, lift)
        self._waited.append((sample[0], lift))
        while self._waited[0][0] < sample[0] - FLOOR_S:
            self._waited.popleft()
        if lift <= self._floor + self._end_below:
            self._rising, self._lying = [sample], None  # at the floor: a rise starts from here
            if lift <= self._end_below:
                self._floor = 0.0
                if lift >= -self._start_above:
                    # The rest drifts a little as the body settles; far below it is a misread
                    # leg, and following it would leave the real rest looking like a lift.
                    follow = 1.0 - math.exp(-dt / BASELINE_TAU_S)
                    highest = self._lowest + REST_RISE_SHARE * self._end_below
                    followed = self._baseline + follow * (abduction - self._baseline)
                    self._baseline = min(followed, max(self._baseline, highest))
                    self._lowest = min(self._lowest, self._baseline)
            else:
                self._floor = min(self._floor, lift)  # sinking slowly from a hover
        elif self._lies_above_floor(sample):
            # Lying still a little above where it came down (a rep ended just within reach
            # of rest, the leg then resting on a hover just above it): it waits there, and the
            # next rep rises from it. Kept as the start of the next lift, the wait was timed
            # as lifting: a 1.8 s lift read 7.8 s.
            self._floor, self._rising = lift, [sample]
        else:
            self._rising.append(sample)

    def _lay(self) -> float:
        """Where the leg lay, at its floor or just above it, just before it rose."""
        if not self._waited:
            return self._floor
        lifts = sorted(lift for _, lift in self._waited)
        return lifts[int(FLOOR_QUARTILE * (len(lifts) - 1))]

    def _lies_above_floor(self, sample: Sample) -> bool:
        """Whether the leg has lain within the hover band for HOVER_S, up to this reading,
        somewhere above its floor."""
        t, lift = sample[0], sample[1]
        if self._lying is None or abs(lift - self._lying[1]) > self._hover_band:
            self._lying = (t, lift)
            return False
        if t - self._lying[0] < HOVER_S:
            return False
        self._lying = None
        return True

    def _settle_lower(self, t: float, abduction: float, lift: float) -> None:
        """Before the set's first rep, a leg lying still well below its learned rest is the
        rest: the rest was learned while the leg was still settling into place (a set begun
        with the leg a few degrees up, sinking slowly as the person relaxed), and every rep
        would read that much short. A leg that then lies still again where the rest was first
        learned was only resting its foot lower for a moment: that rest comes back (else every
        threshold stayed that far off all set). After a rep, a reading far below rest is a
        misread leg."""
        back = self._unsettled is not None and abs(abduction - self._unsettled) <= self._hover_band
        if self._counted or (lift >= -self._start_above and not back):
            self._sinking = None
        elif self._sinking is None or abs(abduction - self._sinking[1]) > self._hover_band:
            self._sinking = (t, abduction)
        elif t - self._sinking[0] >= SETTLE_S:
            if self._unsettled is None:
                self._unsettled = self._baseline
            elif back:
                self._unsettled = None
            self._baseline, self._floor, self._sinking = abduction, 0.0, None
            self._lowest = abduction

    def _begin(self, samples: list[Sample], low: float) -> None:
        self._phase = _Phase.MOVING
        self._track = _Track(low=low)
        for sample in samples:
            self._track.add(sample)
        self._rising, self._lying = [], None

    def _end(self, last: int, floor: float) -> Rep | None:
        """The track's rep, up to its reading `last`; the leg then waits at `floor`."""
        track, self._track = self._track, None
        assert track is not None
        self._phase, self._floor = _Phase.REST, floor
        self._waited.clear()
        self._rising = [track.samples[-1]]
        rep = self._finish(track, last, floor)
        self._counted = self._counted or rep is not None
        return rep

    def close(self) -> Rep | None:
        """The readings stop (the person turned round to the other leg, or the recording
        ended): a rep whose lowering has passed the level it is timed at ends as it stands;
        one stopped short of that cannot be timed, and is dropped."""
        track, self._track = self._track, None
        self._phase = _Phase.REST if self._phase is _Phase.MOVING else self._phase
        if track is None or not track.samples:
            return None
        if track.lowered_by() < 1 - QUARTER:
            return None
        return self._finish(track, len(track.samples) - 1, track.low)

    def _settle(self, t: float, abduction: float) -> None:
        if self._baseline is None or abs(abduction - self._baseline) > self._start_above / 2:
            self._baseline, self._still_since = abduction, t
        elif self._still_since is not None and t - self._still_since >= SETTLE_S:
            self._phase, self._lowest = _Phase.REST, self._baseline
            self._rising = []

    def _finish(self, track: _Track, last: int, end_level: float) -> Rep | None:
        """The rep in the track's readings up to `last`: it rose from `track.low` and came down
        to `end_level` (above rest)."""
        samples = track.samples[: last + 1]
        times = [t for t, *_ in samples]
        lifts = _median_of_three([lift for _, lift, *_ in samples])
        peak = max(lifts)
        top = lifts.index(peak)
        if peak < self._min_peak or peak - track.low < self._min_height:
            return None
        held = _held_at([lift for _, lift, *_ in samples], track.low, peak)
        lift_from, lift_to = _movement(times[: top + 1], lifts[: top + 1], track.low, held)
        back = len(lifts) - top
        lower_from, lower_to = _movement(times[::-1][:back], lifts[::-1][:back], end_level, held)
        lower_from, lower_to = lower_to, lower_from  # measured backwards from the end
        rotation = side_bend = None
        for _, _, turned, bent in samples:
            rotation, side_bend = _higher(rotation, turned), _higher(side_bend, bent)
        left = next(i for i, lift in enumerate(lifts) if lift > track.low + self._end_below)
        return Rep(
            start=times[left],
            end=times[-1],
            peak_angle=peak + (self._baseline or 0.0),
            lift_s=max(lift_to - lift_from, 0.0),
            hold_s=max(lower_from - lift_to, 0.0),
            lower_s=max(lower_to - lower_from, 0.0),
            peak_rotation=rotation,
            peak_side_bend=side_bend,
            held_rotation=_held(samples, lifts, track.low, peak),
        )


def _held(samples: list[Sample], lifts: list[float], low: float, peak: float) -> float | None:
    """The foot's median turn over the readings in the top quarter of the lift from `low`."""
    turned = [
        sample[2]
        for sample, lift in zip(samples, lifts, strict=True)
        if sample[2] is not None and lift >= low + (1 - QUARTER) * (peak - low)
    ]
    return statistics.median(turned) if turned else None


def _held_at(lifts: list[float], low: float, peak: float) -> float:
    """The level the leg was held at: the median of the readings near the top. The highest
    reading is the hold's level plus its jitter's tallest spike; timed against it, the lift
    reached the top late and the lowering left it early, and a pose model's 2 s hold read
    0.15 s short on average, a third of a second at worst."""
    near_top = [lift for lift in lifts if lift >= low + HELD_SHARE * (peak - low)]
    return statistics.median(near_top) if len(near_top) >= 3 else peak


def _median_of_three(lifts: list[float]) -> list[float]:
    """Each reading with its neighbours' median: one jittery frame at the top would otherwise
    raise the peak, and with it the levels the lift and lowering are timed at."""
    if len(lifts) < 3:
        return lifts
    middle = [sorted(lifts[i - 1 : i + 2])[1] for i in range(1, len(lifts) - 1)]
    return [lifts[0], *middle, lifts[-1]]


def _movement(
    times: list[float], lifts: list[float], low: float, peak: float
) -> tuple[float, float]:
    """When a movement from `low` towards the peak began and ended (`times` run towards the
    peak, forwards or backwards): the S-shape through its readings in the steep middle, or,
    with none there, through the two readings either side of it, or else through where it
    passed a quarter and three quarters of the way. Only the readings before it first came
    near the peak: later dips (circles drawn at the top, a wobbling hold) are not the
    movement, and fitted through they stretched a circled lift to a minute."""
    height = peak - low
    arrived = next(
        (i for i, lift in enumerate(lifts) if lift - low > (1 - BAND) * height), len(lifts) - 1
    )
    through = [
        (t, _through_s(lift, low, height))
        for t, lift in zip(times[: arrived + 1], lifts[: arrived + 1], strict=True)
        if height > 0 and BAND * height <= lift - low <= (1 - BAND) * height
    ]
    if len({t for t, _ in through}) < 2:
        (quarter, after), (three_quarters, after_three) = (
            _crossing(times, lifts, low + share * height) for share in (QUARTER, 1 - QUARTER)
        )
        if height > 0 and not through and after == after_three and after > 0:
            # Two readings straddle the whole movement (the camera stalled through it): the S
            # through those two. Drawn straight across the gap instead, a 1.1 s drop hidden in
            # a 1 s stall read 1.65 s, begun before the leg was last seen up, and its hold short.
            before, beyond = (_through_s(lifts[i], low, height) for i in (after - 1, after))
            if beyond > before:
                per_s = (beyond - before) / (times[after] - times[after - 1])
                return _s_span(times[after - 1], before, per_s)
        half_length = (three_quarters - quarter) / MIDDLE_HALF_TIME_SHARE / 2
        middle = (quarter + three_quarters) / 2
        return middle - half_length, middle + half_length
    mean_t = statistics.fmean(t for t, _ in through)
    mean_share = statistics.fmean(share for _, share in through)
    spread = sum((t - mean_t) ** 2 for t, _ in through)
    per_s = sum((t - mean_t) * (share - mean_share) for t, share in through) / spread
    if per_s == 0:
        return mean_t, mean_t
    return _s_span(mean_t, mean_share, per_s)


def _through_s(lift: float, low: float, height: float) -> float:
    """How far through the S from `low` to `low + height` a reading at `lift` is, 0 to 1: the
    S is half a cosine, so its steep middle is where a reading tells the time best."""
    return math.acos(1 - 2 * min(max((lift - low) / height, 0.0), 1.0)) / math.pi


def _s_span(t: float, share: float, per_s: float) -> tuple[float, float]:
    """When an S that was `share` of the way through at `t`, moving `per_s` a second, began
    and ended."""
    began = t - share / per_s
    return began, began + 1 / per_s


def _crossing(times: list[float], lifts: list[float], level: float) -> tuple[float, int]:
    """The first time the angle reaches `level`, between the two readings around it, and the
    index of the reading after it (0 if none reached it)."""
    for i in range(1, len(lifts)):
        if lifts[i] >= level:
            before, after = lifts[i - 1], lifts[i]
            share = (level - before) / (after - before) if after > before else 1.0
            return times[i - 1] + share * (times[i] - times[i - 1]), i
    return times[-1], 0
