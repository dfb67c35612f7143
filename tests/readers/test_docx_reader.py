"""Tests for publisher.readers.docx and publisher.readers.office.

Every .docx is written here with python-docx; footnotes, which python-docx
cannot write, are added by editing the package's XML parts.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
pytest.importorskip("mammoth")

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from PIL import Image

from publisher.errors import DependencyError, ManuscriptError
from publisher.legacy import encode_tcvn3, encode_vni
from publisher.readers import (
    Source,
    docxpackage,
    libreoffice,
    read,
)


def source(path: Path, root: Path, **options) -> Source:
    return Source(
        path=path, rel=path.relative_to(root).as_posix(), root=root, options=options
    )


def png(color: str = "red") -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(data, "PNG")
    data.seek(0)
    return data


def styled_document() -> docx.document.Document:
    document = docx.Document()
    document.add_paragraph("Lịch sử truyền thống", style="Title")
    document.add_heading("Giai đoạn 1990–2000", 2)
    paragraph = document.add_paragraph("Đơn vị được ")
    paragraph.add_run("thành lập").bold = True
    paragraph.add_run(" năm ")
    paragraph.add_run("1990").italic = True
    paragraph.add_run(" & phát triển <nhanh>.")
    document.add_heading("Thành tích", 3)
    document.add_paragraph("Huân chương Lao động", style="List Bullet")
    document.add_paragraph("Cờ thi đua của Chính phủ", style="List Bullet")
    document.add_paragraph("Bước một", style="List Number")
    document.add_paragraph("Bước hai", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate(
        [("STT", "Họ và tên"), ("1", "Nguyễn Văn An"), ("2", "Trần Thị Bình")]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_picture(png())
    document.add_paragraph("Lễ kỷ niệm 30 năm thành lập", style="Caption")
    document.add_paragraph("Đoàn kết là sức mạnh.", style="Quote")
    document.add_paragraph("Đoạn cuối của bài viết.")
    document.add_paragraph(
        "Lạng Sơn, ngày 20 tháng 10 năm 2021"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("Hoàng Văn Nam").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def test_structure(tmp_path):
    path = tmp_path / "chapters" / "Lịch sử.docx"
    path.parent.mkdir()
    styled_document().save(path)
    result = read(source(path, tmp_path))
    article = result.article
    assert article.title == "Lịch sử truyền thống"
    assert article.source == "chapters/Lịch sử.docx"
    assert article.authors == ["Hoàng Văn Nam"]
    kinds = [(b.kind, b.level) for b in article.blocks]
    assert kinds == [
        ("heading", 2),
        ("paragraph", None),
        ("heading", 3),
        ("list", None),
        ("list", None),
        ("table", None),
        ("figure", None),
        ("quote", None),
        ("paragraph", None),
        ("byline", None),
    ]
    blocks = article.blocks
    assert blocks[1].html == (
        "Đơn vị được <strong>thành lập</strong> năm <em>1990</em> &amp; phát triển &lt;nhanh&gt;."
    )
    assert (
        blocks[3].html
        == "<ul><li>Huân chương Lao động</li><li>Cờ thi đua của Chính phủ</li></ul>"
    )
    assert blocks[4].html == "<ol><li>Bước một</li><li>Bước hai</li></ol>"
    assert blocks[5].html == (
        "<table><thead><tr><th>STT</th><th>Họ và tên</th></tr></thead><tbody>"
        "<tr><td>1</td><td>Nguyễn Văn An</td></tr><tr><td>2</td><td>Trần Thị Bình</td></tr>"
        "</tbody></table>"
    )
    assert blocks[7].html == "<p>Đoàn kết là sức mạnh.</p>"
    assert blocks[9].html == "Lạng Sơn, ngày 20 tháng 10 năm 2021"
    figure = blocks[6]
    assert figure.caption == "Lễ kỷ niệm 30 năm thành lập"
    # Extracted into the cache, content-addressed: the reader never writes into the project.
    from publisher.readers.source import extracted_images_dir

    assert re.fullmatch(r"lich-su-[0-9a-f]{10}\.png", Path(figure.src).name)
    assert Path(figure.src).parent == extracted_images_dir() and Path(figure.src).is_absolute()
    assert Path(figure.src).read_bytes() == png().getvalue()
    assert not (tmp_path / "images").exists()
    assert article.meta["guessed"] == {"byline": "last paragraph"}
    assert not [d for d in result.diagnostics if d.level != "info"]


@pytest.mark.slow
def test_images_are_stable_and_never_overwrite(tmp_path):
    path = tmp_path / "a.docx"
    styled_document().save(path)
    images = tmp_path / "anh"
    first = read(Source(path, "a.docx", tmp_path, images_dir=images)).article
    src = next(b.src for b in first.blocks if b.kind == "figure")
    assert src.startswith("anh/a-")
    second = read(Source(path, "a.docx", tmp_path, images_dir=images)).article
    assert next(b.src for b in second.blocks if b.kind == "figure") == src
    # a different file squatting on the name is kept; the image gets a longer name
    (tmp_path / src).write_bytes(b"not the picture")
    third = read(Source(path, "a.docx", tmp_path, images_dir=images)).article
    other = next(b.src for b in third.blocks if b.kind == "figure")
    assert other != src and len(Path(other).stem) == len("a-") + 40
    assert (tmp_path / src).read_bytes() == b"not the picture"


def add_character_style(document, name: str, font: str):
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.font.name = font
    return style


def test_legacy_font_runs(tmp_path):
    document = docx.Document()
    heading = document.add_paragraph(style="Title")
    heading.add_run(encode_tcvn3("lịch sử đảng bộ")).font.name = ".VnTimeH"
    body = document.add_paragraph()
    body.add_run(encode_tcvn3("Huyện Bảo Thắng, ")).font.name = ".VnTime"
    body.add_run(encode_vni("tỉnh Lào Cai, Việt Nam; ")).font.name = "VNI-Times"
    body.add_run("chữ Unicode giữ nguyên.").font.name = "Times New Roman"
    # a paragraph style in a legacy font: the runs inherit it
    style = document.styles.add_style("Body VN", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = ".VnArial"
    document.add_paragraph(
        encode_tcvn3("Đời sống nhân dân được nâng cao."), style="Body VN"
    )
    # a character style in a VNI font
    add_character_style(document, "VNI text", "VNI-Helve")
    mixed = document.add_paragraph("Sông ")
    mixed.add_run(encode_vni("Hồng chảy qua")).style = "VNI text"
    path = tmp_path / "legacy.docx"
    document.save(path)
    article = read(source(path, tmp_path)).article
    assert encode_tcvn3("Bảo Thắng") == "B¶o Th¾ng"
    assert encode_vni("Việt Nam") == "Vieät Nam"
    assert article.title == "LỊCH SỬ ĐẢNG BỘ"
    assert [b.html for b in article.blocks] == [
        "Huyện Bảo Thắng, tỉnh Lào Cai, Việt Nam; chữ Unicode giữ nguyên.",
        "Đời sống nhân dân được nâng cao.",
        "Sông Hồng chảy qua",
    ]
    assert article.meta["legacy_fonts"] == {
        ".VnArial": 1,
        ".VnTime": 1,
        ".VnTimeH": 1,
        "VNI-Helve": 1,
        "VNI-Times": 1,
    }


def test_document_default_legacy_font(tmp_path):
    document = docx.Document()
    document.styles["Normal"].font.name = ".VnTime"
    document.add_heading("Tiêu đề", 1).runs[0].font.name = "Arial"
    document.add_paragraph(encode_tcvn3("Bảo Thắng"))
    path = tmp_path / "normal.docx"
    document.save(path)
    article = read(source(path, tmp_path)).article
    assert article.title == "Tiêu đề"
    assert article.blocks[0].html == "Bảo Thắng"


FOOTNOTES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>
<w:r><w:t xml:space="preserve"> Theo </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>Lịch sử Đảng bộ</w:t></w:r>
<w:r><w:t xml:space="preserve">, tr. 12.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>
<w:t>B¶o Th¾ng</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def add_footnotes(path: Path) -> None:
    """Add a footnotes part and turn each "[[n]]" run into a footnote reference."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    document = re.sub(
        r"<w:r>(?:(?!</w:r>).)*?<w:t>\[\[(\d+)\]\]</w:t></w:r>",
        r'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="\1"/></w:r>',
        document,
    )
    parts["word/document.xml"] = document.encode("utf-8")
    parts["word/footnotes.xml"] = FOOTNOTES_XML.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    ).encode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_footnotes(tmp_path):
    document = docx.Document()
    document.add_heading("Chú thích", 1)
    paragraph = document.add_paragraph("Đảng bộ huyện")
    paragraph.add_run("[[1]]")
    paragraph.add_run(" ra đời năm 1947 ở Bảo Thắng")
    paragraph.add_run("[[2]]")
    paragraph.add_run(".")
    path = tmp_path / "notes.docx"
    document.save(path)
    add_footnotes(path)
    article = read(source(path, tmp_path)).article
    assert article.blocks[0].html == (
        'Đảng bộ huyện<a class="noteref" href="#note-1">1</a> ra đời năm 1947 ở Bảo Thắng'
        '<a class="noteref" href="#note-2">2</a>.'
    )
    assert [(n.label, n.html) for n in article.footnotes] == [
        ("1", "Theo <em>Lịch sử Đảng bộ</em>, tr. 12."),
        ("2", "Bảo Thắng"),
    ]


