"""Word text boxes (DrawingML and VML, alone or as mc:AlternateContent pairs) come into the text once."""

from __future__ import annotations

from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
pytest.importorskip("mammoth")
from docx.oxml import parse_xml  # noqa: E402

from publisher.readers import Source, read  # noqa: E402

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def content(*paragraphs: str) -> str:
    return "<w:txbxContent>" + "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs) + \
        "</w:txbxContent>"


def shape(*paragraphs: str) -> str:
    return f'<wps:wsp><wps:spPr/><wps:txbx>{content(*paragraphs)}</wps:txbx><wps:bodyPr/></wps:wsp>'


def drawing(inner: str) -> str:
    return ('<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:extent cx="1000" cy="1000"/><wp:docPr id="1" name="Hộp"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'{inner}</a:graphicData></a:graphic></wp:anchor></w:drawing>')


def vml(*paragraphs: str) -> str:
    return f'<w:pict><v:shape style="width:100pt;height:50pt"><v:textbox>{content(*paragraphs)}</v:textbox></v:shape></w:pict>'


def run(xml: str):
    return parse_xml(f"<w:r {NS}>{xml}</w:r>")


def make(path: Path, anchors: list[tuple[str, list[str]]]) -> Path:
    document = docx.Document()
    document.add_heading("Lịch sử Chi cục qua các thời kỳ", level=1)
    for text, runs in anchors:
        paragraph = document.add_paragraph(text)
        for xml in runs:
            paragraph._p.append(run(xml))
    document.add_paragraph("Đoạn kết của bài viết.")
    document.save(path)
    return path


def paragraphs(tmp_path: Path, path: Path):
    result = read(Source(path=path, rel=path.name, root=tmp_path))
    return [b.text for b in result.article.blocks], result.diagnostics


def test_drawingml_box_without_fallback_is_kept_after_its_paragraph(tmp_path):
    path = make(tmp_path / "a.docx", [
        ("Năm 1996, Chi cục được thành lập.", [drawing(shape("Hộp: Quyết định số 120/QĐ-UB", "ngày 20/10/1996."))]),
        ("Năm 2006, Chi cục chuyển về trụ sở mới.", []),
    ])
    texts, diagnostics = paragraphs(tmp_path, path)
    assert texts == ["Năm 1996, Chi cục được thành lập.", "Hộp: Quyết định số 120/QĐ-UB", "ngày 20/10/1996.",
                     "Năm 2006, Chi cục chuyển về trụ sở mới.", "Đoạn kết của bài viết."]
    [note] = [d for d in diagnostics if d.code == "docx-textbox"]
    assert note.message.startswith("1 text box (44 characters) imported")


def test_alternate_content_pair_gives_the_text_once(tmp_path):
    box = ("<mc:AlternateContent><mc:Choice Requires=\"wps\">" + drawing(shape("Trích dẫn trong hộp.")) +
           "</mc:Choice><mc:Fallback>" + vml("Trích dẫn trong hộp.") + "</mc:Fallback></mc:AlternateContent>")
    path = make(tmp_path / "b.docx", [("Đoạn neo hộp.", [box])])
    texts, _ = paragraphs(tmp_path, path)
    assert texts == ["Đoạn neo hộp.", "Trích dẫn trong hộp.", "Đoạn kết của bài viết."]


def test_vml_box_and_a_group_of_two_boxes_in_reading_order(tmp_path):
    group = drawing('<wpg:wgp><wpg:grpSpPr/>' + shape("Hộp một.") + shape("Hộp hai.") + "</wpg:wgp>")
    path = make(tmp_path / "c.docx", [
        ("Đoạn thứ nhất.", [vml("Hộp VML.")]),
        ("Đoạn thứ hai.", [group, drawing(shape("Hộp ba, chứa " + "một hộp lồng."))]),
    ])
    texts, diagnostics = paragraphs(tmp_path, path)
    assert texts == ["Đoạn thứ nhất.", "Hộp VML.", "Đoạn thứ hai.", "Hộp một.", "Hộp hai.",
                     "Hộp ba, chứa một hộp lồng.", "Đoạn kết của bài viết."]
    assert any(d.code == "docx-textbox" and d.message.startswith("4 text boxes") for d in diagnostics)


def test_a_box_inside_a_box_follows_its_own_anchor(tmp_path):
    inner = drawing(shape("Hộp trong."))
    outer = ('<w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="2" name="n"/><a:graphic>'
             '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
             '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Hộp ngoài.</w:t></w:r><w:r>' + inner +
             '</w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing>')
    path = make(tmp_path / "d.docx", [("Neo.", [outer])])
    texts, _ = paragraphs(tmp_path, path)
    assert texts == ["Neo.", "Hộp ngoài.", "Hộp trong.", "Đoạn kết của bài viết."]


def test_docx_news_teaser_is_dropped(tmp_path):
    lead = "Sáng 12/3, Chi cục Văn thư – Lưu trữ tổ chức hội nghị tổng kết công tác năm 2025."
    second = "Hội nghị đã đánh giá kết quả chỉnh lý tài liệu tồn đọng tại các cơ quan."
    document = docx.Document()
    document.add_heading("Hội nghị tổng kết năm 2025", level=1)
    document.add_paragraph(lead + second.replace(" ", " ", 1) + "Toàn cảnh hội nghị...")
    for text in (lead, second, "Toàn cảnh hội nghị tổng kết", "Đoạn thứ ba của bài viết, khá dài."):
        document.add_paragraph(text)
    document.save(tmp_path / "tin.docx")
    result = read(Source(path=tmp_path / "tin.docx", rel="tin.docx", root=tmp_path))
    assert [b.text for b in result.article.blocks][:2] == [lead, second]
    assert any(d.code == "docx-teaser" for d in result.diagnostics)
