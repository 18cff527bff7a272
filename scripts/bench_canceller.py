"""Benchmark: the echo canceller alone in each hostile room, without the recogniser.

Cheap enough to run per change: the default session's cues from the set-up on, through the
audio owner and Speex in each room of bench_rooms.ROOMS, the latency jump (where the room has
one) JUMP_AT_S in. Per room and trial: the echo removed over the coach's voice (the microphone
against the canceller's output, nobody talking) in the first seconds, before the jump, just
after it and later; seconds of the coach's voice before a second of it is cancelled by 15 dB;
seconds from the jump until the owner listens through the coach's voice again (its ERLE
check's verdict); and Speex's CPU per second of audio.

    nice .venv/bin/python scripts/bench_canceller.py [--rooms a,b] [--trials N] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from bench import session_material
from bench_rooms import ROOMS

from coach.adapters.audio.devices import PERIOD_FRAMES
from coach.adapters.audio.echo import SpeexCanceller
from coach.adapters.audio.owner import CAPTURE_CHUNK_PERIODS, AudioOwner
from coach.core.endpoint import SAMPLE_RATE
from coach.sim.room import Room
from coach.sim.talkover import TimedCue

JUMP_AT_S = 45.0
SETUP_S = 40.0  # of the spoken set-up before the first set, where the run starts
ENOUGH_DB = 15.0
SOUNDING_RMS = 200.0


class WatchedCanceller:
    """Speex, with each period's echo removal and whether the coach was sounding kept by the
    room's time (the last processed for it: after a re-alignment the owner replays the
    periods before it first)."""

    def __init__(self, seconds: Callable[[], float]) -> None:
        self._speex = SpeexCanceller(SAMPLE_RATE)
        self._seconds = seconds
        self.periods: dict[float, tuple[float, bool]] = {}  # end: (ERLE dB, coach sounding)
        self.cpu_s = 0.0

    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        started = time.process_time()
        out = self._speex.process(microphone, played)
        self.cpu_s += time.process_time() - started
        heard, left = _energy(microphone), _energy(out)
        sounding = np.sqrt(_energy(played) / len(played)) > SOUNDING_RMS
        erle = 10 * np.log10((heard + 1) / (left + 1))
        self.periods[self._seconds()] = (erle, bool(sounding))
        return out

    def close(self) -> None:
        self._speex.close()


def _energy(samples: np.ndarray) -> float:
    values = samples.astype(np.float64)
    return float(values @ values)


def one_run(cues: list[TimedCue], begin: float, name: str, seed: int, seconds: float) -> dict:
    rng = np.random.default_rng(seed)
    room_kind = ROOMS[name]
    hardware = room_kind.hardware(rng, JUMP_AT_S)
    room = Room(room_kind.acoustics(rng), rng, hardware)
    canceller = WatchedCanceller(room.seconds)
    owner = AudioOwner(lambda: room.speaker, lambda: canceller, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    upcoming = sorted((c for c in cues if c.end > begin), key=lambda c: c.start)
    playing: TimedCue | None = None
    listening: list[tuple[float, bool]] = []
    owner.play(np.zeros(0, dtype=np.int16))
    while (now := room.seconds()) < seconds:
        while upcoming and upcoming[0].start <= begin + now:
            playing = upcoming.pop(0)
            owner.play(
                playing.samples[round(max(0.0, begin + now - playing.start) * SAMPLE_RATE) :]
            )
        if playing is not None and begin + now >= playing.end:
            if playing.was_cut:
                owner.stop_playing()
            playing = None
        for _ in range(CAPTURE_CHUNK_PERIODS):
            owner.step()
        microphone.read()
        listening.append((now, owner.echo_settled()))
    owner.close()
    voiced = sorted((t, db) for t, (db, sounding) in canceller.periods.items() if sounding)
    return {
        "first_5s_db": _median(voiced, 0.0, 5.0),
        "before_jump_db": _median(voiced, JUMP_AT_S - 20.0, JUMP_AT_S),
        "after_jump_2_10s_db": _median(voiced, JUMP_AT_S + 2.0, JUMP_AT_S + 10.0),
        "later_db": _median(voiced, JUMP_AT_S + 20.0, seconds),
        "voice_s_to_15db_from_start": _voice_to_enough(voiced, 0.0),
        "listening_again_s_after_jump": _listening_again(listening)
        if hardware.jump_at_s is not None
        else None,
        "speex_cpu_ms_per_s": round(1000 * canceller.cpu_s / seconds, 2),
    }


def _median(voiced: list[tuple[float, float]], start: float, end: float) -> float | None:
    values = [db for t, db in voiced if start <= t < end]
    return round(statistics.median(values), 1) if values else None


def _voice_to_enough(voiced: list[tuple[float, float]], start: float) -> float | None:
    """Seconds of the coach's voice from `start` before a second of it is cancelled by 15 dB."""
    after = [db for t, db in voiced if t >= start]
    second = round(1.0 / (PERIOD_FRAMES / SAMPLE_RATE))
    for k in range(len(after) - second + 1):
        if statistics.median(after[k : k + second]) >= ENOUGH_DB:
            return round(k * PERIOD_FRAMES / SAMPLE_RATE, 1)
    return None


def _listening_again(listening: list[tuple[float, bool]]) -> float | None:
    """Seconds from the jump until the owner listens through the coach's voice once more."""
    after = [(t, ok) for t, ok in listening if t >= JUMP_AT_S]
    lost = next((t for t, ok in after if not ok), None)
    if lost is None:
        return 0.0
    back = next((t for t, ok in after if t > lost and ok), None)
    return round(back - JUMP_AT_S, 1) if back is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", default=",".join(ROOMS))
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=90.0)
    args = parser.parse_args()
    material = session_material()
    begin = material.sets[0][0] - SETUP_S
    figures = {
        name: [
            one_run(material.played, begin, name, 100 + trial, args.seconds)
            for trial in range(args.trials)
        ]
        for name in args.rooms.split(",")
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
