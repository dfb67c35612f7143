"""Where each page of the print PDF begins, in the EPUB's documents: its page list.

A reader citing "trang 42" of the printed book finds page 42 in the EPUB: every printed
page that the EPUB holds gets a page-break marker (``epub:type="pagebreak"``,
``role="doc-pagebreak"``) where the page begins, labelled with the print PDF's page label
(roman in the front matter, arabic in the body), and the navigation document lists them
all (``page-list``); the package names the print edition (``pageBreakSource``).

The map comes from the print PDF itself, read back once it is written: its named
destinations say on which page each document starts, its page labels give the numbers,
and each page's first words (PDFium's text, in drawing order: the running head and folio
come after the text) are found, in order, in the document's text; the marker goes before
that word. A page that starts inside a figure caption gets its marker before the figure;
a page whose words are not found (a blank page, a page of photos whose captions repeat)
shares the marker position of the next page found. Pages of documents the EPUB has no
copy of (the half-title, the printed contents) are left out.

pypdfium2 and pikepdf are behind render.cover and pdf.finish too; this module only
reads.
"""

from __future__ import annotations

import html as html_module
import io
import re
import unicodedata
from dataclasses import dataclass

_WINDOW = 6  # words that must match in order: enough to be unique on a page


@dataclass(frozen=True)
class PageBreak:
    label: str  # the printed page label: "v", "12"
    doc_id: str  # the EPUB document the page begins in
    offset: int  # where in the document's body the marker goes

    @property
    def anchor(self) -> str:
        return f"page-{self.label}"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\u00a0", " ").replace("\u00ad", ""))


def _words(text: str) -> list[str]:
    return _norm(text).split()


_INLINE = {"a", "em", "i", "strong", "b", "span", "sup", "sub", "small", "abbr", "cite", "code", "q", "s", "u",
           "wbr"}


def _text_index(body: str) -> tuple[str, list[int]]:
    """The body's text with whitespace collapsed, and for each character its offset in the body."""
    chars: list[str] = []
    where: list[int] = []
    for match in re.finditer(r"<(/?)([A-Za-z0-9]+)[^>]*>|&(?:#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);|[^<&]+|&", body):
        piece = match.group(0)
        if match.group(2):
            if match.group(2).lower() not in _INLINE:  # a block boundary separates words
                chars.append(" ")
                where.append(match.start())
            continue
        text = _norm(html_module.unescape(piece)) if piece.startswith("&") else _norm(piece)
        for offset, char in enumerate(text):
            chars.append(char)
            where.append(match.start() + (0 if piece.startswith("&") else offset))
    collapsed: list[str] = []
    index: list[int] = []
    for char, at in zip(chars, where):
        if char.isspace():
            if collapsed and collapsed[-1] != " ":
                collapsed.append(" ")
                index.append(at)
            continue
        collapsed.append(char)
        index.append(at)
    return "".join(collapsed), index


def _in_header(body: str, offset: int) -> bool:
    """Whether ``offset`` is in a table's header row, which the PDF repeats on every page."""
    opening = body.rfind("<thead", 0, offset)
    return opening >= 0 and body.find("</thead>", opening) > offset


def _marker_offset(body: str, offset: int) -> int:
    """Where the marker goes for a page starting at ``offset``: before the figure when inside one."""
    figure = body.rfind("<figure", 0, offset)
    if figure >= 0 and body.find("</figure>", figure) > offset:
        return figure
    return offset


def read_pdf(data: bytes) -> tuple[list[str], list[list[str]], dict[str, int]]:
    """Page labels, each page's words, and the page index of every ``doc-`` destination."""
    import pikepdf
    import pypdfium2

    with pikepdf.open(io.BytesIO(data)) as pdf:
        count = len(pdf.pages)
        labels = [pdf.pages[i].label for i in range(count)]
        starts: dict[str, int] = {}
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        if dests is not None:
            tree = pikepdf.NameTree(dests)
            pages = {page.objgen: i for i, page in enumerate(p.obj for p in pdf.pages)}
            for name, dest in tree.items():
                if name.startswith("doc-"):
                    target = dest[0] if isinstance(dest, pikepdf.Array) else dest.get("/D")[0]
                    if target.objgen in pages:
                        starts[name[4:]] = pages[target.objgen]
    document = pypdfium2.PdfDocument(data)
    try:
        words = [_words(document[i].get_textpage().get_text_range()) for i in range(count)]
    finally:
        document.close()
    return labels, words, starts


