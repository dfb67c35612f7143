"""Long tables in an article set as rosters: a staff list typed as a Word (or Markdown) table.

Offices keep their lists of staff in Word as often as in a spreadsheet, and send the list
as a table of thousands of rows in a Word file. Laid out as an ordinary table, WeasyPrint
sizes its columns from every cell and keeps every page of it in one process: 10,000 rows
of a Word table took 94 s and 1 GB to print. A roster block (templates/roster.html) gets
its columns measured once, its rows in groups and its pages laid out in runs (pdf.rosters).

``long_tables_as_rosters`` turns a table block of at least ``LONG_TABLE`` rows into a roster
block, in place, when its shape says what every cell is:

- a header of one row, or of two where a heading spans the sub-headings under it (joined to
  each by ``model.SUB_HEADING``, as readers.tableshape names a sheet's two-row header) and the
  others span both rows; a row numbering the columns under it (``(1) (2) (3)``, as official
  forms have it) is left out, as from a sheet;
- rows of plain cells; a row of one cell across the whole table is a section's heading
  (``I. LÃNH ĐẠO CỤC``), shown across it as before, and so is a row typed in its cells that
  heads the rows under it by readers.tableshape's rule (``II`` | ``CÁC PHÒNG THAM MƯU``); a cell merged down over rows (a unit beside
  its people) is shown on each of its rows, as a roster shows it;
- cells of inline content: a cell holding a list, a paragraph, a picture, a note or a link
  keeps the table as it is, as does a cell merged across some columns only.

The rows stay in their order and keep their text and inline markup (bold, line breaks). A
table left as it is for its shape is named in a note, with the reason.

A staff list is also typed a table a unit, each under its heading (``Phòng Nghiệp vụ``), or
each table opening with its unit's name in a row merged across it, one table after another. Two
or more headings of one level each right over a table, or two or more tables with nothing
between, of a roster's shape, the same columns and LONG_TABLE rows in all, are one roster, each
heading (or title row) a section's row across it (``_joined``): 30 tables of 100 rows under
their headings printed in 16.4 s and 164 MB against 26.4 s and 359 MB. No outline loses the
headings: the contents and the PDF's bookmarks list articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..errors import Diagnostic
from ..model import LONG_TABLE, SUB_HEADING, Article, Block, html_to_text
from .tableshape import is_numbering, sections

# Content that makes a cell more than a line of text: the roster template writes a cell inline.
_BLOCK_TAGS = {"p", "div", "ul", "ol", "li", "dl", "table", "figure", "img", "blockquote", "pre", "hr",
               "h1", "h2", "h3", "h4", "h5", "h6", "section"}
_CELL_TAGS = {"td", "th"}
_ROW_GROUPS = {"thead", "tbody", "tfoot"}
_NEWLINE = re.compile("\n")
_ALIGN = re.compile(r"(?:^|;)\s*text-align\s*:\s*(left|center|right)\s*(?:;|$)", re.IGNORECASE)  # Markdown's :---:


class Unfit(Exception):
    """The table's shape is not a roster's: ``str(exc)`` says why, in plain words."""


@dataclass
class _Cell:
    html: str
    colspan: int = 1
    rowspan: int = 1
    align: str = ""  # the cell's text-align as written (a Markdown table's ``:---:``), else ""


@dataclass
class _Table:
    caption: str = ""
    head: list[list[_Cell]] = field(default_factory=list)
    body: list[list[_Cell]] = field(default_factory=list)


class _Parser(HTMLParser):
    """The cells of one table's XHTML, each cell's inner markup sliced from the source as written."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [match.end() for match in _NEWLINE.finditer(source)]
        self.table = _Table()
        self.depth = 0  # tables open
        self.group = "tbody"  # rows outside any group are the body's
        self.row: list[_Cell] | None = None
        self.cell: tuple[dict, int] | None = None  # the open cell's attributes and where its content starts
        self.caption_at: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
            if self.depth > 1:
                raise Unfit("a table inside a cell")
            return
        if self.depth != 1:
            raise Unfit("content outside the table")
        end = self._offset() + len(self.get_starttag_text() or "")
        if self.cell is not None or self.caption_at is not None:
            if tag in _BLOCK_TAGS:
                raise Unfit("cells holding lists, paragraphs or pictures")
            if tag == "a":
                raise Unfit("cells holding notes or links")
            return
        if tag == "caption":
            self.caption_at = end
        elif tag in _ROW_GROUPS:
            if tag == "tfoot":
                raise Unfit("a footer row group")
            self.group = tag
        elif tag == "tr":
            self.row = []
        elif tag in _CELL_TAGS and self.row is not None:
            self.cell = (dict(attrs), end)
        elif tag not in ("colgroup", "col"):
            raise Unfit(f"a <{tag}> between its rows")

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
            return
        at = self._offset()
        if tag == "caption" and self.caption_at is not None:
            self.table.caption = self.source[self.caption_at:at].strip()
            self.caption_at = None
        elif tag in _CELL_TAGS and self.cell is not None:
            attrs, start = self.cell
            align = _ALIGN.search(attrs.get("style") or "")
            self.row.append(_Cell(self.source[start:at].strip(), _span(attrs.get("colspan")),
                                  _span(attrs.get("rowspan")), align.group(1).lower() if align else ""))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.cell is not None:
                raise Unfit("a cell not closed")
            (self.table.head if self.group == "thead" else self.table.body).append(self.row)
            self.row = None
        elif tag in _ROW_GROUPS:
            self.group = "tbody"


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def parse(html: str) -> _Table:
    """The table's caption, header rows and body rows; ``Unfit`` when it holds what a roster cannot."""
    parser = _Parser(html)
    parser.feed(html)
    parser.close()
    if parser.depth or parser.row is not None or parser.cell is not None:
        raise Unfit("markup not closed")
    return parser.table


