"""Drawing into BGR frames with numpy alone: the simulated body and the replay overlay."""

from __future__ import annotations

import numpy as np

# A 3x5 pixel font for the angle read-out: digits, a minus, a point and a degree sign.
_GLYPHS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001010010010", "8": "111101111101111",
    "9": "111101111001111", "-": "000000111000000", ".": "000000000000010",
    "°": "010101010000000", " ": "000000000000000",
    "A": "010101111101101", "D": "110101101101110", "E": "111100110100111",
    "H": "101101111101101", "I": "111010010010111", "K": "101101110101101",
    "L": "100100100100111", "N": "101111111111101", "O": "010101101101010",
    "P": "110101110100100", "R": "110101110101101", "S": "011100010001110",
    "T": "111010010010010", "U": "101101101101111", "C": "011100100100011",
    "M": "101111111101101",
}  # fmt: skip


def draw_capsule(img: np.ndarray, p: np.ndarray, q: np.ndarray, radius: float, colour) -> None:
    """Fill every pixel within `radius` of segment pq, touching only its bounding box."""
    height, width = img.shape[:2]
    x0 = max(int(min(p[0], q[0]) - radius), 0)
    x1 = min(int(max(p[0], q[0]) + radius) + 2, width)
    y0 = max(int(min(p[1], q[1]) - radius), 0)
    y1 = min(int(max(p[1], q[1]) + radius) + 2, height)
    if x0 >= x1 or y0 >= y1:
        return
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    d = q - p
    length2 = max(float(d @ d), 1e-9)
    along = np.clip(((xs - p[0]) * d[0] + (ys - p[1]) * d[1]) / length2, 0.0, 1.0)
    dx = xs - (p[0] + along * d[0])
    dy = ys - (p[1] + along * d[1])
    img[y0:y1, x0:x1][dx * dx + dy * dy <= radius * radius] = colour


def draw_text(img: np.ndarray, text: str, x: int, y: int, scale: int, colour) -> None:
    """Write `text` (digits, capitals, "-", ".", "°", spaces) with its top-left corner at (x, y)."""
    for i, char in enumerate(text):
        glyph = np.array([int(b) for b in _GLYPHS[char]], dtype=bool).reshape(5, 3)
        block = np.kron(glyph, np.ones((scale, scale), dtype=bool))
        left, top = x + i * 4 * scale, y
        region = img[top : top + block.shape[0], left : left + block.shape[1]]
        region[block[: region.shape[0], : region.shape[1]]] = colour
