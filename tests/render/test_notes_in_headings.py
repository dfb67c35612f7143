"""A note called from a title or a heading (`# Định mức[^1]`) works in the EPUB and the PDF.

The call links to its note (EPUBCheck: no RSC-012), the note is numbered first, and the
call is left out of the contents, the EPUB navigation, the PDF bookmarks and the running heads.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pikepdf
import pytest

from ..conftest import make_project, run_cli
from .test_epub import epubcheck

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

ARTICLE = """\
# Định mức[^1] chi tiêu

Đoạn văn thứ nhất có chú thích.[^2]

## Mục có chú thích[^3]

{body}

[^1]: Theo Thông tư số 12 của Bộ Tài chính.
[^2]: Chú thích trong thân bài.
[^3]: Chú thích của mục.
"""
BODY = "\n\n".join(["Đoạn văn dài để bài viết sang trang thứ hai, nơi có tiêu đề chạy. " * 6] * 8)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("notes") / "book", {
        "01-dinh-muc.md": ARTICLE.format(body=BODY),
        "02-bai.md": "# Bài thứ hai\n\nNội dung bài thứ hai.\n",
    })
    result = run_cli("build", str(root), "--profile", "screen")
    assert result.returncode == 0, result.stderr + result.stdout
    return root / "dist"


def test_epub_note_call_in_a_title_links_to_its_note(built):
    epub = built / "sach-thu.epub"
    report = epubcheck(epub)
    problems = [(m["ID"], m["message"]) for m in report["messages"] if m["severity"] in ("FATAL", "ERROR")]
    assert problems == []
    with zipfile.ZipFile(epub) as archive:
        article = archive.read("EPUB/a-01-dinh-muc.xhtml").decode("utf-8")
        nav = archive.read("EPUB/nav.xhtml").decode("utf-8")
    title = re.search(r'<h1 class="article-title"[^>]*>(.*?)</h1>', article).group(1)
    assert 'href="#fn-a-01-dinh-muc-1"' in title  # the title's note is note 1
    assert 'id="fn-a-01-dinh-muc-1"' in article and "Theo Thông tư" in article
    assert re.search(r'<h2 class="article-heading"[^>]*>Mục có chú thích<a [^>]*href="#fn-a-01-dinh-muc-3"', article)
    assert "<title>Định mức chi tiêu</title>" in article
    assert ">Định mức chi tiêu</a>" in nav and "noteref" not in nav


def test_pdf_bookmarks_running_heads_and_contents_have_no_call(built):
    pdf_path = built / "sach-thu-screen.pdf"
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[:2] == ["Định mức chi tiêu", "Bài thứ hai"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    heads = [page.strip().split("\n")[0].strip() for page in pages if "Đoạn văn dài" in page]
    assert len(heads) >= 2 and "Định mức chi tiêu" in heads[1:]  # the running head of the article's 2nd page
    assert "Định mức1" not in text
    contents = next(page for page in pages if "Mục lục" in page and "....." in page)
    assert re.search(r"Định mức chi tiêu ?\.+", contents)  # no call between the title and its leader
    assert "của Bộ Tài chính." in text  # the note itself is printed


def test_a_run_of_pages_inherits_the_running_head_without_the_call():
    from publisher.pdf.runs import plan

    title = ('Định mức<a class="noteref" epub:type="noteref" role="doc-noteref" href="#fn-a-1" '
             'id="fnref-a-1">1</a> chi tiêu')
    assert plan._text(title) == "Định mức chi tiêu"
