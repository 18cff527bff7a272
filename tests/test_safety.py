"""Safety modes that agree with themselves: a labral tear is never asked to turn the toes down,
a sore hip is never lain on, and a pain stop makes the next session gentler and says why."""

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from coach.adapters.clock import VirtualClock
from coach.adapters.speech.console import ConsoleSpeaker
from coach.adapters.store import SessionRecorder, open_database
from coach.app.demo import build_demo
from coach.app.devices import SimulatedDevices
from coach.app.wiring import wire
from coach.core import cues
from coach.core.events import (
    Command,
    Cue,
    Event,
    FormWarning,
    Phase,
    RepCounted,
    SessionStarted,
    StateChanged,
)
from coach.core.progress import SessionRecord, trend
from coach.core.session import Coach
from coach.settings import Settings
from coach.settings.load import ConfigError, settings_from_mapping
from coach.sim.athlete import RepStyle, Script
from tests.helpers import coached, quick_settings, run_coach

# A request for (or praise of) the toes turned down: the rotation that can pinch a torn labrum.
TOES_DOWN = re.compile(
    r"\btoes?\b[^.:]*\b(down|downward|floor)\b|\b(down|floor)\b[^.:]*\btoes?\b"
    r"|pigeon|\bturn\w* (the |your )?(top )?(foot|toes) in\b|\binward",
    re.IGNORECASE,
)


def _toes_down(texts: list[str]) -> list[str]:
    return [text for text in texts if TOES_DOWN.search(text)]


def _said(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, Cue)]


def _settings(**safety: str) -> Settings:
    base = quick_settings(reps=6)
    programs = replace(
        base.programs, hold_s=6.0, hold_reps=4, circles_each_way=3, circle_reps=3,
        clamshell_reps=4, wall_slide_reps=5,
    )  # fmt: skip
    return replace(base, programs=programs, safety=replace(base.safety, **safety))


def test_the_search_finds_each_way_the_usual_coach_asks_for_or_praises_toes_down():
    """Without this, a search that found nothing in labral-tear mode would prove nothing."""
    found = _toes_down(cues.catalogue(Settings()))
    for text in (
        cues.TOES_UP,
        cues.foot_cue(neutral_foot=False),
        cues.FEEL_IT,
        cues.PRAISE_FOR_FIXING["toes_up"],
        *cues.side_setup_cues("left", neutral_foot=False),
    ):
        assert text in found


def test_with_a_labral_tear_nothing_the_coach_could_say_asks_for_toes_down():
    settings = _settings(condition="labral_tear")
    catalogue = cues.catalogue(settings)
    assert _toes_down(catalogue) == []
    assert cues.TOES_UP_NEUTRAL in catalogue  # toes turning up are still named


# Toes up on reps 2 and 5 of every set, each followed by a clean rep (which earns praise for
# the fix), and rep 4 with the waist crunched and the leg too high.
FAULTY = Script(
    RepStyle(rotation_deg=0.0, hold_s=6.0),
    special={
        (side, set_no, slot): style
        for side in ("right", "left")
        for set_no in (1, 2)
        for slot, style in (
            (2, RepStyle(rotation_deg=25.0, hold_s=6.0)),
            (4, RepStyle(rotation_deg=0.0, hip_hike_deg=15.0, peak_deg=60.0, hold_s=6.0)),
            (5, RepStyle(rotation_deg=25.0, hold_s=6.0)),
        )
    },
)


@pytest.mark.parametrize(
    ("command", "verbosity"),
    [
        (Command.START, "normal"),
        (Command.START, "chatty"),
        (Command.START_HOLDS, "normal"),
        (Command.START_CIRCLES, "chatty"),
        (Command.START_CLAMSHELLS, "normal"),
        (Command.START_WALL_SLIDES, "normal"),
    ],
)
def test_with_a_labral_tear_no_phrase_of_a_whole_session_asks_for_or_praises_toes_down(
    command, verbosity
):
    settings = _settings(condition="labral_tear")
    settings = replace(settings, speech=replace(settings.speech, verbosity=verbosity))
    events, loop = coached(settings, FAULTY, command=command)
    for asked in (Command.PROGRESS, Command.HELP, Command.REPEAT):
        events += loop.coach.command(loop.clock.now(), asked, "voice")
    said = _said(events)
    assert loop.coach.phase is Phase.DONE and len(said) > 40
    assert _toes_down(said) == []
    if command is Command.START:
        # The toes turning up are still caught, and warned about and praised in level words.
        warned = {w.rep for w in events if isinstance(w, FormWarning) and w.fault == "toes_up"}
        assert warned == {2, 5}
        assert sum(cues.TOES_UP_NEUTRAL in text for text in said) >= 4
        assert sum(cues.FOOT_LEVEL_AGAIN in text for text in said) >= 2
        assert cues.FEEL_IT_FOOT_LEVEL in said


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"safety": {"condition": "bursitis"}},
            'safety: condition = "bursitis" needs sore_side, the hip you must not lie on '
            '(allowed: sore_side = "left" or "right")',
        ),
        (
            {"safety": {"condition": "bursitis", "sore_side": "both"}},
            'safety.sore_side = "both" is not allowed (allowed: "none" or "right" or "left")',
        ),
        (
            {
                "safety": {"condition": "bursitis", "sore_side": "left"},
                "session": {"legs": ["right"]},
            },
            'safety.sore_side = "left" with session.legs = ["right"]: each of those legs is '
            'lifted lying on the sore left hip (allowed: "left" in session.legs, the leg lifted '
            "with the sore hip on top)",
        ),
    ],
)
def test_a_sore_hip_the_coach_would_have_to_guess_is_a_one_line_error(raw, expected):
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(raw)
    assert caught.value.problems == (expected,)


