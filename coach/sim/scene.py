"""A person lying on a mat in a room, seen through a pinhole camera placed anywhere in the setup
envelope of docs/setup.md: 1.5 to 3.5 m away, looking down by 15 to 30 degrees, turned by up to
15 (`random_pose`), or anywhere else a test puts it.

World axes: x to the camera's right, y up to the ceiling, z away from the camera; the body lies
along x in its frontal plane z = 0, head to the camera's right when the right leg is on top.
Limbs are capsules with volume, projected with their depth; the room has clutter, uneven light,
noise and the occasional covered marker. Ground truth is the LegState that was drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coach.core.geometry import PELVIS_RADIUS_RATIO
from coach.core.tracker import hex_to_bgr
from coach.drawing import draw_capsule
from coach.sim.athlete import LegState, SimulatedAthlete

HIP_HEIGHT_M = 0.33  # the top hip above the floor, lying on the side
TRUNK_M, LEG_M, FOOT_FORWARD_M = 0.50, 0.85, 0.14
TOE_ALONG_LEG = 0.08
MARKER_RADIUS_M = 0.025
WALL_BEHIND_M = 1.2
HORIZONTAL_FOV_DEG = 62.2  # the Pi camera module v2
CLOTHES_BGR, SKIN_BGR, MAT_BGR, WALL_BGR = (
    (70, 60, 60),
    (150, 170, 205),
    (120, 105, 95),
    (190, 195, 200),
)


BGR = tuple[int, int, int]


@dataclass(frozen=True)
class Decor:
    """What the room and the person wear: the colours a marker must be told apart from."""

    mat: BGR = MAT_BGR
    clothes: BGR = CLOTHES_BGR
    wall: BGR = WALL_BGR
    floor: BGR = MAT_BGR  # beyond the mat, to the wall
    # Patches on the wall or the floor, as shares of the picture: colour, (x, y, w, h).
    patches: tuple[tuple[BGR, tuple[float, float, float, float]], ...] = ()
    cushion: BGR | None = None  # under the head
    stripes: tuple[BGR, ...] = ()  # a patterned wall: vertical stripes of these colours
    # Loose clothes: limbs drawn this much wider, and the markers on the cloth sagging this
    # far (m) toward the floor off the joints beneath, more as the leg rises and the cloth
    # hangs from it.
    loose: float = 1.0
    sag_m: float = 0.0
    # Someone else walking across the room behind the mat, in clothes of this colour, taking
    # this many seconds to cross (None: nobody).
    passer_by: BGR | None = None
    passer_crossing_s: float = 6.0


@dataclass(frozen=True)
class CameraPose:
    distance_m: float = 2.5
    tilt_deg: float = 0.0  # looking down
    turn_deg: float = 0.0  # off square, about the vertical


ENVELOPE_DISTANCE_M = (1.5, 3.5)
ENVELOPE_TILT_DEG = (15.0, 30.0)
ENVELOPE_TURN_DEG = (-15.0, 15.0)


def random_pose(
    rng: np.random.Generator, tilt_deg: tuple[float, float] = ENVELOPE_TILT_DEG
) -> CameraPose:
    """A camera placed at random in the setup envelope (or with its tilt drawn from `tilt_deg`)."""
    return CameraPose(
        float(rng.uniform(*ENVELOPE_DISTANCE_M)),
        float(rng.uniform(*tilt_deg)),
        float(rng.uniform(*ENVELOPE_TURN_DEG)),
    )


def envelope_text(tilt_deg: tuple[float, float] = ENVELOPE_TILT_DEG) -> str:
    (near, far), (left, right) = ENVELOPE_DISTANCE_M, ENVELOPE_TURN_DEG
    return (
        f"camera anywhere in {near:g}-{far:g} m, tilt {tilt_deg[0]:g}-{tilt_deg[1]:g}, "
        f"turn {left:g} to {right:g} deg"
    )


class Scene:
    def __init__(
        self,
        pose: CameraPose,
        marker_colours: dict[str, str],
        width: int = 640,
        height: int = 480,
        seed: int = 0,
        decor: Decor = Decor(),
    ) -> None:
        self.pose, self._size = pose, (width, height)
        self.decor = decor
        self._colours = {n: tuple(int(c) for c in hex_to_bgr(h)) for n, h in marker_colours.items()}
        self._rng = np.random.default_rng(seed)
        self._focal = width / 2 / math.tan(math.radians(HORIZONTAL_FOV_DEG / 2))
        self._rotation, self._position = self._camera()
        self._room = self._draw_room()
        # Sensor noise, made once and drawn from at random offsets: fresh noise per frame would
        # cost more than the rest of the picture.
        self._noise = self._rng.normal(0.0, 3.0, size=(height + 64, width + 64)).astype(np.float32)
        self.covered: set[str] = set()
        self.light = 1.0  # overall brightness, which the day may change

    def _camera(self) -> tuple[np.ndarray, np.ndarray]:
        """World-to-camera rotation and the camera's position, looking at the middle of the body."""
        target = np.array([0.0, HIP_HEIGHT_M, 0.0])
        tilt, turn = math.radians(self.pose.tilt_deg), math.radians(self.pose.turn_deg)
        back = np.array([math.sin(turn), 0.0, -math.cos(turn)]) * math.cos(tilt)
        position = target + self.pose.distance_m * (back + np.array([0.0, math.sin(tilt), 0.0]))
        forward = (target - position) / np.linalg.norm(target - position)
        right = np.cross(np.array([0.0, 1.0, 0.0]), forward)
        right /= np.linalg.norm(right)
        down = np.cross(right, forward)
        return np.stack([right, down, forward]), position

    def project(self, point: np.ndarray) -> tuple[np.ndarray, float]:
        """Pixel position and depth (m) of a world point."""
        x, y, z = self._rotation @ (point - self._position)
        width, height = self._size
        return np.array([width / 2 + self._focal * x / z, height / 2 + self._focal * y / z]), z

    def joints(self, leg: LegState) -> dict[str, np.ndarray]:
        """Marker positions in the world for this leg state."""
        feet = -1.0 if leg.side == "right" else 1.0
        along = np.array([feet, 0.0, 0.0])
        up = np.array([0.0, 1.0, 0.0])
        toward_camera = np.array([0.0, 0.0, -1.0])
        hike = PELVIS_RADIUS_RATIO * TRUNK_M * math.sin(math.radians(leg.hip_hike))
        # The hip sits a little to the feet's side of the middle of the picture.
        rest_hip = np.array([0.0, HIP_HEIGHT_M, 0.0]) + along * (TRUNK_M - LEG_M) / 2
        hip = rest_hip - along * hike
        up_off_floor = math.radians(leg.trunk_up)  # sitting up: the trunk turned up about the hip
        shoulder = (
            rest_hip + (up * math.sin(up_off_floor) - along * math.cos(up_off_floor)) * TRUNK_M
        )
        a, drift = math.radians(leg.abduction), math.radians(leg.forward_drift)
        in_plane = along * math.cos(a) + up * math.sin(a)
        direction = in_plane * math.cos(drift) + toward_camera * math.sin(drift)
        ceiling = up * math.cos(a) - along * math.sin(a)
        knee = hip + direction * LEG_M / 2
        # The knee bends the shin toward the front of the thigh, square to it, so the shin keeps
        # its length and makes the scripted angle with the thigh even when the thigh drifts.
        front = toward_camera * math.cos(drift) - in_plane * math.sin(drift)
        bend = math.radians(leg.knee_bend)
        shin = direction * math.cos(bend) + front * math.sin(bend)
        ankle = knee + shin * LEG_M / 2
        turn = math.radians(leg.rotation)
        foot = toward_camera * math.cos(turn) + ceiling * math.sin(turn)
        toe = ankle + direction * TOE_ALONG_LEG * LEG_M + foot * FOOT_FORWARD_M
        return {"shoulder": shoulder, "hip": hip, "knee": knee, "ankle": ankle, "toe": toe}

    def pixels(self, leg: LegState) -> dict[str, np.ndarray]:
        """Where the joints fall in the picture: what a pose model would mark (it sees the
        body, not the markers on the clothes)."""
        return {name: self.project(point)[0] for name, point in self.joints(leg).items()}

    def render(self, leg: LegState, t: float = 0.0) -> np.ndarray:
        """The picture at `t` (which moves only someone walking through) of `leg`."""
        frame = self._room.copy()
        if self.decor.passer_by is not None:
            self._draw_passer_by(frame, t)
        if leg.away:  # nobody on the mat
            return self._expose(frame)
        world = self.joints(leg)
        seen = {name: self.project(point) for name, point in self._on_the_cloth(world, leg).items()}
        head = world["shoulder"] - (world["hip"] - world["shoulder"]) * 0.4
        clothes, loose = self.decor.clothes, self.decor.loose
        limbs = [
            (world["shoulder"], world["hip"], 0.16 * loose, clothes),
            (head, head, 0.11, SKIN_BGR),
            (world["hip"], world["knee"], 0.08 * loose, clothes),
            (world["knee"], world["ankle"], 0.06 * loose, clothes),
            (world["ankle"], world["toe"], 0.04, SKIN_BGR),
        ]
        if self.decor.cushion is not None:
            under, across = head - np.array([0.0, 0.14, 0.0]), np.array([0.12, 0.0, 0.0])
            limbs.insert(0, (under - across, under + across, 0.08, self.decor.cushion))
        for start, end, radius, colour in limbs:
            (p, depth), (q, _) = self.project(start), self.project(end)
            draw_capsule(frame, p, q, self._focal * radius / depth, colour)
        for name, (pixel, depth) in seen.items():
            if name not in self.covered:
                draw_capsule(
                    frame, pixel, pixel, self._focal * MARKER_RADIUS_M / depth, self._colours[name]
                )
        return self._expose(frame)

    def _on_the_cloth(self, world: dict[str, np.ndarray], leg: LegState) -> dict[str, np.ndarray]:
        """Where the markers are: on loose clothes, off the joints, hanging toward the floor."""
        sag = self.decor.sag_m
        if sag <= 0:
            return world
        hang = sag * (1.0 + math.sin(math.radians(max(leg.abduction, 0.0))))
        down = np.array([0.0, -1.0, 0.0])
        return {
            name: point + down * hang if name in ("hip", "knee") else point
            for name, point in world.items()
        }

    def _passer(self, t: float) -> dict[str, np.ndarray]:
        """Where the person walking across behind the mat is at `t`, standing, from one side
        of the room to the other and back: hip, neck, head, feet and hands in the world."""
        crossing = self.decor.passer_crossing_s
        phase = (t / crossing) % 2.0
        x = -2.0 + 4.0 * (phase if phase < 1.0 else 2.0 - phase)
        z = WALL_BEHIND_M * 0.6
        stride = 0.25 * math.sin(2 * math.pi * t / 1.1)
        return {
            "hip": np.array([x, 0.9, z]),
            "neck": np.array([x, 1.45, z]),
            "head": np.array([x, 1.65, z]),
            "left_foot": np.array([x + stride, 0.05, z]),
            "right_foot": np.array([x - stride, 0.05, z]),
            "left_hand": np.array([x - stride, 0.85, z]),
            "right_hand": np.array([x + stride, 0.85, z]),
        }

    def passer_pixels(self, t: float) -> dict[str, np.ndarray] | None:
        """Where the person walking through is in the picture at `t`, as a pose model would
        mark them; None when nobody walks through or they are out of the picture."""
        if self.decor.passer_by is None:
            return None
        width, height = self._size
        seen = {name: self.project(point)[0] for name, point in self._passer(t).items()}
        x, y = seen["hip"]
        return seen if 0 <= x < width and 0 <= y < height else None

    def _draw_passer_by(self, frame: np.ndarray, t: float) -> None:
        """The person walking across behind the mat: legs, trunk, arms and head."""
        colour = self.decor.passer_by
        assert colour is not None
        at = self._passer(t)
        hip, neck, head = at["hip"], at["neck"], at["head"]
        parts = [
            (hip, at["left_foot"], 0.07, colour),
            (hip, at["right_foot"], 0.07, colour),
            (hip, neck, 0.17, colour),
            (neck, at["left_hand"], 0.05, colour),
            (neck, at["right_hand"], 0.05, colour),
            (head, head, 0.11, SKIN_BGR),
        ]
        for start, end, radius, part_colour in parts:
            (p, depth), (q, _) = self.project(start), self.project(end)
            if depth > 0.1:
                draw_capsule(frame, p, q, self._focal * radius / depth, part_colour)

    def _draw_room(self) -> np.ndarray:
        width, height = self._size
        decor = self.decor
        room = np.empty((height, width, 3), dtype=np.uint8)
        room[:] = decor.wall
        if decor.stripes:
            band = max(4, width // 24)
            for i, x in enumerate(range(0, width, band)):
                room[:, x : x + band] = decor.stripes[i % len(decor.stripes)]
        # The floor reaches back to the wall, 1.2 m behind the person; the mat lies under them.
        floor_y = int(self.project(np.array([0.0, 0.0, WALL_BEHIND_M]))[0][1])
        floor_y = max(0, min(height, floor_y))
        room[floor_y:] = decor.floor
        corners = [self.project(np.array([x, 0.0, z]))[0] for x in (-1.0, 1.0) for z in (-0.3, 0.7)]
        xs, ys = [int(c[0]) for c in corners], [int(c[1]) for c in corners]
        room[max(0, min(ys)) : max(0, max(ys)), max(0, min(xs)) : max(0, max(xs))] = decor.mat
        for _ in range(12):  # furniture and clutter: muted colours, nothing like a marker
            x, y = self._rng.integers(0, width), self._rng.integers(0, max(floor_y, 1))
            w, h = self._rng.integers(20, 120), self._rng.integers(20, 90)
            shade = self._rng.integers(60, 200)
            room[y : y + h, x : x + w] = (shade, shade + self._rng.integers(-20, 20), shade - 15)
        for colour, (x, y, w, h) in decor.patches:
            room[int(y * height) : int((y + h) * height), int(x * width) : int((x + w) * width)] = (
                colour
            )
        # A window on one side: the light falls off across the room.
        gradient = np.linspace(1.15, 0.8, width)[None, :, None]
        return np.clip(room * gradient, 0, 255).astype(np.uint8)

    def _expose(self, frame: np.ndarray) -> np.ndarray:
        """Light level, a slight blur (the lens, a little motion) and sensor noise."""
        height, width = frame.shape[:2]
        lit = frame.astype(np.float32)
        blurred = (lit[1:-1, 1:-1] * 2 + lit[1:-1, :-2] + lit[:-2, 1:-1]) * (self.light / 4)
        dy, dx = self._rng.integers(0, 64, size=2)
        noise = self._noise[dy : dy + height - 2, dx : dx + width - 2, None]
        out = frame.copy()
        out[1:-1, 1:-1] = np.clip(blurred + noise, 0, 255)
        return out


class FilmedScene:
    """A FrameSource: the scene filming the simulated athlete as they move."""

    def __init__(self, athlete: SimulatedAthlete, scene: Scene) -> None:
        self._athlete, self._scene = athlete, scene

    def read(self, t: float) -> np.ndarray:
        return self._scene.render(self._athlete.leg_at(t), t)

    def close(self) -> None:
        """Nothing to release."""
