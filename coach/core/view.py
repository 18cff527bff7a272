"""How the camera looks at the body: from pixels back to the plane the leg moves in.

The shoulder, hip, knee and ankle markers lie in the body's frontal plane, and the leg lifts
within it. Knowing only the camera's tilt, its turn and its field of view, each marker's ray can
be followed back to that plane; the plane's distance is unknown, but angles and length ratios do
not depend on it. This removes what a tilted or turned camera does to the picture: a raised leg
that looks lower than it is, and toes that look turned down when the camera looks down on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from coach.settings import CameraSettings

_WORLD_UP = np.array([0.0, 1.0, 0.0])


@dataclass(frozen=True)
class CameraView:
    tilt_deg: float = 0.0  # looking down at the body
    turn_deg: float = 0.0  # off square, about the vertical
    horizontal_fov_deg: float = 62.2  # the Pi camera module 2

    @classmethod
    def configured(cls, camera: CameraSettings) -> CameraView:
        """The view as `[camera]` describes it, before the setup has measured anything."""
        return cls(camera.tilt_deg, camera.turn_deg, camera.horizontal_fov_deg)

    @cached_property
    def _axes(self) -> np.ndarray:
        """Rows: the body's along, up and toward-the-wall axes, in camera coordinates."""
        tilt, turn = math.radians(self.tilt_deg), math.radians(self.turn_deg)
        forward = np.array(
            [-math.sin(turn) * math.cos(tilt), -math.sin(tilt), math.cos(turn) * math.cos(tilt)]
        )
        right = np.cross(_WORLD_UP, forward)
        right /= np.linalg.norm(right)
        down = np.cross(right, forward)
        world_to_camera = np.stack([right, down, forward])
        return world_to_camera.T  # columns become rows: each body axis seen from the camera

    @property
    def along(self) -> np.ndarray:
        return self._axes[0]

    @property
    def up(self) -> np.ndarray:
        return self._axes[1]

    @property
    def away(self) -> np.ndarray:
        """The body plane's normal, pointing away from the camera."""
        return self._axes[2]

    def ray(self, pixel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The direction a pixel looks in, in camera coordinates (x right, y down, z ahead)."""
        width, height = size
        focal = self.focal_px(width)
        return np.array([(pixel[0] - width / 2) / focal, (pixel[1] - height / 2) / focal, 1.0])

    def focal_px(self, width: int) -> float:
        """Pixels per unit of length on a plane one unit in front of the lens."""
        return width / 2 / math.tan(math.radians(self.horizontal_fov_deg / 2))

    def elevation_deg(self, pixel: np.ndarray, size: tuple[int, int]) -> float:
        """How far above the pixel's point the camera stands, in degrees seen from the point."""
        direction = self.ray(pixel, size)
        return -math.degrees(
            math.asin(float(direction @ self.up) / float(np.linalg.norm(direction)))
        )

    def on_body_plane(self, pixel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """Where the pixel's ray meets the body plane, with the plane one unit from the camera."""
        direction = self.ray(pixel, size)
        return direction / max(float(direction @ self.away), 1e-9)

    def in_plane(self, point: np.ndarray) -> np.ndarray:
        """A point on the body plane as 2-D coordinates laid out like an image seen square on
        (x along the body, y down), so picture geometry applies unchanged."""
        return np.array([point @ self.along, -(point @ self.up)])