def _numbering_row(row: list[_Cell]) -> bool:
    """A row numbering the columns (``(1) (2) (3)``, ``A B 1 2``: readers.tableshape's rule)."""
    return all(cell.colspan == 1 and cell.rowspan == 1 for cell in row) and is_numbering(
        [html_to_text(cell.html) for cell in row])


def headings(head: list[list[_Cell]]) -> list[str]:
    """The roster's column names from one or two header rows (a heading over sub-headings joined
    to each by SUB_HEADING, as render.headings splits them again); a last row numbering the
    columns (``(1) (2) (3)``, as official forms have it) is left out."""
    if len(head) > 1 and _numbering_row(head[-1]):
        head = head[:-1]
    if not head:
        raise Unfit("no header row")
    if len(head) == 1:
        if any(cell.colspan > 1 or cell.rowspan > 1 for cell in head[0]):
            raise Unfit("a header cell across several columns")
        return [cell.html for cell in head[0]]
    if len(head) > 2:
        raise Unfit(f"a header of {len(head)} rows")
    top, bottom = head
    names: list[str] = []
    under = iter(bottom)
    for cell in top:
        if cell.rowspan == 2 and cell.colspan == 1:
            names.append(cell.html)
        elif cell.rowspan == 1 and cell.colspan > 1:
            subs = [next(under, None) for _ in range(cell.colspan)]
            if any(sub is None or sub.colspan != 1 or sub.rowspan != 1 or not sub.html for sub in subs):
                raise Unfit("a two-row header whose sub-headings do not fall under their heading")
            names.extend(f"{cell.html}{SUB_HEADING}{sub.html}" for sub in subs)
        else:
            raise Unfit("a two-row header with a heading over no sub-headings")
    if next(under, None) is not None:
        raise Unfit("a two-row header with more sub-headings than headings over them")
    return names


