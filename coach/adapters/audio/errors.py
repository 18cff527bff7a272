"""What goes wrong with sound, raised by the audio owner and by the speech and voice adapters
around it."""

from __future__ import annotations


class AudioUnavailable(Exception):
    """The audio could not be had; the message says why."""


class PlaybackFailed(Exception):
    """The sound could not be played; the message says why."""
