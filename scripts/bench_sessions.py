"""Scripted coached sessions with random faults, for scripts/bench's vision figures: the
demo's camera, or a room that fights back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from coach.adapters.clock import VirtualClock
from coach.adapters.frames import FrameSource
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.core.events import Command, RepCounted
from coach.settings import Settings
from coach.sim.athlete import RepStyle, Script, SimulatedAthlete

REPS_PER_SET = 6
CALIBRATION_TOES_DEG = 5.0
FAULTS = ("too_high", "toes_up", "hip_hike", "knee_bend", "forward_drift", "fast_lower", "no_hold")


def random_style(rng: np.random.Generator, faults: set[str]) -> RepStyle:
    return RepStyle(
        peak_deg=float(rng.uniform(55, 65) if "too_high" in faults else rng.uniform(22, 40)),
        rotation_deg=float(rng.uniform(18, 30) if "toes_up" in faults else rng.uniform(-12, 4)),
        hip_hike_deg=float(rng.uniform(12, 18) if "hip_hike" in faults else rng.uniform(0, 3)),
        knee_bend_deg=float(rng.uniform(30, 45) if "knee_bend" in faults else rng.uniform(0, 8)),
        forward_drift_deg=float(
            rng.uniform(30, 40) if "forward_drift" in faults else rng.uniform(0, 8)
        ),
        lift_s=float(rng.uniform(1.6, 2.4)),
        hold_s=float(rng.uniform(0.1, 0.5) if "no_hold" in faults else rng.uniform(2.0, 3.0)),
        lower_s=float(rng.uniform(0.6, 1.2) if "fast_lower" in faults else rng.uniform(3.8, 5.0)),
    )


Counts = dict[str, dict[str, int]]


def session_settings(base: Settings, size: tuple[int, int]) -> Settings:
    """One short set a side, a quick setup, frames of `size` at 15 per second."""
    return replace(
        base,
        session=replace(
            base.session, reps_per_set=REPS_PER_SET, sets_per_side=1, setup_pause_s=0.5
        ),
        camera=replace(base.camera, width=size[0], height=size[1], fps=15),
    )


def random_reps(
    rng: np.random.Generator, legs: tuple[str, ...], drawn: tuple[str, ...] = FAULTS
) -> tuple[dict[tuple[str, int, int], RepStyle], dict[int, set[str]]]:
    """Every rep of a set a side, each fault of `drawn` drawn at random: the script's reps, and
    each style's faults (keyed by the style's identity)."""
    special, faults_of = {}, {}
    for side in legs:
        for slot in range(1, REPS_PER_SET + 1):
            faults = {fault for fault in drawn if rng.random() < 0.15}
            style = random_style(rng, faults)
            special[side, 1, slot] = style
            faults_of[id(style)] = faults
    return special, faults_of


def calibration_toes(rng: np.random.Generator) -> float:
    """How far off ahead a person holds the toes at the setup's raise: a few degrees."""
    return float(rng.uniform(-CALIBRATION_TOES_DEG, CALIBRATION_TOES_DEG))


Performed = list[tuple[float, str, RepStyle]]


def performed_ending_near(
    performed: Performed, ended: float, side: str | None = None
) -> RepStyle | None:
    """The rep the athlete did that ended nearest `ended` (on `side`, if given): the coach's
    count and the athlete's can part when a rep goes unseen. Matched by its end, when the coach
    counts it: where it began is worked back from the durations the coach measured, and a rep
    timed wrong was matched to the rep before it."""
    near = [
        (abs(start + s.lift_s + s.hold_s + s.lower_s - ended), s)
        for start, on, s in performed
        if side in (None, on)
    ]
    return min(near, key=lambda pair: pair[0])[1] if near else None


def scripted_sessions(
    rng: np.random.Generator,
    sessions: int,
    camera_for: Callable[[SimulatedAthlete], FrameSource] | None = None,
    size: tuple[int, int] = (320, 240),
    base: Settings | None = None,
) -> tuple[Counts, list[int], list[float]]:
    """Sessions with faults on random reps, filmed by the demo's camera or `camera_for`: per
    fault true and false positives and misses, each side's rep-count error, and each counted
    rep's peak angle error (degrees). `base`: the settings to start from (other markers)."""
    counts = {fault: {"tp": 0, "fp": 0, "fn": 0} for fault in FAULTS}
    count_errors, peak_errors = [], []
    settings = session_settings(base or Settings(), size)
    for _ in range(sessions):
        special, faults_of = random_reps(rng, settings.session.legs)
        events: list[object] = []
        script = Script(special=special, calibration_toes_deg=calibration_toes(rng))
        loop, athlete = build_demo(
            settings, VirtualClock(), ConsoleSpeaker(), [events.append], script, camera_for
        )
        loop.send(Command.START, "bench")
        coach = loop.coach
        loop.run(until=lambda coach=coach: coach.finished, max_seconds=3000)
        reps = [e for e in events if isinstance(e, RepCounted)]
        for side in settings.session.legs:
            # Against the reps done, not the set's length: the person goes on lifting until
            # the coach has counted a whole set, so a rep it missed shows only there.
            done = sum(on == side for _, on, _ in athlete.performed)
            count_errors.append(sum(r.side == side for r in reps) - done)
        for rep in reps:
            style = performed_ending_near(athlete.performed, rep.t, rep.side)
            if style is None or not rep.form_checked:
                continue
            peak_errors.append(abs(rep.peak_angle - style.peak_deg))
            found, expected = set(rep.faults), faults_of.get(id(style), set())
            for fault in FAULTS:
                key = "tp" if fault in found and fault in expected else None
                key = key or ("fp" if fault in found else "fn" if fault in expected else None)
                if key:
                    counts[fault][key] += 1
    return counts, count_errors, peak_errors
