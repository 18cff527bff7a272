from dataclasses import replace

import numpy as np
import pytest

from coach.core.calibration import MIN_SAMPLES, StillMoments, calibrate_view
from coach.core.events import Cue, FormWarning, ViewCalibrated
from coach.core.view import CameraView
from coach.settings import Settings
from coach.sim.athlete import LegState, RepStyle, Script, SimulatedAthlete
from coach.sim.scene import FOOT_FORWARD_M, LEG_M, CameraPose, Scene
from tests.helpers import coached, quick_settings

RATIO = FOOT_FORWARD_M / LEG_M
SIZE = (640, 480)
COLOURS = {n: "#ffffff" for n in ("shoulder", "hip", "knee", "ankle", "toe")}


def _still(pose: CameraPose, leg: LegState, frames: int = 10, jitter_px: float = 0.3):
    """A second of a person holding still, as the tracker would report it (with its jitter)."""
    scene = Scene(pose, COLOURS)
    exact = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
    rng = np.random.default_rng(0)
    return [{n: p + rng.normal(0, jitter_px, 2) for n, p in exact.items()} for _ in range(frames)]


def _calibrate(pose: CameraPose, side: str, rest_rotation=0.0, lifted_rotation=0.0, lift=25.0):
    resting = _still(pose, LegState(side, 0.0, rest_rotation))
    lifted = _still(pose, LegState(side, lift, lifted_rotation))
    return calibrate_view(resting, lifted, SIZE, CameraView(), RATIO)


@pytest.mark.parametrize("distance", [1.5, 2.5, 3.5])
@pytest.mark.parametrize("tilt", [0.0, 12.0, 30.0])
@pytest.mark.parametrize("turn", [-15.0, 0.0, 15.0])
@pytest.mark.parametrize("side", ["right", "left"])
def test_tilt_and_turn_are_found_from_the_toes_held_ahead_at_rest_and_raised(
    distance, tilt, turn, side
):
    view = _calibrate(CameraPose(distance, tilt, turn), side)
    assert view is not None
    assert view.tilt_deg == pytest.approx(tilt, abs=1.0)
    assert view.turn_deg == pytest.approx(turn, abs=2.0)


def test_without_a_raised_leg_only_the_tilt_is_measured_and_the_turn_kept():
    pose = CameraPose(2.5, 20.0, 15.0)
    resting = _still(pose, LegState("right", 0.0, 0.0))
    view = calibrate_view(resting, [], SIZE, CameraView(turn_deg=15.0), RATIO)
    assert view is not None
    assert (view.tilt_deg, view.turn_deg) == (pytest.approx(20.0, abs=1.0), 15.0)
    barely = _still(pose, LegState("right", 5.0, 0.0))
    view = calibrate_view(resting, barely, SIZE, CameraView(turn_deg=15.0), RATIO)
    assert view is not None and view.turn_deg == 15.0  # too low to show the turn


def test_toes_a_little_down_in_both_moments_go_into_the_tilt_not_the_turn():
    """A person who points the toes 5 degrees low does it both times: the tilt takes it."""
    view = _calibrate(CameraPose(2.5, 15.0, 0.0), "right", -5.0, -5.0)
    assert view is not None
    assert view.tilt_deg == pytest.approx(20.0, abs=1.5)
    assert abs(view.turn_deg) < 3.0


def test_no_calibration_without_the_toe_or_with_too_few_frames():
    samples = _still(CameraPose(2.5, 15.0), LegState("right", 0.0, 0.0))
    without_toe = [{n: p for n, p in s.items() if n != "toe"} for s in samples]
    assert calibrate_view(without_toe, samples, SIZE, CameraView(), RATIO) is None
    few = samples[: MIN_SAMPLES - 1]
    assert calibrate_view(few, samples, SIZE, CameraView(), RATIO) is None


def test_a_pose_no_camera_in_the_setup_could_produce_gives_no_calibration():
    """Toes turned hard up (or a marker mistaken for another) must not set a wild tilt."""
    assert _calibrate(CameraPose(2.5, 0.0), "right", 40.0, 40.0) is None


class SceneCamera:
    """The 3-D scene filming the simulated athlete: a real tilt for the coach to find."""

    def __init__(self, athlete: SimulatedAthlete, pose: CameraPose, settings: Settings) -> None:
        self._athlete = athlete
        self._scene = Scene(pose, settings.markers.colours(), 320, 240)

    def read(self, t: float) -> np.ndarray:
        return self._scene.render(self._athlete.leg_at(t))

    def close(self) -> None:
        """Nothing to release."""


