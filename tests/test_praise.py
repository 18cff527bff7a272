"""Praise only for what the camera saw: not without a camera, not for a rep it missed, not for
clamshells counted by the clock; and praise that is never heard as the next order."""

import re
from dataclasses import replace

import pytest

from coach.app.devices import simulated_camera
from coach.core import cues
from coach.core.events import Command, Cue, Fault, RepCounted
from coach.sim.athlete import RepStyle, Script
from tests.helpers import Blinded, coached, quick_settings

PRAISE = (cues.CLEAN_STREAK, *cues.PRAISE_FOR_FIXING.values())


def _praised(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Cue) and any(p in e.text for p in PRAISE)]


def _with(settings, verbosity="normal", **sections):
    settings = replace(settings, speech=replace(settings.speech, verbosity=verbosity))
    for name, changes in sections.items():
        settings = replace(settings, **{name: replace(getattr(settings, name), **changes)})
    return settings


@pytest.mark.parametrize("verbosity", ["normal", "chatty"])
def test_without_a_camera_no_rep_is_praised(verbosity):
    settings = _with(quick_settings(reps=10), verbosity, camera={"source": "none"})
    events, _ = coached(settings, Script())
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 20 and not any(r.form_checked for r in reps)
    assert _praised(events) == []


@pytest.mark.parametrize("verbosity", ["normal", "chatty"])
def test_clamshells_counted_by_the_clock_are_not_praised(verbosity):
    settings = _with(quick_settings(), verbosity, vision={"mode": "markers"})
    events, _ = coached(settings, Script(), command=Command.START_CLAMSHELLS)
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert len(reps) == 2 * settings.programs.clamshell_reps
    assert not any(r.form_checked for r in reps)
    assert _praised(events) == []


def test_a_fault_is_not_praised_as_fixed_on_a_rep_the_camera_did_not_see():
    settings = quick_settings(reps=3)
    script = Script(special={("right", 1, 1): RepStyle(rotation_deg=25.0)})
    events: list = []

    def after_the_first_count() -> bool:  # blind from the first rep's count to the set's end
        return len([e for e in events if isinstance(e, RepCounted)]) == 1

    coached(
        settings,
        script,
        lambda athlete: Blinded(simulated_camera(settings, athlete), after_the_first_count),
        events=events,
    )
    first, second = [e for e in events if isinstance(e, RepCounted)][:2]
    assert first.faults == (Fault.TOES_UP,) and not second.form_checked
    assert _praised(events) == []


def test_a_fault_the_camera_saw_fixed_is_praised_in_chatty():
    settings = _with(quick_settings(reps=3), "chatty")
    events, _ = coached(settings, Script(special={("right", 1, 1): RepStyle(rotation_deg=25.0)}))
    assert f"Two. {cues.PRAISE_FOR_FIXING[Fault.TOES_UP]}" in _praised(events)


def _openings(text: str) -> set[str]:
    """The first word of each clause: where an order would start."""
    clauses = re.split(r"[.,:;!]", text.lower())
    return {clause.split()[0] for clause in clauses if clause.split()}


def test_praise_never_opens_a_clause_the_way_an_order_does():
    orders = [cues.warning_text(f, neutral) for f in Fault for neutral in (False, True)]
    orders += [cues.LIFT, cues.HOLD, cues.LOWER, cues.FAST_LOWER, cues.NO_HOLD]
    opening = set().union(*map(_openings, orders))
    assert {word for praise in PRAISE for word in _openings(praise)} & opening == set()
    neutral = {cues.praise_for_fixing(f, True) for f in cues.PRAISE_FOR_FIXING}
    assert "toes" not in cues.praise_for_fixing(Fault.TOES_UP, True).lower()  # a level foot
    assert {word for praise in neutral for word in _openings(praise)} & opening == set()