def test_a_title_guessed_from_a_partly_bold_paragraph_keeps_its_bold(tmp_path):
    document = docx.Document()
    first = document.add_paragraph()
    first.add_run("Kỷ niệm").bold = True
    first.add_run(" 30 ")
    first.add_run("năm").bold = True
    first.alignment = 1  # centred
    document.add_paragraph("Nội dung bài viết.")
    path = tmp_path / "a.docx"
    document.save(path)
    assert read(source(path, tmp_path)).article.title == "<strong>Kỷ niệm</strong> 30 <strong>năm</strong>"


def test_title_fallbacks(tmp_path):
    document = docx.Document()
    first = document.add_paragraph()
    first.add_run("Kỷ niệm 30 năm").bold = True
    document.add_paragraph("Nội dung bài viết.")
    path = tmp_path / "a.docx"
    document.save(path)
    result = read(source(path, tmp_path))
    assert result.article.title == "Kỷ niệm 30 năm"  # bold was its look as a title, not emphasis
    assert result.article.meta["guessed"]["title"] == "first paragraph"

    document = docx.Document()
    document.core_properties.title = "Tên trong thuộc tính"
    document.add_paragraph("Nội dung bài viết.")
    document.save(path)
    result = read(source(path, tmp_path))
    assert result.article.title == "Tên trong thuộc tính"
    assert any(
        d.code == "docx-title" and d.level == "warning" for d in result.diagnostics
    )


