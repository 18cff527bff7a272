"""How the demo's simulated person does clamshells and wall slides: as the coach asks, with a
rep or two done the way people get them wrong, so the demo shows what the coach says."""

from __future__ import annotations

from coach.sim.athlete import RepStyle, Script

OPENING_DEG = 40.0  # the top knee opened, feet together
FEET_APART_DEG = 20.0  # the whole bent leg raised with it: the feet come apart
DROPPED_S = 0.8  # a knee let fall shut, or a leg dropped, not lowered
DRIFT_DEG = 35.0  # the heel off the wall: the leg swung forward


def side_program_script(program: str) -> Script | None:
    """Clamshells with the feet apart on one rep and one let fall shut; wall slides with one
    rep off the wall and one dropped; None: another program."""
    if program == "clamshells":
        return Script(
            RepStyle(peak_deg=OPENING_DEG),
            special={
                ("right", 1, 2): RepStyle(peak_deg=OPENING_DEG, feet_apart_deg=FEET_APART_DEG),
                ("left", 1, 2): RepStyle(peak_deg=OPENING_DEG, lower_s=DROPPED_S),
            },
        )
    if program == "wall_slides":
        return Script(
            special={
                ("right", 1, 2): RepStyle(forward_drift_deg=DRIFT_DEG),
                ("left", 1, 2): RepStyle(lower_s=DROPPED_S),
            }
        )
    return None
