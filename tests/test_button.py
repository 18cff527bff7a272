"""The real gpiozero Button on gpiozero's own MockFactory, wired into the event loop."""

import pytest
from gpiozero.pins.mock import MockFactory

from coach.adapters.button import ButtonUnavailable, GpioButton
from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import DEMO_SCRIPT
from coach.app.devices import SimulatedDevices
from coach.app.wiring import wire
from coach.core.events import CommandHeard
from coach.core.session import Phase
from tests.helpers import quick_settings

PIN = 17


@pytest.fixture
def pins():
    factory = MockFactory()
    yield factory
    factory.reset()


@pytest.fixture
def rig(pins):
    """The coach as the one wiring builds it, its button on the mock factory's pins."""
    events = []
    settings = quick_settings()
    devices = SimulatedDevices(settings, ConsoleSpeaker(), DEMO_SCRIPT, gpio=True, pin_factory=pins)
    wired = wire(settings, devices, VirtualClock(), [events.append])
    yield wired.loop, pins.pin(PIN), events
    wired.close()


def _advance(loop, seconds):
    loop.run(until=lambda: False, max_seconds=loop.clock.now() + seconds)


def test_a_short_press_starts_then_pauses_then_resumes(rig):
    loop, pin, events = rig
    for before, expected in [
        (Phase.IDLE, Phase.SETUP),
        (Phase.SETUP, Phase.PAUSED),
        (Phase.PAUSED, Phase.SETUP),
    ]:
        pin.drive_low()
        _advance(loop, 0.3)
        assert loop.coach.phase is before  # a short press acts on release
        pin.drive_high()
        _advance(loop, 0.2)
        assert loop.coach.phase is expected
    heard = [e for e in events if isinstance(e, CommandHeard)]
    assert [(e.command, e.source) for e in heard] == [("toggle", "button")] * 3


def test_holding_two_seconds_stops_while_still_held(rig):
    loop, pin, events = rig
    pin.drive_low()
    pin.drive_high()
    _advance(loop, 30)
    assert loop.coach.phase in (Phase.SETUP, Phase.SET)
    pin.drive_low()
    _advance(loop, 1.5)
    assert loop.coach.phase in (Phase.SETUP, Phase.SET)  # not paused by the start of a hold
    _advance(loop, 0.6)
    assert loop.coach.phase is Phase.STOPPED
    pin.drive_high()
    _advance(loop, 1)
    assert loop.coach.phase is Phase.STOPPED
    assert [e.command for e in events if isinstance(e, CommandHeard)] == ["toggle", "stop"]


def test_off_a_pi_without_a_mock_the_button_reports_why(monkeypatch):
    from gpiozero import Device

    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    monkeypatch.setattr(Device, "pin_factory", None)
    with pytest.raises(ButtonUnavailable, match=r"GPIO17: .*pin factory"):
        GpioButton(PIN, lambda pressed: None)


def test_the_status_light_is_steady_when_waiting_and_blinks_in_a_session():
    from coach.adapters.button import light_for

    assert light_for("idle") is None and light_for("done") is None and light_for("stopped") is None
    assert light_for("set") == (0.5, 0.5) and light_for("rest") == (0.5, 0.5)
    assert light_for("paused") == (0.2, 1.8)  # a slow wink: "I'm waiting for you"


def test_the_status_light_is_lit_on_a_real_pin(pins):
    from coach.adapters.button import StatusLed
    from coach.core.events import StateChanged

    led = StatusLed(27, pin_factory=pins)
    try:
        assert pins.pin(27).state  # lit from the start: the coach is up and waiting
        led(StateChanged(0.0, "set", "right", 1))
        led(StateChanged(9.0, "done"))
        assert pins.pin(27).state
    finally:
        led.close()
