"""How much the coach says through a set, and what it teaches between sets."""

from dataclasses import replace

import numpy as np
import pytest

from coach.adapters.speech.synth import Pyttsx3Synth
from coach.core import cues
from coach.core.events import Command, Cue, Fault, RepCounted, StateChanged
from coach.core.talk import SetTalk, Verbosity
from coach.settings import SpeechSettings
from coach.sim.athlete import RepStyle, Script
from tests.helpers import coached, quick_settings

MOVES = (("lift", cues.LIFT), ("hold", cues.HOLD), ("lower", cues.LOWER))


def words_for_rep(talk, rep):
    return [talk.tempo(tag, text, rep) for tag, text in MOVES]


def test_tempo_words_fade_once_the_rhythm_is_set():
    talk = SetTalk(Verbosity.NORMAL, reps_per_set=15)
    for rep in (1, 2, 3):
        assert words_for_rep(talk, rep) == [cues.LIFT, cues.HOLD, cues.LOWER]
        talk.count(rep, (), among_other_numbers=False)
    assert words_for_rep(talk, 4) == [None, None, None]
    talk.count(4, ("fast_lower",), among_other_numbers=False)  # warned with the count instead
    assert words_for_rep(talk, 5) == [None, None, None]


@pytest.mark.parametrize(
    ("verbosity", "settled"),
    [
        (Verbosity.CHATTY, [cues.LIFT, cues.HOLD, cues.LOWER]),
        (Verbosity.QUIET, [None, None, None]),
        (Verbosity.TONES, [cues.TONE_LIFT, cues.TONE_HOLD, cues.TONE_LOWER]),
    ],
)
def test_each_level_says_its_own_tempo_once_the_rhythm_is_set(verbosity, settled):
    talk = SetTalk(verbosity, reps_per_set=15)
    for rep in (1, 2, 3):
        talk.count(rep, (), among_other_numbers=False)
    assert words_for_rep(talk, 4) == settled


def test_other_programs_keep_their_own_words():
    talk = SetTalk(Verbosity.TONES, reps_per_set=10)
    assert talk.tempo("circle", "Forward: one.", 7) == "Forward: one."


@pytest.mark.parametrize("verbosity", list(Verbosity))
def test_the_count_is_always_said(verbosity):
    talk = SetTalk(verbosity, reps_per_set=15)
    assert all(talk.count(n, (), False).startswith(f"{cues.say_number(n).capitalize()}.")
               for n in range(1, 16))  # fmt: skip


def test_last_three_is_said_with_the_count_three_from_the_end_only():
    talk = SetTalk(Verbosity.NORMAL, reps_per_set=15)
    said = [talk.count(n, ("too_high",), False) for n in range(1, 16)]
    assert [s for s in said if cues.LAST_THREE in s] == ["Twelve. Last three."]
    short = SetTalk(Verbosity.NORMAL, reps_per_set=4)  # rep one is no time to say it
    assert all(cues.LAST_THREE not in short.count(n, (), False) for n in range(1, 5))


SEEN = frozenset(Fault)  # a rep the camera saw whole


def test_praise_names_the_fault_just_fixed_and_in_chatty_a_clean_run_now_and_then():
    talk = SetTalk(Verbosity.CHATTY, reps_per_set=30)
    assert talk.count(1, ("hip_hike",), False, SEEN) == "One."
    assert talk.count(2, (), False, SEEN) == f"Two. {cues.PRAISE_FOR_FIXING[Fault.HIP_HIKE]}"
    said = [talk.count(n, (), False, SEEN) for n in range(3, 9)]
    praised = [s for s in said if cues.CLEAN_STREAK in s]
    assert praised == ["Four. Smooth and steady.", "Seven. Smooth and steady."]
    quiet = SetTalk(Verbosity.QUIET, reps_per_set=30)
    quiet.count(1, ("hip_hike",), False, SEEN)
    assert quiet.count(2, (), False, SEEN) == "Two."
    assert all(cues.CLEAN_STREAK not in quiet.count(n, (), False, SEEN) for n in range(12, 30))


