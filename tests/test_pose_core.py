"""BlazePose's numpy pre- and post-processing, on arrays whose right answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach.core.geometry import abduction_deg
from coach.core.pose import crop, detection, landmarks
from coach.core.pose.anchors import anchor_centres
from coach.core.pose.body import SideChooser, is_lying, leg_points, upper_side
from coach.core.pose.crop import Region, aligned_region
from coach.core.pose.landmarks import Landmarks
from coach.core.pose.tracking import PoseTracker


def test_the_anchor_grid_is_the_detectors_own():
    anchors = anchor_centres()
    assert anchors.shape == (2254, 2)  # 28x28x2 + 14x14x2 + 7x7x6
    # Row by row, two anchors a cell, the stride-32 layers' six together.
    assert np.allclose(anchors[0], anchors[1]) and np.allclose(anchors[0], [0.5 / 28, 0.5 / 28])
    assert np.allclose(anchors[2], [1.5 / 28, 0.5 / 28])
    assert np.allclose(anchors[1568], [0.5 / 14, 0.5 / 14])
    assert np.allclose(anchors[-6:], [6.5 / 7, 6.5 / 7])


def _raw(anchor: np.ndarray, box: tuple, points: list) -> np.ndarray:
    """The detector's regression for a box and keypoints given in the unit square."""
    cx, cy, w, h = box
    raw = [(cx - anchor[0]) * 224, (cy - anchor[1]) * 224, w * 224, h * 224]
    for x, y in points:
        raw += [(x - anchor[0]) * 224, (y - anchor[1]) * 224]
    return np.array(raw, dtype=np.float32)


def test_detections_are_decoded_and_overlapping_ones_merged_by_score():
    anchors = anchor_centres()
    boxes = np.zeros((len(anchors), 12), dtype=np.float32)
    scores = np.full(len(anchors), -10.0, dtype=np.float32)
    points = [(0.5, 0.6), (0.8, 0.6), (0, 0), (0, 0)]
    for i, (cx, logit) in enumerate(((0.50, 3.0), (0.52, 1.0))):
        boxes[100 + i] = _raw(anchors[100 + i], (cx, 0.6, 0.4, 0.2), points)
        scores[100 + i] = logit
    boxes[2000] = _raw(anchors[2000], (0.2, 0.2, 0.1, 0.1), [(0.2, 0.2)] * 4)
    scores[2000] = 0.5
    found = detection.decode(boxes, scores, anchors)
    assert len(found) == 2
    first = found[0]
    assert first.score == pytest.approx(1 / (1 + math.exp(-3)))
    weight = 1 / (1 + math.exp(-1)) / (1 / (1 + math.exp(-1)) + 1 / (1 + math.exp(-3)))
    assert (first.box[0] + first.box[2]) / 2 == pytest.approx(0.50 + 0.02 * weight, abs=1e-5)
    assert np.allclose(first.keypoints[:2], [(0.5, 0.6), (0.8, 0.6)], atol=1e-5)
    assert np.allclose(found[1].keypoints[0], (0.2, 0.2), atol=1e-5)


def test_nothing_is_found_below_the_score_threshold():
    anchors = anchor_centres()
    found = detection.decode(
        np.zeros((len(anchors), 12), np.float32), np.full(len(anchors), -0.1), anchors
    )
    assert found == []


def test_a_lying_body_gets_a_region_turned_a_quarter():
    # Centre at the hips, the scale point toward the head, which is to the right.
    region = aligned_region(np.array([300.0, 200.0]), np.array([400.0, 200.0]), 1.25)
    assert region.rotation == pytest.approx(math.pi / 2)
    assert region.size == pytest.approx(250.0)
    # The region's top edge lies toward the head.
    top_middle = region.to_frame(np.array([0.5, 0.0]))
    assert np.allclose(top_middle, [425.0, 200.0])
    upright = aligned_region(np.array([300.0, 200.0]), np.array([300.0, 100.0]), 1.0)
    assert upright.rotation == pytest.approx(0.0)


