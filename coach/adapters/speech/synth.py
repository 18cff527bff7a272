"""Text → WAV with pyttsx3 (espeak-ng underneath), one engine, one thread, a file per phrase.

pyttsx3 cannot be trusted to play or to stop (it shells out to aplay and keeps state between
calls), so it is used only to write files; each phrase is written once and reused.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np

from coach.core import cues
from coach.core.tones import tone
from coach.core.trim import voiced_length
from coach.settings import SpeechSettings

log = logging.getLogger("coach.speech")


ATTEMPTS = 3


def _has_audio(path: Path) -> bool:
    try:
        with wave.open(str(path)) as wav:
            return wav.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


def _cut_trailing_silence(path: Path) -> None:
    """Rewrite the WAV without the silence espeak-ng leaves after the voice."""
    with wave.open(str(path)) as wav:
        params = wav.getparams()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    keep = voiced_length(samples.reshape(-1, params.nchannels)[:, 0], params.framerate)
    with wave.open(str(path), "wb") as wav:
        wav.setparams(params)
        wav.writeframes(samples[: keep * params.nchannels].tobytes())


TONE_RATE = 22050  # espeak-ng's own rate, so tones and words go out alike


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())


class SpeechUnavailable(Exception):
    """No text-to-speech engine could be started; the message says why."""


def _quiet(*args: object, **_: Any) -> None:
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


def _voice_known(engine: Any, wanted: str) -> bool:
    """espeak-ng takes an unknown voice name silently and speaks another voice: check first."""
    wanted = wanted.lower()
    for voice in engine.getProperty("voices"):
        languages = [str(lang).lower() for lang in (voice.languages or [])]
        names = {voice.id.lower(), voice.id.rsplit("/", 1)[-1].lower(), voice.name.lower()}
        if wanted in names or wanted in languages:
            return True
    return False


class Pyttsx3Synth:
    """Must be created and used on one thread: pyttsx3 engines are not shared safely."""

    def __init__(self, settings: SpeechSettings) -> None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise SpeechUnavailable(f"pyttsx3 is not installed ({exc})") from None
        try:
            self._engine = pyttsx3.init("espeak")
        except Exception as exc:
            raise SpeechUnavailable(f"pyttsx3 could not start espeak-ng ({exc})") from None
        # The espeak driver prints "Audio saved to …" on stdout after every file; stdout is the
        # coach's event stream, so send that to the debug log instead.
        driver = sys.modules.get("pyttsx3.drivers.espeak")
        if driver is not None:
            driver.print = _quiet  # type: ignore[attr-defined]
        if not _voice_known(self._engine, settings.voice):
            raise SpeechUnavailable(
                f"speech.voice = {settings.voice!r} is not an espeak-ng voice "
                "(espeak-ng --voices lists them)"
            )
        try:
            self._engine.setProperty("voice", settings.voice)
        except Exception as exc:
            raise SpeechUnavailable(
                f"speech.voice = {settings.voice!r} is not an espeak-ng voice ({exc})"
            ) from None
        self._engine.setProperty("rate", settings.rate_wpm)
        self._engine.setProperty("volume", settings.volume)
        self._dir = Path(tempfile.mkdtemp(prefix="legcoach-speech-"))

    def wav_for(self, text: str) -> Path:
        path = self._dir / (hashlib.sha1(text.encode()).hexdigest()[:16] + ".wav")
        if path.exists():
            return path
        if text in cues.TONES:
            _write_wav(path, tone(text, TONE_RATE), TONE_RATE)
            return path
        partial = path.with_suffix(".part.wav")
        for _ in range(ATTEMPTS):
            self._engine.save_to_file(text, str(partial))
            self._engine.runAndWait()
            # pyttsx3's espeak driver can hand back a file with no audio when espeak-ng delivers
            # everything in its final callback; that is a retry, not a silent cue.
            if _has_audio(partial):
                _cut_trailing_silence(partial)
                partial.replace(path)
                return path
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"espeak-ng produced no audio for {text!r}")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)
