"""Word files: only a heading above the body text is the title; a guessed author is a person's name."""

from __future__ import annotations

from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
pytest.importorskip("mammoth")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from publisher.readers import Source, read  # noqa: E402

BODY = ("Trong năm qua, đơn vị đã hoàn thành chỉnh lý hơn 300 mét giá tài liệu tồn đọng "
        "và đưa vào sử dụng kho lưu trữ mới.")


def read_docx(tmp_path: Path, document) -> tuple:
    path = tmp_path / "bao-cao.docx"
    document.save(path)
    result = read(Source(path=path, rel=path.name, root=tmp_path))
    return result.article, result.diagnostics


def test_a_heading_1_after_body_text_stays_where_it_is(tmp_path):
    document = docx.Document()
    document.add_paragraph(BODY)
    document.add_heading("Phương hướng năm 2026", level=1)
    document.add_paragraph("Tiếp tục số hóa tài liệu có giá trị bảo quản vĩnh viễn.")
    article, diagnostics = read_docx(tmp_path, document)
    assert article.title == "bao-cao"  # not the heading from the middle
    assert [(b.kind, b.text) for b in article.blocks][:2] == [("paragraph", BODY), ("heading", "Phương hướng năm 2026")]
    assert any(d.code == "docx-title" and "comes after body text" in d.message for d in diagnostics)


def test_a_heading_after_a_letterhead_is_the_title(tmp_path):
    document = docx.Document()
    document.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    document.add_heading("Báo cáo tổng kết công tác năm 2025", level=1)
    document.add_paragraph(BODY)
    article, _ = read_docx(tmp_path, document)
    assert article.title == "Báo cáo tổng kết công tác năm 2025"


@pytest.mark.parametrize("signature, authors", [
    (["TRƯỞNG BAN", "Nguyễn Văn Hùng"], ["Nguyễn Văn Hùng"]),
    (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TRẦN THỊ MAI"], ["Trần Thị Mai"]),
    (["TRƯỞNG BAN"], []),
    (["Giám đốc Sở"], []),
    (["BAN BIÊN TẬP"], []),
])
def test_an_office_title_is_never_the_author(tmp_path, signature, authors):
    document = docx.Document()
    document.add_heading("Báo cáo tổng kết", level=1)
    document.add_paragraph(BODY)
    for line in signature:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    article, _ = read_docx(tmp_path, document)
    assert article.authors == authors
    kept = [b.text for b in article.blocks if b.kind == "byline"]
    assert kept == signature[:len(signature) - len(authors)]


@pytest.mark.parametrize("line, person", [
    ("Nguyễn Linh Chi", True), ("Đăng Khoa", True), ("Xuân Trường", True), ("Th. Hà", True),
    ("NGUYỄN VĂN AN", True), ("Nghiêm Xuân Khuyến", True), ("THU HÀ", True),
    ("NGƯỜI LẬP BIỂU", False), ("LỄ KỶ NIỆM", False),
    ("TRƯỞNG BAN", False), ("PHÓ CHỦ TỊCH", False), ("Chánh Văn phòng", False), ("Hà Nội", False),
    ("BAN BIÊN TẬP", False), ("Phóng viên Minh", False), ("Công ty Cổ phần", False),
])
def test_looks_like_a_person(line, person):
    from publisher.readers.names import looks_like_person

    assert looks_like_person(line) is person


def test_standard_styles_are_read_silently_and_made_up_ones_reported(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    styles = document.styles
    for name in ("Tiêu đề 1", "First Paragraph", "Normal (Web)", "Compact", "Block Text", "Thân văn bản",
                 "Kiểu riêng của phòng"):
        styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Lịch sử hình thành", style="Tiêu đề 1")
    for name in ("First Paragraph", "Body Text", "Normal (Web)", "List Paragraph", "Compact", "No Spacing",
                 "Thân văn bản", "Kiểu riêng của phòng"):
        document.add_paragraph(f"Đoạn văn kiểu {name}.", style=name)
    document.add_paragraph("Một đoạn trích dẫn dài.", style="Block Text")
    paragraph = document.add_paragraph("Chữ ")
    paragraph.add_run("nghiêng", style="Emphasis")
    article, diagnostics = read_docx(tmp_path, document)
    assert article.title == "Lịch sử hình thành"
    assert [b.kind for b in article.blocks] == ["paragraph"] * 8 + ["quote", "paragraph"]
    assert article.blocks[-1].html == "Chữ <em>nghiêng</em>"
    unrecognised = [d.message for d in diagnostics if "Unrecognised" in d.message]
    assert len(unrecognised) == 1 and "Kiểu riêng của phòng" in unrecognised[0]
