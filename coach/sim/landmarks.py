"""The simulated athlete as a pose model reports them: 33 landmarks a frame, with jitter, a foot
the model is seldom sure of, and the postures that must not count as reps (rolling over to the
other side, getting up).

It stands in for both the camera and the pose model, since the simulated camera's drawn figure
is no person to a real pose model: `read` gives a blank frame for a moment and `detect`/`mark`
give the landmarks at that moment. The points come from the same joints the simulated camera
draws markers on, so the two front-ends see the same athlete.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from coach.core.pose.crop import Region
from coach.core.pose.landmarks import (
    ANKLE,
    ELBOW,
    FOOT_INDEX,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    WRIST,
    Landmarks,
)
from coach.sim.athlete import LegState, SimulatedAthlete
from coach.sim.camera import SimulatedCamera

STACK_SHARE = 0.05  # how far below the top side the bottom side lies, as a share of height
NOISE_PX = 1.5  # the landmarks' jitter (standard deviation) on a 640-pixel frame
FOOT_SURE = 0.6  # below what the coach asks of a foot: the toes are not judged
BODY_SURE = 0.98
ARM_TRUNKS = 1.05  # shoulder to wrist, in trunk lengths: lying along the side, the hand by the hip
# A raised arm takes the model's shoulder point with it (the shoulder blade rises and the point
# sits on the deltoid): up to this many trunk lengths toward the ceiling with the arm straight
# up, turning the trunk's line so the still leg reads as lifted against it (about 8 degrees).
SHOULDER_WITH_ARM = 0.15
ROLL_SURE = 0.3  # how sure the model is of each side in the middle of a roll-over
Posture = Callable[[float], tuple[str, float]]  # t -> ("lying" | "rolling" | "standing", 0..1)
Joints = Callable[[LegState], dict[str, np.ndarray]]  # a leg state -> its points in the picture
Passer = Callable[[float], dict[str, np.ndarray] | None]  # t -> someone else's points, if in view


def lying(t: float) -> tuple[str, float]:
    return "lying", 0.0


class LandmarkStream:
    def __init__(
        self,
        athlete: SimulatedAthlete,
        width: int,
        height: int,
        foot_to_leg_ratio: float,
        posture: Posture = lying,
        seed: int = 1,
        joints: Joints | None = None,
        passer: Passer | None = None,
    ) -> None:
        """`joints`: where the body's points fall in the picture for a leg state (default: the
        square-on simulated camera's; `Scene.pixels` films them from anywhere in the room).
        `passer`: someone else walking through the picture (`Scene.passer_pixels`)."""
        self._athlete = athlete
        self._passer = passer
        self._joints = (
            joints or SimulatedCamera(athlete, width, height, {}, foot_to_leg_ratio, seed).joints
        )
        self._size = (width, height)
        self._posture = posture
        self._rng = np.random.default_rng(seed)
        self._blank = np.zeros((height, width, 3), dtype=np.uint8)  # the size the points use
        self._t = 0.0

    def read(self, t: float) -> np.ndarray:
        self._t = t
        return self._blank

    def close(self) -> None:
        """Nothing to release."""

    def detect(self, frame: np.ndarray) -> list[Region]:
        """The people in the picture: someone standing first (what a person detector finds
        likeliest), then the one lying on the mat."""
        passer = None if self._passer is None else self._passer(self._t)
        found = [] if passer is None else [_standing_region(passer)]
        if not self._athlete.leg_at(self._t).away:
            found.append(self._on_the_mat())
        return found

    def mark(self, frame: np.ndarray, region: Region) -> Landmarks:
        """The person whose region `region` is nearest: the model marks whoever is there."""
        passer = None if self._passer is None else self._passer(self._t)
        if passer is not None:
            theirs, mat = _standing_region(passer), self._on_the_mat()
            if math.dist((region.cx, region.cy), (theirs.cx, theirs.cy)) < math.dist(
                (region.cx, region.cy), (mat.cx, mat.cy)
            ):
                return _standing(passer, theirs, self._rng, self._size[0])
        return self.landmarks_at(self._t)

    def landmarks_at(self, t: float) -> Landmarks:
        leg = self._athlete.leg_at(t)
        joints = self._joints(leg)
        top = leg.side
        bottom = "left" if top == "right" else "right"
        width, height = self._size
        stack = np.array([0.0, STACK_SHARE * height])
        hip = joints["hip"]
        toward_feet = np.sign(joints["hip"][0] - joints["shoulder"][0])
        index = {
            "shoulder": SHOULDER, "hip": HIP, "knee": KNEE, "ankle": ANKLE,
            "heel": HEEL, "foot": FOOT_INDEX, "elbow": ELBOW, "wrist": WRIST,
        }  # fmt: skip
        along = joints["ankle"] - joints["knee"]
        # The top arm lies along the side and turns up about the shoulder as it is raised.
        raised = math.radians(leg.arm_raise)
        trunk = float(np.hypot(*(hip - joints["shoulder"])))
        arm = ARM_TRUNKS * trunk
        arm_dir = np.array([toward_feet * math.cos(raised), -math.sin(raised)])
        shoulder = joints["shoulder"] - np.array(
            [0.0, SHOULDER_WITH_ARM * trunk * math.sin(raised)]
        )
        on_top = {
            "shoulder": shoulder, "hip": hip, "knee": joints["knee"],
            "ankle": joints["ankle"], "heel": joints["ankle"] - 0.15 * along, "foot": joints["toe"],
            "elbow": shoulder + arm_dir * arm / 2, "wrist": shoulder + arm_dir * arm,
        }  # fmt: skip
        # The bottom leg rests on the floor, straight along the trunk's line, or in a
        # clamshell bent as the top one lies closed.
        thigh = float(np.hypot(*(joints["knee"] - hip)))
        reach = {"knee": 1.0, "ankle": 2.0, "heel": 2.1, "foot": 2.2}
        # (Placed only for a clamshell: each placing draws the camera's jitter.)
        closed = self._joints(replace(leg, abduction=0.0, feet_apart=0.0)) if leg.knees_bent else {}
        points = np.zeros((33, 2))
        sure = np.full(33, BODY_SURE)
        for name, point in on_top.items():
            points[index[name][top]] = point
            if name in ("shoulder", "hip"):  # the bottom one stays as it lay
                below = joints[name]
            elif name in ("elbow", "wrist"):  # the bottom arm lies along the side, under
                reached = arm * (0.5 if name == "elbow" else 1.0)
                below = joints["shoulder"] + np.array([toward_feet * reached, 0.0])
            elif leg.knees_bent:
                below = closed["ankle" if name in ("heel", "foot") else name]
            else:
                below = hip + np.array([toward_feet * reach[name] * thigh, 0.0])
            points[index[name][bottom]] = below + stack
        for name in ("heel", "foot"):
            sure[index[name][top]] = sure[index[name][bottom]] = FOOT_SURE
        sides = [i for name in index for i in index[name].values()]
        posture, done = self._posture(t)
        if posture == "rolling":  # the two sides trade places; midway the model doubts both
            middle = points[sides].mean(axis=0)
            points[sides] = middle + (points[sides] - middle) * math.cos(math.pi * done)
            sure[sides] = ROLL_SURE + (BODY_SURE - ROLL_SURE) * abs(math.cos(math.pi * done))
        elif posture == "standing":  # upright about the hips: head up, feet down
            d = points - hip
            points = hip + np.stack([d[:, 1], d[:, 0] * toward_feet], axis=1)
        points += self._rng.normal(0.0, NOISE_PX * width / 640, points.shape)
        # Out of the picture, the model still draws its points somewhere, and is sure of none.
        presence = 0.0 if leg.away else 0.99
        return Landmarks(points, sure, presence, self._on_the_mat())

    def _on_the_mat(self) -> Region:
        """The landmark network's region around the person lying on the mat: the picture."""
        width, height = self._size
        return Region(width / 2, height / 2, float(width), math.pi / 2)


