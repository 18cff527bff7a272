"""The pure pieces that keep an echo canceller's reference on the echo: the speaker's clock
against the microphone's, the echo's lag, and the check that the canceller is cancelling.
All on synthetic signals, so the true drift, lag and echo removal are known exactly."""

import numpy as np

from coach.core.alignment import JUMP_PERIODS, Lag, LagFollower, PlayoutClock, echo_lag
from coach.core.echo_check import LONG_PERIODS, SHORT_PERIODS, EchoCheck
from coach.core.played import PlayedSamples
from coach.core.resample import cubic_at

RATE = 16000
PERIOD = 320
PACKET = 16


def usb_reports(ppm, seconds, rng, start=5000.0):
    """(microphone count, reported speaker position) each period, from a speaker `ppm`
    faster, its position known only to a USB packet and jittering by one either way."""
    for k in range(1, int(seconds * RATE / PERIOD) + 1):
        count = k * PERIOD
        true = start + count * (1 + ppm * 1e-6)
        reported = PACKET * np.floor(true / PACKET) + PACKET * rng.integers(-1, 2)
        yield count, float(reported), true


def followed(ppm, seconds, rng, echo=lambda count: None):
    """A clock fed a drifting speaker's USB reports and, where `echo(count)` gives one, the
    echo's (count, place); per period, the position handed out less the true one, and the
    ratio in ppm."""
    clock = PlayoutClock(memory=60 * RATE, rate=RATE)
    offsets, ratios = [], []
    for count, reported, true in usb_reports(ppm, seconds, rng):
        clock.observe(count, reported, PERIOD)
        if (heard := echo(count)) is not None:
            clock.observe_echo(*heard)
        offsets.append(clock.position(count) - true)
        ratios.append((clock.ratio - 1) * 1e6)
    return np.array(offsets), ratios


def test_the_clock_learns_the_drift_and_moves_the_reference_smoothly():
    offsets, ratios = followed(-200.0, 60.0, np.random.default_rng(1))
    assert abs(ratios[-1] - -200.0) < 5.0
    # Each period moves the reference by the drifted period (its offset from the truth holds
    # still over the last 20 s), never by the packets' jitter.
    assert np.max(np.abs(np.diff(offsets[-1000:]))) < 0.05
    offset = offsets[-1000:]
    assert np.ptp(offset) < 2.0  # a steady offset, which the canceller's filter absorbs
    assert abs(np.mean(offset)) < 2 * PACKET


def test_a_jump_in_the_speakers_position_is_followed_but_one_odd_report_is_not():
    rng = np.random.default_rng(2)
    clock = PlayoutClock(memory=60 * RATE, rate=RATE)
    reports = list(usb_reports(0.0, 20.0, rng))
    for count, reported, _ in reports:
        clock.observe(count, reported, PERIOD)
    count, reported, true = reports[-1]
    clock.observe(count + PERIOD, reported + PERIOD + 900, PERIOD)  # one odd report
    assert abs(clock.position(count + PERIOD) - (true + PERIOD)) < 2 * PACKET
    for k in range(2, JUMP_PERIODS + 2):  # an underrun: the speaker is 800 samples behind
        clock.observe(count + k * PERIOD, reported + k * PERIOD - 800, PERIOD)
    later = count + (JUMP_PERIODS + 1) * PERIOD
    assert abs(clock.position(later) - (true + (JUMP_PERIODS + 1) * PERIOD - 800)) < 2 * PACKET


def test_the_echos_places_give_the_drift_within_two_seconds_of_the_coachs_voice():
    # The reports alone give the rate only after six seconds (the packets' jitter), and the
    # position wandered by several samples meanwhile: the canceller's filter could not settle.
    rng = np.random.default_rng(4)

    def echo(count):
        if count < 12000 or count % 8000 >= PERIOD:
            return None  # the lag is estimated every half second of the coach's voice
        middle = count - 6000.0
        place = 5000.0 + middle * (1 - 200e-6) - 300.0 + rng.normal(0, 0.2)
        return middle, place + (900.0 if count == 28000 else 0.0)  # a person talking, once

    offsets, ratios = followed(-200.0, 8.0, rng, echo)
    found = round(2.5 * RATE / PERIOD)  # 2.5 s in, under two seconds of the echo's lag
    assert max(abs(ppm + 200.0) for ppm in ratios[found:]) < 15.0
    assert np.ptp(offsets[found:]) < 1.0  # then it holds still on the echo


