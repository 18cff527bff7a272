"""Where the top knee and ankle are in a clamshell, for the simulated camera and pose model.

Lying on the side, hips bent forward and knees bent to a right angle, the feet lie together in
front of the hip. Opening the clamshell turns the top knee up about the line from the hip to
the feet, so the knee rises and the foot stays on the bottom one. A person who lets the feet
come apart lifts the whole bent leg as well: the foot rises with the knee.
"""

from __future__ import annotations

import math

import numpy as np

HIP_BEND_DEG = 40.0  # the thighs forward of the trunk's line
KNEE_BEND_DEG = 90.0


def _turned(vector: np.ndarray, axis: np.ndarray, degrees: float) -> np.ndarray:
    """`vector` turned about the unit `axis` by `degrees` (right-handed)."""
    a = math.radians(degrees)
    return (
        vector * math.cos(a)
        + np.cross(axis, vector) * math.sin(a)
        + axis * float(axis @ vector) * (1.0 - math.cos(a))
    )


def clamshell_leg(
    hip: np.ndarray,
    toward_feet: np.ndarray,
    leg_length: float,
    opening_deg: float,
    feet_apart_deg: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The top knee and ankle as (picture x, picture y, toward the camera): `hip` likewise,
    `toward_feet` the unit picture direction along the body toward the feet. `opening_deg`:
    the knee turned up from the bottom one; `feet_apart_deg`: the whole leg raised as well."""
    along = np.array([toward_feet[0], toward_feet[1], 0.0])
    toward_camera = np.array([0.0, 0.0, 1.0])
    ceiling = np.array([0.0, -1.0, 0.0])
    hip_bend, knee_bend = math.radians(HIP_BEND_DEG), math.radians(KNEE_BEND_DEG)
    thigh = along * math.cos(hip_bend) + toward_camera * math.sin(hip_bend)
    shin_dir = along * math.cos(hip_bend + knee_bend) + toward_camera * math.sin(
        hip_bend + knee_bend
    )
    knee = thigh * leg_length / 2
    ankle = knee + shin_dir * leg_length / 2
    # Turned about the hip-to-feet line, the way that lifts the knee toward the ceiling.
    axis = ankle / max(float(np.linalg.norm(ankle)), 1e-9)
    sign = 1.0 if _turned(knee, axis, 1.0) @ ceiling > knee @ ceiling else -1.0
    knee = _turned(knee, axis, sign * opening_deg)
    # The feet apart: the whole leg raised about the hip, the foot rising toward the ceiling.
    lift_axis = np.cross(axis, ceiling)
    lift_axis /= np.linalg.norm(lift_axis)
    lift_sign = 1.0 if _turned(ankle, lift_axis, 1.0) @ ceiling > ankle @ ceiling else -1.0
    knee = _turned(knee, lift_axis, lift_sign * feet_apart_deg)
    ankle = _turned(ankle, lift_axis, lift_sign * feet_apart_deg)
    return hip + knee, hip + ankle
