"""A whole session on virtual time: simulated person, camera, tracker, rules and coach."""

from dataclasses import replace
from itertools import pairwise

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.app.demo import DEMO_SCRIPT, build_demo
from coach.core import cues
from coach.core.events import (
    Command,
    Cue,
    FormWarning,
    Priority,
    RepCounted,
    SessionSummary,
)
from coach.core.set_runner import MERGE_WITH_TEMPO_S
from coach.sim.athlete import RepStyle, Script
from tests.helpers import coached, quick_settings


def _session(settings, script=DEMO_SCRIPT):
    events = []
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker(), [events.append], script)
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=1200)
    return events


def test_a_whole_session_counts_every_rep_and_warns_once_about_each_fault():
    events = _session(quick_settings(reps=3))

    reps = [e for e in events if isinstance(e, RepCounted)]
    assert [(r.side, r.set, r.rep) for r in reps] == [
        ("right", 1, 1), ("right", 1, 2), ("right", 1, 3),
        ("left", 1, 1), ("left", 1, 2), ("left", 1, 3),
    ]  # fmt: skip
    by_rep = {(r.side, r.rep): r for r in reps}
    assert by_rep["right", 2].peak_angle > 55
    assert by_rep["right", 2].faults == ("too_high",)
    assert by_rep["right", 3].faults == ("toes_up",)
    assert by_rep["right", 3].peak_rotation > 20
    assert by_rep["left", 2].faults == ("fast_lower",)
    faulty = {("right", 2), ("right", 3), ("left", 2)}
    assert all(r.faults == () for key, r in by_rep.items() if key not in faulty)
    assert all(25 < r.peak_angle < 35 for key, r in by_rep.items() if key != ("right", 2))

    warnings = [e for e in events if isinstance(e, FormWarning)]
    assert [(w.fault, w.side, w.rep) for w in warnings] == [
        ("too_high", "right", 2),
        ("toes_up", "right", 3),
        ("fast_lower", "left", 2),
    ]
    # A form warning comes while its rep is under way: after that rep's lift cue, before it
    # counts; a tempo warning comes as the rep is counted.
    lifts = [e.t for e in events if isinstance(e, Cue) and e.tag == "lift"]
    for warning in warnings:
        counted = by_rep[warning.side, warning.rep].t
        if warning.fault == "fast_lower":
            assert warning.t == counted
        else:
            assert lifts[warning.rep - 1] < warning.t < counted
        # Said once: at once, or with the tempo cue due within MERGE_WITH_TEMPO_S.
        words = cues.warning_text(warning.fault, neutral_foot=False)
        spoken = [e for e in events if isinstance(e, Cue) and words in e.text]
        assert len(spoken) == 1
        assert warning.t <= spoken[0].t <= warning.t + MERGE_WITH_TEMPO_S

    summary = events[-1]
    assert isinstance(summary, SessionSummary)
    assert summary.reps_per_side == {"right": 3, "left": 3}
    assert summary.faults == {"too_high": 1, "toes_up": 1, "fast_lower": 1}


def test_the_cue_sequence_follows_the_plan():
    events = _session(quick_settings(reps=2), Script())
    said = [(e.tag or e.text) for e in events if isinstance(e, Cue)]
    right_set = said.index("Right leg, set one of one: 2 reps.")
    assert said[:right_set] == [
        *cues.setup_cues("right"), "calibrate", "calibrate_lift", "calibrated",
        cues.foot_cue(False),
    ]  # fmt: skip
    assert said[right_set + 1 : right_set + 9] == [
        "lift", "hold", "lower", "count", "lift", "hold", "lower", "count",
    ]  # fmt: skip
    assert said[right_set + 9] == "That's set one."
    assert said[right_set + 10] == cues.FEEL_IT  # after the first set: where to feel it
    assert said[right_set + 11].startswith("Switch sides")
    assert said[-2].startswith("All done: 2 on the right, 2 on the left.")
    assert said[-1] == "Not a single fault today."


def test_a_clean_session_gets_no_warnings():
    events = _session(quick_settings(reps=3), Script())
    assert [e for e in events if isinstance(e, FormWarning)] == []
    assert sum(isinstance(e, RepCounted) for e in events) == 6


def _too_high_twice(cooldown):
    settings = quick_settings(reps=3)
    settings = replace(settings, form=replace(settings.form, warning_cooldown_s=cooldown))
    high = RepStyle(peak_deg=60.0)
    script = Script(special={("right", 1, 1): high, ("right", 1, 2): high})
    events = _session(settings, script)
    warned = [(w.side, w.rep) for w in events if isinstance(w, FormWarning)]
    faulted = [(r.side, r.rep) for r in events if isinstance(r, RepCounted) and r.faults]
    return warned, faulted


