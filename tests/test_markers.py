"""`coach markers`: discs that measure 5 cm on paper."""

import re
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

from coach.app.markers import pdf_sheet, png_sheet
from coach.settings import MarkerSettings

MM_PER_POINT = 25.4 / 72


def test_the_pdf_is_a4_with_5_cm_discs_in_the_configured_colours():
    pdf = pdf_sheet(MarkerSettings()).decode("latin-1")
    width, height = map(float, re.search(r"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width * MM_PER_POINT), round(height * MM_PER_POINT)) == (210, 297)
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


def test_the_png_stores_its_dpi_and_its_discs_measure_5_cm():
    page, dpi = _decode(png_sheet(MarkerSettings()))
    assert dpi == 300
    assert page.shape[:2] == (3508, 2480)
    yellow = np.all(page == (255, 212, 0), axis=-1)
    row = yellow[yellow.any(axis=1)].sum(axis=1).max()  # widest row of the two discs
    assert row / 2 / dpi * 25.4 == pytest.approx(50.0, abs=0.5)


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
