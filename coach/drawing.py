"""Drawing into BGR frames with numpy alone: the simulated body and the replay overlay."""

from __future__ import annotations

import struct
import zlib

import numpy as np

# A 5x7 pixel font, capitals only (text is written in capitals): the replay overlay and the
# printable marker sheet, with no font file to find. Each glyph is seven rows of five.
_FONT = """
A .###. #...# #...# ##### #...# #...# #...#
B ####. #...# #...# ####. #...# #...# ####.
C .###. #...# #.... #.... #.... #...# .###.
D ###.. #..#. #...# #...# #...# #..#. ###..
E ##### #.... #.... ####. #.... #.... #####
F ##### #.... #.... ####. #.... #.... #....
G .###. #...# #.... #.### #...# #...# .####
H #...# #...# #...# ##### #...# #...# #...#
I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
J ..### ...#. ...#. ...#. ...#. #..#. .##..
K #...# #..#. #.#.. ##... #.#.. #..#. #...#
L #.... #.... #.... #.... #.... #.... #####
M #...# ##.## #.#.# #.#.# #...# #...# #...#
N #...# #...# ##..# #.#.# #..## #...# #...#
O .###. #...# #...# #...# #...# #...# .###.
P ####. #...# #...# ####. #.... #.... #....
Q .###. #...# #...# #...# #.#.# #..#. .##.#
R ####. #...# #...# ####. #.#.. #..#. #...#
S .#### #.... #.... .###. ....# ....# ####.
T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# #...# #...# .###.
V #...# #...# #...# #...# #...# .#.#. ..#..
W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
X #...# #...# .#.#. ..#.. .#.#. #...# #...#
Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
Z ##### ....# ...#. ..#.. .#... #.... #####
0 .###. #...# #..## #.#.# ##..# #...# .###.
1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
2 .###. #...# ....# ...#. ..#.. .#... #####
3 ####. ....# ....# .###. ....# ....# ####.
4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
5 ##### #.... ####. ....# ....# #...# .###.
6 ..##. .#... #.... ####. #...# #...# .###.
7 ##### ....# ...#. ..#.. .#... .#... .#...
8 .###. #...# #...# .###. #...# #...# .###.
9 .###. #...# #...# .#### ....# ...#. .##..
. ..... ..... ..... ..... ..... .##.. .##..
, ..... ..... ..... ..... .##.. ..#.. .#...
: ..... .##.. .##.. ..... .##.. .##.. .....
- ..... ..... ..... ##### ..... ..... .....
+ ..... ..#.. ..#.. ##### ..#.. ..#.. .....
% ##... ##..# ...#. ..#.. .#... #..## ...##
( ...#. ..#.. .#... .#... .#... ..#.. ...#.
) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
' ..#.. ..#.. .#... ..... ..... ..... .....
/ ..... ....# ...#. ..#.. .#... #.... .....
° .##.. #..#. #..#. .##.. ..... ..... .....
= ..... ..... ##### ..... ##### ..... .....
# .#.#. ##### .#.#. .#.#. ##### .#.#. .....
"""
_GLYPHS = {
    line[0]: np.array([[c == "#" for c in row] for row in line[2:].split()], dtype=bool)
    for line in _FONT.strip().splitlines()
}
_GLYPHS[" "] = np.zeros((7, 5), dtype=bool)
GLYPH_WIDTH, GLYPH_HEIGHT = 6, 7  # cells, with a column between letters


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


def text_width(text: str, scale: int) -> int:
    """Pixels `draw_text` needs for `text` at `scale`."""
    return len(text) * GLYPH_WIDTH * scale


def draw_text(img: np.ndarray, text: str, x: int, y: int, scale: int, colour) -> None:
    """Write `text` in capitals with its top-left corner at (x, y); a character the font lacks
    is left as a space."""
    for i, char in enumerate(text.upper()):
        glyph = _GLYPHS.get(char, _GLYPHS[" "])
        block = np.kron(glyph, np.ones((scale, scale), dtype=bool))
        left, top = x + i * GLYPH_WIDTH * scale, y
        if left >= img.shape[1] or top >= img.shape[0] or left < 0 or top < 0:
            continue
        region = img[top : top + block.shape[0], left : left + block.shape[1]]
        region[block[: region.shape[0], : region.shape[1]]] = colour


def encode_png(rgb: np.ndarray, dpi: int = 72) -> bytes:
    """An RGB image as PNG bytes, with its resolution stored so printers know its true size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    height, width = rgb.shape[:2]
    rows = np.hstack([np.zeros((height, 1), dtype=np.uint8), rgb.reshape(height, -1)])
    per_metre = round(dpi / 0.0254)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
