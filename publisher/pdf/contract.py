"""What the PDF engine reads in the HTML the templates make: the contract with ``styles/``.

A project's ``styles/`` folder may replace any built-in template (publisher/templates) and
stylesheet. The PDF engine does not lay the book out from the model: it reads the HTML the
templates made, to number the front matter, to cut the book into runs of pages and to
give each run what it inherits from the pages before it (pdf.runs.plan). A template that
changes its markup keeps the book right as long as it keeps these:

Classes (a class is found as one word of the ``class`` attribute, among any others, on
any element, with the attributes in any order):

- ``toc-entry`` (toc.html): each contents entry; its first ``<a href="…#target">`` right inside
  it is the link whose page number is printed after it (``a::after``, filled in by
  ``target-counter`` in one pass, or written out when the book is laid out in runs).
- ``article-title`` (article.html) and ``toc-title`` (toc.html): the element that holds an
  article's or the contents' title; its text is the running head (``string-set: chapter``
  in print.css) that a run of pages starting after it inherits. It must not hold an element
  of its own tag name.
- ``tp-title`` (titlepage.html): the book's title (``string-set: booktitle``).

Structure (book.html): ``<body>`` and ``</body>`` written as such; the documents in
``<div class="frontmatter">`` then ``<div class="bodymatter">``, those two ``div`` tags written
exactly so, and each document a ``<section class="doc …" id="doc-{{ doc.id }}">`` (the
``class`` attribute may carry more words). The engine adds elements with the classes
``run-seed``, ``run-end``, ``run-dummy``, ``padding-page`` and ``watermark``; print.css names the
pages ``front``, ``body`` and ``padding`` and counts the front matter with the counter
``frontpage``.

The notes (``a.noteref``, ``section.footnotes``) come from the manuscripts' HTML, not from a
template. tests/render/test_styles_contract.py builds a book whose ``styles/`` overrides every
template with changed markup that keeps the contract, and checks the contents' numbers, the
outline and the page labels against the built-in templates' book.
"""

from __future__ import annotations

import re

# One word of a class attribute (class words may hold hyphens: "toc-entry-x" is another word).
_WORD = r'\bclass="(?:[^"]*\s)?{}(?:\s[^"]*)?"'

TOC_HREF = re.compile(r'<\w+\b[^>]*' + _WORD.format("toc-entry") + r'[^>]*>\s*<a\b[^>]*\bhref="[^"#]*#([^"]+)"')
TITLE = re.compile(r'<(\w+)\b[^>]*' + _WORD.format("(article-title|toc-title)") + r'[^>]*>(.*?)</\1>', re.DOTALL)
BOOKTITLE = re.compile(r'<(\w+)\b[^>]*' + _WORD.format("tp-title") + r'[^>]*>(.*?)</\1>', re.DOTALL)
FRONTMATTER = '<div class="frontmatter">'
BODYMATTER = '<div class="bodymatter">'
EMPTY_FRONTMATTER = re.compile(r'<div class="frontmatter">\s*</div>')


def toc_targets(body: str) -> list[str]:
    """The anchors the contents entries in ``body`` point to, in order."""
    return TOC_HREF.findall(body)


def with_toc_numbers(html: str, numbers: dict[str, str]) -> str:
    """``html`` with each contents entry's link carrying its target's printed page number
    (``data-page``), for one rule to show (a rule for each entry makes every link of the contents
    match hundreds of selectors)."""
    def numbered(match: re.Match) -> str:
        number = numbers.get(match.group(1))
        if number is None:
            return match.group(0)
        link = match.group(0).rindex("<a")
        return f'{match.group(0)[:link + 2]} data-page="{number}"{match.group(0)[link + 2:]}'

    return TOC_HREF.sub(numbered, html)


def titles(body: str) -> list[str]:
    """The HTML of each article or contents title in ``body``, in order (the running heads)."""
    return [match.group(3) for match in TITLE.finditer(body)]


def book_title(body: str) -> str | None:
    """The HTML of the book's title on the title page ``body``; None when there is none."""
    found = BOOKTITLE.search(body)
    # The template keeps a title's last two words together with a no-break space (render.typeset).
    return found.group(2).replace("\u00a0", " ") if found else None


def document_anchor(doc_id: str) -> str:
    """The id attribute of a document's section in book.html, as written."""
    return f'id="doc-{doc_id}"'
