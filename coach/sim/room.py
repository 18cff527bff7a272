"""A simulated room: the coach's speaker, the air, a person talking and the microphone.

It plays the part of both ALSA devices for the audio owner, one 20 ms period per microphone
read, so the echo canceller and the recogniser meet what they would meet on a shelf: the coach's
own voice coming back late, reflected, smeared by the room's tail, loud enough to clip, with a
person's command and the microphone's hiss on top.

`Hardware` adds what a separate USB speaker and microphone bring: the speaker's clock running
apart from the microphone's (its samples are read out at its own rate and resampled, as the air
does, onto the microphone's), a fill level reported only to a USB packet and jittering by one,
latency that changes once without the device saying so, and a small speaker's soft clipping
and missing bass.
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

    @staticmethod
    def living_room(rng: np.random.Generator, rt60_s: float) -> Acoustics:
        """A room whose diffuse tail dies away 60 dB in `rt60_s`, about as loud in all as the
        direct sound (a speaker 1-2 m from the microphone in a furnished room)."""
        base = Acoustics.random(rng)
        # The tail's energy, level^2 * rt60 * SAMPLE_RATE / 13.8, set to match the direct path's.
        level = float(np.sqrt(13.8 / (rt60_s * SAMPLE_RATE)) * rng.uniform(0.7, 1.0))
        return Acoustics(base.delay_s, base.gain, base.reflections, rt60_s, level, base.noise_rms)

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


@dataclass(frozen=True)
class Hardware:
    """How the speaker and microphone differ from one ideal device on one clock."""

    clock_ppm: float = 0.0  # how much faster the speaker's clock runs than the microphone's
    packet: int = 0  # the speaker's fill is known only to this many samples, jittering by one
    jump_at_s: float | None = None  # when latency the device does not report changes
    jump_s: float = 0.0  # by how much
    highpass_hz: float = 0.0  # a small speaker's missing bass (second order)
    clip: float = 0.0  # where a small speaker's soft clipping sets in (int16 units; 0: none)


SINC_TAPS = 32  # the air's resampling from the speaker's clock onto the microphone's


class Room:
    def __init__(
        self, acoustics: Acoustics, rng: np.random.Generator, hardware: Hardware | None = None
    ) -> None:
        self._rng = rng
        self._hardware = hardware or Hardware()
        self._noise_rms = acoustics.noise_rms
        response = acoustics.impulse_response(rng)
        if self._hardware.highpass_hz:
            response = np.convolve(response, _highpass(self._hardware.highpass_hz))
        self._response_len = len(response)
        self._fft_size = 1 << int(np.ceil(np.log2(len(response) + PERIOD_FRAMES)))
        self._response = np.fft.rfft(response, self._fft_size)
        self._history = np.zeros(len(response) - 1)
        self._speaker_buffer = np.zeros(0, dtype=np.int16)
        self._ratio = 1.0 + self._hardware.clock_ppm * 1e-6
        self._stream = np.zeros(SINC_TAPS)  # what the speaker has sounded, on its own clock
        self._stream_start = -SINC_TAPS // 2  # its first sample's place on that clock
        self._speaker_at = 0.0  # the speaker's place when the next microphone sample is taken
        self._hidden = np.zeros(0)  # the latency the device does not report, as a delay line
        self._talk: list[tuple[int, np.ndarray]] = []
        self.t = 0  # samples since the start
        self.last_sound = -1  # the last sample at which the speaker played anything
        self.speaker = RoomSpeaker(self)
        self.microphone = RoomMicrophone(self)

    def talk(self, samples: np.ndarray, at_s: float) -> None:
        """A person says `samples`, starting `at_s` seconds into the room's time."""
        self._talk.append((round(at_s * SAMPLE_RATE), samples.astype(np.float64)))

    def echo_gain(self) -> float:
        """The echo's level at the microphone against the played level, for speech-like sound."""
        response = np.fft.irfft(self._response, self._fft_size)[: self._response_len]
        return float(np.sqrt(np.sum(response**2)))

    def seconds(self) -> float:
        return self.t / SAMPLE_RATE

    def queued(self) -> int:
        """What the speaker reports it holds: exact for one ideal device, else to a USB packet
        with a packet's jitter either way."""
        held = len(self._speaker_buffer)
        packet = self._hardware.packet
        if not packet:
            return held
        reported = packet * int(np.ceil(held / packet)) + packet * int(self._rng.integers(-1, 2))
        return int(np.clip(reported, 0, BUFFER_PERIODS * PERIOD_FRAMES))

    def write(self, samples: np.ndarray) -> None:
        room = BUFFER_PERIODS * PERIOD_FRAMES - len(self._speaker_buffer)
        self._speaker_buffer = np.concatenate([self._speaker_buffer, samples[:room]])

    def drop(self) -> None:
        self._speaker_buffer = np.zeros(0, dtype=np.int16)

    def record_period(self) -> np.ndarray:
        sounded = self._sounded()
        if self._hardware.clip:
            sounded = self._hardware.clip * np.tanh(sounded / self._hardware.clip)
        sounded = self._delay_hidden(sounded)
        signal = np.concatenate([self._history, sounded])
        spectrum = np.fft.rfft(signal, self._fft_size) * self._response
        echo = np.fft.irfft(spectrum, self._fft_size)[len(self._history) : len(signal)]
        self._history = signal[PERIOD_FRAMES:]
        mic = echo + self._rng.normal(0.0, self._noise_rms, PERIOD_FRAMES)
        for start, voice in self._talk:
            lo, hi = max(self.t, start), min(self.t + PERIOD_FRAMES, start + len(voice))
            if lo < hi:
                mic[lo - self.t : hi - self.t] += voice[lo - start : hi - start]
        self.t += PERIOD_FRAMES
        return np.clip(np.round(mic), -32768, 32767).astype(np.int16)

    def _sounded(self) -> np.ndarray:
        """The speaker's sound over the next microphone period. On one clock, its samples as
        they are; on two, read out at the speaker's rate and taken at the microphone's."""
        if self._ratio == 1.0:
            out = self._take(PERIOD_FRAMES)
            self._mark_sound(out, self.t)
            return out.astype(np.float64)
        places = self._speaker_at + self._ratio * np.arange(PERIOD_FRAMES)
        self._speaker_at += self._ratio * PERIOD_FRAMES
        needed = int(np.ceil(places[-1])) + SINC_TAPS // 2 + 1
        have = self._stream_start + len(self._stream)
        if needed > have:
            fresh = self._take(needed - have)
            self._mark_sound(fresh, self.t)
            self._stream = np.concatenate([self._stream, fresh])
        keep = int(np.floor(places[0])) - SINC_TAPS // 2 - self._stream_start
        self._stream, self._stream_start = self._stream[keep:], self._stream_start + keep
        return _sinc_at(self._stream, places - self._stream_start)

    def _take(self, count: int) -> np.ndarray:
        """The next `count` samples the speaker plays: what it holds, then silence."""
        out = np.zeros(count)
        part = self._speaker_buffer[:count]
        out[: len(part)] = part
        self._speaker_buffer = self._speaker_buffer[count:]
        return out

    def _mark_sound(self, out: np.ndarray, at: int) -> None:
        if np.any(out):
            self.last_sound = at + min(int(np.flatnonzero(out)[-1]), PERIOD_FRAMES - 1)

    def _delay_hidden(self, sounded: np.ndarray) -> np.ndarray:
        jump_at = self._hardware.jump_at_s
        if jump_at is not None and self.t <= jump_at * SAMPLE_RATE < self.t + PERIOD_FRAMES:
            self._hidden = np.concatenate(
                [np.zeros(round(self._hardware.jump_s * SAMPLE_RATE)), self._hidden]
            )
        if not len(self._hidden):
            return sounded
        line = np.concatenate([self._hidden, sounded])
        self._hidden = line[PERIOD_FRAMES:]
        return line[:PERIOD_FRAMES]


