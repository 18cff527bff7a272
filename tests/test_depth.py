"""The knee and ankle placed out of the body plane from their rest lengths: exact points from the
3-D scene, so only the geometry is tested."""

from itertools import pairwise

import numpy as np
import pytest

from coach.core.depth import out_of_plane
from coach.core.geometry import LegAngles, measure, placed_abduction
from coach.core.view import CameraView
from coach.sim.athlete import LegState
from coach.sim.scene import CameraPose, Scene

SIZE = (640, 480)
# Camera poses across the setup envelope whose view of a lifted leg has no ghost (see below).
CLEAR_VIEWS = [
    CameraPose(2.5, 20.0, 0.0),
    CameraPose(1.5, 30.0, -15.0),
    CameraPose(3.5, 15.0, 10.0),
    CameraPose(2.0, 25.0, 8.0),
]


def _angles(pose: CameraPose, leg: LegState) -> LegAngles:
    scene = Scene(pose, {})
    pixels = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
    angles = measure(pixels, SIZE, CameraView(pose.tilt_deg, pose.turn_deg), 0.17)
    assert angles is not None and angles.rays is not None
    return angles


def _placed(pose: CameraPose, leg: LegState):
    rest = _angles(pose, LegState(leg.side, 0.0, -5.0))
    assert rest.rays is not None
    seen = _angles(pose, leg)
    assert seen.rays is not None
    placed = out_of_plane(seen.rays, *rest.rays.lengths())
    return placed, placed_abduction(seen.rays, placed)


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_knee_bent_toward_a_camera_looking_down_reads_as_bent(side):
    """Seen from above, a bend toward the lens barely changes the picture's angles: taken back
    to the body plane along its ray, this 32° bend read 21°."""
    pose = CameraPose(2.5, 20.0, 0.0)
    placed, lift = _placed(pose, LegState(side, 30.0, -5.0, knee_bend=32.0))
    assert placed.knee_bend == pytest.approx(32.0, abs=0.5)
    assert placed.forward_drift == 0.0
    assert lift == pytest.approx(30.0, abs=1.5)


@pytest.mark.parametrize("pose", CLEAR_VIEWS)
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("bend, drift", [(0.0, 0.0), (35.0, 0.0), (0.0, 35.0), (35.0, 30.0)])
def test_bend_swing_and_lift_are_read_apart_wherever_the_camera_stands(pose, side, bend, drift):
    leg = LegState(side, 32.0, -5.0, knee_bend=bend, forward_drift=drift)
    placed, lift = _placed(pose, leg)
    assert placed.knee_bend == pytest.approx(bend, abs=1.0)
    assert placed.forward_drift == pytest.approx(drift, abs=1.0)
    assert lift == pytest.approx(32.0, abs=1.0)  # a leg swung forward is still lifted as far


@pytest.mark.parametrize(
    "pose", [*CLEAR_VIEWS, CameraPose(1.75, 29.6, -8.6), CameraPose(2.3, 16.8, -11.3)]
)
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("drift", [4.0, 6.0, 8.0])
@pytest.mark.parametrize(("lift", "bend"), [(15.0, 0.0), (25.0, 0.0), (25.0, 5.0)])
def test_a_leg_swung_forward_a_little_is_not_read_as_bent(pose, side, drift, lift, bend):
    """Swung forward by less than the thigh's noise shows, the leg is nearer the lens and its
    shin looks longer than at rest: pinning the knee to the body plane then explained that with
    a bend of 21° or 22°, and clean reps were warned about the knee (the warning is at 20°)."""
    placed, _ = _placed(pose, LegState(side, lift, -5.0, knee_bend=bend, forward_drift=drift))
    assert placed.knee_bend < bend + 8.0


@pytest.mark.parametrize("pose", [*CLEAR_VIEWS, CameraPose(1.75, 29.6, -8.6)])
def test_the_lift_grows_smoothly_as_a_swing_rises_out_of_noise(pose):
    """The lift read from the picture and from the placed leg part by about 5° at a 9° swing
    from a camera 30° down: switching from one to the other as the swing passed the noise
    floor stepped the lift, and broke the timing of a hold."""
    lifts = [
        _placed(pose, LegState("right", 26.0, -5.0, forward_drift=d / 4))[1] for d in range(49)
    ]
    steps = [abs(b - a) for a, b in pairwise(lifts)]
    assert max(steps) < 1.0


