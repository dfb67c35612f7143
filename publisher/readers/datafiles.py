"""Read the data behind kỷ yếu pages: photo galleries, rosters and timelines.

A Markdown manuscript asks for them with fenced blocks whose info string names the kind
and its options (``key=value``; quote values with spaces: ``title="Ban lãnh đạo"``):

``gallery``  photo pages. The body lists photos, one ``![caption](path)`` a line, and/or
    ``folder=DIR`` takes every image in DIR (by file name) with captions from
    ``captions=FILE`` (YAML, relative to DIR; default ``DIR/captions.yaml`` when it exists)
    that maps file name -> caption, or -> {caption, alt}; the captions file's order comes
    first; any other file of DIR (not an image of IMAGE_SUFFIXES) is named in a warning.
    ``per-page=4`` (default) or ``2``; ``title=``.
``roster``   a table from ``file=`` (``.csv``/``.tsv``, ``.yaml``/``.yml``, or an Excel workbook
    ``.xlsx``/``.xls``/``.ods``: its first sheet or ``sheet=NAME``; ``sheet=*`` every sheet it shows that
    holds anything, or ``sheet="A,B"`` those, as one list with each sheet's rows under its name
    (a list kept one sheet per unit; an unrenamed Sheet2 heads nothing); cells in legacy fonts converted,
    see ``readers.spreadsheet``; relative to the manuscript) or from CSV in the body. ``columns=A,B,C`` picks and orders columns by
    their header; ``sort=name`` sorts by the name column (``name=COLUMN``, default the
    column headed "Họ và tên", "Họ tên", "Tên" or "Name") given name first, then middle,
    then family name (``given-words=2`` for two-word given names); ``sort=COLUMN`` sorts
    by any column in Vietnamese dictionary order (a column of dates by date, of numbers by
    value); without ``sort`` the file's order is
    kept (e.g. by term); rows heading the rows under them (``I. LÃNH ĐẠO CỤC``:
    readers.tableshape) stay where they are, each a row across the table, and ``sort`` sorts
    within each; sorted, the sheet's own number column (STT) is numbered again in the new order.
    ``number=TT`` adds a first column numbering the rows; ``title=``.
``timeline`` year + event pairs: ``YEAR: event`` lines in the body, ``file=`` a YAML file
    (a list of {year, event} or a mapping year -> event), or, with an empty body, the
    article's ``timeline:`` front matter (same shapes); ``title=``.

CSV files are decoded like manuscripts (UTF-8 with or without BOM, UTF-16, Windows-1258,
TCVN3, VNI) and their delimiter is the one of ``,`` ``;`` tab that the header uses most
(spreadsheets set to Vietnamese write ``;``). Captions and events are inline Markdown;
roster cells are plain text. Every problem is a ManuscriptError naming the file and line:
the data file's own line for a bad row, the manuscript's line for a bad option.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import os
import re
import shlex
import unicodedata
from collections.abc import Callable
from pathlib import Path

import yaml

from ..collation import name_key, word_key
from ..encodings import decode_bytes
from ..errors import Diagnostic, ManuscriptError
from ..images import PHOTO_SUFFIXES
from ..model import Block, html_to_text
from . import spreadsheet
from .imagesize import image_size
from .tableshape import NAME_HEADERS, Note, fold as _fold, shape
from ..safety import TooLarge, UnsafePath, bad_name, project_path, read_bytes
from .frontmatter import NoAliasLoader
from .source import MAX_MANUSCRIPT_BYTES, resolve_image, sanitize_text

__all__ = ["CONTENT_FENCES", "is_content_fence", "fence_block", "finish_timelines", "front_matter_timeline",
           "layout_gallery"]

Inline = Callable[[str], str]  # inline Markdown -> inline XHTML

CONTENT_FENCES = ("gallery", "roster", "timeline")
OPTIONS = {
    "gallery": ("folder", "captions", "per-page", "title"),
    "roster": ("file", "sheet", "columns", "sort", "name", "given-words", "number", "title"),
    "timeline": ("file", "title"),
}
_NOT_PHOTOS = ("thumbs.db", "desktop.ini")  # what Windows leaves in a folder of photos
IMAGE_SUFFIXES = PHOTO_SUFFIXES  # the web's formats, and those publisher.images converts
LANDSCAPE_RATIO = 1.15  # wider than this is landscape (full width); squares pair like portraits
_IMAGE_LINE = re.compile(r"^!\[(?P<caption>.*)\]\(\s*(?P<src>[^\s)]+)(?:\s+\"[^\"]*\")?\s*\)$")
_TIMELINE_LINE = re.compile(r"^(?P<year>[^:\s][^:]*?)\s*:\s+(?P<event>\S.*)$")


def is_content_fence(info: str) -> bool:
    """True when a fenced block's info string asks for a gallery, roster or timeline."""
    words = info.split(maxsplit=1)
    return bool(words) and words[0] in CONTENT_FENCES