def test_check_config_says_bursitis_needs_the_sore_side(tmp_path):
    config = tmp_path / "coach.toml"
    config.write_text('[safety]\ncondition = "bursitis"\n')
    result = run_coach("check-config", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f'coach: config error: {config}: safety: condition = "bursitis" needs sore_side, the hip '
        'you must not lie on (allowed: sore_side = "left" or "right")'
    ]
    config.write_text('[safety]\ncondition = "bursitis"\nsore_side = "right"\n')
    assert run_coach("check-config", str(config)).returncode == 0


@pytest.mark.parametrize(("sore", "lie_on"), [("left", "right"), ("right", "left")])
def test_with_bursitis_the_sore_hip_is_never_lain_on(sore, lie_on):
    settings = _settings(condition="bursitis", sore_side=sore)
    events, loop = coached(settings, Script(RepStyle(hold_s=6.0)))
    said = _said(events)
    assert loop.coach.phase is Phase.DONE
    # Only the sore side's leg is worked, so the person only ever lies on the other side.
    sets = [e.side for e in events if isinstance(e, StateChanged) and e.state == Phase.SET]
    assert sets == [sore]
    assert [(r.side, r.rep) for r in events if isinstance(r, RepCounted)] == [
        (sore, n) for n in (1, 2, 3, 4)
    ]
    first_set = said.index(cues.set_intro(sore, 1, 1, 4))
    setup = said[:first_set]
    assert cues.sore_hip(sore) in setup
    assert any(f"Lie on your {lie_on} side with the sore {sore} hip on top" in t for t in setup)
    lying = re.compile(rf"lie (on|with) your {sore} side|{lie_on} leg on top|switch sides", re.I)
    assert [text for text in said if lying.search(text)] == []
    assert not any("firm mat" in text for text in said)


@pytest.mark.parametrize("command", [Command.START_CLAMSHELLS, Command.START_WALL_SLIDES])
def test_a_sore_hip_is_named_and_not_lain_on_in_every_program(command):
    settings = _settings(sore_side="right")
    said = _said(coached(settings, Script(RepStyle(hold_s=2.0)), command=command)[0])
    assert cues.sore_hip("right") in said
    assert any("Lie on your left side with the sore right hip on top" in t for t in said)
    assert not any("Lie on your right side" in text for text in said)


def _history(tmp_path):
    path = tmp_path / "legcoach" / "history.sqlite3"
    path.parent.mkdir(exist_ok=True)
    return SessionRecorder(open_database(path))


def _session(settings, recorder, command=Command.START, pain_after_reps=None, then=()):
    """A coach started afresh (as after a restart) on the history's sessions; "it hurts" after
    `pain_after_reps` reps (0: during the set-up) or none; `then`: commands said after the
    first words."""
    events: list[Event] = []
    devices = SimulatedDevices(settings, ConsoleSpeaker(), Script(RepStyle(hold_s=6.0)))
    rig = wire(
        settings,
        devices,
        VirtualClock(),
        sinks=[devices.athlete.on_event, events.append, recorder],
        past=recorder.recent(),
    )
    loop = rig.loop
    loop.send(command, "test")
    loop.run(until=lambda: bool(_said(events)), max_seconds=60)
    for later in then:
        loop.send(later, "voice")
    if pain_after_reps is not None:
        reps = lambda: len([e for e in events if isinstance(e, RepCounted)])  # noqa: E731
        loop.run(until=lambda: reps() >= pain_after_reps, max_seconds=600)
        loop.send(Command.PAIN, "voice")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    rig.close()
    return events


def _program(events):
    return next(e.program for e in events if isinstance(e, SessionStarted))


