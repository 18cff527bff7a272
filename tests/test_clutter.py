"""Markers in a room that fights back: mats, clothes, walls and cushions of the markers' own
colours. A region of marker colour that is not marker-shaped never becomes a marker, and five
points that cannot be a body are not read as one."""

from __future__ import annotations

import numpy as np
import pytest

from coach.core.blobs import spots
from coach.core.plausible import BodyCheck
from coach.core.tracker import MarkerTracker
from coach.core.vision import LegReader
from coach.settings import Settings
from coach.sim.athlete import LegState
from coach.sim.decors import bgr, fighting_rooms
from coach.sim.scene import CameraPose, Decor, FilmedScene, Scene

SETTINGS = Settings()
COLOURS = SETTINGS.markers.colours()
FOOT_TO_LEG = SETTINGS.markers.foot_to_leg_ratio


def _disc(mask: np.ndarray, x: int, y: int, radius: int) -> None:
    yy, xx = np.mgrid[0 : mask.shape[0], 0 : mask.shape[1]]
    mask[(xx - x) ** 2 + (yy - y) ** 2 <= radius**2] = True


def test_a_lone_spot_the_size_of_a_marker_is_one():
    mask = np.zeros((120, 160), bool)
    _disc(mask, 40, 60, 5)
    found = spots(mask, 10)
    assert len(found) == 1 and (found[0].x, found[0].y) == (40, 60)


def test_a_mat_a_stripe_and_a_marker_on_the_mat_are_not_markers():
    mask = np.zeros((120, 160), bool)
    mask[70:120, 0:100] = True  # a mat
    _disc(mask, 50, 68, 5)  # a marker lying on its edge: part of the mat's shape now
    mask[10:20, 0:160] = True  # a stripe as wide as a marker
    _disc(mask, 135, 60, 5)  # and one marker on its own
    found = spots(mask, 10)
    assert [(s.x, s.y) for s in found] == [(135, 60)]


ROOMS = {
    label: decor
    for kind, rooms in fighting_rooms(COLOURS).items()
    if kind in ("mat", "clothes", "wall", "cushion")
    for label, decor in rooms
}


# Clothes of a marker's own saturated colour leave that marker nothing to stand out from: the
# tracker may then take a scrap of the clothes for it, and it is the body check's to refuse.
ANKLE_PASSES_ITS_COLOUR = "a wall patch of saturated ankle-marker colour"
AWAY_FROM_THE_BODY = sorted(
    label for label in ROOMS if not label.startswith("clothes of saturated")
)


@pytest.mark.parametrize("room", AWAY_FROM_THE_BODY)
def test_in_a_room_of_a_markers_colour_every_marker_is_found_where_it_is_or_not_at_all(room):
    scene = Scene(CameraPose(2.5, 12.0, 5.0), COLOURS, seed=2, decor=ROOMS[room])
    tracker = MarkerTracker(COLOURS, SETTINGS.markers.colour_tolerance)
    # As the coach does when a set begins: the colours are learned from the markers themselves,
    # the purest spots of each hue, never from a muted shirt of that hue the marker lies on.
    learned = tracker.learn_colours(scene.render(LegState("right", 0.0, 0.0)))
    assert set(learned) == set(COLOURS)
    for name, colour in learned.items():
        printed = np.array(bgr(COLOURS[name]), float)
        cosine = colour @ printed / np.linalg.norm(colour) / np.linalg.norm(printed)
        assert cosine > np.cos(np.radians(4.0)), (name, colour)  # the marker's, not the shirt's
    for abduction in (0.0, 15.0, 30.0, 45.0, 30.0, 15.0, 0.0):
        leg = LegState("right", abduction, 0.0)
        truth = {name: scene.project(point)[0] for name, point in scene.joints(leg).items()}
        found = tracker.locate(scene.render(leg))
        for name, point in found.items():
            # Within a third of a marker's width (10 px here), on a shirt of its own colour too.
            assert np.abs(point - truth[name]).max() < 3.3, (name, point, truth[name])
        assert len(found) >= 4  # at most the marker lying on its own colour is lost


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_in_any_room_a_reading_is_right_or_there_is_none(room):
    scene = Scene(CameraPose(2.5, 12.0, 0.0), COLOURS, seed=2, decor=ROOMS[room])
    reader = LegReader(SETTINGS)
    read = 0
    for i in range(45):
        abduction = 20.0 + 20.0 * np.sin(i / 6)
        sighting = reader.sight(scene.render(LegState("right", abduction, 0.0)), i / 15)
        if sighting.angles is not None:
            read += 1
            assert abs(sighting.angles.abduction - abduction) < 4.0, (i, sighting.markers)
    # A marker in front of its own colour cannot be seen: on clothes of it, or the raised ankle
    # passing the wall patch of the ankle's colour (that room is told to use the spare).
    if not room.startswith("clothes of saturated") and room != ANKLE_PASSES_ITS_COLOUR:
        assert read >= 40  # and where the clothes leave the markers alone, nearly always one


