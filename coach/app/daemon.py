"""`coach run`: the service. The real devices around the one loop, each allowed to be missing.

Start-up order follows what systemd is told: READY=1 once config, speech and the button are up;
the camera and the microphone (and the speech model, which takes seconds to load) may come later,
and each is reported and retried on its own. The devices are the real ones (app/devices.py),
put together by the one wiring (app/wiring.py) the demo and `coach doctor` use too.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from coach.adapters.audio.owner import AudioOwner
from coach.adapters.clock import Clock, MonotonicClock
from coach.adapters.frames import FrameSource
from coach.adapters.notify import Notifier
from coach.adapters.set_video import SetVideos
from coach.adapters.speech import Speaker
from coach.adapters.store import (
    SessionRecorder,
    history_file,
    open_or_set_aside,
    state_directory,
)
from coach.adapters.video import VideoUnavailable
from coach.adapters.voice.audio import AudioSource
from coach.adapters.voice.recognizer import VoiceUnavailable
from coach.app.devices import RealDevices
from coach.app.inbox import Inbox
from coach.app.listener import VoiceListener, voice_recognition
from coach.app.loop import CoachLoop
from coach.app.views import LogView
from coach.app.wiring import Rig, wire
from coach.core import cues
from coach.core.events import Command
from coach.core.phrases import EchoGate
from coach.settings import Settings

log = logging.getLogger("coach")
SHUTDOWN_REASON = "shutdown"


@dataclass
class Service:
    """Everything `coach run` holds open, so that shutting down closes each of them."""

    rig: Rig
    recorder: SessionRecorder
    notifier: Notifier
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def loop(self) -> CoachLoop:
        return self.rig.loop

    def run(self, start_now: bool = False) -> None:
        self.notifier.ready("waiting for 'start leg lifts' or the button")
        self.loop.greet()
        if start_now:
            self.loop.send(Command.START, "command line")
        self.loop.run(until=self.stopping.is_set)

    def close(self) -> None:
        """Stop talking at once, release every device and mark the session so far as ended."""
        self.notifier.stopping()
        self.recorder.interrupted(SHUTDOWN_REASON)
        self.rig.close()
        self.recorder.close()


def build_service(
    settings: Settings,
    clock: Clock | None = None,
    speaker: Speaker | None = None,
    open_camera: Callable[[], FrameSource] | None = None,
    notifier: Notifier | None = None,
    wall_clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
) -> Service:
    """The service on the real devices; a test may hand in its own clock, speaker or camera."""
    notifier = notifier or Notifier()
    devices = RealDevices(settings, speaker, open_camera)
    recorder = SessionRecorder(open_or_set_aside(history_file()))
    rig = wire(
        settings,
        devices,
        clock or MonotonicClock(),
        sinks=[LogView(log), recorder],
        past=recorder.recent(),
        record=lambda: _set_videos(settings),
        on_step=lambda: notifier.progress(time.monotonic()),
        wall_clock=wall_clock,
    )
    rig.speaker.prepare(cues.catalogue(settings))
    if settings.voice.enabled and (microphone := devices.microphone(rig.audio)) is not None:
        voice = VoiceThread(settings, rig.loop.inbox, rig.speaker, microphone, rig.audio)
        rig.others.append(voice.stop)
    return Service(rig, recorder, notifier)


def _set_videos(settings: Settings) -> SetVideos | None:
    """The sets' videos, when `[camera] record_sets` asks for them and PyAV is there."""
    camera = settings.camera
    if not camera.record_sets:
        return None
    folder = state_directory() / "sets"
    try:
        videos = SetVideos.configured(folder, camera.record_sets, camera)
    except VideoUnavailable as exc:
        log.warning("recording: %s; sets are not recorded", exc)
        return None
    log.info("recording: the newest %d sets are kept in %s", camera.record_sets, folder)
    return videos


class VoiceThread:
    """Loads the speech model and then listens, on a thread of its own: loading takes seconds."""

    def __init__(
        self,
        settings: Settings,
        inbox: Inbox,
        speaker: Speaker,
        open_microphone: Callable[[], AudioSource],
        audio: AudioOwner | None,
    ) -> None:
        self._settings = settings.voice
        self._inbox = inbox
        self._speaker = speaker
        self._open_microphone = open_microphone
        # With the coach's voice taken out (the audio owner's echo canceller), the microphone
        # is listened to all the time; without, it is deaf while the coach talks, and for the
        # echo after.
        self._hears_through_speech = audio.echo_settled if audio is not None else lambda: False
        self._listener: VoiceListener | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._listener is not None:
            self._listener.stop()

    def _run(self) -> None:
        voice, inbox = self._settings, self._inbox
        try:
            matcher, recognizer = voice_recognition(voice)
        except VoiceUnavailable as exc:
            log.warning("voice: %s", exc)
            inbox.device_changed("voice", False, str(exc))
            return
        self._listener = VoiceListener(
            self._open_microphone,
            recognizer,
            matcher,
            EchoGate(voice.echo_tail_s),
            speaking=lambda: self._speaker.speaking,
            now=time.monotonic,
            on_match=lambda match: inbox.send(match.command, "voice"),
            on_device=lambda available, detail: inbox.device_changed(
                "microphone", available, detail
            ),
            end_silence_s=voice.end_silence_s,
            hears_through_speech=self._hears_through_speech,
            on_safety_heard=inbox.cut_speech,
        )
        if not self._stopped.is_set():
            self._listener.run()


def run_service(settings: Settings, start_now: bool = False) -> int:
    service = build_service(settings)

    def request_stop(signum: int, frame: object) -> None:
        log.info("stopping (signal %d)", signum)
        service.stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        service.run(start_now)
    finally:
        service.close()
    return 0
