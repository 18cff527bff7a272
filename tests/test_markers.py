"""`coach markers`: discs that measure 5 cm on paper."""

import re
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

from coach.app.markers import DISC_MM, layout, marker_sheet, pdf_sheet, png_sheet, spare_sheet
from coach.settings import MarkerSettings
from tests.helpers import run_coach

MM_PER_POINT = 25.4 / 72


@pytest.mark.parametrize(("paper", "size"), [("a4", (297, 210)), ("letter", (279, 216))])
def test_the_pdf_has_5_cm_discs_in_the_configured_colours_and_says_how_to_use_them(paper, size):
    pdf = pdf_sheet(marker_sheet(MarkerSettings()), paper).decode("latin-1")
    width, height = map(float, re.search(r"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width * MM_PER_POINT), round(height * MM_PER_POINT)) == size
    text = " ".join(re.findall(r"\((.*?)\) Tj", pdf.replace("\\(", "[").replace("\\)", "]")))
    for words in ("Print at 100 %", "fit to page", "spare", "SHOULDER", "bony point", "toes"):
        assert words in text, words
    # each disc's path starts at its right edge and passes through its left edge
    paths = re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) [\d.]+ [\d.]+ [\d.]+ [\d.]+ [\d.]+ c "
                       r"[\d.]+ [\d.]+ ([\d.]+)", pdf)  # fmt: skip
    assert len(paths) == 10
    for right, _, _, left in paths:
        assert (float(right) - float(left)) * MM_PER_POINT == pytest.approx(50.0, abs=0.05)
    assert "1.000 0.831 0.000 rg" in pdf  # the shoulder's #ffd400
    assert pdf.rstrip().endswith("%%EOF")


def _decode(png: bytes) -> tuple[np.ndarray, int]:
    position, data, dpi = 8, b"", None
    while position < len(png):
        length = struct.unpack(">I", png[position : position + 4])[0]
        kind, body = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            per_metre, _, unit = struct.unpack(">IIB", body)
            assert unit == 1
            dpi = round(per_metre * 0.0254)
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    rows = np.frombuffer(zlib.decompress(data), np.uint8).reshape(height, width * 3 + 1)
    assert not rows[:, 0].any()  # no row filters
    return rows[:, 1:].reshape(height, width, 3), dpi


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_nothing_on_the_sheet_prints_over_anything_else_or_off_the_page(paper):
    (width, height), discs, lines = layout(marker_sheet(MarkerSettings()), paper)
    r = DISC_MM / 2
    boxes = [(d.x - r, d.y - r, d.x + r, d.y + r) for d in discs]
    boxes += [(ln.x, ln.y, ln.x + ln.width_mm, ln.y + ln.height_mm) for ln in lines]
    for i, a in enumerate(boxes):
        assert a[0] >= 6 and a[1] >= 6 and a[2] <= width - 6 and a[3] <= height - 6, a
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


def test_the_png_stores_its_dpi_and_its_discs_measure_5_cm_and_its_words_are_drawn():
    page, dpi = _decode(png_sheet(marker_sheet(MarkerSettings())))
    assert dpi == 300
    assert page.shape[:2] == (2480, 3508)  # A4 landscape
    (_, _), _, lines = layout(marker_sheet(MarkerSettings()), "a4")
    for line in lines:  # every line of text left ink where the layout put it
        top, left = round(line.y / 25.4 * dpi), round(line.x / 25.4 * dpi)
        box = page[top : top + round(line.height_mm / 25.4 * dpi), left : left + 200]
        assert (box == 0).all(axis=-1).any(), line.text
    yellow = np.all(page == (255, 212, 0), axis=-1)
    row = yellow.sum(axis=1).max()  # the widest row of a disc (the spare is below it)
    column = yellow.sum(axis=0).max()  # two discs, one above the other
    assert row / dpi * 25.4 == pytest.approx(50.0, abs=0.5)
    assert column / 2 / dpi * 25.4 == pytest.approx(50.0, abs=0.5)


@pytest.mark.parametrize(
    ("name", "message"), [("sheet.svg", "as .pdf or .png"), ("no/dir/m.pdf", "cannot write it")]
)
def test_a_sheet_that_cannot_be_written_is_one_line(tmp_path, name, message):
    result = subprocess.run(
        [sys.executable, "-m", "coach", "markers", "--out", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_the_spare_sheet_has_each_spare_colour_and_says_how_to_use_it(tmp_path):
    from coach.core.lookalikes import SPARE_COLOURS

    (width, height), discs, lines = layout(spare_sheet(), "a4")
    assert sorted({disc.name for disc in discs}) == sorted(SPARE_COLOURS)
    assert all(0 < disc.x < width and 0 < disc.y < height for disc in discs)
    text = " ".join(line.text for line in lines)
    assert "config's markers" in text and SPARE_COLOURS["orange"].upper() in text
    pdf = pdf_sheet(spare_sheet()).decode("latin-1")
    assert pdf.startswith("%PDF-1.4") and "spare markers" in pdf


def test_a_spare_colour_written_as_the_sheet_prints_it_is_taken_by_check_config(tmp_path):
    """What the spare sheet tells a person to type is a colour the config accepts, and its PNG
    draws every character of it (the pixel font had no "#": the sheet said "FF7A00", which
    check-config refuses)."""
    from coach.drawing import _GLYPHS

    text = " ".join(line.text for line in layout(spare_sheet(), "a4")[2])
    typed = re.search(r"colour (\S+) in", text).group(1)
    assert all(char in _GLYPHS for char in typed)
    config = tmp_path / "coach.toml"
    config.write_text(f'[markers]\nhip = "{typed}"\n', encoding="utf-8")
    result = run_coach("check-config", "--config", str(config))
    assert result.returncode == 0, result.stderr