def test_points_that_cannot_be_a_body_are_not_one():
    check = BodyCheck(FOOT_TO_LEG)
    body = {
        "shoulder": np.array([500.0, 300.0]),
        "hip": np.array([380.0, 300.0]),
        "knee": np.array([290.0, 280.0]),
        "ankle": np.array([200.0, 260.0]),
    }
    for _ in range(10):
        assert check.plausible(body)
    twisted = {**body, "knee": np.array([560.0, 300.0])}  # the knee past the shoulder
    assert not check.plausible(twisted)
    stretched = {**body, "ankle": np.array([40.0, 260.0])}  # a shin far longer than before
    assert not check.plausible(stretched)
    folded = {**body, "ankle": np.array([380.0, 420.0])}  # a leg bent back under the floor
    assert not check.plausible(folded)
    shortened = {**body, "ankle": np.array([250.0, 270.0])}  # a knee bending toward the lens
    assert check.plausible(shortened)
    # A scrap of red trousers by the ankle taken for the hip: a leg a few pixels long.
    fresh = BodyCheck(FOOT_TO_LEG)
    hip_at_the_ankle = {"shoulder": body["shoulder"], "hip": np.array([205.0, 262.0])}
    assert not fresh.plausible(hip_at_the_ankle | {"ankle": body["ankle"]})


def test_a_frame_whose_points_are_no_body_is_not_seen():
    reader = LegReader(SETTINGS)
    frame = np.full((480, 640, 3), 120, np.uint8)
    yy, xx = np.mgrid[0:480, 0:640]
    spots_at = {"shoulder": (100, 100), "hip": (600, 400), "knee": (110, 420), "ankle": (590, 90)}
    for name, (x, y) in spots_at.items():
        frame[(xx - x) ** 2 + (yy - y) ** 2 <= 36] = bgr(COLOURS[name])
    sighting = reader.sight(frame, 0.0)
    assert sighting.angles is None and not sighting.seen


BODY = {
    "shoulder": np.array([500.0, 300.0]),
    "hip": np.array([380.0, 300.0]),
    "knee": np.array([290.0, 280.0]),
    "ankle": np.array([200.0, 260.0]),
}


def _steady(check: BodyCheck, body: dict[str, np.ndarray], frames: int = 10) -> float:
    """Shows the check the body still for a while; returns the time of the next frame."""
    for i in range(frames):
        assert check.body_in(body, i / 15).keys() == body.keys()
    return frames / 15


def test_of_the_spots_of_a_markers_colour_the_one_that_makes_a_body_is_taken():
    check = BodyCheck(FOOT_TO_LEG)
    t = _steady(check, BODY)
    stub = np.array([300.0, 40.0])  # a piece of a stripe up the wall, found first
    chosen = check.body_in({**BODY, "knee": stub}, t, {"knee": [BODY["knee"] + 1.0]})
    assert chosen.keys() == BODY.keys()
    assert np.array_equal(chosen["knee"], BODY["knee"] + 1.0)


