"""Speech for real: espeak-ng through pyttsx3 to WAV, aplay to play it, and the worker thread."""

import logging
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from coach.adapters.audio.errors import PlaybackFailed
from coach.adapters.speech import choose as choose_module
from coach.adapters.speech import make_speaker
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.speech.player import AplayPlayer
from coach.adapters.speech.synth import Pyttsx3Synth, SpeechUnavailable
from coach.adapters.speech.worker import SpeechWorker
from coach.core.events import Cue, Priority
from coach.settings import SpeechSettings

WAIT = 10.0  # seconds: a bound on thread hand-offs, never reached when things work


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.fixture
def synth():
    synth = Pyttsx3Synth(SpeechSettings())
    yield synth
    synth.close()


def test_espeak_writes_each_phrase_to_a_wav_once(synth, capfd):
    short = synth.wav_for("Hold.")
    longer = synth.wav_for("Lift, and breathe out. Now lower, slowly.")
    assert 0.2 < _seconds(short) < _seconds(longer)
    written = short.stat().st_mtime_ns
    assert synth.wav_for("Hold.") == short
    assert short.stat().st_mtime_ns == written
    assert capfd.readouterr().out == ""  # pyttsx3's "Audio saved" chatter kept off stdout


def test_closing_the_synth_removes_its_files():
    synth = Pyttsx3Synth(SpeechSettings())
    path = synth.wav_for("One.")
    synth.close()
    assert not path.exists()


def test_an_unknown_voice_is_refused_with_its_name():
    with pytest.raises(
        SpeechUnavailable, match=r"speech\.voice = .no-such-voice. is not an espeak-ng voice"
    ):
        Pyttsx3Synth(SpeechSettings(voice="no-such-voice"))


def test_aplay_plays_to_an_alsa_device_and_says_why_it_cannot_play_on_another(synth):
    wav = synth.wav_for("Two.")
    player = AplayPlayer("null")
    player.play(wav)
    assert player.wait(WAIT)

    broken = AplayPlayer("no_such_device")
    broken.play(wav)
    with pytest.raises(PlaybackFailed, match="ALSA device 'no_such_device'"):
        broken.wait(WAIT)


def test_a_missing_aplay_is_a_playback_failure_not_a_crash(synth, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PlaybackFailed, match=r"aplay cannot start \(No such file"):
        AplayPlayer("null").play(synth.wav_for("Two."))


@pytest.mark.parametrize("device", ["no_such_device", "null"])
def test_when_playback_fails_cues_turn_to_text_once_and_the_coach_stops_speaking(
    device, monkeypatch, caplog
):
    """A wrong device, or no aplay at all: reported once, and `speaking` goes false after each
    cue, so the microphone opens again."""
    if device == "null":
        monkeypatch.setenv("PATH", "/nonexistent")
    speaker = SpeechWorker(lambda: Pyttsx3Synth(SpeechSettings()), AplayPlayer(device))
    try:
        with caplog.at_level(logging.WARNING, logger="coach.speech"):
            for text in ("Lift, and breathe out.", "Hold.", "Now lower, slowly."):
                speaker.say(cue(text, Priority.INFO))
            assert speaker.drain(WAIT)
            assert not speaker.speaking
            speaker.say(cue("One.", Priority.TEMPO))
            assert speaker.drain(WAIT)
        failures = [r.getMessage() for r in caplog.records]
        assert len(failures) == 1, failures
        assert "cues are shown as text only" in failures[0]
    finally:
        speaker.close()


class HeldPlayer:
    """Each playback lasts until the test releases it or the worker stops it."""

    def __init__(self) -> None:
        self.played: list[str] = []
        self.stopped: list[str] = []
        self.started = threading.Semaphore(0)
        self._done = threading.Event()

    def play(self, wav: Path) -> None:
        self.played.append(wav.name)
        self._done.clear()
        self.started.release()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def stop(self) -> None:
        if self.played and not self._done.is_set():
            self.stopped.append(self.played[-1])
        self._done.set()

    def finish(self) -> None:
        self._done.set()


