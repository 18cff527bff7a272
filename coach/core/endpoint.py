"""When has the person finished speaking? Sooner than Vosk's own rule says.

The small models end an utterance after half a second of silence; a command is short, so a
quarter of a second of quiet after speech is enough to ask for the result, which takes about
a quarter of a second off every command. Quiet means close to the running noise floor, so a
fan or a distant TV raises the bar instead of holding the utterance open.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000  # every audio path runs at it: microphone, echo canceller, recogniser
FRAME_S = 0.02
SPEECH_MARGIN = 3.0  # a frame this many times louder than the noise floor is speech
MIN_FLOOR = 30.0  # int16 RMS: digital silence must not make every rustle "speech"
MIN_SPEECH_FRAMES = 3  # 60 ms of loud frames before anything counts as speech
FLOOR_ADAPT = 0.05


class TrailingSilence:
    def __init__(self, sample_rate: int, trailing_s: float) -> None:
        self._frame = max(1, int(sample_rate * FRAME_S))
        self._needed = max(1, round(trailing_s / FRAME_S))
        self.reset()

    def reset(self) -> None:
        self._floor: float | None = None
        self._loud = 0
        self._quiet = 0
        self._in_speech = False
        self.after_speech = False  # quiet has followed speech, and no new speech has begun
        self._left_over = np.zeros(0, dtype=np.float32)

    def answered(self) -> None:
        """The utterance was taken: quiet goes on, but there is nothing more to answer."""
        self.after_speech = False

    def update(self, pcm: bytes) -> bool:
        """Feed audio; True once per utterance, when enough quiet has followed speech."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
        samples = np.concatenate([self._left_over, samples])
        whole = len(samples) - len(samples) % self._frame
        self._left_over = samples[whole:]
        ended = False
        for frame in samples[:whole].reshape(-1, self._frame):
            ended |= self._frame_done(float(np.sqrt(np.mean(frame * frame))))
        return ended

    def _frame_done(self, rms: float) -> bool:
        if self._floor is None:
            self._floor = max(rms, MIN_FLOOR)
        loud = rms > SPEECH_MARGIN * self._floor
        if not loud:
            self._floor = max(MIN_FLOOR, (1 - FLOOR_ADAPT) * self._floor + FLOOR_ADAPT * rms)
        if not self._in_speech:
            self._loud = self._loud + 1 if loud else 0
            if self._loud >= MIN_SPEECH_FRAMES:
                self._in_speech, self._quiet, self.after_speech = True, 0, False
            return False
        self._quiet = 0 if loud else self._quiet + 1
        if self._quiet >= self._needed:
            self._in_speech, self._loud, self.after_speech = False, 0, True
            return True
        return False


class SteadyPartial:
    """The same words in the recogniser's running guess for `steady_s` of audio.

    Over the coach's own speech the microphone is never quiet (the canceller leaves a faint
    residue), so quiet alone cannot end an utterance there; a guess that has stopped changing
    can."""

    def __init__(self, sample_rate: int, steady_s: float) -> None:
        self._needed = round(steady_s * sample_rate)
        self.reset()

    def reset(self) -> None:
        self._text = ""
        self._samples = 0

    def update(self, partial: str, samples: int) -> bool:
        """Feed the guess after `samples` more audio; True once it has held long enough."""
        if partial != self._text:
            self._text, self._samples = partial, 0
            return False
        self._samples += samples
        return bool(partial) and self._samples >= self._needed
