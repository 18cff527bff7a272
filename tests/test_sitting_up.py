"""Sitting up mid-set, in front of the marker camera: no rep is counted while the person is up,
not even by the clock, and the set goes on from the body lying still again."""

import math

from coach.core import cues
from coach.core.events import Cue, RepCounted
from coach.sim.athlete import Habits, Script
from tests.helpers import coached, quick_settings


def test_sitting_up_mid_set_counts_nothing_until_the_person_lies_back_down():
    """After the first rep the person sits up for 15 s, then lies back and does the other
    three. Before, the coach went on counting by the clock while they sat ("two" said to a
    person drinking water), and the leg read against the upright trunk as a 90 degree lift."""
    settings = quick_settings(reps=4)
    events, _ = coached(settings, Script(habits=Habits(sits_up=(60.0, 15.0))))
    right = [e for e in events if isinstance(e, RepCounted) and e.side == "right"]
    assert [r.form_checked for r in right] == [True] * 4
    assert all(20 < r.peak_angle < 40 and r.faults == () for r in right)
    assert right[1].t - right[0].t > 15.0  # none while sitting
    said = [e for e in events if isinstance(e, Cue)]
    sat_up = [e.t for e in said if e.text == cues.SAT_UP]
    assert len(sat_up) == 1 and right[0].t < sat_up[0] < right[1].t
    # No tempo word is said to a person sitting up, and the next lift waits for them lying
    # still again (they lie back 16.5 s after sitting up).
    lifts = [e.t for e in said if e.tag == "lift" and e.t > sat_up[0]]
    assert not any(sat_up[0] < e.t < sat_up[0] + 14.0 for e in said if e.tag == "lower")
    assert lifts[0] > sat_up[0] + 16.0


def test_a_person_who_sits_up_and_stays_up_ends_the_set_with_the_reps_they_did():
    """Up for good after the first rep: the coach waits two minutes, counting nothing, and
    the set ends with one rep; the other side, begun sitting, counts none."""
    settings = quick_settings(reps=4)
    events, loop = coached(settings, Script(habits=Habits(sits_up=(60.0, math.inf))))
    assert loop.coach.finished
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert [(r.side, r.form_checked) for r in reps] == [("right", True)]


def test_a_long_sit_mid_set_still_leaves_the_person_all_their_reps():
    """Up for 35 s after the first rep, longer than the three spare cycles a set allows: the
    cycles spent waiting ended the set two reps short. The coach waits for the body lying
    still again before the next lift, so every rep is done and counted."""
    settings = quick_settings(reps=4)
    habits = Habits(sits_up=(60.0, 35.0), settle_deg=5.0)
    events, _ = coached(settings, Script(habits=habits))
    right = [e for e in events if isinstance(e, RepCounted) and e.side == "right"]
    assert [(r.rep, r.form_checked, r.faults) for r in right] == [
        (n, True, ()) for n in range(1, 5)
    ]