def _standing_region(points: dict[str, np.ndarray]) -> Region:
    """The landmark network's region around a standing person: centred on the hip, the body's
    height a quarter larger."""
    feet = (points["left_foot"] + points["right_foot"]) / 2
    tall = float(np.hypot(*(points["head"] - feet)))
    return Region(float(points["hip"][0]), float(points["hip"][1]), 1.25 * tall, 0.0)


def _standing(
    points: dict[str, np.ndarray], region: Region, rng: np.random.Generator, width: int
) -> Landmarks:
    """33 landmarks of someone standing, facing the camera, from their hip, neck, head, feet
    and hands in the picture."""
    hip, neck = points["hip"], points["neck"]
    across = np.array([0.25 * float(np.hypot(*(neck - hip))), 0.0])
    marked = np.repeat(points["head"][None, :], 33, axis=0)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        foot, hand = points[f"{side}_foot"], points[f"{side}_hand"]
        shoulder, hips = neck + sign * across, hip + sign * across / 2
        placed = (
            (SHOULDER, shoulder), (ELBOW, (shoulder + hand) / 2), (WRIST, hand), (HIP, hips),
            (KNEE, (hips + foot) / 2), (ANKLE, foot), (HEEL, foot), (FOOT_INDEX, foot),
        )  # fmt: skip
        for index, point in placed:
            marked[index[side]] = point
    marked += rng.normal(0.0, NOISE_PX * width / 640, marked.shape)
    return Landmarks(marked, np.full(33, BODY_SURE), 0.99, region)
