"""Long rosters in the print HTML: their columns measured once, for the whole table.

WeasyPrint sizes a table's columns (``table-layout: auto``) from the widest text and the
longest word of every cell: for a roster of thousands of rows, a fifth of the time it takes
to lay the roster out, and widths that depend on which rows the document holds. A roster of
``LONG_ROSTER`` rows or more gets its widths measured once instead: WeasyPrint lays out a
probe of the same table, with the same stylesheets, holding only the header and the rows
with the longest texts and the longest words of each column (by characters, a few of each
so that a narrow long text does not hide a wide shorter one), and the roster is given those
widths as ``<col>`` percentages with ``table-layout: fixed``. Every print path (one pass,
the runs, the benchmark's single pass) reads the same HTML.

A document's long rosters are also laid out in several runs of pages (pdf.runs): ``plan_chunks``
predicts the rows that open their pages (``_predict``: the first roster from the document's
opening, each next one from the last page of the one before) and cuts the document into
stretches of about CHUNK_PAGES pages (``Chunk``), each checked, once laid out, to end where one
pass breaks the page. A stretch may run from one roster into the next, with the HTML between.

The roster's markup is the one of templates/roster.html (``<table class="roster">``, an
optional caption, one or two header rows in ``<thead>``, rows of ``<td>`` in ``<tbody>`` groups,
a section's heading a row of one ``<th colspan>``, ``class="roster-section"``); a table written
otherwise (a project's own ``styles/roster.html``) is left as it is.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .. import __version__
from ..cache import Store, digest, file_stamp
from ..config import OutputProfile
from ..errors import ManuscriptError
from ..model import LONG_TABLE
from ..render.html import Document, RenderedBook
from ..render.typeset import WBR, ZWSP
from . import refill
from .bookhtml import book_html
from .weasy import BOOK_BASE, BookFetcher, book_files, capture_warnings, import_weasyprint, release

LONG_ROSTER = LONG_TABLE  # rows; the sample's longest roster has 60
_PROBE_ROWS = 4  # rows kept for each column and each measure (longest text, longest word)
GROUP = 40  # rows a <tbody> (templates/roster.html: WeasyPrint lays a page out in time that grows with its group)
CHUNK_PAGES = 24  # pages of a roster a run lays out (pdf.runs), about the time of a run of text
# Roster rows a document laid out in one piece may hold: one WeasyPrint pass keeps every page's
# boxes until the PDF is written (the sample book and a 50,000-row roster: 4.8 GB and 9.7 minutes
# in one pass, 355 MB and 2.8 minutes in runs). Longer ones are laid out in runs only (plan_chunks).
WHOLE_ROWS = 10_000
CUT_ROWS = 1_000  # rows of an article that make a book laid out in runs, be it only that article
_START_ROWS = 80  # rows of the roster's opening laid out to predict where its pages break
MAX_SECTIONS = 1_000  # a roster's different section headings whose heights are laid out (_sections_heights)
_ALIGNED = r'(?: data-align="[a-z0-9 ]*")?'  # the columns' alignment (templates/roster.html)
_OPENING = re.compile(r'<table class="roster"(' + _ALIGNED + ')>')  # as roster.html writes it
_FIXED = re.compile(r'(<div class="roster-block">\s*)<table class="roster"(' + _ALIGNED
                    + r') style="table-layout: fixed">(<caption\b.*?</caption>)?(<colgroup>.*?</colgroup>)'
                    + r'(<thead>.*?</thead>)(.*?)</table>\s*</div>',
                    re.DOTALL)
_SECTION_CLASS = ' class="roster-section"'  # a section's heading row (templates/roster.html)
_VISIBLE_ROW = re.compile(r'<tr(?: class="roster-section")? data-row="\d+">')
_DATA_ROW = re.compile(r'<tr(?: class="roster-section")? data-row="(\d+)"(?: style="display: none")?>(.*?)</tr>',
                       re.DOTALL)

# This module's code: a kept measure or prediction is used only with the code that made it.
_CODE = digest(Path(__file__).read_bytes())
_TABLE = re.compile(r'(<table class="roster"[^>]*>)(.*?)(</table>)', re.DOTALL)
_HEAD = re.compile(r'^\s*(<caption\b.*?</caption>)?\s*(<thead>\s*<tr>.*?</tr>\s*</thead>)(.*)$', re.DOTALL)
_BODY = re.compile(r'\s*<tbody>((?:\s*<tr(?: class="roster-section")?>.*?</tr>)*)\s*</tbody>', re.DOTALL)
_ROW = re.compile(r'<tr(?: class="roster-section")?>(.*?)</tr>', re.DOTALL)
_SECTION = re.compile(r'<th colspan="\d+">(?:(?!</?t[hd]\b).)*</th>', re.DOTALL)  # a section's heading row
_CELL = re.compile(r'<td>(.*?)</td>', re.DOTALL)
_HEADER_CELL = re.compile(r'<th\b[^>]*>.*?</th>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WHITE = re.compile(r"[ \t\n\r\f]+")  # CSS's white space, which "white-space: normal" collapses
_BREAKS = re.compile("[ \u200b]")  # where a cell's text may break (besides its hyphens)


def _heading_row(row: str) -> bool:
    """Whether a row's cells are a section's heading: one ``<th colspan>`` across the table."""
    return row.startswith("<th") and _SECTION.fullmatch(row) is not None


@dataclass
class Roster:
    """A long roster of a document body (as fixed_columns writes it), and how to cut it."""

    before: str  # the document's HTML before the roster block (after the long roster before it)
    caption: str
    colgroup: str
    thead: str
    rows: list[str]  # the cells of each row (a section's heading: its <th>, see is_section)
    after: str  # the document's HTML after the roster block (the last long roster's only)
    align: str = ""  # the table's data-align attribute, as roster.html wrote it (or nothing)

    def __post_init__(self):
        self._sections = {n for n, row in enumerate(self.rows) if _heading_row(row)}

    def is_section(self, index: int) -> bool:
        """Whether row ``index`` is a section's heading (one cell across the table)."""
        return index in self._sections

    def table(self, first: int, last: int, caption: bool = True, marked: bool = True) -> str:
        """The table holding rows ``first`` to ``last``: the other rows of their <tbody> groups stay
        in, not displayed, so that every row keeps its place in its group (``:nth-child``).
        ``marked``: each row carries its number (``data-row``), as the runs and probes find them."""
        groups = []
        for group in range(first // GROUP, last // GROUP + 1):
            rows = []
            for index in range(group * GROUP, min(len(self.rows), (group + 1) * GROUP)):
                kind = _SECTION_CLASS if self.is_section(index) else ""
                mark = f' data-row="{index}"' if marked else ""
                hidden = "" if first <= index <= last else ' style="display: none"'
                rows.append(f"<tr{kind}{mark}{hidden}>{self.rows[index]}</tr>")
            groups.append("<tbody>" + "".join(rows) + "</tbody>")
        return (f'<table class="roster"{self.align} style="table-layout: fixed">' + (self.caption if caption else "")
                + self.colgroup + self.thead + "".join(groups) + "</table>")

    def block(self, first: int, last: int, marked: bool = True) -> str:
        """Rows ``first`` to ``last`` in the roster's block: from the first row, with the HTML
        before the roster and the caption; else a stretch of rows alone."""
        if first == 0:
            return self.before + '<div class="roster-block">' + self.table(first, last, marked=marked) + "</div>"
        # A page of rows in the middle: no margin above, as on a page the roster runs on to.
        return ('<div class="roster-block" style="margin-top: 0">' + self.table(first, last, False, marked)
                + "</div>")


Position = tuple[int, int]  # (roster, row) among the long rosters of a document


def stretch(rosters: list[Roster], first: Position, last: Position) -> str:
    """A document body from row ``first`` to row ``last`` (each (roster, row)): the document's
    opening with the first rows, the rosters and the HTML between them, the last roster's end with
    the rest of the document, or a stretch of rows alone."""
    (k, a), (m, b) = first, last
    parts = [rosters[r].block(a if r == k else 0, b if r == m else len(rosters[r].rows) - 1)
             for r in range(k, m + 1)]
    if m == len(rosters) - 1 and b == len(rosters[m].rows) - 1:
        parts.append(rosters[m].after)
    return "".join(parts)


def parse(body: str) -> list[Roster] | None:
    """The long rosters of a document body written by fixed_columns, in order; None: none."""
    found = list(_FIXED.finditer(body))
    rosters: list[Roster] = []
    at = 0
    for number, match in enumerate(found):
        rows = _DATA_ROW.findall(match.group(6))
        if [int(index) for index, _ in rows] != list(range(len(rows))):
            return None
        after = body[match.end():] if number == len(found) - 1 else ""
        rosters.append(Roster(body[at:match.start()], match.group(3) or "", match.group(4), match.group(5),
                              [cells for _, cells in rows], after, match.group(2)))
        at = match.end()
    return rosters or None


def fixed_columns(rendered: RenderedBook, profile: OutputProfile | None, cache: Path | None = None) -> RenderedBook:
    """``rendered`` with every long roster's columns measured and fixed (the same book otherwise);
    the measures kept in the ``cache`` folder when given (by the probe's HTML and fonts)."""
    documents = []
    changed = False
    store = Store(cache) if cache else None
    for doc in rendered.documents:
        body = doc.body
        if doc.pdf and 'class="roster"' in body:
            body = _TABLE.sub(lambda m: _fixed(rendered, profile, doc, m, store), body)
        changed = changed or body is not doc.body
        documents.append(doc if body is doc.body else replace(doc, body=body))
    return replace(rendered, documents=documents) if changed else rendered


def _parts(inner: str) -> tuple[str, str, list[str], int] | None:
    """(caption, thead, rows, columns) of a roster table's inside; None: not roster.html's markup."""
    head = _HEAD.match(inner)
    if head is None:
        return None
    rest, rows = head.group(3), []
    at = 0
    for group in _BODY.finditer(rest):
        if group.start() != at:
            return None
        rows.extend(_ROW.findall(group.group(1)))
        at = group.end()
    # The columns the rows have (a header of two rows has more cells than columns: render.headings).
    people = [row for row in rows if not _heading_row(row)]
    columns = len(_CELL.findall(people[0])) if people else len(_HEADER_CELL.findall(head.group(2)))
    if rest[at:].strip() or not columns or any(len(_CELL.findall(row)) != columns for row in people):
        return None
    return head.group(1) or "", head.group(2), rows, columns


def _text(cell: str) -> str:
    """A cell's text as CSS lays it out: its white space (not a no-break space, nor the thin
    spaces, which Python's ``split`` takes for white space too) collapsed into one space, and a
    break opportunity in a long address (<wbr/>) the zero-width space the PDF is given."""
    return _WHITE.sub(" ", htmllib.unescape(_TAG.sub(" ", cell.replace(WBR, ZWSP)))).strip(" ")


def _probe_rows(rows: list[str], columns: int) -> list[str]:
    """The rows holding, for some column, one of the longest texts or one of the longest words
    (a section's heading, across the table, sizes no column)."""
    rows = [row for row in rows if not _heading_row(row)]
    cells = [[_text(c) for c in _CELL.findall(row)] for row in rows]
    keep: set[int] = set()
    for column in range(columns):
        def longest(index: int) -> int:
            return len(cells[index][column])

        def word(index: int) -> int:
            return max((len(w) for w in _BREAKS.split(cells[index][column])), default=0)

        for measure in (longest, word):
            keep.update(sorted(range(len(rows)), key=lambda i: (-measure(i), i))[:_PROBE_ROWS])
    return [rows[i] for i in sorted(keep)]


def _fixed(rendered: RenderedBook, profile: OutputProfile | None, doc: Document, match: re.Match,
           store: Store | None) -> str:
    opening = _OPENING.fullmatch(match.group(1))
    parts = _parts(match.group(2)) if opening else None
    if parts is None or len(parts[2]) < LONG_ROSTER:
        return match.group(0)
    caption, thead, rows, columns = parts
    widths = _measure(rendered, profile, doc, thead, _probe_rows(rows, columns), store)
    if widths is None or len(widths) != columns or sum(widths) <= 0:
        return match.group(0)
    total = sum(widths)
    colgroup = "<colgroup>" + "".join(f'<col style="width: {100 * w / total:.4f}%"/>' for w in widths) + "</colgroup>"
    return Roster("", caption, colgroup, thead, rows, "", opening.group(1)).table(0, len(rows) - 1)


def _measure(rendered: RenderedBook, profile: OutputProfile | None, doc: Document, thead: str,
             rows: list[str], store: Store | None) -> list[float] | None:
    """The column widths WeasyPrint gives a roster of these rows, in the book's stylesheets."""
    probe = (f'<div class="roster-block"><table class="roster">{thead}<tbody>'
             + "".join(f"<tr>{row}</tr>" for row in rows) + "</tbody></table></div>")
    html = _probe_html(rendered, profile, doc, probe)
    key = _key(rendered, "widths", html)
    known = store.get_json(key) if store else None
    if known is not None:
        return known["widths"]
    document = _render(rendered, html)
    widths = None
    for page in document.pages:
        table = _roster_table(page._page_box)
        if table is not None:
            widths = list(table.column_widths)
            break
    if store:
        store.put_json(key, {"widths": widths})
    return widths


def _key(rendered: RenderedBook, kind: str, *parts) -> str:
    """What a probe's result depends on: publisher's and WeasyPrint's versions, the fonts, its HTML."""
    from importlib.metadata import version

    fonts = sorted(file_stamp(Path(f.path)) for f in rendered.fonts)
    return digest("rosters", kind, __version__, _CODE, version("weasyprint"), fonts, *parts)


def _roster_table(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TableBox) and "roster" in (box.element.get("class") or "").split():
        return box
    for child in getattr(box, "children", ()) or ():
        found = _roster_table(child)
        if found is not None:
            return found
    return None


@dataclass
class Chunk:
    """Rows ``first`` (roster, row) up to the ``sentinel`` laid out as one run of pages. The
    sentinel is the row after them, laid out too, which must open the run's last page alone
    (that page is dropped): the proof that the run ends where one pass breaks the page (None for
    the last chunk, which runs to the document's end). ``pages``: pages predicted (None for the
    last chunk)."""

    first: Position
    sentinel: Position | None
    pages: int | None
    body: str


def plan_chunks(rendered: RenderedBook, profile: OutputProfile | None, cache: Path | None = None,
                files: dict[str, Path] | None = None) -> dict[str, list[Chunk]]:
    """Document id -> the chunks its long rosters are laid out in; only documents of more than
    about two runs of pages of rosters whose page breaks could be predicted (see ``_predict``).
    The predictions are kept in the ``cache`` folder when given. ``files``: what the book's layout
    loads (url -> file: fonts, the images as the PDF gets them); by default the fonts and the
    project's images."""
    chunks: dict[str, list[Chunk]] = {}
    store = Store(cache) if cache else None
    for doc in rendered.documents:
        rosters = parse(doc.body) if doc.pdf and doc.kind == "article" else None
        if not rosters:
            continue
        # A picture above a roster moves its rows: the files loaded are part of what is predicted.
        key = _key(rendered, "pages", book_html(rendered, profile, [doc]), _START_ROWS,
                   sorted(file_stamp(Path(path)) for path in (files or book_files(rendered)).values()))
        known = store.get_json(key) if store else None
        tops = ([None if t is None else tuple(t) for t in known["tops"]] if known is not None
                else _predict_all(rendered, profile, doc, rosters, files))
        if store and known is None:
            store.put_json(key, {"tops": tops})
        # Cut where a page opens, about every CHUNK_PAGES pages, at a page opened by the row that
        # did not fit above; never in a roster's last <tbody> group (its rows match other
        # :nth-last-child rules than the rows the prediction learnt from).
        starts: list[tuple[Position, int]] = [((0, 0), 0)]  # (first row, the page it opens)
        for number, top in enumerate(tops):
            if top is None:
                continue
            k, row = top
            if 0 < row < (len(rosters[k].rows) - 1) // GROUP * GROUP and number - starts[-1][1] >= CHUNK_PAGES:
                starts.append((top, number))
        if len(starts) < 3:
            continue
        end = (len(rosters) - 1, len(rosters[-1].rows) - 1)
        found = []
        for n, (first, page) in enumerate(starts):
            if n + 1 < len(starts):
                following, next_page = starts[n + 1]
                found.append(Chunk(first, following, next_page - page, stretch(rosters, first, following)))
            else:
                found.append(Chunk(first, None, None, stretch(rosters, first, end)))
        chunks[doc.id] = found
    return chunks


def long_rosters(rendered: RenderedBook) -> bool:
    """Whether an article holds rosters long enough to be laid out in several runs (plan_chunks)."""
    return any(sum(len(b.items or ()) for b in a.blocks if b.kind == "roster") >= CUT_ROWS
               for a in rendered.book.articles())


def check_whole(rendered: RenderedBook, why: str, chunks: dict[str, list[Chunk]] | None = None) -> None:
    """Refuse, naming the roster's file and line, a piece of the book laid out at once that holds
    more than WHOLE_ROWS roster rows: a document not cut into runs (``chunks``), or one of the
    runs a document is cut into (the last runs on to its end, where a roster was not predicted);
    ``why``: why such a piece is laid out at once, for the message."""
    chunks = chunks or {}
    for article in rendered.book.articles():
        blocks = [b for b in article.blocks if b.kind == "roster"]
        if article.id in chunks:  # the long rosters only, in the order of their Positions
            long = [b for b in blocks if len(b.items or ()) >= LONG_ROSTER]
            rows, last = max((len(_VISIBLE_ROW.findall(c.body)), (c.sentinel or (len(long) - 1, 0))[0])
                             for c in chunks[article.id])
            block = long[min(last, len(long) - 1)]
        else:
            rows = sum(len(b.items or ()) for b in blocks)
            block = max(blocks, key=lambda b: len(b.items or ()), default=None)
        if rows > WHOLE_ROWS and block is not None:
            raise ManuscriptError(
                f"roster: {rows:,} rows laid out in one piece ({why}): that takes several GB of memory, "
                f"so at most {WHOLE_ROWS:,} rows are", article.source, block.line,
                hint=f"put at most {WHOLE_ROWS:,} rows in an article: one article per period or unit")


def _predict_all(rendered: RenderedBook, profile: OutputProfile | None, doc: Document,
                 rosters: list[Roster], files: dict[str, Path] | None = None) -> list:
    """The first row of each page of the document, (roster, row), as one pass lays it out (see
    ``_predict`` for the signs), up to the end of the last roster predicted: a roster is predicted
    from the last page of the one before (laid out again with the HTML between them and its
    first rows), and one that cannot be predicted ends the prediction."""
    tops: list = []
    prefix = rosters[0].before
    for k, roster in enumerate(rosters):
        found = (_predict(rendered, profile, doc, roster, prefix, files) if len(roster.rows) >= 2 * _START_ROWS
                 else None)
        if not found or found[-1] is None:
            break
        # After the first roster, the probe's first page is the last page of the roster before.
        tops += [None if t is None else (k, t) for t in (found if k == 0 else found[1:])]
        if k + 1 < len(rosters):
            last = abs(found[-1])
            if last == 0:  # not a page of this roster's rows alone
                break
            prefix = roster.block(last, len(roster.rows) - 1, marked=False) + rosters[k + 1].before
    return tops


class _Hyphenation:
    dictionaries: dict = {}  # what split_first_line reads of a layout context (hyphenation)


def _predict(rendered: RenderedBook, profile: OutputProfile | None, doc: Document, roster: Roster,
             prefix: str, files: dict[str, Path] | None = None) -> list | None:
    """The first row of each page of the document, as one pass lays it out; None: not predictable.
    A page opened by the row that overflowed the page before has it positive; a page opened by a
    row that came over with the one that overflowed (``break-after: avoid``), or one of the
    pages laid out here, negative; a page without rows None.

    ``prefix`` (the document's opening, or the last page of the roster before and the HTML
    between) and the roster's first ``_START_ROWS`` rows are laid out (WeasyPrint): their
    pages are known, and the rows teach the rest. A row's height is a line's height times the
    lines of its tallest cell plus what its cells add (padding, borders); the lines of every cell
    are counted by Pango at its column's width, as WeasyPrint breaks them. A page of rows then
    holds the rows until the next one overflows the page's bottom; a row that must not end a page
    (``break-after: avoid``, by its place in its group, ``_after``) goes over with it.
    The prediction must give back the pages laid out, or it is not used; the runs check the rest
    (``Chunk.sentinel``).
    """
    count = min(len(roster.rows), _START_ROWS)
    pages = _probe_pages(rendered, profile, doc, roster, prefix, count, files)
    observed = [rows[0][0] if rows else None for _, rows in pages]
    seen = {r: box for _, rows in pages for r, box in rows}
    if len(pages) < 3 or len(seen) != count or count < GROUP:
        return None
    def probe(body: str):
        return _render(rendered, _probe_html(rendered, profile, doc, body), files)

    heights = _heights(roster, seen, count, probe)
    after = _after(roster, seen, probe)
    if heights is None or after is None:
        return None
    # The pages the rows run on to: from the first page that opens with a row after the first
    # (its header repeated), rows start at the same height and stop at the same bottom.
    start = next((n for n in range(1, len(pages)) if observed[n] not in (None, 0)), None)
    if start is None or start + 1 >= len(pages):
        return None
    page_box, rows = pages[start]
    # Between two rows, the table's border-spacing (none when borders collapse): the same everywhere.
    gaps = {round(b.position_y - a.position_y - a.height, 6) for (_, a), (_, b) in zip(rows, rows[1:])}
    if len(gaps) != 1:
        return None
    page = (rows[0][1].position_y, page_box.content_box_y() + page_box.height, gaps.pop())
    # The pages laid out, again by the prediction (the last one is cut short by the probe's end).
    again = _simulate(heights, after, page, observed[start], count)
    if again is None or [abs(t) for t in again] != observed[start + 1:]:
        return None
    # The last page's top is one pass's too (the row before it overflowed): go on from there.
    rest = _simulate(heights, after, page, observed[-1], len(roster.rows))
    if rest is None:
        return None
    return [None if t is None else -t for t in observed] + rest


def _avoid(value: str) -> bool:
    return value in ("avoid", "avoid-page")


def _after(roster: Roster, seen: dict, probe) -> list[bool] | None:
    """Whether each row must not end a page (its ``break-after``, the next row's ``break-before``),
    by its place in its group: learnt from the first groups laid out (``seen``: row -> its box;
    a place is learnt from a row that is not a section's heading) and,
    for a last group shorter than the others (whose rules from its end, as "the last three
    rows together", fall on other rows), from that group laid out alone in ``probe``. A section's
    heading keeps its own rule (``break-after: avoid``: it stays with its first row)."""
    def avoided(box, following) -> bool:
        return _avoid(box.style["break_after"]) or _avoid(following.style["break_before"])

    count = len(roster.rows)
    first = []
    for place in range(GROUP):
        learnt = [avoided(seen[r], seen[r + 1]) for r in range(place, max(seen), GROUP)
                  if r + 1 in seen and not roster.is_section(r)]
        if not learnt:
            return None
        first.append(learnt[0])
    heading = next((avoided(seen[r], seen[r + 1]) for r in sorted(seen) if r + 1 in seen and roster.is_section(r)),
                   True)
    after = [heading if roster.is_section(r) else first[r % GROUP] for r in range(count)]
    start = (count - 1) // GROUP * GROUP
    if count - start < GROUP:
        document = probe('<div class="roster-block">' + roster.table(start, count - 1, False) + "</div>")
        row = {r: box for page in document.pages for r, box in marked_rows(page._page_box)}
        if sorted(row) != list(range(start, count)):
            return None
        after[start:count - 1] = [avoided(row[r], row[r + 1]) for r in range(start, count - 1)]
    after[count - 1] = False  # the table's end: what follows it is not predicted
    return after


def _probe_pages(rendered: RenderedBook, profile: OutputProfile | None, doc: Document, roster: Roster,
                 prefix: str, count: int, files: dict[str, Path] | None = None) -> list:
    """``prefix`` and the roster's first ``count`` rows, laid out: per page (page box, [(row, box)])."""
    body = prefix + '<div class="roster-block">' + roster.table(0, count - 1) + "</div>"
    document = _render(rendered, _probe_html(rendered, profile, doc, body), files)
    return [(page._page_box, list(marked_rows(page._page_box))) for page in document.pages]


def _heights(roster: Roster, seen: dict, count: int, probe=None) -> list[float] | None:
    """Every row's height, learnt from the rows laid out (``seen``: row -> its box) and checked on
    each of them; None: they do not follow the rule. A row is as tall as its tallest cell, and a
    cell's lines are counted by Pango at its column's width (``_line_counter``).

    Most rosters have one kind of line a column: a row is then a base and a step a line more.
    A line in a fallback font (a ✓, a name in Hán characters) is taller or lower than the column's
    own: where a roster has such lines, each kind of line is measured in ``probe`` (HTML of a
    body -> the document laid out) as a row of one line and of two (``_kinds_heights``)."""
    from weasyprint.formatting_structure import boxes

    people = [r for r in range(len(roster.rows)) if not roster.is_section(r)]
    sections = [r for r in range(len(roster.rows)) if roster.is_section(r)]
    if not people or people[0] >= count or (sections and probe is None):
        return None
    columns = len(_CELL.findall(roster.rows[people[0]]))
    styles: list = [None] * columns  # each column's text style and width, from a cell with text
    for r in (r for r in people if r < count):
        for c, cell in enumerate(seen[r].children[:columns]):
            text = next((b for b in _walk(cell) if isinstance(b, boxes.TextBox)), None)
            if styles[c] is None and text is not None:
                styles[c] = (text.style, cell.width)
    for c, style in enumerate(styles):
        if style is None:  # no text in this column's first rows (blanks sorted first): the cell's own
            cell = seen[people[0]].children[c]  # style, whose font its text inherits
            styles[c] = (cell.style, cell.width)
    lines = _line_counter(styles)
    # A section's heading is a row of its own: its cells are counted as none, and its height is
    # laid out (_sections_heights).
    cells = [[] if roster.is_section(r) else
             [lines(c, t) if t else () for c, t in enumerate(_text(cell) for cell in _CELL.findall(row))]
             for r, row in enumerate(roster.rows)]
    kinds = [{kind for row in cells if row for kind in row[c]} for c in range(columns)]
    if any(len(k) > 1 for k in kinds):
        heights = _kinds_heights(roster, cells, kinds, lines.samples, probe) if probe else None
    else:
        heights = _steps_heights([max((len(cell) for cell in row if cell), default=1) for row in cells], seen, count,
                                 set(sections))
    if heights is not None and sections:
        heights = _sections_heights(roster, heights, sections, probe)
    if heights is None or any(abs(heights[r] - seen[r].height) > 1e-3 for r in range(count)):
        return None
    return heights


def _sections_heights(roster: Roster, heights: list[float], sections: list[int], probe) -> list[float] | None:
    """``heights`` with each section heading's own, laid out in ``probe`` (each heading once); None
    for more than MAX_SECTIONS headings (a probe of that many rows would cost what the roster does)."""
    distinct = sorted({roster.rows[r] for r in sections})
    if len(distinct) > MAX_SECTIONS:
        return None
    document = probe('<div class="roster-block">' + replace(roster, rows=distinct).table(0, len(distinct) - 1, False)
                     + "</div>")
    height = {r: box.height for page in document.pages for r, box in marked_rows(page._page_box)}
    if len(height) != len(distinct):
        return None
    of = {row: height[n] for n, row in enumerate(distinct)}
    heights = list(heights)
    for r in sections:
        heights[r] = of[roster.rows[r]]
    return heights


def _steps_heights(tall: list[int], seen: dict, count: int, skip: set[int] = frozenset()) -> list[float] | None:
    """Rows of one kind of line: a base and a step a line more (``tall``: the lines of each row's
    tallest cell), taught by the first rows of the two fewest numbers of lines laid out (in narrow
    columns a row may never be one line); a single number of lines teaches no step. The rows
    in ``skip`` (sections' headings) teach nothing."""
    known: dict[int, float] = {}
    for r in range(count):
        if r not in skip:
            known.setdefault(tall[r], seen[r].height)
    (low, height), *other = sorted(known.items())
    if not other and any(t != low for r, t in enumerate(tall) if r not in skip):
        return None
    step = (other[0][1] - height) / (other[0][0] - low) if other else 0.0
    base = height - step * (low - 1)
    return [base + step * (t - 1) for t in tall]


def _kinds_heights(roster: Roster, cells: list, kinds: list[set], samples: dict, probe) -> list[float] | None:
    """Rows whose lines are of several kinds (their font's ascent and descent): each kind of each
    column laid out in a row of its own, of one line and of two, gives the cell's padding and
    that line's height; a row is its tallest cell, the padding and its lines' heights."""
    columns = len(kinds)
    order = [(c, kind) for c in range(columns) for kind in sorted(kinds[c])]
    rows = []
    for c, kind in order:
        line = htmllib.escape(samples[c][kind])
        for text in (line, f"{line}<br>{line}"):
            rows.append("".join(f"<td>{text if k == c else ''}</td>" for k in range(columns)))
    document = probe('<div class="roster-block">' + replace(roster, rows=rows).table(0, len(rows) - 1, False)
                     + "</div>")
    height = {r: box.height for page in document.pages for r, box in marked_rows(page._page_box)}
    if len(height) != len(rows):
        return None
    step, padding = {}, [set() for _ in range(columns)]
    for n, (c, kind) in enumerate(order):
        one, two = height[2 * n], height[2 * n + 1]
        step[c, kind] = two - one
        padding[c].add(round(2 * one - two, 3))
    if any(len(p) != 1 for p in padding):  # a column's padding must not depend on its text
        return None
    pad = [p.pop() for p in padding]
    return [max((pad[c] + sum(step[c, kind] for kind in cell) for c, cell in enumerate(row) if cell),
                default=max(pad)) for row in cells]


def _line_counter(styles: list):
    """lines(column, text): the lines WeasyPrint breaks the text into at the column's width, each
    as its kind: the top and bottom of its fonts (Pango units), above and below the baseline (a
    line of a fallback font's characters alone, a ✓, is taller or lower than the column's own);
    ``lines.samples``: column -> kind -> the text of such a line.

    One Pango layout a column, given each text in turn: Pango's greedy breaking is WeasyPrint's
    (``split_first_line`` takes the first line of the same layout, again and again). A line's
    kind is the union of its characters' fonts' extents, each character's measured once, without
    the spaces it ends with: WeasyPrint's text box leaves them out."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.line_break import create_layout

    memo: dict = {}
    layouts: dict = {}
    samples: dict = {}
    extents = ffi.new("PangoRectangle *")

    class Fonts(dict):
        """character -> the top and bottom of its font in a column (measured once)"""

        def __init__(self, layout):
            super().__init__()
            self.layout = layout

        def __missing__(self, character: str) -> tuple[int, int]:
            self.layout.set_text(character)
            pango.pango_layout_line_get_extents(pango.pango_layout_get_line_readonly(self.layout.layout, 0),
                                                ffi.NULL, extents)
            self[character] = found = (extents.y, extents.y + extents.height)
            return found

    fonts: dict[int, Fonts] = {}

    def kind(column: int, text: str) -> tuple[int, int]:
        found = {fonts[column][character] for character in (set(text.rstrip(" ") or text) - {ZWSP} or set(text))}
        return min(top for top, _ in found), max(bottom for _, bottom in found)

    def lines(column: int, text: str) -> tuple:
        key = (column, text)
        if key not in memo:
            style, width = styles[column]
            text = _as_shown(style, text)
            if column not in layouts:
                layouts[column] = create_layout(text, style, _Hyphenation, width, 0)
                fonts[column] = Fonts(create_layout(text, style, _Hyphenation, None, 0))
            layout = layouts[column]
            layout.set_text(text)
            count = 1
            while pango.pango_layout_get_line_readonly(layout.layout, count) != ffi.NULL:
                count += 1
            known = fonts[column]
            characters = set(text)
            characters -= {" ", ZWSP}  # no glyph of their own
            every = {known[character] for character in characters}
            if len(every) == 1 and next(iter(every)) in samples.get(column, ()):
                memo[key] = (next(iter(every)),) * count  # every character in one font
            else:
                encoded = text.encode()
                kinds = []
                for number in range(count):
                    line = pango.pango_layout_get_line_readonly(layout.layout, number)
                    piece = encoded[line.start_index:line.start_index + line.length].decode()
                    kinds.append(kind(column, piece))
                    samples.setdefault(column, {}).setdefault(kinds[-1], piece.strip(" "))
                memo[key] = tuple(kinds)
        return memo[key]

    lines.samples = samples
    return lines


def _as_shown(style, text: str) -> str:
    """The text as WeasyPrint sets it: its column's ``text-transform`` (an upper-case name is
    wider) and, with ``hyphens: none``, without its soft hyphens (``TextBox.process_text_transform``)."""
    from weasyprint.formatting_structure.text import transform

    if style["text_transform"] != "none":
        text = transform(style["text_transform"], text, (style["lang"] or "").split("-")[0].lower())
    if style["hyphens"] == "none":
        text = text.replace("\u00ad", "")
    return text


def _simulate(heights: list[float], after: list[bool], page: tuple[float, float, float], first: int,
              end: int) -> list[int] | None:
    """The rows opening the pages after the one ``first`` opens, up to row ``end`` (see _predict
    for the signs); ``page``: where the rows start on a page, the bottom they must not pass and
    the space between two rows. WeasyPrint's test (LayoutContext.overflows), with its fudge factor."""
    top, bottom, gap = page
    tops, page_first, y, r = [], first, top, first
    while r < end:
        if r > page_first and y + heights[r] > bottom * (1 + 1e-9):
            j = r
            while j > page_first and after[j - 1]:
                j -= 1
            if j == page_first:
                return tops if tops else None  # no break allowed: beyond what is predicted
            tops.append(j if j == r else -j)
            page_first, y, r = j, top, j
            continue
        y += heights[r] + gap
        r += 1
    return tops


