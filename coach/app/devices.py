"""Where the coach's devices come from: one factory, real on the Pi or simulated for the demo and
the tests, as gpiozero takes its pins from a pin factory (the real one, or MockFactory).

The wiring (app/wiring.py) and `coach doctor` open devices only through a factory, so what
doctor checks is exactly what the service opens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from coach.adapters.audio.choose import open_audio_owner, owned_microphone
from coach.adapters.audio.owner import AudioOwner
from coach.adapters.button import ButtonUnavailable, GpioButton, StatusLed
from coach.adapters.camera import Picamera2Source
from coach.adapters.frames import FrameSource, ReconnectingFrames
from coach.adapters.speech import Speaker, make_speaker
from coach.adapters.voice.audio import ArecordSource, AudioSource
from coach.app.eyes import open_reader
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.core.sore_hip import worked_legs
from coach.core.vision import BodyReader, LegReader
from coach.settings import Settings
from coach.sim.athlete import Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera
from coach.sim.landmarks import LandmarkStream

log = logging.getLogger("coach")
demo_log = logging.getLogger("coach.demo")
DeviceReport = Callable[[bool, str], None]  # available, and why not


class Devices(Protocol):
    def audio(self) -> AudioOwner | None:
        """The one owner of speaker and microphone, started; None: each goes its own way."""
        ...

    def speaker(self, audio: AudioOwner | None) -> Speaker: ...

    def frames(self, on_change: DeviceReport) -> FrameSource | None:
        """The camera's frames, or None without a camera; a lost camera is reported."""
        ...

    def reader(self) -> BodyReader: ...

    def microphone(self, audio: AudioOwner | None) -> Callable[[], AudioSource] | None:
        """How to open the microphone (again, once it was lost); None: there is none."""
        ...

    def button(self, on_edge: Callable[[bool], None]) -> GpioButton | None: ...

    def led(self) -> StatusLed | None: ...


class RealDevices:
    """What the service opens on the Pi; each device may be missing, and that is said."""

    def __init__(
        self,
        settings: Settings,
        speaker: Speaker | None = None,
        open_camera: Callable[[], FrameSource] | None = None,
    ) -> None:
        """A test may hand in its own `speaker` (then the audio is not owned) or camera."""
        self._settings = settings
        self._speaker = speaker
        self._open_camera = open_camera

    def audio(self) -> AudioOwner | None:
        return open_audio_owner(self._settings) if self._speaker is None else None

    def speaker(self, audio: AudioOwner | None) -> Speaker:
        if self._speaker is not None:
            return self._speaker
        return make_speaker(self._settings.speech, audio.player if audio else None)

    def open_camera(self) -> FrameSource:
        if self._open_camera is not None:
            return self._open_camera()
        camera = self._settings.camera
        return Picamera2Source(camera.width, camera.height, camera.fps)

    def frames(self, on_change: DeviceReport) -> FrameSource | None:
        if self._open_camera is None and self._settings.camera.source != "picamera2":
            return None
        return ReconnectingFrames(self.open_camera, on_change)

    def reader(self) -> BodyReader:
        return open_reader(self._settings)

    def microphone(self, audio: AudioOwner | None) -> Callable[[], AudioSource]:
        """Always one to try: through the audio owner (pyalsaaudio, its echo cancelled) when
        there is one, else through arecord, deaf while the coach talks."""
        device = self._settings.voice.alsa_device
        if audio is not None:
            return lambda: owned_microphone(audio, device)
        return lambda: ArecordSource(device)

    def open_button(self, on_edge: Callable[[bool], None]) -> GpioButton:
        """Raises ButtonUnavailable, saying why."""
        return GpioButton(self._settings.button.pin, on_edge)

    def button(self, on_edge: Callable[[bool], None]) -> GpioButton | None:
        try:
            return self.open_button(on_edge)
        except ButtonUnavailable as exc:
            log.warning("button: %s; voice commands only", exc)
            return None

    def led(self) -> StatusLed | None:
        try:
            return StatusLed(self._settings.led.pin)
        except ButtonUnavailable as exc:
            log.warning("status light: %s", exc)
            return None


class SimulatedDevices:
    """A simulated person in front of a simulated camera, a given speaker and no microphone.
    `gpio`: a button on gpiozero's pins, `pin_factory`'s (MockFactory in a test) or, with none,
    the real ones, so on a Pi the real button pauses and stops the demo too."""

    def __init__(
        self,
        settings: Settings,
        speaker: Speaker,
        script: Script,
        camera_for: Callable[[SimulatedAthlete], FrameSource] | None = None,
        reader: BodyReader | None = None,
        gpio: bool = False,
        pin_factory: Any = None,
    ) -> None:
        """`camera_for` films the athlete another way (a test records the frames, for one);
        `reader` sees the body another way. By default the simulated camera draws the athlete
        with markers on, and the markers are followed: a drawn figure is no person to a pose
        model."""
        self._settings = settings
        self._speaker = speaker
        self.athlete = SimulatedAthlete(script, side=worked_legs(settings)[0])
        self._camera_for = camera_for
        self._reader = reader
        self._stream: LandmarkStream | None = None
        self._gpio = gpio
        self._pin_factory = pin_factory

    def audio(self) -> AudioOwner | None:
        return None

    def speaker(self, audio: AudioOwner | None) -> Speaker:
        return self._speaker

    def frames(self, on_change: DeviceReport) -> FrameSource | None:
        """A simulated camera is never lost. [camera] source = "none" is honoured here too:
        the coach keeps time and counts by the clock, and says the reps' form went unchecked."""
        if self._camera_for is not None:
            return self._camera_for(self.athlete)
        if self._settings.camera.source == "none":
            return None
        return self._landmarks() or simulated_camera(self._settings, self.athlete)

    def reader(self) -> BodyReader:
        """The markers followed; with [vision] mode = "pose", the pose model's reading of the
        simulated person (there is no model to run on a drawn figure: see sim/landmarks.py)."""
        if self._reader is not None:
            return self._reader
        stream = self._landmarks() if self._camera_for is None else None
        if stream is None or self._settings.camera.source == "none":
            return LegReader(self._settings)
        return PoseReader(self._settings, PoseTracker(stream.detect, stream.mark))

    def _landmarks(self) -> LandmarkStream | None:
        """One stream for both camera and reader, when the pose model is asked for."""
        if self._settings.vision.mode != "pose":
            return None
        if self._stream is None:
            camera, ratio = self._settings.camera, self._settings.markers.foot_to_leg_ratio
            self._stream = LandmarkStream(self.athlete, camera.width, camera.height, ratio)
        return self._stream

    def microphone(self, audio: AudioOwner | None) -> Callable[[], AudioSource] | None:
        return None  # commands are sent to the loop instead

    def button(self, on_edge: Callable[[bool], None]) -> GpioButton | None:
        if not self._gpio:
            return None
        try:
            return GpioButton(self._settings.button.pin, on_edge, self._pin_factory)
        except ButtonUnavailable as exc:
            demo_log.info("button: not in use (%s)", exc)
            return None

    def led(self) -> StatusLed | None:
        return None  # the demo shows the state on screen


def simulated_camera(settings: Settings, athlete: SimulatedAthlete) -> SimulatedCamera:
    """The athlete drawn with markers on, at the configured frame size."""
    return SimulatedCamera(
        athlete,
        settings.camera.width,
        settings.camera.height,
        settings.markers.colours(),
        settings.markers.foot_to_leg_ratio,
    )