def test_quieter_and_more_coaching_by_voice_change_the_level_and_say_so():
    settings = quick_settings(reps=2)
    _, loop = coached(settings, Script())
    coach = loop.coach
    said = []
    for command in [Command.QUIETER] * 3 + [Command.MORE_CUES] * 4:
        said += [e.text for e in coach.command(0.0, command, "test") if isinstance(e, Cue)]
    assert said == [
        cues.QUIETER, cues.TONES_ONLY, "That's as quiet as I go.",
        cues.QUIETER, cues.MORE_CUES, cues.MOST_CUES, "That's every cue already.",
    ]  # fmt: skip


def test_in_tones_a_whole_session_is_counted_with_tones_for_the_tempo():
    settings = quick_settings(reps=4)
    settings = replace(settings, speech=replace(settings.speech, verbosity="tones"))
    events, _ = coached(settings, Script())
    tempo = {e.text for e in events if isinstance(e, Cue) and e.tag in ("lift", "hold", "lower")}
    assert tempo == set(cues.TONES)
    assert sum(isinstance(e, RepCounted) for e in events) == 8


def test_after_sets_the_coach_teaches_where_to_feel_it_and_how_to_fix_a_repeated_fault():
    assert cues.set_review(True, {}) == [cues.FEEL_IT]
    assert cues.set_review(False, {"hip_hike": 1, "too_high": 1}) == []
    assert cues.set_review(False, {"hip_hike": 2, "too_high": 3}) == [
        cues.WAIST_RESET, cues.LIFT_LESS,
    ]  # fmt: skip
    settings = quick_settings(reps=3, sets=2)
    hike = RepStyle(hip_hike_deg=15.0)
    script = Script(special={("right", 1, 1): hike, ("right", 1, 2): hike, ("right", 1, 3): hike})
    events, _ = coached(settings, script)
    said = [e.text for e in events if isinstance(e, Cue)]
    first_done = said.index(cues.set_done(1))
    assert said[first_done + 1 : first_done + 3] == [cues.FEEL_IT, cues.WAIST_RESET]
    assert said.count(cues.FEEL_IT) == 1  # once a session


def test_the_break_after_a_set_is_lengthened_by_what_is_taught_in_it():
    settings = quick_settings(reps=2, sets=2, rest=5.0)
    events, _ = coached(settings, Script())
    changes = [(e.state, e.t) for e in events if isinstance(e, StateChanged)]
    rest_at = next(t for state, t in changes if state == "rest")
    set_again = next(t for state, t in changes if state == "set" and t > rest_at)
    taught = cues.speaking_time(cues.FEEL_IT, settings.speech.rate_wpm)
    assert set_again - rest_at == pytest.approx(5.0 + taught, abs=0.2)


def test_the_end_of_a_session_says_how_many_reps_were_clean():
    assert cues.finished({"right": 15, "left": 15}, 28, 30) == (
        "All done: 15 on the right, 15 on the left. 28 of 30 clean. Nice work."
    )
    assert "clean" not in cues.finished({"right": 3}, 0, 0)  # nothing the camera could check


def test_tones_rise_for_the_lift_and_fall_for_the_lowering():
    synth = Pyttsx3Synth(SpeechSettings())
    try:
        import wave

        def pitch_change(text):
            with wave.open(str(synth.wav_for(text))) as wav:
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
            halves = np.array_split(samples.astype(float), 2)
            crossings = [np.count_nonzero(np.diff(np.sign(h))) / len(h) for h in halves]
            return crossings[1] / crossings[0]

        assert pitch_change(cues.TONE_LIFT) > 1.1
        assert pitch_change(cues.TONE_LOWER) < 0.9
        assert 0.95 < pitch_change(cues.TONE_HOLD) < 1.05
    finally:
        synth.close()
