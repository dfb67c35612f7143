"""Put read articles together into a Book: stable ids, numbered notes, book-level checks."""

from __future__ import annotations

import re

from .config import BookConfig, slugify
from .errors import Diagnostic
from .model import Article, Book, Part, html_to_text, without_notes

_NOTEREF = re.compile(r'<a class="noteref" href="#note-([^"]+)">[^<]*</a>')


def assemble(config: BookConfig, foreword: Article | None, parts: list[tuple[str, list[Article]]]
             ) -> tuple[Book, list[Diagnostic]]:
    """The Book with ids set and notes numbered; duplicate titles are reported."""
    diagnostics: list[Diagnostic] = []
    used: set[str] = set()
    if foreword:
        foreword.role = "foreword"
        foreword.id = _unique("foreword", used)
        _number_notes(foreword, diagnostics)
    book_parts = []
    for number, (title, articles) in enumerate(parts, start=1):
        part = Part(title, articles, _unique(f"part-{number}", used))
        for article in articles:
            stem = article.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            article.id = _unique("a-" + slugify(stem)[:40], used)
            _number_notes(article, diagnostics)
        book_parts.append(part)
    book = Book(config.title, book_parts, foreword, config.language)
    _duplicate_titles(book, diagnostics)
    return book, diagnostics


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _number_notes(article: Article, diagnostics: list[Diagnostic]) -> None:
    """Number notes 1, 2, ... in order of first reference and give them ids unique in the book."""
    by_label = {note.label: note for note in article.footnotes}
    order: list[str] = []

    def replace(match: re.Match) -> str:
        label = match.group(1)
        if label not in by_label:
            diagnostics.append(Diagnostic("warning", f"note [^{label}] is cited but never written",
                                          article.source, None, "notes"))
            return ""
        if label not in order:
            order.append(label)
            number = len(order)
            ref_id = f"fnref-{article.id}-{number}"
        else:
            number = order.index(label) + 1
            ref_id = f"fnref-{article.id}-{number}-{order.count(label)}"
        note_id = f"fn-{article.id}-{number}"
        return (f'<a class="noteref" epub:type="noteref" role="doc-noteref" href="#{note_id}" '
                f'id="{ref_id}">{number}</a>')

    # A note called from the title or subtitle (`# Định mức[^1]`) comes first.
    article.title = _NOTEREF.sub(replace, article.title)
    if article.subtitle:
        article.subtitle = _NOTEREF.sub(replace, article.subtitle)
    for block in article.blocks:
        if block.html:
            block.html = _NOTEREF.sub(replace, block.html)
        if block.caption:
            block.caption = _NOTEREF.sub(replace, block.caption)
    for note in article.footnotes:
        if note.label not in order:
            diagnostics.append(Diagnostic("warning", f"note [^{note.label}] is written but never cited",
                                          article.source, note.line, "notes"))
    article.footnotes = [by_label[label] for label in order]
    for number, note in enumerate(article.footnotes, start=1):
        note.id = f"fn-{article.id}-{number}"


def _duplicate_titles(book: Book, diagnostics: list[Diagnostic]) -> None:
    seen: dict[str, str] = {}
    for article in book.articles():
        key = html_to_text(without_notes(article.title)).casefold()
        if key in seen:
            diagnostics.append(Diagnostic("warning", f"the title {html_to_text(without_notes(article.title))!r} is also "
                                          f"used by {seen[key]}", article.source, None, "duplicate-title"))
        else:
            seen[key] = article.source
