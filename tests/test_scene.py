"""The 3-D scene: a camera anywhere in the setup envelope, and what today's core reads there."""

import numpy as np
import pytest

from coach.core.vision import LegReader
from coach.settings import Settings
from coach.sim.athlete import LegState
from coach.sim.scene import HIP_HEIGHT_M, CameraPose, Scene

SETTINGS = Settings()


def test_the_camera_looks_at_the_middle_of_the_body_wherever_it_stands():
    for pose in (CameraPose(1.5, 30, 15), CameraPose(3.5, 0, -15), CameraPose(2.5, 15, 0)):
        scene = Scene(pose, SETTINGS.markers.colours())
        centre, depth = scene.project(np.array([0.0, HIP_HEIGHT_M, 0.0]))
        assert np.allclose(centre, (320, 240)) and depth == pytest.approx(pose.distance_m)


def test_up_in_the_room_is_up_in_the_picture_and_nearer_is_bigger():
    scene = Scene(CameraPose(2.5, 20, 0), SETTINGS.markers.colours())
    low, _ = scene.project(np.array([0.0, 0.2, 0.0]))
    high, _ = scene.project(np.array([0.0, 0.6, 0.0]))
    assert high[1] < low[1]
    _, near = scene.project(np.array([0.0, 0.3, -0.3]))
    _, far = scene.project(np.array([0.0, 0.3, 0.3]))
    assert near < far


@pytest.mark.parametrize("side", ["right", "left"])
def test_square_on_the_core_reads_the_true_angles(side):
    scene = Scene(CameraPose(2.5, 0, 0), SETTINGS.markers.colours())
    for abduction, rotation in ((0, -5), (25, 0), (45, 10), (60, 25)):
        seen = LegReader(SETTINGS).sight(scene.render(LegState(side, abduction, rotation)), 0.0)
        assert seen.missing == []
        assert seen.angles.abduction == pytest.approx(abduction, abs=1.0)
        assert seen.angles.rotation == pytest.approx(rotation, abs=4.5)


def test_a_covered_marker_is_not_drawn():
    scene = Scene(CameraPose(2.5, 10, 5), SETTINGS.markers.colours())
    scene.covered = {"knee"}
    seen = LegReader(SETTINGS).sight(scene.render(LegState("left", 20, 0)), 0.0)
    assert seen.missing == ["knee"]


def test_a_reading_carried_over_a_covered_marker_says_it_is_less_sure():
    scene = Scene(CameraPose(2.5, 0, 0), SETTINGS.markers.colours())
    reader = LegReader(SETTINGS)
    leg = LegState("right", 20, 0)
    assert reader.sight(scene.render(leg), 0.0).confidence == 1.0
    scene.covered = {"ankle"}
    bridged = reader.sight(scene.render(leg), 0.1)
    assert "ankle" in bridged.markers and bridged.angles is not None  # carried, still read
    assert bridged.confidence == pytest.approx(4 / 5)
    assert reader.sight(scene.render(leg), 1.0).confidence == 1.0  # gone: nothing predicted


def test_the_scene_fights_back_with_loose_clothes_and_someone_walking_through():
    from coach.sim.scene import Decor

    pose, leg = CameraPose(2.5, 20, 0), LegState("right", 20.0, -5.0)
    plain = LegReader(SETTINGS).sight(Scene(pose, SETTINGS.markers.colours()).render(leg), 0.0)
    loose = Decor(loose=1.5, sag_m=0.04)
    baggy = Scene(pose, SETTINGS.markers.colours(), decor=loose).render(leg)
    sagging = LegReader(SETTINGS).sight(baggy, 0.0)
    # The hip and knee markers hang off the joints toward the floor: lower in the picture.
    for name in ("hip", "knee"):
        assert sagging.markers[name][1] > plain.markers[name][1] + 3
    walker = Scene(pose, SETTINGS.markers.colours(), decor=Decor(passer_by=(90, 40, 30)))
    early, later = walker.render(leg, 1.0), walker.render(leg, 2.5)
    still = Scene(pose, SETTINGS.markers.colours())
    assert (np.abs(early.astype(int) - later.astype(int)).max(axis=2) > 60).mean() > 0.01
    assert (
        np.abs(still.render(leg, 1.0).astype(int) - still.render(leg, 2.5).astype(int)).max(axis=2)
        > 60
    ).mean() < 0.001


@pytest.mark.parametrize("pose", [CameraPose(1.5, 30, 15), CameraPose(3.5, 15, -15)])
def test_sitting_up_and_walking_out_are_filmed_as_they_happen(pose):
    """Sitting up turns the trunk up off the mat: the core sees the person upright (the scene
    drew them lying throughout before). Walking out leaves the bare room: no marker found."""
    scene = Scene(pose, SETTINGS.markers.colours())
    sitting = LegReader(SETTINGS).sight(scene.render(LegState("right", 0.0, -5.0, trunk_up=90)), 0)
    assert sitting.upright
    lying = LegReader(SETTINGS).sight(scene.render(LegState("right", 0.0, -5.0)), 0.0)
    assert not lying.upright and lying.missing == []
    away = LegReader(SETTINGS).sight(scene.render(LegState("right", 0.0, -5.0, away=True)), 0.0)
    assert away.markers == {} and away.angles is None


def test_the_pose_stand_in_films_the_body_from_where_the_scene_camera_stands():
    """The landmarks follow the scene's camera (the far, high camera shows a smaller body, lower
    in the picture), and nobody is found once the person has walked out."""
    from coach.core.pose.landmarks import HIP, SHOULDER
    from coach.sim.landmarks import LandmarkStream

    class Lying:
        away = False

        def leg_at(self, t):
            return LegState("right", 0.0, -5.0, away=self.away)

    def trunk_px(pose):
        scene = Scene(pose, SETTINGS.markers.colours())
        stream = LandmarkStream(Lying(), 640, 480, 0.3, joints=scene.pixels)
        points = stream.landmarks_at(0.0).points
        return float(np.hypot(*(points[HIP["right"]] - points[SHOULDER["right"]])))

    assert trunk_px(CameraPose(1.5, 15, 0)) > 2 * trunk_px(CameraPose(3.5, 15, 0))
    person = Lying()
    person.away = True
    scene = Scene(CameraPose(2.5, 20, 0), SETTINGS.markers.colours())
    stream = LandmarkStream(person, 640, 480, 0.3, joints=scene.pixels)
    assert stream.detect(stream.read(0.0)) == []
