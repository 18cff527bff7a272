"""Noticing at once that the echo moved under a canceller that was cancelling, and not taking a
person talking over the coach, a word's quiet ends or silence for it."""

import numpy as np

from coach.core.echo_break import BREAK_PERIODS, EchoBreak

PERIOD = 320


def period(rng, level=3000.0, taken_db=25.0, voice=0.0):
    """(microphone, canceller output, reference) with the echo at 0.7 of the reference, the
    canceller taking `taken_db` of it out (negative: adding), and a person's voice on top."""
    reference = rng.normal(0, level, PERIOD)
    echo = 0.7 * reference
    person = rng.normal(0, voice, PERIOD)
    return echo + person, echo * 10 ** (-taken_db / 20) + person, reference


def cancelling_well(check, rng, count=100):
    for _ in range(count):
        assert not check.update(*period(rng), cancelling=True)


def test_a_canceller_adding_echo_is_a_break_within_a_few_periods_and_mends_on_request():
    rng = np.random.default_rng(1)
    check = EchoBreak()
    cancelling_well(check, rng)
    moved = [check.update(*period(rng, taken_db=-20.0), cancelling=True) for _ in range(6)]
    assert moved.index(True) == BREAK_PERIODS - 1 and all(moved[BREAK_PERIODS - 1 :])
    check.mend()
    cancelling_well(check, rng)


def test_a_person_talking_over_the_coach_or_quiet_ends_of_words_are_no_break():
    rng = np.random.default_rng(2)
    check = EchoBreak()
    cancelling_well(check, rng)
    for _ in range(50):  # a person as loud as the echo, which their voice keeps in the output
        assert not check.update(*period(rng, voice=2100.0), cancelling=True)
    for _ in range(50):  # a fading word: the hiss left over rivals what is left of the echo
        assert not check.update(*period(rng, level=600.0, taken_db=-3.0), cancelling=True)
    silence = np.zeros(PERIOD)
    for _ in range(50):
        assert not check.update(rng.normal(0, 50, PERIOD), rng.normal(0, 60, PERIOD), silence, True)


def test_nothing_breaks_that_was_not_cancelling():
    rng = np.random.default_rng(3)
    check = EchoBreak()
    for _ in range(20):  # a new canceller, still learning: the ERLE check's job, not this
        assert not check.update(*period(rng, taken_db=-5.0), cancelling=False)
