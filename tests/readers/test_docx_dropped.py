"""Charts, SmartArt diagrams and equations in Word files: left out of the book, each kind named in a warning."""

from __future__ import annotations

import pytest

from publisher.readers import Source, docxdropped, read

docx = pytest.importorskip("docx")
from docx.oxml import parse_xml  # noqa: E402

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
       'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
       'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')


def _drawing(data: str) -> str:
    """A paragraph holding one inline DrawingML object with ``data`` as its graphic data."""
    return (f'<w:p {_NS}><w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/>'
            f'<wp:docPr id="9" name="Object"/><a:graphic><a:graphicData uri="urn:object">{data}</a:graphicData>'
            '</a:graphic></wp:inline></w:drawing></w:r></w:p>')


CHART = _drawing('<c:chart r:id="rId90"/>')
SMARTART = _drawing('<dgm:relIds r:dm="rId91" r:lo="rId92" r:qs="rId93" r:cs="rId94"/>')
EQUATION = (f'<w:p {_NS}><m:oMathPara><m:oMath><m:r><m:t>S = πr²</m:t></m:r></m:oMath></m:oMathPara></w:p>')
INLINE_EQUATION = f'<w:p {_NS}><w:r><w:t>Tỉ lệ </w:t></w:r><m:oMath><m:r><m:t>x/y</m:t></m:r></m:oMath></w:p>'


def _word_file(tmp_path, *objects: str):
    document = docx.Document()
    document.add_heading("Báo cáo tổng kết", 1)
    document.add_paragraph("Kết quả số hóa tài liệu qua các năm.")
    body = document.element.body
    for xml in objects:
        body.insert(len(body) - 1, parse_xml(xml))  # before the section properties
    path = tmp_path / "manuscripts" / "bao-cao.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return read(Source(path=path, rel="manuscripts/bao-cao.docx", root=tmp_path))


def test_charts_smartart_and_equations_are_each_named_in_a_warning(tmp_path):
    result = _word_file(tmp_path, CHART, CHART, SMARTART, EQUATION, INLINE_EQUATION)
    warnings = {d.message: d for d in result.diagnostics if d.code == "docx-dropped"}
    assert set(warnings) == {
        "2 charts made in Word (Insert > Chart) are left out: the book cannot show them from a Word file",
        "1 SmartArt diagram (an organisation chart, a process) is left out: the book cannot show it from a Word file",
        "2 equations are left out: the book cannot show them from a Word file"}
    assert all(d.level == "warning" and d.path == "manuscripts/bao-cao.docx" for d in warnings.values())
    assert "Paste Special > Picture" in warnings[next(m for m in warnings if "chart" in m)].hint
    assert result.article.blocks  # the text around them is read as ever
    assert not [d for d in result.diagnostics if "oMath" in d.message]  # mammoth's own note, said better above


def test_a_word_file_without_them_has_no_such_warning(tmp_path):
    result = _word_file(tmp_path)
    assert not [d for d in result.diagnostics if d.code == "docx-dropped"]


def test_a_chart_with_a_picture_for_older_word_is_not_called_lost():
    """Word saves newer charts in mc:AlternateContent with a picture as the fallback, which mammoth shows."""
    fallback = ('<w:r><w:drawing><wp:inline><wp:docPr id="3" name="p"/><a:graphic><a:graphicData uri="urn:p">'
                '<pic:pic><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
                '</wp:inline></w:drawing></w:r>')
    chart = _drawing('<c:chart r:id="rId90"/>').split("<w:r>", 1)[1].rsplit("</w:p>", 1)[0]
    with_picture = (f'<w:document {_NS}><w:body><w:p><mc:AlternateContent><mc:Choice Requires="cx"><w:r>{chart}'
                    f'</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:p></w:body></w:document>')
    assert docxdropped.dropped(with_picture.encode()) == []
    without = with_picture.replace(fallback, "")
    assert [d.count for d in docxdropped.dropped(without.encode())] == [1]


def test_a_damaged_document_part_is_left_to_mammoth():
    assert docxdropped.dropped(b"<w:document><c:chart") == []
