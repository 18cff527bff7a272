"""Recordings analysed without being told the camera, for scripts/bench (--only vision or
clutter): a coached session filmed by the 3-D scene with the camera anywhere in the setup
envelope, its sets recorded, then read back by `coach analyze`'s code, which measures the
camera from the recording itself. The peaks it reads are compared with what the person did
and with what the live coach read, which had measured the camera at setup.

The same sets are also recorded as the coach records them (`[camera] record_sets`: encoded
to video, the camera it measured saved beside each) and replayed from those files as
`coach analyze` replays them, with that saved camera."""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from bench_sessions import (
    REPS_PER_SET,
    calibration_toes,
    performed_ending_near,
    random_reps,
    session_settings,
)

from coach.adapters.clock import VirtualClock
from coach.adapters.frames import FrameSource
from coach.adapters.set_video import SetVideos, quick_writer
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.video import VideoFile
from coach.app.analyze import analyze, camera_for, recorded_view
from coach.app.demo import build_demo
from coach.core.events import Command, RepCounted
from coach.core.session import Phase
from coach.settings import Settings
from coach.sim.athlete import LegState, Script, SimulatedAthlete
from coach.sim.scene import Scene, envelope_text, random_pose

RECORDINGS = 6
SIZE = (640, 480)


class _SetRecorder:
    """A FrameSource that films the athlete and keeps, for each frame of a set, when it was
    taken and what the leg did: the recording, to be drawn again frame by frame when read."""

    def __init__(self, athlete: SimulatedAthlete, scene: Scene) -> None:
        self._athlete, self._scene = athlete, scene
        self.recording = lambda: True
        self.kept: list[tuple[float, LegState]] = []

    def read(self, t: float) -> np.ndarray:
        leg = self._athlete.leg_at(t)
        if self.recording():
            self.kept.append((t, leg))
        return self._scene.render(leg)

    def close(self) -> None:
        """Nothing to release."""


def _played(scene: Scene, kept: list[tuple[float, LegState]]) -> Iterator[tuple[float, np.ndarray]]:
    start = kept[0][0]
    for t, leg in kept:
        yield t - start, scene.render(leg)


def _encoding_cpu_ms(scene: Scene, kept: list[tuple[float, LegState]], frames: int = 150) -> float:
    """CPU time (all the encoder's threads) to encode a frame as the coach records a set."""
    pictures = [picture for _, picture in itertools.islice(_played(scene, kept), frames)]
    with tempfile.TemporaryDirectory() as folder:
        height, width = pictures[0].shape[:2]
        writer = quick_writer(str(Path(folder) / "set.mp4"), width, height, 15.0)
        started = time.process_time()
        for picture in pictures:
            writer.write(picture)
        writer.close()
        return (time.process_time() - started) / len(pictures) * 1000


def _saved_sets_replayed(
    folder: Path, settings: Settings, live: list[RepCounted]
) -> tuple[int, int, list[float]]:
    """Each set the coach recorded, replayed with the camera saved beside it: how many reps
    got exactly the live coach's faults, of how many, and each peak's difference."""
    agreed, matched, differences = 0, 0, []
    for video in sorted(folder.glob("set-*.mp4")):
        view, _ = camera_for(str(video), settings, None, None)
        recording = VideoFile(str(video))
        try:
            result = analyze(recording.frames(), settings, view=view)
        finally:
            recording.close()
        about = json.loads(video.with_suffix(".json").read_text())
        seen = [e for e in live if e.side == about["side"] and e.set == about["set"]]
        for (_, scored), rep in zip(result.reps, seen, strict=False):
            if scored.rep is not None:
                matched += 1
                agreed += set(scored.faults) == set(rep.faults)
                differences.append(abs(scored.rep.peak_angle - rep.peak_angle))
        matched += abs(len(result.reps) - len(seen))  # a rep missed or made up agrees with none
    return agreed, matched, differences


