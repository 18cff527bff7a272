"""Getting up mid-set and walking out of the picture for a while, markers and pose: the coach
counts nothing while nobody is there, says once to take their time and lie back down, and
carries on the set from where it was when the person lies down again."""

from __future__ import annotations

import pytest

from coach.core import cues
from coach.core.events import Cue, RepCounted
from coach.core.pose.reader import PoseReader
from coach.core.pose.tracking import PoseTracker
from coach.sim.athlete import Habits, Script
from coach.sim.landmarks import LandmarkStream
from coach.sim.scene import CameraPose, Decor, Scene
from tests.helpers import coached, quick_settings


def _by_pose(settings, script):
    streams: list[LandmarkStream] = []

    def film(athlete):
        camera, ratio = settings.camera, settings.markers.foot_to_leg_ratio
        streams.append(LandmarkStream(athlete, camera.width, camera.height, ratio))
        return streams[0]

    tracker = PoseTracker(lambda f: streams[0].detect(f), lambda f, r: streams[0].mark(f, r))
    return coached(settings, script, film, reader=PoseReader(settings, tracker))


def _by_markers(settings, script):
    return coached(settings, script)


@pytest.mark.parametrize("front_end", [_by_markers, _by_pose])
@pytest.mark.parametrize("away_s", [20.0, 60.0])
def test_walking_out_of_view_mid_set_counts_nothing_and_the_set_carries_on(front_end, away_s):
    """After the first rep the person gets up, walks out of the picture, and comes back to lie
    down `away_s` later; then they do the other three reps."""
    settings = quick_settings(reps=4)
    habits = Habits(sits_up=(60.0, away_s), leaves_view=True, settle_deg=5.0)
    events, loop = front_end(settings, Script(habits=habits))
    assert loop.coach.finished
    right = [e for e in events if isinstance(e, RepCounted) and e.side == "right"]
    assert [(r.rep, r.form_checked, r.faults) for r in right] == [
        (n, True, ()) for n in range(1, 5)
    ]
    assert right[1].t - right[0].t > away_s  # nothing counted while they were away
    said = [e for e in events if isinstance(e, Cue)]
    sat_up = [e.t for e in said if e.text == cues.SAT_UP]
    assert len(sat_up) == 1 and right[0].t < sat_up[0] < right[1].t
    # Nothing about keeping count for them, nor a tempo word, to an empty room.
    assert not [e for e in said if e.text in (cues.NO_VISION, cues.NO_BODY_SEEN)]
    away = (sat_up[0] + 5.0, sat_up[0] + away_s - 5.0)
    assert not [e for e in said if away[0] < e.t < away[1]]


def test_someone_standing_in_the_room_is_not_taken_for_the_person_on_the_mat():
    """Someone stands watching behind the mat for the whole session. A person detector finds
    the one standing likelier than the one lying, and the pose coach followed them: it told
    the person on the mat to lie back down and counted none of their reps."""
    settings = quick_settings(reps=3)
    camera = settings.camera
    scene = Scene(
        CameraPose(2.5, 20.0, 0.0),
        settings.markers.colours(),
        camera.width,
        camera.height,
        decor=Decor(passer_by=(90, 40, 30)),
    )
    watching = scene.passer_pixels(scene.decor.passer_crossing_s / 2)  # the picture's middle
    streams: list[LandmarkStream] = []

    def film(athlete):
        ratio = settings.markers.foot_to_leg_ratio
        stream = LandmarkStream(
            athlete, camera.width, camera.height, ratio, joints=scene.pixels,
            passer=lambda t: watching,
        )  # fmt: skip
        streams.append(stream)
        return stream

    tracker = PoseTracker(lambda f: streams[0].detect(f), lambda f, r: streams[0].mark(f, r))
    events, _ = coached(settings, Script(), film, reader=PoseReader(settings, tracker))
    reps = [e for e in events if isinstance(e, RepCounted)]
    assert [(r.side, r.form_checked) for r in reps] == [("right", True)] * 3 + [("left", True)] * 3
    assert cues.SAT_UP not in [e.text for e in events if isinstance(e, Cue)]