def items(body: list[list[_Cell]], width: int) -> tuple[list[dict], int, list[str]]:
    """The roster's items (rows of cells, sections' headings), how many cells merged down
    were given to the rows under their first, and each column's alignment: the one all its
    cells were given (a Markdown table's ``:---:``, ``---:``), else ""."""
    found: list[dict] = []
    aligns: list[set[str]] = [set() for _ in range(width)]
    pending: dict[int, tuple[str, int]] = {}  # column -> (a merged cell's markup, rows it still covers)
    repeated = 0
    for row in body:
        if len(row) == 1 and row[0].colspan >= width and width > 1 and not pending:
            found.append({"section": row[0].html})
            continue
        cells: list[str] = []
        given = iter(row)
        for column in range(width):
            if column in pending:
                html, left = pending[column]
                cells.append(html)
                repeated += 1
                if left > 1:
                    pending[column] = (html, left - 1)
                else:
                    del pending[column]
                continue
            cell = next(given, None)
            if cell is None:
                cells.append("")  # a short row: Word lets one end early
                continue
            if cell.colspan > 1:
                raise Unfit("a cell across some of the columns")
            cells.append(cell.html)
            aligns[column].add(cell.align)
            if cell.rowspan > 1:
                pending[column] = (cell.html, cell.rowspan - 1)
        if next(given, None) is not None:
            raise Unfit("a row with more cells than the header has columns")
        found.append({"cells": cells})
    return found, repeated, [_shared(seen) for seen in aligns]


def _shared(kinds) -> str:
    """The alignment every one of ``kinds`` is, else "" (a column aligned one way throughout)."""
    kinds = set(kinds)
    return kinds.pop() if len(kinds) == 1 else ""


def _typed_sections(rows: list[dict]) -> list[dict]:
    """``rows`` with each row that heads the rows under it without being merged across the table
    (``II`` in the number column and ``CÁC PHÒNG THAM MƯU`` in the name column, as Word users type
    them too) made a section's heading, by readers.tableshape's rule for a sheet's."""
    found = sections([(index, [html_to_text(cell) for cell in row["cells"]])
                      for index, row in enumerate(rows) if "cells" in row])
    headings = {note.first: _escape(note.text) for note in found}
    return [{"section": headings[index]} if index in headings else row for index, row in enumerate(rows)]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_roster(block: Block) -> tuple[Block, int]:
    """The roster block of a long table block, and the count of merged cells shown on each of
    their rows; ``Unfit`` when the table's shape is not a roster's."""
    table = parse(block.html)
    head, body, caption = table.head, table.body, table.caption
    # A title typed in the table's first row, merged across it (DANH SÁCH CÁN BỘ …): its caption.
    first = head[0] if head else body[0] if body else []
    if len(first) == 1 and first[0].colspan > 1:
        caption = caption or first[0].html
        head, body = (head[1:], body) if head else ([], body[1:])
    if not head and body:  # the header row under the title
        head, body = body[:1], body[1:]
    columns = headings(head)
    if len(columns) < 2:
        raise Unfit("a header of fewer than two columns")
    if body and _numbering_row(body[0]):  # under a header not repeated on each page
        body = body[1:]
    rows, repeated, align = items(body, len(columns))
    rows = _typed_sections(rows)
    roster = Block("roster", line=block.line, id=block.id, caption=caption or None,
                   columns=columns, items=rows, align=align if any(align) else None)
    return roster, repeated


def body_rows(html: str) -> int:
    """The rows of a table's markup, counted without parsing it (a table of few is left alone)."""
    return html.count("<tr")


def _heading_runs(blocks: list[Block]) -> list[tuple[int, int]]:
    """(first, end) of each run of two or more headings of one level, each over a table, nothing
    between them: a staff list typed a table a unit (``Phòng Nghiệp vụ`` over its people's table)."""
    runs, at = [], 0
    while at < len(blocks) - 1:
        end = at
        while (end + 1 < len(blocks) and blocks[end].kind == "heading" and blocks[end + 1].kind == "table"
               and blocks[end].level == blocks[at].level):
            end += 2
        if end - at >= 4:
            runs.append((at, end))
        at = max(end, at + 1)
    return runs


def _table_runs(blocks: list[Block]) -> list[tuple[int, int]]:
    """(first, end) of each run of two or more tables one after another, nothing between them: a
    staff list typed a table a unit, each table's first row its unit's name merged across it (or
    one table that Word split in several)."""
    runs, at = [], 0
    while at < len(blocks):
        end = at
        while end < len(blocks) and blocks[end].kind == "table":
            end += 1
        if end - at >= 2:
            runs.append((at, end))
        at = max(end, at + 1)
    return runs


