"""`publisher build --profile booklet`: pages imposed 2-up in saddle-stitch order on landscape sheets."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest

from publisher.booklet import BookletError, saddle_order, sheet_mm
from tests.conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

MM = 72 / 25.4


def test_saddle_order_of_eight_pages():
    assert saddle_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


def test_the_sheet_is_the_smallest_a_size_holding_two_pages():
    assert sheet_mm((145, 205), None) == (297.0, 210.0)  # A4 landscape
    assert sheet_mm((105, 148), "auto") == (210.0, 148.0)  # A5 landscape
    assert sheet_mm((170, 240), None) == (420.0, 297.0)  # A3
    with pytest.raises(BookletError):
        sheet_mm((170, 240), "A4")


def page_words(pdf, number: int) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_booklet_pdf_has_a4_landscape_sheets_in_saddle_order(tmp_path):
    articles = {f"{n:02d}-bai.md": f"# Bài số {n}\n\nTrang của bài số {n}.\n" for n in range(1, 6)}
    root = make_project(tmp_path, articles, '[book]\ntitle = "Sách thử"\n[cover]\npaper_thickness_mm = 0.5\n')
    result = run_cli("build", str(root), "--format", "pdf", "--profile", "booklet")
    assert result.returncode == 0, result.stderr
    booklet = root / "dist" / "sach-thu-booklet.pdf"
    with pikepdf.open(booklet) as pdf:
        sides = len(pdf.pages)
        for page in pdf.pages:
            box = [float(v) for v in page.MediaBox]
            assert abs(box[2] - 297 * MM) < 0.5 and abs(box[3] - 210 * MM) < 0.5, "A4 landscape"
    assert sides % 2 == 0 and sides >= 4
    pages = 2 * sides  # the book padded to a multiple of 4
    order = saddle_order(pages)
    # Each article is on a page of its own: find on which side and half of a sheet its text is.
    found = {}
    for side in range(sides):
        with pikepdf.open(booklet) as pdf:
            width = float(pdf.pages[side].MediaBox[2])
        for half, (x0, x1) in enumerate(((0, width / 2), (width / 2, width))):
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(side + 1), "-l", str(side + 1),
                                   "-x", str(int(x0)), "-y", "0", "-W", str(int((x1 - x0))), "-H", "1000",
                                   str(booklet), "-"], capture_output=True, text=True, check=True).stdout
            for n in range(1, 6):
                if f"Trang của bài số {n}." in text:  # the body, not the contents or a head
                    found.setdefault(n, order[side][half])
    assert sorted(found) == [1, 2, 3, 4, 5]
    indexes = [found[n] for n in range(1, 6)]
    assert indexes == sorted(indexes) and len(set(indexes)) == 5, "articles in book order once folded"
    assert indexes[0] >= 2, "the half-title and title page come first"
