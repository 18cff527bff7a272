"""Picks the speaker from config, falling back to the log when no voice can be had."""

from __future__ import annotations

import logging
from pathlib import Path

from coach.adapters.speech.base import Speaker
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.speech.player import AplayPlayer, Player
from coach.adapters.speech.synth import Pyttsx3Synth, SpeechUnavailable
from coach.adapters.speech.worker import SpeechWorker
from coach.settings import SpeechSettings

log = logging.getLogger("coach.speech")
ALSA_CARDS = Path("/proc/asound/cards")


def sound_card_present(cards: Path = ALSA_CARDS) -> bool:
    try:
        text = cards.read_text()
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


def make_speaker(settings: SpeechSettings, player: Player | None = None) -> Speaker:
    """`auto` speaks when espeak-ng works and a sound card (or a named ALSA device) exists;
    through `player` (the audio owner's), else through aplay."""
    if settings.engine == "console":
        return ConsoleSpeaker()
    if settings.engine == "auto" and settings.alsa_device == "default" and not sound_card_present():
        log.warning("speech: no sound card found; cues are shown as text only")
        return ConsoleSpeaker()
    try:
        return SpeechWorker(
            lambda: Pyttsx3Synth(settings), player or AplayPlayer(settings.alsa_device)
        )
    except SpeechUnavailable as exc:
        log.warning("speech: %s; cues are shown as text only", exc)
        return ConsoleSpeaker()