class NamedSynth:
    def wav_for(self, text: str) -> Path:
        return Path(text)

    def close(self) -> None:
        """Nothing to remove."""


def cue(text, priority):
    return Cue(0.0, text, priority)


@pytest.fixture
def worker():
    player = HeldPlayer()
    worker = SpeechWorker(NamedSynth, player)
    yield worker, player
    worker.close()


def test_a_warning_cuts_the_tempo_count_short_and_plays_next(worker):
    speech, player = worker
    speech.say(cue("Lift", Priority.TEMPO))
    assert player.started.acquire(timeout=WAIT)
    speech.say(cue("Too high", Priority.FORM))
    assert player.stopped == ["Lift"]  # cut inside say(): no waiting on the worker
    assert player.started.acquire(timeout=WAIT)
    assert player.played == ["Lift", "Too high"]
    player.finish()
    assert speech.drain(WAIT)
    assert not speech.speaking


def test_a_warning_waits_for_an_instruction_to_finish(worker):
    speech, player = worker
    speech.say(cue("Lie on your side", Priority.INFO))
    assert player.started.acquire(timeout=WAIT)
    speech.say(cue("Toes up", Priority.FORM))
    assert player.stopped == []
    assert speech.speaking
    player.finish()
    assert player.started.acquire(timeout=WAIT)
    assert player.played == ["Lie on your side", "Toes up"]
    player.finish()
    assert speech.drain(WAIT)


def test_a_cut_silences_even_an_instruction_at_once_and_drops_what_waits(worker):
    # Someone is saying "stop": an instruction, which no warning may cut, is cut.
    speech, player = worker
    speech.say(cue("Lie on your side", Priority.INFO))
    assert player.started.acquire(timeout=WAIT)
    speech.say(cue("Reach long", Priority.INFO))
    speech.say(cue("Careful", Priority.SAFETY))
    speech.cut()
    assert player.stopped == ["Lie on your side"]
    # Only a safety reply may follow a cut; the waiting instruction is not said.
    assert player.started.acquire(timeout=WAIT)
    player.finish()
    assert speech.drain(WAIT)
    assert player.played == ["Lie on your side", "Careful"]


def test_the_loop_cuts_the_speech_as_soon_as_the_listener_asks(settings):
    from coach.adapters.clock import VirtualClock
    from coach.app.loop import CoachLoop
    from coach.core.session import Coach

    class Speaker(ConsoleSpeaker):
        cuts = 0

        def cut(self) -> None:
            self.cuts += 1

    speaker = Speaker()
    loop = CoachLoop(Coach(settings), VirtualClock(), speaker, None, None, fps=10, hold_s=2.0)
    loop.cut_speech()  # from the listener's thread
    loop.step()
    assert speaker.cuts == 1


def test_after_a_safety_guess_the_coach_stays_quiet_until_the_words_settle(settings):
    from coach.adapters.clock import VirtualClock
    from coach.app.loop import CoachLoop
    from coach.core.events import Command
    from coach.core.hearing import HUSH_S
    from coach.core.session import Coach

    class Speaker(ConsoleSpeaker):
        def __init__(self) -> None:
            super().__init__()
            self.said: list[str] = []

        def say(self, spoken: Cue) -> None:
            self.said.append(spoken.text)

    speaker, clock = Speaker(), VirtualClock()
    loop = CoachLoop(Coach(settings), clock, speaker, None, None, fps=10, hold_s=2.0)
    loop.cut_speech()
    loop.step()
    loop.greet()  # due while "stop" may be being said: held back
    assert speaker.said == []
    clock.sleep_until(clock.now() + HUSH_S)  # the guess came to nothing
    loop.greet()
    assert len(speaker.said) == 1
    loop.cut_speech()
    loop.send(Command.PAIN, "voice")  # the words settled: the coach answers at once
    loop.step()
    assert len(speaker.said) == 2 and speaker.said[-1] != speaker.said[0]


