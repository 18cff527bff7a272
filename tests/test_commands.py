"""The commands that only the voice gives: how many, repeat, slower, faster, pain, help."""

from dataclasses import replace

from coach.core.events import Command, Cue, Priority, SessionSummary
from coach.core.session import Coach, Phase
from coach.settings import Settings
from tests.helpers import quick_settings, run_until, started


def said(events):
    return [e.text for e in events if isinstance(e, Cue)]


def in_a_set(settings=None):
    coach = Coach(settings or quick_settings(reps=5))
    started(coach)
    run_until(coach, 0, 55)
    assert coach.phase is Phase.SET
    return coach


def lift_timing(events):
    tempo = [e for e in events if isinstance(e, Cue) and e.tag in ("lift", "hold", "lower")]
    lift, hold, lower = tempo[0], tempo[1], tempo[2]
    nxt = next(e for e in events if isinstance(e, Cue) and e.tag == "lift" and e.t > lift.t)
    return round(hold.t - lift.t, 2), round(nxt.t - lower.t, 2)


def test_slower_stretches_the_lift_and_the_lowering_but_not_the_hold():
    coach = in_a_set()
    answer = said(coach.command(55, Command.SLOWER, "voice"))
    assert answer == ["Slower: lift for 2.5 seconds, lower for 5."]
    events = run_until(coach, 55, 95)
    lift, lower_and_rest = lift_timing(events)
    assert lift == 2.5 and lower_and_rest == 5.0 + 1.5
    hold = [e for e in events if isinstance(e, Cue) and e.tag in ("hold", "lower")]
    assert round(hold[1].t - hold[0].t, 2) == 2.0


def test_faster_has_a_limit_and_says_so():
    coach = in_a_set()
    answers = [said(coach.command(55, Command.FASTER, "voice"))[0] for _ in range(4)]
    assert answers[:3] == [
        "Faster: lift for 1.6 seconds, lower for 3.2.",
        "Faster: lift for 1.28 seconds, lower for 2.56.",
        "Faster: lift for 1.02 seconds, lower for 2.05.",
    ]
    assert answers[3] == "That's as fast as I'll count."


def test_faster_never_paces_a_lift_the_coach_would_call_swung_up():
    settings = quick_settings()
    settings = replace(settings, tempo=replace(settings.tempo, lift_s=1.5, lower_s=3.0))
    coach = in_a_set(settings)
    answers = [said(coach.command(55, Command.FASTER, "voice"))[0] for _ in range(3)]
    assert answers == [
        "Faster: lift for 1.2 seconds, lower for 2.4.",
        "Faster: lift for 0.96 seconds, lower for 1.92.",
        "That's as fast as I'll count.",  # 0.77 s would be under form.min_lift_s
    ]


def test_how_many_counts_what_is_done_and_left():
    coach = in_a_set()
    run_until(coach, 55, 85)
    answer = said(coach.command(70, Command.HOW_MANY, "voice"))[0]
    assert answer.endswith("to go.") and "done" in answer
    idle = Coach(quick_settings())
    assert said(idle.command(0, Command.HOW_MANY, "voice")) == ["We haven't started yet."]


def test_repeat_says_the_last_instruction_again():
    coach = Coach(quick_settings())
    started(coach)
    first = said(run_until(coach, 0, 1))
    again = said(coach.command(1, Command.REPEAT, "voice"))
    assert again == [first[-1]] and "Lie on your left side" in again[0]


def test_it_hurts_stops_at_once_with_safety_advice_and_is_recorded():
    coach = in_a_set()
    events = coach.command(41, Command.PAIN, "voice")
    assert coach.phase is Phase.STOPPED
    cue = next(e for e in events if isinstance(e, Cue))
    assert cue.priority is Priority.SAFETY and "Never push through sharp pain" in cue.text
    assert "holding the leg still" in cue.text  # isometric holds next time
    summary = next(e for e in events if isinstance(e, SessionSummary))
    assert summary.ended_by == "pain" and not summary.completed


def test_help_lists_the_first_phrase_of_every_command():
    coach = Coach(Settings())
    text = said(coach.command(0, Command.HELP, "voice"))[0]
    for phrase in ('"start leg lifts"', '"stop"', '"it hurts"', '"help"', '"next side"'):
        assert phrase in text


def test_a_leg_still_coming_down_when_the_count_ends_gets_time_to_finish():
    from coach.core.geometry import LegAngles
    from coach.core.vision import Sighting

    def seen(abduction):
        return Sighting({}, LegAngles(abduction, 0.0, 0.0), (640, 480))

    coach = Coach(quick_settings(reps=3))
    started(coach)
    events = run_until(coach, 0, 30, lambda t: seen(0.0))
    t = 30.0
    while not any(isinstance(e, Cue) and e.tag == "lift" for e in events):
        events += run_until(coach, t, t + 0.1, lambda t: seen(0.0))
        t += 0.1
    lift = next(e.t for e in events if isinstance(e, Cue) and e.tag == "lift")
    # Up 2 s after the lift, then held up until 2 s after the count (lift, hold, lower) ends.
    down_at = lift + 2 + 2 + 4 + 2
    later = run_until(
        coach, t, lift + 20, lambda t: seen(20.0 if lift + 0.5 < t < down_at else 0.0)
    )
    next_lift = next(e.t for e in later if isinstance(e, Cue) and e.tag == "lift")
    assert next_lift >= down_at  # not at the usual lift + 9.5 s: it waited for the leg


def _coach_in(phase: Phase) -> tuple[Coach, float]:
    """A coach two sets a side, run on the clock (no camera) until it is in `phase`."""
    coach, t = Coach(quick_settings(reps=2, sets=2)), 0.0
    if phase is Phase.IDLE:
        return coach, t
    started(coach)
    while coach.phase is not phase and t < 2000:
        if phase is Phase.PAUSED and coach.phase is Phase.SET:
            coach.command(t, Command.PAUSE, "test")
            break
        t += 0.1
        coach.tick(t)
    assert coach.phase is phase
    return coach, t


def test_every_command_in_every_phase_is_heard_and_the_session_goes_on():
    # Which commands act in which phase is one table; a command missing from it, or a move it
    # makes that the phase table does not allow, would break the coach here.
    for phase in Phase:
        if phase is Phase.STOPPED:
            continue  # reached by a command below
        for command in Command:
            coach, t = _coach_in(phase)
            events = coach.command(t, command, "test")
            assert events[0].command == command.value and events[0].source == "test"
            run_until(coach, t, t + 30)  # and time goes on without a fault
