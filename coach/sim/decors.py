"""Rooms that fight back: for every marker's colour, a mat, clothes, a wall patch and a cushion
of that hue, saturated and muted; skin and wood tones; a patterned wall. The benchmark and the
tests put the simulated athlete in each."""

from __future__ import annotations

from coach.core.tracker import hex_to_bgr
from coach.sim.scene import BGR, Decor

GREY = 90  # what a muted colour is mixed toward
MUTED = 0.6  # share of the colour left in its muted version
SKIN_TONES: tuple[BGR, ...] = ((150, 170, 205), (90, 120, 170), (60, 85, 125))
WOOD: BGR = (60, 105, 160)
WALL_PATCH = (0.0, 0.05, 0.35, 0.3)  # x, y, w, h as shares of the picture


def bgr(colour: str) -> BGR:
    blue, green, red = (int(c) for c in hex_to_bgr(colour))
    return blue, green, red


def muted(colour: BGR) -> BGR:
    blue, green, red = (int(MUTED * c + (1 - MUTED) * GREY) for c in colour)
    return blue, green, red


def fighting_rooms(colours: dict[str, str]) -> dict[str, list[tuple[str, Decor]]]:
    """By kind of scene: (what it is, the decor) for each marker colour and shade."""
    rooms: dict[str, list[tuple[str, Decor]]] = {
        "mat": [], "clothes": [], "wall": [], "cushion": [],
    }  # fmt: skip
    for name, colour in colours.items():
        for shade, tone in (("saturated", bgr(colour)), ("muted", muted(bgr(colour)))):
            label = f"{shade} {name}-marker colour"
            rooms["mat"].append((f"a mat of {label}", Decor(mat=tone)))
            rooms["clothes"].append((f"clothes of {label}", Decor(clothes=tone)))
            rooms["wall"].append((f"a wall patch of {label}", Decor(patches=((tone, WALL_PATCH),))))
            rooms["cushion"].append((f"a cushion of {label}", Decor(cushion=tone)))
    rooms["skin_and_wood"] = [
        (f"skin-tone clothes {i} on a wood floor", Decor(clothes=tone, floor=WOOD, mat=WOOD))
        for i, tone in enumerate(SKIN_TONES)
    ]
    stripes = tuple(bgr(colour) for colour in colours.values())
    rooms["pattern"] = [
        ("a wall striped in every marker colour", Decor(stripes=stripes)),
        ("a wall striped in their muted shades", Decor(stripes=tuple(muted(c) for c in stripes))),
    ]
    return rooms