def recording_figures(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    settings = session_settings(Settings(), SIZE)
    truth_errors: list[float] = []
    live_differences: list[float] = []
    tilt_errors: list[float] = []
    turn_errors: list[float] = []
    count_errors = 0
    faults_agreed, matched = 0, 0
    saved_agreed, saved_matched, saved_differences = 0, 0, []
    megabytes_a_minute: list[float] = []
    encoding_ms: list[float] = []
    for _ in range(RECORDINGS):
        pose = random_pose(rng)
        scene = Scene(pose, settings.markers.colours(), *SIZE, seed=int(rng.integers(1 << 30)))
        special, _ = random_reps(rng, settings.session.legs)
        recorders: list[_SetRecorder] = []
        folder = Path(tempfile.mkdtemp(prefix="legcoach-bench-sets-"))
        videos = SetVideos.configured(folder, None, settings.camera, wait_for_encoder=True)

        def film(
            athlete: SimulatedAthlete,
            scene: Scene = scene,
            recorders: list = recorders,
            videos: SetVideos = videos,
        ) -> FrameSource:
            recorders.append(_SetRecorder(athlete, scene))
            return videos.around(recorders[-1])

        events: list[object] = []
        loop, athlete = build_demo(
            settings,
            VirtualClock(),
            ConsoleSpeaker(),
            [events.append, videos],
            Script(special=special, calibration_toes_deg=calibration_toes(rng)),
            film,
        )
        recorders[0].recording = lambda loop=loop: loop.coach.phase is not Phase.SETUP
        loop.send(Command.START, "bench")
        loop.run(until=lambda loop=loop: loop.coach.finished, max_seconds=3000)
        videos.close()
        kept = recorders[0].kept
        offset = kept[0][0]
        view = recorded_view(_played(scene, kept), settings)
        if view is not None:
            tilt_errors.append(abs(view.tilt_deg - pose.tilt_deg))
            turn_errors.append(abs(view.turn_deg - pose.turn_deg))
        result = analyze(_played(scene, kept), settings, view=view)
        live = [e for e in events if isinstance(e, RepCounted) and e.form_checked]
        count_errors += abs(len(result.reps) - len(athlete.performed))  # every rep done
        for _, scored in result.reps:
            rep = scored.rep
            if rep is None:
                continue
            ended = rep.end + offset
            done = performed_ending_near(athlete.performed, ended)
            if done is not None:
                truth_errors.append(abs(rep.peak_angle - done.peak_deg))
            if live:
                seen = min(live, key=lambda e: abs(e.t - ended))
                live_differences.append(abs(rep.peak_angle - seen.peak_angle))
                matched += 1
                faults_agreed += set(scored.faults) == set(seen.faults)
        agreed, replayed, differences = _saved_sets_replayed(folder, settings, live)
        saved_agreed, saved_matched = saved_agreed + agreed, saved_matched + replayed
        saved_differences += differences
        seconds = sum(
            json.loads(about.read_text())["frames"] / settings.camera.fps
            for about in folder.glob("set-*.json")
        )
        size = sum(video.stat().st_size for video in folder.glob("set-*.mp4"))
        megabytes_a_minute.append(size / 2**20 / (seconds / 60))
        shutil.rmtree(folder)
        # Last: drawing frames moves the scene's noise on, and the figures above would change.
        encoding_ms.append(_encoding_cpu_ms(scene, kept))
    return {
        "recording_scenes": f"{RECORDINGS} coached sessions in the demo's room, 2 sides x "
        f"{REPS_PER_SET} reps, random faults, {envelope_text()}; the sets recorded and "
        "analysed with the camera measured from them",
        "recording_peak_mae_deg": round(float(np.mean(truth_errors)), 2) if truth_errors else None,
        "recording_vs_live_peak_deg": round(float(np.mean(live_differences)), 2)
        if live_differences
        else None,
        "recording_camera_error_deg": {
            "tilt_median": round(float(np.median(tilt_errors)), 1) if tilt_errors else None,
            "turn_median": round(float(np.median(turn_errors)), 1) if turn_errors else None,
            "measured": len(tilt_errors),
            "of": RECORDINGS,
        },
        "recording_rep_count_errors": count_errors,
        # Reps read back with exactly the faults the live coach gave the same rep.
        "recording_faults_as_live": f"{faults_agreed}/{matched}",
        # The sets as the coach records them, replayed with the camera saved beside each.
        "recording_saved_camera_faults_as_live": f"{saved_agreed}/{saved_matched}",
        "recording_saved_camera_vs_live_peak_deg": round(float(np.mean(saved_differences)), 2)
        if saved_differences
        else None,
        "recording_megabytes_a_minute": round(float(np.median(megabytes_a_minute)), 1),
        "recording_encoding_cpu_ms_per_frame": round(float(np.median(encoding_ms)), 2),
    }
