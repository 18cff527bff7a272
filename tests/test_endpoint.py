import numpy as np

from coach.core.endpoint import TrailingSilence
from coach.core.hearing import SafetyAlarm, endpoint_for, next_result
from coach.core.phrases import Heard, PhraseMatcher
from coach.settings import VoiceCommands

RATE = 16000


def tone(seconds, amplitude):
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def noise(seconds, amplitude, seed=0):
    return np.random.default_rng(seed).normal(0, amplitude, int(seconds * RATE)).astype(np.int16)


def ends(endpoint, audio, chunk_s=0.1):
    """The times (end of the chunk) at which the endpoint said the utterance was over."""
    step = int(chunk_s * RATE)
    return [
        round((i + step) / RATE, 2)
        for i in range(0, len(audio), step)
        if endpoint.update(audio[i : i + step].tobytes())
    ]


def test_a_quarter_second_of_quiet_after_speech_ends_the_utterance():
    audio = np.concatenate([noise(0.5, 50), tone(0.6, 3000) + noise(0.6, 50), noise(1.0, 50)])
    assert ends(TrailingSilence(RATE, 0.25), audio) == [1.4]  # speech ended at 1.1 s


def test_noise_alone_never_ends_anything():
    assert ends(TrailingSilence(RATE, 0.25), noise(5.0, 800)) == []


def test_a_short_gap_inside_a_phrase_does_not_end_it():
    word = tone(0.3, 3000)
    audio = np.concatenate([noise(0.5, 50), word, noise(0.1, 50), word, noise(1.0, 50)])
    assert ends(TrailingSilence(RATE, 0.25), audio, chunk_s=0.05) == [1.45]


def test_speech_at_10_db_over_steady_noise_still_ends_on_time():
    background = noise(3.0, 600, seed=1)
    speech = np.zeros_like(background)
    speech[8000:17600] = tone(0.6, 6000)  # about 10 dB above the noise, 0.5 s to 1.1 s
    audio = np.clip(background.astype(np.int32) + speech, -32768, 32767).astype(np.int16)
    assert ends(TrailingSilence(RATE, 0.25), audio) == [1.4]


class HalfHeard:
    """A recogniser that has heard `partial` so far and never ends an utterance by itself."""

    def __init__(self, partial):
        self._partial, self.finished = partial, 0

    def feed(self, pcm):
        return None

    def partial(self):
        return self._partial

    def finish(self):
        self.finished += 1
        heard, self._partial = Heard(self._partial, 0.9, 0.0, 0.5), ""  # as Vosk empties it
        return heard

    def reset(self):
        """Nothing to forget."""


def test_quiet_ends_the_utterance_early_only_after_a_whole_command():
    audio = np.concatenate([noise(0.3, 50), tone(0.5, 3000), noise(1.0, 50)]).tobytes()
    matcher = PhraseMatcher({"stop": ("stop",), "next_side": ("next side",)}, 0.5)
    for partial, early in (("stop", True), ("next", False), ("", False)):
        recognizer, endpoint = HalfHeard(partial), endpoint_for(0.25)
        results = [
            next_result(recognizer, endpoint, audio[i : i + 3200], matcher)
            for i in range(0, len(audio), 3200)
        ]
        assert (recognizer.finished == 1) is early, partial
        assert any(r is not None for r in results) is early


class LateToComplete(HalfHeard):
    """Its partial result becomes the whole command only some chunks after the words ended, as
    Vosk's can; a final result empties it, as Vosk's does."""

    def __init__(self, partial, complete_after):
        super().__init__("")
        self._final, self._chunks, self._after = partial, 0, complete_after

    def feed(self, pcm):
        self._chunks += 1
        if self._chunks == self._after:
            self._partial = self._final
        return None


def test_a_command_completed_after_the_quiet_began_is_still_answered_early_and_once():
    audio = np.concatenate([noise(0.3, 50), tone(0.5, 3000), noise(1.5, 50)]).tobytes()
    matcher = PhraseMatcher({"stop": ("stop",)}, 0.5)
    chunks = [audio[i : i + 1600] for i in range(0, len(audio), 1600)]  # 0.05 s each
    # The words end at 0.8 s; the quiet is enough at 1.05 s (chunk 21); Vosk's partial says
    # "stop" only at chunk 24.
    recognizer = LateToComplete("stop", complete_after=24)
    assert _answered(recognizer, matcher, chunks) == [24] and recognizer.finished == 1


def _answered(recognizer, matcher, chunks):
    """The chunks (counted from 1) after which a result came out, with the quicker ending."""
    endpoint = endpoint_for(0.25)
    return [
        i for i, chunk in enumerate(chunks, 1)
        if next_result(recognizer, endpoint, chunk, matcher) is not None
    ]  # fmt: skip


def test_a_command_the_guess_holds_is_answered_though_the_room_is_never_quiet():
    # The coach goes on talking (the canceller's faint residue): no quiet ever comes, but
    # the recogniser's guess has been "stop" for a quarter of a second.
    audio = tone(3.0, 3000).tobytes()
    matcher = PhraseMatcher({"stop": ("stop",), "next_side": ("next side",)}, 0.5)
    chunks = [audio[i : i + 1280] for i in range(0, len(audio), 1280)]  # 40 ms each
    recognizer = LateToComplete("stop", complete_after=10)
    assert _answered(recognizer, matcher, chunks) == [17]  # 0.28 s after the guess became "stop"
    for partial in ("next", "stop now"):  # not a whole command: left to the recogniser
        recognizer, endpoint = HalfHeard(partial), endpoint_for(0.25)
        for chunk in chunks:
            next_result(recognizer, endpoint, chunk, matcher)
        assert recognizer.finished == 0, partial


def test_the_safety_alarm_rings_once_as_the_guess_becomes_stop_or_it_hurts():
    rang = []
    alarm = SafetyAlarm(PhraseMatcher(VoiceCommands().by_command(), 0.6), lambda: rang.append(1))
    guesses = ["", "it", "it hurts", "it hurts", "", "please", "[unk] stop", "pause", "stop"]
    assert [alarm.update(g) for g in guesses] == [
        False, False, True, False, False, False, True, False, True
    ]  # fmt: skip
    assert len(rang) == 3
