from dataclasses import replace

import numpy as np

from coach.core.form import FormWatcher, tempo_faults
from coach.core.geometry import LegAngles, measure
from coach.core.reps import Rep
from coach.core.view import CameraView
from coach.settings import FormSettings, Settings
from coach.sim.athlete import LegState, Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera

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


def test_a_rest_first_seen_a_pixel_off_is_corrected_by_the_leg_lying_there_before_a_clean_rep():
    """The knee marker found a pixel toward the ankle while the set's rest is first learned
    (a marker half lit), then found true for seven seconds: the leg lying there teaches the
    rest it really has, and the clean rep after gets no fault. Learned once, that pixel made
    the straight leg read as bent over 20 degrees at rest and all through the rep."""
    settings = Settings()
    ratio = settings.markers.foot_to_leg_ratio
    camera = SimulatedCamera(SimulatedAthlete(Script()), 320, 240, {}, ratio, seed=1)
    view = CameraView.configured(settings.camera)

    def seen(lift: float, knee_off_px: float = 0.0) -> LegAngles:
        points = camera.joints(LegState("right", lift, -5.0))
        shin = points["ankle"] - points["knee"]
        points["knee"] = points["knee"] + knee_off_px * shin / np.linalg.norm(shin)
        angles = measure(points, (320, 240), view, ratio)
        assert angles is not None
        return angles

    def lift_at(t: float) -> float:  # rest until 8 s, then up 2 s, held 2 s, down 4 s
        x = t - 8.0
        eased = 0.5 - 0.5 * np.cos(np.pi * np.clip([x / 2, (x - 4) / 4], 0.0, 1.0))
        return 30.0 * float(eased[0] - eased[1])

    watcher = FormWatcher(settings.form)
    faults, reps = [], []
    for t in np.arange(0.0, 20.0, 0.1):
        onsets, done = watcher.update(t, seen(lift_at(t), 1.0 if t < 1.0 else 0.0))
        faults += [onset.fault for onset in onsets]
        reps += [] if done is None else [done]
    assert faults == []
    assert [r.faults for r in reps] == [()]


def _scored(profile):
    """The reps a watcher scores from (abduction, rotation) readings ten a second."""
    watcher, scored = FormWatcher(FORM), []
    for i, (abduction, rotation) in enumerate(profile):
        _, done = watcher.update(0.1 * (i + 1), LegAngles(float(abduction), rotation, 0.0))
        scored += [done] if done else []
    return scored


def test_a_fault_begun_and_ended_at_rest_is_not_the_next_reps():
    """Lying between reps the person turns the foot up for a second (or bends the knees toward
    a clamshell) and straightens again before lifting: the clean lift after is not faulted for
    it. Carried to the next rep, a clamshell done in a rep's place made the clean lift after it
    read "knee bent" and "leg drifted forward"."""
    profile = [(0.0, 0.0)] * 10 + [(0.0, 25.0)] * 10 + [(0.0, 0.0)] * 20
    profile += [(a, 0.0) for a in range(0, 31, 2)] + [(30.0, 0.0)] * 40
    profile += [(a, 0.0) for a in range(30, -1, -1)] + [(0.0, 0.0)] * 5
    assert [s.faults for s in _scored(profile)] == [()]


def test_a_fault_begun_at_rest_and_held_into_the_lift_is_that_reps():
    profile = [(0.0, 0.0)] * 10 + [(0.0, 25.0)] * 10
    profile += [(a, 25.0) for a in range(0, 31, 2)] + [(30.0, 25.0)] * 40
    profile += [(a, 0.0) for a in range(30, -1, -1)] + [(0.0, 0.0)] * 5
    assert [s.faults for s in _scored(profile)] == [("toes_up",)]
