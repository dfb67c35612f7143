"""Broken files: each gives an error or a warning naming the file (and line), never a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest

from publisher.errors import ManuscriptError, PublisherError

from .helpers import TOML, build_book, docx_bytes, epub_entries, pdf_fonts, pdf_text, png, png_bomb, project
from ..conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not


def _one(tmp_path, name: str, data: bytes):
    root = make_project(tmp_path / "book", {}, TOML)
    (root / "manuscripts" / name).write_bytes(data)
    return root


@pytest.mark.parametrize("name, data, message", [
    ("01.docx", docx_bytes()[:1500], "not a valid|corrupt|cannot|damaged|zip"),
    ("01.docx", b"PK\x03\x04" + b"\x17" * 3000, "not a valid|corrupt|cannot|damaged|zip"),
    ("01.docx", b"This is not a Word file at all", "not a valid|corrupt|cannot|damaged|zip"),
    ("01.md", b"# T\n\nab\x00cd\n", "NUL bytes"),
    ("01.txt", b"Tieu de\n\nab\x00cd\n", "NUL bytes"),
    ("01.md", "---\ntitle: Chỉ có phần đầu\n---\n".encode(), "no text"),
    ("01.md", b"---\ntitle: [\n---\n\nx\n", "front matter"),
    ("01.md", b"", "empty"),
])
def test_broken_manuscripts_are_errors_naming_the_file(tmp_path, name, data, message):
    root = _one(tmp_path, name, data)
    with pytest.raises(ManuscriptError, match=message) as caught:
        build_book(root)
    assert caught.value.path == f"manuscripts/{name}"
    result = run_cli("build", str(root))
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: manuscripts/{name}")


@pytest.mark.slow
def test_a_zip_bomb_disguised_as_docx_is_refused(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        good = zipfile.ZipFile(io.BytesIO(docx_bytes()))
        for item in good.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, good.read(item.filename))
        with bomb.open("word/document.xml", "w", force_zip64=True) as handle:
            block = b"\0" * (1 << 20)
            for _ in range(1024):  # 1 GiB uncompressed, about 1 MB on disk
                handle.write(block)
    root = _one(tmp_path, "01.docx", out.getvalue())
    with pytest.raises(ManuscriptError) as caught:
        build_book(root)
    assert caught.value.path == "manuscripts/01.docx"


def test_a_50_mb_text_file_is_refused_before_it_is_read(tmp_path):
    root = make_project(tmp_path / "book", {}, TOML)
    with open(root / "manuscripts" / "01.txt", "wb") as handle:
        handle.write(b"Ti\xc3\xaau \xc4\x91\xe1\xbb\x81\n\n" + b"x" * (50 * 1024 * 1024))
    with pytest.raises(ManuscriptError, match="at most 20 MB") as caught:
        build_book(root)
    assert caught.value.path == "manuscripts/01.txt"


@pytest.mark.parametrize("data, name", [
    (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "images/hong.jpg"),
    (png()[:30], "images/hong.png"),
    (png_bomb(), "images/bom.png"),
])
def test_broken_and_bomb_images_are_errors_naming_the_image(tmp_path, data, name):
    root = project(tmp_path, f"# Bài\n\n![Ảnh](../{name})\n\nChữ.\n", files={name: data})
    with pytest.raises(PublisherError) as caught:
        build_book(root)
    assert name in str(caught.value) or caught.value.path == name, str(caught.value)
    result = run_cli("build", str(root))
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr


def test_lone_surrogates_never_reach_the_outputs(tmp_path):
    # CESU-style UTF-8 for U+D800, a YAML escape for another, and UTF-16 with a lone surrogate.
    root = make_project(tmp_path / "book", {}, TOML)
    (root / "manuscripts" / "01.md").write_bytes(
        '---\ntitle: "Tiêu đề \\ud800 lạ"\n---\n\nĐoạn văn tiếng Việt có dấu.\n'.encode())
    (root / "manuscripts" / "02.md").write_bytes("# Bài hai\n\nChữ ".encode() + b"\xed\xa0\x80" + " cuối.\n".encode())
    (root / "manuscripts" / "03.txt").write_bytes(b"\xff\xfe" + "Bài ba\n\nCó ".encode("utf-16-le") + b"\x00\xd8"
                                                   + " chữ.\n".encode("utf-16-le"))
    try:
        report = build_book(root, ("epub",))
    except ManuscriptError as exc:  # an undecodable file is an error naming it: acceptable too
        assert exc.path in ("manuscripts/02.md", "manuscripts/03.txt"), exc
        return
    warned = {d.path for d in report.diagnostics if "surrogate" in d.message}
    assert "manuscripts/01.md" in warned
    for data in epub_entries(report.outputs[0].path).values():
        data.decode("utf-8", errors="strict") if data[:1] == b"<" else None


def test_bidi_overrides_and_controls_are_removed_and_reported(tmp_path):
    body = "# Bài\n\nMột dòng bình thường.\n\nTiền: \u202e000.01\u202c đồng, \u2066ẩn\u2069 và \x07chuông\x1b.\n"
    root = project(tmp_path, body)
    report = build_book(root, ("epub",))
    found = {(d.path, d.line, d.message.split(" (")[0]) for d in report.diagnostics if d.code == "sanitize"}
    assert found == {
        ("manuscripts/01-bai.md", 5, "removed 4 right-to-left or bidirectional override characters"),
        ("manuscripts/01-bai.md", 5, "removed 2 control characters"),
    }
    article = next(d for n, d in epub_entries(report.outputs[0].path).items() if n.startswith("EPUB/a-")).decode()
    assert "Tiền: 000.01\u00a0đồng, ẩn và chuông." in article
    assert not any(c in article for c in "\u202e\u202c\u2066\u2069\x07\x1b")


@pytest.mark.slow
def test_emoji_and_symbols_use_the_fallback_font_and_are_reported(tmp_path):
    body = "# Bài có biểu tượng\n\nMở đầu.\n\nChúc mừng 🎉 và ☎ gọi, ✓ xong, ★ sao.\n"
    root = project(tmp_path, body)
    report = build_book(root)
    warning = next(d for d in report.diagnostics if d.code == "font")
    assert (warning.path, warning.line) == ("manuscripts/01-bai.md", 5)
    for char in "🎉☎✓★":
        assert char in warning.message
    pdf = next(o.path for o in report.outputs if o.format == "pdf")
    fonts = pdf_fonts(pdf)
    assert "+Book-Emoji " in fonts and "+Book-Symbols-Extra " in fonts, fonts  # embedded subsets
    text = pdf_text(pdf)
    for char in "🎉☎✓★":
        assert char in text, char
    entries = epub_entries(next(o.path for o in report.outputs if o.format == "epub"))
    assert "EPUB/fonts/emoji-regular.ttf" in entries
    assert '"Book Emoji"' in entries["EPUB/css/book.css"].decode()


def test_a_book_without_such_characters_gets_no_fallback_font(tmp_path):
    report = build_book(project(tmp_path, "# Bài\n\nChữ tiếng Việt đầy đủ dấu: ả ã ạ ẳ ẵ ặ.\n"), ("epub",))
    assert not [d for d in report.diagnostics if d.code == "font"]
    assert not [n for n in epub_entries(report.outputs[0].path) if "emoji" in n or "symbols" in n]


def test_duplicate_titles_and_duplicate_parts_entries(tmp_path):
    toml = TOML + ('[[parts]]\ntitle = "Một"\nfiles = ["01.md", "02.md"]\n'
                   '[[parts]]\ntitle = "Hai"\nfiles = ["*.md", "01.md"]\n')
    root = make_project(tmp_path / "book", {"01.md": "# Cùng tên\n\nMột.\n", "02.md": "# Cùng tên\n\nHai.\n"}, toml)
    report = build_book(root, ("epub",))
    duplicates = [d for d in report.diagnostics if "again in" in d.message]
    assert {d.line for d in duplicates} == {7}, report.diagnostics
    entries = epub_entries(report.outputs[0].path)
    articles = sorted(n for n in entries if n.startswith("EPUB/a-"))
    assert len(articles) == 2  # two articles with one title keep two documents with distinct ids


def test_a_symlink_loop_in_the_manuscripts_folder(tmp_path):
    import os

    root = make_project(tmp_path / "book", {"01.md": "# Bài\n\nChữ.\n"}, TOML)
    os.symlink("..", root / "manuscripts" / "vong")
    os.symlink(".", root / "manuscripts" / "vong2")
    report = build_book(root, ("epub",))
    assert report.articles == 1
