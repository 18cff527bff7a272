from coach.core.events import Cue, Priority
from coach.core.speech_queue import SpeechQueue


def cue(text, priority):
    return Cue(0.0, text, priority)


def test_a_warning_cuts_a_tempo_cue_and_drops_stale_tempo():
    queue = SpeechQueue()
    queue.offer(cue("Lift", Priority.TEMPO))
    assert queue.take().text == "Lift"
    assert queue.offer(cue("Hold", Priority.TEMPO)) is True  # newer tempo replaces the playing one
    assert queue.offer(cue("Too high", Priority.FORM)) is True
    assert queue.take().text == "Too high"
    queue.finished()
    assert queue.take() is None  # "Hold" was stale by then


def test_instructions_are_never_dropped_or_cut_by_a_warning():
    queue = SpeechQueue()
    queue.offer(cue("Lie on your side", Priority.INFO))
    assert queue.take().text == "Lie on your side"
    queue.offer(cue("Line up your body", Priority.INFO))
    assert queue.offer(cue("Toes up", Priority.FORM)) is False
    assert queue.take().text == "Toes up"
    assert queue.take().text == "Line up your body"


def test_safety_cuts_anything_and_goes_first():
    queue = SpeechQueue()
    queue.offer(cue("Set one", Priority.INFO))
    queue.take()
    queue.offer(cue("Lift", Priority.TEMPO))
    assert queue.offer(cue("Stopping", Priority.SAFETY)) is True
    assert queue.take().text == "Stopping"


def test_equal_priority_is_first_come_first_served():
    queue = SpeechQueue()
    for text in ("one", "two", "three"):
        queue.offer(cue(text, Priority.INFO))
    assert [queue.take().text for _ in range(3)] == ["one", "two", "three"]
