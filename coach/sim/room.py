"""A simulated room: the coach's speaker, the air, a person talking and the microphone.

It plays the part of both ALSA devices for the audio owner, one 20 ms period per microphone
read, so the echo canceller and the recogniser meet what they would meet on a shelf: the coach's
own voice coming back late, reflected, smeared by the room's tail, loud enough to clip, with a
person's command and the microphone's hiss on top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.adapters.audio.devices import BUFFER_PERIODS, PERIOD_FRAMES
from coach.core.endpoint import SAMPLE_RATE


@dataclass(frozen=True)
class Acoustics:
    delay_s: float  # speaker to microphone, devices' latency included
    gain: float  # the direct echo's level against the played signal
    reflections: tuple[tuple[float, float], ...]  # (later by s, level against the direct path)
    tail_s: float  # the diffuse reverberation's length
    tail_level: float
    noise_rms: float  # the microphone's hiss, in int16 units

    @staticmethod
    def random(rng: np.random.Generator) -> Acoustics:
        """A room like the ones measured in the echo study: 5-40 ms, four reflections, a
        250 ms tail, an echo at 0.3 to 1.0 of the played level."""
        return Acoustics(
            delay_s=float(rng.uniform(0.005, 0.040)),
            gain=float(rng.uniform(0.3, 1.0)),
            reflections=tuple(
                (float(rng.uniform(0.003, 0.060)), float(rng.uniform(0.15, 0.5))) for _ in range(4)
            ),
            tail_s=0.25,
            tail_level=float(rng.uniform(0.02, 0.06)),
            noise_rms=float(rng.uniform(20, 120)),
        )

    def impulse_response(self, rng: np.random.Generator) -> np.ndarray:
        start = round(self.delay_s * SAMPLE_RATE)
        tail = round(self.tail_s * SAMPLE_RATE)
        response = np.zeros(start + round(0.06 * SAMPLE_RATE) + tail + 1)
        response[start] = 1.0
        for later, level in self.reflections:
            response[start + round(later * SAMPLE_RATE)] += level * rng.choice((-1.0, 1.0))
        decay = np.exp(-np.arange(tail) / (tail / 6.9))  # 60 dB down at the tail's end
        response[start + 1 : start + 1 + tail] += self.tail_level * decay * rng.normal(size=tail)
        return self.gain * response


class Room:
    def __init__(self, acoustics: Acoustics, rng: np.random.Generator) -> None:
        self._rng = rng
        self._noise_rms = acoustics.noise_rms
        self._response = acoustics.impulse_response(rng)
        self._history = np.zeros(len(self._response) - 1)
        self._speaker_buffer = np.zeros(0, dtype=np.int16)
        self._talk: list[tuple[int, np.ndarray]] = []
        self.t = 0  # samples since the start
        self.last_sound = -1  # the last sample at which the speaker played anything
        self.speaker = RoomSpeaker(self)
        self.microphone = RoomMicrophone(self)

    def talk(self, samples: np.ndarray, at_s: float) -> None:
        """A person says `samples`, starting `at_s` seconds into the room's time."""
        self._talk.append((round(at_s * SAMPLE_RATE), samples.astype(np.float64)))

    def seconds(self) -> float:
        return self.t / SAMPLE_RATE

    def queued(self) -> int:
        return len(self._speaker_buffer)

    def write(self, samples: np.ndarray) -> None:
        room = BUFFER_PERIODS * PERIOD_FRAMES - len(self._speaker_buffer)
        self._speaker_buffer = np.concatenate([self._speaker_buffer, samples[:room]])

    def drop(self) -> None:
        self._speaker_buffer = np.zeros(0, dtype=np.int16)

    def record_period(self) -> np.ndarray:
        played = np.zeros(PERIOD_FRAMES)
        out = self._speaker_buffer[:PERIOD_FRAMES]
        played[: len(out)] = out
        self._speaker_buffer = self._speaker_buffer[PERIOD_FRAMES:]
        if np.any(out):
            self.last_sound = self.t + int(np.flatnonzero(out)[-1])
        signal = np.concatenate([self._history, played])
        echo = np.convolve(signal, self._response, mode="valid")
        self._history = signal[PERIOD_FRAMES:]
        mic = echo + self._rng.normal(0.0, self._noise_rms, PERIOD_FRAMES)
        for start, voice in self._talk:
            lo, hi = max(self.t, start), min(self.t + PERIOD_FRAMES, start + len(voice))
            if lo < hi:
                mic[lo - self.t : hi - self.t] += voice[lo - start : hi - start]
        self.t += PERIOD_FRAMES
        return np.clip(np.round(mic), -32768, 32767).astype(np.int16)


class RoomSpeaker:
    """The playback device of the audio owner's protocol."""

    def __init__(self, room: Room) -> None:
        self._room = room

    def queued(self) -> int:
        return self._room.queued()

    def write(self, samples: np.ndarray) -> None:
        self._room.write(samples)

    def drop(self) -> None:
        self._room.drop()

    def close(self) -> None:
        """Nothing to release."""


class RoomMicrophone:
    """The capture device: every read is the next 20 ms of the room."""

    def __init__(self, room: Room) -> None:
        self._room = room

    def read(self) -> np.ndarray:
        return self._room.record_period()

    def close(self) -> None:
        """Nothing to release."""
