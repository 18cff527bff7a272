"""Isometric holds and circles judged from what the camera sees at the top of each rep, with the
simulated person doing them right and wrong, on the virtual clock."""

import json
import math
from dataclasses import replace

import pytest

from coach.app.demo import demo_settings
from coach.app.devices import simulated_camera
from coach.app.views import describe
from coach.core import cues
from coach.core.events import Command, Cue, Fault, FormWarning, RepCounted, SessionSummary
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.core.programs import program_for
from coach.core.top import TopWatch
from coach.settings import Settings
from coach.settings.schema import PROGRAMS
from coach.sim.athlete import RepStyle, Script
from coach.sim.landmarks import LandmarkStream, lying
from tests.helpers import Blinded, coached, quick_settings, run_coach

HOLD_S = 10.0
COUNTDOWN = ("Five.", "Four.", "Three.", "Two.", "One.")
CIRCLE_WORDS = ("Forward: one.", "Back: one.", "Two.", "Three.")


def _settings(**changes) -> Settings:
    base = quick_settings(reps=3)
    plan = replace(
        base.programs, hold_s=HOLD_S, hold_reps=3, circles_each_way=3, circle_reps=3, circle_s=1.5
    )
    return replace(base, programs=plan, **changes)


def _said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Cue)]


def _reps(events, side="right") -> list[RepCounted]:
    return [e for e in events if isinstance(e, RepCounted) and e.side == side]


def _cycles(said: list[str]) -> list[list[str]]:
    """What was said from each "lift" to the next (or to the switch of sides)."""
    cycles: list[list[str]] = []
    for text in said:
        if text.startswith(("Lift", "Switch sides")):
            cycles.append([])
        if cycles:
            cycles[-1].append(text)
    return [c for c in cycles if c[0].startswith("Lift")]


def _holds(special: dict):
    script = Script(RepStyle(hold_s=HOLD_S), special=special)
    return coached(_settings(), script, command=Command.START_HOLDS)[0]


def test_a_hold_let_down_after_under_a_second_is_not_clean_nor_perfect():
    events = _holds({("right", 1, 2): RepStyle(hold_s=0.6)})
    reps = _reps(events)
    assert [r.faults for r in reps] == [(), ("no_hold",), ()]
    warned = [w for w in events if isinstance(w, FormWarning) and w.side == "right"]
    assert [(w.fault, w.rep) for w in warned] == [("no_hold", 2)]
    assert warned[0].value < 1.5  # what was held, not 0
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.perfect_per_side == {"right": 2, "left": 3}
    assert _said(events).count(cues.HOLD_CAME_DOWN) == 1


def test_a_hold_reached_late_is_short_though_it_lasted_until_lower():
    # Six seconds to lift, then held to the coach's "lower": four seconds at the top.
    events = _holds({("right", 1, 2): RepStyle(lift_s=6.0, hold_s=6.0)})
    assert [r.faults for r in _reps(events)] == [(), ("no_hold",), ()]
    said = _said(events)
    assert said.index(cues.HOLD_SHORT) == said.index("Rep two.") - 1
    assert cues.HOLD_CAME_DOWN not in said


def test_the_countdown_stops_when_the_leg_comes_down_and_the_count_comes_after_it():
    events = _holds({("right", 1, 2): RepStyle(hold_s=3.0, lower_s=0.8)})
    first, dropped, third = _cycles(_said(events))[:3]
    for cycle in (first, third):  # held: counted down in full, lowered, then counted
        assert cycle[2:8] == [*COUNTDOWN, cues.LOWER] and cycle[8].startswith("Rep ")
    assert not set(dropped) & {*COUNTDOWN, cues.LOWER}  # let down 3 s in: nothing to count
    counted = dropped.index("Rep two.")
    assert [i for i, text in enumerate(dropped) if "came down early" in text] == [counted - 1]