def test_a_speaker_on_the_microphones_clock_is_followed_by_its_exact_reports_not_the_echo():
    # One card reports its place exactly; following the echo's rougher places instead moved
    # the reference by fractions of a sample, and "it hurts" said over the coach was missed.
    rng = np.random.default_rng(6)
    clock = PlayoutClock(memory=60 * RATE, rate=RATE)
    offsets = []
    for k in range(1, 8 * RATE // PERIOD):
        count = k * PERIOD
        clock.observe(count, 5000.0 + count, PERIOD)
        if count % 8000 < PERIOD:
            clock.observe_echo(count - 6000.0, count - 1000.0 + rng.normal(0, 0.3))
        offsets.append(clock.position(count) - (5000.0 + count))
    assert np.max(np.abs(offsets)) < 0.01


def room_echo(reference, lag, rng):
    """`reference` heard `lag` samples late with two reflections, a tail and hiss."""
    response = np.zeros(lag + 2400)
    response[lag] = 0.8
    response[lag + 90] = -0.3
    response[lag + 400] = 0.2
    tail = np.arange(2000)
    response[lag + 1 : lag + 2001] += 0.03 * np.exp(-tail / 400) * rng.normal(size=2000)
    echo = np.convolve(reference, response)[: len(reference)]
    return echo + rng.normal(0, 0.01 * np.std(reference), len(reference))


def test_the_echos_lag_is_found_through_reflections_and_a_tail():
    rng = np.random.default_rng(3)
    speech_like = np.convolve(rng.normal(size=12000), np.ones(8) / 8, mode="same")
    for lag in (0, 333, 1900):
        found = echo_lag(speech_like, room_echo(speech_like, lag, rng), longest=4000)
        assert found is not None and abs(found.samples - lag) < 0.5 and found.strength > 8
    assert echo_lag(np.zeros(12000), rng.normal(size=12000), longest=4000) is None


def test_the_lag_jumps_only_when_estimates_agree_and_by_what_it_moved_since_just_before():
    follower = LagFollower(agree=3)
    assert follower.update(Lag(400, 30.0)) is None and follower.lag is None
    assert follower.update(Lag(402, 30.0)) is None
    assert follower.update(Lag(401, 30.0)) == 401 and follower.lag == 401  # found
    assert follower.update(Lag(1500, 30.0)) is None  # a person talking over the coach, once
    assert follower.update(Lag(1200, 3.0)) is None  # a weak peak counts for nothing
    assert follower.update(Lag(402.5, 30.0)) is None and follower.lag == 401
    for settling in (403.0, 403.5, 403.2):  # the clock's fit settles: noted, not acted on
        assert follower.update(Lag(settling, 30.0)) is None
    assert follower.lag == 403.2
    assert follower.update(Lag(1403.0, 30.0)) is None
    assert follower.update(Lag(1403.4, 30.0)) is None
    jumped = follower.update(Lag(1403.1, 30.0))  # latency jumped by a thousand samples
    assert jumped is not None and abs(jumped - 999.9) < 1e-9


def test_the_lag_is_found_to_a_fraction_of_a_sample():
    rng = np.random.default_rng(7)
    speech_like = np.convolve(rng.normal(size=12000), np.ones(8) / 8, mode="same")
    t = np.arange(len(speech_like), dtype=np.float64)
    late = cubic_at(speech_like, t - 700.4)  # heard 700.4 samples late
    found = echo_lag(speech_like, late, longest=2000)
    assert found is not None and abs(found.samples - 700.4) < 0.15
    # Earlier than the reference (latency fell after the reference was moved): found as well,
    # the correlation's far end holding the earlier lags without their wrapping onto later ones.
    early = cubic_at(speech_like, t + 1500.6)
    found = echo_lag(speech_like, early, longest=2000, earliest=1600)
    assert found is not None and abs(found.samples + 1500.6) < 0.15


def periods_with_erle(erle_db, count, rng, level=3000.0):
    for _ in range(count):
        reference = rng.normal(0, level, PERIOD)
        microphone = 0.7 * reference + rng.normal(0, 10, PERIOD)
        output = microphone * 10 ** (-erle_db / 20)
        yield microphone, output, reference


def test_the_self_check_hands_over_when_cancellation_collapses_and_comes_back():
    rng = np.random.default_rng(4)
    check = EchoCheck()
    verdicts = [check.update(*p) or check.cancelling for p in periods_with_erle(25, 99, rng)]
    assert not any(verdicts)  # two seconds of the coach's voice before it is trusted
    assert check.update(*next(periods_with_erle(25, 1, rng))) and check.cancelling
    # Silence from the speaker says nothing either way.
    for _ in range(200):
        check.update(rng.normal(0, 30, PERIOD), rng.normal(0, 30, PERIOD), np.zeros(PERIOD))
    assert check.cancelling
    # A latency jump: nothing is taken out. Noticed within the short window.
    collapsed = [check.update(*p) for p in periods_with_erle(0.5, SHORT_PERIODS, rng)]
    assert any(collapsed) and not check.cancelling and check.handed_over == 1
    # Cancelling again (re-aligned): trusted once most of both windows say so.
    until = next(
        k for k, p in enumerate(periods_with_erle(25, LONG_PERIODS, rng)) if check.update(*p)
    )
    assert SHORT_PERIODS // 2 <= until < LONG_PERIODS
    assert check.cancelling and 20 < check.erle_db < 30


def test_a_person_talking_over_the_coach_is_not_taken_for_failed_cancellation():
    rng = np.random.default_rng(5)
    check = EchoCheck()
    for p in periods_with_erle(30, LONG_PERIODS, rng):
        check.update(*p)
    assert check.cancelling
    for microphone, output, reference in periods_with_erle(30, 40, rng):  # 0.8 s of "stop"
        voice = rng.normal(0, 660, PERIOD)  # 10 dB below the echo, far above what is left
        check.update(microphone + voice, output + voice, reference)
        assert check.cancelling


def trusted_then_realigned(rng):
    check = EchoCheck()
    for p in periods_with_erle(25, LONG_PERIODS, rng):
        check.update(*p)
    assert check.cancelling
    check.forget()  # the latency jumped and the reference was re-aligned
    return check


def looking_like_double_talk(periods, rng, share=0.6):
    """Just after a re-alignment most periods' microphone is louder against the reference
    than usual, as if a person were talking: only about two in five pass that filter."""
    for microphone, output, reference in periods:
        louder = 2.0 if rng.random() < share else 1.0
        yield louder * microphone, louder * output, reference


def test_re_aligned_with_its_filter_intact_it_is_trusted_within_a_second_of_the_coachs_voice():
    rng = np.random.default_rng(8)
    check = trusted_then_realigned(rng)
    back = periods_with_erle(22, LONG_PERIODS, rng)
    until = next(k for k, p in enumerate(looking_like_double_talk(back, rng)) if check.update(*p))
    assert until < 2 * SHORT_PERIODS and check.cancelling  # it waited 11-18 s for the long one
    # Trusted on the short window, it still notices the next collapse at once.
    collapsed = [check.update(*p) for p in periods_with_erle(0.5, SHORT_PERIODS, rng)]
    assert any(collapsed) and check.collapsed and not check.cancelling


def test_re_aligned_but_not_cancelling_well_enough_it_is_never_trusted():
    rng = np.random.default_rng(9)
    check = trusted_then_realigned(rng)
    for p in looking_like_double_talk(periods_with_erle(12, 5 * LONG_PERIODS, rng), rng):
        check.update(*p)
        assert not check.cancelling
    # A canceller that hardly cancels, then briefly better: the re-alignment's grace is over.
    check = trusted_then_realigned(rng)
    for p in periods_with_erle(3, LONG_PERIODS, rng):
        check.update(*p)
    verdicts = [check.update(*p) or check.cancelling for p in periods_with_erle(25, 45, rng)]
    assert not any(verdicts)


def test_a_canceller_that_never_gets_good_enough_is_never_trusted():
    rng = np.random.default_rng(6)
    check = EchoCheck()
    for p in periods_with_erle(9, 10 * LONG_PERIODS, rng):
        check.update(*p)
    assert not check.cancelling and 8 < check.erle_db < 10


def test_fractional_reading_is_accurate_where_speech_has_its_energy():
    t = np.arange(4000) / RATE
    places = np.arange(10, 3900) + 0.37
    for hz in (300, 1000, 2000):
        read = cubic_at(np.sin(2 * np.pi * hz * t), places)
        exact = np.sin(2 * np.pi * hz * places / RATE)
        assert 10 * np.log10(np.mean((read - exact) ** 2) / np.mean(exact**2)) < -40
    assert not cubic_at(np.ones(10), np.array([-3.0, 12.0])).any()  # outside: silence


def test_played_samples_are_read_at_fractional_places_within_what_is_kept():
    played = PlayedSamples(capacity=100)
    played.wrote(np.arange(0, 150, dtype=np.int16))  # 50..149 kept
    assert np.allclose(played.at(np.array([60.0, 60.5, 148.0])), [60.0, 60.5, 148.0])
    assert not played.at(np.array([10.0, 160.0])).any()  # forgotten, or not yet written


def test_a_night_without_the_coachs_voice_never_jolts_the_reference():
    # The service listens all night with the coach silent. The echo's line, found in the
    # evening, faded on every report until its sums were too small to divide: past 12 hours
    # the position handed out stepped by a whole packet or more (and at a weight of exactly
    # zero would have raised), so the first words of the morning met a misplaced reference.
    rng = np.random.default_rng(4)
    clock = PlayoutClock(memory=60 * RATE, rate=RATE)
    speaker = 5000.0
    for count, reported, speaker in usb_reports(-200.0, 8.0, rng):
        clock.observe(count, reported, PERIOD)
        if count >= 12000 and count % 8000 < PERIOD:
            clock.observe_echo(count - 6000.0, speaker - 6000.0 * (1 - 200e-6) - 300.0)
    second, steps, last = RATE, [], None
    count = int(8.0 * RATE / PERIOD) * PERIOD
    for _ in range(14 * 3600):  # a report a second, for fourteen hours
        count += second
        speaker += second * (1 - 200e-6)
        clock.observe(count, float(PACKET * np.floor(speaker / PACKET)), second)
        offset = clock.position(count) - speaker
        if last is not None:
            steps.append(abs(offset - last))
        last = offset
    assert max(steps) < 1.0
