"""The loop's inbox: adapters' threads (the button, the microphone, the camera's reconnects)
only put an input here, and the one loop takes them out in order.

It is made before anything that reports to it, so every adapter is handed its callback when it
is opened, and the loop is made last.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from coach.adapters.clock import Clock
from coach.core.events import Command


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


class Inbox:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._inputs: queue.Queue[Input] = queue.Queue()
        self.arrived = threading.Event()

    def send(self, command: Command, source: str) -> None:
        """Thread-safe: how an adapter or a script asks the coach to do something."""
        self._put(CommandInput(command, source))

    def cut_speech(self) -> None:
        """Thread-safe: the listener heard the start of a safety command."""
        self._put(CutSpeech())

    def button_edge(self, pressed: bool) -> None:
        """Thread-safe: the button adapter's callback."""
        self._put(ButtonEdge(pressed, self._clock.now()))

    def device_changed(self, device: str, available: bool, detail: str = "") -> None:
        """Thread-safe: a device adapter lost its device, or found it again."""
        self._put(DeviceInput(device, available, detail))

    def take(self) -> Input | None:
        """The oldest input, or None when there is none."""
        try:
            return self._inputs.get_nowait()
        except queue.Empty:
            return None

    def _put(self, item: Input) -> None:
        self._inputs.put(item)
        self.arrived.set()
