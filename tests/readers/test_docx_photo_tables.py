"""A Word table of photos (readers.docx._photo_table): leaders' portraits with their names, a
row of photos over a row of names, a photo beside its text in each row. Every photo is kept,
as a photo page (a gallery), captioned by its text; none is dropped as it was in a table's cells."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from publisher.readers import Source, read
from publisher.render.photopages import caption_lines

docx = pytest.importorskip("docx")
from docx.shared import Cm  # noqa: E402

LEADERS = [("Nguyễn Hữu Tường", "Cục trưởng", "1996 – 2008"), ("Lương Thị Thanh Bình", "Cục trưởng", "2009 – 2018"),
           ("Đinh Văn Khải", "Cục trưởng", "2018 – nay"), ("Tạ Quang Huy", "Phó Cục trưởng", "1996 – 2005")]


def portrait(shade: int) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (300, 400), (shade, 120, 150)).save(data, "JPEG")
    data.seek(0)
    return data


def _read(tmp_path, document):
    path = tmp_path / "manuscripts" / "lanh-dao.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    result = read(Source(path=path, rel="manuscripts/lanh-dao.docx", root=tmp_path))
    return result.article.blocks, result.diagnostics


def _intro(document):
    document.add_heading("Lãnh đạo Cục qua các thời kỳ", 1)
    document.add_paragraph("Ảnh các đồng chí lãnh đạo Cục từ khi thành lập đến nay.")


def test_portraits_with_their_names_in_the_cells(tmp_path):
    document = docx.Document()
    _intro(document)
    table = document.add_table(rows=2, cols=2)
    for number, (name, post, years) in enumerate(LEADERS):
        cell = table.cell(number // 2, number % 2)
        cell.paragraphs[0].add_run().add_picture(portrait(40 * number), width=Cm(3))
        cell.add_paragraph().add_run(name).bold = True
        cell.add_paragraph(post)
        cell.add_paragraph(years)
    blocks, diagnostics = _read(tmp_path, document)
    [gallery] = [b for b in blocks if b.kind == "gallery"]
    assert [b.kind for b in blocks] == ["paragraph", "gallery"]
    assert [item["caption"] for item in gallery.items] == [
        f"<strong>{name}</strong><br/>{post}<br/>{years}" for name, post, years in LEADERS]
    assert all(item["orientation"] == "portrait" for item in gallery.items)
    assert [(item["page"], item["row"]) for item in gallery.items] == [(0, 0), (0, 0), (0, 1), (0, 1)]
    assert len({item["src"] for item in gallery.items}) == 4 and diagnostics == []
    assert caption_lines(gallery.items) == 3  # the photo page leaves three lines under each row


def test_a_row_of_photos_over_a_row_of_names_and_a_heading_row(tmp_path):
    document = docx.Document()
    _intro(document)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Cục trưởng", "Phó Cục trưởng"  # a heading row
    for column, (name, _, years) in enumerate(LEADERS[:2]):
        table.cell(1, column).paragraphs[0].add_run().add_picture(portrait(60 * column), width=Cm(3))
        table.cell(2, column).text = f"{name} ({years})"
    blocks, diagnostics = _read(tmp_path, document)
    [gallery] = [b for b in blocks if b.kind == "gallery"]
    assert [item["caption"] for item in gallery.items] == ["Nguyễn Hữu Tường (1996 – 2008)",
                                                           "Lương Thị Thanh Bình (2009 – 2018)"]
    assert [(d.level, d.code) for d in diagnostics] == [("info", "docx-photo-table")]
    assert "“Cục trưởng – Phó Cục trưởng”" in diagnostics[0].message


def test_a_photo_beside_its_text_in_each_row_and_text_kept(tmp_path):
    document = docx.Document()
    _intro(document)
    table = document.add_table(rows=4, cols=3)
    for column, heading in enumerate(("Ảnh", "Họ và tên", "Thời gian")):
        table.cell(0, column).text = heading
    for row, (name, post, years) in enumerate(LEADERS[:2], start=1):
        table.cell(row, 0).paragraphs[0].add_run().add_picture(portrait(90 * row), width=Cm(2))
        table.cell(row, 1).text = name
        table.cell(row, 2).text = years
    table.cell(3, 1).text = "Ảnh do Văn phòng Cục cung cấp"  # a row of text alone, not the first
    blocks, diagnostics = _read(tmp_path, document)
    assert [b.kind for b in blocks] == ["paragraph", "gallery", "paragraph"]
    assert [item["caption"] for item in blocks[1].items] == ["Nguyễn Hữu Tường<br/>1996 – 2008",
                                                             "Lương Thị Thanh Bình<br/>2009 – 2018"]
    assert blocks[2].html == "Ảnh do Văn phòng Cục cung cấp"  # nothing lost
    assert [(d.level, d.code) for d in diagnostics] == [("info", "docx-photo-table"), ("warning", "docx-photo-table")]


def test_caption_lines_are_counted_from_breaks_and_length():
    from publisher.render.photopages import caption_lines as lines

    assert lines([{"orientation": "portrait", "caption": "<strong>Lương Thị Thanh Bình</strong><br/>Cục trưởng"}]) == 2
    assert lines([{"orientation": "landscape", "caption": "Toàn cảnh lễ kỷ niệm"}]) == 1
    assert lines([{"orientation": "portrait", "caption": "x" * 40 + "<br/>a<br/>b<br/>c"}]) == 4  # at most 4
    assert lines([{"orientation": "portrait", "caption": None}]) == 0


@pytest.mark.slow
def test_four_portraits_with_three_line_captions_share_their_photo_page(tmp_path):
    """print.css leaves room for two lines under each row of a photo page: with a name, a post
    and the years under each portrait the second row went to a page of its own."""
    from tests.conftest import make_project, run_cli
    from tests.render.test_parallel import page_texts

    document = docx.Document()
    document.add_paragraph("Ảnh các đồng chí lãnh đạo Cục.")
    table = document.add_table(rows=2, cols=2)
    for number, (name, post, years) in enumerate(LEADERS):
        cell = table.cell(number // 2, number % 2)
        cell.paragraphs[0].add_run().add_picture(portrait(40 * number), width=Cm(3))
        cell.add_paragraph(name)
        cell.add_paragraph(post)
        cell.add_paragraph(years)
    made = tmp_path / "lanh-dao.docx"
    document.save(made)
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài\n\nMở đầu.\n"}, '[book]\ntitle = "Sách thử"\n',
                        {"manuscripts/02-lanh-dao.docx": made.read_bytes()})
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    [page] = [t for t in page_texts(root / "dist" / "sach-thu.pdf") if "Nguyễn Hữu Tường" in t]
    assert all(name in page for name, _, _ in LEADERS), page


def test_publisher_import_writes_a_table_of_photos_as_a_gallery_block(tmp_path):
    """The Markdown that `publisher import` writes reads back as the same photo page: the same
    pictures, in order, each with its caption (its line breaks written as commas)."""
    from publisher.commands.importer import import_files

    document = docx.Document()
    _intro(document)
    table = document.add_table(rows=1, cols=2)
    for column, (name, post, years) in enumerate(LEADERS[:2]):
        cell = table.cell(0, column)
        cell.paragraphs[0].add_run().add_picture(portrait(70 * column), width=Cm(3))
        cell.add_paragraph().add_run(name).bold = True
        cell.add_paragraph(f"{post}, {years}")
    source = tmp_path / "inbox" / "lanh-dao.docx"
    source.parent.mkdir()
    document.save(source)
    root = tmp_path / "book"
    (root / "manuscripts").mkdir(parents=True)
    (root / "book.toml").write_text('[book]\ntitle = "Sách thử"\n', encoding="utf-8")
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "written", result.error
    assert sum("line breaks of its caption written as commas" in d.message for d in result.doubts) == 2
    text = (root / "manuscripts" / "lanh-dao.md").read_text(encoding="utf-8")
    assert "```gallery\n![**Nguyễn Hữu Tường**, Cục trưởng, 1996 – 2008](../images/lanh-dao-" in text
    path = root / "manuscripts" / "lanh-dao.md"
    [gallery] = [b for b in read(Source(path=path, rel="manuscripts/lanh-dao.md", root=root)).article.blocks
                 if b.kind == "gallery"]
    assert [item["caption"] for item in gallery.items] == [
        "<strong>Nguyễn Hữu Tường</strong>, Cục trưởng, 1996 – 2008",
        "<strong>Lương Thị Thanh Bình</strong>, Cục trưởng, 2009 – 2018"]
    assert [item["src"] for item in gallery.items] == sorted(result.written_images, key=text.index)


def test_one_photo_over_its_caption_in_a_table_is_a_figure_in_the_text(tmp_path):
    """How Word users caption a photo: a table of one column, the photo over its caption. It
    stays in the text as a captioned figure (a gallery would give it a page of its own)."""
    document = docx.Document()
    _intro(document)
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).paragraphs[0].add_run().add_picture(portrait(90), width=Cm(6))
    table.cell(1, 0).text = "Lễ kỷ niệm 30 năm thành lập Chi cục"
    document.add_paragraph("Đoạn văn tiếp theo của bài viết, kể về những thành tích đã đạt được.")
    blocks, _ = _read(tmp_path, document)
    assert [b.kind for b in blocks] == ["paragraph", "figure", "paragraph"]
    assert blocks[1].caption == "Lễ kỷ niệm 30 năm thành lập Chi cục"
