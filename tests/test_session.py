"""The session engine on its own: the plan, tempo, commands, and counting without a camera."""

from coach.core.events import Command, Cue, Priority, RepCounted, SessionSummary
from coach.core.session import Coach, Phase
from tests.helpers import cue_tags, quick_settings, run_until, started, states


def test_start_walks_through_setup_into_the_first_set():
    coach = Coach(quick_settings())
    events = started(coach)
    assert [e.kind for e in events[:3]] == ["command", "session", "state"]
    assert states(events) == ["setup"]
    events += run_until(coach, 0, 50)
    setup = [e for e in events if isinstance(e, Cue)][:3]
    assert all(c.priority is Priority.INFO for c in setup)
    assert "Lie on your left side" in setup[0].text
    assert "straight line" in setup[1].text
    assert "toes" in setup[2].text
    assert states(events)[:2] == ["setup", "set"]


def test_each_rep_is_paced_lift_hold_lower_with_twice_as_long_down():
    coach = Coach(quick_settings())
    events = started(coach) + run_until(coach, 0, 90)
    tempo = [e for e in events if isinstance(e, Cue) and e.tag in ("lift", "hold", "lower")]
    lift, hold, lower, next_lift = tempo[0], tempo[1], tempo[2], tempo[3]
    assert [c.tag for c in tempo[:4]] == ["lift", "hold", "lower", "lift"]
    assert hold.t - lift.t == 2.0
    assert round(lower.t - hold.t, 6) == 2.0
    assert round(next_lift.t - lower.t, 6) == 4.0 + 1.5  # lower, then a breath at rest


def test_without_a_camera_the_coach_says_so_once_and_counts_by_tempo():
    coach = Coach(quick_settings(reps=2))
    events = started(coach) + run_until(coach, 0, 400)
    said = [e.text for e in events if isinstance(e, Cue)]
    assert sum("can't see your markers" in text for text in said) == 1
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert [(r.side, r.set, r.rep) for r in reps] == [
        ("right", 1, 1),
        ("right", 1, 2),
        ("left", 1, 1),
        ("left", 1, 2),
    ]
    assert coach.phase is Phase.DONE
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.reps_per_side == {"right": 2, "left": 2} and summary.completed


def test_the_plan_rests_between_sets_and_switches_sides_once():
    coach = Coach(quick_settings(reps=1, sets=2))
    events = started(coach) + run_until(coach, 0, 400)
    assert states(events) == [
        "setup", "set", "rest", "set", "switch_side", "setup", "set", "rest", "set", "done",
    ]  # fmt: skip


def _rest_cues(rest: float) -> tuple[list[Cue], float]:
    """The cues from the end of the first set to the second set's start, and that start."""
    coach = Coach(quick_settings(reps=1, sets=2, rest=rest))
    events = started(coach) + run_until(coach, 0, 300)
    begun = [e.t for e in events if getattr(e, "state", None) == "set"][1]
    ended = next(e.t for e in events if isinstance(e, Cue) and e.text.startswith("That's set"))
    return [e for e in events if isinstance(e, Cue) and ended <= e.t <= begun], begun


def test_a_short_rest_is_not_cut_by_ten_seconds_left_after_the_review():
    # After the first set a review is said before the rest: the rest announced as 8 s must
    # not be followed by "ten seconds, get ready" as if it were 18.
    said, _ = _rest_cues(8.0)
    assert any("Rest for 8 seconds" in c.text for c in said)
    assert not any("Get ready" in c.text for c in said)


def test_a_long_rest_says_ten_seconds_left_ten_seconds_before_the_set():
    said, begun = _rest_cues(40.0)
    ready = [c for c in said if "Get ready" in c.text]
    assert len(ready) == 1 and round(begun - ready[0].t, 6) == 10.0


def test_pause_freezes_the_plan_and_resume_restarts_the_rep():
    coach = Coach(quick_settings())
    started(coach)
    run_until(coach, 0, 50)
    assert coach.phase is Phase.SET
    paused = coach.command(50, Command.PAUSE, "test")
    assert states(paused) == ["paused"]
    assert cue_tags(run_until(coach, 50, 400)) == []  # nothing said while paused
    resumed = coach.command(400, Command.RESUME, "test")
    assert states(resumed) == ["set"]
    after = run_until(coach, 400, 410)
    assert cue_tags(after)[:3] == ["lift", "hold", "lower"]


def test_the_button_toggle_starts_pauses_and_resumes():
    coach = Coach(quick_settings())
    assert states(coach.command(0, Command.TOGGLE, "button")) == ["setup"]
    assert states(coach.command(1, Command.TOGGLE, "button")) == ["paused"]
    assert states(coach.command(2, Command.TOGGLE, "button")) == ["setup"]


def test_stop_works_at_any_point_and_still_reports_the_session():
    for stop_at in (1, 30, 45, 62, 80):
        coach = Coach(quick_settings(reps=2))
        run_until(coach, 0, 0.1)
        started(coach, 0.1)
        run_until(coach, 0.1, stop_at)
        events = coach.command(stop_at, Command.STOP, "test")
        assert coach.phase is Phase.STOPPED, stop_at
        summary = [e for e in events if isinstance(e, SessionSummary)]
        assert summary and summary[0].completed is False
        assert any(isinstance(e, Cue) and e.priority is Priority.SAFETY for e in events)
        assert run_until(coach, stop_at, stop_at + 60) == []


def test_next_side_skips_the_rest_of_this_side():
    coach = Coach(quick_settings(sets=2))
    started(coach)
    run_until(coach, 0, 50)
    events = coach.command(50, Command.NEXT_SIDE, "voice")
    assert states(events) == ["switch_side"]
    events = run_until(coach, 50, 90)
    sets = [e for e in events if getattr(e, "state", None) == "set"]
    assert (sets[0].side, sets[0].set) == ("left", 1)


def test_skip_rest_starts_the_next_set_at_once():
    coach = Coach(quick_settings(reps=1, sets=2, rest=300))
    started(coach)
    events = run_until(coach, 0, 80)
    assert coach.phase is Phase.REST, states(events)
    events = coach.command(80, Command.SKIP_REST, "voice")
    assert states(events) == ["set"]


def test_commands_that_do_not_apply_change_nothing():
    coach = Coach(quick_settings())
    for command in (Command.PAUSE, Command.RESUME, Command.STOP, Command.NEXT_SIDE):
        events = coach.command(0, command, "test")
        assert states(events) == [] and coach.phase is Phase.IDLE
