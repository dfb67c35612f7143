"""The document model every reader produces and every renderer consumes.

Plain dataclasses, no I/O. Inline content is kept as a small XHTML fragment
(``<em>``, ``<strong>``, ``<a>``, ``<code>``, ``<br/>``, ``<sup>`` and note
references) so that readers of very different formats meet in one shape; the
normaliser rewrites only the text nodes of those fragments.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from html import unescape

# The kinds of block an article can hold.
BLOCK_KINDS = (
    "paragraph",  # html: inline content
    "heading",  # html: inline content; level 2..4
    "figure",  # src: image path relative to the project; caption: inline html
    "caption",  # a caption line with no image yet (from text articles); html inline
    "quote",  # html: block content (<p> ...)
    "list",  # html: a complete <ul>/<ol> element
    "table",  # html: a complete <table> element
    "rule",  # a thematic break
    "byline",  # html: inline; an author or place/date line printed at the end
    # kỷ yếu pages (readers/datafiles.py); caption: an optional title, inline html
    "gallery",  # items: photos {src, caption, alt, orientation, page, row}
    "roster",  # columns: headings, inline html; items: rows {cells: [inline html, ...]}, a section's heading {section}
    "timeline",  # items: entries {year, html}
)

_TAG = re.compile(r"<[^>]+>")
_NOTE_CALL = re.compile(r'<a class="noteref"[^>]*>[^<]*</a>')
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # NBSP is kept: it means something


def html_to_text(fragment: str) -> str:
    """The plain text of an XHTML fragment, whitespace collapsed."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", fragment))).strip()


def without_notes(fragment: str) -> str:
    """An inline fragment without its note calls: a title as the contents, bookmarks and running heads show it."""
    return _NOTE_CALL.sub("", fragment or "")


# A roster column under a two-row header is named heading + SUB_HEADING + sub-heading
# ("Thời gian công tác – Từ"): readers.tableshape joins them, render.headings splits them again.
SUB_HEADING = " – "

# Rows from which a table is a long one: a roster's columns are measured once (pdf.rosters), and a
# table in an article is set as a roster where its shape allows (readers.longtables).
LONG_TABLE = 200


@dataclass
class Block:
    """One block of an article."""

    kind: str
    html: str = ""
    line: int | None = None
    level: int | None = None
    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    id: str | None = None
    items: list[dict] | None = None  # gallery, roster, timeline (see BLOCK_KINDS)
    columns: list[str] | None = None  # roster (a two-row header's: heading + SUB_HEADING + sub-heading)
    align: list[str] | None = None  # roster: each column's alignment from its source ("center", "right", "left", "")

    def image_sources(self) -> list[str]:
        """The project-relative paths of the images this block shows (a figure's, a gallery's)."""
        if self.kind == "figure" and self.src:
            return [self.src]
        if self.kind == "gallery":
            return [item["src"] for item in self.items or [] if item.get("src")]
        return []

    @property
    def text(self) -> str:
        parts = [self.html or ""]
        if self.caption:
            parts.append(self.caption)
        parts.extend(self.columns or [])
        for item in self.items or []:
            parts.extend(item.get(key) or "" for key in ("year", "html", "caption", "section"))
            parts.extend(item.get("cells") or [])
        return html_to_text(" ".join(parts))


@dataclass
class Footnote:
    """A note: its label as written in the manuscript and its inline XHTML content."""

    label: str
    html: str
    line: int | None = None
    id: str = ""  # unique in the book, set by the builder


@dataclass
class Article:
    """One manuscript: a chapter of the book."""

    title: str
    source: str  # manuscript path relative to the project, with forward slashes
    blocks: list[Block] = field(default_factory=list)
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # ISO 8601
    summary: str | None = None
    footnotes: list[Footnote] = field(default_factory=list)
    id: str = ""  # stable id in the book (file name in the EPUB), set by the builder
    role: str = "article"  # "article" or "foreword"
    meta: dict = field(default_factory=dict)  # what the reader guessed or found

    def text(self) -> str:
        """The article's running text: title, subtitle, blocks (notes excluded)."""
        pieces = [self.title, self.subtitle or ""] + [b.text for b in self.blocks]
        return " ".join(p for p in pieces if p)


@dataclass
class Part:
    """A part of the book: an opener page followed by its articles."""

    title: str
    articles: list[Article] = field(default_factory=list)
    id: str = ""


@dataclass
class Book:
    """The normalised book: front matter, parts and their articles."""

    title: str
    parts: list[Part] = field(default_factory=list)
    foreword: Article | None = None
    language: str = "vi"

    def articles(self) -> list[Article]:
        found = [self.foreword] if self.foreword else []
        for part in self.parts:
            found.extend(part.articles)
        return found

    def to_dict(self) -> dict:
        """The book as plain data (what `publisher dump` prints)."""

        def article(a: Article) -> dict:
            data = asdict(a)
            data["blocks"] = [
                {k: v for k, v in asdict(b).items() if v is not None} | {"text": b.text}
                for b in a.blocks
            ]
            return data

        return {
            "title": self.title,
            "language": self.language,
            "foreword": article(self.foreword) if self.foreword else None,
            "parts": [
                {"title": p.title, "id": p.id, "articles": [article(a) for a in p.articles]}
                for p in self.parts
            ],
        }
