"""Words heard over the coach must stand out from what the echo canceller leaves of its voice."""

import numpy as np

from coach.core.phrases import Heard
from coach.core.residue import Cancelled, EchoResidue

CHUNK = 640  # 40 ms at 16 kHz


def chunk(level_rms: float, rng: np.random.Generator) -> bytes:
    return np.round(rng.normal(0.0, level_rms, CHUNK)).astype(np.int16).tobytes()


def coach_talking(residue: EchoResidue, seconds: float, rng, word_gap_rms=400.0) -> None:
    """The canceller's output while the coach talks: its voice mostly taken out (60 RMS),
    with leftovers in the gaps between words (a fifth of the chunks)."""
    for i in range(round(seconds / 0.04)):
        residue.fed(chunk(word_gap_rms if i % 5 == 0 else 60.0, rng), speaking=True)


def heard_at(start: float, end: float) -> Heard:
    return Heard("아야", 1.0, start, end)


def test_leftover_echo_between_the_coachs_words_is_not_a_person():
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_talking(residue, 20.0, rng)
    assert not residue.stands_out(heard_at(19.0, 19.4))


def test_a_person_louder_than_the_leftovers_is_heard_over_the_coach():
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_talking(residue, 20.0, rng)
    for _ in range(10):  # "it hurts", twice the leftovers' level, over the coach
        residue.fed(chunk(800.0, rng), speaking=True)
    assert residue.stands_out(heard_at(20.0, 20.4))


def test_words_said_with_the_coach_quiet_are_not_judged():
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_talking(residue, 20.0, rng)
    for _ in range(25):  # a second of quiet: the echo's tail is over after 0.4 s
        residue.fed(chunk(30.0, rng), speaking=False)
    for _ in range(10):  # a soft "it hurts", no louder than the leftovers were
        residue.fed(chunk(300.0, rng), speaking=False)
    assert residue.stands_out(heard_at(21.0, 21.4))
    # ... but the echo's tail, just after the coach stopped, is judged like its voice.
    assert not residue.stands_out(heard_at(19.9, 20.2))


def test_before_the_leftovers_are_known_nothing_is_refused():
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_talking(residue, 2.0, rng)
    assert residue.stands_out(heard_at(1.5, 1.9))


def coach_cancelled(residue: EchoResidue, seconds: float, rng, erle_db: float) -> None:
    """The coach talking at 3000 RMS at the microphone, the canceller taking `erle_db` out."""
    left = 3000.0 * 10 ** (-erle_db / 20)
    for i in range(round(seconds / 0.04)):
        level = left * (3.0 if i % 5 == 0 else 1.0)  # louder leftovers between its words
        residue.fed(chunk(level, rng), speaking=True, cancelled=Cancelled(3000.0, erle_db))


def test_a_loud_cue_poorly_cancelled_is_not_a_person():
    # A rep's count after seconds of quiet: twice as loud at the microphone as the coach's
    # usual voice and 26 dB taken out where 30 usually are, so its leftovers are 8 dB above
    # their usual level, as loud as a person, and the recogniser heard "it hurts" in them.
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_cancelled(residue, 20.0, rng, erle_db=30.0)
    loud = 9000.0
    for _ in range(10):
        residue.fed(chunk(loud / 10**1.3, rng), True, Cancelled(loud, 30.0))
    assert not residue.stands_out(heard_at(20.0, 20.4))


def test_a_person_is_heard_over_a_cue_the_canceller_takes_less_out_of():
    # A person 15 dB below the coach's echo: the output holds them, far less below the
    # microphone than the canceller's 30 dB.
    rng = np.random.default_rng(0)
    residue = EchoResidue(tail_s=0.4)
    coach_cancelled(residue, 20.0, rng, erle_db=30.0)
    for _ in range(10):
        residue.fed(chunk(3000.0 / 10**0.75, rng), True, Cancelled(3000.0, 30.0))
    assert residue.stands_out(heard_at(20.0, 20.4))