def test_a_rep_is_never_counted_in_the_middle_of_its_countdown():
    # The old demo's person: every hold let down after 2 s of a 10 s hold.
    events = coached(_settings(), Script(RepStyle(hold_s=2.0)), command=Command.START_HOLDS)[0]
    for cycle in _cycles(_said(events)):
        assert not set(cycle) & {*COUNTDOWN, cues.LOWER}
        counted = next(i for i, text in enumerate(cycle) if text.startswith("Rep "))
        assert counted == cycle.index(cues.HOLD_CAME_DOWN) + 1
    assert all(r.faults == ("no_hold",) for r in _reps(events))


def test_holds_with_no_camera_go_by_the_clock_unchecked_and_unpraised():
    settings = _settings(camera=replace(Settings().camera, source="none"))
    settings = replace(settings, programs=replace(settings.programs, hold_reps=6, hold_s=6.0))
    events = coached(settings, Script(RepStyle(hold_s=6.0)), command=Command.START_HOLDS)[0]
    reps = _reps(events)
    assert len(reps) == 6 and not any(r.form_checked for r in reps)
    said = _said(events)
    assert said.count("One.") == 12  # counted down in full, by the clock
    praise = [cues.CLEAN_STREAK, *cues.PRAISE_FOR_FIXING.values()]
    assert not [text for text in said if any(p in text for p in praise)]
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.perfect_per_side == {"right": 0, "left": 0}


def _circles(special: dict):
    """Circles drawn through the whole top, but for the `special` reps."""
    settings = _settings()
    plan = settings.programs
    circles = 2 * plan.circles_each_way
    top = circles * plan.circle_s
    script = Script(RepStyle(hold_s=top, circles=circles, circle_s=plan.circle_s), special=special)
    return coached(settings, script, command=Command.START_CIRCLES)[0]


def test_circles_drawn_are_clean_and_too_few_or_none_are_a_fault():
    top = 6 * 1.5
    events = _circles(
        {
            ("right", 1, 2): RepStyle(hold_s=top),  # held still at the top: no circles
            ("right", 1, 3): RepStyle(hold_s=top, circles=2, circle_s=1.5),
        }
    )
    assert [r.faults for r in _reps(events)] == [(), ("few_circles",), ("few_circles",)]
    assert [r.faults for r in _reps(events, "left")] == [(), (), ()]
    warned = [(w.rep, w.value) for w in events if isinstance(w, FormWarning)]
    assert warned[0] == (2, 0.0) and warned[1][0] == 3 and 1 <= warned[1][1] <= 2
    assert sum(cues.FEW_CIRCLES in text for text in _said(events)) == 2


def test_circled_reps_are_timed_from_their_own_lift_and_lowering_and_a_drop_is_caught():
    top = 6 * 1.5
    dropped = RepStyle(hold_s=top, circles=6, circle_s=1.5, lower_s=0.6)
    events = _circles({("right", 1, 2): dropped})
    reps = _reps(events) + _reps(events, "left")
    assert [r.faults for r in reps] == [(), ("fast_lower",), (), (), (), ()]
    drawn = [r for r in reps if not r.faults]
    # The person lifts in 2 s and lowers in 4 s; the circles' dips at the top are not the lift.
    assert all(abs(r.lift_s - 2.0) < 0.6 and abs(r.lower_s - 4.0) < 1.0 for r in drawn)


def test_big_circles_on_a_low_lift_are_one_rep_and_the_set_ends_after_them():
    # Circles 14 degrees deep under a 25 degree lift: each dips the leg over half its height.
    big = RepStyle(peak_deg=25.0, hold_s=9.0, circles=6, circle_s=1.5, circle_deg=7.0)
    events = coached(_settings(), Script(big), command=Command.START_CIRCLES)[0]
    assert [r.faults for r in _reps(events) + _reps(events, "left")] == [()] * 6
    every_circle = [*cues.circle_counts(3, True), *cues.circle_counts(3, False), cues.LOWER]
    for cycle in _cycles(_said(events)):
        assert cycle[1:8] == every_circle and cycle[8].startswith("Rep ")


