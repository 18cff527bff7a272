"""`coach markers --out FILE`: the marker discs at true size, to print and cut out.

PDF is vector (exactly 5 cm when printed at 100 %); PNG is 300 dpi with that resolution stored
in the file, so image viewers and printers know its true size.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np

from coach.drawing import draw_capsule, draw_text
from coach.settings import MarkerSettings
from coach.settings.schema import MARKER_NAMES

DISC_MM = 50.0
PAGE_MM = (210.0, 297.0)  # A4
DPI = 300
COPIES = 2  # one spare of each
PLACES = {
    "shoulder": "front of the top shoulder",
    "hip": "top hip, over the bony point at the side",
    "knee": "top knee, facing the camera",
    "ankle": "top ankle, facing the camera",
    "toe": "front of the top foot, over the toes",
}
EXIT_UNWRITABLE = 1


def _layout() -> list[tuple[str, float, float]]:
    """(marker, centre x, centre y) in mm from the top-left of the page."""
    places = []
    for row, name in enumerate(MARKER_NAMES):
        for copy in range(COPIES):
            places.append((name, 45.0 + copy * 70.0, 35.0 + row * 52.0))
    return places


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def pdf_sheet(markers: MarkerSettings) -> bytes:
    points = 72 / 25.4
    width, height = (d * points for d in PAGE_MM)
    r = DISC_MM / 2 * points
    k = 0.5523 * r  # Bézier handle length for a quarter circle
    ops = []
    colours = markers.colours()
    for name, x_mm, y_mm in _layout():
        x, y = x_mm * points, height - y_mm * points
        red, green, blue = (c / 255 for c in _rgb(colours[name]))
        ops.append(f"{red:.3f} {green:.3f} {blue:.3f} rg")
        ops.append(
            f"{x + r:.2f} {y:.2f} m "
            f"{x + r:.2f} {y + k:.2f} {x + k:.2f} {y + r:.2f} {x:.2f} {y + r:.2f} c "
            f"{x - k:.2f} {y + r:.2f} {x - r:.2f} {y + k:.2f} {x - r:.2f} {y:.2f} c "
            f"{x - r:.2f} {y - k:.2f} {x - k:.2f} {y - r:.2f} {x:.2f} {y - r:.2f} c "
            f"{x + k:.2f} {y - r:.2f} {x + r:.2f} {y - k:.2f} {x + r:.2f} {y:.2f} c f"
        )
    for row, name in enumerate(MARKER_NAMES):
        y = height - (35.0 + row * 52.0) * points
        label = f"{name.upper()}: {PLACES[name]}".replace("(", "[").replace(")", "]")
        ops.append(f"0 0 0 rg BT /F1 9 Tf {150 * points:.2f} {y:.2f} Td ({name.upper()}) Tj ET")
        ops.append(
            f"BT /F1 7 Tf {150 * points:.2f} {y - 11:.2f} Td ({label[len(name) + 2 :]}) Tj ET"
        )
    title = f"legcoach markers: print at 100 %, each disc {DISC_MM / 10:g} cm across"
    ops.append(
        f"0 0 0 rg BT /F1 11 Tf {15 * points:.2f} {height - 12 * points:.2f} Td ({title}) Tj ET"
    )
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
        "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_sheet(markers: MarkerSettings) -> bytes:
    px = DPI / 25.4
    width, height = (round(d * px) for d in PAGE_MM)
    page = np.full((height, width, 3), 255, dtype=np.uint8)
    colours = markers.colours()
    for name, x_mm, y_mm in _layout():
        centre = np.array([x_mm * px, y_mm * px])
        draw_capsule(page, centre, centre, DISC_MM / 2 * px, _rgb(colours[name]))
    for row, name in enumerate(MARKER_NAMES):
        draw_text(page, name.upper(), round(150 * px), round((30 + row * 52) * px), 8, (0, 0, 0))
    return _png(page, DPI)


def _png(rgb: np.ndarray, dpi: int) -> bytes:
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


def run_markers(markers: MarkerSettings, out: str) -> int:
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        print(f"coach: {out}: the sheet is written as .pdf or .png", file=sys.stderr)
        return EXIT_UNWRITABLE
    data = pdf_sheet(markers) if suffix == ".pdf" else png_sheet(markers)
    try:
        path.write_bytes(data)
    except OSError as exc:
        print(f"coach: {out}: cannot write it ({exc.strerror})", file=sys.stderr)
        return EXIT_UNWRITABLE
    print(f"{out}: print at 100 % (no fit-to-page); each disc is {DISC_MM / 10:g} cm across")
    return 0