def test_author_style(tmp_path):
    document = docx.Document()
    document.styles.add_style("Author", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Phạm Minh Châu", style="Author")
    document.add_paragraph("Nội dung.")
    path = tmp_path / "a.docx"
    document.save(path)
    article = read(source(path, tmp_path)).article
    assert article.authors == ["Phạm Minh Châu"]
    assert [b.html for b in article.blocks] == ["Nội dung."]


def test_not_a_zip(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file renamed")
    with pytest.raises(ManuscriptError, match="not a zip archive") as info:
        read(source(path, tmp_path))
    assert info.value.path == "broken.docx"


def test_truncated_docx(tmp_path):
    buffer = io.BytesIO()
    styled_document().save(buffer)
    path = tmp_path / "cut.docx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ManuscriptError):
        read(source(path, tmp_path))


def test_zip_without_document(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(ManuscriptError, match="not a Word document"):
        read(source(path, tmp_path))


def test_damaged_document_xml(tmp_path):
    path = tmp_path / "bad.docx"
    styled_document().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:500]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ManuscriptError, match="damaged"):
        read(source(path, tmp_path))


def test_zip_bomb_ratio(tmp_path):
    path = tmp_path / "bomb.docx"
    styled_document().save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(ManuscriptError, match="zip bomb"):
        read(source(path, tmp_path))


def test_zip_bomb_total_size(tmp_path, monkeypatch):
    path = tmp_path / "big.docx"
    styled_document().save(path)
    monkeypatch.setattr(docxpackage, "MAX_UNCOMPRESSED", 10_000)
    with pytest.raises(ManuscriptError, match="unpack to"):
        read(source(path, tmp_path))


def test_office_without_libreoffice(tmp_path, monkeypatch):
    path = tmp_path / "a.odt"
    path.write_bytes(b"whatever")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(DependencyError, match="LibreOffice") as info:
        read(source(path, tmp_path))
    assert "apt-get install libreoffice-writer" in info.value.hint


@pytest.mark.skipif(
    libreoffice.find_soffice() is None, reason="LibreOffice is not installed"
)
@pytest.mark.slow
def test_office_rtf_through_libreoffice(tmp_path):
    path = tmp_path / "bai.rtf"
    path.write_text(
        r"{\rtf1\ansi {\b Ti\u234?u \u273?\u7873?}\par N\u7897?i dung.\par}",
        encoding="ascii",
    )
    before = path.read_bytes()
    article = read(source(path, tmp_path)).article
    assert "Nội dung." in article.text()
    assert path.read_bytes() == before
    assert article.meta["converted_from"] == "rtf"


def test_headings_typed_in_bold_paragraphs(tmp_path):
    """Offices type headings as bold paragraphs, not Heading styles: a short one, all bold, with
    no final punctuation and text after it, is a heading; its numbering gives the level."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Ba mươi năm xây dựng và trưởng thành", 1)
    text = "Chi cục được thành lập năm 1996 theo quyết định của Ủy ban nhân dân tỉnh."
    for line, bold in [("I. QUÁ TRÌNH HÌNH THÀNH", True), (text, False), ("1. Những ngày đầu gian khó", True),
                       (text, False), ("1.1. Kho tạm ở bến cũ", True), (text, False), ("Người giữ kho", True),
                       (text, False), ("Kính thưa các đồng chí!", True), (text, False),
                       ("Một câu in đậm trọn vẹn, dài như một câu văn bình thường của bài viết này.", True),
                       (text, False), ("Nơi lưu giữ ký ức", True)]:
        paragraph = document.add_paragraph()
        paragraph.add_run(line).bold = bold
    result = _read_document(tmp_path, document, "bai")
    headings = [(b.level, b.text) for b in result.article.blocks if b.kind == "heading"]
    assert headings == [(2, "I. QUÁ TRÌNH HÌNH THÀNH"), (3, "1. Những ngày đầu gian khó"), (4, "1.1. Kho tạm ở bến cũ"),
                        (3, "Người giữ kho")]
    assert all("<strong>" not in b.html for b in result.article.blocks if b.kind == "heading")
    # An exclamation, a sentence in bold and a bold line that ends the text stay paragraphs.
    assert [b.kind for b in result.article.blocks][-1] == "paragraph"
    notes = [d.message for d in result.diagnostics if d.code == "docx-heading"]
    assert notes == ["4 bold paragraphs taken as headings, the first 'I. QUÁ TRÌNH HÌNH THÀNH'"]


def test_lines_of_a_pdf_pasted_into_word_are_joined(tmp_path):
    """Text pasted from a PDF keeps the PDF's lines, as paragraphs or line breaks: a long line
    without final punctuation followed by one in lower case is the same sentence; a poem's short
    lines, a list and a new sentence are left as they are."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Hồi ức những ngày đầu", 1)
    for line in ["Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn",
                 "phòng nhỏ mượn của Sở Nội vụ, tài liệu được bó gói trên giá gỗ trong",
                 "kho tạm ở khu bến cũ.",
                 "Năm 2008, trận lũ lớn tràn vào kho tạm ở khu bến cũ của chúng tôi."]:
        document.add_paragraph(line)
    document.add_paragraph("Đêm hai mươi bảy tháng chín năm ấy, cả Chi cục thức trắng để chuyền\n"
                           "tay từng hộp tài liệu lên chỗ cao.")
    for line in ["Ba mươi năm giữ lửa giữ kho", "ngọn đèn thao thức, câu hò ru đêm"]:  # a poem's lines
        document.add_paragraph(line)
    document.add_paragraph("Các phòng chuyên môn của Chi cục được tổ chức lại gồm có những đơn vị")
    document.add_paragraph("- phòng Nghiệp vụ;")
    result = _read_document(tmp_path, document, "hoi-uc")
    texts = [b.text for b in result.article.blocks]
    assert texts == [
        "Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn phòng nhỏ mượn của Sở Nội vụ, tài liệu "
        "được bó gói trên giá gỗ trong kho tạm ở khu bến cũ.",
        "Năm 2008, trận lũ lớn tràn vào kho tạm ở khu bến cũ của chúng tôi.",
        "Đêm hai mươi bảy tháng chín năm ấy, cả Chi cục thức trắng để chuyền tay từng hộp tài liệu lên chỗ cao.",
        "Ba mươi năm giữ lửa giữ kho", "ngọn đèn thao thức, câu hò ru đêm",
        "Các phòng chuyên môn của Chi cục được tổ chức lại gồm có những đơn vị", "- phòng Nghiệp vụ;"]
    notes = [d.message for d in result.diagnostics if d.code == "docx-lines"]
    assert notes == ["3 lines broken in the middle of a sentence (text pasted from a PDF) joined to the line before"]