TOES_UP_IN_REP_2 = Script(
    default=RepStyle(rotation_deg=-5.0),
    special={("right", 1, 2): RepStyle(rotation_deg=25.0)},
)


def _coached(calibrate: bool, tilt: float = 30.0, turn: float = 15.0) -> list:
    base = quick_settings(reps=3)
    settings = replace(
        base,
        session=replace(base.session, legs=("right",)),
        camera=replace(base.camera, width=320, height=240, fps=8, calibrate=calibrate),
        markers=replace(base.markers, foot_to_leg_ratio=RATIO),
    )

    def film(athlete: SimulatedAthlete) -> SceneCamera:
        return SceneCamera(athlete, CameraPose(2.0, tilt, turn), settings)

    return coached(settings, TOES_UP_IN_REP_2, film)[0]


def test_under_a_camera_looking_down_and_turned_the_coach_finds_both_and_sees_toes_turn_up():
    events = _coached(calibrate=True)
    calibrated = [e for e in events if isinstance(e, ViewCalibrated)]
    assert len(calibrated) == 1
    assert calibrated[0].tilt_deg == pytest.approx(30.0, abs=3.0)
    assert calibrated[0].turn_deg == pytest.approx(15.0, abs=4.0)
    warnings = [(e.fault, e.rep) for e in events if isinstance(e, FormWarning)]
    assert warnings == [("toes_up", 2)]


def test_without_the_calibration_the_same_camera_misses_the_toes():
    """Why the setup step exists: looking down, turned-up toes seem level."""
    events = _coached(calibrate=False)
    assert not any(isinstance(e, ViewCalibrated) for e in events)
    assert "toes_up" not in [e.fault for e in events if isinstance(e, FormWarning)]


def test_frames_from_before_the_person_could_act_on_the_request_are_left_out():
    pose = CameraPose(2.5, 20.0, 0.0)
    moving = _still(pose, LegState("right", 0.0, -30.0))  # still turning the foot
    ahead = _still(pose, LegState("right", 0.0, 0.0))
    moments = StillMoments()
    moments.begin(from_t=2.0)
    for i, markers in enumerate(moving + ahead):
        moments.add(i * 0.1 + 1.0, markers, SIZE)  # the first ten arrive before 2 s
    view = moments.view(CameraView(), RATIO)
    assert view is not None and view.tilt_deg == pytest.approx(20.0, abs=1.0)
    assert StillMoments().view(CameraView(), RATIO) is None  # nothing seen at all


def test_from_near_hip_height_the_coach_asks_for_the_camera_higher_and_from_above_it_does_not():
    """A camera level with the hip cannot see a bent knee (coach/core/depth.py): the person is
    told once, after the toes-ahead moments, and only then."""

    def asked_higher(tilt: float) -> int:
        events = _coached(calibrate=True, tilt=tilt, turn=0.0)
        return sum(isinstance(e, Cue) and e.tag == "camera_low" for e in events)

    assert asked_higher(3.0) == 1
    assert asked_higher(20.0) == 0


@pytest.mark.parametrize("toes_off", [-5.0, 5.0])
@pytest.mark.parametrize("side", ["right", "left"])
def test_toes_a_little_off_ahead_only_when_raised_do_not_move_the_turn(toes_off, side):
    """Nobody points their toes exactly ahead: taken from the toes, 5 degrees off at the top
    moved the turn by 12 to 16. The thigh, which keeps its length, gives it instead."""
    view = _calibrate(CameraPose(2.5, 22.0, 10.0), side, 0.0, toes_off)
    assert view is not None
    assert view.turn_deg == pytest.approx(10.0, abs=1.5)
    assert view.tilt_deg == pytest.approx(22.0, abs=1.0)


@pytest.mark.parametrize("toes", [-5.0, 5.0])
@pytest.mark.parametrize("turn", [0.0, 15.0, -15.0])
def test_from_a_level_camera_toes_a_little_off_at_the_raise_do_not_turn_it(toes, turn):
    """Toes 5 degrees off at the top moved a turn taken from them alone by 12 degrees; from a
    level camera the thighs say how far it is turned, and the toes only which way."""
    view = _calibrate(CameraPose(2.5, 0.0, turn), "right", 0.0, toes)
    assert view is not None
    assert view.turn_deg == pytest.approx(turn, abs=2.0)
    assert view.tilt_deg == pytest.approx(0.0, abs=1.0)
