"""The sample book read back as a print house and a designer would: front matter, openers,
imprint, tables, holes; the EPUB's first page and stylesheet (issue 14)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from publisher.model import html_to_text

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not


def page_text(pdf, number: int) -> str:
    """Text of 1-based page ``number``, no-break spaces as spaces."""
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.replace("\u00a0", " ")


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def reader(sample_build):
    return PdfReader(sample_build["pdf"])


@pytest.fixture(scope="module")
def marks(reader) -> dict[str, int]:
    """Bookmark title -> 0-based page index."""
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[flat(item.title)] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return found


def test_page_one_is_a_half_title_and_the_title_page_is_a_right_hand_page(sample_build):
    title = flat(sample_build["book"]["title"])
    assert flat(page_text(sample_build["pdf"], 1)) == title, "page i is the title alone (no cover in the book block)"
    assert flat(page_text(sample_build["pdf"], 2)) == ""
    title_page = flat(page_text(sample_build["pdf"], 3))
    assert title in title_page and "Biên tập" in title_page, "the title page is page iii, a right-hand page"
    assert flat(page_text(sample_build["pdf"], 4)) == "", "its back is blank (the imprint is at the back)"


def test_title_page_lists_people_once_per_role_and_the_years_once(sample_build):
    text = flat(page_text(sample_build["pdf"], 3))
    assert text.count("Biên tập:") == 1
    assert "Biên tập: Phạm Thị Lan Hương, Hoàng Minh Đức" in text
    assert text.count("1996–2026") == 1


def test_front_matter_sections_and_parts_open_on_right_hand_pages(sample_build, marks):
    book = sample_build["book"]
    openers = [flat(html_to_text(book["foreword"]["title"]))] + [flat(p["title"]) for p in book["parts"]]
    for title in openers:
        assert marks[title] % 2 == 0, f"{title} opens on a left-hand page"  # 0-based: even = right-hand


def test_opening_pages_have_no_running_head_but_keep_the_folio(sample_build, marks, reader):
    """The first text line of an opening page is its title; its last line is its page number."""
    book = sample_build["book"]
    labels = list(reader.page_labels)
    titles = [html_to_text(book["foreword"]["title"])] + [html_to_text(a["title"]) for p in book["parts"]
                                                           for a in p["articles"]] + ["Mục lục"]
    for title in titles:
        index = marks[flat(title)]
        lines = [line.strip() for line in page_text(sample_build["pdf"], index + 1).splitlines() if line.strip()]
        assert flat(title).startswith(flat(lines[0])), f"{title}: page {labels[index]} starts with {lines[0]!r}"
        assert lines[-1] == labels[index], f"{title}: no folio"
    contents = page_text(sample_build["pdf"], marks["Mục lục"] + 1)
    assert contents.count("Mục lục") == 1, "the contents' title printed once on its first page"


def test_pages_after_an_opener_keep_their_running_head(sample_build, marks):
    article = sample_build["book"]["parts"][0]["articles"][0]
    index = marks[flat(html_to_text(article["title"]))] + 1  # the next page, 0-based
    head = page_text(sample_build["pdf"], index + 1).strip().splitlines()[0]
    expected = sample_build["book"]["title"] if index % 2 else html_to_text(article["title"])
    assert flat(head) == flat(expected)


def test_imprint_names_the_publisher_with_its_address_and_sets_labels_ragged(sample_build, reader):
    text = flat(page_text(sample_build["pdf"], len(reader.pages)))
    assert "NHÀ XUẤT BẢN SÔNG NGÂN" in text and "Đơn vị thực hiện" not in text
    assert "Địa chỉ: Số 7 phố Bến Ngự" in text
    assert "Chịu trách nhiệm nội dung:" in text, "labels set without stretched word spaces"


def test_captioned_tables_are_numbered(sample_build):
    text = flat(subprocess.run(["pdftotext", "-enc", "UTF-8", str(sample_build["pdf"]), "-"],
                               capture_output=True, text=True, check=True).stdout)
    assert "Bảng 1. Số trang tài liệu được số hóa, 2016–2025" in text
    assert "Bảng 2. Các hình thức khen thưởng tiêu biểu" in text


def test_the_page_before_a_moved_figure_is_filled(sample_build):
    """Folio 9 used to end after table 1 with 40 % of the page empty: the chart that did not fit
    there now follows the paragraphs that fill the page (pdf.refill)."""
    pdf = sample_build["pdf"]
    number = next(n for n in range(1, 40) if "Bảng 1." in page_text(pdf, n))
    bbox = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = sorted((float(top), float(bottom)) for top, bottom in
                   re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox))
    folio_top = lines[-1][0]  # the lowest line is the folio
    body_bottom = lines[-2][1]
    assert folio_top - body_bottom < 60, f"page {number}: {folio_top - body_bottom:.0f} pt empty above the folio"


@pytest.fixture(scope="module")
def epub(sample_build):
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        yield archive


def test_epub_opens_on_the_cover_image(epub):
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    opf = ElementTree.fromstring(epub.read("EPUB/content.opf"))
    items = {i.get("id"): i for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
    cover = next(i for i in items.values() if "cover-image" in (i.get("properties") or ""))
    first = items[opf.find(".//opf:spine/opf:itemref", ns).get("idref")]
    page = epub.read("EPUB/" + first.get("href")).decode()
    assert f'src="{cover.get("href")}"' in page and 'epub:type="cover"' in page
    assert "<h1" not in page, "the cover page is the image, not a text copy of the title page"
    assert not any("halftitle" in name for name in epub.namelist())


def test_epub_stylesheet_is_relative_with_margins_and_ragged_on_phones(epub):
    css = epub.read("EPUB/css/book.css").decode()
    epub_part = css[css.index("EPUB only"):]
    assert "html { font-size: 100%" in epub_part and "body { margin: 0 4%" in epub_part
    assert re.search(r"@media \(max-width: [\d.]+em\) \{\s*p, li[^}]*text-align: left", epub_part)
    nav = epub.read("EPUB/nav.xhtml").decode()
    assert 'href="css/book.css"' in nav, "the navigation document is styled"
