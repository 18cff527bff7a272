"""Frame → what the camera saw, through a pose model instead of markers: the same Sighting,
so the geometry, rules, reps and calibration are the ones the markers feed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.core.geometry import LegAngles, measure
from coach.core.movement import MovementCheck
from coach.core.pose.body import SideChooser, is_lying, leg_points, other_points, stack_tilt_deg
from coach.core.pose.rest_line import RestLine
from coach.core.pose.resting_tilt import SOURCE, RestingTilt
from coach.core.pose.tracking import PoseTracker
from coach.core.smoothing import MarkerSmoother
from coach.core.tracker import MarkerTracker
from coach.core.view import CameraView
from coach.core.vision import BODY_POINTS, FollowsTheSession, Sighting
from coach.settings import Settings

# A toe marker is looked for this far from the foot the model sees, as a share of frame width.
TOE_MARKER_REACH = 0.12
# A pose model's points jitter by about 1.5 px on a 640-px frame (BlazePose on the real stills,
# its region moved by 2 px), about 1 degree of abduction. The markers' speed-adaptive filter let
# that through at the top of a lift and made a 2 s hold read 1.25 s; a plain 1 Hz low-pass held
# it to 1.6-2.0 s on the simulated stream, for about 0.16 s of lag, but cut 5 to 6 degrees off
# the peak of a one-second rep. Between the two, the cut-off rises a little with speed: the
# peak loses under 1 degree at 10 frames a second and more, and clean 2-3 s holds read within
# 0.25 s four times in five (scripts/bench --only framerate).
POSE_CUTOFF_HZ = 1.0
POSE_BETA = 20.0  # per frame width a second
# How much a still limb's length may vary between frames, at 640 px: that jitter at each end,
# over three and a half of its standard deviations (see `coach.core.depth`): bends and forward
# swings under about 21 degrees are not told apart from it.
POSE_NOISE_PX = 7.5
# The trunk's middle moving this many trunk lengths between frames a moment apart, or its
# length changing by more than this factor: the camera was moved (or a recording cut to
# another shot). What was learned from the picture (rest line, movement's rest, a measured
# tilt) is learned again, and the smoothing does not blend the two views.
JUMP_TRUNKS = 0.6
JUMP_SCALE = 1.25
JUMP_WITHIN_S = 0.3


class PoseReader(FollowsTheSession):
    kind = "pose"

    def __init__(
        self, settings: Settings, tracker: PoseTracker, toe_marker: MarkerTracker | None = None
    ) -> None:
        self._tracker = tracker
        self._toe_marker = toe_marker
        self._sides = SideChooser()
        self._smoother = MarkerSmoother(min_cutoff=POSE_CUTOFF_HZ, beta=POSE_BETA)
        self._foot_ratio = settings.markers.foot_to_leg_ratio
        self._view = CameraView.configured(settings.camera)
        self._view_given = False
        # Where the view came from, once measured here rather than given (see `view`).
        self.view_source: str | None = None
        self._tilt = RestingTilt()
        self._last_trunk: tuple[float, np.ndarray, np.ndarray] | None = None
        self.camera_moves = 0  # how often the body jumped in view: the camera moved
        self._learn_toe = toe_marker is not None
        self._rest = RestLine()
        self._movement = MovementCheck()

    @property
    def view(self) -> CameraView:
        """The camera's view: as given (the setup's toe calibration, or `analyze`), else with
        the tilt this reader measured from the body at rest (`resting_tilt`), else as
        configured until that rest has been seen."""
        return self._view

    @view.setter
    def view(self, view: CameraView) -> None:
        self._view, self._view_given = view, True

    def learn_colours(self) -> None:
        """A set begins: the toe marker's colour (if one is worn) is taken afresh, and the
        body's rest line (see `rest_line`)."""
        self._learn_toe = self._toe_marker is not None
        self._rest.reset()
        self._movement.reset()

    def sight(self, frame: np.ndarray, t: float) -> Sighting:
        height, width = frame.shape[:2]
        found, side, sure, others, tilt = {}, self._sides.side, {}, {}, None
        landmarks = self._tracker.locate(frame)
        upright = landmarks is not None and not is_lying(landmarks)
        if upright:  # lying back down, the body's rest line and rest are learned again
            self._rest.reset()
            self._movement.reset()
        elif landmarks is not None:
            side = self._sides.update(landmarks)
            found, sure = leg_points(landmarks, side, (width, height))
            others = other_points(landmarks, side, (width, height))
            tilt = stack_tilt_deg(landmarks, side)
            toe = self._toe(frame, found.get("ankle"), width)
            if toe is not None:
                found["toe"], sure["toe"] = toe, 1.0
        if self._jumped(t, found):
            self._camera_moved()
        markers = self._smoother.update(t, found, width)
        noise = POSE_NOISE_PX * width / 640
        seen = frozenset(found)
        angles = measure(markers, (width, height), self._view, self._foot_ratio, noise, seen)
        if angles is not None:
            raw = measure(found, (width, height), self._view, self._foot_ratio, noise, seen)
            angles = self._from_rest(t, angles, raw)
        lift = None if angles is None else angles.abduction
        movement = self._movement.update(t, markers | others, lift)
        self._measure_tilt(t, tilt, lift, movement.kind is None and self._rest.still)
        return Sighting(
            markers,
            angles,
            (width, height),
            seen,
            BODY_POINTS,
            "pose",
            side,
            sure,
            movement=movement,
            camera_measured=self._view_given or self.view_source is not None,
            turn_measured=self._view_given,
            upright=upright,
        )

    def _jumped(self, t: float, found: dict[str, np.ndarray]) -> bool:
        if "shoulder" not in found or "hip" not in found:
            return False
        shoulder, hip = found["shoulder"], found["hip"]
        last, self._last_trunk = self._last_trunk, (t, shoulder, hip)
        if last is None or t - last[0] > JUMP_WITHIN_S:
            return False
        trunk = float(np.hypot(*(hip - shoulder)))
        before = float(np.hypot(*(last[2] - last[1])))
        if min(trunk, before) <= 0:
            return False
        moved = float(np.hypot(*((shoulder + hip) - (last[1] + last[2])) / 2)) / before
        return moved > JUMP_TRUNKS or not 1 / JUMP_SCALE <= trunk / before <= JUMP_SCALE

    def _camera_moved(self) -> None:
        self.camera_moves += 1
        self._smoother = MarkerSmoother(min_cutoff=POSE_CUTOFF_HZ, beta=POSE_BETA)
        self._rest.reset()
        self._movement.reset()
        if self.view_source is not None:  # measured here: measured again
            self.view_source = None
            self._tilt.reset()

    def _measure_tilt(self, t: float, tilt: float | None, lift: float | None, still: bool) -> None:
        """Take the camera's tilt from the first rest, unless it was given; the rest line is
        then learned again under it."""
        if self._view_given or self.view_source is not None:
            return
        # The shoulders and hips stack whatever the legs do (clamshells start with the knees
        # bent): lying still is enough.
        self._tilt.add(t, tilt, still and lift is not None)
        if (measured := self._tilt.tilt_deg) is not None:
            self._view = replace(self._view, tilt_deg=measured)
            self.view_source = SOURCE
            self._rest.reset()

    def _from_rest(self, t: float, angles: LegAngles, raw: LegAngles | None) -> LegAngles:
        """The lift from the body's own rest line, once this set has shown it; `raw`: the same
        frame read from its own points, unsmoothed, for the rest's level.

        Until the set has shown any rest, the lift is read against the trunk line, and a leg
        below that line (further than any rest: the knees bent for a clamshell) reads as lying
        at rest: read as below it, the rest learned later moved every reading up at once, and
        on a real clamshell video that 15-degree step was counted as a leg lift."""
        self._rest.update(t, angles.abduction, None if raw is None else raw.abduction, angles.trunk)
        offset = self._rest.lift_offset_deg(angles.trunk)
        if offset is None:
            offset = min(angles.abduction, 0.0)
        rays = None if angles.rays is None else replace(angles.rays, rest_offset_deg=offset)
        return replace(angles, abduction=angles.abduction - offset, rays=rays)

    def _toe(self, frame: np.ndarray, ankle: np.ndarray | None, width: int) -> np.ndarray | None:
        """The toe marker, when one is worn and found near the foot the model sees."""
        if self._toe_marker is None or ankle is None:
            return None
        marker = self._toe_marker
        if self._learn_toe:
            self._learn_toe = False

            # Its colour is learned by the foot, not from the purest spot of its hue in view.
            def place(found: dict, others: dict) -> dict[str, np.ndarray]:
                toe = _by_the_foot(found, others, ankle, width)
                return {} if toe is None else {"toe": toe}

            marker.relearn_colours(frame, place)
        toe = _by_the_foot(marker.locate(frame), marker.others(), ankle, width)
        # Followed from there next frame; a spot far from the foot is not followed at all.
        marker.settle({} if toe is None else {"toe": toe})
        return toe


def _by_the_foot(
    found: dict[str, np.ndarray],
    others: dict[str, list[np.ndarray]],
    ankle: np.ndarray,
    width: int,
) -> np.ndarray | None:
    """Of the toe marker's best spots, the one nearest the ankle, if within reach of it."""
    spots = [*found.values(), *others.get("toe", [])]
    near = [spot for spot in spots if np.hypot(*(spot - ankle)) <= TOE_MARKER_REACH * width]
    return min(near, key=lambda spot: float(np.hypot(*(spot - ankle))), default=None)