def test_the_real_engine_speaks_a_whole_queue_through_aplay():
    speaker = SpeechWorker(lambda: Pyttsx3Synth(SpeechSettings()), AplayPlayer("null"))
    try:
        for text in ("Set one.", "Lift, and breathe out.", "Hold."):
            speaker.say(cue(text, Priority.INFO))
        assert speaker.drain(WAIT)
    finally:
        speaker.close()


def test_a_synth_that_cannot_start_is_reported_from_the_constructor():
    def broken():
        raise SpeechUnavailable("pyttsx3 could not start espeak-ng (test)")

    with pytest.raises(SpeechUnavailable, match="could not start"):
        SpeechWorker(broken, HeldPlayer())


def test_auto_prints_cues_when_there_is_no_sound_card(tmp_path, monkeypatch, caplog):
    cards = tmp_path / "cards"
    cards.write_text("--- no soundcards ---\n")
    monkeypatch.setattr(choose_module, "ALSA_CARDS", cards)
    with caplog.at_level(logging.WARNING):
        speaker = make_speaker(SpeechSettings())
    assert isinstance(speaker, ConsoleSpeaker)
    assert "no sound card" in caplog.text


def test_a_sound_card_is_recognised(tmp_path):
    cards = tmp_path / "cards"
    cards.write_text(" 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n")
    assert choose_module.sound_card_present(cards)
    assert not choose_module.sound_card_present(tmp_path / "missing")


def test_a_voice_that_fails_falls_back_to_the_log_and_says_why(caplog):
    with caplog.at_level(logging.WARNING):
        speaker = make_speaker(SpeechSettings(engine="pyttsx3", voice="no-such-voice"))
    assert isinstance(speaker, ConsoleSpeaker)
    assert "no-such-voice" in caplog.text


def test_pyttsx3_with_a_named_device_gives_a_speaking_worker():
    speaker = make_speaker(SpeechSettings(engine="pyttsx3", alsa_device="null"))
    try:
        assert isinstance(speaker, SpeechWorker)
    finally:
        speaker.close()


class FailingSynth:
    def wav_for(self, text: str) -> Path:
        raise RuntimeError("espeak-ng crashed")

    def close(self) -> None:
        """Nothing to remove."""


def test_speech_that_fails_mid_session_is_logged_and_the_coach_goes_on(caplog):
    player = HeldPlayer()
    speaker = SpeechWorker(FailingSynth, player)
    try:
        with caplog.at_level(logging.WARNING):
            speaker.say(cue("Lift", Priority.TEMPO))
            speaker.say(cue("Hold", Priority.TEMPO))
            assert speaker.drain(WAIT)
        assert "could not synthesise" in caplog.text
        assert player.played == []
        speaker.say(cue("One", Priority.TEMPO))
        assert speaker.drain(WAIT)  # the worker is still there
    finally:
        speaker.close()


def test_prepared_cues_are_synthesised_ahead_without_being_played():
    made: list[str] = []
    both_made = threading.Event()

    class CountingSynth(NamedSynth):
        def wav_for(self, text: str) -> Path:
            made.append(text)
            if len(made) == 2:
                both_made.set()
            return Path(text)

    player = HeldPlayer()
    speaker = SpeechWorker(CountingSynth, player)
    try:
        speaker.prepare(["One.", "Two."])
        assert both_made.wait(WAIT)
        assert made == ["One.", "Two."]
        assert player.played == [] and not speaker.speaking
    finally:
        speaker.close()


def test_no_cue_carries_the_silence_espeak_ng_leaves_after_its_voice(synth):
    """Trailing silence kept the microphone gated and the next cue waiting: every cue the coach
    can say ends 40 ms after its last voiced sample."""
    from coach.core import cues
    from coach.settings import Settings

    for text in cues.catalogue(Settings()):
        with wave.open(str(synth.wav_for(text))) as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        voiced = np.flatnonzero(np.abs(samples) > 0.02 * np.abs(samples).max())
        tail_s = (len(samples) - 1 - voiced[-1]) / rate
        assert 0.03 <= tail_s <= 0.05, (text, tail_s)


