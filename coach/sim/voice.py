"""A simulated person speaking: espeak-ng utterances, silence and room noise, as 16 kHz PCM.

Used by the tests and the benchmark to feed the real recogniser with known speech.
"""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np

from coach.adapters.voice.audio import SAMPLE_RATE, WavSource


def espeak(text: str, voice: str = "en", words_per_minute: int = 150) -> np.ndarray:
    """`text` said by espeak-ng, as 16 kHz mono int16 samples."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    source = WavSource(io.BytesIO(wav), f"espeak-ng {voice}")
    chunks = []
    while chunk := source.read():
        chunks.append(chunk)
    return np.frombuffer(b"".join(chunks), dtype=np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)


def with_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """White noise mixed in so speech stands `snr_db` above it (power measured on the speech)."""
    speech = samples.astype(np.float64)
    voiced = speech[np.abs(speech) > 0.02 * np.abs(speech).max()] if speech.any() else speech
    power = float(np.mean(voiced**2)) if voiced.size else 0.0
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), size=speech.shape)
    return np.clip(speech + noise, -32768, 32767).astype(np.int16)


def join(parts: list[np.ndarray], gap_s: float = 1.0) -> np.ndarray:
    """Utterances one after another, with quiet around each."""
    pieces = [silence(gap_s)]
    for part in parts:
        pieces += [part, silence(gap_s)]
    return np.concatenate(pieces)


def to_wav(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.astype(np.int16).tobytes())
    return buffer.getvalue()
