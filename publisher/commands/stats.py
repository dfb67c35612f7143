"""Count a project (`publisher stats`): words, images, notes, estimated pages, tone style, problems.

Per article:
- words: space-separated tokens holding a letter or digit (a Vietnamese syllable is one
  word, as editors count "chữ"), in the title, subtitle, every block and every note;
- images: figures; footnotes: notes;
- pages: an estimate for the print PDF, ``words / words_per_page + images * IMAGE_PAGES +
  HEADER_PAGES`` rounded up, since every article starts on a new page. ``words_per_page``
  scales WORDS_PER_PAGE_145x205 (measured on the sample book with the built-in CSS) by the
  text area of the trim size;
- tone: the tone-mark styles found in the text as the reader gave it, before the
  normaliser: "old" (hòa), "new" (hoà), "mixed" or "" when no oa/oe/uy syllable has a mark;
- errors and warnings: what `publisher check` reports for that file (``check.findings`` on the
  same reading: every manuscript is read once, by the pipeline).
The book's total adds the pages that are not articles: cover, title page, imprint, the
table of contents and the part openers.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..collect import collect
from ..config import load_config
from ..errors import Diagnostic
from ..model import Article, html_to_text
from ..normalize.tones import detect_tone_styles
from ..pipeline import Manuscript, read_manuscripts
from .check import findings

WORDS_PER_PAGE_145x205 = 330
IMAGE_PAGES = 0.4  # a figure takes about 40 % of a page with its caption
HEADER_PAGES = 0.2  # the article's title block
ROSTER_ROWS_PER_PAGE = 22  # a roster row with a two-line cell, at 145×205 mm
# Page margins of the built-in print.css (mm): left + right, top + bottom.
MARGINS_MM = (33.0, 38.0)
_WORD = re.compile(r"\S*[^\W_]\S*")
_NOTEREF = re.compile(r'<a\b[^>]*class="noteref"[^>]*>.*?</a>', re.DOTALL)


def count_words(text: str) -> int:
    """Space-separated tokens that hold at least one letter or digit."""
    return len(_WORD.findall(text))


def article_words(article: Article) -> int:
    """Words of the title, subtitle, blocks (captions included, note calls not) and notes."""
    pieces = [article.title, article.subtitle or ""]
    pieces += [_NOTEREF.sub(" ", block.html or "") + " " + (block.caption or "") for block in article.blocks]
    pieces += [note.html for note in article.footnotes]
    return sum(count_words(html_to_text(piece)) for piece in pieces)


def words_per_page(trim_mm: tuple[float, float]) -> int:
    """Words on a full page of text for this trim size, with the built-in CSS."""
    area = max(trim_mm[0] - MARGINS_MM[0], 10) * max(trim_mm[1] - MARGINS_MM[1], 10)
    base = (145 - MARGINS_MM[0]) * (205 - MARGINS_MM[1])
    return max(50, round(WORDS_PER_PAGE_145x205 * area / base))


@dataclass
class ArticleStats:
    source: str
    title: str
    words: int = 0
    images: int = 0
    footnotes: int = 0
    pages: int = 0
    tone: str = ""
    errors: int = 0
    warnings: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class PartStats:
    title: str
    articles: list[ArticleStats] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(getattr(a, key) for a in self.articles)


@dataclass
class BookStats:
    title: str
    trim_mm: tuple[float, float]
    words_per_page: int
    parts: list[PartStats]
    other_pages: int  # cover, title page, imprint, contents, part openers
    problems: list[str] = field(default_factory=list)  # findings not tied to one manuscript
    errors: int = 0  # of those findings
    warnings: int = 0

    def total(self, key: str) -> int:
        found = sum(p.total(key) for p in self.parts)
        extra = {"pages": self.other_pages, "errors": self.errors, "warnings": self.warnings}
        return found + extra.get(key, 0)

    def tones(self) -> str:
        found = {a.tone for p in self.parts for a in p.articles if a.tone}
        return "mixed" if "mixed" in found or len(found) > 1 else "".join(found)

    def to_dict(self) -> dict:
        keys = ("words", "images", "footnotes", "pages", "errors", "warnings")
        return {
            "title": self.title,
            "trim_mm": list(self.trim_mm),
            "words_per_page": self.words_per_page,
            "parts": [{"title": p.title, "articles": [asdict(a) for a in p.articles]}
                      | {k: p.total(k) for k in keys} for p in self.parts],
            "other_pages": self.other_pages,
            "problems": self.problems,
            "totals": {k: self.total(k) for k in keys} | {"tone": self.tones()},
        }


def _tone(article: Article) -> str:
    text = article.text() + " " + " ".join(html_to_text(n.html) for n in article.footnotes)
    found = detect_tone_styles(text)
    return "mixed" if len(found) > 1 else "".join(found)


def _article_stats(manuscript: Manuscript, wpp: int) -> ArticleStats:
    rel = manuscript.rel
    if manuscript.article is None:  # check reports why; the row shows the count
        return ArticleStats(rel, rel)
    tone = _tone(manuscript.raw)
    article = manuscript.article
    words = article_words(article)
    images = sum(len(b.image_sources()) for b in article.blocks)
    rows = sum(len(b.items or []) for b in article.blocks if b.kind == "roster")
    # Roster words sit in narrow table cells: count rows, not words, for their pages.
    roster_words = sum(len(_WORD.findall(b.text)) for b in article.blocks if b.kind == "roster")
    pages = max(1, math.ceil((words - roster_words) / wpp + rows / ROSTER_ROWS_PER_PAGE
                             + images * IMAGE_PAGES + HEADER_PAGES))
    return ArticleStats(rel, html_to_text(article.title), words, images, len(article.footnotes), pages, tone)


def book_stats(project_dir: Path | str) -> BookStats:
    """Statistics of every manuscript in the book, in reading order; raises ConfigError."""
    config = load_config(project_dir)
    plan = collect(config)
    manuscripts = read_manuscripts(config, plan, raw=True)
    by_path = {m.path: m for m in manuscripts}
    wpp = words_per_page(config.trim_mm)
    parts: list[PartStats] = []
    if plan.foreword:
        parts.append(PartStats("", [_article_stats(by_path[plan.foreword], wpp)]))
    for part in plan.parts:
        parts.append(PartStats(part.title, [_article_stats(by_path[p], wpp) for p in part.files]))
    titled = sum(1 for p in plan.parts if p.title)
    # cover, title page, imprint, two pages of contents; a part opener and its blank back
    other = 5 + 2 * titled
    stats = BookStats(config.title, config.trim_mm, wpp, parts, other)
    _attach_problems(stats, findings(config, plan, manuscripts))
    return stats


def _attach_problems(stats: BookStats, findings: list[Diagnostic]) -> None:
    rows = {a.source: a for p in stats.parts for a in p.articles}
    for finding in findings:
        if finding.level not in ("error", "warning"):
            continue
        row = rows.get(finding.path or "")
        if row is None:
            stats.problems.append(str(finding))
            row = stats
        else:
            row.problems.append(str(finding))
        if finding.level == "error":
            row.errors += 1
        else:
            row.warnings += 1
