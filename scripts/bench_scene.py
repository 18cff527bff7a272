"""The markers in scenes that fight back, for scripts/bench (--only scene): the camera at the
setup envelope's edges, loose clothes whose markers sag off the joints, someone walking
through behind the mat, and the camera moved nearer or farther (x1.35, x0.55 in the body's
size) between two sessions and within one. Each case is six clean 30-degree reps filmed by
the 3-D scene and read as the coach reads a set (the camera's view known, as after setup);
the figures are the reps counted and how far their peaks are from the 30 degrees done."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from coach.core.form import FormWatcher
from coach.core.view import CameraView
from coach.core.vision import LegReader
from coach.settings import Settings
from coach.sim.athlete import LegState
from coach.sim.scene import (
    ENVELOPE_DISTANCE_M,
    ENVELOPE_TILT_DEG,
    CameraPose,
    Decor,
    Scene,
)

REPS, PEAK_DEG, FPS = 6, 30.0, 15
LIFT_S, HOLD_S, LOWER_S, REST_S = 2.0, 2.0, 3.0, 2.0
SETTLE_S = 1.5  # lying still before the first rep
NAVY, BEIGE = (90, 40, 30), (150, 190, 210)


def _leg(t: float) -> LegState:
    """The clean reps: still, then each rep eased up, held, eased down, rested."""
    cycle = LIFT_S + HOLD_S + LOWER_S + REST_S
    into = t - SETTLE_S
    if into < 0 or into >= REPS * cycle:
        return LegState("right", 0.0, -5.0)
    x = into % cycle
    if x < LIFT_S:
        share = 0.5 - 0.5 * math.cos(math.pi * x / LIFT_S)
    elif x < LIFT_S + HOLD_S:
        share = 1.0
    elif x < LIFT_S + HOLD_S + LOWER_S:
        share = 0.5 + 0.5 * math.cos(math.pi * (x - LIFT_S - HOLD_S) / LOWER_S)
    else:
        share = 0.0
    return LegState("right", PEAK_DEG * share, -5.0)


def _session_s() -> float:
    return SETTLE_S + REPS * (LIFT_S + HOLD_S + LOWER_S + REST_S) + 1.0


def _frames(scene: Scene, start: float = 0.0) -> Iterator[tuple[float, np.ndarray]]:
    for i in range(round(_session_s() * FPS)):
        t = i / FPS
        yield start + t, scene.render(_leg(t), start + t)


def _read(reader: LegReader, frames, settings: Settings) -> dict[str, object]:
    """Reps and peaks of one set, as the coach reads it (a new set: `learn_colours`)."""
    reader.learn_colours()
    watcher = FormWatcher(settings.form)
    peaks, seen, total = [], 0, 0
    for t, frame in frames:
        total += 1
        angles = reader.sight(frame, t).angles
        if angles is None:
            continue
        seen += 1
        _, scored = watcher.update(t, angles)
        if scored is not None and scored.rep is not None:
            peaks.append(scored.rep.peak_angle)
    errors = [abs(p - PEAK_DEG) for p in peaks]
    return {
        "reps": len(peaks),
        "peak_error_deg": round(float(np.mean(errors)), 1) if errors else None,
        "seen": round(seen / total, 3),
    }


PLAIN = Decor()


def _scene(settings: Settings, pose: CameraPose, decor: Decor = PLAIN) -> Scene:
    return Scene(pose, settings.markers.colours(), decor=decor)


def _reader(settings: Settings, pose: CameraPose) -> LegReader:
    reader = LegReader(settings)
    reader.view = CameraView(pose.tilt_deg, pose.turn_deg)
    return reader


def scene_figures() -> dict[str, object]:
    settings = Settings()
    middle = CameraPose(2.5, 22.0, 7.5)
    cases: dict[str, object] = {}
    for distance in ENVELOPE_DISTANCE_M:
        for tilt in ENVELOPE_TILT_DEG:
            for turn in (-15.0, 15.0):
                pose = CameraPose(distance, tilt, turn)
                label = f"edge_{distance:g}m_{tilt:g}deg_{turn:+g}"
                cases[label] = _read(
                    _reader(settings, pose), _frames(_scene(settings, pose)), settings
                )
    loose = Decor(clothes=BEIGE, loose=1.5, sag_m=0.03)
    cases["loose_clothes"] = _read(
        _reader(settings, middle), _frames(_scene(settings, middle, loose)), settings
    )
    walker = Decor(passer_by=NAVY)
    cases["someone_walks_through"] = _read(
        _reader(settings, middle), _frames(_scene(settings, middle, walker)), settings
    )
    for factor in (1.35, 0.55):
        # One reader, as the live coach keeps: a session, then the camera moved, then the next.
        reader = _reader(settings, middle)
        first = _read(reader, _frames(_scene(settings, middle)), settings)
        moved = CameraPose(middle.distance_m / factor, middle.tilt_deg, middle.turn_deg)
        frames = _frames(_scene(settings, moved), start=_session_s())
        cases[f"camera_moved_x{factor:g}_between_sessions"] = {
            "before": first,
            "after": _read(reader, frames, settings),
        }
    return {"scene": cases}
