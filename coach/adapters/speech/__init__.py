"""Speech output: the Speaker protocol and its adapters."""

from coach.adapters.speech.base import Speaker
from coach.adapters.speech.choose import make_speaker

__all__ = ["Speaker", "make_speaker"]