def test_the_same_warning_is_not_repeated_within_the_cooldown():
    warned, faulted = _too_high_twice(cooldown=30.0)
    assert warned == [("right", 1)]
    assert faulted == [("right", 1), ("right", 2)]  # still recorded against the rep


def test_after_the_cooldown_the_warning_is_given_again():
    warned, faulted = _too_high_twice(cooldown=5.0)
    assert warned == [("right", 1), ("right", 2)]
    assert faulted == warned


def test_a_stall_is_lived_through_not_replayed_in_a_burst():
    from coach.app.loop import CoachLoop
    from coach.core.session import Coach
    from coach.core.vision import LegReader

    settings = quick_settings()
    clock = VirtualClock()
    reads = []

    class SlowCamera:
        """Its third frame takes two seconds to arrive, as a camera reopening might."""

        def read(self, t):
            reads.append(t)
            if len(reads) == 3:
                clock.sleep_until(t + 2.0)
            return None

        def close(self):
            pass

    steps = []
    loop = CoachLoop(
        Coach(settings), clock, ConsoleSpeaker(), SlowCamera(), LegReader(settings),
        fps=10, hold_s=2.0, on_step=lambda: steps.append(clock.now()),
    )  # fmt: skip
    loop.send(Command.START, "test")
    loop.run(until=lambda: len(reads) == 8)
    after = steps[-5:]
    gaps = [round(b - a, 3) for a, b in pairwise(after)]
    assert gaps == [0.1] * 4  # one tick apart after the stall, not a burst to catch up


def _faults_in(special):
    """Warnings as (fault, side, rep), faulty reps by (side, rep), and the events, for a script."""
    events = _session(quick_settings(reps=3), Script(special=special))
    warned = [(w.fault, w.side, w.rep) for w in events if isinstance(w, FormWarning)]
    faulted = {(r.side, r.rep): r.faults for r in events if isinstance(r, RepCounted) and r.faults}
    return warned, faulted, events


def test_a_dropped_leg_and_a_skipped_hold_are_each_warned_about_as_the_rep_ends():
    warned, faulted, events = _faults_in(
        {("right", 1, 2): RepStyle(lower_s=0.8), ("left", 1, 1): RepStyle(hold_s=0.3)}
    )
    assert warned == [("fast_lower", "right", 2), ("no_hold", "left", 1)]
    assert faulted == {("right", 2): ("fast_lower",), ("left", 1): ("no_hold",)}
    # Said with the rep's count, in one breath, so neither holds the other back.
    said = [e.text for e in events if isinstance(e, Cue) and e.priority is Priority.FORM]
    assert said == [f"Two. {cues.FAST_LOWER}", f"One. {cues.NO_HOLD}"]


def test_a_hitched_hip_and_a_bent_knee_are_each_warned_about_during_their_rep():
    warned, faulted, events = _faults_in(
        {("right", 1, 2): RepStyle(hip_hike_deg=14.0), ("left", 1, 3): RepStyle(knee_bend_deg=40.0)}
    )
    assert warned == [("hip_hike", "right", 2), ("knee_bend", "left", 3)]
    assert faulted == {("right", 2): ("hip_hike",), ("left", 3): ("knee_bend",)}
    side_bends = {(r.side, r.rep): r.peak_side_bend for r in events if isinstance(r, RepCounted)}
    assert abs(side_bends["right", 2] - 14.0) < 3.0  # the rep records how far the hip hitched
    assert all(abs(bend) < 3.0 for key, bend in side_bends.items() if key != ("right", 2))


def test_rep_lines_give_the_lift_hold_and_lower_the_person_did():
    """Through the simulated camera, the tracker and the angle core: each phase within 0.2 s."""
    styles = {
        ("right", 1, 1): RepStyle(lift_s=2.0, hold_s=2.0, lower_s=4.0),
        ("right", 1, 2): RepStyle(lift_s=1.5, hold_s=3.0, lower_s=3.0, peak_deg=40.0),
        ("right", 1, 3): RepStyle(lift_s=3.0, hold_s=1.0, lower_s=2.0, peak_deg=25.0),
    }
    events, _ = coached(quick_settings(reps=3), Script(special=styles))
    reps = [e for e in events if isinstance(e, RepCounted) and e.side == "right"]
    assert len(reps) == 3
    for rep in reps:
        style = styles["right", rep.set, rep.rep]
        assert rep.form_checked
        assert (rep.lift_s, rep.hold_s, rep.lower_s) == pytest.approx(
            (style.lift_s, style.hold_s, style.lower_s), abs=0.2
        )
