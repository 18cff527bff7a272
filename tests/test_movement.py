"""What moved: a leg lift is the top leg rising with the knee straight; a clamshell, an arm
raised or the trunk rising is named and not counted as one, and the clamshells program counts
the knee's opening instead."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach.core.geometry import LegAngles
from coach.core.movement import (
    ARM_RAISE,
    CLAMSHELL,
    LEG_LIFT,
    TRUNK_RISE_KIND,
    MovementCheck,
    watched,
)

SHOULDER, HIP = np.array([500.0, 300.0]), np.array([350.0, 300.0])


def _turned(origin: np.ndarray, point: np.ndarray, degrees: float) -> np.ndarray:
    """`point` turned about `origin` toward the ceiling (up the picture) by `degrees`, for a
    body lying head to the right."""
    a = math.radians(degrees)
    dx, dy = point - origin
    return origin + np.array(
        [dx * math.cos(a) - dy * math.sin(a), dy * math.cos(a) + dx * math.sin(a)]
    )


def straight(lift_deg: float = 0.0) -> dict[str, np.ndarray]:
    knee, ankle = np.array([250.0, 300.0]), np.array([150.0, 300.0])
    return {
        "shoulder": SHOULDER,
        "hip": HIP,
        "knee": _turned(HIP, knee, lift_deg),
        "ankle": _turned(HIP, ankle, lift_deg),
        "wrist": np.array([520.0, 330.0]),
    }


def bent(opening_deg: float = 0.0) -> dict[str, np.ndarray]:
    """Knees bent to a right angle, feet together: the knee forward of the hip, the foot
    back under the line of the body; the knee opens about the hip, the foot stays."""
    return {
        "shoulder": SHOULDER,
        "hip": HIP,
        "knee": _turned(HIP, np.array([290.0, 340.0]), opening_deg),
        "ankle": np.array([200.0, 310.0]),
        "wrist": np.array([520.0, 330.0]),
    }


def _run(frames: list[dict[str, np.ndarray]]):
    check = MovementCheck()
    return [check.update(i / 15, points, 0.0) for i, points in enumerate(frames)]


def _rep(shape, peak: float) -> list[dict[str, np.ndarray]]:
    """Half a second still, a second up, a second held, a second down."""
    rise = [peak * i / 15 for i in range(15)]
    return (
        [shape(0.0)] * 8
        + [shape(a) for a in rise]
        + [shape(peak)] * 15
        + [shape(a) for a in reversed(rise)]
    )


@pytest.mark.parametrize(
    ("shape", "peak", "kind"),
    [(straight, 30.0, LEG_LIFT), (bent, 40.0, CLAMSHELL)],
)
def test_a_leg_lift_and_a_clamshell_are_told_apart_and_named_once(shape, peak, kind):
    seen = _run(_rep(shape, peak))
    assert {m.kind for m in seen} == {None, kind}
    assert [m.named for m in seen if m.named] == [kind]


def bending(lift_deg: float, knee_deg: float) -> dict[str, np.ndarray]:
    """The straight leg lifted, its shin then folding back toward the other foot by
    `knee_deg`, as a knee bent and swung toward a lens that looks down reads in the picture."""
    points = straight(lift_deg)
    knee = points["knee"]
    points["ankle"] = _turned(knee, points["ankle"], -knee_deg)
    return points


def test_a_lift_whose_knee_bends_near_the_top_stays_a_lift_and_is_counted():
    lift = [straight(30.0 * i / 15) for i in range(15)]
    bend = [bending(30.0, 40.0 * i / 10) for i in range(10)]
    frames = [straight()] * 8 + lift + bend + [bending(30.0, 40.0)] * 15
    seen = _run(frames)
    top = seen[-1]
    assert top.kind == LEG_LIFT  # the ankle now rises less than 1.3 times the knee
    lifted = LegAngles(30.0, None, None, 150.0)
    assert watched(lifted, top, "leg_lifts") is lifted
    assert CLAMSHELL not in {m.kind for m in seen}


def test_a_foot_misread_high_for_one_frame_does_not_turn_a_clamshell_into_a_lift():
    glitch = bent() | {"ankle": bent()["ankle"] + np.array([0.0, -30.0])}  # 0.2 trunks up
    seen = _run([bent()] * 8 + [glitch] + _rep(bent, 40.0)[13:])  # the knee already opening
    assert CLAMSHELL in {m.kind for m in seen[10:]}
    assert [m.named for m in seen if m.named] == [CLAMSHELL]


def test_lying_still_is_half_a_second_at_any_frame_rate():
    """At 60 frames a second eight frames are an eighth of a second: a leg pausing that long
    below where the set began is not yet a new rest."""
    check = MovementCheck()
    t = 0.0
    for _ in range(30):  # half a second still at 60 frames a second: the rest
        check.update(t, straight(), 0.0)
        t += 1 / 60
    lower = straight() | {"knee": np.array([250.0, 315.0]), "ankle": np.array([150.0, 330.0])}
    for _ in range(10):  # a sixth of a second lower
        check.update(t, lower, 0.0)
        t += 1 / 60
    assert check.update(t, straight(-1.0), 0.0).kind is None
    lifted = check.update(t + 1 / 60, straight(20.0), 0.0)
    assert lifted.kind == LEG_LIFT  # measured from the rest it learned, not the pause


def test_an_arm_raised_and_the_trunk_rising_are_named():
    arm = [straight()] * 8 + [
        straight() | {"wrist": np.array([500.0, 300.0 - 10 * i])} for i in range(20)
    ]
    assert [m.named for m in _run(arm) if m.named] == [ARM_RAISE]
    trunk = [straight()] * 8 + [
        straight() | {"shoulder": _turned(HIP, SHOULDER, -2.0 * i)} for i in range(20)
    ]
    assert [m.named for m in _run(trunk) if m.named] == [TRUNK_RISE_KIND]


def test_in_the_leg_lift_a_clamshell_reads_as_the_leg_at_rest_and_in_clamshells_it_counts():
    lifted = LegAngles(45.0, None, 30.0, 150.0)  # the thigh's angle, as the lift reads it
    clamshell = _run(_rep(bent, 40.0))[8 + 15 + 7]
    assert clamshell.kind == CLAMSHELL
    assert watched(lifted, clamshell, "leg_lifts").abduction == 0.0
    assert watched(lifted, clamshell, "clamshells").abduction == pytest.approx(40.0, abs=1.0)
    leg_lift = _run(_rep(straight, 30.0))[8 + 15 + 7]
    assert watched(lifted, leg_lift, "leg_lifts") is lifted
    assert watched(lifted, leg_lift, "clamshells").abduction == 0.0


def test_a_knee_read_bent_for_a_frame_at_the_top_of_a_leg_lift_is_no_clamshell():
    """A leg lifted with the knee bending (or a frame misreading it so) leads with the knee,
    as a clamshell does; but its foot is high off the other. Read as a clamshell, that frame
    gave the lift as the leg at rest, and the rep ended there."""
    frames = _rep(straight, 30.0)
    kinked = dict(frames[8 + 15 + 7])
    kinked["knee"] = kinked["knee"] - np.array([0.0, 35.0])  # up the picture
    frames[8 + 15 + 7] = kinked
    seen = _run(frames)
    assert seen[8 + 15 + 7].kind == LEG_LIFT
    assert CLAMSHELL not in {m.kind for m in seen}


def test_a_clamshell_closing_is_not_let_through_as_a_lift_until_the_knee_is_back_down():
    seen = _run(_rep(bent, 40.0))
    rise = [40.0 * i / 15 for i in range(15)]
    opened = [0.0] * 8 + rise + [40.0] * 15 + rise[::-1]  # as `_rep` opens the knee
    first = next(i for i, m in enumerate(seen) if m.kind == CLAMSHELL)
    after = [opened[i] for i, m in enumerate(seen) if i > first and m.kind is None]
    # Let through only once the knee is within a few degrees of its rest.
    assert after and all(degrees < 8.0 for degrees in after)


def _coach_watching(program: str, shapes, read=None):
    """A pose-mode coach in a set of `program`, fed frames of `shapes` (a list of point
    dicts, a frame a fifteenth of a second) read through the movement check; `read` gives the
    lift a frame is read at (else the thigh's angle)."""
    from coach.core.events import Command, Cue, Phase, RepCounted
    from coach.core.geometry import abduction_deg
    from coach.core.session import Coach
    from coach.core.vision import BODY_POINTS, Sighting
    from tests.helpers import quick_settings

    coach = Coach(quick_settings(reps=3), eyes="pose")
    command = {"leg_lifts": Command.START, "clamshells": Command.START_CLAMSHELLS}[program]
    events = coach.command(0.0, command, "test")
    t = 0.0
    while coach.phase is not Phase.SET:
        t += 0.1
        events += coach.tick(t)
    check = MovementCheck()
    for i, points in enumerate(shapes):
        now = t + i / 15
        lift = abduction_deg(points["shoulder"], points["hip"], points["knee"])
        lift = lift if read is None else read(points)
        angles = LegAngles(lift, None, None, 150.0)
        movement = check.update(now, points, lift)
        leg = {name: points[name] for name in BODY_POINTS}
        sighting = Sighting(
            leg, angles, (640, 480), frozenset(leg), BODY_POINTS, "pose", "right", movement=movement
        )
        events += coach.tick(now, sighting)
    said = [e.text for e in events if isinstance(e, Cue)]
    return said, [e for e in events if isinstance(e, RepCounted)]


def test_the_live_coach_names_a_clamshell_in_the_leg_lift_and_does_not_count_it():
    from coach.core import cues

    clamshells = [bent()] * 30 + _rep(bent, 40.0)[8:] * 2 + [bent()] * 30
    said, reps = _coach_watching("leg_lifts", clamshells)
    assert cues.NOT_COUNTED["clamshell"] in said
    assert not [r for r in reps if r.form_checked]


def test_a_rest_learned_before_the_knees_closed_is_learned_again_where_they_lie():
    """The set begins with the knee still a little open (settling, or a picture that changed);
    the person then lies closed and does clamshells in the leg lift: none is counted."""
    from coach.core import cues

    settling = [bent(15.0)] * 20 + [bent(15.0 - i) for i in range(15)] + [bent()] * 20
    clamshells = settling + _rep(bent, 40.0)[8:] * 3 + [bent()] * 30
    said, reps = _coach_watching("leg_lifts", clamshells)
    assert cues.NOT_COUNTED["clamshell"] in said
    assert not [r for r in reps if r.form_checked]


def test_in_the_clamshells_program_the_pose_coach_counts_each_opening():
    from coach.core import cues

    clamshells = [bent()] * 30 + _rep(bent, 40.0)[8:] * 2 + [bent()] * 30
    said, reps = _coach_watching("clamshells", clamshells)
    assert cues.CLAMSHELL_SEEN_SETUP in said
    assert len([r for r in reps if r.form_checked]) == 2


UNDER = np.array([0.0, 10.0])  # the bottom leg lies just below the top one in the picture


def _with_bottom_leg(points: dict[str, np.ndarray], under: dict[str, np.ndarray]):
    """`points` with the bottom leg's knee and ankle as a pose model gives them."""
    return points | {f"under_{name}": under[name] + UNDER for name in ("knee", "ankle")}


def swung(up: float) -> dict[str, np.ndarray]:
    """A lift `up` of the way (0..1) to a low top, the knee bending about 40 degrees and the
    leg swinging about 40 degrees toward a lens that looks down: the knee rises, the shin
    points ever more at the camera, so the foot rises at first, then drops back in the
    picture while coming toward the hip (as the simulated camera draws such a lift)."""
    points = straight()
    points["knee"] = points["knee"] + np.array([20.0 * up, -18.0 * (1 - (1 - up) ** 2)])
    points["ankle"] = points["ankle"] + np.array([75.0 * up, -(4.0 * up + 60.0 * up * (1 - up))])
    return _with_bottom_leg(points, straight())


def test_a_lift_bent_and_swung_toward_the_lens_is_a_lift_not_a_clamshell():
    """Its foot rises no higher in the picture than a clamshell's, but it leaves the other foot,
    farther than the knees part: a physiotherapist counts it (and warns of the knee and the
    swing), where a clamshell keeps the feet together."""
    rise = [swung(i / 15) for i in range(16)]
    seen = _run([swung(0.0)] * 8 + rise + [swung(1.0)] * 15 + rise[::-1])
    assert CLAMSHELL not in {m.kind for m in seen}
    top = seen[8 + 15 + 7]
    lifted = LegAngles(23.0, None, None, 150.0)
    assert watched(lifted, top, "leg_lifts") is lifted


def test_a_clamshell_keeps_the_feet_together_with_the_bottom_leg_seen():
    clamshell = [_with_bottom_leg(p, bent()) for p in _rep(bent, 40.0)]
    seen = _run(clamshell)
    assert [m.named for m in seen if m.named] == [CLAMSHELL]


def test_a_lift_read_as_a_clamshell_now_and_then_stays_a_lift_to_the_end():
    """Near the line between the two, a bent lift's readings flicker; a lift read in two
    readings a fifth of a second apart is a lift until the leg is back down."""
    frames = _rep(straight, 30.0)
    for i in (8 + 6, 8 + 9, 8 + 12, 8 + 15 + 3, 8 + 15 + 15 + 2):  # knee read high, now and then
        frames[i] = frames[i] | {"knee": frames[i]["knee"] - np.array([0.0, 40.0])}
    seen = _run(frames)
    assert CLAMSHELL not in {m.kind for m in seen[8 + 9 :]}


def folded(opening_deg: float = 0.0) -> dict[str, np.ndarray]:
    """From a straight rest, the knees drawn up as a clamshell begins: the shin folds back, the
    foot drops under the knee in the picture, nothing rises; the knee then opens about the hip
    by `opening_deg` with the foot kept where it is."""
    return straight() | {
        "knee": _turned(HIP, np.array([260.0, 310.0]), opening_deg),
        "ankle": np.array([300.0, 360.0]),
    }


def _drawn_up_read_as_lifted(points: dict[str, np.ndarray]) -> float:
    """The lift as a pose reading gives it: a leg drawn up with nothing raised reads as swung
    toward the lens and lifted 20 degrees (the simulated pose model read a clamshell's close
    so); a straight leg reads at its own angle."""
    if np.allclose(points["ankle"], folded()["ankle"]):
        return 20.0
    return 0.0 if np.allclose(points["knee"], straight()["knee"]) else 25.0


def test_a_knee_drawn_up_with_nothing_raised_reads_as_the_leg_at_rest_not_a_new_rest():
    """Lying with the knees drawn up is neither a lift (however the leg's line reads) nor the
    body at rest: a straight lift after it is measured from the straight rest."""
    frames = [straight()] * 8 + [folded()] * 30 + [straight()] * 8 + [straight(20.0)] * 4
    check = MovementCheck()
    seen = [check.update(i / 15, points, 0.0 if i < 8 else 20.0) for i, points in enumerate(frames)]
    drawn_up = seen[8 + 29]
    read_high = LegAngles(20.0, None, None, 150.0)
    assert watched(read_high, drawn_up, "leg_lifts").abduction == 0.0  # the rest's lift
    assert drawn_up.kind is None  # nor named as another movement
    assert seen[8 + 30 + 7].kind is None  # straight again: its rest, not a lift from the fold
    assert seen[-1].kind == LEG_LIFT


def test_a_clamshell_begun_and_ended_with_the_knees_drawn_up_is_not_counted():
    """The knees drawn up, opened, closed and stretched out again, twice, in the leg lift,
    with the drawn-up leg read as lifted: nothing counted, the clamshell named; a straight
    lift after it is counted."""
    from coach.core import cues

    clamshell = (
        [folded()] * 15
        + [folded(40.0 * i / 15) for i in range(15)]
        + [folded(40.0)] * 15
        + [folded(40.0 * (15 - i) / 15) for i in range(16)]
        + [folded()] * 15
        + [straight()] * 30
    )
    lift = [straight(25.0)] * 30 + [straight()] * 30
    said, reps = _coach_watching(
        "leg_lifts", [straight()] * 30 + clamshell * 2 + lift, _drawn_up_read_as_lifted
    )
    assert cues.NOT_COUNTED["clamshell"] in said
    assert len([r for r in reps if r.form_checked]) == 1
