"""The body in view changes for good: the camera moved nearer or farther between sessions or
within one. The coach learns the body afresh instead of going blind until a restart."""

from __future__ import annotations

import numpy as np
import pytest

from coach.core.plausible import RELEARN_AFTER_S, BodyCheck
from coach.settings import Settings

FOOT_TO_LEG = Settings().markers.foot_to_leg_ratio
BODY = {
    "shoulder": np.array([500.0, 300.0]),
    "hip": np.array([380.0, 300.0]),
    "knee": np.array([290.0, 280.0]),
    "ankle": np.array([200.0, 260.0]),
}


def _scaled(body: dict[str, np.ndarray], factor: float) -> dict[str, np.ndarray]:
    """The same body with the camera nearer (factor > 1) or farther, about the frame's middle."""
    middle = np.array([320.0, 240.0])
    return {name: middle + (point - middle) * factor for name, point in body.items()}


def _seen_for(check: BodyCheck, body: dict[str, np.ndarray], start: float, seconds: float):
    """How many of the frames over `seconds` at 15 fps were read as a body."""
    frames = round(seconds * 15)
    return sum(bool(check.body_in(body, start + i / 15)) for i in range(frames))


@pytest.mark.parametrize("factor", [0.55, 1.35])
def test_a_camera_moved_within_a_session_is_followed_after_a_moment(factor):
    check = BodyCheck(FOOT_TO_LEG)
    assert _seen_for(check, BODY, 0.0, 10.0) == 150
    moved = _scaled(BODY, factor)
    # Refused at first (it could be a scrap of colour), learned afresh once it has lasted.
    assert not check.body_in(moved, 10.0)
    seen = _seen_for(check, moved, 10.0 + 1 / 15, 10.0)
    assert seen >= 150 - round((RELEARN_AFTER_S + 0.2) * 15)
    assert check.relearned == 1
    assert check.body_in(moved, 30.0).keys() == BODY.keys()


@pytest.mark.parametrize("factor", [0.55, 1.35])
def test_a_new_set_learns_the_body_at_its_new_size_from_the_first_frame(factor):
    check = BodyCheck(FOOT_TO_LEG)
    _seen_for(check, BODY, 0.0, 10.0)
    check.forget()  # what the reader does as a set begins
    assert _seen_for(check, _scaled(BODY, factor), 100.0, 5.0) == 75


def test_a_moment_of_points_that_are_no_body_does_not_unlearn_the_body():
    check = BodyCheck(FOOT_TO_LEG)
    _seen_for(check, BODY, 0.0, 10.0)
    stretched = {**BODY, "ankle": np.array([40.0, 260.0]), "knee": np.array([200.0, 280.0])}
    assert _seen_for(check, stretched, 10.0, 1.0) == 0
    assert check.relearned == 0
    assert check.body_in(BODY, 11.0).keys() == BODY.keys()


@pytest.mark.parametrize("fps", [5, 10, 15, 30])
def test_a_leg_let_drop_from_the_top_is_followed_all_the_way_down(fps):
    """A leg let fall from 45° in half a second (the fast lowering the coach warns about) was
    refused as no body for 0.2 to 0.4 s at its start, and the leg was read as still at the top."""
    check = BodyCheck(FOOT_TO_LEG)
    hip, thigh = BODY["hip"], BODY["hip"] - BODY["knee"]

    def leg_at(lift_deg: float) -> dict[str, np.ndarray]:
        turn = np.radians(lift_deg)
        rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        straight = -np.array([np.hypot(*thigh), 0.0])
        knee, ankle = hip + straight @ rotate.T, hip + 2 * straight @ rotate.T
        return {"shoulder": BODY["shoulder"], "hip": hip, "knee": knee, "ankle": ankle}

    held = [check.body_in(leg_at(45.0), i / fps) for i in range(2 * fps)]
    assert all(held)
    drop_s = 0.5
    times = [2.0 + i / fps for i in range(1, round(drop_s * fps) + 1)]
    lifts = [45.0 * (1 + np.cos(np.pi * (t - 2.0) / drop_s)) / 2 for t in times]
    assert all(check.body_in(leg_at(lift), t) for lift, t in zip(lifts, times, strict=True))
