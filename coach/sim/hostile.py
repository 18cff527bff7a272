"""Hostile inputs, made on purpose: configs, recordings and videos an unlucky user or an attacker
could hand the coach, and the verdict on a recording (coach/app/verdicts.py judges configs and
videos, which take the whole coach).

The tests and `scripts/bench --only robustness` both draw from here. Every input comes from a
seeded generator, so a failure can be made again. A case passes when the coach either accepts
the input and works, or refuses it with one printable line per problem; a traceback, a hang or
a half-written file fails it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import signal
import struct
import tomllib
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.adapters.frames import FrameSource
from coach.settings.load import MAX_CONFIG_BYTES

CASE_TIMEOUT_S = 20.0
CONTROL = "\x00\x07\x1b[31m\n\r\t\x7f\x9b\u2028"
HOSTILE_VALUES = (
    "10" + "0" * 400,
    "-" + "9" * 400,
    "9" * 5000,
    "9223372036854775808",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "-inf",
    "0",
    "-1",
    "1.5e-320",
    "true",
    '""',
    '" "',
    '"' + "x" * 100_000 + '"',
    '"\\u0000"',
    '"\\u001b[2J\\u001b[31mred"',
    '"line\\nbreak"',
    '"\\u202eevil"',
    "'file:\"|id >/tmp/pwned\"'",
    "'-Dnull'",
    "'../../../../etc/passwd'",
    "[]",
    "[1, 2, 3]",
    '["a", 1]',
    "[" * 200 + "]" * 200,
    "{}",
    "{a = 1}",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    '"#000000"',
    '"#808080"',
    '"#ffd400"',
    '"#FF00E0"',
    '"red"',
)
WEIRD_KEYS = ('"a\\nb"', '"\\u001b[31m"', '""', '"' + "k" * 5000 + '"', '"ключ"', "x.y.z")


@dataclass(frozen=True)
class Verdict:
    case: str
    problem: str | None  # None: passed


@dataclass(frozen=True)
class Tally:
    tried: int
    passed: int
    failed: int
    failures: tuple[Verdict, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "tried": self.tried,
            "passed": self.passed,
            "failed": self.failed,
            "first_failures": [f"{v.case}: {v.problem}" for v in self.failures[:5]],
        }


def tally(verdicts: list[Verdict]) -> Tally:
    failures = tuple(v for v in verdicts if v.problem is not None)
    return Tally(len(verdicts), len(verdicts) - len(failures), len(failures), failures)


class _TimedOut(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """A hang becomes a failed case, not a stuck run (the main thread only, as signals are)."""

    def expire(signum: int, frame: object) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def judged(case: str, check: Callable[[], str | None]) -> Verdict:
    try:
        with _time_limit(CASE_TIMEOUT_S):
            return Verdict(case, check())
    except _TimedOut:
        return Verdict(case, f"no answer within {CASE_TIMEOUT_S:g} s")
    except Exception as exc:  # the point of the exercise: anything escaping is a failure
        return Verdict(case, f"{type(exc).__name__}: {str(exc)[:200]}")


# Configs


def hostile_configs(default_text: str, rng: np.random.Generator, count: int) -> Iterator[bytes]:
    """Mutations of the documented config, then files that are not configs at all."""
    lines = default_text.splitlines()
    settable = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]
    makers: list[Callable[[], bytes]] = [
        lambda: _with_value(lines, settable, rng),
        lambda: _with_value(lines, settable, rng),
        lambda: _with_value(lines, settable, rng),
        lambda: _with_several_values(lines, settable, rng),
        lambda: _with_key(lines, rng),
        lambda: _with_sane_numbers(lines, settable, rng),
        lambda: _within_ranges(rng),
        lambda: _within_ranges(rng),
        lambda: _within_ranges(rng),
        lambda: _damaged_bytes(default_text.encode(), rng),
    ]
    fixed = [
        b"",
        b"\xef\xbb\xbf[tempo]\nlift_s = 2\n",
        b"\xff\xfe\x00garbage",
        bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        b"a = " + b"[" * 900 + b"]" * 900,
        b"a = " + b"{b = " * 900 + b"}" * 901,
        b"[tempo]\n[tempo]\n",
        b"# " + b"x" * (MAX_CONFIG_BYTES + 10),
    ]
    yield from fixed
    for _ in range(max(0, count - len(fixed))):
        yield makers[int(rng.integers(len(makers)))]()


def _with_value(lines: list[str], settable: list[int], rng: np.random.Generator) -> bytes:
    out = list(lines)
    i = settable[int(rng.integers(len(settable)))]
    key = out[i].split(" = ", 1)[0]
    out[i] = f"{key} = {HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))]}"
    return "\n".join(out).encode()


def _with_several_values(lines: list[str], settable: list[int], rng: np.random.Generator) -> bytes:
    text = "\n".join(lines)
    for _ in range(int(rng.integers(2, 6))):
        text = _with_value(text.splitlines(), settable, rng).decode()
    return text.encode()


def _with_key(lines: list[str], rng: np.random.Generator) -> bytes:
    out = list(lines)
    tables = [i for i, line in enumerate(out) if line.startswith("[")]
    i = tables[int(rng.integers(len(tables)))]
    key = WEIRD_KEYS[int(rng.integers(len(WEIRD_KEYS)))]
    out.insert(i + 1, f"{key} = {HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))]}")
    if rng.random() < 0.3:
        out.insert(0, '["\\u001b[1mtable"]')
    return "\n".join(out).encode()


def _with_sane_numbers(lines: list[str], settable: list[int], rng: np.random.Generator) -> bytes:
    """Numbers each in range on their own, which together may still make no sense (a tempo the
    form rules fault, markers of one colour): what a user tuning the config might write."""
    out = list(lines)
    numeric = [i for i in settable if _number(out[i].split(" = ", 1)[1]) is not None]
    for i in rng.choice(numeric, size=int(rng.integers(1, 4)), replace=False):
        key, value = out[i].split(" = ", 1)
        number = _number(value)
        assert number is not None
        scaled = number * float(rng.choice([0.5, 0.8, 1.25, 2.0]))
        out[i] = f"{key} = {round(scaled) if '.' not in value else round(scaled, 2)}"
    colours = [i for i in settable if '"#' in out[i]]
    if rng.random() < 0.25:
        first, second = rng.choice(colours, size=2, replace=False)
        out[second] = out[second].split(" = ")[0] + " = " + out[first].split(" = ")[1]
    return "\n".join(out).encode()


def _within_ranges(rng: np.random.Generator) -> bytes:
    """Each number anywhere in the range the schema allows, its ends included: valid one by
    one, so the config is often accepted and the coach must then run with it."""
    from coach.settings import Settings

    defaults = Settings()
    lines = []
    for section in dataclasses.fields(defaults):
        table = getattr(defaults, section.name)
        lines.append(f"[{section.name}]")
        for spec in dataclasses.fields(table):
            if "range" not in spec.metadata or rng.random() < 0.6:
                continue
            lo, hi = spec.metadata["range"]
            value = float(rng.choice([lo, hi, rng.uniform(lo, hi)]))
            whole = isinstance(getattr(table, spec.name), int)
            lines.append(f"{spec.name} = {round(value) if whole else round(value, 3)}")
    return "\n".join(lines).encode()


def _number(value: str) -> float | None:
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return None
    return float(parsed) if isinstance(parsed, int | float) and parsed else None


def _damaged_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    damaged = bytearray(data[: int(rng.integers(1, len(data)))])
    for _ in range(int(rng.integers(1, 20))):
        damaged[int(rng.integers(len(damaged)))] = int(rng.integers(256))
    return bytes(damaged)


# Recordings


def hostile_wavs(rng: np.random.Generator, count: int) -> Iterator[bytes]:
    """WAV files whose headers lie or whose data is cut, and files that are no WAV at all."""
    rates = (0, 1, 100, 7999, 8000, 16000, 44100, 48000, 192000, 192001, 2**32 - 1)
    for _ in range(count):
        kind = rng.random()
        if kind < 0.1:
            yield bytes(rng.integers(0, 256, int(rng.integers(0, 200)), dtype=np.uint8))
            continue
        channels = int(rng.choice([1, 2, 3, 8, 9]))
        width = int(rng.choice([2, 2, 2, 1, 3, 4]))
        frames = int(rng.integers(0, 4000))
        data = bytes(rng.integers(0, 256, frames * channels * width, dtype=np.uint8))
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(channels)
            wav.setsampwidth(width)
            wav.setframerate(16000)
            wav.writeframes(data)
        raw = bytearray(buffer.getvalue())
        raw[24:28] = struct.pack("<I", int(rng.choice(rates)))
        if rng.random() < 0.3:  # the data chunk claims more than is there
            raw[40:44] = struct.pack("<I", int(rng.integers(0, 2**32)))
        if rng.random() < 0.3:
            raw = raw[: int(rng.integers(12, len(raw) + 1))]
        if rng.random() < 0.2:
            raw[22:24] = struct.pack("<H", int(rng.integers(0, 65536)))
        yield bytes(raw)


def check_wav_case(path: Path) -> str | None:
    """The recording is either read through, a tenth of a second at a time, or refused with one
    line."""
    from coach.adapters.audio.errors import AudioUnavailable
    from coach.adapters.voice.audio import CHUNK_BYTES, WavSource

    try:
        with path.open("rb") as stream:
            source = WavSource(stream, path.name)
            while chunk := source.read():
                if len(chunk) > CHUNK_BYTES or len(chunk) % 2:
                    return f"a chunk of {len(chunk)} bytes"
    except AudioUnavailable as exc:
        if "\n" in str(exc) or not str(exc).startswith(path.name):
            return f"refused without one line naming the file: {exc!r}"
    return None


# Videos


def hostile_videos(folder: Path, rng: np.random.Generator, count: int) -> Iterator[Path]:
    """Videos too small, cut short or damaged, and files that only say they are videos."""
    import av

    sizes = ((16, 16), (32, 32), (34, 26), (64, 48), (320, 240), (2562, 1442))
    for i in range(count):
        path = folder / f"case{i}.{rng.choice(['mp4', 'avi', 'mkv'])}"
        kind = i % 4
        if kind == 0:
            path.write_bytes(bytes(rng.integers(0, 256, int(rng.integers(0, 5000)), np.uint8)))
        else:
            width, height = sizes[int(rng.integers(len(sizes)))]
            container = av.open(str(path), "w")
            stream = container.add_stream("mpeg4", rate=15)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for _ in range(int(rng.integers(1, 6))):
                noise = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
                for packet in stream.encode(av.VideoFrame.from_ndarray(noise, format="bgr24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
            container.close()
            if kind == 2:  # cut short
                data = path.read_bytes()
                path.write_bytes(data[: int(rng.integers(1, len(data)))])
            elif kind == 3:  # bytes flipped in the middle
                data = bytearray(path.read_bytes())
                for _ in range(20):
                    data[int(rng.integers(len(data) // 4, len(data)))] = int(rng.integers(256))
                path.write_bytes(bytes(data))
        yield path


def annotation_target(video: Path, rng: np.random.Generator) -> Path:
    """Where --annotate is asked to write: mostly a new file, sometimes a place it must refuse
    (the recording itself, someone's file, a folder, a folder that is not there, no video)."""
    choice = int(rng.integers(8))
    if choice == 0:
        return video
    if choice == 1:
        kept = video.with_name(f"{video.stem}-kept.mp4")
        kept.write_bytes(b"someone's video")
        return kept
    if choice == 2:
        folder = video.with_name(f"{video.stem}-folder.mp4")
        folder.mkdir(exist_ok=True)
        return folder
    if choice == 3:
        return video.parent / "missing" / "out.mp4"
    if choice == 4:
        return video.with_name(f"{video.stem}-out.txt")
    return video.with_name(f"{video.stem}-annotated.mp4")


# What a camera could hand over that is not a colour image: a format switched by another
# program, a grey or 16-bit mode, an empty or one-pixel buffer.
ODD_FRAMES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "four channels": lambda f: np.dstack([f, np.full(f.shape[:2], 255, np.uint8)]),
    "grey": lambda f: f[:, :, 0].copy(),
    "float": lambda f: f.astype(np.float32) / 255,
    "uint16": lambda f: f.astype(np.uint16) * 256,
    "empty": lambda f: np.zeros((0, 0, 3), np.uint8),
    "one pixel": lambda f: f[:1, :1].copy(),
}


class OddFrames:
    """A camera whose every `every`-th frame comes in another of ODD_FRAMES' formats, in turn."""

    def __init__(self, camera: FrameSource, every: int = 5) -> None:
        self._camera, self._every = camera, every
        self.reads = self.odd = 0

    def read(self, t: float) -> np.ndarray | None:
        frame = self._camera.read(t)
        self.reads += 1
        if frame is None or self.reads % self._every:
            return frame
        self.odd += 1
        kinds = list(ODD_FRAMES.values())
        return kinds[self.odd % len(kinds)](frame)

    def close(self) -> None:
        self._camera.close()
