"""Where speech ends in a recording: espeak-ng pads every phrase with about 0.4 s of silence.

Played as it is, that silence keeps the microphone gated and the next cue waiting for
nothing; cut, each cue ends when its voice does.
"""

from __future__ import annotations

import numpy as np

VOICED_SHARE = 0.02  # of the loudest sample: quieter than this is silence or breath
PAD_S = 0.04  # kept after the last voiced sample, so the voice's own decay is not clipped


def voiced_length(samples: np.ndarray, rate: int) -> int:
    """How many samples to keep: through the last voiced one, plus a short pad."""
    if len(samples) == 0:
        return 0
    loudest = float(np.abs(samples).max())
    voiced = np.flatnonzero(np.abs(samples) > VOICED_SHARE * loudest) if loudest else []
    if len(voiced) == 0:
        return len(samples)
    return min(len(samples), int(voiced[-1]) + 1 + round(PAD_S * rate))
