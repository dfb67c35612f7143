"""A figure's alt text never repeats its caption, and Markdown escapes never reach it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image

from publisher.readers import Source, read
from publisher.render.html import figure_alt

from ..conftest import make_project, run_cli
from .test_epub import epubcheck

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("alt, caption, expected", [
    (None, "Trụ sở Chi cục năm 1998", "Ảnh"),
    ("Trụ sở Chi cục năm 1998", "Trụ sở Chi cục năm <em>1998</em>", "Ảnh"),  # word for word
    ("Ảnh: Trụ sở Chi cục", "Trụ sở Chi cục năm 1998", "Ảnh"),  # a piece of the caption
    ("Ngôi nhà hai tầng mái ngói đỏ", "Trụ sở Chi cục năm 1998", "Ngôi nhà hai tầng mái ngói đỏ"),
    ("Ngôi nhà hai tầng", None, "Ngôi nhà hai tầng"),
    (None, None, ""),
])
def test_figure_alt(alt, caption, expected):
    assert figure_alt(alt, caption, "Ảnh") == expected


def test_markdown_escapes_are_not_in_the_alt_text(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(png())
    (tmp_path / "x.md").write_text("# T\n\n![Ảnh\\: Trụ sở \\[cũ\\] *mới*](images/a.png)\n", encoding="utf-8")
    [figure] = read(Source(path=tmp_path / "x.md", rel="x.md", root=tmp_path)).article.blocks
    assert figure.alt == "Ảnh: Trụ sở [cũ] mới"
    assert figure.caption == "Ảnh: Trụ sở [cũ] <em>mới</em>"


def test_epub_figures_and_gallery_do_not_read_the_caption_twice(tmp_path):
    root = make_project(tmp_path / "book", {"01-anh.md": """\
        # Ảnh tư liệu

        ![Trụ sở Chi cục năm 1998](../images/a.png)

        ![](../images/b.png)

        Ảnh: Kho lưu trữ mới

        ```gallery
        ![Lễ kỷ niệm 20 năm](../images/a.png)
        ```
        """}, files={"images/a.png": png(), "images/b.png": png()})
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr + result.stdout
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        page = archive.read("EPUB/a-01-anh.xhtml").decode("utf-8")
    figures = re.findall(r'<img [^>]*alt="([^"]*)"[^>]*/>\s*<figcaption>(.*?)</figcaption>', page)
    assert [alt for alt, _ in figures] == ["Ảnh", "Ảnh", "Ảnh"], page
    assert [caption.replace("\u00a0", " ") for _, caption in figures] == ["Trụ sở Chi cục năm 1998", "Kho lưu trữ mới",
                                                   "Lễ kỷ niệm 20 năm"]
    report = epubcheck(epub)
    assert [m["ID"] for m in report["messages"] if m["severity"] in ("FATAL", "ERROR")] == []
