"""`coach markers --out FILE`: the marker discs at true size, to print and cut out.

PDF is vector (exactly 5 cm when printed at 100 %); PNG is 300 dpi with that resolution stored
in the file, so image viewers and printers know its true size. Both draw one layout, on A4 or
US Letter: the discs, where each goes, how to print, and why there are two of each.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.core.lookalikes import SPARE_COLOURS
from coach.drawing import draw_capsule, draw_text, encode_png, text_width
from coach.marking import MARKER_NAMES
from coach.settings import MarkerSettings

DISC_MM = 50.0
GAP_MM = 4.0
# Landscape, so that five columns of discs fit the narrower of the two papers.
PAPERS = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}
DPI = 300
PLACES = {
    "shoulder": "on the front of the top shoulder",
    "hip": "on the top hip, over the bony point at the side",
    "knee": "on the top knee, facing the camera",
    "ankle": "on the top ankle, facing the camera",
    "toe": "on the front of the top foot, over the toes",
}
TITLE = "legcoach markers: cut out the discs and stick them on as written under each"
SPARE_TITLE = "legcoach spare markers: for a room where a marker's colour is already in view"
# Plain words and the colour as the config takes it: the PNG's pixel font has no brackets or quotes.
SPARE_PLACE = "In place of any marker: give that marker colour {colour} in the config's markers"

PRINTING = "Print at 100 % (turn off 'fit to page'), then check with a ruler: each disc is 5 cm"
SPARES = "The second disc of each is a spare, for when one peels off or gets lost"
EXIT_UNWRITABLE = 1
POINT_MM = 25.4 / 72
# The PNG writes text with drawing.py's 5x7 font: one font cell is this many pixels at each
# size, so a line is as wide in the PNG as the layout allows for it.
PNG_CELL_PX = {12: 4, 9: 3, 8: 3}
LINE_MM = {12: 6.0, 9: 4.6, 8: 4.0}


@dataclass(frozen=True)
class Disc:
    name: str
    x: float  # centre, mm from the page's left
    y: float  # centre, mm from the page's top


@dataclass(frozen=True)
class Line:
    text: str
    x: float  # left edge, mm
    y: float  # top, mm
    size: int  # points

    @property
    def width_mm(self) -> float:
        """As wide as the wider of its two renderings: Helvetica in the PDF (at most 0.6 em a
        character) and the pixel font in the PNG."""
        pdf = 0.6 * self.size * POINT_MM * len(self.text)
        png = text_width(self.text, PNG_CELL_PX[self.size]) / DPI * 25.4
        return max(pdf, png)

    @property
    def height_mm(self) -> float:
        return LINE_MM[self.size]


@dataclass(frozen=True)
class Sheet:
    """What a page shows: a title, and a column of two discs for each colour, with a note."""

    title: str
    colours: dict[str, str]  # label -> #rrggbb
    notes: dict[str, str]  # label -> where it goes, or what it is for


def marker_sheet(markers: MarkerSettings) -> Sheet:
    return Sheet(TITLE, markers.colours(), PLACES)


def spare_sheet() -> Sheet:
    notes = {
        word: SPARE_PLACE.format(colour=colour.upper()) for word, colour in SPARE_COLOURS.items()
    }
    return Sheet(SPARE_TITLE, dict(SPARE_COLOURS), notes)


def layout(sheet: Sheet, paper: str) -> tuple[tuple[float, float], list[Disc], list[Line]]:
    """The page's size, its discs and its lines of text, in mm: both formats draw this."""
    width, _ = PAPERS[paper]
    pitch = DISC_MM + GAP_MM
    left = (width - (len(MARKER_NAMES) * pitch - GAP_MM)) / 2
    lines = [
        Line(sheet.title, left, 8.0, 12),
        Line(PRINTING, left, 15.0, 9),
        Line(SPARES, left, 20.0, 9),
    ]
    discs = []
    for column, name in enumerate(sheet.colours):
        x = left + column * pitch
        discs += [Disc(name, x + DISC_MM / 2, 55.0), Disc(name, x + DISC_MM / 2, 55.0 + pitch)]
        lines.append(Line(name.upper(), x, 55.0 + pitch + DISC_MM / 2 + 4.0, 12))
        wrap = int(DISC_MM / Line("x", 0, 0, 8).width_mm)
        note = sheet.notes[name]
        for row, text in enumerate(textwrap.wrap(note[0].upper() + note[1:], wrap)):
            lines.append(Line(text, x, 55.0 + pitch + DISC_MM / 2 + 11.0 + row * 4.0, 8))
    return PAPERS[paper], discs, lines


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def pdf_sheet(sheet: Sheet, paper: str = "a4") -> bytes:
    (width_mm, height_mm), discs, lines = layout(sheet, paper)
    points = 1 / POINT_MM
    width, height = width_mm * points, height_mm * points
    r = DISC_MM / 2 * points
    k = 0.5523 * r  # Bézier handle length for a quarter circle
    ops = []
    colours = sheet.colours
    for disc in discs:
        x, y = disc.x * points, height - disc.y * points
        red, green, blue = (c / 255 for c in _rgb(colours[disc.name]))
        ops.append(f"{red:.3f} {green:.3f} {blue:.3f} rg")
        ops.append(
            f"{x + r:.2f} {y:.2f} m "
            f"{x + r:.2f} {y + k:.2f} {x + k:.2f} {y + r:.2f} {x:.2f} {y + r:.2f} c "
            f"{x - k:.2f} {y + r:.2f} {x - r:.2f} {y + k:.2f} {x - r:.2f} {y:.2f} c "
            f"{x - r:.2f} {y - k:.2f} {x - k:.2f} {y - r:.2f} {x:.2f} {y - r:.2f} c "
            f"{x + k:.2f} {y - r:.2f} {x + r:.2f} {y - k:.2f} {x + r:.2f} {y:.2f} c f"
        )
    for line in lines:
        text = line.text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        baseline = height - (line.y * points + line.size * 0.8)
        ops.append(
            f"0 0 0 rg BT /F1 {line.size} Tf {line.x * points:.2f} {baseline:.2f} Td ({text}) Tj ET"
        )
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
        "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
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


def png_sheet(sheet: Sheet, paper: str = "a4") -> bytes:
    (width_mm, height_mm), discs, lines = layout(sheet, paper)
    px = DPI / 25.4
    page = np.full((round(height_mm * px), round(width_mm * px), 3), 255, dtype=np.uint8)
    colours = sheet.colours
    for disc in discs:
        centre = np.array([disc.x * px, disc.y * px])
        draw_capsule(page, centre, centre, DISC_MM / 2 * px, _rgb(colours[disc.name]))
    for line in lines:
        draw_text(
            page,
            line.text,
            round(line.x * px),
            round(line.y * px),
            PNG_CELL_PX[line.size],
            (0, 0, 0),
        )
    return encode_png(page, DPI)


def run_markers(markers: MarkerSettings, out: str, paper: str = "a4", spares: bool = False) -> int:
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        print(f"coach: {out}: the sheet is written as .pdf or .png", file=sys.stderr)
        return EXIT_UNWRITABLE
    sheet = spare_sheet() if spares else marker_sheet(markers)
    data = pdf_sheet(sheet, paper) if suffix == ".pdf" else png_sheet(sheet, paper)
    try:
        path.write_bytes(data)
    except OSError as exc:
        print(f"coach: {out}: cannot write it ({exc.strerror})", file=sys.stderr)
        return EXIT_UNWRITABLE
    print(f"{out}: print at 100 % (no fit-to-page); each disc is {DISC_MM / 10:g} cm across")
    return 0
