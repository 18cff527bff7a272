"""A camera that hands over something other than a colour image (a format switched by another
program, a grey or 16-bit mode, an empty buffer) costs frames, never the service: systemd
gives up restarting a coach that dies five times in five minutes."""

import logging
import sqlite3
from dataclasses import replace

import numpy as np

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.core.events import Command, RepCounted
from coach.sim.athlete import Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from tests.conftest import quick_settings

ODD = {
    "four channels": lambda f: np.dstack([f, np.full(f.shape[:2], 255, np.uint8)]),
    "grey": lambda f: f[:, :, 0].copy(),
    "float": lambda f: f.astype(np.float32) / 255,
    "uint16": lambda f: f.astype(np.uint16) * 256,
    "empty": lambda f: np.zeros((0, 0, 3), np.uint8),
    "one pixel": lambda f: f[:1, :1].copy(),
}


def test_odd_frames_are_no_frames_counted_and_said_once_and_every_rep_is_kept(
    tmp_path, monkeypatch, caplog
):
    from coach.app.daemon import build_service

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    settings = quick_settings(reps=3)
    settings = replace(settings, voice=replace(settings.voice, enabled=False))
    athlete = SimulatedAthlete(Script())
    kinds = list(ODD.values())
    reads = [0]

    class SwitchingCamera(SimulatedCamera):
        """Every fifth frame comes in another format, in turn."""

        def read(self, t):
            frame = super().read(t)
            reads[0] += 1
            return kinds[reads[0] // 5 % len(kinds)](frame) if reads[0] % 5 == 0 else frame

    def open_camera():
        colours = settings.markers.colours()
        return SwitchingCamera(athlete, 192, 144, colours, settings.markers.foot_to_leg_ratio)

    service = build_service(settings, VirtualClock(), ConsoleSpeaker(), open_camera=open_camera)
    service.loop.add_sink(athlete.on_event)
    reps = []
    service.loop.add_sink(lambda e: reps.append(e) if isinstance(e, RepCounted) else None)
    service.loop.send(Command.START, "test")
    with caplog.at_level(logging.WARNING, logger="coach.camera"):
        service.loop.run(until=lambda: service.loop.coach.finished, max_seconds=3000)
    service.close()
    assert service.loop.coach.finished and len(reps) == 3 * 2 * settings.session.sets_per_side
    assert service.frames.odd_frames == reads[0] // 5 > 100
    said = [r.getMessage() for r in caplog.records if "not a colour image" in r.getMessage()]
    assert len(said) == len(ODD)  # once per kind, however many came
    saved = sqlite3.connect(tmp_path / "history.sqlite3").execute("SELECT count(*) FROM reps")
    assert saved.fetchone() == (len(reps),)