def _joined(parts: list[tuple[str | None, Block]]) -> tuple[Block, int] | None:
    """One roster of (a section's heading or None, table block) parts, each heading a section's
    row over its table's rows, or, without one, the table's title row (its caption as a roster);
    and the cells merged down it shows on each row. None unless every table is a roster's shape,
    with the first one's columns, LONG_TABLE rows in all, and no table under a heading titled too."""
    items: list[dict] = []
    columns, repeated, aligns = None, 0, []
    for heading, table in parts:
        try:
            roster, merged = as_roster(table)
        except Unfit:
            return None
        if (heading and roster.caption) or (columns is not None and roster.columns != columns):
            return None
        columns, repeated = roster.columns, repeated + merged
        aligns.append(roster.align or [""] * len(columns))
        section = heading or roster.caption
        items += [{"section": section}, *roster.items] if section else roster.items
    if len(items) < LONG_TABLE:
        return None
    first = parts[0][1]
    align = [_shared(kinds) for kinds in zip(*aligns)]  # what every table gave a column
    return Block("roster", line=first.line, id=first.id, columns=columns, items=items,
                 align=align if any(align) else None), repeated


def _join(article: Article, runs: list[tuple[int, int]], parts, describe, hint: str,
          notes: list[Diagnostic]) -> None:
    """Each run (first, end) of ``article``'s blocks whose ``parts`` (blocks -> (heading or None,
    table) pairs) make one roster replaced by it (from the last run: the indexes before stay),
    with a note (``describe(first, end, roster)``)."""
    for first, end in reversed(runs):
        found = _joined(parts(article.blocks[first:end]))
        if found is None:
            continue
        roster, repeated = found
        roster.line = article.blocks[first].line
        message = describe(first, end, roster) + _repeated(repeated)
        article.blocks[first:end] = [roster]
        notes.append(Diagnostic("info", message, article.source, roster.line, "long-table", hint))


def _rows(roster: Block) -> int:
    return sum("cells" in item for item in roster.items)


def _repeated(count: int) -> str:
    return f"; {count:,} cells merged down shown on each of their rows" if count else ""


def long_tables_as_rosters(article: Article) -> list[Diagnostic]:
    """Each table of ``article`` with LONG_TABLE rows or more set as a roster where its shape allows
    (in place), and the tables of a staff list typed a table a unit, under their headings, as one
    roster in sections; a note for each, saying what was done or why not."""
    notes: list[Diagnostic] = []

    def heading(first: int, end: int, roster: Block) -> str:
        name = html_to_text(article.blocks[first].html)[:40]
        return (f"{(end - first) // 2} tables, each under its heading (“{name}” …), set as one roster of "
                f"{_rows(roster):,} rows, each heading a row across it")

    def one_after_another(first: int, end: int, roster: Block) -> str:
        titled = any("section" in item for item in roster.items)
        return (f"{end - first} tables one after another set as one roster of {_rows(roster):,} rows"
                f"{', the title row of each a row across it' if titled else ''}")

    _join(article, _heading_runs(article.blocks), lambda blocks: list(zip([b.html for b in blocks[::2]], blocks[1::2])),
          heading, "put a paragraph between a heading's table and the next heading to keep them apart", notes)
    _join(article, _table_runs(article.blocks), lambda blocks: [(None, table) for table in blocks],
          one_after_another, "put a paragraph between two tables to keep them apart", notes)
    for index, block in enumerate(article.blocks):
        if block.kind != "table" or body_rows(block.html) < LONG_TABLE:
            continue
        try:
            roster, repeated = as_roster(block)
        except Unfit as exc:
            notes.append(Diagnostic(
                "info", f"a table of {body_rows(block.html):,} rows is laid out as it is ({exc}): a long "
                "table takes long to print", article.source, block.line, "long-table",
                "give a staff list as a roster block read from a spreadsheet (```roster file=…```), "
                "or make its cells plain text"))
            continue
        if len(roster.items) < LONG_TABLE:
            continue
        article.blocks[index] = roster
        merged = (f"; cells merged down are shown on each of their rows ({repeated:,} repeated)"
                  if repeated else "")
        notes.append(Diagnostic(
            "info", f"a table of {len(roster.items):,} rows is set as a roster: its header row on every "
            f"page, its columns as wide on every page{merged}", article.source, block.line, "long-table"))
    return notes