def test_a_detection_in_a_letterboxed_frame_lands_on_the_frame():
    whole = crop.whole_frame(640, 480)  # a 640 square, 80 px of black above and below
    person = detection.Detection(
        0.9, np.zeros(4), np.array([[0.5, 0.5], [0.75, 0.5], [0, 0], [0, 0]])
    )
    region = detection.body_region(person, whole)
    assert (region.cx, region.cy) == pytest.approx((320.0, 240.0))
    assert region.size == pytest.approx(2 * 160 * 1.25)


def _gradient_frame() -> np.ndarray:
    y, x = np.mgrid[0:40, 0:60]
    return np.stack([x * 4, y * 6, np.full_like(x, 200)], axis=-1).astype(np.uint8)  # BGR


def test_sampling_the_frame_itself_gives_its_pixels_in_rgb():
    frame = _gradient_frame()[:40, :40]
    out = crop.sample(frame, Region(20.0, 20.0, 40.0, 0.0), 40)
    assert np.allclose(out * 255, frame[..., ::-1], atol=1e-3)


def test_sampling_a_turned_region_turns_the_picture_and_pads_with_black():
    frame = _gradient_frame()[:40, :40]
    turned = crop.sample(frame, Region(20.0, 20.0, 40.0, math.pi / 2), 40)
    # The region's up is the frame's right: its picture is the frame turned a quarter left.
    assert np.allclose(turned * 255, np.rot90(frame[..., ::-1], k=1), atol=1e-3)
    beyond = crop.sample(frame, Region(20.0, 20.0, 80.0, 0.0), 40)
    assert np.all(beyond[:5] == 0) and np.all(beyond[:, :5] == 0)
    assert beyond[20, 20].max() > 0


def _raw_landmarks(crop_points: np.ndarray, visible: np.ndarray) -> np.ndarray:
    values = np.zeros((39, 5), dtype=np.float32)
    values[:, :2] = crop_points * 256
    logits = np.where(visible, 6.0, -6.0)
    values[:, 3] = logits
    values[:, 4] = logits
    return values.reshape(-1)


def test_landmarks_come_back_to_the_frame_with_their_visibility():
    points = np.random.default_rng(1).uniform(0.2, 0.8, (39, 2))
    visible = np.arange(39) % 2 == 0
    region = Region(300.0, 200.0, 256.0, math.pi / 2)
    found = landmarks.decode(_raw_landmarks(points, visible), 0.97, region)
    assert np.allclose(found.points, region.to_frame(points[:33]))
    assert np.all(found.visibility[visible[:33]] > 0.99)
    assert np.all(found.visibility[~visible[:33]] < 0.01)
    assert found.presence == pytest.approx(0.97)
    expected = aligned_region(*region.to_frame(points[33:35]), 1.25)
    got = found.next_region
    assert (got.cx, got.cy, got.size, got.rotation) == pytest.approx(
        (expected.cx, expected.cy, expected.size, expected.rotation), abs=1e-3
    )


def lying_body(
    up: str = "right",
    lift_deg: float = 0.0,
    visible: float = 0.99,
    foot: float = 0.95,
    standing: bool = False,
) -> Landmarks:
    """A person lying on the floor facing the camera, head to the right, `up` side on top, the
    top leg raised `lift_deg` from the trunk line; or standing, for a control."""
    p = np.zeros((33, 2))
    down = "left" if up == "right" else "right"
    base = {
        "shoulder": (500.0, 300.0),
        "hip": (350.0, 300.0),
        "knee": (250.0, 300.0),
        "ankle": (150.0, 300.0),
        "heel": (140.0, 305.0),
        "foot": (130.0, 280.0),
    }
    index = {
        "shoulder": landmarks.SHOULDER, "hip": landmarks.HIP, "knee": landmarks.KNEE,
        "ankle": landmarks.ANKLE, "heel": landmarks.HEEL, "foot": landmarks.FOOT_INDEX,
    }  # fmt: skip
    lift = math.radians(lift_deg)
    hip = np.array(base["hip"])
    for name, (x, y) in base.items():
        point = np.array([x, y])
        if name not in ("shoulder", "hip"):  # swung up about the hip, toward the ceiling
            reach = hip[0] - x
            point = hip + reach * np.array([-math.cos(lift), -math.sin(lift)]) + [0, y - hip[1]]
        p[index[name][up]] = point - [0, 20]
        p[index[name][down]] = (x, y + 20)
    if standing:
        p = p[:, ::-1].copy()
    sure = np.full(33, visible)
    for i in (landmarks.HEEL[up], landmarks.FOOT_INDEX[up]):
        sure[i] = foot
    return Landmarks(p, sure, 0.99, Region(330, 300, 500, math.pi / 2))


