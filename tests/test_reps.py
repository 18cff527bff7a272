import math

import numpy as np
import pytest

from coach.core.reps import RepSegmenter

FPS = 15


def _rep(peak, lift=2.0, hold=2.0, lower=4.0, rest_before=1.5, rest_after=1.0, base=0.0):
    """Samples of one smooth rep, as (t, angle), with rest around it."""

    def ease(x):
        return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0), 1))

    total = rest_before + lift + hold + lower + rest_after
    samples = []
    for i in range(int(total * FPS)):
        t = i / FPS - rest_before
        if t < 0:
            up = 0.0
        elif t < lift:
            up = ease(t / lift)
        elif t < lift + hold:
            up = 1.0
        else:
            up = 1.0 - ease((t - lift - hold) / lower)
        samples.append((i / FPS, base + peak * up))
    return samples


def _run(segmenter, samples, offset=0.0):
    return [r for t, a in samples if (r := segmenter.update(t + offset, a)) is not None]


def test_a_clean_rep_is_counted_once_with_its_tempo():
    reps = _run(RepSegmenter(15), _rep(30))
    assert len(reps) == 1
    rep = reps[0]
    assert rep.peak_angle == pytest.approx(30, abs=0.5)
    assert rep.lower_s / rep.lift_s == pytest.approx(2.0, abs=0.25)
    assert 2.0 <= rep.hold_s <= 3.5


def test_a_fast_drop_shows_in_the_lower_time():
    rep = _run(RepSegmenter(15), _rep(30, lower=1.0))[0]
    assert rep.lower_s < rep.lift_s


def test_wobble_below_the_minimum_is_not_a_rep():
    assert _run(RepSegmenter(15), _rep(12)) == []


def test_getting_into_position_is_not_a_rep():
    segmenter = RepSegmenter(15)
    settling = [(i / FPS, 40 * (1 - i / 20)) for i in range(20)]  # leg coming down into place
    assert _run(segmenter, settling) == []
    assert len(_run(segmenter, _rep(30), offset=2.0)) == 1


def test_rest_slightly_off_zero_is_learned():
    reps = _run(RepSegmenter(15), _rep(25, base=-4.0))
    assert len(reps) == 1
    assert reps[0].peak_angle == pytest.approx(21, abs=0.5)


def test_jitter_around_the_start_level_makes_no_extra_reps():
    segmenter = RepSegmenter(15)
    jitter = [(i / FPS, 4.0 + (1.5 if i % 2 else -1.5)) for i in range(60)]
    assert _run(segmenter, jitter) == []
    samples = _rep(30) + _rep(30)
    timed = [(i / FPS, a) for i, (_, a) in enumerate(samples)]
    assert len(_run(segmenter, timed, offset=4.0)) == 2


def test_peak_rotation_is_kept_with_the_rep():
    segmenter = RepSegmenter(15)
    rotation = iter([0.0] * 30 + [20.0] * 200)
    reps = [r for t, a in _rep(30) if (r := segmenter.update(t, a, next(rotation))) is not None]
    assert reps[0].peak_rotation == 20.0


@pytest.mark.parametrize(
    ("peak", "lift", "hold", "lower"),
    [(45, 2.0, 2.0, 4.0), (30, 1.0, 0.0, 1.0), (60, 3.0, 5.0, 6.0), (20, 1.5, 1.0, 0.6)],
)
def test_lift_hold_and_lower_are_timed_as_the_person_moved(peak, lift, hold, lower):
    """From leaving rest to reaching the top, at the top, from leaving the top to rest: each
    within 0.2 s of what was done, with marker jitter on every reading."""
    rng = np.random.default_rng(5)
    samples = [(t, a + rng.normal(0, 0.3)) for t, a in _rep(peak, lift, hold, lower)]
    (rep,) = _run(RepSegmenter(15), samples)
    assert rep.lift_s == pytest.approx(lift, abs=0.2)
    assert rep.hold_s == pytest.approx(hold, abs=0.2)
    assert rep.lower_s == pytest.approx(lower, abs=0.2)


