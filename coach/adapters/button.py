"""The push button and the status light, through gpiozero; the button's callbacks only report
edges, and the light only follows the coach's state."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from coach.core.events import Event, Phase, StateChanged


class ButtonUnavailable(Exception):
    """The button could not be opened; the message says why."""


def _open(make: Callable[[], Any], pin: int) -> Any:
    try:
        from gpiozero.exc import GPIOZeroError
    except ImportError as exc:
        raise ButtonUnavailable(f"gpiozero is not installed ({exc})") from None
    try:
        with warnings.catch_warnings():
            # gpiozero warns once per pin library it tries; the outcome is reported instead.
            warnings.simplefilter("ignore")
            return make()
    except GPIOZeroError as exc:
        raise ButtonUnavailable(f"GPIO{pin}: {exc}") from None


class GpioButton:
    """Reports presses and releases of a button wired from `pin` to ground."""

    def __init__(self, pin: int, on_edge: Callable[[bool], None], pin_factory: Any = None) -> None:
        try:
            from gpiozero import Button
        except ImportError as exc:
            raise ButtonUnavailable(f"gpiozero is not installed ({exc})") from None
        self._button = _open(
            lambda: Button(pin, pull_up=True, bounce_time=0.05, pin_factory=pin_factory), pin
        )
        self._button.when_pressed = lambda: on_edge(True)
        self._button.when_released = lambda: on_edge(False)

    def close(self) -> None:
        self._button.close()


def light_for(state: Phase) -> tuple[float, float] | None:
    """None for a steady light (waiting for the person), else blink (on, off) seconds."""
    if state in (Phase.IDLE, Phase.DONE, Phase.STOPPED):
        return None
    if state == Phase.PAUSED:
        return (0.2, 1.8)
    return (0.5, 0.5)


class StatusLed:
    """An event sink: lit while waiting, blinking through a session, off when it is over."""

    def __init__(self, pin: int, pin_factory: Any = None) -> None:
        try:
            from gpiozero import LED
        except ImportError as exc:
            raise ButtonUnavailable(f"gpiozero is not installed ({exc})") from None
        self._led = _open(lambda: LED(pin, pin_factory=pin_factory), pin)
        self._led.on()

    def __call__(self, event: Event) -> None:
        if not isinstance(event, StateChanged):
            return
        blink = light_for(event.state)
        if blink is None:
            self._led.on()
        else:
            self._led.blink(on_time=blink[0], off_time=blink[1])

    def close(self) -> None:
        self._led.close()
