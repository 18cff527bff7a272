"""`coach run`: the service. The real devices around the one loop, each allowed to be missing.

Start-up order follows what systemd is told: READY=1 once config, speech and the button are up;
the camera and the microphone (and the speech model, which takes seconds to load) may come later,
and each is reported and retried on its own.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from coach.adapters.audio.choose import open_audio_owner, owned_microphone
from coach.adapters.audio.owner import AudioOwner
from coach.adapters.button import ButtonUnavailable, GpioButton, StatusLed
from coach.adapters.camera import Picamera2Source
from coach.adapters.clock import Clock, MonotonicClock
from coach.adapters.frames import FrameSource, ReconnectingFrames
from coach.adapters.notify import Notifier
from coach.adapters.set_video import SetVideos
from coach.adapters.speech import Speaker, make_speaker
from coach.adapters.store import (
    SessionRecorder,
    history_file,
    open_or_set_aside,
    state_directory,
)
from coach.adapters.video import VideoUnavailable
from coach.adapters.voice.audio import ArecordSource, AudioSource
from coach.adapters.voice.recognizer import VoiceUnavailable
from coach.app.eyes import open_reader
from coach.app.listener import VoiceListener, voice_recognition
from coach.app.loop import CoachLoop
from coach.app.views import LogView
from coach.core import cues
from coach.core.events import Command
from coach.core.phrases import EchoGate
from coach.core.session import Coach
from coach.settings import Settings

log = logging.getLogger("coach")
SHUTDOWN_REASON = "shutdown"


@dataclass
class Service:
    """Everything `coach run` holds open, so that shutting down closes each of them."""

    loop: CoachLoop
    speaker: Speaker
    recorder: SessionRecorder
    notifier: Notifier
    frames: FrameSource | None = None
    videos: SetVideos | None = None
    button: GpioButton | None = None
    led: StatusLed | None = None
    voice: VoiceThread | None = None
    audio: AudioOwner | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

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
        self.speaker.close()
        if self.voice is not None:
            self.voice.stop()
        if self.audio is not None:
            self.audio.close()
        if self.frames is not None:
            self.frames.close()
        if self.videos is not None:
            self.videos.close()
        if self.button is not None:
            self.button.close()
        if self.led is not None:
            self.led.close()
        self.recorder.close()


def build_service(
    settings: Settings,
    clock: Clock | None = None,
    speaker: Speaker | None = None,
    open_camera: Callable[[], FrameSource] | None = None,
    notifier: Notifier | None = None,
) -> Service:
    notifier = notifier or Notifier()
    audio = open_audio_owner(settings) if speaker is None else None
    speaker = speaker or make_speaker(settings.speech, audio.player if audio else None)
    speaker.prepare(cues.catalogue(settings))
    recorder = SessionRecorder(open_or_set_aside(history_file()))
    loop_holder: list[CoachLoop] = []

    def camera_changed(available: bool, detail: str) -> None:
        loop_holder[0].device_changed("camera", available, detail)

    frames: FrameSource | None = None
    if open_camera is None and settings.camera.source == "picamera2":
        camera = settings.camera

        def open_camera() -> FrameSource:
            return Picamera2Source(camera.width, camera.height, camera.fps)

    if open_camera is not None:
        frames = ReconnectingFrames(open_camera, camera_changed)
    videos = None
    if frames is not None and (videos := _set_videos(settings)) is not None:
        frames = videos.around(frames)
    reader = open_reader(settings)
    loop = CoachLoop(
        Coach(settings, recorder.recent(), datetime.now().astimezone(), eyes=reader.kind),
        clock or MonotonicClock(),
        speaker,
        frames,
        reader,
        fps=settings.camera.fps,
        hold_s=settings.button.hold_s,
        sinks=[LogView(log), recorder, *([videos] if videos else [])],
        on_step=lambda: notifier.progress(time.monotonic()),
    )
    loop_holder.append(loop)
    service = Service(loop, speaker, recorder, notifier, frames=frames, videos=videos, audio=audio)
    if settings.button.enabled:
        try:
            service.button = GpioButton(settings.button.pin, loop.button_edge)
        except ButtonUnavailable as exc:
            log.warning("button: %s; voice commands only", exc)
    if settings.led.enabled:
        try:
            service.led = StatusLed(settings.led.pin)
            loop.add_sink(service.led)
        except ButtonUnavailable as exc:
            log.warning("status light: %s", exc)
    if settings.voice.enabled:
        service.voice = VoiceThread(settings, loop, speaker, audio)
    return service


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
        self, settings: Settings, loop: CoachLoop, speaker: Speaker, audio: AudioOwner | None
    ) -> None:
        self._settings = settings.voice
        self._loop = loop
        self._speaker = speaker
        self._audio = audio
        self._listener: VoiceListener | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._listener is not None:
            self._listener.stop()

    def _run(self) -> None:
        voice, loop = self._settings, self._loop
        try:
            matcher, recognizer = voice_recognition(voice)
        except VoiceUnavailable as exc:
            log.warning("voice: %s", exc)
            loop.device_changed("voice", False, str(exc))
            return
        audio = self._audio
        if audio is not None:  # the coach's voice is taken out: listen all the time

            def open_microphone() -> AudioSource:
                return owned_microphone(audio, voice.alsa_device)

            hears_through_speech = audio.echo_settled
        else:  # no echo canceller: deaf while the coach talks, and for the echo after

            def open_microphone() -> AudioSource:
                return ArecordSource(voice.alsa_device)

            def hears_through_speech() -> bool:
                return False

        self._listener = VoiceListener(
            open_microphone,
            recognizer,
            matcher,
            EchoGate(voice.echo_tail_s),
            speaking=lambda: self._speaker.speaking,
            now=time.monotonic,
            on_match=lambda match: loop.send(match.command, "voice"),
            on_device=lambda available, detail: loop.device_changed(
                "microphone", available, detail
            ),
            end_silence_s=voice.end_silence_s,
            hears_through_speech=hears_through_speech,
            on_safety_heard=loop.cut_speech,
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
