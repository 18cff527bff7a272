from dataclasses import replace

from coach.core.form import FormWatcher, tempo_faults
from coach.core.geometry import LegAngles
from coach.core.reps import Rep
from coach.settings import FormSettings

FORM = FormSettings()


def rep(lift, hold, lower):
    return Rep(0.0, lift + hold + lower, 30.0, lift, hold, lower, None)


def test_lowering_at_least_one_and_a_half_times_the_lift_is_clean():
    assert tempo_faults(rep(2.0, 2.0, 4.0), FORM) == ()
    assert tempo_faults(rep(2.0, 2.0, 3.0), FORM) == ()
    assert tempo_faults(rep(2.0, 2.0, 2.9), FORM) == ("fast_lower",)


def test_a_short_pause_at_the_top_is_no_hold():
    assert tempo_faults(rep(2.0, 1.5, 4.0), FORM) == ()
    assert tempo_faults(rep(2.0, 0.4, 4.0), FORM) == ("no_hold",)
    assert tempo_faults(rep(2.0, 0.4, 1.0), FORM) == ("fast_lower", "no_hold")


def test_thresholds_come_from_the_config():
    strict = replace(FORM, min_lower_ratio=2.0, min_hold_s=2.0)
    assert tempo_faults(rep(2.0, 1.8, 3.5), strict) == ("fast_lower", "no_hold")


def test_faults_belong_to_the_rep_in_progress_and_tempo_faults_to_the_rep_just_done():
    watcher = FormWatcher(FORM)
    scored = []
    t = 0.0
    # settle, then one rep with the toes turned up that drops at the end
    profile = [(0.0, 0.0)] * 10 + [(a, 20.0) for a in range(0, 31, 3)] + [(30.0, 20.0)] * 30
    profile += [(a, 0.0) for a in range(30, -1, -10)] + [(0.0, 0.0)] * 5
    for abduction, rotation in profile:
        t += 0.1
        _, done = watcher.update(t, LegAngles(float(abduction), rotation, 0.0))
        if done:
            scored.append(done)
    assert len(scored) == 1
    assert scored[0].faults == ("fast_lower", "toes_up")
    assert scored[0].tempo_faults == ("fast_lower",)
    assert watcher.reps_done == 1 and watcher.current_rep == 2
