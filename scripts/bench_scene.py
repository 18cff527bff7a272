"""The markers and the pose model in scenes that fight back, for scripts/bench (--only scene):
the camera at the setup envelope's edges, loose clothes whose markers sag off the joints,
someone walking through behind the mat, and the camera moved nearer or farther (x1.35, x0.55
in the body's size) between two sessions. Each case is six clean 30-degree reps filmed by the
3-D scene and read as the coach reads a set (the camera's view known, as after setup); the
figures are the reps counted and how far their peaks are from the 30 degrees done.

The pose model is stood in for by the simulated landmark stream (`coach.sim.landmarks`) with
the scene's camera placing the body's points: what the model would mark of the person, not of
their clothes, so loose clothes are the markers' case alone.

Then whole coached sessions in the scene where the person gets up mid-set and walks out of
the picture for 20 to 60 s, seen getting up or gone from one frame to the next: the reps
counted against the reps done, how many while they were away, and what the coach said."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from coach.adapters.clock import VirtualClock
from coach.adapters.frames import FrameSource
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.core import cues
from coach.core.events import Command, Cue, RepCounted
from coach.core.form import FormWatcher
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.core.view import CameraView
from coach.core.vision import BodyReader, LegReader
from coach.settings import Settings
from coach.sim.athlete import SIT_UP_S, Habits, LegState, Script, SimulatedAthlete
from coach.sim.landmarks import LandmarkStream
from coach.sim.scene import (
    ENVELOPE_DISTANCE_M,
    ENVELOPE_TILT_DEG,
    CameraPose,
    Decor,
    FilmedScene,
    Scene,
)

REPS, PEAK_DEG, FPS = 6, 30.0, 15
LIFT_S, HOLD_S, LOWER_S, REST_S = 2.0, 2.0, 3.0, 2.0
SETTLE_S = 1.5  # lying still before the first rep
NAVY, BEIGE = (90, 40, 30), (150, 190, 210)
SIZE = (640, 480)
FRONT_ENDS = ("markers", "pose")
MIDDLE = CameraPose(2.5, 22.0, 7.5)
AWAY_S = (20.0, 60.0)
UNSEEN_AWAY_S = 40.0  # gone from one frame to the next, never seen getting up
GETS_UP_AT_S = 60.0  # the first "lift" from then on: after the first rep or two


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


class _CleanReps:
    """The six clean reps begun at `start`, as the landmark stream asks for them."""

    def __init__(self, start: float) -> None:
        self._start = start

    def leg_at(self, t: float) -> LegState:
        return _leg(t - self._start)


class _Eyes:
    """One front-end as the live coach keeps it from one session to the next: its reader,
    and how the scene of a session reaches it."""

    def __init__(self, settings: Settings, front_end: str, pose: CameraPose) -> None:
        self._settings, self._front_end = settings, front_end
        self._streams: list[LandmarkStream] = []
        if front_end == "markers":
            self.reader: LegReader | PoseReader = LegReader(settings)
        else:
            stream = self._streams
            tracker = PoseTracker(
                lambda f: stream[-1].detect(f), lambda f, r: stream[-1].mark(f, r)
            )
            self.reader = PoseReader(settings, tracker)
        self.reader.view = CameraView(pose.tilt_deg, pose.turn_deg)

    def frames(self, scene: Scene, start: float = 0.0) -> Iterator[tuple[float, np.ndarray]]:
        """A session's frames: the scene's own pictures, or the landmarks of its body."""
        ticks = [start + i / FPS for i in range(round(_session_s() * FPS))]
        if self._front_end == "markers":
            for t in ticks:
                yield t, scene.render(_leg(t - start), t)
            return
        ratio = self._settings.markers.foot_to_leg_ratio
        self._streams.append(
            LandmarkStream(
                _CleanReps(start), *SIZE, ratio, joints=scene.pixels, passer=scene.passer_pixels
            )
        )
        for t in ticks:
            yield t, self._streams[-1].read(t)


def _read(reader: BodyReader, frames, settings: Settings) -> dict[str, object]:
    """Reps and peaks of one set, as the coach reads it (a new set: `learn_colours`)."""
    reader.learn_colours()
    watcher = FormWatcher(settings.form)
    peaks, faulted, seen, total = [], 0, 0, 0
    for t, frame in frames:
        total += 1
        angles = reader.sight(frame, t).angles
        if angles is None:
            continue
        seen += 1
        _, scored = watcher.update(t, angles)
        if scored is not None and scored.rep is not None:
            peaks.append(scored.rep.peak_angle)
            # Faults of the body (the reps' tempo sits on the tempo faults' own limits).
            faulted += bool(set(scored.faults) - set(scored.tempo_faults))
    errors = [abs(p - PEAK_DEG) for p in peaks]
    return {
        "reps": len(peaks),
        "peak_error_deg": round(float(np.mean(errors)), 1) if errors else None,
        "reps_faulted": faulted,
        "seen": round(seen / total, 3),
    }


PLAIN = Decor()


def _scene(settings: Settings, pose: CameraPose, decor: Decor = PLAIN) -> Scene:
    return Scene(pose, settings.markers.colours(), *SIZE, decor=decor)


def _one_set(
    settings: Settings, front_end: str, pose: CameraPose, decor: Decor = PLAIN, start: float = 0.0
):
    eyes = _Eyes(settings, front_end, pose)
    return _read(eyes.reader, eyes.frames(_scene(settings, pose, decor), start), settings)


def _sets(settings: Settings, front_end: str) -> dict[str, object]:
    cases: dict[str, object] = {}
    for distance in ENVELOPE_DISTANCE_M:
        for tilt in ENVELOPE_TILT_DEG:
            for turn in (-15.0, 15.0):
                pose = CameraPose(distance, tilt, turn)
                label = f"edge_{distance:g}m_{tilt:g}deg_{turn:+g}"
                cases[label] = _one_set(settings, front_end, pose)
    if front_end == "markers":
        loose = Decor(clothes=BEIGE, loose=1.5, sag_m=0.03)
        cases["loose_clothes"] = _one_set(settings, front_end, MIDDLE, loose)
    walker = Decor(passer_by=NAVY)
    # Begun as they cross the middle of the picture: the coach first looks for the body then.
    middle_of_crossing = walker.passer_crossing_s / 2
    cases["someone_walks_through"] = _one_set(
        settings, front_end, MIDDLE, walker, middle_of_crossing
    )
    for factor in (1.35, 0.55):
        # One reader, as the live coach keeps: a session, then the camera moved, then the next.
        eyes = _Eyes(settings, front_end, MIDDLE)
        first = _read(eyes.reader, eyes.frames(_scene(settings, MIDDLE)), settings)
        moved = CameraPose(MIDDLE.distance_m / factor, MIDDLE.tilt_deg, MIDDLE.turn_deg)
        frames = eyes.frames(_scene(settings, moved), start=_session_s())
        cases[f"camera_moved_x{factor:g}_between_sessions"] = {
            "before": first,
            "after": _read(eyes.reader, frames, settings),
        }
    return cases


def _walks_off(
    settings: Settings, front_end: str, away_s: float, unseen: bool = False
) -> dict[str, object]:
    """A whole coached session in the scene (four reps a side, its own setup) where the
    person gets up after a rep or two and is out of the picture for `away_s` (`unseen`: never
    seen sitting or standing on the way out)."""
    scene = _scene(settings, MIDDLE)
    reader: BodyReader | None = None
    streams: list[LandmarkStream] = []

    def film(athlete: SimulatedAthlete) -> FrameSource:
        if front_end == "markers":
            return FilmedScene(athlete, scene)
        ratio = settings.markers.foot_to_leg_ratio
        streams.append(LandmarkStream(athlete, *SIZE, ratio, joints=scene.pixels))
        return streams[-1]

    if front_end == "pose":
        tracker = PoseTracker(lambda f: streams[-1].detect(f), lambda f, r: streams[-1].mark(f, r))
        reader = PoseReader(settings, tracker)
    habits = Habits(
        sits_up=(GETS_UP_AT_S, away_s), leaves_view=True, gets_up_unseen=unseen, settle_deg=5.0
    )
    events: list[object] = []
    loop, athlete = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], Script(habits=habits), film,
        reader,
    )  # fmt: skip
    loop.send(Command.START, "bench")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    reps = [e for e in events if isinstance(e, RepCounted)]
    said = [e.text for e in events if isinstance(e, Cue)]
    assert athlete.sat_up is not None
    up, down = athlete.sat_up
    return {
        "reps": len(reps),
        "done": len(athlete.performed),
        "counted_while_away": sum(up < r.t < down + SIT_UP_S for r in reps),
        "told_to_lie_back_down": said.count(cues.SAT_UP),
        "said_it_keeps_count": sum(text in (cues.NO_VISION, cues.NO_BODY_SEEN) for text in said),
    }


def scene_figures() -> dict[str, object]:
    settings = Settings()
    cases: dict[str, object] = {}
    for front_end in FRONT_ENDS:
        cases[front_end] = _sets(settings, front_end)
    coached = _coached_settings(settings)
    for front_end in FRONT_ENDS:
        for away_s in AWAY_S:
            key = f"{front_end}_walks_out_for_{away_s:g}_s"
            cases[key] = _walks_off(coached, front_end, away_s)
        key = f"{front_end}_walks_out_unseen_for_{UNSEEN_AWAY_S:g}_s"
        cases[key] = _walks_off(coached, front_end, UNSEEN_AWAY_S, unseen=True)
    return {"scene": cases}


def _coached_settings(settings: Settings) -> Settings:
    """Four reps a side, one set, a quick setup: the scene's frames at 15 a second."""
    session = replace(settings.session, reps_per_set=4, sets_per_side=1, setup_pause_s=0.5)
    camera = replace(settings.camera, width=SIZE[0], height=SIZE[1], fps=FPS)
    return replace(settings, session=session, camera=camera)
