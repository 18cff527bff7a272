"""The tones that stand for lift, hold and lower at the quietest level: a rise, a level note
and a fall, so the rhythm can be followed with no words at all."""

from __future__ import annotations

import numpy as np

from coach.core import cues

FADE_S = 0.01
LEVEL = 0.3  # of full scale: clear over a room, well short of the voice's peaks
SHAPES = {  # (start Hz, end Hz, seconds)
    cues.TONE_LIFT: (440.0, 660.0, 0.3),
    cues.TONE_HOLD: (550.0, 550.0, 0.25),
    cues.TONE_LOWER: (660.0, 440.0, 0.45),
}


def tone(name: str, rate: int) -> np.ndarray:
    """The tone called `name` (one of cues.TONES) as int16 samples at `rate`."""
    start, end, seconds = SHAPES[name]
    n = int(seconds * rate)
    frequency = np.linspace(start, end, n)
    phase = 2 * np.pi * np.cumsum(frequency) / rate
    envelope = np.ones(n)
    fade = int(FADE_S * rate)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[-fade:] = np.linspace(1, 0, fade)
    return (LEVEL * 32767 * envelope * np.sin(phase)).astype(np.int16)
