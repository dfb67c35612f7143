"""Pictures in Word files the outputs cannot take as they are: Windows metafiles (EMF, WMF), drawn as
PNG by LibreOffice Draw or left out with a warning; pictures only linked to a file; TIFF scans;
pictures cropped, turned or flipped in Word."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from publisher.model import html_to_text
from publisher.readers import Source, libreoffice, metafile, read

from ..conftest import make_project, run_cli

docx = pytest.importorskip("docx")
from docx.shared import Mm  # noqa: E402

DRAW = Path("/usr/lib/libreoffice/program/libsdlo.so")  # Debian's libreoffice-draw(-nogui)
_NO_DRAW = pytest.mark.skipif(libreoffice.find_soffice() is None or not DRAW.exists(),
                              reason="needs LibreOffice Draw (apt-get install libreoffice-draw-nogui)")


def needs_draw(test):
    """A test that runs LibreOffice Draw (a second or more each): skipped without it, and left
    out of the fast loop, as every LibreOffice test is."""
    return pytest.mark.slow(_NO_DRAW(test))
RED = (200, 0, 0)


def emf(width: int = 400, height: int = 200) -> bytes:
    """An EMF as Word keeps a pasted chart: a red box inset 20 units in a ``width`` × ``height``
    frame (96 units an inch), and a black circle outline in it."""
    records = []

    def record(kind: int, body: bytes) -> None:
        records.append(struct.pack("<II", kind, 8 + len(body)) + body)

    record(39, struct.pack("<IIII", 1, 0, RED[0] | RED[1] << 8 | RED[2] << 16, 0))  # CREATEBRUSHINDIRECT
    record(37, struct.pack("<I", 1))  # SELECTOBJECT
    record(43, struct.pack("<iiii", 20, 20, width - 20, height - 20))  # RECTANGLE
    record(37, struct.pack("<I", 0x80000005))  # the stock hollow brush
    record(42, struct.pack("<iiii", 60, 60, 140, 140))  # ELLIPSE
    body = b"".join(records)
    end = struct.pack("<IIIII", 14, 20, 0, 16, 20)  # EOF
    frame = (0, 0, round(width * 2540 / 96), round(height * 2540 / 96))  # in 0.01 mm
    header = (struct.pack("<II", 1, 88) + struct.pack("<iiii", 0, 0, width - 1, height - 1)
              + struct.pack("<iiii", *frame)
              + struct.pack("<IIIIHHIIIiiii", 0x464D4520, 0x10000, 88 + len(body) + len(end), len(records) + 2,
                            2, 0, 0, 0, 0, 1920, 1080, 508, 286))
    return header + body + end


def wmf(width: int = 400, height: int = 200) -> bytes:
    """A placeable WMF (96 units an inch) of the same drawing's red box."""
    records = []

    def record(function: int, *words: int) -> None:
        records.append(struct.pack("<IH", 3 + len(words), function) + struct.pack(f"<{len(words)}h", *words))

    record(0x020C, height, width)  # SETWINDOWEXT
    record(0x020B, 0, 0)  # SETWINDOWORG
    records.append(struct.pack("<IHHIH", 7, 0x02FC, 0, RED[0] | RED[1] << 8 | RED[2] << 16, 0))  # CREATEBRUSHINDIRECT
    record(0x012D, 0)  # SELECTOBJECT
    record(0x041B, height - 20, width - 20, 20, 20)  # RECTANGLE (bottom, right, top, left)
    record(0x0000)  # EOF
    body = b"".join(records)
    # Type, header size and version, the file's size and its largest record in 16-bit words, one object
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(body)) // 2, 1, 7, 0)
    placeable = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, width, height, 96, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", placeable[:20]):
        checksum ^= word
    return placeable[:20] + struct.pack("<H", checksum) + header + body