def test_a_point_cannot_jump_farther_than_a_leg_swings_in_a_moment():
    check = BodyCheck(FOOT_TO_LEG)
    t = _steady(check, BODY)
    # The ankle hidden at rest, and a piece of stripe of its colour a tenth of a leg away
    # taken for it: a still leg cannot get there in one frame.
    jumped = {**BODY, "ankle": BODY["ankle"] + [10.0, 16.0]}
    assert check.body_in(jumped, t).keys() == {"shoulder", "hip", "knee"}
    # Moving as it was (here: not at all), it is the ankle.
    assert check.body_in(BODY, t + 1 / 15).keys() == BODY.keys()
    # Half a second on, a lift could have put it there.
    assert check.body_in(jumped, t + 0.6).keys() == BODY.keys()


def test_a_point_moving_steadily_is_followed_however_fast():
    check = BodyCheck(FOOT_TO_LEG)
    t = _steady(check, BODY)
    for frame in range(1, 8):  # the whole leg sweeping up at 12 px a frame
        lifted = {
            **BODY,
            "knee": BODY["knee"] - [0, 6 * frame],
            "ankle": BODY["ankle"] - [0, 12 * frame],
        }
        assert check.body_in(lifted, t + frame / 15).keys() == BODY.keys(), frame


def test_a_toe_marker_found_far_from_the_foot_is_left_out():
    check = BodyCheck(FOOT_TO_LEG)
    # A spot of its colour two feet beyond the ankle (a piece of a stripe by the foot).
    far = check.body_in({**BODY, "toe": BODY["ankle"] + [-75.0, 0.0]}, 0.0)
    assert far.keys() == BODY.keys()
    near = check.body_in({**BODY, "toe": BODY["ankle"] + [-25.0, 5.0]}, 1 / 15)
    assert near.keys() == BODY.keys() | {"toe"}


def test_a_point_back_from_a_gap_is_left_out_before_one_followed_all_along():
    check = BodyCheck(FOOT_TO_LEG)
    with_toe = {**BODY, "toe": BODY["ankle"] + [-25.0, 5.0]}
    t = _steady(check, with_toe)
    no_ankle = {name: point for name, point in with_toe.items() if name != "ankle"}
    for _ in range(9):  # the ankle marker hidden on a stripe of its colour for 0.6 s
        assert check.body_in(no_ankle, t).keys() == no_ankle.keys()
        t += 1 / 15
    # Then a piece of that stripe beside it, too far from the toe to be its ankle: either the
    # piece or the toe is wrong, and the toe has been followed frame by frame.
    stub = BODY["ankle"] + [30.0, -20.0]
    assert check.body_in({**no_ankle, "ankle": stub}, t).keys() == no_ankle.keys()


def test_the_toes_are_not_judged_from_a_foot_carried_over_a_gap():
    reader = LegReader(SETTINGS)
    at = {name: point.astype(int) for name, point in BODY.items()}
    at["toe"] = at["ankle"] + [-25, 5]
    yy, xx = np.mgrid[0:480, 0:640]

    def frame(names: list[str]) -> np.ndarray:
        picture = np.full((480, 640, 3), 120, np.uint8)
        for name in names:
            x, y = at[name]
            picture[(xx - x) ** 2 + (yy - y) ** 2 <= 36] = bgr(COLOURS[name])
        return picture

    for i in range(10):
        seen = reader.sight(frame(list(at)), i / 15)
    assert seen.angles is not None and seen.angles.rotation is not None
    hidden = reader.sight(frame([name for name in at if name != "toe"]), 10 / 15)
    assert "toe" in hidden.markers  # still drawn where it was going
    assert hidden.angles is not None and hidden.angles.rotation is None


# Saturated stripes of every marker colour, cut short by pictures: stubs of them are compact
# and of a marker's colour. Camera poses where each stub once passed for a marker.
STRIPED_WALL = dict(fighting_rooms(COLOURS)["pattern"])["a wall striped in every marker colour"]


@pytest.mark.parametrize(
    ("seed", "pose"),
    [
        (1, CameraPose(2.52, 23.8, -10.7)),
        (5, CameraPose(2.93, 20.2, 0.5)),
        (6, CameraPose(2.55, 8.6, -3.9)),
        (7, CameraPose(2.68, 22.4, 8.3)),
    ],
)
def test_on_a_wall_striped_in_every_marker_colour_the_leg_is_read_right(seed, pose):
    scene = Scene(pose, COLOURS, seed=seed, decor=STRIPED_WALL)
    reader = LegReader(SETTINGS)
    read = []
    for i in range(45):
        abduction = 20.0 + 20.0 * np.sin(i / 6)
        sighting = reader.sight(scene.render(LegState("right", abduction, 0.0)), i / 15)
        if sighting.angles is not None:
            read.append(sighting.angles.abduction - abduction)
    assert len(read) >= 40 and max(map(abs, read)) < 4.0, read


