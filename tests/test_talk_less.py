"""At the default verbosity, once the first three reps of a set have set the rhythm, the coach
says only the count, warnings and "last three": at most twelve cues a minute."""

from coach.app.demo import DEMO_SCRIPT
from coach.core import cues
from coach.core.events import Cue, Fault, Phase, RepCounted, StateChanged
from tests.helpers import coached, quick_settings

SETTLED_AFTER = 3
MAX_CUES_A_MINUTE = 12


def _after_the_first_reps(events) -> list[tuple[float, float, list[Cue]]]:
    """Each set from its third count to its end, with the cues said in between."""
    spans, began = [], None
    for event in events:
        if isinstance(event, RepCounted) and event.rep == SETTLED_AFTER:
            began = event.t
        elif isinstance(event, StateChanged) and event.state != Phase.SET and began is not None:
            spans.append((began, event.t))
            began = None
    cued = [e for e in events if isinstance(e, Cue)]
    return [(a, b, [c for c in cued if a < c.t < b]) for a, b in spans]


def test_after_three_reps_only_the_count_warnings_and_last_three_at_most_twelve_a_minute():
    settings = quick_settings(reps=15)  # the demo's person: one rep each too high, toes up,
    events, _ = coached(settings, DEMO_SCRIPT)  # and dropped
    sets = _after_the_first_reps(events)
    assert len(sets) == 2
    assert all(len(said) / ((b - a) / 60) <= MAX_CUES_A_MINUTE for a, b, said in sets)
    warnings = {cues.warning_text(f, neutral) for f in Fault for neutral in (False, True)}
    extras = {cues.LAST_THREE, cues.TOES_SLIGHTLY_DOWN} | warnings
    for _, _, said in sets:
        for cue in said:
            assert cue.tag == "count" or cue.tag.startswith("warn"), cue
            sentences = [f"{s.strip()}." for s in cue.text.split(".") if s.strip()]
            beyond_the_count = sentences[1:] if cue.tag == "count" else sentences
            assert set(beyond_the_count) <= extras, cue.text
