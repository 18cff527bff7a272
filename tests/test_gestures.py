from coach.core.events import Command
from coach.core.gestures import ButtonGestures


def test_a_short_press_toggles_on_release():
    buttons = ButtonGestures(hold_s=2.0)
    buttons.pressed(10.0)
    assert buttons.tick(10.5) is None
    assert buttons.released(10.6) is Command.TOGGLE


def test_a_long_hold_stops_once_while_still_held_and_the_release_does_nothing():
    buttons = ButtonGestures(hold_s=2.0)
    buttons.pressed(0.0)
    assert buttons.tick(1.9) is None
    assert buttons.tick(2.0) is Command.STOP
    assert buttons.tick(3.0) is None
    assert buttons.released(3.5) is None


def test_a_release_without_a_press_is_ignored():
    assert ButtonGestures(hold_s=2.0).released(1.0) is None
