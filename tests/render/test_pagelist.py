"""The EPUB's page list and page-break markers carry the print PDF's page numbers (issue 14)."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from publisher.model import html_to_text

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


@pytest.fixture(scope="module")
def epub(sample_build):
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        yield archive


@pytest.fixture(scope="module")
def page_list(epub) -> list[tuple[str, str]]:
    """(label, href) of every entry of the navigation document's page-list, in order."""
    nav = ElementTree.fromstring(epub.read("EPUB/nav.xhtml"))
    lists = [n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "page-list"]
    assert len(lists) == 1
    return [(a.text, a.get("href")) for a in lists[0].iter(f"{XHTML}a")]


@pytest.fixture(scope="module")
def pdf_labels(sample_build) -> list[str]:
    return list(PdfReader(sample_build["pdf"]).page_labels)


def test_page_list_labels_are_the_print_pdfs_in_order(page_list, pdf_labels):
    labels = [label for label, _ in page_list]
    assert len(labels) >= 50
    positions = [pdf_labels.index(label) for label in labels]
    assert positions == sorted(positions) and len(set(labels)) == len(labels)
    assert {"v", "1", "12", pdf_labels[-1]} <= set(labels)


def test_every_entry_points_at_a_pagebreak_marker_with_its_label(epub, page_list):
    for label, href in page_list:
        name, anchor = href.split("#")
        page = epub.read("EPUB/" + name).decode()
        marker = re.search(rf'<span epub:type="pagebreak" role="doc-pagebreak" id="{re.escape(anchor)}" '
                           rf'aria-label="([^"]+)"></span>', page)
        assert marker and marker.group(1) == label, href


def test_each_article_starts_on_the_page_the_print_pdf_gives_it(sample_build, page_list, pdf_labels):
    """The marker at an article's start carries the label of its first page in the print PDF."""
    reader = PdfReader(sample_build["pdf"])
    first_page = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                first_page[" ".join(item.title.split())] = reader.get_destination_page_number(item)

    walk(reader.outline)
    starts = {}
    for label, href in page_list:
        starts.setdefault(href.split("#")[0], label)  # the first marker of each document
    articles = [a for part in sample_build["book"]["parts"] for a in part["articles"]]
    assert len(articles) >= 15
    for article in articles:
        title = " ".join(html_to_text(article["title"]).split())
        document = _document_of(sample_build, title)
        assert starts[document] == pdf_labels[first_page[title]], title


def _document_of(sample_build, title: str) -> str:
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml") and "/a-" in name:
                body = archive.read(name).decode()
                found = re.search(r'class="article-title"[^>]*>(.*?)</h1>', body, re.DOTALL)
                if found and " ".join(html_to_text(found.group(1)).split()) == title:
                    return name.split("/", 1)[1]
    raise AssertionError(f"no EPUB document for {title}")


def test_a_page_starts_where_the_print_page_does(sample_build, epub, page_list, pdf_labels):
    """The words after a mid-article marker are the first words of that printed page."""
    import subprocess

    checked = 0
    for label, href in page_list:
        name, anchor = href.split("#")
        if not name.startswith("a-"):
            continue
        page = epub.read("EPUB/" + name).decode()
        after = page[page.index(f'id="{anchor}"'):]
        words = html_to_text(after.split(">", 1)[1]).split()[:4]
        number = pdf_labels.index(label) + 1
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number),
                               str(sample_build["pdf"]), "-"], capture_output=True, text=True).stdout
        if words and " ".join(words) in " ".join(text.replace("\u00a0", " ").split()):
            checked += 1
    assert checked >= 30


def test_package_names_the_print_edition(epub):
    opf = epub.read("EPUB/content.opf").decode()
    assert re.search(r'<meta property="pageBreakSource">[^<]*\(bản in, ky-yeu-30-nam\.pdf\)</meta>', opf)
    assert "pageBreakMarkers" in opf and "pageNavigation" in opf


def test_an_isbn_is_the_page_break_source(tmp_path):
    from tests.conftest import make_project, run_cli

    root = make_project(tmp_path, {"01-bai.md": "# Bài một\n\nChữ.\n"},
                        '[book]\ntitle = "Sách thử"\nisbn = "978-604-0-00000-2"\n')
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(next((root / "dist").glob("*.epub"))) as archive:
        opf = archive.read("EPUB/content.opf").decode()
        assert '<meta property="pageBreakSource">urn:isbn:9786040000002</meta>' in opf
        nav = archive.read("EPUB/nav.xhtml").decode()
        assert 'epub:type="page-list"' in nav and "#page-1" in nav


def test_a_book_may_leave_the_page_list_out_and_then_lays_nothing_out(tmp_path):
    from tests.conftest import make_project, run_cli
    from tests.render.test_epub import epubcheck

    text = "# Bài một\n\n" + "Chữ của một trang sách. " * 400 + "\n"
    root = make_project(tmp_path / "p", {"01-bai.md": text},
                        '[book]\ntitle = "Sách thử"\n[output]\nepub_page_list = false\n')
    cache = tmp_path / "cache"
    result = run_cli("build", str(root), "--format", "epub", env={"PUBLISHER_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        assert 'epub:type="page-list"' not in archive.read("EPUB/nav.xhtml").decode()
        assert "pageBreakSource" not in archive.read("EPUB/content.opf").decode()
        assert not any('epub:type="pagebreak"' in archive.read(n).decode()
                       for n in archive.namelist() if n.endswith(".xhtml"))
    assert not (cache / "publisher" / "render").exists() and not (cache / "publisher" / "pagemap").exists()
    report = epubcheck(epub)
    assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0
    # The default: the same EPUB built alone lays the print pages out, and lists them.
    (root / "book.toml").write_text('[book]\ntitle = "Sách thử"\n', encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub", env={"PUBLISHER_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(epub) as archive:
        assert 'epub:type="page-list"' in archive.read("EPUB/nav.xhtml").decode()
    assert (cache / "publisher" / "pagemap").exists()
