"""The markers in rooms that fight back, for scripts/bench (--only vision or clutter): scripted
sessions with random faults filmed by the 3-D scene in every room of each kind
(coach/sim/decors.py), with the camera anywhere in the setup envelope; and, apart, sessions in
the plain room filmed from below it (`low_camera`: a camera about level with the hip, which
cannot see a knee bend toward it and says so at setup).

Where the coach names something in view as a look-alike when the set begins, the person does
what it says and starts again wearing the spare colour it named on that marker: the figures are
for the session they then do, and `clutter_advice_taken` counts how often that happened."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np
from bench_sessions import FAULTS, REPS_PER_SET, scripted_sessions

from coach.core.lookalikes import SPARE_COLOURS
from coach.core.vision import LegReader
from coach.settings import Settings
from coach.sim.athlete import LegState
from coach.sim.decors import fighting_rooms
from coach.sim.scene import ENVELOPE_TILT_DEG, Decor, FilmedScene, Scene, envelope_text, random_pose

MIN_SESSIONS_PER_KIND = 4  # every room once, and kinds with fewer rooms go round again
LOW_TILT_DEG = (0.0, 12.0)  # below the envelope: the coach asks for the camera to go higher
SIZE = (640, 480)  # the Pi camera's frames as the coach asks for them
WORKERS = 2  # one kind of room per core


def _advised(settings: Settings, scene: Scene) -> Settings | None:
    """The settings after taking the coach's advice at the start of the set (the spare colour
    on the marker whose look-alike it names first), or None when it names nothing."""
    sighting = LegReader(settings).sight(scene.render(LegState("right", 0.0, -5.0)), 0.0)
    if not sighting.lookalikes or sighting.spare is None:
        return None
    marker = sighting.lookalikes[0].marker
    markers = replace(settings.markers, **{marker: SPARE_COLOURS[sighting.spare]})
    return replace(settings, markers=markers)


def _kind_figures(
    seed: int, rooms: list[tuple[str, Decor]], tilt_deg: tuple[float, float]
) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    totals = {fault: {"tp": 0, "fp": 0, "fn": 0} for fault in FAULTS}
    count_errors: list[int] = []
    peak_errors: list[float] = []
    sessions = max(MIN_SESSIONS_PER_KIND, len(rooms))
    advice_taken = 0
    for session in range(sessions):
        _, decor = rooms[session % len(rooms)]
        pose, scene_seed = random_pose(rng, tilt_deg), int(rng.integers(1 << 30))
        settings = Settings()
        scene = Scene(pose, settings.markers.colours(), *SIZE, seed=scene_seed, decor=decor)
        advised = _advised(settings, scene)
        if advised is not None:
            advice_taken += 1
            settings = advised
            scene = Scene(pose, settings.markers.colours(), *SIZE, seed=scene_seed, decor=decor)
        counts, errors, peaks = scripted_sessions(
            rng, 1, lambda athlete, scene=scene: FilmedScene(athlete, scene), SIZE, settings
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
        "reps_form_checked": {"checked": len(peak_errors), "of": sessions * 2 * REPS_PER_SET},
        "fault_precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "fault_recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "rep_count_errors": {
            "sides": len(count_errors),
            "wrong": sum(error != 0 for error in count_errors),
        },
        "advice_taken": {"sessions": advice_taken, "of": sessions},
        "faults": totals,
    }


def clutter_figures(seed: int) -> dict[str, object]:
    plain = [("the demo's room", Decor())] * 6
    rooms = {"plain": plain} | fighting_rooms(Settings().markers.colours())
    with ProcessPoolExecutor(WORKERS) as pool:
        futures = {
            kind: pool.submit(_kind_figures, seed + i, kind_rooms, ENVELOPE_TILT_DEG)
            for i, (kind, kind_rooms) in enumerate(rooms.items())
        }
        futures["low_camera"] = pool.submit(_kind_figures, seed + len(rooms), plain, LOW_TILT_DEG)
        by_kind = {kind: future.result() for kind, future in futures.items()}
    figures: dict[str, object] = {
        "clutter_scenes": "every room of each kind once (at least 4 sessions a kind), 2 sides x "
        f"6 reps, random faults, {envelope_text()}; low_camera: the plain room, "
        f"{envelope_text(LOW_TILT_DEG)}",
    }
    for key in (
        "abduction_mae_deg",
        "fault_precision",
        "fault_recall",
        "rep_count_errors",
        "reps_form_checked",
        "advice_taken",
    ):
        figures[f"clutter_{key}"] = {kind: f[key] for kind, f in by_kind.items()}
    figures["clutter_fault_counts"] = {kind: f["faults"] for kind, f in by_kind.items()}
    return figures
