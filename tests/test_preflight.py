"""`publisher preflight` reads the built PDFs back and lists what a print house would reject."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from tests.conftest import ROOT, make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

CMYK_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian libgs-common


def png(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def findings(root: Path, *args: str) -> tuple[int, list[dict]]:
    result = run_cli("preflight", str(root), "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


def test_the_sample_book_passes(sample_build):
    code, found = findings(ROOT, "--out", str(sample_build["out"]))
    assert [f for f in found if f["level"] == "error"] == [] and code == 0, found


def test_low_resolution_images_a_lost_page_and_a_missing_imprint_are_reported(tmp_path):
    toml = """
    [book]
    title = "Sách thử"
    isbn = "978-604-0-00000-2"
    [imprint]
    registration_number = "1-2026/CXBIPH/1-1/SN"
    """
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n\n![Ảnh nhỏ](../images/nho.png)\n"}, toml,
                        {"images/nho.png": png(160, 120)})
    result = run_cli("build", str(root), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    code, found = findings(root)
    assert code == 1
    low = [f for f in found if f["code"] == "low-resolution"]
    assert low and low[0]["level"] == "error" and low[0]["page"] >= 1 and " dpi" in low[0]["message"]
    imprint = {f["message"] for f in found if f["code"] == "imprint"}
    assert any("publishing decision" in m for m in imprint) and any("legal-deposit" in m for m in imprint)
    assert not any("registration number" in m for m in imprint), "given and printed"
    # A page lost after the build: the count is off the signature.
    pdf_path = root / "dist" / "sach-thu.pdf"
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        del pdf.pages[-1]
        pdf.save(pdf_path)
    _, found = findings(root)
    assert any(f["code"] == "signature" for f in found)
    text = run_cli("preflight", str(root)).stdout
    assert "sach-thu.pdf: page " in text and "errors" in text.splitlines()[-1]


@pytest.mark.skipif(not CMYK_ICC.exists(), reason="needs Debian's libgs-common (ghostscript's CMYK profile)")
def test_rgb_left_in_a_cmyk_pdf_is_reported_with_its_page(tmp_path):
    toml = """
    [book]
    title = "Sách thử"
    [output.print]
    icc_profile = "cmyk.icc"
    """
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n\n![Sơ đồ](../images/so-do.png)\n"}, toml,
                        {"images/so-do.png": png(1800, 1200)})
    shutil.copy(CMYK_ICC, root / "cmyk.icc")
    result = run_cli("build", str(root), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    _, found = findings(root)
    rgb = [f for f in found if f["code"] == "rgb-in-cmyk"]
    assert rgb and all(f["path"].endswith("sach-thu.pdf") for f in rgb)
    import subprocess

    pdf_path = root / "dist" / "sach-thu.pdf"
    with pikepdf.open(pdf_path) as pdf:
        count = len(pdf.pages)
    pages = {n for n in range(1, count + 1)
             if "Sơ đồ" in subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf_path), "-"],
                                          capture_output=True, text=True).stdout}
    assert {f["page"] for f in rgb if "image" in f["message"]} == pages, "the page the PNG is placed on"


def test_a_table_wider_than_the_page_is_reported_as_text_cut_off(tmp_path):
    """A roster of ten columns on the default page: its dates and words cannot shrink, so the table
    runs past the trim, its last column off the sheet. Before, characters beyond the trim were
    passed over (taken for slug information) and only those on it were a warning, "0.0 mm from
    the trim"."""
    roster = ("```roster number=TT\n"
              "Họ và tên,Ngày sinh,Quê quán,Chức vụ,Đơn vị,Ngày vào ngành,Ngày nghỉ hưu,Điện thoại,Ghi chú\n"
              "Nguyễn Văn An,02/01/1967,Bạch Vân,Chuyên viên,Phòng Hành chính,03/08/1987,02/01/2027,0912345678,"
              "Đảng viên\n"
              "Trần Thị Bình,11/12/1975,Ngân Khê,Lưu trữ viên,Kho Lưu trữ,15/09/1998,11/12/2030,0987654321,\n```\n")
    root = make_project(tmp_path, {"01-danh-sach.md": "# Danh sách\n\nNhững người đã công tác.\n\n" + roster})
    assert run_cli("build", str(root), "--format", "pdf").returncode == 0
    code, found = findings(root)
    past = [f for f in found if f["code"] == "text-past-trim"]
    assert code == 1 and len(past) == 1 and past[0]["level"] == "error" and past[0]["page"] >= 1
    assert "Ghi chú" in past[0]["message"] and "columns=" in past[0]["hint"]
