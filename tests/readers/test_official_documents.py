"""An official document typed in Word (a letter of congratulation, a speech): its letterhead and
signature tables read as a book shows a letter (readers/officialdoc.py)."""

from __future__ import annotations

import pytest

from publisher.model import html_to_text
from publisher.readers import Source, officialdoc, read

docx = pytest.importorskip("docx")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

BODY = ("Trải qua ba mươi năm xây dựng và trưởng thành, Chi cục đã không ngừng lớn mạnh, hoàn thành xuất sắc "
        "nhiệm vụ được giao, góp phần quan trọng vào sự phát triển của tỉnh nhà.")


def _cell(cell, lines, breaks):
    """Lines as Word users type them: a paragraph each, or line breaks (Shift+Enter) in one."""
    if breaks:
        cell.text = "\n".join(lines)
        return
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _letter(tmp_path, breaks=False, motto="Độc lập - Tự do - Hạnh phúc", signature=True, listing=True):
    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    _cell(head.cell(0, 0), ["UBND TỈNH BẠCH VÂN", "SỞ NỘI VỤ", "Số: 125/SNV-VP"], breaks)
    _cell(head.cell(0, 1), ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto, "Bạch Vân, ngày 10 tháng 10 năm 2026"], breaks)
    title = document.add_paragraph()
    title.add_run("THƯ CHÚC MỪNG").bold = True
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Kính gửi: Lãnh đạo và toàn thể cán bộ, công chức Chi cục.")
    document.add_paragraph(BODY)
    if signature:
        end = document.add_table(rows=1, cols=2)
        _cell(end.cell(0, 0), ["Nơi nhận:", "- Như trên;", "- Lưu: VT."] if listing else [""], breaks)
        _cell(end.cell(0, 1), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "Trần Văn Minh"], breaks)
    path = tmp_path / "manuscripts" / "thu-chuc-mung.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return read(Source(path=path, rel="manuscripts/thu-chuc-mung.docx", root=tmp_path))


@pytest.mark.parametrize("breaks", [False, True])
def test_a_letter_reads_as_a_book_shows_it(tmp_path, breaks):
    result = _letter(tmp_path, breaks)
    article = result.article
    assert html_to_text(article.title) == "THƯ CHÚC MỪNG"  # found under the letterhead, not the file name
    assert article.authors == ["Trần Văn Minh"]
    kinds = [(b.kind, b.text) for b in article.blocks]
    assert kinds == [("paragraph", "Kính gửi: Lãnh đạo và toàn thể cán bộ, công chức Chi cục."), ("paragraph", BODY),
                     ("byline", "Bạch Vân, ngày 10 tháng 10 năm 2026"), ("byline", "KT. GIÁM ĐỐC"),
                     ("byline", "PHÓ GIÁM ĐỐC")]
    left_out = [d.message for d in result.diagnostics if d.code == "docx-letterhead"]
    assert any("the official letterhead is left out: UBND TỈNH BẠCH VÂN / SỞ NỘI VỤ / Số: 125/SNV-VP" in m
               for m in left_out)
    assert any("the distribution list at the end is left out: Nơi nhận: / - Như trên; / - Lưu: VT." in m
               for m in left_out)
    assert not [d for d in result.diagnostics if d.code == "docx-title" and d.level == "warning"]


def test_a_signature_without_a_distribution_list(tmp_path):
    article = _letter(tmp_path, listing=False).article
    assert article.authors == ["Trần Văn Minh"]
    assert not [b for b in article.blocks if b.kind == "table"]


def test_without_a_signature_the_date_line_ends_the_text(tmp_path):
    article = _letter(tmp_path, signature=False).article
    assert [(b.kind, b.text) for b in article.blocks][-1] == ("byline", "Bạch Vân, ngày 10 tháng 10 năm 2026")


@pytest.mark.parametrize("motto", ["ĐỘC LẬP – TỰ DO – HẠNH PHÚC", "Độc lập—Tự do—Hạnh phúc"])
def test_the_national_motto_is_found_in_any_case_and_dash(motto):
    assert officialdoc.letterhead([["SỞ NỘI VỤ"], [motto]], 1)


def test_a_table_of_the_text_is_neither():
    # A table of data that names the country, and a two-column table of people and their work.
    rows = [["Năm"], ["Sự kiện"], ["1996"], ["Thành lập, theo quyết định của Cộng hòa xã hội chủ nghĩa Việt Nam"],
            ["2008"], ["Lũ lớn"], ["2016"], ["20 năm"], ["2026"], ["30 năm"]]
    assert not officialdoc.letterhead(rows, 5)
    assert officialdoc.signature([["Người thực hiện"], ["Nguyễn Văn An"]], 1) is None
    assert officialdoc.signature([["Nơi nhận:"], ["Ghi chú về nhiệm vụ của phòng trong năm tới và các năm sau nữa"]], 1) is None
    assert officialdoc.signature([["Nơi nhận:", "- Lưu: VT."], ["GIÁM ĐỐC", "Trần Văn Minh"]], 1) == \
        (["GIÁM ĐỐC", "Trần Văn Minh"], ["Nơi nhận:", "- Lưu: VT."])


def test_a_letterhead_below_the_text_is_kept_as_a_table(tmp_path):
    """Only a letterhead above the text is one: the same table after a paragraph is the text's."""
    document = docx.Document()
    document.add_heading("Văn bản lưu trữ tiêu biểu", 1)
    document.add_paragraph(BODY)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "SỞ NỘI VỤ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    path = tmp_path / "manuscripts" / "van-ban.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    article = read(Source(path=path, rel="manuscripts/van-ban.docx", root=tmp_path)).article
    assert [b.kind for b in article.blocks] == ["paragraph", "table"]