def test_the_side_up_is_the_higher_one_and_a_standing_person_is_not_lying():
    assert upper_side(lying_body("left")) == "left"
    assert upper_side(lying_body("right")) == "right"
    assert is_lying(lying_body())
    assert not is_lying(lying_body(standing=True))


def test_the_side_turns_only_once_the_other_has_held():
    chooser = SideChooser(hold_frames=3)
    assert chooser.update(lying_body("right")) == "right"
    assert chooser.update(lying_body("left")) == "right"  # one doubtful frame
    assert chooser.update(lying_body("right")) == "right"
    sides = [chooser.update(lying_body("left")) for _ in range(3)]
    assert sides == ["right", "right", "left"]


def test_the_leg_points_are_the_top_sides_and_the_toe_only_when_the_foot_is_sure():
    points, sure = leg_points(lying_body("right", lift_deg=30), "right")
    assert set(points) == {"shoulder", "hip", "knee", "ankle", "toe"}
    assert abduction_deg(points["shoulder"], points["hip"], points["ankle"]) == pytest.approx(30)
    points, sure = leg_points(lying_body("right", foot=0.7), "right")
    assert "toe" not in points and sure["toe"] == pytest.approx(0.7)
    points, _ = leg_points(lying_body("right", visible=0.3, foot=0.3), "right")
    assert points == {}


class _FakeModel:
    """Counts calls; the body is there while `present` says so."""

    def __init__(self) -> None:
        self.present = True
        self.detect_calls = 0
        self.marked: list[Region] = []

    def detect(self, frame: np.ndarray) -> list[Region]:
        self.detect_calls += 1
        return [Region(1, 1, 10, 0)] if self.present else []

    def mark(self, frame: np.ndarray, region: Region) -> Landmarks:
        self.marked.append(region)
        body = lying_body()
        presence = 0.99 if self.present else 0.01
        next_region = Region(region.cx + 1, region.cy, region.size, region.rotation)
        return Landmarks(body.points, body.visibility, presence, next_region)


def test_the_detector_runs_only_when_the_body_is_lost():
    model = _FakeModel()
    tracker = PoseTracker(model.detect, model.mark)
    frame = np.zeros((4, 4, 3), np.uint8)
    for _ in range(5):
        assert tracker.locate(frame) is not None
    assert model.detect_calls == 1
    # Each frame's region follows from the last frame's landmarks.
    assert [r.cx for r in model.marked] == [1, 2, 3, 4, 5]
    model.present = False
    assert tracker.locate(frame) is None
    assert model.detect_calls == 2  # looked for again in the same frame
    model.present = True
    assert tracker.locate(frame) is not None and model.detect_calls == 3


def test_a_point_is_refined_to_the_middle_of_its_heat_map_where_the_map_is_sure():
    heatmap = np.full((64, 64, 39), -8.0, dtype=np.float32)
    heatmap[20, 30, 0] = heatmap[20, 32, 0] = 8.0  # point 0's heat: two cells, same weight
    heatmap[40, 40, 1] = -1.0  # point 1's map is unsure everywhere: left as regressed
    points = np.zeros((39, 2))
    points[0] = (30.4 / 64, 20.6 / 64)
    points[1] = (40.5 / 64, 40.5 / 64)
    points[2] = (1.5, 0.5)  # outside the crop: left alone
    refined = landmarks.refine(points, heatmap)
    assert refined[0] == pytest.approx((31 / 64, 20 / 64), abs=1e-3)
    assert np.allclose(refined[1:], points[1:])
