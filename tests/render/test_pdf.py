"""The print PDF: fonts, pages, outline, table of contents numbers, running heads, text."""

from __future__ import annotations

import re
from collections import Counter
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from publisher.model import html_to_text

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

MM = 72 / 25.4


@pytest.fixture(scope="module")
def reader(sample_build):
    return PdfReader(sample_build["pdf"])


def page_text(pdf, first: int, last: int | None = None) -> str:
    """Text of 1-based pages first..last, extracted by poppler's pdftotext."""
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(first), "-l", str(last or first), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def words(text: str) -> list[str]:
    """The letter words of a text: what must survive layout (digits and punctuation aside)."""
    return re.findall(r"[^\W\d_]+", text)


def outline(reader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) for every bookmark."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def test_every_font_is_embedded(sample_build):
    with pikepdf.open(sample_build["pdf"]) as pdf:
        fonts = {}
        for page in pdf.pages:
            for name, font in (page.Resources.get("/Font") or {}).items():
                fonts[str(font.get("/BaseFont"))] = font
        assert len(fonts) >= 4
        for base, font in fonts.items():
            descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), base


def test_trim_size_and_metadata(reader, sample_build):
    box = reader.pages[0].trimbox  # the print profile's media box also holds the bleed and crop marks
    assert abs(float(box.width) - 145 * MM) < 0.5 and abs(float(box.height) - 205 * MM) < 0.5
    assert reader.metadata.title == sample_build["book"]["title"]
    assert reader.metadata.author
    with pikepdf.open(sample_build["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "vi"


def test_outline_has_parts_and_articles(reader, sample_build):
    book = sample_build["book"]
    marks = outline(reader)
    titles = [t for _, t, _ in marks]
    for part in book["parts"]:
        assert part["title"] in titles
        for article in part["articles"]:
            assert html_to_text(article["title"]) in titles
    levels = {t: lvl for lvl, t, _ in marks}
    assert levels[book["parts"][0]["title"]] == 1
    assert levels[html_to_text(book["parts"][0]["articles"][0]["title"])] == 2


def test_contents_numbers_are_the_bookmark_pages(reader, sample_build):
    """The contents give each entry's printed number: the label of its bookmark's page."""
    labels = list(reader.page_labels)
    marks = outline(reader)
    contents_page = next(p for _, t, p in marks if t == "Mục lục")
    assert contents_page > len(reader.pages) // 2, "the contents are at the back as configured"
    text = page_text(sample_build["pdf"], contents_page, len(reader.pages))
    flat = re.sub(r"\s+", " ", text)
    checked = 0
    for _, title, page in marks:
        if title == "Mục lục":
            continue
        match = re.search(re.escape(re.sub(r"\s+", " ", title)) + r"[ .…]*?\b([ivxlc]+|\d+)\b", flat)
        assert match, f"{title} is not in the contents"
        assert match.group(1) == labels[page - 1], f"{title}: contents say {match.group(1)}, page {labels[page - 1]}"
        checked += 1
    assert checked == len(marks) - 1


def test_printed_page_numbers_are_the_page_labels(reader, sample_build):
    labels = list(reader.page_labels)
    marks = outline(reader)
    _, title, page = marks[2]
    lines = [l.strip() for l in page_text(sample_build["pdf"], page + 1).splitlines() if l.strip()]
    assert labels[page] in lines and labels[page].isdigit() and int(labels[page]) < page + 1


def test_openers_have_no_running_head_or_number(reader, sample_build):
    for part in sample_build["book"]["parts"]:
        page = next(p for _, t, p in outline(reader) if t == part["title"])
        assert page % 2 == 1, f"{part['title']} opens on a left-hand page"
        assert page_text(sample_build["pdf"], page).split() == part["title"].split()


def test_running_heads(reader, sample_build):
    book = sample_build["book"]
    marks = outline(reader)
    article = book["parts"][0]["articles"][0]
    title = html_to_text(article["title"])
    first = next(p for _, t, p in marks if t == title)
    following = first + 1
    head = page_text(sample_build["pdf"], following).strip().splitlines()[0]
    if following % 2 == 0:
        assert head.strip() == book["title"]
    else:
        assert head.strip() == title


def test_each_article_text_comes_back_from_the_pdf(reader, sample_build):
    """Every word of every article, in order, from the pages between its bookmarks."""
    book = sample_build["book"]
    marks = outline(reader)
    starts = sorted(p for _, _, p in marks)
    articles = ([book["foreword"]] if book["foreword"] else []) + [a for p in book["parts"] for a in p["articles"]]
    for article in articles:
        title = html_to_text(article["title"])
        first = next(p for _, t, p in marks if t == title)
        later = [p for p in starts if p > first]
        last = (later[0] - 1) if later else len(reader.pages)
        extracted = words(page_text(sample_build["pdf"], first, last))
        # Table cells (and rosters, timelines, photo captions side by side) come out of the page
        # in layout order: they are checked as a bag of words.
        laid_out = ("table", "roster", "timeline", "gallery")
        expected = words(" ".join([title] + [b["text"] for b in article["blocks"] if b["kind"] not in laid_out]))
        cells = words(" ".join(b["text"] for b in article["blocks"] if b["kind"] in laid_out))
        assert not Counter(cells) - Counter(extracted), f"{article['source']}: table text missing"
        position = 0
        for word in expected:
            try:
                position = extracted.index(word, position) + 1
            except ValueError:
                context = " ".join(extracted[max(0, position - 5): position + 10])
                pytest.fail(f"{article['source']}: {word!r} missing after …{context}…")
        notes = words(" ".join(html_to_text(n["html"]) for n in article["footnotes"]))
        assert set(notes) <= set(extracted), f"{article['source']}: footnote text missing"


def test_footnotes_sit_at_the_foot_of_their_page(reader, sample_build):
    book = sample_build["book"]
    article = next(a for p in book["parts"] for a in p["articles"] if a["footnotes"])
    note = html_to_text(article["footnotes"][0]["html"])
    pages = [i + 1 for i in range(len(reader.pages)) if note[:30] in re.sub(r"\s+", " ", page_text(sample_build["pdf"], i + 1))]
    assert len(pages) == 1
    lines = [l for l in page_text(sample_build["pdf"], pages[0]).splitlines() if l.strip()]
    tail = " ".join(lines[-4:])
    assert note.split()[0] in tail


def test_imprint_is_the_last_page(reader, sample_build):
    text = page_text(sample_build["pdf"], len(reader.pages))
    for label in ("Chịu trách nhiệm xuất bản", "Số xác nhận ĐKXB", "Sách không bán", "14,5 × 20,5 cm"):
        assert label in text
