"""The one event loop: it owns the coach's state and is the only caller of the pure cores.

Adapters' threads (the button, later the microphone) only put inputs on a queue; the loop takes
them, reads a frame when a set needs one, advances the coach and hands its events out.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coach.adapters.clock import Clock
from coach.adapters.frames import FrameSource
from coach.adapters.speech import Speaker
from coach.core.events import Command, Cue, Event, Priority
from coach.core.gestures import ButtonGestures
from coach.core.hearing import HUSH_S
from coach.core.session import Coach
from coach.core.vision import BodyReader

EventSink = Callable[[Event], None]


@dataclass(frozen=True)
class CommandInput:
    command: Command
    source: str


@dataclass(frozen=True)
class ButtonEdge:
    pressed: bool
    t: float


@dataclass(frozen=True)
class DeviceInput:
    device: str
    available: bool
    detail: str


@dataclass(frozen=True)
class CutSpeech:
    """Someone is saying "stop" or "it hurts": the coach falls silent before the words end."""


Input = CommandInput | ButtonEdge | DeviceInput | CutSpeech


class CoachLoop:
    def __init__(
        self,
        coach: Coach,
        clock: Clock,
        speaker: Speaker,
        frames: FrameSource | None,
        reader: BodyReader | None,
        fps: float,
        hold_s: float,
        sinks: Iterable[EventSink] = (),
        on_step: Callable[[], None] = lambda: None,
    ) -> None:
        self.coach = coach
        self.clock = clock
        self.inputs: queue.Queue[Input] = queue.Queue()
        self._input_arrived = threading.Event()
        self._speaker = speaker
        self._frames = frames
        self._reader = reader
        self._tick_s = 1.0 / fps
        self._gestures = ButtonGestures(hold_s)
        # The reader is the first to hear of each event: it follows the session itself.
        self._sinks = [*([reader.on_event] if reader is not None else []), *sinks]
        self._on_step = on_step
        self._hushed_until = float("-inf")

    def add_sink(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    def send(self, command: Command, source: str) -> None:
        """Thread-safe: how an adapter or a script asks the coach to do something."""
        self._put(CommandInput(command, source))

    def cut_speech(self) -> None:
        """Thread-safe: the listener heard the start of a safety command."""
        self._put(CutSpeech())

    def button_edge(self, pressed: bool) -> None:
        """Thread-safe: the button adapter's callback."""
        self._put(ButtonEdge(pressed, self.clock.now()))

    def greet(self) -> None:
        self._publish(self.coach.greet(self.clock.now()))

    def device_changed(self, device: str, available: bool, detail: str = "") -> None:
        """Thread-safe: a device adapter lost its device, or found it again."""
        self._put(DeviceInput(device, available, detail))

    def _put(self, item: Input) -> None:
        self.inputs.put(item)
        self._input_arrived.set()

    def run(self, until: Callable[[], bool], max_seconds: float | None = None) -> None:
        """Tick until `until()` holds (checked after each tick) or `max_seconds` have passed."""
        next_tick = self.clock.now()
        while True:
            self.step()
            if until() or (max_seconds is not None and self.clock.now() >= max_seconds):
                return
            # After a stall (a slow camera, a busy CPU) carry on from now: missed ticks are not
            # made up in a burst.
            next_tick = max(next_tick + self._tick_s, self.clock.now())
            # A command is taken as it arrives, not at the next frame: "stop" cuts the speech
            # up to a frame's time sooner.
            while self.clock.sleep_until_or(next_tick, self._input_arrived):
                self._input_arrived.clear()
                self._handle_inputs(self.clock.now())

    def step(self) -> None:
        now = self.clock.now()
        self._handle_inputs(now)
        if (command := self._gestures.tick(now)) is not None:
            self._publish(self.coach.command(now, command, "button"))
        sighting = None
        if self.coach.wants_frames and self._frames is not None and self._reader is not None:
            frame = self._frames.read(now)
            sighting = None if frame is None else self._reader.sight(frame, now)
        self._publish(self.coach.tick(now, sighting))
        self._on_step()

    def _handle_inputs(self, now: float) -> None:
        while True:
            try:
                item = self.inputs.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, CutSpeech):
                self._speaker.cut()
                self._hushed_until = now + HUSH_S
            elif isinstance(item, CommandInput):
                self._hushed_until = float("-inf")  # the words are settled
                self._publish(self.coach.command(now, item.command, item.source))
            elif isinstance(item, DeviceInput):
                self._publish(
                    self.coach.device_changed(now, item.device, item.available, item.detail)
                )
            elif item.pressed:
                self._gestures.pressed(item.t)
            elif (command := self._gestures.released(item.t)) is not None:
                self._publish(self.coach.command(now, command, "button"))

    def _hushed(self, cue: Cue) -> bool:
        """A cue due while someone may be saying "stop" is not started: only a safety reply
        is. It is still published, so the record shows what the coach meant to say."""
        return cue.priority is not Priority.SAFETY and self.clock.now() < self._hushed_until

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Cue) and not self._hushed(event):
                self._speaker.say(event)
            for sink in self._sinks:
                sink(event)
