"""The pose front-end with a toe marker worn on the top foot."""

from __future__ import annotations

import numpy as np

from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.core.tracker import MarkerTracker, hex_to_bgr
from coach.settings import Settings
from tests.test_pose_core import lying_body

TOE = "#ff00e0"


def _frame_with_toe_at(x: int, y: int, shade: float = 1.0) -> np.ndarray:
    frame = np.full((480, 640, 3), 90, np.uint8)
    yy, xx = np.mgrid[0:480, 0:640]
    frame[(xx - x) ** 2 + (yy - y) ** 2 <= 36] = (shade * hex_to_bgr(TOE)).astype(np.uint8)
    return frame


def _reader(with_toe_marker: bool) -> PoseReader:
    body = lying_body("right", lift_deg=20, foot=0.4)  # the model is unsure of the foot
    tracker = PoseTracker(lambda frame: [body.next_region], lambda frame, region: body)
    toe = MarkerTracker({"toe": TOE}, 60) if with_toe_marker else None
    return PoseReader(Settings(), tracker, toe)


def test_without_a_toe_marker_an_unsure_foot_leaves_the_toes_unjudged():
    sighting = _reader(False).sight(_frame_with_toe_at(140, 250), 0.0)
    assert "toe" not in sighting.markers and sighting.angles.rotation is None


def test_a_toe_marker_near_the_foot_is_taken_and_the_toes_are_judged():
    reader = _reader(True)
    ankle = reader.sight(_frame_with_toe_at(600, 60), 0.0).markers["ankle"]
    assert "toe" not in reader.sight(_frame_with_toe_at(600, 60), 0.1).markers  # far: not it
    frame = _frame_with_toe_at(round(ankle[0]) - 12, round(ankle[1]) - 10)
    for i in range(3):
        sighting = reader.sight(frame, 0.2 + i / 15)
    assert "toe" in sighting.seen and sighting.certainty["toe"] == 1.0
    assert sighting.angles.rotation is not None


def test_the_toe_marker_is_the_spot_of_its_colour_by_the_foot_not_the_likest_one():
    reader = _reader(True)
    ankle = reader.sight(_frame_with_toe_at(600, 60), 0.0).markers["ankle"]
    frame = _frame_with_toe_at(round(ankle[0]) - 12, round(ankle[1]) - 10)
    far = _frame_with_toe_at(520, 40)  # a spot as like it across the room, found first
    frame[far != 90] = far[far != 90]
    for i in range(3):
        sighting = reader.sight(frame, 0.1 + i / 15)
        assert "toe" in sighting.seen
        assert np.hypot(*(sighting.markers["toe"] - ankle)) < 25


def test_the_toe_markers_colour_is_learned_by_the_foot_not_from_a_purer_spot_in_view():
    reader = _reader(True)
    ankle = reader.sight(_frame_with_toe_at(600, 60), 0.0).markers["ankle"]
    reader.learn_colours()  # a set begins
    # The printed toe marker, duller than a spot of its hue on a poster across the room.
    frame = _frame_with_toe_at(round(ankle[0]) - 12, round(ankle[1]) - 10, shade=0.8)
    poster = _frame_with_toe_at(520, 40)
    frame[poster != 90] = poster[poster != 90]
    for i in range(3):
        sighting = reader.sight(frame, 0.1 + i / 15)
        assert "toe" in sighting.seen