def _probe_html(rendered: RenderedBook, profile: OutputProfile | None, doc: Document, body: str) -> str:
    """The print HTML of the document ``doc`` alone, with ``body`` in place of its own."""
    probe = replace(doc, body=body)
    book = replace(rendered, documents=[probe if d.id == doc.id else d for d in rendered.documents])
    return book_html(book, profile, [probe])


def _render(rendered: RenderedBook, html: str, files: dict[str, Path] | None = None):
    """``html`` laid out as the book's passes lay it out, or the probe learns other pages: with
    its pictures (``files``; by default weasy.book_files) and through pdf.refill (the paragraph above a roster kept
    with its first rows, holes above figures filled)."""
    weasyprint = import_weasyprint()
    captured = capture_warnings()
    try:
        return refill.render(weasyprint, html, base_url=BOOK_BASE,
                             url_fetcher=BookFetcher(files or book_files(rendered)))
    finally:
        release(captured)


def marked_rows(page_box):
    """The rows of a page laid out that carry their number (``Roster.table``'s ``data-row``):
    (number, box), in order."""
    from weasyprint.formatting_structure import boxes

    for box in _walk(page_box):
        if isinstance(box, boxes.TableRowBox) and box.element is not None and box.element.get("data-row"):
            yield int(box.element.get("data-row")), box


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)