def word_file(path: Path, drawing: bytes, content_type: str = "image/x-emf", suffix: str = "emf",
              linked: str | None = None) -> Path:
    """A Word file with a heading, a paragraph and ``drawing`` as its picture (a PNG swapped for it,
    as python-docx takes no metafile); ``linked``: the picture only linked to that file instead."""
    placeholder = io.BytesIO()
    Image.new("RGB", (40, 20)).save(placeholder, "PNG")
    document = docx.Document()
    document.add_heading("Biểu đồ số hóa tài liệu", 1)
    document.add_paragraph("Số hồ sơ được số hóa tăng đều qua các năm.")
    document.add_picture(io.BytesIO(placeholder.getvalue()), width=Mm(100))
    made = io.BytesIO()
    document.save(made)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data, name = source.read(entry.filename), entry.filename
            if name.startswith("word/media/"):
                name, data = re.sub(r"\.png$", f".{suffix}", name), drawing
            elif name == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Default Extension="{suffix}" ContentType="{content_type}"/></Types>'
                                    .encode())
            elif name == "word/_rels/document.xml.rels" and linked:  # Insert > Pictures > Link to File
                data = re.sub(rb'Target="media/image\d+\.png"', f'Target="{linked}" TargetMode="External"'.encode(), data)
            elif name == "word/_rels/document.xml.rels":
                data = re.sub(rb"media/(image\d+)\.png", rb"media/\1." + suffix.encode(), data)
            elif name == "word/document.xml" and linked:
                data = data.replace(b"r:embed=", b"r:link=")
            target.writestr(name, data)
    return path


def _read(tmp_path, path):
    return read(Source(path=path, rel="manuscripts/bieu-do.docx", root=tmp_path))


