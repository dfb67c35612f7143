"""A book whose manuscripts mix every input kind builds to a valid EPUB and an NFC PDF in one tone style.

The manuscripts: Markdown (UTF-8), a UTF-8 news article (.txt), Windows-1258, TCVN3 and
VNI text files, an NFD Markdown file in the new tone style, and a Word file with runs in
.VnTime, .VnTimeH and VNI-Times. Each holds words whose tone mark the two styles place
differently, some in the old style and some in the new, so the book is only in one style
if the normaliser reached every one of them.
"""

from __future__ import annotations

import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from publisher.legacy import encode_tcvn3, encode_vni, surface_to_bytes
from publisher.model import html_to_text
from publisher.normalize.tones import detect_tone_styles

from .conftest import run_cli
from .render.test_epub import epubcheck
from .test_encodings import encode_cp1258

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

docx = pytest.importorskip("docx")
pytest.importorskip("mammoth")

# old-style form -> new-style form, for every word the manuscripts hold in either style
WORDS = {"hòa": "hoà", "thủy": "thuỷ", "khỏe": "khoẻ", "tụy": "tuỵ", "họa": "hoạ", "HÒA": "HOÀ"}

MARKDOWN = """---
title: Lời mở đầu
author: Trần Thị Minh Hạnh
date: 2026-03-15
---

Chúng tôi giữ gìn hòa bình và sức khỏe của mọi người.[^1]

## Một mục nhỏ

Mục này có *chữ nghiêng* và **chữ đậm**.

[^1]: Chú thích viết theo kiểu cũ: thủy chung.
"""

NEWS = """Thứ tư,  20/10/2021

Ngày hội của những người giữ ký ức

LSO-Sáng 20/10, Chi cục tổ chức ngày hội truyền thống với không khí hoà hợp...

LSO-Sáng 20/10, Chi cục tổ chức ngày hội truyền thống với không khí hoà hợp, vui tươi và đầy tình cảm.
Các đồng chí lãnh đạo đã tặng hoa chúc mừng cán bộ có thành tích.
Lãnh đạo Cục trao bằng khen cho các cá nhân
Buổi lễ kết thúc trong không khí ấm áp, mọi người chúc nhau sức khoẻ.

Nguyễn Văn An
"""

CP1258 = """Công trình thuỷ lợi của xã

Năm ấy, cả xã cùng nhau đào kênh dẫn nước về đồng. Công trình thuỷ lợi hoàn thành sau
ba tháng, nước về tận từng thửa ruộng, mùa màng bội thu.

Người dân nhớ mãi những ngày lao động ấy, vất vả mà vui.

Lê Thị Bích
"""

TCVN3 = """Nhà máy thủy điện trên sông

Những người thợ đã làm việc ngày đêm để dựng nên nhà máy thủy điện. Họ kể lại rằng
mùa mưa năm ấy, nước sông dâng cao, cả công trường phải làm thêm giờ.

Đó là những kỷ niệm khó quên của một thời tuổi trẻ.

Phạm Văn Đức
"""

VNI = """Giữ gìn sức khoẻ cho người cao tuổi

Hội người cao tuổi của phường tổ chức tập dưỡng sinh mỗi sáng. Các cụ nói rằng nhờ tập
đều đặn mà ai cũng khoẻ hơn, vui vẻ hơn, sống tận tuỵ với con cháu.

Phong trào đã lan ra khắp các tổ dân phố.

Hoàng Thị Mai
"""

NFD_MARKDOWN = """# Bức hoạ về dòng sông

Bức hoạ vẽ dòng sông quê, nơi mọi người sống hoà thuận và thuỷ chung với nhau.

Người hoạ sĩ đã dành cả đời cho quê hương.
"""


def word_file(path: Path) -> None:
    document = docx.Document()
    title = document.add_paragraph(style="Title")
    title.add_run(encode_tcvn3("sống hòa nhập")).font.name = ".VnTimeH"  # drawn as capitals: SỐNG HÒA NHẬP
    body = document.add_paragraph()
    body.add_run(encode_tcvn3("Đơn vị luôn giữ tinh thần đoàn kết, hoà hợp; ")).font.name = ".VnTime"
    body.add_run(encode_vni("mọi người tận tụy với công việc và giữ gìn sức khoẻ.")).font.name = "VNI-Times"
    body.add_run(" Chữ Unicode giữ nguyên.").font.name = "Times New Roman"
    document.add_paragraph("Bài viết do Văn phòng Chi cục cung cấp.")
    document.save(path)


def make_book(root: Path, tone_style: str) -> Path:
    folder = root / "manuscripts"
    folder.mkdir(parents=True)
    (root / "book.toml").write_text(
        f'[book]\ntitle = "Sách nhiều nguồn"\ndate = 2026-10-20\n\n[normalize]\ntone_style = "{tone_style}"\n',
        encoding="utf-8")
    (folder / "01-loi-mo-dau.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "02-tin-utf8.txt").write_text(NEWS, encoding="utf-8")
    (folder / "03-cp1258.txt").write_bytes(encode_cp1258(CP1258))
    (folder / "04-tcvn3.txt").write_bytes(surface_to_bytes(encode_tcvn3(TCVN3)))
    (folder / "05-vni.txt").write_bytes(surface_to_bytes(encode_vni(VNI)))
    (folder / "06-nfd.md").write_bytes(unicodedata.normalize("NFD", NFD_MARKDOWN).encode("utf-8"))
    word_file(folder / "07-word.docx")
    return root


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return " ".join(html_to_text(archive.read(name).decode("utf-8"))
                        for name in archive.namelist() if name.endswith(".xhtml"))


@pytest.mark.parametrize("style", ["old", "new"])
def test_mixed_inputs_build_in_one_tone_style(tmp_path, style):
    root = make_book(tmp_path / "book", style)
    check = run_cli("check", str(root), "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    for encoding in ("cp1258", "tcvn3", "vni"):
        assert f"converted from {encoding} (confidence" in check.stdout
    assert "mixed tone-mark styles" in check.stdout  # 01 and 02 use one style each; 07 both

    result = run_cli("build", str(root), "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr + result.stdout
    epub = next((tmp_path / "dist").glob("*.epub"))
    pdf = next((tmp_path / "dist").glob("*.pdf"))

    report = epubcheck(epub)
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == []

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    wanted = WORDS if style == "old" else {new: old for old, new in WORDS.items()}
    for content in (text, epub_text(epub)):
        assert unicodedata.is_normalized("NFC", content)
        words = set(content.replace("\u00a0", " ").split())
        stripped = {w.strip(".,;:!?“”()[]") for w in words}
        assert detect_tone_styles(content) == {style}
        for good, bad in wanted.items():
            assert good in stripped, good
            assert bad not in stripped, bad
    # Every input reached the PDF, legacy ones converted exactly.
    for phrase in ("Lời mở đầu", "Ngày hội của những người giữ ký ức", "Lãnh đạo Cục trao bằng khen",
                   "Nhà máy", "Phạm Văn Đức", "Hội người cao tuổi", "Bức", "Chữ Unicode giữ nguyên",
                   "Công trình", "Lê Thị Bích"):
        assert phrase in text, phrase
    assert ("SỐNG HÒA NHẬP" if style == "old" else "SỐNG HOÀ NHẬP") in text
