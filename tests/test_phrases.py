from coach.core.events import Command
from coach.core.phrases import EchoGate, Heard, PhraseMatcher
from coach.settings import VoiceCommands

MATCHER = PhraseMatcher(VoiceCommands().by_command(), min_confidence=0.6)


def heard(text, confidence=0.9):
    return Heard(text, confidence, 0.0, 1.0)


def test_every_configured_phrase_maps_to_its_command():
    for name, phrases in VoiceCommands().by_command().items():
        for phrase in phrases:
            match = MATCHER.match(heard(phrase))
            assert match is not None and match.command is Command(name), phrase


def test_case_and_spacing_do_not_matter():
    assert MATCHER.match(heard("  Start   LEG lifts ")).command is Command.START


def test_a_sentence_containing_a_command_is_not_a_command():
    for text in ("please stop the music", "stop [unk]", "[unk] pause", "it hurts stop", ""):
        assert MATCHER.match(heard(text)) is None, text


def test_an_unsure_word_is_not_a_command():
    assert MATCHER.match(heard("stop", confidence=0.59)) is None
    assert MATCHER.match(heard("stop", confidence=0.6)).command is Command.STOP


def test_the_gate_closes_while_speaking_and_for_the_tail_after():
    gate = EchoGate(tail_s=0.5)
    assert gate.update(0.0, speaking=False) is True
    assert gate.update(1.0, speaking=True) is False
    assert gate.update(1.75, speaking=True) is False
    assert gate.update(2.0, speaking=False) is False  # the coach just stopped: echo
    assert gate.update(2.25, speaking=False) is False
    assert gate.update(2.5, speaking=False) is True  # a "stop" said now is heard
    assert gate.update(2.75, speaking=False) is True


def test_a_new_cue_before_the_tail_ends_keeps_the_gate_closed():
    gate = EchoGate(tail_s=0.4)
    gate.update(0.0, speaking=True)
    gate.update(0.1, speaking=False)
    assert gate.update(0.3, speaking=True) is False
    assert gate.update(0.6, speaking=False) is False
    assert gate.update(1.0, speaking=False) is True
