"""The one event loop: it owns the coach's state and is the only caller of the pure cores.

Adapters' threads (the button, the microphone, the camera's reconnects) only put inputs in its
inbox (app/inbox.py); the loop takes them, reads a frame when a set needs one, advances the coach
and hands its events out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from coach.adapters.clock import Clock
from coach.adapters.frames import FrameSource
from coach.adapters.speech import Speaker
from coach.app.inbox import CommandInput, CutSpeech, DeviceInput, Inbox
from coach.core.events import Cue, Event, Priority
from coach.core.gestures import ButtonGestures
from coach.core.hearing import HUSH_S
from coach.core.session import Coach
from coach.core.vision import BodyReader

EventSink = Callable[[Event], None]


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
        inbox: Inbox | None = None,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`wall_clock`, when given, is read at every step: dates follow the clock as it is
        set, while durations keep to `clock`."""
        self.coach = coach
        self.clock = clock
        self.inbox = inbox or Inbox(clock)
        # Thread-safe, for adapters and scripts: each only puts an input in the inbox.
        self.send = self.inbox.send
        self.cut_speech = self.inbox.cut_speech
        self.button_edge = self.inbox.button_edge
        self.device_changed = self.inbox.device_changed
        self._speaker = speaker
        self._frames = frames
        self._reader = reader
        self._tick_s = 1.0 / fps
        self._gestures = ButtonGestures(hold_s)
        # The reader is the first to hear of each event: it follows the session itself.
        self._sinks = [*([reader.on_event] if reader is not None else []), *sinks]
        self._on_step = on_step
        self._wall_clock = wall_clock
        self._hushed_until = float("-inf")

    def add_sink(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    def greet(self) -> None:
        self._publish(self.coach.greet(self.clock.now()))

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
            while self.clock.sleep_until_or(next_tick, self.inbox.arrived):
                self.inbox.arrived.clear()
                self._handle_inputs(self.clock.now())

    def step(self) -> None:
        now = self.clock.now()
        if self._wall_clock is not None:
            self.coach.set_wall_time(now, self._wall_clock())
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
        while (item := self.inbox.take()) is not None:
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
