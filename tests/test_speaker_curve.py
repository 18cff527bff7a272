"""The speaker's soft clipping, fitted from what was played and what the microphone heard, on
synthetic speech-like sound through a room, so the true curve is known."""

import numpy as np

from coach.core.speaker_curve import FIRST_FRAMES, FRAME, SpeakerCurve, soft_clip

RATE = 16000


def speech_like(seconds, rng):
    """Peaky, coloured sound at a talking cue's level (rms ~3000, peaks several times that),
    with pauses between words."""
    count = int(seconds * RATE)
    sound = np.convolve(rng.laplace(size=count), np.ones(6) / 6, mode="same")
    loudness = rng.uniform(0.2, 1.0, count // 4000 + 1) * (rng.random(count // 4000 + 1) > 0.25)
    sound *= np.repeat(loudness, 4000)[:count]  # quarter-second words, a quarter of them pauses
    return sound * 3000 / np.sqrt(np.mean(sound**2))


def room(played, rng):
    """The speaker's sound 2-62 ms late with reflections and a 0.2 s tail, plus hiss."""
    response = np.zeros(4200)
    response[40] = 0.7
    response[300], response[900] = -0.3, 0.2
    response[41:3241] += 0.02 * np.exp(-np.arange(3200) / 500) * rng.normal(size=3200)
    echo = np.convolve(played, response)[: len(played)]
    return echo + rng.normal(0, 40, len(played))


def fitted(sounded, played, rng):
    curve = SpeakerCurve()
    heard = room(sounded, rng)
    for at in range(0, len(played), 320):
        curve.observe(played[at : at + 320], heard[at : at + 320])
    return curve


def test_a_soft_clipping_speakers_knee_is_found_from_a_few_seconds_of_its_voice():
    rng = np.random.default_rng(1)
    played = speech_like(20.0, rng)
    for knee in (4000.0, 6000.0, 9000.0):
        curve = fitted(soft_clip(played, knee), played, rng)
        assert curve.knee is not None and abs(np.log(curve.knee / knee)) < np.log(1.2)


def test_a_speaker_that_does_not_clip_is_left_straight():
    rng = np.random.default_rng(2)
    played = speech_like(20.0, rng)
    assert fitted(played, played, rng).knee is None


def test_a_muted_microphone_shows_no_curve():
    """Digital silence explains nothing: the hardest knee was chosen (0/0 made every level
    NaN), and the reference was bent as if the speaker clipped at 2000."""
    rng = np.random.default_rng(3)
    played = speech_like(10.0, rng)
    curve = SpeakerCurve()
    for at in range(0, len(played), 320):
        curve.observe(played[at : at + 320], np.zeros(320))
    assert curve.knee is None


def test_another_compressing_curve_is_matched_closer_than_a_straight_line():
    """A real speaker's curve is not exactly tanh: an algebraic soft clip at 6000 is still
    explained better by a fitted knee than by the played samples as they are."""
    rng = np.random.default_rng(3)
    played = speech_like(20.0, rng)
    sounded = played / np.sqrt(1 + (played / 6000.0) ** 2)
    curve = fitted(sounded, played, rng)
    assert curve.knee is not None
    residual = {}  # what the best gain on each reference leaves of the speaker's sound
    for name, reference in (("fitted", soft_clip(played, curve.knee)), ("straight", played)):
        gain = np.dot(sounded, reference) / np.dot(reference, reference)
        residual[name] = np.mean((sounded - gain * reference) ** 2)
    assert residual["fitted"] < residual["straight"] / 4


def test_nothing_is_fitted_before_enough_of_the_coachs_voice():
    rng = np.random.default_rng(4)
    played = speech_like((FIRST_FRAMES - 1) * FRAME / RATE, rng)
    assert fitted(soft_clip(played, 5000.0), played, rng).knee is None
    silence = np.zeros(20 * RATE)
    assert fitted(silence, silence, rng).knee is None