def page_breaks(documents, data: bytes) -> list[PageBreak]:
    """The page breaks of the print PDF ``data`` in ``documents`` (render.html Documents), in order."""
    labels, words, starts = read_pdf(data)
    in_epub = {d.id: d for d in documents if d.epub}
    order = sorted((page, doc_id) for doc_id, page in starts.items() if doc_id in {d.id for d in documents})
    owner: list[str | None] = [None] * len(labels)
    for k, (page, doc_id) in enumerate(order):
        end = order[k + 1][0] if k + 1 < len(order) else len(labels)
        for i in range(page, end):
            owner[i] = doc_id
    texts = {doc_id: _text_index(doc.body) for doc_id, doc in in_epub.items()}
    cursor = {doc_id: 0 for doc_id in in_epub}
    found: list[tuple[int, str, int | None]] = []  # (page, doc, body offset or None)
    for page, doc_id in enumerate(owner):
        if doc_id not in in_epub:
            continue
        if starts.get(doc_id) == page:
            found.append((page, doc_id, 0))
            continue
        text, index = texts[doc_id]
        page_words = words[page]
        at = None
        for first in range(min(len(page_words), 40)):
            window = " ".join(page_words[first:first + _WINDOW])
            if len(window) < 12:
                continue
            hit = text.find(window, cursor[doc_id])
            if hit >= 0 and not _in_header(in_epub[doc_id].body, index[hit]):
                at = hit
                break
        if at is None:
            found.append((page, doc_id, None))
            continue
        cursor[doc_id] = at + 1
        found.append((page, doc_id, _marker_offset(in_epub[doc_id].body, index[at])))
    # A page whose start was not found shares the position of the next page found.
    breaks: list[PageBreak] = []
    pending: list[tuple[int, str]] = []
    for page, doc_id, offset in found:
        if offset is None:
            pending.append((page, doc_id))
            continue
        for waiting, _ in pending:
            breaks.append(PageBreak(labels[waiting], doc_id, offset))
        pending = []
        breaks.append(PageBreak(labels[page], doc_id, offset))
    for waiting, doc_id in pending:  # blank pages at the end: after the last document's text
        breaks.append(PageBreak(labels[waiting], doc_id, len(in_epub[doc_id].body)))
    return breaks


def marker(page: PageBreak) -> str:
    label = html_module.escape(page.label)
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="{page.anchor}" '
            f'aria-label="{label}"></span>')


def with_markers(body: str, breaks: list[PageBreak]) -> str:
    """``body`` with the markers of its page breaks inserted (later offsets first)."""
    ordered = sorted(enumerate(breaks), key=lambda item: (item[1].offset, item[0]), reverse=True)
    for _, page in ordered:  # at one offset, the later page first: the earlier ends up before it
        body = body[:page.offset] + marker(page) + body[page.offset:]
    return body


def _key(rendered) -> str:
    from pathlib import Path

    from ..cache import code_version, digest, file_stamp

    config = rendered.config
    return digest("page-breaks", code_version(), [(d.id, d.body, d.epub, d.pdf) for d in rendered.documents],
                  sorted(rendered.stylesheets.items()), [file_stamp(Path(f.path)) for f in rendered.fonts],
                  sorted((href, file_stamp(Path(p))) for href, p in rendered.images.items()),
                  list(config.trim_mm), repr(config.profile("print")))


def cached_page_breaks(rendered, print_pdf, cache_root) -> list[PageBreak]:
    """The page breaks of the book's print PDF: ``print_pdf`` (its bytes, or a function that lays
    it out and returns them), kept in the cache under the book's content, so that an EPUB-only
    rebuild of an unchanged book lays nothing out."""
    from pathlib import Path

    from ..cache import Store

    key = _key(rendered)
    store = Store(Path(cache_root))
    kept = store.get_json(key)
    if isinstance(kept, list):
        return [PageBreak(*item) for item in kept]
    data = print_pdf() if callable(print_pdf) else print_pdf
    breaks = page_breaks(rendered.documents, data)
    store.put_json(key, [[b.label, b.doc_id, b.offset] for b in breaks])
    return breaks
