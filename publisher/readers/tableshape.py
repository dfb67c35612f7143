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
  consecutive, is the **numbering row**.
- The **footer** is the run of rows at the end (at most ``MAX_FOOTER_ROWS``) that fill under
  half of what the table's rows usually fill (the upper quartile of the rows' filled cells),
  when a blank line parts it from the table or it opens with a total, a date line or a signature (``Tổng``, ``Cộng``, ``Người lập``,
  ``…, ngày … tháng … năm …``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

Record = tuple[int, list[str]]  # (line or row number, cells)

MAX_TITLE_ROWS = 12
MAX_FOOTER_ROWS = 15
TITLE_LENGTH = 15  # characters: a row whose every text is at least this long is a title, not a header
_NUMBERING = re.compile(r"[(\[]?(\d{1,3}|[A-Za-z])[)\].]?")
_FOOTER_WORDS = ("tổng", "cộng", "người lập", "người ghi", "thủ trưởng", "xác nhận", "ghi chú", "lưu:", "nơi nhận")
_DATE_LINE = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b")


@dataclass
class Note:
    """Rows left out of the table: ``kind`` (title, numbering, footer), their first and last
    line, and the first text they hold."""

    kind: str
    first: int
    last: int
    text: str


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


def shape(records: list[Record]) -> Shape:
    """The header, the rows and the notes of the table in ``records`` (non-empty rows, in order)."""
    counts: dict[int, int] = {}
    for _, cells in records:
        for column in _filled(cells):
            counts[column] = counts.get(column, 0) + 1
    data = {c for c, n in counts.items() if n >= max(2, len(records) / 5)} or set(counts)
    need = max(1, -(-len(data) * 3 // 5))  # 60 %, rounded up
    fills = [len(_filled(cells) & data) for _, cells in records[:MAX_TITLE_ROWS + 1]]
    candidates = [i for i, (_, cells) in enumerate(records[:MAX_TITLE_ROWS + 1])
                  if fills[i] >= need and len(_filled(cells)) >= min(2, len(data))]
    # A row of long texts is a title when a row below fills more of the columns (the header).
    head = next((i for i in candidates if not (_title_like(records[i][1])
                                               and any(fills[j] > fills[i] for j in candidates if j > i))), 0)
    notes = [_note("title", records[:head])] if head else []
    line, header = records[head][0], list(records[head][1])
    at = head + 1
    if at < len(records) and _sub_headings(header, records[at][1], data):
        header = _joined(header, records[at][1])
        at += 1
    if at < len(records) and _is_numbering(records[at][1]):
        notes.append(_note("numbering", records[at:at + 1]))
        at += 1
    rows = records[at:]
    end = _footer_start(rows)
    if end < len(rows):
        notes.append(_note("footer", rows[end:]))
        rows = rows[:end]
    return Shape(header, line, rows, notes)


def _title_like(cells: list[str]) -> bool:
    """A row of long texts only: an organisation's name, the national motto, a title
    (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``); a header has short labels (``STT``, ``Họ và tên``)."""
    values = [v for v in cells if v]
    return bool(values) and all(len(v) >= TITLE_LENGTH for v in values)


def _sub_headings(header: list[str], below: list[str], data: set[int]) -> bool:
    """Whether ``below`` is the second row of a two-row header: it fills every data column the
    header leaves empty (the rest of a heading merged over several columns), and nothing but
    those and the first column of each such heading, with short labels."""
    def named(c: int) -> bool:
        return c < len(header) and bool(header[c])

    gaps = {c for c in data if not named(c)}
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
        names.append(f"{over} – {sub}" if sub and over else (top or sub))
    return names


def _is_numbering(cells: list[str]) -> bool:
    values = [v for v in cells if v]
    if len(values) < 2 or not all(_NUMBERING.fullmatch(v) for v in values):
        return False
    numbers = [int(m.group(1)) for m in map(_NUMBERING.fullmatch, values) if m.group(1).isdigit()]
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


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
