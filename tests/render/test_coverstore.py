"""Covers kept between builds and drawn ahead: the same bytes, without WeasyPrint in the build's process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from publisher.build import load_book
from publisher.render import coverstore
from publisher.render.cover import write_cover_pdf
from publisher.render.html import render_book
from publisher.workers import can_fork

from ..conftest import ROOT, make_project

pytestmark = pytest.mark.slow  # draws covers in worker processes (WeasyPrint)

TOML = '[book]\ntitle = "Kỷ yếu 20 năm"\norganisation = "Trường Hòa Bình"\ndate = 2026-10-20\nslug = "ky-yeu"\n'
TEXT = "# Bài một\n\nĐoạn văn của bài viết, đủ dài để có vài dòng chữ.\n"
HEAVY = ("weasyprint", "pikepdf", "pypdfium2")

# Builds the EPUB in this process and tells which heavy libraries it imported.
BUILD = """
import json, sys
from publisher.build import build
build(sys.argv[1], formats=("epub",), out_dir=sys.argv[2])
print(json.dumps([name for name in %r if name in sys.modules]))
""" % (HEAVY,)


def _build(root, out, cache, parallel: bool = True) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PUBLISHER_PARALLEL")}
    env["PUBLISHER_CACHE"] = str(cache)
    if not parallel:
        env["PUBLISHER_PARALLEL"] = "0"
    result = subprocess.run([sys.executable, "-c", BUILD, str(root), str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not can_fork(), reason="the cover is drawn ahead by a forked worker")
@pytest.mark.parametrize("text", [TEXT, TEXT + "\nMột biểu tượng ☎ và ✓ cần phông dự phòng.\n"],
                         ids=["plain", "fallback-font"])
def test_the_epub_cover_is_drawn_by_a_worker_then_kept(tmp_path, text):
    # Without the page list: an EPUB built alone with one lays the print pages out (WeasyPrint).
    root = make_project(tmp_path / "book", {"01.md": text}, TOML + "[output]\nepub_page_list = false\n")
    alone = _build(root, tmp_path / "alone", tmp_path / "cache-alone", parallel=False)
    assert "weasyprint" in alone  # drawn here: the reference bytes
    first = _build(root, tmp_path / "first", tmp_path / "cache")
    second = _build(root, tmp_path / "second", tmp_path / "cache")
    reference = (tmp_path / "alone" / "ky-yeu.epub").read_bytes()
    assert (tmp_path / "first" / "ky-yeu.epub").read_bytes() == reference
    assert (tmp_path / "second" / "ky-yeu.epub").read_bytes() == reference
    assert second == []  # the kept image: no WeasyPrint at all
    if "☎" not in text:
        assert first == []  # drawn by the worker while the manuscripts were read
    # With a fallback font the front cover's fonts differ from the guess: drawn here instead.


def test_the_cover_spread_is_kept_until_its_page_count_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = make_project(tmp_path / "book", {"01.md": TEXT}, TOML)
    loaded = load_book(root)
    rendered = render_book(loaded.config, loaded.book)
    cache = tmp_path / "covers"
    reference = io.BytesIO()
    expected = write_cover_pdf(rendered, 120, reference)
    first = io.BytesIO()
    drawn = coverstore.cover_pdf(rendered, 120, first, cache)
    assert first.getvalue() == reference.getvalue() and drawn == expected

    def fail(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(coverstore, "draw_cover_pdf", fail)
    kept = io.BytesIO()
    assert coverstore.cover_pdf(rendered, 120, kept, cache) == expected
    assert kept.getvalue() == reference.getvalue()
    with pytest.raises(AssertionError, match="drawn again"):
        coverstore.cover_pdf(rendered, 360, io.BytesIO(), cache)  # a wider spine


def test_a_damaged_kept_cover_is_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = make_project(tmp_path / "book", {"01.md": TEXT}, TOML)
    loaded = load_book(root)
    rendered = render_book(loaded.config, loaded.book)
    cache = tmp_path / "covers"
    image = coverstore.front_cover(rendered, cache)
    for path in cache.rglob("*.bin"):
        path.write_bytes(b"damaged")
    assert coverstore.front_cover(rendered, cache) == image


def test_the_quick_glyph_check_agrees_with_the_full_one(tmp_path, monkeypatch):
    from publisher.render import fallback
    from publisher.render.fonts import regular_fonts

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    texts = {"01.md": TEXT, "02.md": "# Điện thoại ☎\n\nChúc mừng 🎉, ✓ xong.\n",
             "03.md": "# Thực thể\n\nMột &#9733; sao và &amp; dấu và.\n", "04-★.md": "# Tên tệp\n\nChữ thường.\n",
             "05.md": "# Ảnh\n\n![Chú thích ☀ trong ảnh](../images/a.png)\n\nChữ.\n"}
    root = make_project(tmp_path / "book", texts, TOML, {"images/a.png": b"\x89PNG\r\n\x1a\n"})
    loaded = load_book(root)
    fonts = regular_fonts(loaded.config)
    quick = fallback.missing_glyph_diagnostics(loaded.book, fonts)
    monkeypatch.setattr(fallback, "_strings", lambda article: iter(["&"]))  # always the full check
    assert quick == fallback.missing_glyph_diagnostics(loaded.book, fonts)
    assert {d.path for d in quick} == {"manuscripts/02.md", "manuscripts/03.md", "manuscripts/05.md"}
