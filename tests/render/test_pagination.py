"""Pagination like a real book: roman front matter, arabic body, labels, contents numbers, openers."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from publisher.model import html_to_text

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

ROMAN = re.compile(r"^[ivxlc]+$")


def page_text(pdf, number: int) -> str:
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def roman(n: int) -> str:
    out = ""
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


@pytest.fixture(scope="module")
def reader(sample_build):
    return PdfReader(sample_build["pdf"])


@pytest.fixture(scope="module")
def labels(reader):
    return list(reader.page_labels)


def marks(reader) -> list[tuple[str, int]]:
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return found


def test_labels_are_roman_then_arabic_from_one(labels, sample_build):
    front = [label for label in labels if ROMAN.match(label)]
    assert front == [roman(i) for i in range(1, len(front) + 1)]
    assert labels[len(front):] == [str(i) for i in range(1, len(labels) - len(front) + 1)]
    assert len(front) % 2 == 0, "page 1 of the body is a right-hand page"
    # The front matter is the cover, title page and foreword: the first part opens on page 1.
    book = sample_build["book"]
    first_part = next(p for t, p in marks(PdfReader(sample_build["pdf"])) if t == book["parts"][0]["title"])
    assert labels[first_part] == "1"


def test_printed_numbers_are_the_labels(reader, labels, sample_build):
    """The number at the foot of each numbered page is its label: roman in front, arabic after."""
    checked = {"front": 0, "body": 0}
    for index, label in enumerate(labels):
        lines = [l.strip() for l in page_text(sample_build["pdf"], index + 1).splitlines() if l.strip()]
        last = lines[-1] if lines else ""
        if ROMAN.match(last) or (last.isdigit() and int(last) <= len(labels)):
            assert last == label, f"page {index + 1} prints {last}, its label is {label}"
            checked["front" if ROMAN.match(label) else "body"] += 1
    assert checked["front"] >= 1 and checked["body"] >= 30


def test_contents_numbers_are_the_printed_numbers_of_the_targets(reader, labels, sample_build):
    outline = marks(reader)
    contents = next(p for t, p in outline if t == "Mục lục")
    text = " ".join(page_text(sample_build["pdf"], n + 1) for n in range(contents, len(labels)))
    flat = re.sub(r"\s+", " ", text)
    seen_roman = False
    for title, page in outline:
        if title == "Mục lục":
            continue
        match = re.search(re.escape(re.sub(r"\s+", " ", title)) + r"[ .…]*?\b([ivxlc]+|\d+)\b", flat)
        assert match, f"{title} is not in the contents"
        assert match.group(1) == labels[page], f"{title}: contents say {match.group(1)}, printed {labels[page]}"
        seen_roman = seen_roman or bool(ROMAN.match(match.group(1)))
    assert seen_roman, "the foreword is front matter, listed with its roman number"


def test_openers_are_right_hand_pages_without_head_or_number(reader, labels, sample_build):
    outline = marks(reader)
    for part in sample_build["book"]["parts"]:
        page = next(p for t, p in outline if t == part["title"])
        assert page % 2 == 0, f"{part['title']} opens on a left-hand page"  # 0-based: even = right-hand
        assert page_text(sample_build["pdf"], page + 1).split() == part["title"].split()


def test_blank_pages_have_no_head_or_number(reader, labels, sample_build):
    """The sample's blank pages: after the cover, before the body's page 1, and the padding."""
    front = sum(1 for label in labels if ROMAN.match(label))
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "2", str(sample_build["pdf"]), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "\f" in result and result.split("\f")[1].strip() == "", "the page after the cover is blank"
    assert page_text(sample_build["pdf"], front).strip() == "", "the left page before page 1 is blank"
    assert page_text(sample_build["pdf"], front + 1).strip(), "page 1 is not blank"


def test_article_text_is_between_its_labels(reader, labels, sample_build):
    """Bookmarks land on the first page of each article: "go to page N" shows the article."""
    outline = marks(reader)
    for part in sample_build["book"]["parts"]:
        for article in part["articles"]:
            title = html_to_text(article["title"])
            page = next(p for t, p in outline if t == title)
            assert title.split()[0] in page_text(sample_build["pdf"], page + 1)
            assert labels[page].isdigit()
