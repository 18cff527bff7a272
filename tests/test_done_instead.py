"""A person who does something else in a rep's place, in a whole simulated leg-lift session:
a physiotherapist would not count it, and the coach must not either. A rep the camera could
not see at all is another matter: it is counted by the clock."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import build_demo
from coach.core import cues
from coach.core.events import Command, Cue, RepCounted
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.sim.athlete import RepStyle, Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from coach.sim.landmarks import LandmarkStream
from tests.helpers import quick_settings


def _session(script: Script):
    """The counted reps and the athlete, seen by the pose front-end (the landmark stream) at the
    camera's 15 frames a second."""
    settings = quick_settings(reps=3)
    settings = replace(settings, camera=replace(settings.camera, fps=15))
    streams: list[LandmarkStream] = []

    def film(athlete):
        camera = settings.camera
        ratio = settings.markers.foot_to_leg_ratio
        streams.append(LandmarkStream(athlete, camera.width, camera.height, ratio))
        return streams[0]

    tracker = PoseTracker(lambda f: streams[0].detect(f), lambda f, r: streams[0].mark(f, r))
    reader = PoseReader(settings, tracker)
    events: list[object] = []
    loop, athlete = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], script, film, reader
    )
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    return [e for e in events if isinstance(e, RepCounted)], athlete


def test_a_clamshell_done_in_a_reps_place_is_not_counted_by_the_pose_coach():
    script = Script(special={("right", 1, 2): RepStyle(peak_deg=40.0, instead="clamshell")})
    reps, athlete = _session(script)
    [(start, _, other)] = athlete.done_instead
    during = [r for r in reps if start < r.t <= start + other.seconds + 1.0]
    assert during == []
    # Every lift the person did is counted, once: the set asked for one more after it.
    for side in ("right", "left"):
        lifts = [p for p in athlete.performed if p[1] == side]
        assert len([r for r in reps if r.side == side]) == len(lifts) == 3


def _marker_session(script: Script, covered=lambda athlete, t: False):
    """The counted reps, what was said and the athlete, seen through the markers on the
    simulated camera; a frame is black (the lens covered) while `covered(athlete, t)`."""
    settings = quick_settings(reps=3)
    settings = replace(settings, camera=replace(settings.camera, fps=15))

    class Film:
        def __init__(self, athlete: SimulatedAthlete) -> None:
            camera, markers = settings.camera, settings.markers
            self._athlete = athlete
            self._camera = SimulatedCamera(
                athlete,
                camera.width,
                camera.height,
                markers.colours(),
                markers.foot_to_leg_ratio,
            )

        def read(self, t: float) -> np.ndarray:
            frame = self._camera.read(t)
            return np.zeros_like(frame) if covered(self._athlete, t) else frame

        def close(self) -> None:
            self._camera.close()

    events: list[object] = []
    loop, athlete = build_demo(
        settings, VirtualClock(), ConsoleSpeaker(), [events.append], script, Film
    )
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    said = [e.text for e in events if isinstance(e, Cue)]
    return [e for e in events if isinstance(e, RepCounted)], said, athlete


def test_a_clamshell_done_in_a_reps_place_is_named_and_not_counted_by_the_marker_coach():
    """The bent leg is no body the marker check takes, so no angle is read during it; the
    camera still saw the person do a clamshell, which is not a rep done unseen."""
    script = Script(special={("right", 1, 2): RepStyle(peak_deg=40.0, instead="clamshell")})
    reps, said, athlete = _marker_session(script)
    [(start, _, other)] = athlete.done_instead
    assert [r for r in reps if start < r.t <= start + other.seconds + 1.0] == []
    assert cues.NOT_COUNTED["clamshell"] in said
    for side in ("right", "left"):
        lifts = [p for p in athlete.performed if p[1] == side]
        assert len([r for r in reps if r.side == side]) == len(lifts) == 3


def test_a_rep_done_with_the_lens_covered_is_still_counted_by_the_clock():
    """Losing the body is not the body seen doing something else: the rep the tempo asked for
    is counted, unjudged."""
    reps, _, _ = _marker_session(Script(), covered=lambda a, t: len(a.performed) == 2)
    right = [r for r in reps if r.side == "right"]
    assert len(right) == 3
    assert [r.form_checked for r in right] == [True, False, True]


def test_the_lens_covered_during_a_clamshell_still_leaves_the_reps_after_it_counted():
    """The body lost in the middle of a clamshell (a hand over the lens, the person out of
    view) is lost from then on: the reps the tempo asks for are counted by the clock, as with
    no clamshell. The movement check, with no body to read, kept saying "clamshell", and the
    set runner took every cycle after as the body seen doing something else: none counted,
    and the set ended after its spare cycles, reps short."""
    script = Script(special={("right", 1, 2): RepStyle(peak_deg=40.0, instead="clamshell")})

    def covered(athlete: SimulatedAthlete, t: float) -> bool:
        return any(t >= start + 2.5 for start, side, _ in athlete.done_instead if side == "right")

    reps, said, _ = _marker_session(script, covered)
    assert cues.NOT_COUNTED["clamshell"] in said
    right = [r for r in reps if r.side == "right"]
    assert [r.form_checked for r in right] == [True, False, False]
