"""Benchmark: the echo canceller alone in each hostile room, without the recogniser.

Cheap enough to run per change: the default session's cues from the set-up on, through the
audio owner and Speex in each room of bench_rooms.ROOMS, to the end of the first set, the
latency jump (where the room has one) JUMP_AT_S in, a few seconds into the set. Per room and
trial: the echo removed over the coach's voice (the microphone against the canceller's output,
nobody talking) in the first seconds, before the jump, just after it and later, and over the
set's first cue; seconds of the coach's voice before a second of it is cancelled by 15 dB,
from the start and from the jump; seconds from the jump until the owner listens through the
coach's voice again (its ERLE check's verdict); seconds of the coach's voice the owner
listened through while the last second of it was cancelled by less than 15 dB and 10 dB
(the self-check should have had the gate on); the share of the first set the listener was
deaf (the gate shut on the coach's voice, the canceller not trusted); and the CPU per second
of audio of Speex and of the owner's whole echo path (the simulated devices' work left out).

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
from bench_rooms import ROOMS

from coach.adapters.audio.devices import PERIOD_FRAMES
from coach.adapters.audio.echo import SpeexCanceller
from coach.adapters.audio.owner import CAPTURE_CHUNK_PERIODS, AudioOwner
from coach.core.endpoint import SAMPLE_RATE
from coach.core.phrases import EchoGate
from coach.sim.room import Room
from coach.sim.talkover import Material, TimedCue

JUMP_AT_S = 45.0
SETUP_S = 40.0  # of the spoken set-up before the first set, where the run starts
ENOUGH_DB = 15.0
LOW_DB = 10.0
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
        self.watching_s = 0.0  # the bench's own bookkeeping, not the owner's
        self.last_end = 0.0  # the room's time when it was last called

    def process(self, microphone: np.ndarray, played: np.ndarray) -> np.ndarray:
        started = time.process_time()
        out = self._speex.process(microphone, played)
        speex = time.process_time()
        self.cpu_s += speex - started
        end = self.last_end = self._seconds()
        for at in range(0, len(out), PERIOD_FRAMES):  # period by period, as the owner judges
            part = slice(at, at + PERIOD_FRAMES)
            heard, left = _energy(microphone[part]), _energy(out[part])
            sounding = np.sqrt(_energy(played[part]) / PERIOD_FRAMES) > SOUNDING_RMS
            erle = 10 * np.log10((heard + 1) / (left + 1))
            self.periods[end - (len(out) - at - PERIOD_FRAMES) / SAMPLE_RATE] = (
                erle,
                bool(sounding),
            )
        self.watching_s += time.process_time() - speex
        return out

    def close(self) -> None:
        self._speex.close()


class TimedRoom(Room):
    """The simulated room, counting the CPU its devices take (not the owner's)."""

    cpu_s = 0.0

    def record_period(self) -> np.ndarray:
        started = time.process_time()
        try:
            return super().record_period()
        finally:
            self.cpu_s += time.process_time() - started

    def queued(self) -> int:
        started = time.process_time()
        try:
            return super().queued()
        finally:
            self.cpu_s += time.process_time() - started

    def write(self, samples: np.ndarray) -> None:
        started = time.process_time()
        super().write(samples)
        self.cpu_s += time.process_time() - started


def _energy(samples: np.ndarray) -> float:
    values = samples.astype(np.float64)
    return float(values @ values)


def one_run(
    cues: list[TimedCue],
    begin: float,
    name: str,
    seed: int,
    seconds: float,
    first_set: tuple[float, float],
    echo_tail_s: float,
) -> dict:
    """One trial from `begin` (session seconds) for `seconds`; `first_set` in session seconds."""
    rng = np.random.default_rng(seed)
    room_kind = ROOMS[name]
    hardware = room_kind.hardware(rng, JUMP_AT_S)
    room = TimedRoom(room_kind.acoustics(rng), rng, hardware)
    canceller = WatchedCanceller(room.seconds)
    owner = AudioOwner(lambda: room.speaker, lambda: canceller, real_time=False)
    microphone = owner.attach_capture(room.microphone)
    upcoming = sorted((c for c in cues if c.end > begin), key=lambda c: c.start)
    set_cues = [c.start - begin for c in upcoming if c.start >= first_set[0]]
    playing: TimedCue | None = None
    listening: list[tuple[float, bool]] = []
    deaf: list[float] = []
    gate = EchoGate(echo_tail_s)
    owner_s = 0.0
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
        started = time.process_time()
        for _ in range(CAPTURE_CHUNK_PERIODS):
            owner.step()
        owner_s += time.process_time() - started
        microphone.read()
        if canceller.last_end < room.seconds() - 0.001:
            # Held after a collapse, the canceller not called: nothing taken out.
            sounding = room.last_sound >= room.t - CAPTURE_CHUNK_PERIODS * PERIOD_FRAMES
            canceller.periods[room.seconds()] = (0.0, sounding)
            canceller.last_end = room.seconds()
        through = owner.echo_settled()
        listening.append((now, through))
        speaking = playing is not None or not owner.wait_played(0)
        if not (gate.update(now, speaking) or through):
            deaf.append(now)
    owner.close()
    voiced = sorted((t, db) for t, (db, sounding) in canceller.periods.items() if sounding)
    jump = hardware.jump_at_s
    set_start, set_end = first_set[0] - begin, min(first_set[1] - begin, seconds)
    chunk_s = CAPTURE_CHUNK_PERIODS * PERIOD_FRAMES / SAMPLE_RATE
    first_cue = set_cues[0] if set_cues else seconds
    echo_s = owner_s - room.cpu_s - canceller.watching_s
    return {
        "first_5s_db": _median(voiced, 0.0, 5.0),
        "before_jump_db": _median(voiced, JUMP_AT_S - 20.0, JUMP_AT_S),
        "after_jump_2_10s_db": _median(voiced, JUMP_AT_S + 2.0, JUMP_AT_S + 10.0),
        "later_db": _median(voiced, JUMP_AT_S + 20.0, seconds),
        "set_first_cue_db": _median(
            voiced, first_cue, set_cues[1] if len(set_cues) > 1 else seconds
        ),
        "voice_s_to_15db_from_start": _voice_to_enough(voiced, 0.0),
        "voice_s_to_15db_after_jump": _voice_to_enough(voiced, jump) if jump else None,
        "listening_again_s_after_jump": _listening_again(listening) if jump else None,
        "listened_below_15db_voice_s": _listened_below(voiced, listening, ENOUGH_DB),
        "listened_below_10db_voice_s": _listened_below(voiced, listening, LOW_DB),
        "first_set_deaf_share": round(
            sum(set_start <= t < set_end for t in deaf) * chunk_s / (set_end - set_start), 3
        ),
        "speex_cpu_ms_per_s": round(1000 * canceller.cpu_s / seconds, 2),
        "canceller_ms_per_s": round(1000 * echo_s / seconds, 2),
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


def _listened_below(
    voiced: list[tuple[float, float]], listening: list[tuple[float, bool]], floor: float
) -> float:
    """Seconds of the coach's voice the owner listened through while the last second of it
    was cancelled by less than `floor` dB: what a command could have been taken from."""
    second = round(1.0 / (PERIOD_FRAMES / SAMPLE_RATE))
    times = np.array([t for t, _ in listening])
    through = [ok for _, ok in listening]
    period_s = PERIOD_FRAMES / SAMPLE_RATE
    below = 0
    for k in range(second, len(voiced) + 1):
        t = voiced[k - 1][0]
        at = int(np.searchsorted(times, t, side="right")) - 1
        if at >= 0 and through[at]:
            below += statistics.median(db for _, db in voiced[k - second : k]) < floor
    return round(below * period_s, 2)


def canceller_figures(
    material: Material, names: str, trials: int, seconds: float | None = None
) -> dict[str, list[dict]]:
    """Each room's trials, from SETUP_S before the first set to its end (or for `seconds`)."""
    begin = material.sets[0][0] - SETUP_S
    length = seconds or material.sets[0][1] - begin
    tail = material.settings.voice.echo_tail_s
    return {
        name: [
            one_run(material.played, begin, name, 100 + trial, length, material.sets[0], tail)
            for trial in range(trials)
        ]
        for name in names.split(",")
    }


def room_summary(runs: list[dict]) -> dict[str, float | None]:
    """The figures `scripts/bench --only voice` keeps per room: medians over the trials, and
    the worst trial's for what must never happen."""

    def median(key: str) -> float | None:
        values = [run[key] for run in runs if run[key] is not None]
        return round(statistics.median(values), 2) if values else None

    return {
        "erle_first_15db_s": median("voice_s_to_15db_from_start"),
        "erle_after_jump_15db_s": median("voice_s_to_15db_after_jump"),
        "erle_db_first_set_cue": median("set_first_cue_db"),
        "listened_below_15db_voice_s_max": max(r["listened_below_15db_voice_s"] for r in runs),
        "listened_below_10db_voice_s_max": max(r["listened_below_10db_voice_s"] for r in runs),
        "first_set_deaf_share_max": max(r["first_set_deaf_share"] for r in runs),
        "speex_ms_per_s": median("speex_cpu_ms_per_s"),
        "canceller_ms_per_s": median("canceller_ms_per_s"),
    }


def main() -> int:
    from bench import session_material  # the voice bench's material, loaded when run alone

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", default=",".join(ROOMS))
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument(
        "--seconds", type=float, default=None, help="from the set-up on (to the first set's end)"
    )
    args = parser.parse_args()
    figures = canceller_figures(session_material(), args.rooms, args.trials, args.seconds)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