def test_in_a_pdfs_text_a_line_going_on_with_a_name_is_joined_too(tmp_path):
    """Once two lines are joined the text is a PDF's: a line going on with a capital (a name) is
    the sentence too; a plain first line (the title) and a numbered heading line are not joined."""
    import docx as python_docx

    document = python_docx.Document()
    for line in ["Chi cục Văn thư Lưu trữ tỉnh Bạch Vân kỷ niệm ba mươi năm thành lập",
                 "Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn",
                 "phòng nhỏ mượn của Sở Nội vụ, tài liệu được bó gói trên giá gỗ trong",
                 "kho tạm ở khu bến cũ thuộc địa phận thành phố",
                 "Bạch Vân, nơi nước lũ tràn vào mỗi mùa mưa.",
                 "II. Những thành tựu đạt được trong giai đoạn hai mươi năm qua",
                 "Trong giai đoạn này, Chi cục đã chỉnh lý hàng nghìn mét giá tài liệu tồn đọng."]:
        document.add_paragraph(line)
    result = _read_document(tmp_path, document, "bai")
    texts = [b.text for b in result.article.blocks]
    assert texts == [
        "Chi cục Văn thư Lưu trữ tỉnh Bạch Vân kỷ niệm ba mươi năm thành lập",  # (plain: not taken as the title)
        "Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn phòng nhỏ mượn của Sở Nội vụ, tài liệu "
        "được bó gói trên giá gỗ trong kho tạm ở khu bến cũ thuộc địa phận thành phố Bạch Vân, nơi nước lũ tràn "
        "vào mỗi mùa mưa.",
        "II. Những thành tựu đạt được trong giai đoạn hai mươi năm qua",
        "Trong giai đoạn này, Chi cục đã chỉnh lý hàng nghìn mét giá tài liệu tồn đọng."]
    notes = [d.message for d in result.diagnostics if d.code == "docx-lines"]
    assert notes == ["3 lines broken in the middle of a sentence (text pasted from a PDF) joined to the line before"]


