"""Kỷ yếu blocks in Markdown: rosters, photo galleries and timelines, and their errors."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from publisher.errors import ManuscriptError
from publisher.model import Book, Part
from publisher.normalize import NormalizeOptions
from publisher.normalize.book import normalize_article
from publisher.readers import Source, read
from publisher.readers.datafiles import layout_gallery
from publisher.readers.imagesize import image_size

from ..conftest import make_project


def jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", (width, height), (200, 180, 150)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


LANDSCAPE, PORTRAIT = jpeg(60, 40), jpeg(30, 40)


def _read(tmp_path, text: str, files: dict[str, bytes | str] | None = None):
    data = {name: value.encode("utf-8") if isinstance(value, str) else value
            for name, value in (files or {}).items()}
    root = make_project(tmp_path, {"01-bai.md": text}, files=data)
    path = root / "manuscripts" / "01-bai.md"
    return read(Source(path=path, rel="manuscripts/01-bai.md", root=root))


def _names(block, column: int = 0) -> list[str]:
    return [row["cells"][column] for row in block.items]


def _roster(tmp_path, names: list[str], options: str = "sort=name"):
    csv = "Họ và tên,Đơn vị\n" + "".join(f"{name},Phòng {i}\n" for i, name in enumerate(names))
    article = _read(tmp_path, f"# Danh sách\n\n```roster file=../data/ds.csv {options}\n```\n",
                    {"data/ds.csv": csv}).article
    (block,) = article.blocks
    assert block.kind == "roster"
    return block


# --- sort orders, written by hand -----------------------------------------------------------

def test_names_that_differ_only_in_tone_sort_by_tone_within_the_syllable(tmp_path):
    # Tone order: none, huyền, sắc, nặng; but letters come first: Hòa < Hoài (hoa < hoai).
    expected = ["Lê Văn Hoa", "Lê Văn Hòa", "Lê Văn Hóa", "Lê Văn Họa", "Lê Văn Hoài"]
    shuffled = [expected[i] for i in (4, 2, 0, 3, 1)]
    assert _names(_roster(tmp_path, shuffled)) == expected


def test_d_comes_before_dj_and_u_before_u_horn(tmp_path):
    expected = ["Lê Thị Dung", "Trần Văn Dũng", "Ngô Thị Duyên", "Vũ Văn Dương", "Phạm Văn Đông",
                "Hoàng Minh Đức"]
    shuffled = [expected[i] for i in (5, 3, 1, 4, 0, 2)]
    assert _names(_roster(tmp_path, shuffled)) == expected


def test_given_name_first_then_middle_then_family(tmp_path):
    expected = ["Nguyễn An", "Nguyễn Đức An", "Nguyễn Thị An", "Nguyễn Văn An", "Trần Văn An",
                "Nguyễn Thị Ánh"]
    shuffled = [expected[i] for i in (4, 5, 3, 0, 2, 1)]
    assert _names(_roster(tmp_path, shuffled)) == expected


def test_two_word_given_names(tmp_path):
    names = ["Lê Thị Minh Khai", "Trần Anh Tuấn", "Phạm Văn Anh Khoa"]
    # Filed under "Anh Khoa", "Anh Tuấn", "Minh Khai"; with one given word: Khai, Khoa, Tuấn.
    assert _names(_roster(tmp_path, names, "sort=name given-words=2")) == [
        "Phạm Văn Anh Khoa", "Trần Anh Tuấn", "Lê Thị Minh Khai"]
    assert _names(_roster(tmp_path, names, "sort=name")) == [
        "Lê Thị Minh Khai", "Phạm Văn Anh Khoa", "Trần Anh Tuấn"]


def test_file_order_is_kept_without_sort_and_columns_are_picked_and_numbered(tmp_path):
    block = _roster(tmp_path, ["Trần Văn Bình", "Lê An"], 'columns="Đơn vị,họ và TÊN" number=STT')
    assert block.columns == ["STT", "Đơn vị", "Họ và tên"]
    assert [row["cells"] for row in block.items] == [["1", "Phòng 0", "Trần Văn Bình"],
                                                     ["2", "Phòng 1", "Lê An"]]


def test_sort_by_another_column_uses_dictionary_order_syllable_by_syllable(tmp_path):
    csv = "Tên;Nơi công tác\nAn;Hạ Long\nBình;Hà Nam\nCúc;Hà Giang\n"
    article = _read(tmp_path, "# T\n\n```roster file=../data/x.csv sort=\"Nơi công tác\"\n```\n",
                    {"data/x.csv": csv}).article
    assert _names(article.blocks[0], 1) == ["Hà Giang", "Hà Nam", "Hạ Long"]


def test_csv_from_a_spreadsheet_bom_semicolons_quotes_and_padding(tmp_path):
    csv = ('\ufeffHọ và tên;Chức vụ;;\r\n"Đinh Văn Khải";"Chi cục trưởng; bí thư";;\r\n'
           '"Vương Thị Diệu Linh";"Phó Chi cục trưởng";;\r\n')
    article = _read(tmp_path, "# T\n\n```roster file=../data/x.csv sort=name\n```\n",
                    {"data/x.csv": csv.encode("utf-8")}).article
    block = article.blocks[0]
    assert block.columns == ["Họ và tên", "Chức vụ"]
    assert [row["cells"] for row in block.items] == [["Đinh Văn Khải", "Chi cục trưởng; bí thư"],
                                                     ["Vương Thị Diệu Linh", "Phó Chi cục trưởng"]]


def test_roster_from_yaml_keeps_values_as_written(tmp_path):
    yaml_text = "- Họ và tên: Lê Văn Hòa\n  Năm: 08\n- Họ và tên: Lê An\n  Năm: 2001\n  Ghi chú: no\n"
    article = _read(tmp_path, "# T\n\n```roster file=../data/x.yaml sort=name\n```\n",
                    {"data/x.yaml": yaml_text}).article
    block = article.blocks[0]
    assert block.columns == ["Họ và tên", "Năm", "Ghi chú"]
    assert [row["cells"] for row in block.items] == [["Lê An", "2001", "no"], ["Lê Văn Hòa", "08", ""]]


def test_roster_in_the_block_and_its_text_for_the_pdf_tests(tmp_path):
    article = _read(tmp_path, "# T\n\n```roster title=\"Ban <b>lãnh đạo</b>\"\nHọ và tên,Chức vụ\n"
                              "Lê A & B,Trưởng\n```\n").article
    block = article.blocks[0]
    assert block.caption == "Ban &lt;b&gt;lãnh đạo&lt;/b&gt;"
    assert block.items == [{"cells": ["Lê A &amp; B", "Trưởng"]}]
    assert block.text == "Ban <b>lãnh đạo</b> Họ và tên Chức vụ Lê A & B Trưởng"


# --- roster errors ---------------------------------------------------------------------------

def _error(tmp_path, text: str, files=None) -> ManuscriptError:
    with pytest.raises(ManuscriptError) as caught:
        _read(tmp_path, text, files)
    return caught.value


def test_missing_csv_names_the_manuscript_line(tmp_path):
    error = _error(tmp_path, "# T\n\nĐoạn.\n\n```roster file=../data/khong-co.csv\n```\n")
    assert (error.path, error.line) == ("manuscripts/01-bai.md", 5)
    assert "roster file ../data/khong-co.csv does not exist" in error.message


def test_bad_csv_row_names_the_data_file_and_its_line(tmp_path):
    csv = 'Họ và tên,Chức vụ\nLê An,Trưởng phòng\n"Trần\nBình",Phó phòng\nNgô Cúc,Chuyên viên,thừa\n'
    error = _error(tmp_path, "# T\n\n```roster file=../data/x.csv\n```\n", {"data/x.csv": csv})
    assert (error.path, error.line) == ("data/x.csv", 5)
    assert "3 fields but the header (line 1) has 2" in error.message


def test_unknown_column_lists_the_columns_there_are(tmp_path):
    error = _error(tmp_path, '# T\n\n```roster file=../data/x.csv columns="Họ và tên,Chức danh"\n```\n',
                   {"data/x.csv": "Họ và tên,Chức vụ\nLê An,Trưởng\n"})
    assert (error.path, error.line) == ("manuscripts/01-bai.md", 3)
    assert "unknown column 'Chức danh'" in error.message
    assert error.hint == "data/x.csv has: Họ và tên, Chức vụ"


@pytest.mark.parametrize("fence, files, path, line, message", [
    ("```roster file=../data/x.csv sort=name\n```", {"data/x.csv": "Mã,Chức vụ\n1,Trưởng\n"},
     "manuscripts/01-bai.md", 3, "sort=name needs name=COLUMN"),
    ("```roster file=../data/x.csv colums=A\n```", {"data/x.csv": "A\n1\n"},
     "manuscripts/01-bai.md", 3, "unknown option 'colums=A'"),
    ("```roster file=../../x.csv\n```", {}, "manuscripts/01-bai.md", 3, "outside the project"),
    ("```roster file=../data/x.csv\n```", {"data/x.csv": "A,A\n1,2\n"}, "data/x.csv", 1, "appears twice"),
    ("```roster file=../data/x.csv\n```", {"data/x.csv": "A,B\n"}, "data/x.csv", 1, "no rows"),
    ("```roster file=../data/x.yaml\n```", {"data/x.yaml": "- A: 1\n- [2, 3]\n"}, "data/x.yaml", 2,
     "'column: value'"),
    ("```roster file=../data/x.yaml\n```", {"data/x.yaml": "- A: 1\n  B: [2\n"}, "data/x.yaml", 3, "YAML"),
    ("```roster file=../data/x.numbers\n```", {"data/x.numbers": "A\n1\n"}, "manuscripts/01-bai.md", 3,
     "neither CSV, YAML nor a workbook"),
    ("```roster file=../data/x.ods\n```", {"data/x.ods": "A\n1\n"}, "data/x.ods", None,
     "not an OpenDocument .ods spreadsheet"),
    ("```roster file=../data/x.xlsx\n```", {"data/x.xlsx": "A\n1\n"}, "data/x.xlsx", None,
     "not an Excel .xlsx workbook"),
    ("```roster file=../data/x.csv sheet=A\n```", {"data/x.csv": "A\n1\n"}, "manuscripts/01-bai.md", 3,
     "sheet= is for workbooks"),
    ("```roster\nA,B\n1,2\n3\n```", {}, "manuscripts/01-bai.md", 6, "1 fields but the header (line 4)"),
    ("```roster\nA,B\n1,\"2\n```", {}, "manuscripts/01-bai.md", 5, "CSV:"),
])
def test_roster_errors(tmp_path, fence, files, path, line, message):
    error = _error(tmp_path, f"# T\n\n{fence}\n", files)
    assert (error.path, error.line) == (path, line)
    assert message in error.message


# --- galleries -------------------------------------------------------------------------------

def test_layout_landscape_alone_portraits_in_pairs_two_rows_a_page():
    L, P = "landscape", "portrait"
    assert layout_gallery([L, P, P, L, L, P, L], 4) == [
        (0, 0), (0, 1), (0, 1), (1, 2), (1, 3), (2, 4), (2, 5)]
    assert layout_gallery([L, P, P, L, L, P, L], 2) == [
        (0, 0), (1, 1), (1, 1), (2, 2), (2, 3), (3, 4), (3, 5)]
    assert layout_gallery([P, P, P, P, P], 4) == [(0, 0), (0, 0), (0, 1), (0, 1), (1, 2)]


def test_image_size_reads_headers_and_exif_orientation(tmp_path):
    for name, data, size in (("a.jpg", LANDSCAPE, (60, 40)), ("b.jpg", jpeg(60, 40, 6), (40, 60)),
                             ("c.jpg", jpeg(60, 40, 3), (60, 40))):
        (tmp_path / name).write_bytes(data)
        assert image_size(tmp_path / name) == size
    png = io.BytesIO()
    Image.new("RGB", (7, 9)).save(png, "PNG")
    (tmp_path / "d.png").write_bytes(png.getvalue())
    assert image_size(tmp_path / "d.png") == (7, 9)
    (tmp_path / "e.jpg").write_bytes(b"not an image")
    assert image_size(tmp_path / "e.jpg") is None
    for fmt, suffix in (("GIF", "gif"), ("WEBP", "webp")):
        out = io.BytesIO()
        Image.new("RGB", (11, 5)).save(out, fmt)
        (tmp_path / f"f.{suffix}").write_bytes(out.getvalue())
        assert image_size(tmp_path / f"f.{suffix}") == (11, 5), fmt
    (tmp_path / "g.jpg").write_bytes(LANDSCAPE[:20])  # cut inside the header
    assert image_size(tmp_path / "g.jpg") is None
    for fmt, suffix in (("BMP", "bmp"), ("TIFF", "tif")):  # converted for the outputs (publisher.images)
        out = io.BytesIO()
        Image.new("RGB", (4, 3)).save(out, fmt)
        (tmp_path / f"h.{suffix}").write_bytes(out.getvalue())
        assert image_size(tmp_path / f"h.{suffix}") == (4, 3), fmt
    heic = Path(__file__).resolve().parent.parent / "fixtures" / "sideways.heic"  # stored 96 x 64, Orientation 6
    assert image_size(heic) == (64, 96)
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, "ICO")
    (tmp_path / "i.ico").write_bytes(out.getvalue())
    assert image_size(tmp_path / "i.ico") is None  # not a photo format a page takes
    assert image_size(tmp_path / "missing.jpg") is None


def test_gallery_from_lines_and_from_a_folder_with_captions(tmp_path):
    captions = textwrap.dedent("""\
        # order of the book
        c.jpg: Ảnh *thứ* hai
        a.jpg:
          caption: Ảnh "thứ" ba
          alt: Mô tả
        """)
    article = _read(tmp_path, textwrap.dedent("""\
        # Ảnh

        ```gallery per-page=2 title="Tư liệu"
        ![Ảnh **đầu**](../images/x.jpg)
        ```

        ```gallery folder=../images/thu-muc
        ```
        """), {"images/x.jpg": LANDSCAPE, "images/thu-muc/a.jpg": LANDSCAPE,
               "images/thu-muc/b.jpg": PORTRAIT, "images/thu-muc/c.jpg": PORTRAIT,
               "images/thu-muc/captions.yaml": captions}).article
    first, second = article.blocks
    assert first.caption == "Tư liệu"
    assert first.items == [{"src": "images/x.jpg", "caption": "Ảnh <strong>đầu</strong>", "alt": "Ảnh đầu",
                            "orientation": "landscape", "page": 0, "row": 0}]
    assert [(p["src"], p["caption"], p["alt"], p["orientation"], p["page"], p["row"]) for p in second.items] == [
        ("images/thu-muc/c.jpg", "Ảnh <em>thứ</em> hai", "Ảnh thứ hai", "portrait", 0, 0),
        ("images/thu-muc/a.jpg", "Ảnh &quot;thứ&quot; ba", "Mô tả", "landscape", 0, 1),
        ("images/thu-muc/b.jpg", None, "", "portrait", 1, 2),
    ]
    assert second.text == 'Ảnh thứ hai Ảnh "thứ" ba'


@pytest.mark.parametrize("fence, files, path, line, message", [
    ("```gallery\n![A](../images/x.jpg)\nẢnh: chú thích\n```", {"images/x.jpg": LANDSCAPE},
     "manuscripts/01-bai.md", 5, "each line must be a photo"),
    ("```gallery\n\n![A](../images/khong-co.jpg)\n```", {}, "manuscripts/01-bai.md", 5, "does not exist"),
    ("```gallery per-page=3\n![A](../images/x.jpg)\n```", {"images/x.jpg": LANDSCAPE},
     "manuscripts/01-bai.md", 3, "2 or 4"),
    ("```gallery\n```", {}, "manuscripts/01-bai.md", 3, "no photos"),
    ("```gallery folder=../images/f captions=chu-thich.yaml\n```",
     {"images/f/a.jpg": LANDSCAPE, "images/f/chu-thich.yaml": "a.jpg: Một\nb.jpg: Hai\n"},
     "images/f/chu-thich.yaml", 2, "no photo 'b.jpg'"),
    ("```gallery folder=../images/f captions=chu-thich.yaml\n```",
     {"images/f/a.jpg": LANDSCAPE, "images/f/chu-thich.yaml": "a.jpg:\n  caption: Một\n  tac-gia: X\n"},
     "images/f/chu-thich.yaml", 1, "unknown key 'tac-gia'"),
    ("```gallery title=\"Ảnh\n```", {}, "manuscripts/01-bai.md", 3, "fence options"),
])
def test_gallery_errors(tmp_path, fence, files, path, line, message):
    error = _error(tmp_path, f"# T\n\n{fence}\n", files)
    assert (error.path, error.line) == (path, line)
    assert message in error.message


# --- timelines -------------------------------------------------------------------------------

def test_timeline_lines_with_continuations(tmp_path):
    article = _read(tmp_path, "# T\n\n```timeline title=\"Các mốc\"\n20/10/1996: Thành lập *Chi cục*\n"
                              "  với chín người\n\n2008 – 2010: Lũ; khởi công\n```\n").article
    block = article.blocks[0]
    assert block.caption == "Các mốc"
    assert block.items == [{"year": "20/10/1996", "html": "Thành lập <em>Chi cục</em> với chín người"},
                           {"year": "2008 – 2010", "html": "Lũ; khởi công"}]


def test_timeline_from_yaml_list_or_mapping(tmp_path):
    files = {"data/a.yaml": "- year: 1996\n  event: Thành lập\n- năm: 2008\n  sự kiện: Lũ\n",
             "data/b.yaml": "1996: Thành lập\n2008: Lũ\n"}
    article = _read(tmp_path, "# T\n\n```timeline file=../data/a.yaml\n```\n\n```timeline file=../data/b.yaml\n```\n",
                    files).article
    expected = [{"year": "1996", "html": "Thành lập"}, {"year": "2008", "html": "Lũ"}]
    assert [b.items for b in article.blocks] == [expected, expected]


def test_front_matter_timeline_fills_the_empty_block_or_opens_the_article(tmp_path):
    front = "---\ntitle: T\ntimeline:\n  - year: 1996\n    event: Thành lập\n---\n\n"
    placed = _read(tmp_path / "a", front + "Đoạn.\n\n```timeline\n```\n\nCuối.\n").article
    assert [b.kind for b in placed.blocks] == ["paragraph", "timeline", "paragraph"]
    assert placed.blocks[1].items == [{"year": "1996", "html": "Thành lập"}]
    opening = _read(tmp_path / "b", front + "Đoạn.\n").article
    assert [b.kind for b in opening.blocks] == ["timeline", "paragraph"]


@pytest.mark.parametrize("text, files, path, line, message", [
    ("# T\n\n```timeline\n1996: A\nnăm 2008 lũ lớn\n```\n", {}, "manuscripts/01-bai.md", 5, "'YEAR: event'"),
    ("# T\n\n```timeline\n```\n", {}, "manuscripts/01-bai.md", 3, "no entries"),
    ("---\ntitle: T\ntimeline:\n  - year: 1996\n  - year: 2008\n    event: Lũ\n---\nĐoạn.\n", {},
     "manuscripts/01-bai.md", 4, "exactly 'year:' and 'event:'"),
    ("# T\n\n```timeline file=../data/m.yaml\n```\n", {"data/m.yaml": "- year: 1996\n  event: [a, b]\n"},
     "data/m.yaml", 2, "an event must be a single value"),
    ("# T\n\n```timeline file=../data/m.csv\n```\n", {"data/m.csv": "1996,A\n"},
     "manuscripts/01-bai.md", 3, "not a YAML file"),
])
def test_timeline_errors(tmp_path, text, files, path, line, message):
    error = _error(tmp_path, text, files)
    assert (error.path, error.line) == (path, line)
    assert message in error.message


def test_the_normaliser_reaches_captions_cells_and_events(tmp_path):
    article = _read(tmp_path, textwrap.dedent("""\
        # T

        ```roster
        Họ và tên,Ghi chú
        TS. Lê An,"nói ""vâng"" -- rồi đi..."
        ```

        ```timeline
        1996: Thành lập... "Chi cục"
        ```
        """)).article
    normalize_article(article, NormalizeOptions())
    roster, timeline = article.blocks
    assert roster.items[0]["cells"] == ["TS.\u00a0Lê An", "nói “vâng” – rồi đi…"]
    assert timeline.items[0]["html"] == "Thành lập… “Chi cục”"
    dumped = Book("B", [Part("P", [article])]).to_dict()["parts"][0]["articles"][0]["blocks"]
    assert dumped[0]["columns"] == ["Họ và tên", "Ghi chú"] and dumped[1]["items"] == timeline.items