def test_a_rep_that_rises_again_at_once_starts_when_it_rises_not_with_the_rep_before():
    # The leg touches down for one frame between two lifts (a bounce, or one frame misread),
    # then rises again straight away, never lying still below the end level.
    first = [(t, a) for t, a in _rep(30, rest_after=0.0) if t < 3.5 or a > 3.5]
    second = [(t, a) for t, a in _rep(30, rest_before=0.0) if a > 3.5 or t > 4.0]
    bounce_at = first[-1][0] + 1 / FPS
    segmenter = RepSegmenter(15)
    reps = _run(segmenter, [*first, (bounce_at, 1.0)])
    reps += _run(segmenter, second, offset=bounce_at + 1 / FPS)
    assert len(reps) == 2
    assert reps[1].start > reps[0].end


def test_readings_that_stop_near_the_end_of_the_lowering_still_count_the_rep():
    # The recording stops (or the person turns round) as the leg comes to rest.
    samples = [(t, a) for t, a in _rep(30, rest_after=0.0) if t < 8.5]  # down to 4 degrees
    segmenter = RepSegmenter(15)
    assert _run(segmenter, samples) == []
    rep = segmenter.close()
    assert rep is not None and rep.peak_angle == pytest.approx(30.0, abs=0.5)
    assert rep.lower_s == pytest.approx(4.0, abs=0.6)


def test_readings_that_stop_at_the_top_count_no_rep():
    samples = [(t, a) for t, a in _rep(30) if t < 4.0]  # the lift and part of the hold
    segmenter = RepSegmenter(15)
    assert _run(segmenter, samples) == []
    assert segmenter.close() is None


def test_a_misread_leg_far_below_rest_does_not_become_the_rest():
    """A few seconds of a wrong reading below the leg (a spot elsewhere taken for the ankle)
    must not move the rest there: the real rest would then look like a lift that never ends,
    and every rep after it would go uncounted."""
    segmenter = RepSegmenter(15)
    misread = [(i / FPS, -11.5) for i in range(40)]
    samples = _rep(30) + misread + _rep(30) + _rep(30)
    timed = [(i / FPS, a) for i, (_, a) in enumerate(samples)]
    assert len(_run(segmenter, timed)) == 3


def _ease(x: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0.0), 1.0))


def _session(reps, fps=FPS, wait=2.0, fidgets=()):
    """Reps as (peak, end level, lift, hold, lower), each rising from where the last ended and
    waiting `wait` s there before the next; `fidgets`: (when, degrees) twitches while waiting.
    Returns the samples and each rep's (start, lift, hold, lower)."""
    plan, t, low = [], 1.5, 0.0
    for peak, end, lift, hold, lower in reps:
        plan.append((t, low, peak, end, lift, hold, lower))
        t, low = t + lift + hold + lower + wait, end

    def angle(at: float) -> float:
        level = 0.0
        for start, low, peak, end, lift, hold, lower in plan:
            if at < start:
                break
            x = at - start
            if x < lift:
                level = low + (peak - low) * _ease(x / lift)
            elif x < lift + hold:
                level = peak
            else:
                level = end + (peak - end) * (1 - _ease((x - lift - hold) / lower))
        for when, size in fidgets:
            if 0 <= at - when < 0.8:
                level += size * math.sin(math.pi * (at - when) / 0.8)
        return level

    samples = [(i / fps, angle(i / fps)) for i in range(int(t * fps))]
    return samples, [(p[0], p[4], p[5], p[6]) for p in plan]


def test_a_leg_hovering_above_rest_between_reps_still_ends_each_rep():
    """A rep ended only within 3 degrees of rest: three reps with the leg waiting 4.5 degrees up
    between them were read as one 12 s rep."""
    samples, _ = _session([(30, 4.5, 2, 2, 4)] * 3)
    assert len(_run(RepSegmenter(15), samples)) == 3


def test_reps_not_quite_lowered_and_lifted_again_are_each_counted_and_timed():
    samples, done = _session([(30, 10, 2, 2, 4), (32, 12, 1.5, 3, 3), (28, 0, 2, 2, 4)], wait=0)
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 3
    for rep, (_, lift, hold, lower) in zip(reps, done, strict=True):
        assert rep.lift_s == pytest.approx(lift, abs=0.25)
        assert rep.hold_s == pytest.approx(hold, abs=0.25)
        assert rep.lower_s == pytest.approx(lower, abs=0.25)


