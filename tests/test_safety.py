"""Safety modes that agree with themselves: a labral tear is never asked to turn the toes down,
and a sore hip is never lain on."""

import re
from dataclasses import replace

import pytest

from coach.core import cues
from coach.core.events import (
    Command,
    Cue,
    Event,
    FormWarning,
    Phase,
    RepCounted,
    StateChanged,
)
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
