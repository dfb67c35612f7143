"""A project's styles/ folder overrides built-in templates and CSS file by file; labels follow the language."""

from __future__ import annotations

import zipfile

import pytest

from ..conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

ARTICLE = {"01-bai.md": "---\ntitle: Bài\n---\n\nChữ.\n"}


def test_styles_folder_overrides_one_template_and_the_css(tmp_path):
    root = make_project(tmp_path, ARTICLE, '[book]\ntitle = "Sách"\n[[parts]]\ntitle = "Phần một"\nfiles = ["01-bai.md"]\n',
                        files={
                            "styles/book.css": b"p { color: #123456; }\n",
                            "styles/part.html": '<section class="part-opener" id="{{ part.id }}">'
                                                '<h1 class="part-title">★ {{ part.title }}</h1></section>'.encode(),
                        })
    assert run_cli("build", str(root), "--format", "epub").returncode == 0
    with zipfile.ZipFile(root / "dist" / "sach.epub") as epub:
        css = epub.read("EPUB/css/book.css").decode()
        part = epub.read("EPUB/part-1.xhtml").decode()
        article = next(n for n in epub.namelist() if n.startswith("EPUB/a-"))
        assert "#123456" in css and "text-indent: 1.2em" not in css, "book.css replaced as a whole"
        assert "★ Phần một" in part
        assert "article-title" in epub.read(article).decode(), "the other templates stay built in"


def test_english_book_uses_english_labels(tmp_path):
    toml = ('[book]\ntitle = "Thirty years"\nlanguage = "en"\ntoc = "front"\n'
            '[imprint]\nprinter = "Acme Press"\nprint_run = 300\nnot_for_sale = true\n')
    root = make_project(tmp_path, {"01-a.md": "# A\n\nText.\n"}, toml)
    assert run_cli("build", str(root), "--format", "epub").returncode == 0
    with zipfile.ZipFile(root / "dist" / "thirty-years.epub") as epub:
        imprint = epub.read("EPUB/imprint.xhtml").decode()
        assert 'lang="en"' in imprint
        for label in ("Printed by", "Print run", "Not for sale", "300 copies"):
            assert label in imprint, label
        assert "Sách không bán" not in imprint
        assert "Contents" in epub.read("EPUB/nav.xhtml").decode()
