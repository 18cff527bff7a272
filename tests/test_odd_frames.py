"""A camera that hands over something other than a colour image (a format switched by another
program, a grey or 16-bit mode, an empty buffer) costs frames, never the service: systemd
gives up restarting a coach that dies five times in five minutes."""

import logging
import sqlite3
from dataclasses import replace

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.core.events import Command, RepCounted
from coach.sim.athlete import Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from coach.sim.hostile import ODD_FRAMES, OddFrames
from tests.conftest import quick_settings


def test_odd_frames_are_no_frames_counted_and_said_once_and_every_rep_is_kept(
    tmp_path, monkeypatch, caplog
):
    from coach.app.daemon import build_service

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    settings = quick_settings(reps=3)
    settings = replace(settings, voice=replace(settings.voice, enabled=False))
    athlete = SimulatedAthlete(Script())
    cameras = []

    def open_camera():
        colours = settings.markers.colours()
        camera = SimulatedCamera(athlete, 192, 144, colours, settings.markers.foot_to_leg_ratio)
        cameras.append(OddFrames(camera, every=5))
        return cameras[-1]

    service = build_service(settings, VirtualClock(), ConsoleSpeaker(), open_camera=open_camera)
    service.loop.add_sink(athlete.on_event)
    reps = []
    service.loop.add_sink(lambda e: reps.append(e) if isinstance(e, RepCounted) else None)
    service.loop.send(Command.START, "test")
    with caplog.at_level(logging.WARNING, logger="coach.camera"):
        service.loop.run(until=lambda: service.loop.coach.finished, max_seconds=3000)
    service.close()
    assert service.loop.coach.finished and len(reps) == 3 * 2 * settings.session.sets_per_side
    (camera,) = cameras  # never reopened: an odd frame is not a lost camera
    assert service.rig.frames.odd_frames == camera.odd > 100
    said = [r.getMessage() for r in caplog.records if "not a colour image" in r.getMessage()]
    assert len(said) == len(ODD_FRAMES)  # once per kind, however many came
    saved = sqlite3.connect(tmp_path / "history.sqlite3").execute("SELECT count(*) FROM reps")
    assert saved.fetchone() == (len(reps),)
