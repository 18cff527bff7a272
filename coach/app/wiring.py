"""The one place the coach is put together, from a device factory (app/devices.py): the
service, the demo, the tests and `coach doctor` all build it here.

The inbox comes first, so each adapter is handed its callback as it is opened; the loop last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from coach.adapters.audio.owner import AudioOwner
from coach.adapters.button import GpioButton, StatusLed
from coach.adapters.clock import Clock
from coach.adapters.frames import FrameSource
from coach.adapters.set_video import SetVideos
from coach.adapters.speech import Speaker
from coach.app.devices import Devices
from coach.app.inbox import Inbox
from coach.app.loop import CoachLoop, EventSink
from coach.core.progress import SessionRecord
from coach.core.session import Coach
from coach.settings import Settings


@dataclass
class Rig:
    """The loop and every device opened for it, so that closing closes each of them."""

    loop: CoachLoop
    speaker: Speaker
    audio: AudioOwner | None = None
    frames: FrameSource | None = None
    videos: SetVideos | None = None
    button: GpioButton | None = None
    led: StatusLed | None = None
    others: list[Callable[[], None]] = field(default_factory=list)  # more to close, in order

    def close(self) -> None:
        """Stop talking at once, then release the devices."""
        self.speaker.close()
        for close in self.others:
            close()
        for device in (self.audio, self.frames, self.videos, self.button, self.led):
            if device is not None:
                device.close()


def wire(
    settings: Settings,
    devices: Devices,
    clock: Clock,
    sinks: Iterable[EventSink] = (),
    past: Sequence[SessionRecord] = (),
    started_at: datetime | None = None,
    record: Callable[[], SetVideos | None] = lambda: None,
    on_step: Callable[[], None] = lambda: None,
    wall_clock: Callable[[], datetime] | None = None,
) -> Rig:
    """`past` and `started_at` as for Coach; `record` gives what keeps each set's video, asked
    for only when there is a camera; `wall_clock` as for CoachLoop."""
    inbox = Inbox(clock)
    audio = devices.audio()
    speaker = devices.speaker(audio)
    frames = devices.frames(lambda available, why: inbox.device_changed("camera", available, why))
    videos = None if frames is None else record()
    if videos is not None:
        frames = videos.around(frames)
    reader = devices.reader()
    loop = CoachLoop(
        Coach(settings, past, started_at, eyes=reader.kind),
        clock,
        speaker,
        frames,
        reader,
        fps=settings.camera.fps,
        hold_s=settings.button.hold_s,
        sinks=[*sinks, *([videos] if videos is not None else [])],
        on_step=on_step,
        inbox=inbox,
        wall_clock=wall_clock,
    )
    rig = Rig(loop, speaker, audio, frames, videos)
    if settings.button.enabled:
        rig.button = devices.button(inbox.button_edge)
    if settings.led.enabled and (led := devices.led()) is not None:
        rig.led = led
        loop.add_sink(led)
    return rig