def test_after_a_pain_stop_the_next_session_is_gentler_and_says_why_first(tmp_path):
    settings = _settings()
    recorder = _history(tmp_path)
    first = _session(settings, recorder, pain_after_reps=1)
    assert _program(first) == "leg_lifts" and cues.PAIN in _said(first)

    # What hurt was not the holds: holds, instead of the leg lifts asked for.
    second = _session(settings, recorder, pain_after_reps=1)
    assert _program(second) == "holds"
    assert _said(second)[0] == (
        "Last time you stopped because it hurt, so today we go gentler: isometric holds instead "
        "of leg lifts. If it hurts again, say it hurts and we stop at once."
    )

    # The holds hurt too: fewer of them, kept fewer when the tempo is slowed.
    third = _session(settings, recorder, then=[Command.SLOWER])
    assert _program(third) == "holds"
    assert _said(third)[0] == (
        "Last time you stopped because it hurt, so today we go gentler: isometric holds, two a "
        "set instead of four. If it hurts again, say it hurts and we stop at once."
    )
    assert any(text.startswith("Slower:") for text in _said(third))
    assert [r.rep for r in third if isinstance(r, RepCounted)] == [1, 2, 1, 2]

    # A session without pain: the usual plan, and no word of pain.
    fourth = _session(settings, recorder, pain_after_reps=0)
    assert _program(fourth) == "leg_lifts"
    assert not any("hurt" in text for text in _said(fourth)[:3])
    recorder.close()


def test_a_pain_stop_before_the_first_rep_is_remembered_after_a_restart(tmp_path):
    settings = _settings()
    recorder = _history(tmp_path)
    _session(settings, recorder, command=Command.START_CIRCLES, pain_after_reps=0)
    recorder.close()
    recorder = _history(tmp_path)  # the coach restarted
    after = _session(settings, recorder, command=Command.START_CIRCLES, pain_after_reps=0)
    assert _program(after) == "holds"
    assert _said(after)[0].startswith(
        "Last time you stopped because it hurt, so today we go gentler: isometric holds instead "
        "of circles."
    )
    recorder.close()
    listed = run_coach("history", state=tmp_path / "legcoach").stdout.splitlines()
    assert len(listed) == 2 and all(
        line.endswith("no reps  faults: none  [pain]") for line in listed
    )
    assert [line.split()[2] for line in listed] == ["circles", "holds"]


MONDAY = datetime(2026, 11, 16, 18, 0)


def _record(days: float, program: str, reps: int, perfect: int) -> SessionRecord:
    return SessionRecord(
        MONDAY + timedelta(days=days),
        {"right": reps, "left": reps},
        {"right": perfect, "left": perfect},
        {} if perfect == reps else {"toes_up": 2 * (reps - perfect)},
        program=program,
    )


def test_how_am_i_doing_compares_holds_with_holds():
    lifts = [_record(d, "leg_lifts", 15, 15) for d in (0, 1, 2)]
    holds = [_record(d, "holds", 5, 5) for d in (3, 5)]
    said = trend(lifts + holds, MONDAY + timedelta(days=6))
    assert "dipped" not in said and "slow down" not in said
    assert said.endswith("In isometric holds, your perfect reps are holding steady.")
    # Fewer holds after a pain stop, all of them perfect, are no dip either.
    gentler = _record(6, "holds", 2, 2)
    assert trend([*holds, gentler], MONDAY + timedelta(days=7)).endswith("holding steady.")
    # And leg lifts are still followed among themselves.
    worse = [*lifts, *holds, _record(6, "leg_lifts", 15, 8), _record(7, "leg_lifts", 15, 7)]
    assert "Your perfect reps have dipped" in trend(worse, MONDAY + timedelta(days=8))


def test_after_a_pain_stop_today_is_compared_with_the_last_session_that_was_seen():
    settings = _settings()
    holds = _record(-2, "holds", 4, 1)  # six reps too high of eight
    holds = replace(holds, faults={"too_high": 6})
    pain = SessionRecord(MONDAY - timedelta(days=1), ended_by="pain", program="holds")
    events: list[Event] = []
    script = Script(RepStyle(peak_deg=60.0, hold_s=6.0))
    loop, _ = build_demo(settings, VirtualClock(), ConsoleSpeaker(), [events.append], script)
    loop.coach = Coach(settings, [holds, pain], MONDAY)
    loop.send(Command.START, "test")
    loop.run(until=lambda: loop.coach.finished, max_seconds=3000)
    said = _said(events)
    assert said[0].startswith(cues.after_pain_fewer("isometric holds", 2, 4))
    assert (
        said[-1]
        == "The fault that came up most was going too high, on four reps, down from six last time."
    )