def _read_document(tmp_path, document, name: str):
    """A python-docx ``document`` saved as manuscripts/<name>.docx and read."""
    path = tmp_path / "manuscripts" / f"{name}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return read(Source(path=path, rel=f"manuscripts/{name}.docx", root=tmp_path))


def test_two_unfinished_lines_in_a_row_are_a_pdfs_text(tmp_path):
    """Two long lines in a row that end without punctuation are a sentence running on (a heading
    may be one such line, never two): joined, though each next line starts with a name. One
    such line alone (a plain heading) stays."""
    import docx as python_docx

    broken = python_docx.Document()
    broken.add_heading("Diễn văn", 1)
    for line in ["Ba mươi năm trước, ngày 15 tháng 10 năm 1996, Chi cục Văn thư – Lưu trữ tỉnh",
                 "Bạch Vân chính thức được thành lập với bảy cán bộ và một căn phòng nhỏ mượn của",
                 "Sở Nội vụ. Những năm đầu, tài liệu được bó gói trên giá gỗ trong kho tạm."]:
        broken.add_paragraph(line)
    texts = [b.text for b in _read_document(tmp_path, broken, "dien-van").article.blocks]
    assert texts == ["Ba mươi năm trước, ngày 15 tháng 10 năm 1996, Chi cục Văn thư – Lưu trữ tỉnh Bạch Vân chính "
                     "thức được thành lập với bảy cán bộ và một căn phòng nhỏ mượn của Sở Nội vụ. Những năm đầu, "
                     "tài liệu được bó gói trên giá gỗ trong kho tạm."]
    plain = python_docx.Document()
    plain.add_heading("Diễn văn", 1)
    for line in ["Những thành tựu nổi bật của Chi cục trong ba mươi năm xây dựng",
                 "Chi cục đã chỉnh lý hàng nghìn mét giá tài liệu tồn đọng.", "Năm 2013, kho mới được đưa vào sử dụng."]:
        plain.add_paragraph(line)
    assert len(_read_document(tmp_path, plain, "thanh-tuu").article.blocks) == 3