def test_the_voiced_length_keeps_the_voice_and_a_short_pad():
    from coach.core.trim import voiced_length

    rate = 1000
    voice = np.concatenate([np.zeros(100), np.full(300, 5000.0), np.zeros(400)])
    assert voiced_length(voice, rate) == 400 + 40
    assert voiced_length(np.zeros(50), rate) == 50  # nothing voiced: left whole
    assert voiced_length(np.zeros(0), rate) == 0


@pytest.mark.parametrize("neutral_foot", [False, True])
def test_every_warning_is_at_most_a_second_and_a_half_of_voice(synth, neutral_foot):
    from coach.core import cues

    faults = ("too_high", "toes_up", "hip_hike", "knee_bend", "forward_drift", "fast_lower",
              "no_hold")  # fmt: skip
    for fault in faults:
        text = cues.warning_text(fault, neutral_foot)
        assert _seconds(synth.wav_for(text)) <= 1.5, text


def test_warnings_never_hold_a_tempo_cue_back_or_drop_one(synth):
    """A session with a rep too high, one with the toes up and one dropped, each cue as long as
    its real recording: every tempo cue starts when it is due, and every one is said."""
    from coach.adapters.clock import VirtualClock
    from coach.app.demo import DEMO_SCRIPT, build_demo
    from coach.core.events import Command, FormWarning
    from coach.sim.speaker import TimedSpeaker
    from tests.helpers import quick_settings

    clock, events = VirtualClock(), []
    speaker = TimedSpeaker(clock, lambda text: _seconds(synth.wav_for(text)))
    loop, _ = build_demo(quick_settings(reps=4), clock, speaker, [events.append], DEMO_SCRIPT)
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    speaker.close()
    assert len([e for e in events if isinstance(e, FormWarning)]) == 3
    spoken = speaker.spoken
    tempo = [i for i, s in enumerate(spoken) if s.cue.tag in ("lift", "hold", "lower", "count")]
    assert len(tempo) >= (3 * 4 + 1) * 2  # the fourth rep of a set is only counted
    late_after_a_warning = [
        spoken[i].cue.text
        for i in tempo
        if speaker.late_s(spoken[i]) > 0.3 and spoken[i - 1].cue.priority is Priority.FORM
    ]
    assert late_after_a_warning == []
    # Cut only by the next tempo cue (a dropped leg ends its rep while "lower" is said), never
    # by a warning on its own.
    assert not any(spoken[i].cut and spoken[i + 1].cue.tag.startswith("warn") for i in tempo)
    assert speaker.dropped == []


def test_the_timed_speaker_queues_and_cuts_as_the_worker_does():
    from coach.adapters.clock import VirtualClock
    from coach.sim.speaker import TimedSpeaker

    clock = VirtualClock()
    speaker = TimedSpeaker(clock, lambda text: 1.0)
    speaker.say(cue("Lift.", Priority.TEMPO))
    clock.sleep_until(0.5)
    speaker.say(cue("Not so high.", Priority.FORM))  # cuts the tempo cue playing
    speaker.say(cue("Get ready.", Priority.INFO))  # waits its turn
    speaker.close()
    assert [(s.cue.text, s.start, s.end, s.cut) for s in speaker.spoken] == [
        ("Lift.", 0.0, 0.5, True),
        ("Not so high.", 0.5, 1.5, False),
        ("Get ready.", 1.5, 2.5, False),
    ]


def test_each_circle_count_ends_before_the_next_circle_begins(synth):
    from coach.core import cues
    from coach.settings import Settings

    circle_s = Settings().programs.circle_s
    for forward in (True, False):
        for text in cues.circle_counts(5, forward):
            assert _seconds(synth.wav_for(text)) < circle_s, text
