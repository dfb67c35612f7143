"""The Markdown reader: front matter, title, blocks, figures, notes, and its errors."""

from __future__ import annotations

import pytest

from publisher.errors import ManuscriptError
from publisher.readers import Source, read

from ..conftest import make_project

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _read(tmp_path, text: str, files=None):
    root = make_project(tmp_path, {"01-bai.md": text}, files=files)
    path = root / "manuscripts" / "01-bai.md"
    return read(Source(path=path, rel="manuscripts/01-bai.md", root=root))


def test_front_matter_fields(tmp_path):
    result = _read(tmp_path, """\
        ---
        title: Ba mươi năm
        subtitle: Nhìn lại
        authors: [Trần Thị Hạnh, Lê Văn Bình]
        date: 2026-03-15
        summary: Tóm tắt
        ---

        Đoạn đầu.
        """)
    article = result.article
    assert article.title == "Ba mươi năm"
    assert article.subtitle == "Nhìn lại"
    assert article.authors == ["Trần Thị Hạnh", "Lê Văn Bình"]
    assert article.date == "2026-03-15"
    assert article.summary == "Tóm tắt"
    assert [b.kind for b in article.blocks] == ["paragraph"]
    assert article.blocks[0].line == 9


def test_title_from_first_heading_and_single_author(tmp_path):
    article = _read(tmp_path, "---\nauthor: Hạnh\n---\n# Tiêu đề *nghiêng*\n\nChữ.\n").article
    assert article.title == "Tiêu đề <em>nghiêng</em>"
    assert article.authors == ["Hạnh"]
    assert article.blocks[0].kind == "paragraph"


def test_text_is_nfc(tmp_path):
    import unicodedata

    article = _read(tmp_path, unicodedata.normalize("NFD", "# Việt Nam\n\nThủy điện Hòa Bình.\n")).article
    assert article.title == "Việt Nam"
    assert unicodedata.is_normalized("NFC", article.blocks[0].html)


def test_blocks_of_every_kind(tmp_path):
    article = _read(tmp_path, """\
        # Bài

        ## Mục một

        Đoạn có chú thích.[^a]

        - một
        - hai

        1. thứ nhất
        2. thứ hai

        > Trích dẫn.

        | Năm | Số hồ sơ |
        |-----|---------:|
        | 2020 | 1.200 |

        ---

        ![Ảnh trụ sở](../images/a.png)

        ![](../images/a.png)

        Ảnh: Chú thích *đặt dưới* ảnh

        [^a]: Nội dung chú thích.
        """, files={"images/a.png": PNG}).article
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["heading", "paragraph", "list", "list", "quote", "table", "rule", "figure", "figure"]
    assert article.blocks[0].level == 2
    assert '<a class="noteref" href="#note-a">a</a>' in article.blocks[1].html
    assert article.blocks[2].html.startswith("<ul>") and article.blocks[3].html.startswith("<ol>")
    assert "<table>" in article.blocks[5].html and "<th" in article.blocks[5].html
    assert article.blocks[7].src == "images/a.png" and article.blocks[7].caption == "Ảnh trụ sở"
    assert article.blocks[8].caption == "Chú thích <em>đặt dưới</em> ảnh"
    assert [(n.label, n.html) for n in article.footnotes] == [("a", "Nội dung chú thích.")]


def test_raw_html_is_text_not_markup(tmp_path):
    article = _read(tmp_path, "# T\n\nChữ <script>alert(1)</script> nữa.\n").article
    assert "<script>" not in article.blocks[0].html
    assert "&lt;script&gt;" in article.blocks[0].html


@pytest.mark.parametrize("text, line, message", [
    ("---\ntitle: [unclosed\n---\n\nChữ.\n", 2, "front matter"),
    ("---\ntitle: A\n\nChữ mà không đóng front matter.\n", 1, "no closing '---'"),
    ("---\ntitle: A\ndate: hôm qua\n---\n\nChữ.\n", 3, "not a date"),
    ("---\ntitle: A\n---\n", 4, "no text"),
    ("", 1, "empty"),
    ("\n  \n", 1, "empty"),
    ("Chỉ có chữ, không có tiêu đề.\n", 1, "no title"),
    ("# A\n\n![x](../images/none.jpg)\n", 3, "does not exist"),
    ("# A\n\nChữ.\n\n![x](../manuscripts)\n", 5, "is a folder, not a file: the picture's file name is missing"),
    ("# A\n\n![x](https://example.com/a.jpg)\n", 3, "not a file in the project"),
    ("# A\n\n![x](../../outside.png)\n", 3, "outside the project"),
])
def test_bad_manuscripts_name_the_line(tmp_path, text, line, message):
    with pytest.raises(ManuscriptError) as caught:
        _read(tmp_path, text)
    assert caught.value.path == "manuscripts/01-bai.md"
    assert caught.value.line == line
    assert message in caught.value.message


def test_unknown_front_matter_key_is_a_warning(tmp_path):
    result = _read(tmp_path, "---\ntitle: A\ncolour: red\n---\n\nChữ.\n")
    assert [(d.level, d.line) for d in result.diagnostics] == [("warning", 3)]


def test_non_utf8_file_is_decoded_or_refused(tmp_path):
    root = make_project(tmp_path, {})
    path = root / "manuscripts" / "01-bai.md"
    path.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(ManuscriptError) as caught:
        read(Source(path=path, rel="manuscripts/01-bai.md", root=root))
    assert "tried" in caught.value.message or "encoding" in caught.value.message