def test_a_green_mat_is_named_once_and_every_rep_still_counts():
    from coach.core.events import Cue, RepCounted
    from coach.sim.athlete import RepStyle, Script
    from tests.helpers import coached, quick_settings

    green_mat = Decor(mat=bgr(COLOURS["knee"]))
    room = Scene(CameraPose(2.5, 12.0, 0.0), COLOURS, 320, 240, seed=4, decor=green_mat)
    script = Script(special={("right", 1, 2): RepStyle(peak_deg=60.0)})
    events, _ = coached(quick_settings(reps=3), script, lambda athlete: FilmedScene(athlete, room))
    said = [e.text for e in events if isinstance(e, Cue)]
    named = [text for text in said if text.startswith("Something green in view")]
    assert len(named) == 1 and "knee marker" in named[0] and "spare" in named[0]
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert [(r.side, r.rep) for r in reps] == [
        ("right", 1), ("right", 2), ("right", 3), ("left", 1), ("left", 2), ("left", 3),
    ]  # fmt: skip
    faults = {(r.side, r.rep): r.faults for r in reps if r.faults}
    assert faults == {("right", 2): ("too_high",)}


def test_the_snapshot_boxes_and_names_what_looks_like_a_marker():
    from coach.app.snapshot import marked, summary

    green_mat = Decor(mat=bgr(COLOURS["knee"]))
    scene = Scene(CameraPose(2.5, 12.0, 0.0), COLOURS, seed=2, decor=green_mat)
    frame = scene.render(LegState("right", 20.0, 0.0))
    image, sighting = marked(frame, SETTINGS)
    assert [lookalike.marker for lookalike in sighting.lookalikes] == ["knee"]
    x0, y0, x1, y1 = sighting.lookalikes[0].box
    assert not np.array_equal(image[y0:y1, x0:x1], frame[y0:y1, x0:x1])  # boxed and labelled
    assert np.array_equal(image[:20, -20:], frame[:20, -20:])  # the rest left as it was
    assert "green (the knee's)" in summary(sighting, SETTINGS)


def test_doctor_says_plainly_when_there_is_no_camera_for_a_snapshot(tmp_path):
    from tests.helpers import run_doctor

    config = tmp_path / "coach.toml"
    config.write_text('[speech]\nalsa_device = "null"\n')
    result = run_doctor(config, tmp_path, "--snapshot", str(tmp_path / "room.png"))
    line = next(line for line in result.stdout.splitlines() if " snapshot:" in line)
    assert line.startswith("PROBLEM") and "camera" in line.lower()
    assert not (tmp_path / "room.png").exists()


def test_a_spot_of_the_shoulders_colour_seen_while_its_marker_is_hidden_is_no_movement():
    """The shoulder marker hidden (an arm over it) and a cushion of its colour in view above
    the body: with no leg read, the movement check read the spots found, and that cushion as
    the trunk risen, named to the person lying still."""
    reader = LegReader(SETTINGS)
    yy, xx = np.mgrid[0:480, 0:640]

    def frame(at: dict[str, tuple[int, int]]) -> np.ndarray:
        picture = np.full((480, 640, 3), 120, np.uint8)
        for name, (x, y) in at.items():
            picture[(xx - x) ** 2 + (yy - y) ** 2 <= 49] = bgr(COLOURS[name.split(":")[0]])
        return picture

    lying = {name: tuple(point.astype(int)) for name, point in BODY.items()}
    hidden = {name: at for name, at in lying.items() if name != "shoulder"}
    frames = [frame(lying)] * 20 + [frame(hidden | {"shoulder:cushion": (470, 120)})] * 15
    seen = [reader.sight(picture, i / 15).movement for i, picture in enumerate(frames)]
    assert all(m.kind is None and m.named is None for m in seen)