@pytest.mark.parametrize("styles", [("TOC Heading", "toc 1", "toc 2"),  # Word's
                                    ("Contents Heading", "Contents 1", "Contents 2")])  # LibreOffice's
def test_words_own_table_of_contents_is_left_out_with_a_note(tmp_path, styles):
    # A compiled draft opens with the table of contents Word made, its page numbers Word's: the book
    # makes its own (Mục lục) with the book's pages, so Word's lines would be wrong twice over.
    document = docx.Document()
    known = {style.name for style in document.styles}
    for name in styles:
        if name not in known:
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("KỶ YẾU 30 NĂM", style="Title")
    document.add_paragraph("MỤC LỤC", style=styles[0])
    for n in range(1, 4):
        document.add_paragraph(f"Bài {n}: Những năm đầu gian khó\t{n * 7}", style=styles[1])
        document.add_paragraph(f"Mục một của bài {n}\t{n * 7 + 2}", style=styles[2])
    document.add_heading("Bài 1: Những năm đầu gian khó", 1)
    document.add_paragraph("Đoạn văn của bài 1.")
    result = _read_document(tmp_path, document, "ky-yeu.docx")
    assert result.article.title == "KỶ YẾU 30 NĂM"
    assert [b.text for b in result.article.blocks] == ["Bài 1: Những năm đầu gian khó", "Đoạn văn của bài 1."]
    [note] = [d for d in result.diagnostics if d.code == "docx-contents"]
    assert note.level == "info" and "(7 lines, with Word's page numbers) is left out" in note.message
    assert not [d for d in result.diagnostics if d.code == "docx-mammoth"]  # no "Unrecognised paragraph style"
