"""Whether the speaker and the microphone share one sound card, and so one clock.

A USB speakerphone (or any card that plays and records) runs both directions off one crystal:
no drift for the echo canceller to follow. Two cards (a USB microphone beside a USB or jack
speaker) drift tens to hundreds of ppm apart; the owner follows that, but less well than no
drift at all. Read from /proc/asound, as `aplay -l` and `arecord -l` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ASOUND = Path("/proc/asound")
_CARD_LINE = re.compile(r"^\s*(\d+)\s+\[(\S+)\s*\]")
_PCM_LINE = re.compile(r"^(\d+)-(\d+):")
_DEVICE = re.compile(r"^(?:plughw|hw|sysdefault|front|dsnoop|dmix):(?:CARD=)?([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Card:
    index: int
    name: str
    plays: bool
    records: bool


def cards(cards_text: str, pcm_text: str) -> list[Card]:
    """The cards /proc/asound/cards lists, with what /proc/asound/pcm says each can do."""
    names = {int(m[1]): m[2] for line in cards_text.splitlines() if (m := _CARD_LINE.match(line))}
    plays: set[int] = set()
    records: set[int] = set()
    for line in pcm_text.splitlines():
        if m := _PCM_LINE.match(line):
            index = int(m[1])
            if ": playback" in line:
                plays.add(index)
            if ": capture" in line:
                records.add(index)
    return [Card(i, name, i in plays, i in records) for i, name in sorted(names.items())]


def card_of(device: str, known: list[Card]) -> Card | None:
    """The card an ALSA device name opens, where the name says ("plughw:1,0",
    "hw:CARD=Speakerphone,DEV=0"); None for "default" or a name from asound.conf."""
    match = _DEVICE.match(device)
    if match is None:
        return None
    card = match[1]
    return next((c for c in known if str(c.index) == card or c.name == card), None)


def one_card(known: list[Card]) -> Card | None:
    """The one card that both plays and records, if exactly one does (a speakerphone)."""
    both = [card for card in known if card.plays and card.records]
    return both[0] if len(both) == 1 else None


def read_cards(asound: Path = ASOUND) -> list[Card]:
    try:
        return cards((asound / "cards").read_text(), (asound / "pcm").read_text())
    except OSError:
        return []


def devices_for(playback: str, capture: str, known: list[Card]) -> tuple[str, str, str]:
    """The speaker's and microphone's devices to open, and what to log about their clocks.

    Left at "default" on both sides with one card that plays and records, that card is
    used for both: the default card of a Pi is its headphone jack, which cannot record."""
    if playback == capture == "default" and (card := one_card(known)) is not None:
        device = f"plughw:CARD={card.name},DEV=0"
        return device, device, f"speaker and microphone: {card.name}, one card, one clock"
    speaker, microphone = card_of(playback, known), card_of(capture, known)
    if speaker is None or microphone is None:
        return playback, capture, ""
    if speaker == microphone:
        return playback, capture, f"speaker and microphone: {speaker.name}, one card, one clock"
    return (
        playback,
        capture,
        f"speaker ({speaker.name}) and microphone ({microphone.name}) are separate cards on "
        "two clocks: their drift is followed, but a USB speakerphone cancels echo better",
    )