def test_fidgets_at_a_hover_are_no_reps_and_do_not_stretch_the_next_lift():
    samples, _ = _session([(30, 5, 2, 2, 4)] * 2, wait=6.0, fidgets=[(11.0, 6.0), (13.0, 7.0)])
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 2
    assert reps[1].lift_s == pytest.approx(2.0, abs=0.25)


def test_a_long_hold_and_a_pause_at_rest_are_one_rep_each():
    samples, _ = _session([(30, 0, 2, 8, 4), (30, 0, 2, 2, 4)], wait=10.0)
    reps = _run(RepSegmenter(15), samples)
    assert [round(r.hold_s) for r in reps] == [8, 2]


@pytest.mark.parametrize("fps", [5, 8, 10, 15, 30])
def test_reps_are_timed_alike_at_any_frame_rate(fps):
    samples, done = _session([(30, 0, 2, 2, 4), (25, 5, 1.5, 2.5, 3), (35, 0, 2, 3, 4)], fps=fps)
    rng = np.random.default_rng(fps)
    reps = _run(RepSegmenter(15), [(t, a + rng.normal(0, 0.3)) for t, a in samples])
    assert len(reps) == 3
    for rep, (_, lift, hold, lower) in zip(reps, done, strict=True):
        assert rep.hold_s == pytest.approx(hold, abs=0.25)
        assert rep.lift_s == pytest.approx(lift, abs=0.3)
        assert rep.lower_s == pytest.approx(lower, abs=0.3)


@pytest.mark.parametrize("stall_from", [0.0, 0.05, 0.1])
def test_a_drop_the_camera_stalled_through_is_timed_within_the_stall(stall_from):
    """A busy Pi gives no frame for a second, just as the leg drops in 1.1 s after its 2.3 s
    hold: the readings either side show it up, then down. Drawn straight across the gap, the
    drop read 1.65 s begun before the leg was last seen up, and the hold 1.9 to 2.0 s."""
    samples, _ = _session([(34, 0, 1.7, 2.3, 1.1)], fps=10)
    dropped = 1.5 + 1.7 + 2.3 + stall_from
    seen = [(t, a) for t, a in samples if not dropped <= t < dropped + 1.0]
    (rep,) = _run(RepSegmenter(15), seen)
    assert rep.hold_s == pytest.approx(2.3, abs=0.25)
    assert rep.lower_s == pytest.approx(1.1, abs=0.3)


def test_a_set_begun_before_the_leg_has_settled_learns_the_rest_where_it_lies():
    """In pose mode the first readings of a set are against the trunk's line, until the
    body's own rest line has been seen; then they drop by the model's bias (8 degrees here),
    and a leg still settling into place sinks a few more. The rest learned in the first half
    second stayed there, and a 20 degree rep read 12 degrees and went uncounted."""
    before = [(i / FPS, 8.0) for i in range(FPS)]
    settling = [(1 + i / FPS, -3.0 * _ease(i / FPS / 1.5)) for i in range(3 * FPS)]
    rep = [(t + 4.0, a - 3.0) for t, a in _rep(20)]
    reps = _run(RepSegmenter(15), before + settling + rep)
    assert len(reps) == 1
    assert reps[0].peak_angle == pytest.approx(17, abs=1.0)


def test_a_foot_rested_lower_for_a_moment_before_the_first_rep_leaves_the_rest_where_it_was():
    """Before the first rep the leg lies 6 degrees lower for a second, then back where it lay:
    the rest followed it down and stayed there, and a 12 degree fidget between two reps was
    counted as a rep."""
    lying = [(i / FPS, 0.0) for i in range(FPS)]
    lower = [(1 + i / FPS, -6.0) for i in range(FPS)]
    back = [(2 + i / FPS, 0.0) for i in range(2 * FPS)]
    first = [(t + 4.0, a) for t, a in _rep(30)]
    fidget = [(t + 15.0, a) for t, a in _rep(12, lift=1.0, hold=0.5, lower=1.0)]
    second = [(t + 21.0, a) for t, a in _rep(30)]
    reps = _run(RepSegmenter(15), lying + lower + back + first + fidget + second)
    assert [round(r.peak_angle) for r in reps] == [30, 30]


