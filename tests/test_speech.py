"""Speech for real: espeak-ng through pyttsx3 to WAV, aplay to play it, and the worker thread."""

import logging
import threading
import wave
from pathlib import Path

import pytest

from coach.adapters.speech import choose as choose_module
from coach.adapters.speech import make_speaker
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.speech.player import AplayPlayer, PlaybackFailed
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
