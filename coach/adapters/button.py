"""The push button, through gpiozero; its callbacks only report edges."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any


class ButtonUnavailable(Exception):
    """The button could not be opened; the message says why."""


class GpioButton:
    """Reports presses and releases of a button wired from `pin` to ground."""

    def __init__(self, pin: int, on_edge: Callable[[bool], None], pin_factory: Any = None) -> None:
        try:
            from gpiozero import Button
            from gpiozero.exc import GPIOZeroError
        except ImportError as exc:
            raise ButtonUnavailable(f"gpiozero is not installed ({exc})") from None
        try:
            with warnings.catch_warnings():
                # gpiozero warns once per pin library it tries; the outcome is reported below.
                warnings.simplefilter("ignore")
                self._button = Button(pin, pull_up=True, bounce_time=0.05, pin_factory=pin_factory)
        except GPIOZeroError as exc:
            raise ButtonUnavailable(f"GPIO{pin}: {exc}") from None
        self._button.when_pressed = lambda: on_edge(True)
        self._button.when_released = lambda: on_edge(False)

    def close(self) -> None:
        self._button.close()