@needs_draw
@pytest.mark.parametrize("make, suffix", [(emf, ".emf"), (wmf, ".wmf")])
def test_a_metafile_is_drawn_sharp_for_the_width_it_prints_at(make, suffix):
    png = metafile.to_png(make(), suffix, "manuscripts/bieu-do.docx")
    with Image.open(io.BytesIO(png)) as image:
        # 400 × 200 units at 96 an inch: 105.8 × 52.9 mm, 1,250 × 625 pixels at 300 dpi; a figure
        # prints as wide as the text block, so it is drawn 2,400 pixels wide (203 mm at 300 dpi).
        assert abs(image.width - 2400) <= 3 and abs(image.height - 1200) <= 3
        assert image.mode == "RGB"  # opaque: no soft mask in the PDF
        middle = image.getpixel((image.width * 3 // 4, image.height // 2))
        corner = image.getpixel((5, 5))
    assert all(abs(a - b) < 30 for a, b in zip(middle, RED)), middle
    assert min(corner) > 200  # the drawing's margin, white


@needs_draw
def test_a_word_files_chart_kept_as_emf_becomes_a_figure(tmp_path):
    result = _read(tmp_path, word_file(tmp_path / "manuscripts" / "bieu-do.docx", emf()))
    figures = [b for b in result.article.blocks if b.kind == "figure"]
    assert len(figures) == 1 and figures[0].src.endswith(".png")
    with Image.open(figures[0].src if Path(figures[0].src).is_absolute() else tmp_path / figures[0].src) as image:
        assert image.format == "PNG" and abs(image.width - 2400) <= 3
    # Nor mammoth's "Image of type image/x-emf is unlikely to display in web browsers": it is shown.
    assert not [d for d in result.diagnostics if d.code in ("docx-image", "docx-mammoth")]


@needs_draw
def test_the_same_emblem_in_many_word_files_is_drawn_once(tmp_path, monkeypatch):
    # An office's Word files carry its emblem or logo as a metafile, each of them: drawn once (the
    # cache keeps the drawing by what it was drawn from), where each file took its 1.5 s again.
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    runs = []
    real = libreoffice._run_many
    monkeypatch.setattr(libreoffice, "_run_many", lambda program, files, *args: runs.append(len(files))
                        or real(program, files, *args))
    drawn = []
    for name in ("thu-moi.docx", "bao-cao.docx", "to-trinh.docx"):
        result = _read(tmp_path / name, word_file(tmp_path / name / "manuscripts" / name, emf()))
        [figure] = [b for b in result.article.blocks if b.kind == "figure"]
        drawn.append(Path(figure.src).read_bytes() if Path(figure.src).is_absolute()
                     else (tmp_path / name / figure.src).read_bytes())
    assert runs == [1] and drawn[0] == drawn[1] == drawn[2]
    another = _read(tmp_path / "khac", word_file(tmp_path / "khac" / "manuscripts" / "khac.docx", emf(500, 200)))
    assert runs == [1, 1] and [b for b in another.article.blocks if b.kind == "figure"]  # another drawing: drawn


def test_without_libreoffice_the_drawing_is_left_out_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    result = _read(tmp_path, word_file(tmp_path / "manuscripts" / "bieu-do.docx", emf()))
    assert not [b for b in result.article.blocks if b.kind == "figure"]
    assert [b.kind for b in result.article.blocks] == ["paragraph"]
    warnings = [d for d in result.diagnostics if d.code == "docx-image"]
    assert len(warnings) == 1 and warnings[0].path == "manuscripts/bieu-do.docx"
    assert "a drawing in the document (EMF: a chart, a logo) is left out" in warnings[0].message
    assert "LibreOffice" in warnings[0].message and "install LibreOffice" in warnings[0].hint


def test_a_damaged_metafile_is_left_out_with_a_warning(tmp_path):
    result = _read(tmp_path, word_file(tmp_path / "manuscripts" / "bieu-do.docx", b"\x01\x00\x00\x00 not a drawing",
                                       "image/x-wmf", "wmf"))
    assert not [b for b in result.article.blocks if b.kind == "figure"]
    warnings = [d for d in result.diagnostics if d.code == "docx-image"]
    assert len(warnings) == 1 and "declares no size, or is damaged" in warnings[0].message


def test_a_picture_only_linked_to_a_file_is_left_out_with_a_warning(tmp_path):
    """Word's "Link to File" keeps the picture's path (on the author's computer): nothing is
    opened, and the editor is told which picture is missing and how to put it in."""
    result = _read(tmp_path, word_file(tmp_path / "manuscripts" / "bieu-do.docx", emf(),
                                       linked="file:///C:/Users/Lan/Pictures/le-ky-niem.jpg"))
    assert not [b for b in result.article.blocks if b.kind == "figure"]
    warnings = [d for d in result.diagnostics if d.code == "docx-image"]
    assert len(warnings) == 1 and warnings[0].level == "warning"
    assert "a picture linked to a file outside the document (file:///C:/Users/Lan/Pictures/le-ky-niem.jpg)" \
        in warnings[0].message and "Link to File" in warnings[0].hint
    assert not [d for d in result.diagnostics if d.code == "docx-mammoth"]


def test_a_tiff_in_a_word_file_is_not_called_unshowable(tmp_path):
    """TIFF and BMP pictures are converted for the outputs (publisher.images): no warning."""
    scan = io.BytesIO()
    Image.new("RGB", (60, 40), (90, 60, 30)).save(scan, "TIFF")
    result = _read(tmp_path, word_file(tmp_path / "manuscripts" / "bieu-do.docx", scan.getvalue(), "image/tiff", "tif"))
    assert [b.kind for b in result.article.blocks].count("figure") == 1
    assert not [d for d in result.diagnostics if d.code == "docx-image"]


@needs_draw
def test_a_book_with_a_word_files_emf_chart_builds(tmp_path):
    """The build that failed on a Word file's EMF chart ("cannot find loader for this WMF file",
    naming a file in the cache) now shows it in both outputs."""
    import pikepdf

    from ..render.test_epub import epubcheck

    root = make_project(tmp_path / "book", {})
    word_file(root / "manuscripts" / "01-bieu-do.docx", emf())
    result = run_cli("build", str(root))
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        found = {i.objgen: i for page in pdf.pages for i in page.get_images().values()}
        assert [abs(int(i.Width) - 2400) <= 3 for i in found.values()] == [True]
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        assert [n for n in epub.namelist() if n.endswith(".png") and "bieu-do" in n]
    report = epubcheck(root / "dist" / "sach-thu.epub")
    assert [m for m in report["messages"] if m["severity"] in ("ERROR", "WARNING", "FATAL")] == []


def _quadrants(size=(400, 300)) -> Image.Image:
    """A photo of four coloured quarters: red top left, green top right, blue bottom left, yellow bottom right."""
    w, h = size
    picture = Image.new("RGB", size)
    for colour, box in (((220, 30, 30), (0, 0, w // 2, h // 2)), ((30, 200, 30), (w // 2, 0, w, h // 2)),
                        ((30, 30, 220), (0, h // 2, w // 2, h)), ((230, 220, 30), (w // 2, h // 2, w, h))):
        picture.paste(colour, box)
    return picture


def _cropped_word_file(path: Path, pictures: list[tuple[bytes, dict | None]], alt: str | None = None,
                       xfrm: dict | None = None) -> Path:
    """A Word file of pictures, each cropped in Word by ``{"l": …, "t": …, "r": …, "b": …}`` (thousandths
    of a per cent); ``xfrm``: the first picture turned or flipped (``{"rot": "5400000"}``, ``{"flipH": "1"}``)."""
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    document.add_heading("Ảnh tư liệu", 1)
    for number, (data, crop) in enumerate(pictures):
        shape = document.add_picture(io.BytesIO(data), width=Mm(80))
        if alt is not None:
            shape._inline.docPr.set("descr", alt)
        if xfrm and number == 0:
            transform = shape._inline.graphic.graphicData.find(qn("pic:pic")).find(qn("pic:spPr")).find(qn("a:xfrm"))
            for key, value in xfrm.items():
                transform.set(key, value)
        if crop:
            fill = shape._inline.graphic.graphicData.find(qn("pic:pic")).find(qn("pic:blipFill"))
            rect = etree.SubElement(fill, qn("a:srcRect"), {k: str(v) for k, v in crop.items()})
            fill.remove(rect)
            fill.insert(1, rect)  # after a:blip, before a:stretch, as Word writes it
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def _encoded(picture: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def _figure_image(tmp_path, figure) -> Image.Image:
    path = Path(figure.src)
    return Image.open(path if path.is_absolute() else tmp_path / path)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_picture_cropped_in_word_is_cropped_in_the_book(tmp_path, fmt):
    """Cropped in Word to its right half's bottom (the yellow quarter): only that is shown; the
    description typed in Word stays the picture's alt text."""
    source = _encoded(_quadrants(), fmt)
    path = _cropped_word_file(tmp_path / "manuscripts" / "anh.docx",
                              [(source, {"l": 50000, "t": 50000}), (source, None)], alt="Sân trụ sở")
    result = _read(tmp_path, path)
    figures = [b for b in result.article.blocks if b.kind == "figure"]
    assert len(figures) == 2 and figures[0].alt == figures[1].alt == "Sân trụ sở"
    with _figure_image(tmp_path, figures[0]) as image:
        assert image.size == (200, 150) and image.format == fmt
        assert all(abs(a - b) < 20 for a, b in zip(image.convert("RGB").getpixel((100, 75)), (230, 220, 30)))
    with _figure_image(tmp_path, figures[1]) as image:  # the same picture uncropped: its own file, whole
        assert image.size == (400, 300)
    assert figures[0].src != figures[1].src


def test_a_crop_word_records_for_a_sideways_photo_is_of_the_photo_as_shown(tmp_path):
    """A phone photo stored sideways (EXIF orientation 6) is shown turned; Word's crop is of what it shows."""
    stored = _quadrants((300, 400)).transpose(Image.Transpose.ROTATE_90)  # shown turned back by orientation 6
    tags = Image.Exif()
    tags[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=95, exif=tags.tobytes())
    path = _cropped_word_file(tmp_path / "manuscripts" / "anh.docx", [(out.getvalue(), {"r": 50000})])
    (figure,) = [b for b in _read(tmp_path, path).article.blocks if b.kind == "figure"]
    with _figure_image(tmp_path, figure) as image:
        assert image.size == (150, 400)  # the left half of the photo as shown, upright
        assert image.getpixel((75, 50))[0] > 150 and image.getpixel((75, 350))[2] > 150  # red above blue


@pytest.mark.parametrize("crop", [{"l": -10000, "r": -10000}, {"l": 0, "t": 0, "r": 0, "b": 0}, {"l": 60000, "r": 50000}])
def test_a_crop_that_cuts_nothing_off_or_everything_leaves_the_picture_whole(tmp_path, crop):
    source = _encoded(_quadrants(), "PNG")
    path = _cropped_word_file(tmp_path / "manuscripts" / "anh.docx", [(source, crop)])
    (figure,) = [b for b in _read(tmp_path, path).article.blocks if b.kind == "figure"]
    with _figure_image(tmp_path, figure) as image:
        assert image.size == (400, 300)
    assert figure.alt is None


# What each quarter shows after the change, as (top left, top right, bottom left, bottom right) of
# the quadrants photo: r(ed), g(reen), b(lue), y(ellow).
_COLOURS = {"r": (220, 30, 30), "g": (30, 200, 30), "b": (30, 30, 220), "y": (230, 220, 30)}


@pytest.mark.parametrize("xfrm, size, corners", [
    ({"rot": "5400000"}, (300, 400), "bryg"),  # a quarter clockwise: blue comes to the top left
    ({"rot": "10800000"}, (400, 300), "ybgr"),
    ({"rot": "16200000"}, (300, 400), "gyrb"),
    ({"rot": "-5400000"}, (300, 400), "gyrb"),  # a quarter anticlockwise, as Word may write it
    ({"flipH": "1"}, (400, 300), "gryb"),
    ({"flipV": "1"}, (400, 300), "byrg"),
    ({"rot": "5400000", "flipH": "1"}, (300, 400), "ygbr"),  # flipped, then turned
    ({"rot": "180000"}, (400, 300), "rgby"),  # tilted 3 degrees: kept upright
])
def test_a_picture_turned_or_flipped_in_word_is_shown_so(tmp_path, xfrm, size, corners):
    path = _cropped_word_file(tmp_path / "manuscripts" / "anh.docx", [(_encoded(_quadrants(), "PNG"), None)],
                              xfrm=xfrm)
    (figure,) = [b for b in _read(tmp_path, path).article.blocks if b.kind == "figure"]
    assert figure.alt is None  # Word's description was empty: the mark leaves no trace
    with _figure_image(tmp_path, figure) as image:
        assert image.size == size
        w, h = image.size
        found = [image.convert("RGB").getpixel(xy) for xy in ((10, 10), (w - 10, 10), (10, h - 10), (w - 10, h - 10))]
    assert [min(_COLOURS, key=lambda c: sum(abs(a - b) for a, b in zip(_COLOURS[c], pixel))) for pixel in found] \
        == list(corners)


def _pictures_with_lines(tmp_path, lines):
    """A Word file of pictures, each followed by a line typed as given: (text, how) with how one
    of "plain", "center", "italic", "center-bold"."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_heading("Ảnh tư liệu", 1)
    for text, how in lines:
        document.add_picture(io.BytesIO(_encoded(_quadrants(), "PNG")), width=Mm(80))
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.italic = how == "italic"
        run.bold = how == "center-bold"
        if how.startswith("center"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    path = tmp_path / "manuscripts" / "anh.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return _read(tmp_path, path)


def test_the_line_typed_under_a_picture_is_its_caption(tmp_path):
    """Captions as offices type them: a label ("Ảnh:", "Hình 2.") or a short centred or italic
    line; a bold centred line (a heading) and a plain paragraph stay text."""
    result = _pictures_with_lines(tmp_path, [
        ("Ảnh: Lễ kỷ niệm 30 năm thành lập Chi cục", "plain"),
        ("Hình 2. Số hồ sơ được số hóa qua các năm", "plain"),
        ("Đồng chí Giám đốc Sở trao Bằng khen cho tập thể Chi cục", "center"),
        ("Kho lưu trữ chuyên dụng năm 2013", "italic"),
        ("II. PHÁT TRIỂN", "center-bold"),
        ("Năm 2013, kho lưu trữ chuyên dụng được đưa vào sử dụng với sức chứa hai mươi nghìn mét giá.", "plain"),
    ])
    # (the first five, one under another, are photo pages: test_docx_albums)
    [gallery, *rest] = result.article.blocks
    assert [html_to_text(item["caption"] or "") for item in gallery.items] == [
        "Lễ kỷ niệm 30 năm thành lập Chi cục", "Số hồ sơ được số hóa qua các năm",
        "Đồng chí Giám đốc Sở trao Bằng khen cho tập thể Chi cục", "Kho lưu trữ chuyên dụng năm 2013", ""]
    blocks = [(b.kind, b.caption and html_to_text(b.caption), html_to_text(b.html) if b.kind == "paragraph" else None)
              for b in rest]
    assert blocks == [
        ("heading", None, None),  # a bold line under the fifth: a heading (test_docx_reader)
        ("figure", None, None),
        ("paragraph", None, "Năm 2013, kho lưu trữ chuyên dụng được đưa vào sử dụng với sức chứa hai mươi nghìn mét giá.")]
    guessed = [d.message for d in result.diagnostics if d.code == "docx-caption"]
    assert len(guessed) == 2  # the centred and the italic line: guesses, named; a label is explicit


@pytest.mark.parametrize("floating", [True, False])
def test_a_floating_picture_in_a_paragraph_follows_it_without_a_warning(tmp_path, floating):
    """Text wrapped around a photo (wp:anchor): the book shows it after its paragraph, as a
    figure, and says nothing; a picture set in the line of the text is moved with a warning."""
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Hồi ức những ngày đầu", 1)
    paragraph = document.add_paragraph("Những ngày đầu, cả Chi cục chỉ có bảy người và một căn phòng nhỏ. ")
    paragraph.add_run().add_picture(io.BytesIO(_encoded(_quadrants(), "PNG")), width=Mm(50))
    paragraph.add_run("Tài liệu được bó gói trên giá gỗ.")
    if floating:
        inline = paragraph._p.find(".//" + qn("wp:inline"))
        inline.tag = qn("wp:anchor")
    path = tmp_path / "manuscripts" / "hoi-uc.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    result = _read(tmp_path, path)
    assert [b.kind for b in result.article.blocks] == ["paragraph", "figure"]
    moved = [d for d in result.diagnostics if "moved after its paragraph" in d.message]
    assert len(moved) == (0 if floating else 1)
    with _figure_image(tmp_path, result.article.blocks[1]) as image:
        assert image.size == (400, 300)  # floating, not changed: the picture as stored
    assert result.article.blocks[1].alt is None  # (no trace of the mark in the alt text)


def test_a_description_office_wrote_itself_is_left_out(tmp_path):
    """Office 365 describes every picture it is given, in English: not the author's words, so the
    reader hears the caption instead; the author's own description stays."""
    path = _cropped_word_file(tmp_path / "manuscripts" / "anh.docx", [(_encoded(_quadrants(), "PNG"), None)],
                              alt="A group of people standing in front of a building\n\nDescription automatically generated")
    result = _read(tmp_path, path)
    (figure,) = [b for b in result.article.blocks if b.kind == "figure"]
    assert figure.alt is None
    notes = [d.message for d in result.diagnostics if "written by Office itself" in d.message]
    assert notes == ["1 picture description written by Office itself (“… Description automatically generated”) "
                     "left out: a reader hears the caption instead"]
    own = _cropped_word_file(tmp_path / "manuscripts" / "rieng.docx", [(_encoded(_quadrants(), "PNG"), None)],
                             alt="Toàn cảnh trụ sở Chi cục")
    (figure,) = [b for b in _read(tmp_path, own).article.blocks if b.kind == "figure"]
    assert figure.alt == "Toàn cảnh trụ sở Chi cục"
