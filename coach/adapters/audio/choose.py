"""Whether the coach can own its audio, from config and from what is installed."""

from __future__ import annotations

import logging

from coach.adapters.audio.cards import devices_for, read_cards
from coach.adapters.audio.devices import AlsaCapture, AlsaPlayback, alsa_available
from coach.adapters.audio.echo import SpeexCanceller
from coach.adapters.audio.errors import AudioUnavailable
from coach.adapters.audio.owner import AudioOwner, OwnedCapture
from coach.core.endpoint import SAMPLE_RATE
from coach.settings import Settings

log = logging.getLogger("coach.audio")


def open_audio_owner(settings: Settings) -> AudioOwner | None:
    """The one owner of speaker and microphone, started; None where echo cancellation is off
    or cannot be had (the reason is logged once): the echo gate is used instead."""
    speech, voice = settings.speech, settings.voice
    if not voice.enabled or voice.echo_cancellation == "off" or speech.engine == "console":
        return None
    try:
        alsa_available()
        SpeexCanceller(SAMPLE_RATE).close()
    except AudioUnavailable as exc:
        log.warning("audio: %s; the microphone is shut while the coach talks", exc)
        return None
    playback, capture, clocks = devices_for(speech.alsa_device, voice.alsa_device, read_cards())
    if clocks:
        log.info("audio: %s", clocks)
    owner = AudioOwner(
        lambda: AlsaPlayback(playback),
        lambda: SpeexCanceller(SAMPLE_RATE),
        microphone_device=capture,
    )
    owner.start()
    return owner


def owned_microphone(owner: AudioOwner, device: str) -> OwnedCapture:
    """The microphone `device`, or the one chosen with the speaker (one card where possible)."""
    return owner.attach_capture(AlsaCapture(owner.microphone_device or device))