def fence_block(info: str, body: str, source, line: int, inline: Inline,
                diagnostics: list[Diagnostic]) -> Block:
    """The Block for one content fence (``line`` is the fence's first line in the manuscript);
    warnings about the data files go to ``diagnostics``."""
    kind, options = _options(info, source, line)
    builder = {"gallery": _gallery, "roster": _roster, "timeline": _timeline}[kind]
    return builder(options, body, source, line, inline, diagnostics)


# --- options and files -----------------------------------------------------------------------

def _options(info: str, source, line: int) -> tuple[str, dict[str, str]]:
    try:
        words = shlex.split(info)
    except ValueError as exc:
        raise ManuscriptError(f"fence options: {exc}", source.rel, line) from exc
    kind, options = words[0], {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep or key not in OPTIONS[kind]:
            raise ManuscriptError(f"{kind}: unknown option {word!r}", source.rel, line,
                                  hint=f"options: {', '.join(k + '=' for k in OPTIONS[kind])}")
        if key in options:
            raise ManuscriptError(f"{kind}: option {key}= given twice", source.rel, line)
        options[key] = value.strip()
    return kind, options


def _project_path(source, ref: str, line: int, what: str, base: Path | None = None) -> Path:
    """A file or folder named in a manuscript, refused when missing or outside the project."""
    if not ref:
        raise ManuscriptError(f"{what}: no path given", source.rel, line)
    try:
        path = project_path(source.root, ref, base or source.path.parent)
    except UnsafePath as exc:
        raise ManuscriptError(f"{what} {ref} {exc}", source.rel, line) from exc
    source.depends_on(path)  # edited, the article is read again (a folder: a photo added or removed)
    if not path.exists():
        raise ManuscriptError(f"{what} {ref} does not exist", source.rel, line)
    return path


def _rel(source, path: Path) -> str:
    return path.relative_to(source.root.resolve()).as_posix()


def _check_size(source, path: Path, line: int) -> None:
    rel = _rel(source, path)
    if not path.is_file():
        raise ManuscriptError(f"{rel} is not a file", source.rel, line)
    if path.stat().st_size > MAX_MANUSCRIPT_BYTES:
        raise ManuscriptError(f"{rel} is larger than {MAX_MANUSCRIPT_BYTES >> 20} MB", source.rel, line)


def _read_text(source, path: Path, line: int, diagnostics: list[Diagnostic]) -> str:
    rel = _rel(source, path)
    _check_size(source, path, line)
    try:
        data = read_bytes(path, MAX_MANUSCRIPT_BYTES)
    except TooLarge as exc:
        raise ManuscriptError(f"{rel}: {exc}", source.rel, line) from exc
    except OSError as exc:
        raise ManuscriptError(f"cannot read {rel}: {exc.strerror or exc}", source.rel, line) from exc
    text, found = sanitize_text(decode_bytes(data, rel).text, rel)
    diagnostics.extend(found)
    return text


def _compose(text: str, rel: str, first_line: int = 1):
    """The YAML node tree of ``text`` (None when empty); syntax errors name the line."""
    try:
        return yaml.compose(text, Loader=NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ManuscriptError(f"YAML: {problem}", rel, (mark.line if mark else 0) + first_line) from exc


def _scalar(node, rel: str, first_line: int, what: str) -> str:
    """The text of a YAML scalar exactly as written (no 1.1 surprises: 08, no, 1996-10-20 stay text)."""
    if not isinstance(node, yaml.ScalarNode):
        raise ManuscriptError(f"{what} must be a single value", rel, node.start_mark.line + first_line)
    if node.tag == "tag:yaml.org,2002:null":
        return ""
    return unicodedata.normalize("NFC", node.value).strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


MAX_ROSTER_ROWS = 100_000  # a hostile file aside: 50,000 rows make 3,200 pages (pdf.rosters lays them out in runs)

# --- rosters ---------------------------------------------------------------------------------

def _roster(options: dict, body: str, source, line: int, inline: Inline,
            diagnostics: list[Diagnostic]) -> Block:
    if "file" in options:
        path = _project_path(source, options["file"], line, "roster file")
        suffix, rel = path.suffix.lower(), _rel(source, path)
        if "sheet" in options and suffix not in spreadsheet.SUFFIXES:
            raise ManuscriptError("roster: sheet= is for workbooks (.xlsx, .xls, .ods)", source.rel, line)
        notes: list[Note] = []
        if suffix in spreadsheet.SUFFIXES:
            _check_size(source, path, line)
            tables = spreadsheet.read_tables(path, rel, options.get("sheet"))
            if len(tables) > 1:
                header, rows, notes = _joined_sheets(tables, options, source, line, rel, diagnostics)
            else:
                _, header, rows, notes = tables[0]
        elif suffix in (".yaml", ".yml"):
            header, rows = _yaml_table(_read_text(source, path, line, diagnostics), rel)
        elif suffix in (".csv", ".tsv", ".txt"):
            header, rows, notes = _csv_table(_read_text(source, path, line, diagnostics), rel, 1)
        else:
            raise ManuscriptError(f"roster file {options['file']} is neither CSV, YAML nor a workbook",
                                  source.rel, line, hint="use a .csv, .tsv, .yaml, .yml, .xlsx, .xls or .ods file")
    elif body.strip():
        rel = source.rel
        header, rows, notes = _csv_table(body, rel, line + 1)
    else:
        raise ManuscriptError("roster: no data: give file= or write CSV lines in the block", source.rel, line)
    sections = {note.first: note.text for note in notes if note.kind == "section"}
    diagnostics.extend(_left_out(note, rel) for note in notes if note.kind not in ("section", "sheet"))
    if sections and not any(note.kind == "sheet" for note in notes):
        diagnostics.append(_sections_read(sections, rel))
    sections.update((note.first, note.text) for note in notes if note.kind == "sheet")
    rows = [row for row in rows if row[0] not in sections]
    if not rows:
        raise ManuscriptError("roster: the table has a header but no rows", rel, 1 if rel != source.rel else line)
    if len(rows) > MAX_ROSTER_ROWS:
        raise ManuscriptError(f"roster: {len(rows):,} rows; a roster may have at most {MAX_ROSTER_ROWS:,}",
                              source.rel, line, hint="split it into several rosters, one per period or unit")

    folded = [_fold(h) for h in header]

    def column(name: str, option: str) -> int:
        if _fold(name) not in folded:
            raise ManuscriptError(f"roster: {option}: unknown column {name!r}", source.rel, line,
                                  hint=f"{rel} has: {', '.join(header)}")
        return folded.index(_fold(name))

    order = _order(options, rows, column, folded, source, line)
    shown = ([column(c.strip(), "columns=") for c in options["columns"].split(",") if c.strip()]
             if options.get("columns") else list(range(len(header))))
    headings = [_escape(header[i]) for i in shown]
    # The rows in the sheet's sections (a section's heading, its rows), sorted within each.
    groups: list[tuple[str, list]] = [("", [])]
    headings_at, at = sorted(sections), 0
    for row in rows:
        while at < len(headings_at) and headings_at[at] < row[0]:
            groups.append((sections[headings_at[at]], []))
            at += 1
        groups[-1][1].append(row)
    # The sheet's own numbers (STT) mean nothing in another order: numbered again in the book's,
    # on through the sections or from 1 in each, as the sheet numbers them.
    own = _numbering_column(header, groups) if order else None
    own = own if own is not None and own[0] in shown else None
    if own is not None:
        diagnostics.append(Diagnostic("info", f"roster: column “{header[own[0]]}” numbered again in the sorted order",
                                      source.rel, line, "roster-renumbered"))
    items: list[dict] = []
    number = 0
    for heading, members in groups:
        if heading:
            items.append({"section": _escape(heading)})
        for place, (_, cells) in enumerate(sorted(members, key=order) if order else members, start=1):
            number += 1
            if own is not None:
                cells = list(cells)
                cells[own[0]] = str(place if own[1] else number)
            cells = [_escape(cells[i]) for i in shown]
            items.append({"cells": [str(number)] + cells if options.get("number") else cells})
    if options.get("number"):
        headings.insert(0, _escape(options["number"]))
        twin = next((i for i in shown if _fold(header[i]) in NUMBERING_HEADERS), None)
        if twin is not None:
            diagnostics.append(Diagnostic(
                "warning", f"roster: number={options['number']} adds a column of numbers beside the sheet's own "
                f"“{header[twin]}”", source.rel, line, "roster-numbered-twice",
                hint="leave one out: remove number=, or name the columns to show with columns="))
    return Block("roster", line=line, caption=_title(options, inline), columns=headings, items=items)


SHEET_ROWS = 1 << 21  # more rows than a sheet has (Excel: 1,048,576): sheet k's row r is k * SHEET_ROWS + r
_DEFAULT_SHEET = re.compile(r"(?:sheet|trang tính|feuil|tabelle|hoja|planilha|foglio)\s*\d+", re.IGNORECASE)


def _joined_sheets(tables: list, options: dict, source, line: int, rel: str,
                   diagnostics: list[Diagnostic]) -> tuple[list[str], list, list[Note]]:
    """One table of a workbook's sheets (``sheet=*``: a list kept one sheet per unit), each
    sheet's rows under its name (a row across the table, as a section's heading) and their own
    sections within: header, rows numbered apart (sheet k's row r is ``k * SHEET_ROWS + r``) and
    the section and "sheet" notes. What each sheet leaves out is said here, naming the sheet. A
    sheet without a column the roster shows is left out with a warning; its columns are matched
    to the first sheet's by their names, in any order."""
    _, header, _, _ = tables[0]
    folded = [_fold(name) for name in header]
    shown = {_fold(c) for c in options.get("columns", "").split(",") if c.strip()} or set(folded)
    rows: list = []
    notes: list[Note] = []
    named: list[str] = []
    alike: dict[str, list[tuple[str, Note]]] = {}
    for index, (name, its_header, its_rows, its_notes) in enumerate(tables):
        its_folded = [_fold(h) for h in its_header]
        missing = [header[i] for i, f in enumerate(folded) if f in shown and f not in its_folded]
        if missing:
            diagnostics.append(Diagnostic(
                "warning", f"roster: sheet {name!r} is left out: it has no column "
                f"{', '.join(repr(m) for m in missing)}", rel, None, "roster-sheet-left-out",
                hint=f"name its columns as the first sheet's ({', '.join(header)}), or list the sheets to "
                     "read: sheet=\"A,B\""))
            continue
        extra = [h for h, f in zip(its_header, its_folded) if f not in folded]
        if extra and "columns" not in options:
            diagnostics.append(Diagnostic(
                "warning", f"roster: sheet {name!r}: column {', '.join(repr(e) for e in extra)} is not in the "
                f"first sheet ({tables[0][0]!r}) and is left out", rel, None, "roster-sheet-columns",
                hint="add the column to the first sheet, or name the columns to show with columns="))
        base = index * SHEET_ROWS
        if not _DEFAULT_SHEET.fullmatch(name.strip()):
            notes.append(Note("sheet", base, base, name.strip()))
            named.append(name.strip())
        for note in its_notes:
            if note.kind == "section":
                notes.append(Note("section", base + note.first, base + note.last, note.text))
            elif note.kind in ("title", "numbering"):
                alike.setdefault(note.kind, []).append((name, note))
            else:
                diagnostics.append(_left_out(note, rel, name))
        where = [its_folded.index(f) if f in its_folded else None for f in folded]
        rows.extend((base + number, [cells[i] if i is not None else "" for i in where]) for number, cells in its_rows)
    for kind, found in alike.items():  # one note for the title (the numbering row) of every sheet
        if len(found) == 1:
            diagnostics.append(_left_out(found[0][1], rel, found[0][0]))
            continue
        name, first = found[0]
        what = "the title above the table" if kind == "title" else "the row numbering the columns"
        text = first.text if len(first.text) <= 40 else first.text[:39] + "…"
        diagnostics.append(Diagnostic(
            "info", f"roster: in {len(found)} sheets, rows read as {what}, not as rows (sheet {name!r}, "
            f"{_unit(rel)} {first.first}: “{text}” …)", rel, first.first, f"roster-{kind}"))
    kept = len({number // SHEET_ROWS for number, _ in rows})
    heads = f", each under its name ({', '.join(repr(n) for n in named[:4])}{', …' if len(named) > 4 else ''})"
    inner = sum(note.kind == "section" for note in notes)
    within = (f"; {inner} row{'s' * (inner > 1)} within them read as heading{'s' * (inner > 1)} of the rows "
              "under them, each shown across the table") if inner else ""
    diagnostics.append(Diagnostic(
        "info", f"roster: {kept} sheets read as one list" + (heads if named else "") + within, rel, None,
        "roster-sheets",
        hint="rename each sheet after its unit (not Sheet1) to head its rows with that name"
        if len(named) < kept else None))
    return header, rows, notes


NUMBERING_HEADERS = ("stt", "tt", "số tt", "số thứ tự", "thứ tự", "no", "no.")  # a sheet's own numbers (casefolded)


def _numbering_column(header: list[str], groups: list[tuple[str, list]]) -> tuple[int, bool] | None:
    """The column numbering the sheet's rows (headed STT, TT …, holding 1, 2, 3 … in the file's
    order, on through the sections or from 1 in each) and whether it starts again in each
    section; None when there is none."""
    column = next((c for c, name in enumerate(header) if _fold(name) in NUMBERING_HEADERS), None)
    if column is None:
        return None
    values = [[cells[column] for _, cells in members] for _, members in groups if members]
    through = [v for part in values for v in part]
    if through == [str(n) for n in range(1, len(through) + 1)]:
        return column, False
    if len(values) > 1 and all(part == [str(n) for n in range(1, len(part) + 1)] for part in values):
        return column, True
    return None


def _order(options: dict, rows: list, column, folded: list[str], source, line: int):
    """The sort key of ``sort=`` for a row (None: the file's order): a name by given name first
    (``sort=name``), a column of dates by date, of numbers by value, any other by its words."""
    sort = options.get("sort", "")
    if sort == "name":
        if "name" in options:
            key_column = column(options["name"], "name=")
        else:
            key_column = next((i for i, h in enumerate(folded) if h in NAME_HEADERS), None)
            if key_column is None:
                raise ManuscriptError("roster: sort=name needs name=COLUMN: no column is headed "
                                      "'Họ và tên', 'Họ tên', 'Tên' or 'Name'", source.rel, line)
        given = _given_words(options.get("given-words", "1"), source, line)
        return lambda row: name_key(row[1][key_column], given)
    if sort in ("", "file"):
        return None
    key_column = column(sort, "sort=")
    values = [cells[key_column] for _, cells in rows]
    dates = [_date_key(value) for value in values]
    if any(dates) and all(d is not None or not value for d, value in zip(dates, values)):
        # A column of dates (12/03/1990, 03/1990, 1990, 1990-03-12) sorts by date, unknown ones
        # last: as words, 02/05/1990 would come before 12/03/1985.
        keys = {row[0]: (day is None, day or ()) for row, day in zip(rows, dates)}
    elif (numbers := _numbers_of(values)) is not None:
        # A column of numbers as the sheet shows them (1.250.000, 4,98, 85%) sorts by value:
        # as words, 1.250.000 would come before 980.000.
        keys = {row[0]: (value is None, value or 0) for row, value in zip(rows, numbers)}
    else:
        return lambda row: word_key(row[1][key_column])
    return lambda row: keys[row[0]]  # (each row's line or row number is its own)


def _unit(rel: str) -> str:
    """What the file's numbers count: a sheet's rows, a CSV file's lines."""
    return "row" if rel.lower().endswith(spreadsheet.SUFFIXES) else "line"


def _sections_read(sections: dict[int, str], rel: str) -> Diagnostic:
    """One note for the rows read as the headings of the rows under them."""
    line = _unit(rel)
    first = min(sections)
    text = sections[first] if len(sections[first]) <= 40 else sections[first][:39] + "…"
    if len(sections) == 1:
        what = "read as the heading of the rows under it, shown across the table"
    else:
        what = f"and {len(sections) - 1} more read as headings of the rows under them, each shown across the table"
    return Diagnostic("info", f"roster: {line} {first} (“{text}”) {what}", rel, first, "roster-sections",
                      hint="sort= sorts the rows within each heading's part")


def _left_out(note: Note, rel: str, sheet: str | None = None) -> Diagnostic:
    """What a roster leaves out of its file, in plain words: a note on a title or a numbering row,
    a warning on a footer (rows the editor may have meant as the table's); naming ``sheet`` when
    the roster is read from several."""
    found = _left_out_of(note, rel)
    if sheet is None:
        return found
    return dataclasses.replace(found, message=found.message.replace("roster: ", f"roster: sheet {sheet!r}, ", 1))


def _left_out_of(note: Note, rel: str) -> Diagnostic:
    line = _unit(rel)
    lines = f"{line} {note.first}" if note.first == note.last else f"{line}s {note.first}–{note.last}"
    text = note.text if len(note.text) <= 40 else note.text[:39] + "…"
    if note.kind == "footer":
        return Diagnostic("warning", f"roster: {lines} under the table (“{text}” …) read as its footer and left out",
                          rel, note.first, "roster-footer",
                          hint=f"if they are rows of the table, remove the blank {line} above them")
    if note.kind == "errors":
        cells = "a cell shows" if note.count == 1 else f"{note.count} cells show"
        return Diagnostic("warning", f"roster: {cells} a formula's error ({note.text}), left empty in the book",
                          rel, note.first, "roster-errors",
                          hint="correct the formulas in the sheet, or paste their values, and save it")
    if note.kind == "hidden":
        # A warning, shown by every build: a filter left on when the sheet was saved hides people.
        return Diagnostic("warning", f"roster: {note.text} hidden in the sheet: left out, as the sheet hides them",
                          rel, note.first, "roster-hidden",
                          hint="unhide them in the sheet and save it, if the book should show them")
    if note.kind == "names":
        return Diagnostic("info", f"roster: “{text}” is typed over {note.count} columns: each row's parts are "
                          "joined into one name", rel, note.first, "roster-names")
    what = "the title above the table" if note.kind == "title" else "the row numbering the columns"
    return Diagnostic("info", f"roster: {lines} (“{text}”) read as {what}, not as rows", rel, note.first,
                      f"roster-{note.kind}")


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})")


def _date_key(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date as Vietnamese tables write it (day first), a month and year or a
    year alone (0 for what is not given); None for anything else."""
    text = text.strip()
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = map(int, found.groups())
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = map(int, found.groups())
    elif found := _MONTH_YEAR.fullmatch(text):
        (month, year), day = map(int, found.groups()), 0
    elif text.isdigit() and len(text) == 4:
        year, month, day = int(text), 0, 0
    else:
        return None
    return (year, month, day) if month <= 12 and day <= 31 else None


_NUMBER = re.compile(r"(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*%?")


def _numbers_of(texts: list[str]) -> list[float | None] | None:
    """Each cell's value when every cell that is not empty is a number written the Vietnamese way
    (readers.cellformat: 1.250.000, 4,98, -3, 85%, "-" for zero), None for the empty ones; None when some
    cell is not a number."""
    values: list[float | None] = []
    for text in texts:
        text = text.strip()
        if not text:
            values.append(None)
        elif text in ("-", "–"):  # zero in Excel's accounting format
            values.append(0.0)
        elif found := _NUMBER.fullmatch(text):
            sign, whole, part = found.groups()
            values.append(float(f"{sign}{whole.replace('.', '')}.{part or 0}"))
        else:
            return None
    return values if any(v is not None for v in values) else None


def _given_words(value: str, source, line: int) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ManuscriptError(f"roster: given-words={value} is not a whole number of at least 1",
                              source.rel, line)
    return int(value)


def _csv_table(text: str, rel: str, first_line: int) -> tuple[list[str], list[tuple[int, list[str]]], list[Note]]:
    """Header, (line, cells) rows and the lines left out around the table (readers.tableshape) of
    CSV text whose first line is ``first_line`` of ``rel``."""
    # The first lines with text: a title line above the header has no separator.
    lines = list(itertools.islice((l for l in io.StringIO(text) if l.strip()), 30))
    delimiter = max(",;\t", key=lambda d: sum(l.count(d) for l in lines))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for record in reader:
            start, end = first_line + end, reader.line_num
            cells = [unicodedata.normalize("NFC", c).strip() for c in record]
            if any(cells):
                records.append((start, cells))
    except csv.Error as exc:
        raise ManuscriptError(f"CSV: {exc}", rel, first_line + reader.line_num - 1) from exc
    if not records:
        raise ManuscriptError("the CSV file is empty", rel, first_line)
    found = shape(records)
    header, header_line = list(found.header), found.header_line
    while header and not header[-1]:
        header.pop()  # spreadsheets pad rows with empty trailing fields
    _check_header(header, rel, header_line)
    sections = {note.first for note in found.notes if note.kind == "section"}
    rows: list[tuple[int, list[str]]] = []
    for start, cells in found.rows:
        while cells and not cells[-1] and len(cells) > len(header):
            cells.pop()
        if start in sections:  # a heading typed alone on its line ("I. LÃNH ĐẠO CỤC")
            cells = (cells + [""] * len(header))[:len(header)]
        if len(cells) != len(header):
            raise ManuscriptError(f"CSV row has {len(cells)} fields but the header (line {header_line}) "
                                  f"has {len(header)}", rel, start,
                                  hint=f"quote a field that contains '{delimiter}'")
        rows.append((start, cells))
    return header, rows, found.notes


def _check_header(header: list[str], rel: str, line: int) -> None:
    folded = [_fold(h) for h in header]
    if "" in folded:
        raise ManuscriptError(f"CSV header: column {folded.index('') + 1} has no name", rel, line)
    for index, name in enumerate(folded):
        if name in folded[:index]:
            raise ManuscriptError(f"CSV header: column {header[index]!r} appears twice", rel, line)


def _yaml_table(text: str, rel: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A YAML list of mappings as a table: columns in order of first appearance."""
    root = _compose(text, rel)
    if root is None:
        raise ManuscriptError("the YAML file is empty", rel, 1)
    if not isinstance(root, yaml.SequenceNode):
        raise ManuscriptError("a roster in YAML is a list of '- column: value' entries", rel,
                              root.start_mark.line + 1)
    header: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    for entry in root.value:
        entry_line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            raise ManuscriptError("each roster entry must be 'column: value' lines", rel, entry_line)
        record: dict[str, str] = {}
        for key, value in entry.value:
            name = _scalar(key, rel, 1, "a column name")
            record[_fold(name)] = _scalar(value, rel, 1, f"the value of {name!r}")
            if _fold(name) not in map(_fold, header):
                header.append(name)
        records.append((entry_line, record))
    rows = [(line, [record.get(_fold(h), "") for h in header]) for line, record in records]
    return header, rows


# --- galleries -------------------------------------------------------------------------------

def _gallery(options: dict, body: str, source, line: int, inline: Inline,
             diagnostics: list[Diagnostic]) -> Block:
    per_page = options.get("per-page", "4")
    if per_page not in ("2", "4"):
        raise ManuscriptError(f"gallery: per-page={per_page}: photo pages hold 2 or 4 photos",
                              source.rel, line)
    photos: list[dict] = []
    if "folder" in options:
        photos.extend(_folder_photos(options, source, line, inline, diagnostics))
    elif "captions" in options:
        raise ManuscriptError("gallery: captions= needs folder=", source.rel, line)
    for number, text in enumerate(body.split("\n"), start=line + 1):
        text = text.strip()
        if not text:
            continue
        match = _IMAGE_LINE.match(text)
        if not match:
            raise ManuscriptError("gallery: each line must be a photo: ![caption](path/to/photo.jpg)",
                                  source.rel, number)
        src = resolve_image(source, match["src"], number)
        photos.append(_photo(src, match["caption"], None, inline))
    if not photos:
        raise ManuscriptError("gallery: no photos: list them as ![caption](path) lines or give folder=",
                              source.rel, line)
    root = source.root.resolve()
    for photo in photos:
        size = image_size(root / photo["src"])
        wide = size is None or size[0] > size[1] * LANDSCAPE_RATIO
        photo["orientation"] = "landscape" if wide else "portrait"
    for photo, (page, row) in zip(photos, layout_gallery([p["orientation"] for p in photos], int(per_page))):
        photo["page"], photo["row"] = page, row
    return Block("gallery", line=line, caption=_title(options, inline), items=photos)


def _photo(src: str, caption: str, alt: str | None, inline: Inline) -> dict:
    html = inline(caption) if caption.strip() else ""
    return {"src": src, "caption": html or None, "alt": alt or html_to_text(html)}


def _folder_photos(options: dict, source, line: int, inline: Inline,
                   diagnostics: list[Diagnostic]) -> list[dict]:
    folder = _project_path(source, options["folder"], line, "gallery folder")
    if not folder.is_dir():
        raise ManuscriptError(f"gallery: folder={options['folder']} is not a folder", source.rel, line)
    entries = sorted(folder.iterdir(), key=lambda p: word_key(p.name))
    # Hidden files are not photos: a Mac writes "._IMG_0001.JPG" (AppleDouble, 4 kB of metadata)
    # beside every photo it copies onto a USB stick, and ".DS_Store" into every folder.
    files = [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()]
    captions: dict[str, tuple[str, str | None]] = {}
    captions_file = None
    if "captions" in options:
        captions_file = _project_path(source, options["captions"], line, "captions file", base=folder)
        captions = _captions(source, captions_file, line, folder, diagnostics)
    elif os.path.lexists(folder / "captions.yaml"):
        captions_file = _project_path(source, "captions.yaml", line, "captions file", base=folder)
        captions = _captions(source, captions_file, line, folder, diagnostics)
    # Nothing left out without a word: a camera's RAW file, a PDF scan or a Photoshop file in the
    # folder is named (hidden files, the captions file and the folder's sub-folders excepted).
    left = [p.name for p in entries if p.suffix.lower() not in IMAGE_SUFFIXES and not p.name.startswith(".")
            and p.name.lower() not in _NOT_PHOTOS and p != captions_file and not p.is_dir()]
    if left:
        shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
        diagnostics.append(Diagnostic(
            "warning", f"gallery: left out of folder={options['folder']}: {shown} (not a photo the book can use)",
            source.rel, line, "gallery-skipped",
            hint="save them as JPEG (photos) or PNG; TIFF, BMP, HEIC and AVIF are converted"))
    ordered = [folder / name for name in captions] + [p for p in files if p.name not in captions]
    for path in ordered:
        if bad_name(path.name):
            raise ManuscriptError(f"gallery: the photo name {bad_name(path.name)} is not UTF-8 text", source.rel,
                                  line, hint="rename the file")
    # Each photo by the same rule as one named in a manuscript (a link out of the project is refused).
    return [_photo(resolve_image(source, os.path.relpath(path, source.path.parent), line),
                   *captions.get(path.name, ("", None)), inline) for path in ordered]


def _captions(source, path: Path, line: int, folder: Path,
              diagnostics: list[Diagnostic]) -> dict[str, tuple[str, str | None]]:
    """File name -> (caption, alt) from a captions YAML file, in the file's order."""
    rel = _rel(source, path)
    root = _compose(_read_text(source, path, line, diagnostics), rel)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ManuscriptError("a captions file maps each photo's file name to its caption", rel,
                              root.start_mark.line + 1)
    found: dict[str, tuple[str, str | None]] = {}
    for key, value in root.value:
        name = _scalar(key, rel, 1, "a file name")
        key_line = key.start_mark.line + 1
        if not (folder / name).is_file() or Path(name).name != name:
            raise ManuscriptError(f"captions: no photo {name!r} in {_rel(source, folder)}", rel, key_line)
        if isinstance(value, yaml.MappingNode):
            fields = {_scalar(k, rel, 1, "a key"): v for k, v in value.value}
            unknown = set(fields) - {"caption", "alt"}
            if unknown:
                raise ManuscriptError(f"captions: unknown key {sorted(unknown)[0]!r} for {name}", rel, key_line,
                                      hint="keys: caption, alt")
            caption = _scalar(fields["caption"], rel, 1, "caption") if "caption" in fields else ""
            alt = _scalar(fields["alt"], rel, 1, "alt") if "alt" in fields else None
        else:
            caption, alt = _scalar(value, rel, 1, f"the caption of {name}"), None
        found[name] = (caption, alt)
    return found


def layout_gallery(orientations: list[str], per_page: int) -> list[tuple[int, int]]:
    """(page, row) for each photo: a landscape photo fills a row, portraits go in pairs;
    a page holds two rows and at most ``per_page`` photos. The order of the photos is kept."""
    rows: list[list[int]] = []
    for index, orientation in enumerate(orientations):
        previous = rows[-1] if rows else None
        if (orientation == "portrait" and previous and len(previous) == 1
                and orientations[previous[0]] == "portrait"):
            previous.append(index)
        else:
            rows.append([index])
    placed: list[tuple[int, int]] = [(0, 0)] * len(orientations)
    page, on_page, rows_on_page = 0, 0, 0
    for row_number, row in enumerate(rows):
        if rows_on_page == 2 or (rows_on_page and on_page + len(row) > per_page):
            page, on_page, rows_on_page = page + 1, 0, 0
        for index in row:
            placed[index] = (page, row_number)
        on_page, rows_on_page = on_page + len(row), rows_on_page + 1
    return placed


# --- timelines -------------------------------------------------------------------------------

def _timeline(options: dict, body: str, source, line: int, inline: Inline,
              diagnostics: list[Diagnostic]) -> Block:
    items: list[dict] = []
    if "file" in options:
        path = _project_path(source, options["file"], line, "timeline file")
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise ManuscriptError(f"timeline file {options['file']} is not a YAML file", source.rel, line)
        rel = _rel(source, path)
        items = _timeline_entries(_compose(_read_text(source, path, line, diagnostics), rel), rel, 1, inline)
        if body.strip():
            raise ManuscriptError("timeline: give file= or lines in the block, not both", source.rel, line)
    else:
        for number, text in enumerate(body.split("\n"), start=line + 1):
            if not text.strip():
                continue
            if text[:1].isspace() and items:  # an indented line continues the event above
                items[-1]["source"] += " " + text.strip()
                continue
            match = _TIMELINE_LINE.match(text.strip())
            if not match:
                raise ManuscriptError("timeline: each line must be 'YEAR: event'", source.rel, number)
            items.append({"year": _escape(match["year"]), "source": match["event"]})
        for item in items:
            item["html"] = inline(item.pop("source"))
    # An empty block is filled from the front matter's timeline: (see front_matter_timeline).
    return Block("timeline", line=line, caption=_title(options, inline), items=items)


def finish_timelines(blocks: list[Block], front_matter: str | None, source, inline: Inline) -> None:
    """Fill the article's empty timeline block from the front matter's ``timeline:`` (its
    text, starting on line 2, or None); without an empty block the timeline opens the article.
    A timeline block left empty is an error."""
    empty = [b for b in blocks if b.kind == "timeline" and not b.items]
    if front_matter is not None:
        entries = front_matter_timeline(front_matter, source.rel, inline)
        if not empty:
            blocks.insert(0, Block("timeline", line=2, items=entries))
        else:
            empty.pop(0).items = entries
    if empty:
        raise ManuscriptError("timeline: no entries: write 'YEAR: event' lines in the block, give file=, "
                              "or add a timeline: list to the front matter", source.rel, empty[0].line)


def front_matter_timeline(front_matter: str, rel: str, inline: Inline) -> list[dict]:
    """The ``timeline:`` entries of a manuscript's front matter (its text starts on line 2)."""
    root = _compose(front_matter, rel, 2)
    if not isinstance(root, yaml.MappingNode):
        raise ManuscriptError("front matter must be 'key: value' lines", rel, 2)
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "timeline":
            return _timeline_entries(value, rel, 2, inline)
    raise ManuscriptError("front matter: no timeline: key", rel, 2)


def _timeline_entries(node, rel: str, first_line: int, inline: Inline) -> list[dict]:
    if node is None:
        raise ManuscriptError("the timeline is empty", rel, first_line)
    pairs = []
    if isinstance(node, yaml.MappingNode):
        pairs = [(key, value, key.start_mark.line + first_line) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        for entry in node.value:
            where = entry.start_mark.line + first_line
            if not isinstance(entry, yaml.MappingNode):
                raise ManuscriptError("each timeline entry is 'year: …' and 'event: …'", rel, where)
            fields = {_fold(_scalar(k, rel, first_line, "a key")): v for k, v in entry.value}
            year = fields.pop("year", fields.pop("năm", None))
            event = fields.pop("event", fields.pop("sự kiện", None))
            if year is None or event is None or fields:
                raise ManuscriptError("each timeline entry has exactly 'year:' and 'event:'", rel, where)
            pairs.append((year, event, where))
    else:
        raise ManuscriptError("a timeline is a list of {year, event} or 'YEAR: event' lines", rel,
                              node.start_mark.line + first_line)
    items = []
    for year, event, where in pairs:
        year_text = _scalar(year, rel, first_line, "a year")
        event_text = _scalar(event, rel, first_line, "an event")
        if not year_text or not event_text:
            raise ManuscriptError("a timeline entry needs both a year and an event", rel, where)
        items.append({"year": _escape(year_text), "html": inline(event_text)})
    if not items:
        raise ManuscriptError("the timeline is empty", rel, node.start_mark.line + first_line)
    return items


def _title(options: dict, inline: Inline) -> str | None:
    title = options.get("title", "").strip()
    return inline(title) if title else None
