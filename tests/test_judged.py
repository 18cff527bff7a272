"""The article's tempo and foot points, judged: a leg swung up is a fault, a foot held level or
turned up short of the limit is asked for "toes slightly down", and the tempo faults' warnings
say how long the part of the rep took."""

from dataclasses import replace

import pytest

from coach.app.views import describe
from coach.core.events import Cue, FormWarning, RepCounted
from coach.sim.athlete import RepStyle, Script
from tests.helpers import coached, quick_settings

NUDGE = "toes slightly down"


def _settings(reps=3, verbosity="normal", condition="none"):
    """Quick settings with the camera's known pose (no calibration to misjudge it at this
    small frame size), so the foot is read as it is held."""
    settings = quick_settings(reps=reps)
    return replace(
        settings,
        camera=replace(settings.camera, calibrate=False),
        speech=replace(settings.speech, verbosity=verbosity),
        safety=replace(settings.safety, condition=condition),
    )


def _rep(events, side, rep) -> RepCounted:
    return next(e for e in events if isinstance(e, RepCounted) and (e.side, e.rep) == (side, rep))


def test_a_leg_swung_up_in_half_a_second_is_a_fault_with_its_warning_and_its_time():
    swung = RepStyle(lift_s=0.5)
    events, _ = coached(_settings(), Script(special={("right", 1, 2): swung}))
    assert "fast_lift" in _rep(events, "right", 2).faults
    assert all("fast_lift" not in e.faults for e in events if isinstance(e, RepCounted)
               and (e.side, e.rep) != ("right", 2))  # fmt: skip
    warning = next(e for e in events if isinstance(e, FormWarning) and e.fault == "fast_lift")
    assert warning.rep == 2 and warning.value == pytest.approx(0.5, abs=0.2)
    said = [e.text for e in events if isinstance(e, Cue) and e.t >= warning.t]
    assert any("Slower on the way up." in text for text in said[:2])


def test_the_fastest_tempo_the_coach_counts_is_not_a_fast_lift():
    quick = RepStyle(lift_s=1.0, lower_s=2.0)
    events, _ = coached(_settings(reps=4), Script(default=quick))
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 8 and all("fast_lift" not in r.faults for r in reps)


@pytest.mark.parametrize(
    ("style", "fault", "seconds"),
    [(RepStyle(lower_s=0.8), "fast_lower", 0.8), (RepStyle(hold_s=0.3), "no_hold", 0.3)],
)
def test_a_drop_and_a_skipped_hold_are_reported_in_seconds(style, fault, seconds):
    events, _ = coached(_settings(), Script(special={("right", 1, 2): style}))
    warning = next(e for e in events if isinstance(e, FormWarning) and e.fault == fault)
    assert warning.value == pytest.approx(seconds, abs=0.25)
    assert warning.to_json()["unit"] == "s"
    assert f"({warning.value:.1f} s)" in describe(warning)


def _nudged(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Cue) and NUDGE in e.text.lower()]


@pytest.mark.parametrize("toes_deg", [0.0, 8.0])
@pytest.mark.parametrize("verbosity", ["normal", "chatty"])
def test_a_foot_level_or_turned_up_short_of_the_limit_is_asked_for_toes_slightly_down(
    toes_deg, verbosity
):
    events, _ = coached(_settings(6, verbosity), Script(default=RepStyle(rotation_deg=toes_deg)))
    reps = [e for e in events if isinstance(e, RepCounted)]
    nudged = _nudged(events)
    # Said with the count, now and then, not on every rep.
    assert 2 <= len(nudged) <= len(reps) // 2
    assert all(text.split()[0].rstrip(".").lower() in ("one", "two", "three", "four", "five",
               "six") for text in nudged)  # fmt: skip


@pytest.mark.parametrize(
    ("toes_deg", "verbosity", "condition"),
    [
        (-5.0, "normal", "none"),  # turned down, as asked
        (0.0, "quiet", "none"),  # quiet: the count only
        (0.0, "normal", "labral_tear"),  # the foot is kept level on purpose
    ],
)
def test_toes_slightly_down_is_not_asked_for_a_foot_turned_down_or_when_quiet_or_level_on_purpose(
    toes_deg, verbosity, condition
):
    settings = _settings(6, verbosity, condition)
    events, _ = coached(settings, Script(default=RepStyle(rotation_deg=toes_deg)))
    assert _nudged(events) == []


def test_toes_turned_up_then_held_level_are_not_praised_as_kept_down():
    up, level = RepStyle(rotation_deg=25.0), RepStyle(rotation_deg=0.0)
    script = Script(default=level, special={("right", 1, 2): up})
    events, _ = coached(_settings(3, "chatty"), script)
    said = [e.text for e in events if isinstance(e, Cue) and e.tag == "count"][:3]
    assert NUDGE in said[0].lower()  # and not again so soon after
    assert "toes_up" in _rep(events, "right", 2).faults
    assert said[2] == "Three."