def test_a_jittery_reading_at_a_hover_does_not_start_a_rep_that_swallows_the_wait():
    """The leg hovers about 3.5 degrees up; one reading dips to rest level and the next jumps
    to 8.5. That rise began a rep from rest that waited at the hover and joined the next lift,
    timed as a 13 s lift."""
    samples, done = _session([(30, 3.5, 2, 2, 4), (30, 0, 2, 2, 4)], wait=6.0)
    hover = [i for i, (t, _) in enumerate(samples) if 10.0 <= t < 14.0]
    samples[hover[0]] = (samples[hover[0]][0], 2.5)
    samples[hover[1]] = (samples[hover[1]][0], 8.5)
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 2
    assert reps[1].lift_s == pytest.approx(done[1][1], abs=0.25)


def test_a_leg_waiting_just_above_the_end_level_does_not_stretch_the_next_lift():
    """A rep comes down to 3.4 degrees, one jittery reading dipping under the 3 degrees that
    end a rep at rest, and the leg waits there 3 s before the next lift: the wait was kept as
    the start of that lift, and a 1.8 s lift read 7.8 s (lifted too slowly to be a fault,
    but its lowering then read as too quick for it)."""
    samples, done = _session([(30, 3.4, 2, 2, 4), (28, 0, 1.8, 2, 4)], wait=3.0)
    ending = [i for i, (t, a) in enumerate(samples) if t >= 9.5 and a < 3.6]
    samples[ending[0]] = (samples[ending[0]][0], 2.5)
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 2
    assert reps[1].lift_s == pytest.approx(done[1][1], abs=0.3)


@pytest.mark.parametrize("fps", [5, 15])
def test_a_lift_from_a_leg_resting_just_within_reach_of_rest_is_timed_from_there(fps):
    """The leg rests 2.8 degrees up between reps, within the 3 degrees that count as rest:
    the next lift was timed as if it rose from rest itself, and the readings at 2.8 degrees
    read as its first tenth, so a 2 s lift read 3.6 s and its 2 s hold 1.4 s (no hold)."""
    samples, done = _session([(30, 2.8, 2, 2, 4), (28, 0, 2, 2, 4)], fps=fps, wait=2.5)
    rng = np.random.default_rng(fps)
    reps = _run(RepSegmenter(15), [(t, a + rng.normal(0, 0.3)) for t, a in samples])
    assert len(reps) == 2
    assert reps[1].lift_s == pytest.approx(done[1][1], abs=0.3)
    assert reps[1].hold_s == pytest.approx(done[1][2], abs=0.3)


@pytest.mark.parametrize("fps", [5, 15])
def test_hovers_each_a_little_higher_do_not_carry_the_rest_up_with_them(fps):
    """Between reps the leg waits 2.5, then 5, then 7.5 degrees up, each within reach of the
    rest as last learned: the rest followed each hover up, and a clean rep coming down to the
    real rest ended at 10 degrees, its 4 s lowering read as 2.7 s (too quick)."""
    plan = [(30, 2.5, 2, 2, 4), (30, 5.0, 2, 2, 4), (30, 7.5, 2, 2, 4), (30, 0, 2, 2, 4)]
    samples, done = _session(plan, fps=fps, wait=4.0)
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 4
    assert reps[-1].lower_s == pytest.approx(done[-1][3], abs=0.4)
    assert reps[-1].peak_angle == pytest.approx(30.0, abs=2.0)


@pytest.mark.parametrize("fps", [5, 15])
def test_a_lift_from_a_short_wait_just_above_the_end_level_is_timed_from_there(fps):
    """The leg comes down to 3.3 degrees, one reading dipping under the 3 that end a rep at
    rest, and lifts again after 0.6 s: too short a wait to be taken as a hover, the lift was
    timed from rest, and a 2 s lift read 3.3 s."""
    samples, done = _session([(30, 3.3, 2, 2, 4), (30, 0, 2, 2, 4)], fps=fps, wait=0.6)
    ending = [i for i, (t, a) in enumerate(samples) if t >= 9.0 and a < 3.5]
    samples[ending[0]] = (samples[ending[0]][0], 2.9)
    reps = _run(RepSegmenter(15), samples)
    assert len(reps) == 2
    assert reps[1].lift_s == pytest.approx(done[1][1], abs=0.3)
    assert reps[1].hold_s == pytest.approx(done[1][2], abs=0.3)
