import numpy as np
import pytest

from coach.core.tracker import MarkerTracker, hex_to_bgr
from coach.settings import MarkerSettings
from coach.sim.athlete import LegState, Script, SimulatedAthlete
from coach.sim.camera import SimulatedCamera

MARKERS = MarkerSettings()


def _camera(width=320, height=240):
    athlete = SimulatedAthlete(Script())
    return SimulatedCamera(athlete, width, height, MARKERS.colours(), MARKERS.foot_to_leg_ratio)


def _frame(camera, leg):
    frame = camera.render(leg)
    return frame, camera.joints(leg)


def test_hex_colours_become_bgr_like_the_pi_camera_delivers():
    assert list(hex_to_bgr("#ff8000")) == [0, 128, 255]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize(("abduction", "rotation"), [(0, -5), (30, 0), (60, 20)])
def test_every_marker_is_found_within_a_pixel(side, abduction, rotation):
    camera = _camera()
    frame, truth = _frame(camera, LegState(side, abduction, rotation))
    found = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance).locate(frame)
    assert set(found) == set(truth)
    for name, point in truth.items():
        assert np.abs(found[name] - point).max() < 1.0, name


def test_tracking_follows_a_moving_leg_and_reacquires_after_a_jump():
    camera = _camera()
    tracker = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance)
    for abduction in [0, 5, 10, 15, 20, 25, 30, 70, 0]:  # 30 → 70 → 0 jump past any window
        frame, truth = _frame(camera, LegState("right", abduction, 0))
        found = tracker.locate(frame)
        assert np.abs(found["ankle"] - truth["ankle"]).max() < 1.0, abduction


def test_a_covered_marker_is_reported_missing_not_guessed():
    camera = _camera()
    frame, truth = _frame(camera, LegState("right", 20, 0))
    x, y = truth["knee"].astype(int)
    frame[y - 8 : y + 9, x - 8 : x + 9] = (70, 60, 60)
    found = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance).locate(frame)
    assert "knee" not in found
    assert {"shoulder", "hip", "ankle", "toe"} <= set(found)


def test_a_marker_seen_only_in_part_for_a_while_is_found_again_whole():
    """Half hidden by the foot at the top of a lift, a marker looks smaller for a few frames;
    once it shows whole again it must be found, whatever size it last seemed."""
    camera = _camera(640, 480)
    tracker = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance)
    frame, truth = _frame(camera, LegState("right", 20, 0))
    tracker.locate(frame)
    x, y = truth["ankle"].astype(int)
    for covered in (0, 2, 3, 4, 5, 5, 5):  # more of it hidden each frame, down to a sliver
        sliver = frame.copy()
        sliver[y - 12 : y + 13, x - 12 : x + covered] = (70, 60, 60)
        assert "ankle" in tracker.locate(sliver)
    hidden = frame.copy()
    hidden[y - 12 : y + 13, x - 12 : x + 13] = (70, 60, 60)
    assert "ankle" not in tracker.locate(hidden)
    for abduction in (15, 10, 5, 0):
        frame, truth = _frame(camera, LegState("right", abduction, 0))
        found = tracker.locate(frame)
        assert "ankle" in found, abduction
        assert np.abs(found["ankle"] - truth["ankle"]).max() < 1.0


def test_a_piece_of_stripe_wider_than_the_markers_is_not_taken_for_one():
    """A stripe of a marker's colour cut short by a picture frame is a compact patch: marker-
    shaped at some size, but not at the size the other four markers show."""
    camera = _camera(640, 480)
    frame, truth = _frame(camera, LegState("right", 20, 0))
    frame[40:62, 500:524] = hex_to_bgr(MARKERS.shoulder)  # a stub, away from the body
    found = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance).locate(frame)
    assert np.abs(found["shoulder"] - truth["shoulder"]).max() < 1.0


def test_a_marker_is_centred_on_itself_when_its_window_cuts_a_stripe_of_its_colour():
    camera = _camera(640, 480)
    frame, truth = _frame(camera, LegState("right", 20, 0))
    x, y = truth["shoulder"].astype(int)
    # The edge of a wide stripe of its colour, two pixels of it inside the marker's window.
    frame[y - 20 : y + 6, x - 100 : x - 38] = hex_to_bgr(MARKERS.shoulder)
    found = MarkerTracker(MARKERS.colours(), MARKERS.colour_tolerance).locate(frame)
    assert np.abs(found["shoulder"] - truth["shoulder"]).max() < 1.0
