"""Output profiles: print (bleed, marks, boxes, PDF/X, signature), screen (tagged, small), proof."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from ..conftest import ROOT, make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

MM = 72 / 25.4
CMYK_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian libgs-common


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def profiles(tmp_path_factory) -> dict[str, Path]:
    """The sample book as a screen PDF and a proof PDF (the print PDF is the session's sample_build)."""
    out = tmp_path_factory.mktemp("profiles")
    found = {}
    for name in ("screen", "proof"):
        result = run_cli("build", str(ROOT), "--format", "pdf", "--profile", name, "--out", str(out),
                         env={"COLUMNS": "250"})
        assert result.returncode == 0, result.stderr + result.stdout
        found[name] = out / f"ky-yeu-30-nam-{name}.pdf"
        assert found[name].exists(), list(out.iterdir())
        rows = [line for line in result.stdout.splitlines() if f"ky-yeu-30-nam-{name}.pdf" in line]
        assert any(re.search(r"\s\d+ [KM]B\s", row) for row in rows), f"the size is reported: {rows}"
    return found


def boxes(page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}


def test_print_pdf_has_trim_and_bleed_boxes_on_every_page(sample_build):
    with pikepdf.open(sample_build["pdf"]) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            b = boxes(page)
            trim, bleed, media = b["TrimBox"], b["BleedBox"], b["MediaBox"]
            assert abs(trim[2] - trim[0] - 145 * MM) < 0.05 and abs(trim[3] - trim[1] - 205 * MM) < 0.05, number
            for side in range(2):
                assert abs(trim[side] - bleed[side] - 3 * MM) < 0.05, number
                assert abs(bleed[side + 2] - trim[side + 2] - 3 * MM) < 0.05, number
                assert media[side] < bleed[side] and media[side + 2] > bleed[side + 2], "room for crop marks"


def test_print_pdf_is_pdfx4_with_an_output_intent_and_padded_to_the_signature(sample_build):
    with pikepdf.open(sample_build["pdf"]) as pdf:
        assert len(pdf.pages) % 4 == 0
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "PDF/X-4" in xmp
    # The imprint stays the last page: the padding goes before it.
    last = subprocess.run(["pdftotext", "-f", str(len(PdfReader(sample_build["pdf"]).pages)), str(sample_build["pdf"]),
                           "-"], capture_output=True, text=True).stdout
    assert "Sách không bán" in last


def test_crop_marks_are_drawn_outside_the_bleed(sample_build, tmp_path):
    """Rasterised, the strip between the bleed box and the sheet's edge has dark marks; the bleed strip is clean."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "72", "-f", "7", "-l", "7", "-gray", "-png", str(sample_build["pdf"]),
                    str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    slug = round(6 * MM)  # media box = trim + 3 mm bleed + 6 mm for the marks
    top_strip = image.crop((0, 0, image.width, slug - 2))
    assert min(top_strip.get_flattened_data()) < 100, "no crop marks above the bleed"
    bleed_strip = image.crop((0, slug + 1, image.width, slug + round(3 * MM) - 1))
    inner = bleed_strip.crop((slug + round(3 * MM) + 3, 0, bleed_strip.width - slug - round(3 * MM) - 3, bleed_strip.height))
    assert min(inner.get_flattened_data()) > 200, "marks inside the bleed"


def test_screen_pdf_is_smaller_tagged_and_without_bleed(profiles, sample_build):
    screen = profiles["screen"]
    assert screen.stat().st_size < sample_build["pdf"].stat().st_size * 0.85
    with pikepdf.open(screen) as pdf:
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        page = pdf.pages[0]
        b = boxes(page)
        assert b["MediaBox"] == b["TrimBox"] == b["BleedBox"]
        assert "/OutputIntents" not in pdf.Root
        widths = [int(image.Width) for p in pdf.pages for image in p.get_images().values()]
        assert widths and max(widths) <= round(145 / 25.4 * 150), "images downsampled to 150 dpi"
    reader = PdfReader(screen)
    assert len(reader.outline) >= 3
    assert reader.page_labels[0] == "i" and "1" in reader.page_labels


def test_proof_has_watermark_date_and_source_files(profiles, sample_build):
    proof = profiles["proof"]
    extracted = text(proof)
    assert "BẢN THẢO" in extracted
    assert "2026-10-20" in extracted
    for part in sample_build["book"]["parts"]:
        for article in part["articles"]:
            assert article["source"] in extracted, article["source"]
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(proof), "-"], capture_output=True, text=True).stdout
    assert "manuscripts/" not in first, "no source file on the cover"


def test_an_unknown_profile_is_a_clear_error(tmp_path):
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n"})
    result = run_cli("build", str(root), "--profile", "web")
    assert result.returncode == 2
    assert "no output profile named 'web'" in result.stderr and "print, screen, proof" in result.stderr


def test_configured_bleed_and_signature(tmp_path):
    toml = """
    [book]
    title = "Sách thử"
    [output.print]
    bleed_mm = 5
    signature = 16
    """
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n"}, toml)
    result = run_cli("build", str(root), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        assert len(pdf.pages) == 16
        for page in pdf.pages:
            b = boxes(page)
            assert abs(b["TrimBox"][0] - b["BleedBox"][0] - 5 * MM) < 0.05


@pytest.mark.skipif(not CMYK_ICC.exists(), reason="needs Debian's libgs-common (ghostscript's CMYK profile)")
def test_a_cmyk_profile_makes_every_colour_cmyk_and_names_the_output_intent(tmp_path):
    toml = """
    [book]
    title = "Sách thử"
    [output.print]
    icc_profile = "cmyk.icc"
    """
    png = (ROOT / "images" / "tru-so-chi-cuc.jpg").read_bytes()
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                   "![Ảnh](../images/a.jpg)\n"}, toml, {"images/a.jpg": png})
    shutil.copy(CMYK_ICC, root / "cmyk.icc")
    result = run_cli("build", str(root), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert "Artifex" in str(intent.OutputConditionIdentifier)
        assert int(intent.DestOutputProfile.N) == 4
        operators = set()
        for page in pdf.pages:
            operators |= {str(op) for _, op in pikepdf.parse_content_stream(page)}
            for image in page.get_images().values():
                assert image.ColorSpace == "/DeviceCMYK"
        assert "rg" not in operators and "RG" not in operators
        assert "k" in operators
