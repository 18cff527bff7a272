"""Echo cancellation with Speex (PyPI `speexdsp-aec` over Debian's `libspeexdsp1`).

Measured against WebRTC's AEC3 on the coach's own cues in a simulated room, Speex kept a
command said over a cue almost as well as with no cue at all, at about 4 ms of CPU per second
of audio (4-5 ms with the 400 ms filter below); AEC3 removed more echo but lost the talker.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from coach.adapters.audio.errors import AudioUnavailable

FRAME_MS = 20
# The echo path Speex learns. A living room rings longer than 200 ms (RT60 0.6 s), and what a
# 200 ms filter left of it in the pauses of a cue was heard as "it hurts"; 300-400 ms took
# 3-5 dB more out there for under 1 ms more CPU per second of audio, while 600 ms adapted
# more slowly and left more (scripts/bench_canceller.py; README, "hears you while it talks").
TAIL_MS = 400


class EchoCanceller(Protocol):
    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        """The microphone's samples with the played samples' echo taken out."""
        ...

    def close(self) -> None: ...


class SpeexCanceller:
    def __init__(self, rate: int) -> None:
        try:
            from speexdsp_aec import SpeexAec
        except ImportError as exc:
            raise AudioUnavailable(f"speexdsp-aec is not installed ({exc})") from None
        try:
            self._aec = SpeexAec(sample_rate=rate, frame_ms=FRAME_MS, filter_tail_ms=TAIL_MS)
        except RuntimeError as exc:
            raise AudioUnavailable(f"libspeexdsp1 is missing ({exc})") from None

    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        return np.frombuffer(self._aec.process(microphone, played), dtype=np.int16)

    def close(self) -> None:
        self._aec.close()
