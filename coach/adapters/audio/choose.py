"""Whether the coach can own its audio, from config and from what is installed."""

from __future__ import annotations

import logging

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
    owner = AudioOwner(
        lambda: AlsaPlayback(speech.alsa_device), lambda: SpeexCanceller(SAMPLE_RATE)
    )
    owner.start()
    return owner


def owned_microphone(owner: AudioOwner, device: str) -> OwnedCapture:
    return owner.attach_capture(AlsaCapture(device))
