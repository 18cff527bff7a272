from dataclasses import replace

import pytest

from coach.core.rules import FormRules, Reading
from coach.settings import FormSettings

FORM = FormSettings()


def _feed(rules, readings, dt=0.05):
    onsets = []
    for i, (abduction, rotation) in enumerate(readings):
        onsets += rules.update(i * dt, Reading(abduction, rotation))
    return onsets


def test_a_leg_raised_past_the_limit_gives_one_onset():
    rise = [(a, 0) for a in range(0, 61, 2)] + [(60, 0)] * 20 + [(a, 0) for a in range(60, -1, -2)]
    onsets = _feed(FormRules(FORM), rise)
    assert [o.fault for o in onsets] == ["too_high"]
    assert onsets[0].value > FORM.max_abduction_deg


def test_hovering_at_the_limit_does_not_chatter():
    hover = [(45.5 if i % 2 else 44.5, 0) for i in range(200)]
    onsets = _feed(FormRules(FORM), hover)
    assert len(onsets) <= 1


def test_a_flicker_shorter_than_the_debounce_is_ignored():
    flicker = [(30, 0)] * 5 + [(50, 0)] * 2 + [(30, 0)] * 5  # 0.1 s over the limit
    assert _feed(FormRules(FORM), flicker) == []


def test_the_fault_can_fire_again_once_released():
    up, down = [(55, 0)] * 10, [(30, 0)] * 10
    onsets = _feed(FormRules(FORM), up + down + up)
    assert [o.fault for o in onsets] == ["too_high", "too_high"]


def test_toes_up_uses_its_own_threshold_and_ignores_a_missing_toe_marker():
    rules = FormRules(replace(FORM, max_rotation_deg=15))
    assert _feed(rules, [(20, 12)] * 20) == []
    assert _feed(rules, [(20, None)] * 20) == []
    assert [o.fault for o in _feed(rules, [(20, 25)] * 20)] == ["toes_up"]


def test_two_readings_over_the_limit_with_none_between_are_no_fault_held():
    rules = FormRules(replace(FORM, max_rotation_deg=15))
    # A toe misread for one frame, unseen for half a second, misread once more.
    gappy = [(20, 25)] + [(20, None)] * 10 + [(20, 25)] + [(20, 5)] * 5
    assert _feed(rules, gappy) == []
    # A toe that flickers in and out while it is up is still judged.
    flickering = [(20, 25 if i % 2 else None) for i in range(20)]
    assert [o.fault for o in _feed(FormRules(replace(FORM, max_rotation_deg=15)), flickering)] == [
        "toes_up"
    ]


def _bump(over_s: float, fps: float, phase: float) -> list[tuple[float, Reading]]:
    """A leg rising past the limit (45) and back, over it for `over_s`, seen at `fps` from a
    first frame `phase` of an interval late."""

    def abduction(t: float) -> float:  # up at 40 degrees a second to 55 and back
        return min(45.0 + 40.0 * (over_s / 2 - abs(t - 2.0)), 55.0)

    times = [(i + phase) / fps for i in range(int(4 * fps))]
    return [(t, Reading(abduction(t), 0.0)) for t in times]


@pytest.mark.parametrize("fps", [4, 5, 8, 15, 30])
@pytest.mark.parametrize("phase", [0.0, 0.3, 0.7])
def test_a_fault_held_reads_the_same_at_any_frame_rate(fps, phase):
    """At 4 frames a second every frame came more than the debounce after the last, and each
    restarted it: no warning was ever given. Held 0.8 s, a fault is seen in three frames even
    at 4 a second."""
    rules = FormRules(FORM)
    held = [o.fault for t, r in _bump(0.8, fps, phase) for o in rules.update(t, r)]
    rules = FormRules(FORM)
    brief = [o.fault for t, r in _bump(0.1, fps, phase) for o in rules.update(t, r)]
    assert held == ["too_high"]
    assert brief == []


def test_two_frames_misread_at_5_fps_are_no_fault_but_three_are():
    """At 5 frames a second a leg near rest, placed out of the plane by noise, read as a bent
    knee in two frames running: 0.2 s apart, they met the debounce and a clean rep was faulted."""

    def knee(over: int) -> list[tuple[float, Reading]]:
        bends = [5.0] * 5 + [22.0] * over + [5.0] * 5
        return [(i / 5, Reading(10.0, 0.0, knee_bend=b)) for i, b in enumerate(bends)]

    rules = FormRules(FORM)
    assert [o for t, r in knee(2) for o in rules.update(t, r)] == []
    rules = FormRules(FORM)
    assert [o.fault for t, r in knee(3) for o in rules.update(t, r)] == ["knee_bend"]
