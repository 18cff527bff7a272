"""The markers in rooms that fight back, for scripts/bench (--only clutter): scripted sessions
with random faults filmed by the 3-D scene in each kind of room (coach/sim/decors.py), with the
camera anywhere in the setup envelope; and recordings analysed without being told the camera."""

from __future__ import annotations

import numpy as np
from bench_sessions import FAULTS, REPS_PER_SET, scripted_sessions

from coach.settings import Settings
from coach.sim.decors import fighting_rooms
from coach.sim.scene import CameraPose, Decor, FilmedScene, Scene

SESSIONS_PER_KIND = 6
SIZE = (640, 480)  # the Pi camera's frames as the coach asks for them


def _pose(rng: np.random.Generator) -> CameraPose:
    return CameraPose(
        float(rng.uniform(1.5, 3.5)), float(rng.uniform(0.0, 30.0)), float(rng.uniform(-15, 15))
    )


def _kind_figures(rng: np.random.Generator, rooms: list[tuple[str, Decor]]) -> dict[str, object]:
    colours = Settings().markers.colours()
    totals = {fault: {"tp": 0, "fp": 0, "fn": 0} for fault in FAULTS}
    count_errors: list[int] = []
    peak_errors: list[float] = []
    for session in range(SESSIONS_PER_KIND):
        _, decor = rooms[session % len(rooms)]
        scene = Scene(_pose(rng), colours, *SIZE, seed=int(rng.integers(1 << 30)), decor=decor)
        counts, errors, peaks = scripted_sessions(
            rng, 1, lambda athlete, scene=scene: FilmedScene(athlete, scene), SIZE
        )
        for fault, tally in counts.items():
            for key, value in tally.items():
                totals[fault][key] += value
        count_errors += errors
        peak_errors += peaks
    tp = sum(t["tp"] for t in totals.values())
    fp = sum(t["fp"] for t in totals.values())
    fn = sum(t["fn"] for t in totals.values())
    return {
        "abduction_mae_deg": round(float(np.mean(peak_errors)), 2) if peak_errors else None,
        # Reps whose form was read from the markers: the rest were counted by the clock.
        "reps_form_checked": {
            "checked": len(peak_errors),
            "of": SESSIONS_PER_KIND * 2 * REPS_PER_SET,
        },
        "fault_precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "fault_recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "rep_count_errors": {
            "sides": len(count_errors),
            "wrong": sum(error != 0 for error in count_errors),
        },
        "faults": totals,
    }


def clutter_figures(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    rooms = {"plain": [("the demo's room", Decor())]}
    rooms |= fighting_rooms(Settings().markers.colours())
    by_kind = {kind: _kind_figures(rng, kind_rooms) for kind, kind_rooms in rooms.items()}
    figures: dict[str, object] = {
        "clutter_scenes": f"{SESSIONS_PER_KIND} scripted sessions a kind of room, 2 sides x 6 "
        "reps, random faults, camera anywhere in 1.5-3.5 m, tilt 0-30, turn -15 to 15 deg",
    }
    for key in (
        "abduction_mae_deg",
        "fault_precision",
        "fault_recall",
        "rep_count_errors",
        "reps_form_checked",
    ):
        figures[f"clutter_{key}"] = {kind: f[key] for kind, f in by_kind.items()}
    figures["clutter_fault_counts"] = {kind: f["faults"] for kind, f in by_kind.items()}
    return figures
