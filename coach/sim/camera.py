"""Renders the simulated athlete as a camera would see them, with the coloured markers on.

A first cut in the image plane: the body lies along the image's horizontal axis, limbs are drawn
as filled capsules, and the frame is BGR like the Pi camera's "RGB888". What leaves the body's
plane (a bent knee, a leg swung forward, the toes) is drawn with the lens' perspective.
"""

from __future__ import annotations

import math

import numpy as np

from coach.core.geometry import PELVIS_RADIUS_RATIO
from coach.core.tracker import hex_to_bgr
from coach.drawing import draw_capsule
from coach.marking import MARKER_NAMES
from coach.sim.athlete import LegState, SimulatedAthlete
from coach.sim.clamshell import clamshell_leg
from coach.sim.scene import HORIZONTAL_FOV_DEG

MAT_BGR = (120, 105, 95)
WALL_BGR = (200, 205, 210)
CLOTHES_BGR = (70, 60, 60)
SKIN_BGR = (150, 170, 205)
# The toe marker sits a little past the ankle along the leg (the relaxed foot points that way).
TOE_ALONG_LEG = 0.08


class SimulatedCamera:
    """A FrameSource whose frames show the athlete at the moment asked for, as a Pi camera
    module 2 would square on."""

    def __init__(
        self,
        athlete: SimulatedAthlete,
        width: int,
        height: int,
        marker_colours: dict[str, str],
        foot_to_leg_ratio: float,
        seed: int = 1,
    ) -> None:
        self._athlete = athlete
        self._size = (width, height)
        self._markers = {
            name: tuple(int(c) for c in hex_to_bgr(colour))
            for name, colour in marker_colours.items()
        }
        self._foot_ratio = foot_to_leg_ratio
        self._rng = np.random.default_rng(seed)
        self._backgrounds: dict[str | None, np.ndarray] = {}
        self.covered: set[str] = set()  # markers hidden from view (a fold of clothing, a hand)

    def read(self, t: float) -> np.ndarray:
        return self.render(self._athlete.leg_at(t))

    def render(self, leg: LegState) -> np.ndarray:
        seen = None if leg.away else leg.side  # nobody there: the bare room
        if seen not in self._backgrounds:
            self._backgrounds[seen] = self._make_background(seen)
        frame = self._backgrounds[seen].copy()
        if not leg.away:
            self._draw(frame, self.joints(leg))
        return frame

    def close(self) -> None:
        """Nothing to release."""

    def joints(self, leg: LegState) -> dict[str, np.ndarray]:
        """Where each marker is in the image for this leg state (the ground truth)."""
        width, height = self._size
        head_right = leg.side == "right"  # lying on the left side, facing the camera
        toward_feet = np.array([-1.0 if head_right else 1.0, 0.0])
        leg_length, trunk_length = 0.36 * width, 0.26 * width
        # Low in the picture: the camera stands above the body and sees a knee bend toward it
        # (coach/core/depth.py), although it looks straight ahead.
        body_y = 0.75 * height
        shoulder = np.array([width / 2 - toward_feet[0] * 0.36 * width, body_y])
        # A hitched hip tilts the pelvis: the top hip marker swings toward the shoulder.
        hike = PELVIS_RADIUS_RATIO * trunk_length * math.sin(math.radians(leg.hip_hike))
        hip = shoulder + toward_feet * (trunk_length - hike)
        if leg.trunk_up:  # sitting up: the trunk turned up about the hips
            up = math.radians(leg.trunk_up)
            shoulder = hip - trunk_length * np.array([toward_feet[0] * math.cos(up), math.sin(up)])
        angle = math.radians(leg.abduction)
        leg_dir = toward_feet * math.cos(angle) + np.array([0.0, -math.sin(angle)])
        ceiling_normal = np.array([leg_dir[1], -leg_dir[0]])
        if ceiling_normal[1] > 0:
            ceiling_normal = -ceiling_normal
        # Points as (picture x, picture y, pixels toward the camera): the body plane is seen
        # square on, and what stands out of it toward the lens is drawn nearer, as a lens would.
        drift, bend = math.radians(leg.forward_drift), math.radians(leg.knee_bend)
        along = np.append(leg_dir, 0.0)
        toward_camera = np.array([0.0, 0.0, 1.0])
        thigh_dir = along * math.cos(drift) + toward_camera * math.sin(drift)
        front = toward_camera * math.cos(drift) - along * math.sin(drift)
        knee = np.append(hip, 0.0) + thigh_dir * leg_length / 2
        ankle = knee + (thigh_dir * math.cos(bend) + front * math.sin(bend)) * leg_length / 2
        if leg.knees_bent:
            knee, ankle = clamshell_leg(
                np.append(hip, 0.0), toward_feet, leg_length, leg.abduction, leg.feet_apart
            )
        foot = self._foot_ratio * leg_length
        turn = math.radians(leg.rotation)
        toe = (
            ankle
            + along * TOE_ALONG_LEG * leg_length
            + (toward_camera * math.cos(turn) + np.append(ceiling_normal, 0.0) * math.sin(turn))
            * foot
        )
        focal = width / 2 / math.tan(math.radians(HORIZONTAL_FOV_DEG / 2))
        centre = np.array([width / 2, height / 2])

        def seen(point: np.ndarray) -> np.ndarray:
            return centre + (point[:2] - centre) / (1.0 - point[2] / focal)

        knee, ankle, toe = seen(knee), seen(ankle), seen(toe)
        jitter = self._rng.normal(0.0, 0.3, size=(5, 2))
        points = (shoulder, hip, knee, ankle, toe)
        return {
            name: point + jitter[i]
            for i, (name, point) in enumerate(zip(MARKER_NAMES, points, strict=True))
        }

    def _make_background(self, side: str | None) -> np.ndarray:
        """The room and the parts of the body that stay still, drawn once per side (None: the
        room with nobody in it)."""
        width, height = self._size
        frame = np.empty((height, width, 3), dtype=np.uint8)
        frame[:] = WALL_BGR
        frame[int(0.79 * height) :] = MAT_BGR
        noise = self._rng.integers(-6, 7, size=frame.shape, dtype=np.int16)
        frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        if side is None:
            return frame
        rest = self.joints(LegState(side, 0.0, 0.0))
        shoulder, hip = rest["shoulder"], rest["hip"]
        trunk = hip - shoulder
        head = shoulder - trunk * 0.45
        bottom_ankle = hip + trunk / np.hypot(*trunk) * 0.36 * width + [0.0, 0.02 * width]
        draw_capsule(frame, hip, bottom_ankle, 0.025 * width, CLOTHES_BGR)
        draw_capsule(frame, shoulder, hip, 0.05 * width, CLOTHES_BGR)
        draw_capsule(frame, head, head, 0.04 * width, SKIN_BGR)
        return frame

    def _draw(self, frame: np.ndarray, joints: dict[str, np.ndarray]) -> None:
        """The moving leg and every marker, over the still background."""
        width = self._size[0]
        hip, knee, ankle, toe = (joints[n] for n in ("hip", "knee", "ankle", "toe"))
        draw_capsule(frame, hip, knee, 0.032 * width, CLOTHES_BGR)
        draw_capsule(frame, knee, ankle, 0.024 * width, CLOTHES_BGR)
        draw_capsule(frame, ankle, toe, 0.012 * width, SKIN_BGR)
        radius = max(3.0, 0.011 * width)
        for name, point in joints.items():
            if name not in self.covered:
                draw_capsule(frame, point, point, radius, self._markers[name])
