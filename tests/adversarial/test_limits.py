"""Resource limits and messages instead of tracebacks (issue 12, items 11-14 and "Also"):
sizes are checked before anything is read, what a message quotes is bounded, a huge paragraph
or roster is an error, a broken font, ICC profile, file name or image is a message naming it,
and content Markdown cannot show is reported."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time

import pytest

from publisher.config import load_config
from publisher.errors import ConfigError, ManuscriptError, PublisherError

from ..conftest import ROOT, run_cli
from .helpers import TOML, build_book, png, project

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not


def _jpeg(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 30, 60)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _sparse(path, size: int, head: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)


# --- 11. alias bombs, bounded messages, sizes -------------------------------------------------------

def _alias_bomb(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for number in range(1, levels):
        previous, name = chr(ord("a") + number - 1), chr(ord("a") + number)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines)


def test_a_yaml_alias_bomb_in_front_matter_is_a_short_error(tmp_path):
    text = "---\ntitle: Bài\n" + _alias_bomb(7) + "\ndate: *g\n---\n\nChữ.\n"  # 9^7 strings if expanded
    root = project(tmp_path, text)
    started = time.monotonic()
    with pytest.raises(ManuscriptError) as caught:
        build_book(root, ("epub",))
    assert time.monotonic() - started < 30
    assert len(str(caught.value)) < 400, len(str(caught.value))
    assert caught.value.path == "manuscripts/01-bai.md" and caught.value.line == 4
    assert "aliases" in caught.value.message


def test_a_yaml_alias_bomb_in_a_data_file_is_a_short_error(tmp_path):
    root = project(tmp_path, "# Bài\n\n```timeline file=../data/moc.yaml\n```\n", TOML,
                   {"data/moc.yaml": (_alias_bomb(7) + "\n- year: 1996\n  event: *g\n").encode()})
    with pytest.raises(ManuscriptError, match="aliases") as caught:
        build_book(root, ("epub",))
    assert len(str(caught.value)) < 400 and caught.value.path == "data/moc.yaml"


def test_a_long_value_in_a_message_is_cut(tmp_path):
    text = "---\ntitle: Bài\ndate: " + "x" * 90_000 + "\n---\n\nChữ.\n"
    with pytest.raises(ManuscriptError, match="is not a date") as caught:
        build_book(project(tmp_path, text), ("epub",))
    assert len(str(caught.value)) < 400


def test_a_large_book_toml_is_refused_before_it_is_parsed(tmp_path):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    (root / "book.toml").write_text(TOML + ("# " + "x" * 98 + "\n") * 20_000, encoding="utf-8")  # 2 MB
    with pytest.raises(ConfigError, match=r"the file is 1\.9 MB; the limit is 1\.0 MB") as caught:
        load_config(root)
    assert caught.value.path == "book.toml"


def test_a_large_stylesheet_is_refused(tmp_path):
    css = b"p { color: red; }\n" * 300_000  # 5.4 MB
    root = project(tmp_path, "# Bài\n\nChữ.\n", TOML, {"styles/epub.css": css})
    with pytest.raises(PublisherError, match="the file is 5.1 MB; the limit is 4.0 MB") as caught:
        build_book(root, ("epub",))
    assert caught.value.path == "styles/epub.css"


def test_a_large_image_is_refused_without_reading_it(tmp_path):
    root = project(tmp_path, "# Bài\n\n![Ảnh](../images/a.png)\n\nChữ.\n")
    _sparse(root / "images" / "a.png", 101 << 20, png())
    with pytest.raises(ManuscriptError, match="the image is too large: the file is 101.0 MB") as caught:
        build_book(root, ("epub",))
    assert caught.value.path == "images/a.png"


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_huge_manuscript_is_refused_without_reading_it(tmp_path, command):
    """A 512 MiB manuscript (sparse: it takes no disk) costs the build no memory."""
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    _sparse(root / "manuscripts" / "02-lon.md", 512 << 20, "# Lớn\n\n".encode())
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = run_cli(command, str(root), "--format", "epub" if command == "build" else "text",
                     env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "manuscripts/02-lon.md" in result.stdout + result.stderr
    assert "512" in result.stdout + result.stderr
    assert peak_mb < 400, f"the {command} used {peak_mb:.0f} MB"


# --- 12. a huge paragraph, a huge roster -------------------------------------------------------------

def test_a_ten_megabyte_paragraph_is_a_quick_error(tmp_path):
    paragraph = ("hòa bình độc lập tự do " * 460_000)[:10_000_000]
    root = project(tmp_path, "# Bài\n\nMở đầu.\n\n" + paragraph + "\n")
    started = time.monotonic()
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert time.monotonic() - started < 60
    assert result.returncode == 3, result.stderr
    assert "manuscripts/01-bai.md:5: line 5 has 10,000,000 characters; a paragraph may have at most 100,000" \
        in result.stderr


def test_a_ten_megabyte_paragraph_in_a_word_file_is_an_error(tmp_path):
    from .helpers import docx_bytes

    import random

    rng = random.Random(12)
    text = "".join(rng.choice("abcdefghiklmnopqrstuvxyđêôơư ") for _ in range(300_000))
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML, {"manuscripts/02-dai.docx": docx_bytes(text)})
    with pytest.raises(ManuscriptError, match="a paragraph of 3[0-9,]+ characters; at most 100,000") as caught:
        build_book(root, ("epub",))
    assert caught.value.path == "manuscripts/02-dai.docx"


def test_a_fifty_thousand_row_roster_is_read_and_one_of_more_than_a_hundred_thousand_is_refused(tmp_path):
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache")}
    for rows, refused in ((50_000, False), (100_001, True)):
        data = "Họ và tên,Đơn vị\n" + "".join(f"Nguyễn Văn {n},Phòng {n % 7}\n" for n in range(rows))
        root = project(tmp_path / str(rows), "# Danh sách\n\n```roster file=../data/ds.csv sort=name\n```\n",
                       TOML, {"data/ds.csv": data.encode()})
        started = time.monotonic()
        result = run_cli("check", str(root), env=env)
        assert time.monotonic() - started < 60
        message = f"error: manuscripts/01-bai.md:3: roster: {rows:,} rows; a roster may have at most 100,000"
        assert (message in result.stdout) == refused, result.stdout
        assert (result.returncode != 0) == refused
    with pytest.raises(ManuscriptError, match="100,001 rows"):
        build_book(root, ("epub",))


def test_a_long_roster_a_pdf_lays_out_in_one_piece_is_a_message_naming_it(tmp_path):
    # The screen PDF is tagged (PDF/UA): one WeasyPrint pass, which holds all 50,000 rows' boxes.
    data = "Họ và tên,Đơn vị\n" + "".join(f"Nguyễn Văn {n},Phòng {n % 7}\n" for n in range(50_000))
    root = project(tmp_path, "# Danh sách\n\n```roster file=../data/ds.csv sort=name\n```\n", TOML,
                   {"data/ds.csv": data.encode()})
    result = run_cli("build", str(root), "--format", "pdf", "--profile", "screen",
                     env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 3, result.stdout + result.stderr
    assert ("error: manuscripts/01-bai.md:3: roster: 50,000 rows laid out in one piece (the "
            "screen PDF is tagged (PDF/UA): made in one pass)") in result.stderr
    assert "one article per period or unit" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())


# --- 13. messages, not tracebacks ---------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"hello, not a font", b"\x00\x01\x00\x00" + b"garbage" * 40])
def test_a_font_file_that_is_not_a_font_is_a_message(tmp_path, data):
    toml = TOML + '[fonts.body]\nregular = "fonts/x.ttf"\n'
    root = project(tmp_path, "# Bài\n\nChữ.\n", toml, {"fonts/x.ttf": data})
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "fonts.body.regular: fonts/x.ttf is not" in result.stderr


@pytest.mark.parametrize("data, message", [
    (b"this is not an ICC profile" * 10, "is not an ICC colour profile"),
    (b"\x00" * 16 + b"RGB " + b"\x00" * 16 + b"acsp" + b"\x00" * 100, "is an ICC profile for RGB, not a CMYK"),
    (b"\x00" * 16 + b"CMYK" + b"\x00" * 16 + b"acsp" + b"junk" * 40, "is not a usable CMYK ICC profile"),
])
def test_an_icc_file_that_is_not_icc_is_a_message(tmp_path, data, message):
    toml = TOML + '[output.print]\nicc_profile = "cmyk.icc"\n'
    root = project(tmp_path, "# Bài\n\nChữ.\n", toml, {"cmyk.icc": data})
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and message in result.stderr


@pytest.mark.parametrize("command", ["build", "check", "dump", "stats"])
def test_a_file_name_that_is_not_utf8_is_a_message(tmp_path, command):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    with open(os.path.join(os.fsencode(root / "manuscripts"), b"02-caf\xe9.md"), "wb") as handle:
        handle.write(b"# Cafe\n\nText.\n")
    result = run_cli(command, str(root), env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert "Traceback" not in result.stderr, result.stderr
    assert "02-caf\ufffd.md" in result.stdout + result.stderr
    assert "not UTF-8" in result.stdout + result.stderr or command == "stats"


# --- 14. damaged images ------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "empty"])
@pytest.mark.parametrize("profile", ["print", "screen"])
def test_a_damaged_jpeg_is_refused_by_every_output(tmp_path, damage, profile):
    data = _jpeg()[: len(_jpeg()) // 2] if damage == "truncated" else b""
    root = project(tmp_path, "# Bài\n\n![Ảnh](../images/a.jpg)\n\nChữ.\n", TOML, {"images/a.jpg": data})
    for formats in (("pdf",), ("epub",)):
        with pytest.raises(ManuscriptError, match="damaged|not an image|empty|does not exist") as caught:
            from publisher.build import build

            build(root, formats, root / "dist", profile=profile if formats == ("pdf",) else None)
        assert caught.value.path in ("images/a.jpg", "manuscripts/01-bai.md"), caught.value
    assert not (root / "dist").exists() or not list((root / "dist").glob("*.pdf"))


# --- Also: what Markdown cannot show is reported ------------------------------------------------------

@pytest.mark.parametrize("body, line, message", [
    ("".join("  " * i + f"- mức {i}\n" for i in range(12)), 14, "lists nested 10 levels deep"),
    (">" * 21 + " sâu\n", 5, "quotes 20"),
    ("- mục ![Ảnh](../images/a.png)\n", 5, "image ../images/a.png inside a list is not shown"),
    ("> trích ![Ảnh](../images/a.png)\n", 5, "image ../images/a.png inside a quote is not shown"),
    ("| a |\n|---|\n| ![Ảnh](../images/a.png) |\n", 5, "image ../images/a.png inside a table is not shown"),
])
def test_content_markdown_drops_is_a_warning_with_its_line(tmp_path, body, line, message):
    root = project(tmp_path, "# Bài\n\nMở đầu.\n\n" + body, TOML, {"images/a.png": png()})
    report = build_book(root, ("epub",))
    found = [d for d in report.diagnostics if message in d.message]
    assert found and (found[0].path, found[0].line, found[0].level) == ("manuscripts/01-bai.md", line, "warning"), \
        [str(d) for d in report.diagnostics]
