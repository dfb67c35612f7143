"""Find the table in a sheet laid out the way offices lay out a staff list.

A roster made in an office is rarely a bare table. Above it: the organisation and the
national motto, a title (``DANH SÁCH CÁN BỘ …``), a blank line. Its header may take two
rows, a heading merged over its sub-columns (``Thời gian công tác`` over ``Từ`` and
``Đến``), with a row numbering the columns under it (``(1) (2) (3)`` or ``A B 1 2``). Below
it: a total (``Tổng cộng: 250 người``), a place and date, the signatures. ``shape`` takes
the sheet's non-empty rows (CSV lines or worksheet rows, each with its line or row number)
and finds the header and the rows of the table; what it leaves out is returned as notes,
each naming its lines, so nothing is dropped without a word.

The rules, each on what the rows hold, never on their number:

- The **data columns** are those filled in at least a fifth of the rows. The **header** is the
  first row (of the first ``MAX_TITLE_ROWS + 1``) that fills at least 60 % of them, unless it
  holds long texts only (``TITLE_LENGTH``) and a row below fills more: title rows fill one or
  two cells, with the organisation's name and the national motto. A sheet whose first row is
  its header is read as before.
- A header with empty cells among the data columns, followed by a row that fills each of
  them and nothing but them and the first column of each heading over them, with short
  labels, is a **two-row header**: each sub-heading is joined to the heading over it
  (``Thời gian công tác – Từ``). A data row is never taken for one: it fills a column the
  header names on its own (the name).
- A row right under the header holding only column numbers or letters, the numbers
  rising (by one, or more where a hidden column took its number), is the **numbering row**.
- A **name typed over two columns** (``Họ và tên`` merged over the family and middle names and
  the given name, with or without ``Họ đệm`` and ``Tên`` under it) becomes one column, each
  row's parts joined with a space.
- A cell **merged down** over rows of the table (a unit beside its people) gives its text to
  each of them, as the sheet shows it beside each (``merged``: the workbook's merged cells).
- A **section row** heads the rows under it (``I. LÃNH ĐẠO CỤC``, ``A | CÁN BỘ ĐANG CÔNG TÁC``,
  ``2 | PHÒNG NGHIỆP VỤ``): it fills one or two cells where the rows usually fill twice as many,
  and reads as a heading, not as a person whose other cells are blank: a Roman numeral or a
  capital letter before its text (``I.``, ``B``), or its text in capitals in a column whose
  rows are not, or its text alone in a column of numbers (a label merged over the row from its
  first cell). Each is a note of its own ("section"), its row left in the rows.
- The **footer** is the run of rows at the end (at most ``MAX_FOOTER_ROWS``) that fill under
  half of what the table's rows usually fill (the upper quartile of the rows' filled cells),
  when a blank line parts it from the table or it opens with a total, a date line or a signature (``Tổng``, ``Cộng``, ``Người lập``,
  ``…, ngày … tháng … năm …``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from ..model import SUB_HEADING

Record = tuple[int, list[str]]  # (line or row number, cells)

MAX_TITLE_ROWS = 12
MAX_FOOTER_ROWS = 15
MAX_FILLED = 1_000_000  # cells a sheet's merges may fill (readers.spreadsheet.MAX_CELLS)
TITLE_LENGTH = 15  # characters: a row whose every text is at least this long is a title, not a header
_NUMBERING = re.compile(r"[(\[]?(\d{1,3}|[A-Za-z])[)\].]?")
_FOOTER_WORDS = ("tổng", "cộng", "người lập", "người ghi", "thủ trưởng", "xác nhận", "ghi chú", "lưu:", "nơi nhận")
NAME_HEADERS = ("họ và tên", "họ tên", "tên", "name", "full name")  # a roster's name column (casefolded)
_DATE_LINE = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b")


@dataclass
class Note:
    """Rows left out of the table: ``kind`` (title, numbering, footer), their first and last
    line, and the first text they hold; or ("names") the header's name typed over ``count``
    columns, joined into one; or ("section") a row of the table heading the rows under it, and
    its heading (``I. LÃNH ĐẠO CỤC``). readers.spreadsheet adds "hidden" (rows and columns the
    sheet hides) and "errors" (``count``: how many cells show a formula's error)."""

    kind: str
    first: int
    last: int
    text: str
    count: int = 0  # a name typed over this many columns ("names"); cells showing an error ("errors")


@dataclass
class Shape:
    header: list[str]
    header_line: int
    rows: list[Record]
    notes: list[Note] = field(default_factory=list)


def _filled(cells: list[str]) -> set[int]:
    return {c for c, value in enumerate(cells) if value}


def _note(kind: str, records: list[Record]) -> Note:
    text = next(value for _, cells in records for value in cells if value)
    return Note(kind, records[0][0], records[-1][0], text)


Merge = tuple[int, int, int, int]  # a sheet's merged cells: first and last row (lines), first and last column


def shape(records: list[Record], merged: list[Merge] = ()) -> Shape:
    """The header, the rows and the notes of the table in ``records`` (non-empty rows, in order);
    ``merged``: the sheet's merged cells, a cell merged down over rows of the table filling each
    of them (``_merged_down``)."""
    data = _data_columns(records)
    need = max(1, -(-len(data) * 3 // 5))  # 60 %, rounded up
    fills = [len(_filled(cells) & data) for _, cells in records[:MAX_TITLE_ROWS + 1]]
    candidates = [i for i, (_, cells) in enumerate(records[:MAX_TITLE_ROWS + 1])
                  if fills[i] >= need and len(_filled(cells)) >= min(2, len(data))]
    # A row of long texts is a title when a row below fills more of the columns (the header).
    head = next((i for i in candidates if not (_title_like(records[i][1])
                                               and any(fills[j] > fills[i] for j in candidates if j > i))), 0)
    notes = [_note("title", records[:head])] if head else []
    # (before a name typed over two columns is joined: the merges name the sheet's columns)
    records = records[:head + 1] + _merged_down(records[head + 1:], merged)
    table = records[head:]
    joined = _names_joined(table, notes)
    if joined is not table:  # the columns after the name's moved one to the left
        records = records[:head] + joined
        data = _data_columns(records)
    line, header = records[head][0], list(records[head][1])
    at = head + 1
    if at < len(records) and _sub_headings(header, records[at][1], data):
        header = _joined(header, records[at][1])
        at += 1
    if at < len(records) and is_numbering(records[at][1]):
        notes.append(_note("numbering", records[at:at + 1]))
        at += 1
    rows = records[at:]
    end = _footer_start(rows)
    if end < len(rows):
        notes.append(_note("footer", rows[end:]))
        rows = rows[:end]
    notes.extend(sections(rows))
    return Shape(header, line, rows, notes)


def _merged_down(rows: list[Record], merged: list[Merge]) -> list[Record]:
    """``rows`` with the text of a cell merged down over several of them (a unit, a period beside
    its people) in each of those rows: the sheet shows it beside every one, and a sorted roster
    must keep it with each. A cell merged across columns too gives its text to the first column;
    cells merged across a row only (a section's heading, a title) stay as they are. Merges
    overlapping one before them in their column (a spreadsheet program writes none) are left
    out, and at most MAX_FILLED cells are filled: a hostile sheet's merges cost no more than its rows."""
    down = sorted((column, first, last) for first, last, column, _ in merged if last > first)
    if not down or not rows:
        return rows
    lines = [line for line, _ in rows]
    rows = [(line, list(cells)) for line, cells in rows]
    filled, column_before, covered = 0, None, 0
    for column, first, last in down:
        if column == column_before and first <= covered:
            continue
        column_before, covered = column, last
        start = bisect.bisect_left(lines, first)
        if start == len(lines) or lines[start] != first:
            continue  # merged from the header or a title, or from a blank row: not a cell of the table
        top = rows[start][1]
        value = top[column] if column < len(top) else ""
        for index in range(start + 1, bisect.bisect_right(lines, last)):
            if not value or filled >= MAX_FILLED:
                break
            cells = rows[index][1]
            cells.extend([""] * (column + 1 - len(cells)))
            cells[column] = cells[column] or value
            filled += 1
    return rows


def _data_columns(records: list[Record]) -> set[int]:
    """The columns filled in at least a fifth of the rows (every column used, in a table of few)."""
    counts: dict[int, int] = {}
    for _, cells in records:
        for column in _filled(cells):
            counts[column] = counts.get(column, 0) + 1
    return {c for c, n in counts.items() if n >= max(2, len(records) / 5)} or set(counts)


def fold(text: str) -> str:
    """A column's name as names are compared: NFC, case and spacing ignored, and an en or em dash
    taken for the hyphen an editor types (``Thời gian công tác - Từ`` finds a joined name)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().replace("–", "-").replace("—", "-").split())


def _names_joined(records: list[Record], notes: list[Note]) -> list[Record]:
    """``records`` (the header first) with a name typed in two columns made one: ``Họ và tên``
    merged over ``Nguyễn Văn`` and ``An`` (the family and middle names, then the given name, as
    school and office lists keep them for sorting), with or without sub-headings (``Họ đệm``,
    ``Tên``) under it. Each row's parts are joined with a space, so ``sort=name`` finds the given
    name last."""
    header = records[0][1]
    width = max(len(cells) for _, cells in records)
    for column, heading in enumerate(header):
        if fold(heading) not in NAME_HEADERS:
            continue
        end = column + 1
        while end < width and (end >= len(header) or not header[end]):
            end += 1
        parts = [v for _, cells in records[1:] for v in cells[column + 1:end] if v]
        # The columns after it hold given names (a word or two, in letters, capitalised), not
        # dates or notes: a column of anything else under no heading stays an error.
        if end - column < 2 or not parts or sum(map(_given_like, parts)) < 0.9 * len(parts):
            continue
        joined = []
        for number, (line, cells) in enumerate(records):
            if number == 0:
                parts = [heading]
            elif number == 1 and _is_sub_headings_under(cells, header, column, end, width):
                parts = []  # "Họ đệm", "Tên": the column is one name now
            else:
                parts = [v for v in cells[column:end] if v]
            row = cells[:column] + [" ".join(parts)] + cells[end:]
            if number == 0 or any(row):  # sub-headings under the name alone: the row goes
                joined.append((line, row))
        notes.append(Note("names", records[0][0], records[0][0], heading, end - column))
        return joined  # one name column a table
    return records


_GIVEN = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)?")


def _given_like(value: str) -> bool:
    return bool(_GIVEN.fullmatch(value)) and value[0].isupper()


def _is_sub_headings_under(cells: list[str], header: list[str], first: int, end: int, width: int) -> bool:
    """Whether the row under a header holding a name over columns ``first`` to ``end`` is the
    header's second row: short labels, under the name's columns, and nothing under a column
    named on its own (a data row has its number or its date there)."""
    def named(c: int) -> bool:
        return c < len(header) and bool(header[c])

    alone = {c for c in range(width) if named(c) and not first <= c < end and (c + 1 == width or named(c + 1))}
    values = [v for v in cells if v]
    return (any(cells[first:end]) and not any(cells[c] for c in alone if c < len(cells))
            and all(len(v) <= 20 for v in values))


def _title_like(cells: list[str]) -> bool:
    """A row of long texts only: an organisation's name, the national motto, a title
    (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``); a header has short labels (``STT``, ``Họ và tên``)."""
    values = [v for v in cells if v]
    return bool(values) and all(len(v) >= TITLE_LENGTH for v in values)


def _sub_headings(header: list[str], below: list[str], data: set[int]) -> bool:
    """Whether ``below`` is the second row of a two-row header: it fills every data column the
    header leaves empty (the rest of a heading merged over several columns), and nothing but
    those and the first column of each such heading, with short labels. A column the header
    spans and leaves empty is one of them when ``below`` names it, be it filled in few rows
    (``Đến`` under ``Thời gian công tác``: empty for everyone still working)."""
    def named(c: int) -> bool:
        return c < len(header) and bool(header[c])

    gaps = {c for c in data if not named(c)} | {c for c in _filled(below) if c < len(header) and not named(c)}
    if not gaps or not all(c < len(below) and below[c] for c in gaps):
        return False
    return all((c in gaps or (named(c) and c + 1 in gaps)) and len(value) <= 40
               for c, value in enumerate(below) if value)


def _joined(header: list[str], below: list[str]) -> list[str]:
    """The names of a two-row header: a sub-heading joined to the heading over it (merged cells
    keep their text in their first cell, so the heading is the nearest one to the left)."""
    names, over = [], ""
    for column in range(max(len(header), len(below))):
        top = header[column] if column < len(header) else ""
        sub = below[column] if column < len(below) else ""
        over = top or over
        names.append(over + SUB_HEADING + sub if sub and over else (top or sub))
    return names


def is_numbering(cells: list[str]) -> bool:
    """Whether a row holds only column numbers or letters, rising: ``(1) (2) (3)``, ``A B 1 2``."""
    values = [v for v in cells if v]
    if len(values) < 2 or not all(_NUMBERING.fullmatch(v) for v in values):
        return False
    numbers = [int(m.group(1)) for m in map(_NUMBERING.fullmatch, values) if m.group(1).isdigit()]
    # Rising, not only by one: a column hidden in the sheet takes its number with it (1 2 3 5 6).
    return all(b > a for a, b in zip(numbers, numbers[1:]))


_MARKER = re.compile(r"(?:[IVXLC]+|[A-ZĐ])[.)]?")  # I, II., B, Đ) before a section's heading
_MARKED = re.compile(r"((?:[IVXLC]+|[A-ZĐ])[.)])\s+(\S.*)")  # "I. LÃNH ĐẠO CỤC" in one cell
_NUMBER = re.compile(r"\d{1,3}[.)]?")


def sections(rows: list[Record]) -> list[Note]:
    """The rows that head the rows under them (see the module doc), each as a "section" note
    holding its heading; none in a table of one column."""
    counts = sorted(len(_filled(cells)) for _, cells in rows)
    usual = counts[(len(counts) - 1) * 3 // 4] if counts else 0
    if usual < 2:
        return []
    columns: dict[int, list[str]] = {}
    for _, cells in rows:
        for c, value in enumerate(cells):
            if value:
                columns.setdefault(c, []).append(value)

    known: dict = {}

    def mostly(column: int, test) -> bool:  # (once a column and test: a sheet may have thousands of headings)
        if (column, test) not in known:
            values = columns.get(column, [])
            known[column, test] = sum(map(test, values)) > len(values) / 2
        return known[column, test]

    found = []
    for line, cells in rows:
        filled = sorted(_filled(cells))
        if not filled or len(filled) > 2 or len(filled) > usual / 2 or filled[-1] - filled[0] > 1:
            continue
        values = [cells[c] for c in filled]
        label, heading = (values if len(values) == 2 else ("", values[0]))
        if not any(ch.isalpha() for ch in heading):
            continue
        capitals = _capitals(heading) and not mostly(filled[-1], _capitals)
        if label:
            numbered = _MARKER.fullmatch(label) or (_NUMBER.fullmatch(label) and capitals)
            text = label + ("" if label[-1] in ".)" else ".") + " " + heading if numbered else None
        else:
            numbered = _MARKED.fullmatch(heading) or capitals or mostly(filled[0], _numeral)
            text = heading if numbered else None
        if text:
            found.append(Note("section", line, line, text))
    return found


def _numeral(text: str) -> bool:
    return text.rstrip(".)").isdigit()


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _footer_start(rows: list[Record]) -> int:
    """Where the footer begins among ``rows`` (``len(rows)`` when there is none)."""
    if len(rows) < 2:
        return len(rows)
    counts = sorted(len(_filled(cells)) for _, cells in rows)
    usual = counts[(len(counts) - 1) * 3 // 4]  # the upper quartile: a short table's footer is no small part of it
    start = len(rows)
    while start > 0 and len(rows) - start < MAX_FOOTER_ROWS and len(_filled(rows[start - 1][1])) < usual / 2:
        start -= 1
    if start in (0, len(rows)):
        return len(rows)
    parted = rows[start][0] > rows[start - 1][0] + 1  # a blank line (or row) before it
    opening = " ".join(unicodedata.normalize("NFC", next(v for v in rows[start][1] if v)).casefold().split())
    if parted or opening.startswith(_FOOTER_WORDS) or _DATE_LINE.search(opening):
        return start
    return len(rows)