def test_a_lift_held_still_where_circles_were_asked_for_is_not_clean():
    events = coached(_settings(), Script(RepStyle(hold_s=6 * 1.5)), command=Command.START_CIRCLES)
    reps = _reps(events[0]) + _reps(events[0], "left")
    assert [r.faults for r in reps] == [("few_circles",)] * 6
    summary = next(e for e in events[0] if isinstance(e, SessionSummary))
    assert summary.perfect_per_side == {"right": 0, "left": 0}


def test_a_set_of_circles_never_ends_in_the_middle_of_circles_being_drawn():
    # The last lift of the set let down halfway through its circles.
    events = _circles({("right", 1, 3): RepStyle(hold_s=4.5, circles=3, circle_s=1.5)})
    said = _said(events)
    cycles = _cycles(said)[:3]
    for cycle in cycles[:2]:  # all six circles counted, lowered, then the rep counted
        assert cycle[1:] == [
            *cues.circle_counts(3, True),
            *cues.circle_counts(3, False),
            cues.LOWER,
            cycle[-1],
        ]
    last = cycles[2]
    counted = next(i for i, text in enumerate(last) if text.startswith("Rep three."))
    came_down = [i for i, text in enumerate(last) if "before the circles were done" in text]
    assert came_down == [counted - 1]  # the circles stopped because the leg was seen down
    assert not set(last[came_down[0] :]) & set(CIRCLE_WORDS)
    assert said.index(cues.set_done(1)) > said.index(last[came_down[0]])


def test_circles_are_counted_from_the_ankle_rising_and_falling_at_the_top():
    def top(readings):
        watch = TopWatch(min_up_deg=15.0, sag_share=0.5)
        for lift in readings:
            watch.see(lift)
        return watch

    rise = [30.0 * i / 10 for i in range(11)]
    frames = [i / 10 for i in range(90)]  # six 1.5 s circles at 10 frames a second
    circling = top(rise + [30 + 6 * math.sin(2 * math.pi * t / 1.5) for t in frames])
    assert circling.circles in (5, 6) and circling.up
    shaky = top(rise + [30 + 1.5 * math.sin(2 * math.pi * t / 0.7) for t in frames])
    assert shaky.circles == 0 and shaky.up
    lowered = top(rise + [30.0 - 3 * t for t in frames])
    assert lowered.came_down and not lowered.up


@pytest.mark.parametrize("name", PROGRAMS)
def test_demo_reps_and_sets_apply_to_every_program(name):
    configured = replace(Settings(), programs=replace(Settings().programs, default=name))
    settings = demo_settings(configured, reps=3, sets=2)
    program = program_for(settings.programs.default, settings)
    assert (program.name, program.reps_per_set, program.sets_per_side) == (name, 3, 2)


def test_the_demo_coaches_holds_with_the_reps_and_sets_asked_for():
    shown = run_coach(
        "demo", "--program", "holds", "--reps", "2", "--sets", "1", "--speed", "2000", "--json"
    )
    assert shown.returncode == 0, shown.stderr
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    summary = next(e for e in events if e["type"] == "summary")
    assert summary["program"] == "holds"
    assert summary["reps_per_side"] == {"right": 2, "left": 2}
    holds = [e for e in events if e["type"] == "cue" and e["text"].startswith("Hold it there")]
    assert len(holds) == 4
    # The simulated person lets the second right hold down early: it is not clean.
    assert summary["perfect_per_side"] == {"right": 1, "left": 1}


def _by_pose(settings, script, command, fps: int = 15):
    """Seen through a pose model: the athlete's landmarks with a model's jitter and doubtful
    feet, at the camera's 15 frames a second, read by the real PoseReader."""
    settings = replace(settings, camera=replace(settings.camera, fps=fps))
    streams: list[LandmarkStream] = []

    def film(athlete):
        camera = settings.camera
        ratio = settings.markers.foot_to_leg_ratio
        streams.append(LandmarkStream(athlete, camera.width, camera.height, ratio, lying))
        return streams[0]

    tracker = PoseTracker(lambda f: streams[0].detect(f), lambda f, r: streams[0].mark(f, r))
    return coached(settings, script, film, command, PoseReader(settings, tracker))[0]