_SINC_OFFSETS = np.arange(-SINC_TAPS // 2 + 1, SINC_TAPS // 2 + 1)
_SINC_WINDOW = np.blackman(SINC_TAPS + 2)[1:-1]


def _sinc_at(samples: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Band-limited reading of `samples` at fractional `places` (a Blackman-windowed sinc)."""
    base = np.floor(places).astype(np.int64)
    index = base[:, None] + _SINC_OFFSETS[None, :]
    distance = places[:, None] - index
    weights = np.sinc(distance) * _SINC_WINDOW[None, :]
    weights /= weights.sum(axis=1, keepdims=True)
    return np.sum(samples[np.clip(index, 0, len(samples) - 1)] * weights, axis=1)


def _highpass(cutoff_hz: float) -> np.ndarray:
    """A second-order Butterworth high-pass's impulse response (bilinear transform), long
    enough to have died away: a small speaker's missing bass, folded into the room's response."""
    k = np.tan(np.pi * cutoff_hz / SAMPLE_RATE)
    norm = 1.0 / (1.0 + np.sqrt(2.0) * k + k * k)
    b = np.array([1.0, -2.0, 1.0]) * norm
    a = np.array([2.0 * (k * k - 1.0) * norm, (1.0 - np.sqrt(2.0) * k + k * k) * norm])
    length = round(0.05 * SAMPLE_RATE)
    out = np.zeros(length)
    x1 = x2 = y1 = y2 = 0.0
    for n in range(length):
        x0 = 1.0 if n == 0 else 0.0
        y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2
        out[n], x2, x1, y2, y1 = y0, x1, x0, y1, y0
    return out


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