def test_from_hip_height_a_straight_leg_is_never_read_as_bent():
    """From hip height the camera stands in the plane the knee bends in: a straight shin and
    one bent 32° toward the lens fall on the same pixels. The straight reading is taken, so the
    coach never warns on a ghost; the price is that the bend goes unseen from there (the coach
    asks for the camera to go higher, see `MIN_ELEVATION_DEG`)."""
    pose = CameraPose(2.5, 0.0, 0.0)
    straight, _ = _placed(pose, LegState("right", 30.0, -5.0))
    assert straight.knee_bend < 3.0 and straight.forward_drift == 0.0
    bent, _ = _placed(pose, LegState("right", 30.0, -5.0, knee_bend=32.0))
    assert bent.knee_bend < 3.0


@pytest.mark.parametrize("pose", CLEAR_VIEWS)
@pytest.mark.parametrize("error", [0.98, 0.99, 1.01, 1.02])
def test_limbs_read_a_little_long_or_short_give_no_fault(pose, error):
    """Rest lengths off by 2 % (two pixels of a 100-pixel thigh) stay far under a warning."""
    rest = _angles(pose, LegState("right", 0.0, -5.0))
    assert rest.rays is not None
    thigh, shin = rest.rays.lengths()
    lifted = _angles(pose, LegState("right", 30.0, -5.0))
    assert lifted.rays is not None
    placed = out_of_plane(lifted.rays, thigh * error, shin * error)
    assert placed.knee_bend < 12.0 and abs(placed.forward_drift) < 12.0


@pytest.mark.parametrize("knee_off_px", [(0.0, -4.0), (4.0, -4.0), (0.0, -8.0), (-4.0, -16.0)])
def test_a_knee_marker_found_a_little_off_never_puts_the_thigh_behind_the_body(knee_off_px):
    """At the top of a high lift swung forward, a knee marker found a few pixels high (half
    covered) had put the thigh 75° behind the body and bent the knee 95°."""
    pose = CameraPose(3.0, 28.0, -9.6)
    scene = Scene(pose, {})
    view = CameraView(pose.tilt_deg, pose.turn_deg)

    def rays(leg: LegState, knee_off: tuple[float, float] = (0.0, 0.0)):
        pixels = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
        pixels["knee"] = pixels["knee"] + knee_off
        angles = measure(pixels, SIZE, view, 0.17)
        assert angles is not None and angles.rays is not None
        return angles.rays

    rest = rays(LegState("right", 0.0, 0.0))
    seen = rays(LegState("right", 60.0, -10.0, knee_bend=2.0, forward_drift=28.0), knee_off_px)
    placed = out_of_plane(seen, *rest.lengths())
    assert placed.forward_drift > 10.0  # still swung forward, as it is
    assert placed.knee_bend < 30.0
    assert placed_abduction(seen, placed) == pytest.approx(60.0, abs=3.0)


@pytest.mark.parametrize("knee_off_px", [-1.0, -0.5])
def test_a_knee_bent_in_the_plane_seen_a_pixel_short_is_not_read_as_swung_forward(knee_off_px):
    """From 3.5 m the thigh spans few pixels, and its ray nearly grazes the sphere of its rest
    length: the knee and ankle markers found a pixel toward the hip put the thigh 14° to 16°
    forward with the knee bent 28°, a forward-drift warning for a leg that only bent."""
    pose = CameraPose(3.5, 15.0, 10.0)
    scene = Scene(pose, {})
    view = CameraView(pose.tilt_deg, pose.turn_deg)

    def rays(leg: LegState, toward_hip_px: tuple[float, float] = (0.0, 0.0)):
        pixels = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
        for joint, before, off in zip(
            ("knee", "ankle"), ("hip", "knee"), toward_hip_px, strict=True
        ):
            limb = pixels[joint] - pixels[before]
            pixels[joint] = pixels[joint] + off * limb / np.linalg.norm(limb)
        angles = measure(pixels, SIZE, view, 0.17)
        assert angles is not None and angles.rays is not None
        return angles.rays

    rest = rays(LegState("right", 0.0, -5.0))
    seen = rays(LegState("right", 30.0, -5.0, knee_bend=40.0), (knee_off_px, -1.0))
    placed = out_of_plane(seen, *rest.lengths())
    assert placed.forward_drift == 0.0
    assert placed.knee_bend == pytest.approx(40.0, abs=2.0)
    assert placed_abduction(seen, placed) == pytest.approx(30.0, abs=1.0)