def test_holds_and_circles_are_judged_from_the_body_alone_too():
    plan = _settings().programs
    holds = Script(
        RepStyle(hold_s=HOLD_S), special={("right", 1, 2): RepStyle(hold_s=3.0, lower_s=0.8)}
    )
    events = _by_pose(_settings(), holds, Command.START_HOLDS)
    faults = [(r.side, r.rep, r.faults) for r in events if isinstance(r, RepCounted)]
    assert [f for f in faults if f[2]] == [("right", 2, ("no_hold",))]
    assert _said(events).count(cues.HOLD_CAME_DOWN) == 1
    circles = 2 * plan.circles_each_way
    drawn = RepStyle(hold_s=circles * plan.circle_s, circles=circles, circle_s=plan.circle_s)
    still = RepStyle(hold_s=circles * plan.circle_s)
    events = _by_pose(_settings(), Script(drawn, {("left", 1, 3): still}), Command.START_CIRCLES)
    faults = [(r.side, r.rep, r.faults) for r in events if isinstance(r, RepCounted)]
    assert [f for f in faults if f[2]] == [("left", 3, ("few_circles",))]


def test_the_live_view_shows_what_was_held_and_drawn_not_degrees():
    held = FormWarning(84.9, Fault.NO_HOLD, "right", 1, 2, 3.0, "s")
    drawn = FormWarning(90.0, Fault.FEW_CIRCLES, "left", 1, 2, 3.0, "circles")
    assert "no hold at the top (3.0 s)" in describe(held)
    assert "too few circles (3 drawn)" in describe(drawn)


@pytest.mark.parametrize("command", [Command.START_HOLDS, Command.START_CIRCLES])
def test_every_hold_and_circled_lift_is_started_and_ended_in_words_after_the_rhythm_is_set(
    command,
):
    settings = _settings()
    plan = replace(settings.programs, hold_s=6.0, hold_reps=5, circles_each_way=2, circle_reps=5)
    settings = replace(settings, programs=plan)
    top = 6.0 if command is Command.START_HOLDS else 4 * plan.circle_s
    circles = 0 if command is Command.START_HOLDS else 4
    style = RepStyle(hold_s=top, circles=circles, circle_s=plan.circle_s)
    events = coached(settings, Script(style), command=command)[0]
    cycles = _cycles(_said(events))
    assert len(cycles) == 10  # no rhythm says when a counted top begins or ends: every rep
    assert all(cycle[0] == cues.LIFT and cues.LOWER in cycle for cycle in cycles)


def test_a_hold_too_low_to_be_seen_up_is_still_told_to_lower():
    events = _holds({("right", 1, 2): RepStyle(peak_deg=12.0, hold_s=HOLD_S)})
    second = _cycles(_said(events))[1]
    assert cues.LOWER in second and not set(second) & set(COUNTDOWN)


def test_circles_the_camera_did_not_see_are_not_called_too_few():
    settings = _settings()
    plan = settings.programs
    circles = 2 * plan.circles_each_way
    style = RepStyle(hold_s=circles * plan.circle_s, circles=circles, circle_s=plan.circle_s)
    events: list = []

    def mid_top() -> bool:  # blind from the second lift's first forward circle to its back ones
        said = _said(events)
        return (
            said.count(cues.LIFT) == 2
            and "Forward: one." in said[-3:]
            and "Back: one." not in said[-3:]
        )

    coached(
        settings,
        Script(style),
        lambda athlete: Blinded(simulated_camera(settings, athlete), mid_top),
        Command.START_CIRCLES,
        events=events,
    )
    assert not [w for w in events if isinstance(w, FormWarning)]
    assert all(r.faults == () for r in _reps(events) + _reps(events, "left"))
