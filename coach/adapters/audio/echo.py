"""Echo cancellation with Speex (PyPI `speexdsp-aec` over Debian's `libspeexdsp1`).

Measured against WebRTC's AEC3 on the coach's own cues in a simulated room, Speex kept a
command said over a cue almost as well as with no cue at all, at about 4 ms of CPU per second
of audio (4-5 ms with the 400 ms filter below); AEC3 removed more echo but lost the talker.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from coach.adapters.audio.errors import AudioUnavailable

FRAME_MS = 40  # the audio owner hands it two periods at a time, as the listener reads them
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
        self._reach = rate * (TAIL_MS + FRAME_MS) // 1000  # the filter and the frame in hand
        self._silent = 0  # samples since the reference last sounded

    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        """The coach is silent some three quarters of a session: once nothing has been played
        for the filter's whole length there is no echo left to take out, and the microphone
        passes as it is (Speex's filter cannot learn from silence, so it is kept as it was)."""
        self._silent = self._silent + len(played) if not played.any() else 0
        if self._silent > self._reach:
            return microphone
        return np.frombuffer(self._aec.process(microphone, played), dtype=np.int16)

    def close(self) -> None:
        self._aec.close()
