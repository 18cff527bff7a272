"""The pose front-end on photographs of a real man lying on his side (and standing, as a
control), against points read off them by eye."""

from __future__ import annotations

import numpy as np
import pytest

from coach.core.geometry import abduction_deg
from coach.core.pose.body import is_lying, leg_points, upper_side
from coach.core.pose.reader import PoseReader
from coach.settings import Settings
from coach.sim.footage import POSE_MODELS, READ_BY_EYE, STILLS, labels, still

pytestmark = [
    pytest.mark.skipif(not STILLS.is_dir(), reason=f"no real footage at {STILLS}"),
    pytest.mark.skipif(
        not (POSE_MODELS / "pose_detection.tflite").exists(),
        reason="no pose model: run scripts/fetch-pose-model",
    ),
]
# Points read by eye are good to about 5 px on the enlargement: over segments of 150 to 250 px
# that allows the angle about 4 degrees either way.
BY_EYE_TOLERANCE_DEG = 6.0


@pytest.fixture(scope="module")
def model():
    from coach.adapters.pose.files import pose_model_files
    from coach.adapters.pose.networks import BlazePose

    return BlazePose(pose_model_files(POSE_MODELS))


def _body(model, name: str):
    """Found as the coach finds a body: the detector, then the landmarks tracked twice over."""
    from coach.core.pose.tracking import PoseTracker

    tracker = PoseTracker(model.detect, model.mark)
    frame = still(name)
    found = None
    for _ in range(3):
        found = tracker.locate(frame)
    return found


def _stills(*poses: str) -> list[str]:
    """The stills showing these poses; none where the footage is absent (the tests skip)."""
    if not STILLS.is_dir():
        return []
    return [name for name, label in labels().items() if label["pose"] in poses]


@pytest.mark.parametrize("name", _stills("side-lying", "prone", "supine"))
def test_a_person_lying_on_the_floor_is_found_lying(model, name):
    found = _body(model, name)
    assert found is not None and is_lying(found)


@pytest.mark.parametrize("name", _stills("standing"))
def test_a_standing_person_is_not_taken_for_one_lying(model, name):
    found = _body(model, name)
    assert found is None or not is_lying(found)


@pytest.mark.parametrize("name", sorted(READ_BY_EYE))
def test_the_raised_leg_is_the_top_one_and_its_angle_matches_the_eye(model, name):
    label = READ_BY_EYE[name]
    found = _body(model, name)
    side = upper_side(found)
    points, _ = leg_points(found, side)
    ankles = [found.points[i] for i in (27, 28)]
    assert points["ankle"][1] == pytest.approx(min(a[1] for a in ankles))  # the raised one
    seen = abduction_deg(points["shoulder"], points["hip"], points["ankle"])
    by_eye = abduction_deg(*(np.array(label[k], float) for k in ("shoulder", "hip", "ankle")))
    assert abs(seen - by_eye) <= BY_EYE_TOLERANCE_DEG, (seen, by_eye)


def test_the_reader_measures_a_raised_leg_from_a_photograph(model):
    from coach.core.pose.tracking import PoseTracker

    name = "Side_Jackknife_1.jpg"
    reader = PoseReader(Settings(), PoseTracker(model.detect, model.mark))
    frame = still(name)
    sighting = None
    for i in range(3):
        sighting = reader.sight(frame, i / 15)
    assert sighting.kind == "pose" and sighting.side == "right"
    assert {"shoulder", "hip", "knee", "ankle"} <= set(sighting.markers)
    assert sighting.angles is not None and sighting.angles.abduction > 40
