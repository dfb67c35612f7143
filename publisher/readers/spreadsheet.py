"""Read a roster table from an Excel workbook (.xlsx with openpyxl, .xls with xlrd) or an
OpenDocument sheet (.ods, converted to .xlsx by LibreOffice: readers.libreoffice).

Staff lists arrive as spreadsheets, often typed in ``.VnTime`` or ``VNI-Times``: each
cell's text is converted by the cell's font like a Word run (``publisher.legacyfonts``:
by the font's name, and by the text's letters when the name is unknown or wrong), one
cell at a time. The table is the first worksheet (or the one named by ``sheet=``), found in it as
``readers.tableshape`` finds it: title rows above the header, a two-row header, a row numbering
the columns and a footer of totals and signatures are told apart from the rows. Numbers and
dates are written as the sheet shows them, by each cell's number format, with Vietnamese
separators (``readers.cellformat``: 00123, 4,98, 1.250.000, 12/03/1990, 03/1990). The sheet
is read as it shows: its hidden rows and columns are left out (with a warning), a cell merged down
beside several rows is given to each (readers.tableshape), and without ``sheet=`` the first
sheet the workbook shows is read.

openpyxl reads ``.xlsx`` in read-only mode (rows streamed, cell fonts kept); xlrd reads
the old binary ``.xls`` with ``formatting_info`` (its cell fonts), if it is installed.
``read_tables`` reads several sheets of one workbook, opened (and an .ods converted) once:
``sheet=*`` (every sheet shown) or ``sheet="A,B"`` for a list kept one sheet per unit.
A damaged, encrypted or oversized workbook, an unknown sheet, a header cell without a
name and a row longer than its header are ManuscriptErrors naming the file, the sheet
and the row (given as the line).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DependencyError, ManuscriptError
from ..legacyfonts import LegacyText
from .cellformat import show
from .tableshape import Merge, Note, fold, shape

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, the whole .xlsx archive
MAX_RATIO = 100  # uncompressed / compressed, per entry larger than 1 MB
MAX_CELLS = 1_000_000  # 100,000 rows (datafiles.MAX_ROSTER_ROWS) of 10 columns
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
MAX_SHEETS = 1_000  # sheet=*: a list kept one sheet per unit has tens

Row = tuple[int, list[str]]  # (row number in the sheet, cells)


def read_table(path: Path, rel: str, sheet: str | None = None) -> tuple[list[str], list[Row], list[Note]]:
    """Header, (row number, cells) rows and the rows left out around the table (readers.tableshape)
    of one worksheet, legacy fonts converted."""
    (_, header, rows, notes), = read_tables(path, rel, sheet)
    return header, rows, notes


def read_tables(path: Path, rel: str, sheets: str | None = None) -> list[tuple[str, list[str], list[Row], list[Note]]]:
    """(sheet name, header, rows, notes) of each worksheet ``sheets`` names, the workbook opened once:
    None, the first sheet the workbook shows; ``*``, every sheet it shows that holds anything, in its
    order; a sheet's name; or names parted by commas (a name that holds a comma is a name)."""
    if path.suffix.lower() == ".xls":
        found = list(_xls_sheets(path, rel, sheets))
    elif path.suffix.lower() == ".ods":
        # An OpenDocument sheet (LibreOffice Calc, which state offices use) saved as .xlsx by
        # LibreOffice itself: its number formats, merges and hidden cells come over as they are.
        from .libreoffice import converted

        _check_archive(path, rel, ods=True)
        with converted(path, "xlsx", rel) as copy:
            found = list(_xlsx_sheets(copy, rel, sheets))
    else:
        found = list(_xlsx_sheets(path, rel, sheets))
    # Every sheet shown (*): a sheet with nothing in it (Excel's Sheet2 and Sheet3) is no unit.
    found = [(name, cells, layout) for name, cells, layout in found if cells or sheets != "*"]
    if not found:
        raise ManuscriptError("no sheet of the workbook holds anything", rel)
    return [(name, *_table(cells, rel, name, layout)) for name, cells, layout in found]


def _names(names: list[str], sheets: str | None, rel: str, visible: list[str]) -> list[str]:
    """The sheets to read, in the workbook's order for ``*`` and in the order given for a list."""
    if sheets == "*":
        chosen = visible or names
        if not chosen:
            raise ManuscriptError("the workbook has no worksheet", rel)
    elif sheets is None or sheets in names or "," not in sheets:
        return [_pick_sheet(names, sheets, rel, visible)]
    else:
        chosen = list(dict.fromkeys(_pick_sheet(names, n.strip(), rel, visible) for n in sheets.split(",") if n.strip()))
    if len(chosen) > MAX_SHEETS:
        raise ManuscriptError(f"the workbook has {len(chosen):,} sheets; a roster reads at most {MAX_SHEETS:,}",
                              rel, hint="put the units' lists on fewer sheets, or in several workbooks")
    return chosen


@dataclass
class Layout:
    """What a sheet shows besides its cells: its merged cells (rows from 1, columns from 0), and the
    rows (from 1) and columns (from 0) hidden in it."""

    merged: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    # Cells whose formula failed (#N/A, #REF! …): (row, column, the error), left empty.
    errors: list[tuple[int, int, str]] = field(default_factory=list)


def _table(cells: list[tuple[int, int, str, str | None]], rel: str, sheet: str,
           layout: Layout | None = None) -> tuple[list[str], list[Row], list[Note]]:
    """Build the table from (row, column, text, font) cells, converting legacy fonts. The rows and
    columns hidden in the sheet are left out (a column of ID card numbers hidden before the list
    was sent, the rows a filter hides): the book shows what the sheet shows."""
    layout = layout or Layout()
    hidden = _hidden_note(cells, layout)
    failed = _errors_note(layout)
    cells = [c for c in cells if c[0] not in layout.hidden_rows and c[1] not in layout.hidden_columns]
    text = LegacyText()
    for row, column, value, font in cells:
        text.add(value, font, (row, column))  # each cell is judged on its own
    values = text.convert()
    # The visible columns, side by side; letters in messages are still the sheet's.
    shown = sorted({column for _, column, _, _ in cells})
    place = {column: index for index, column in enumerate(shown)}
    letters = {index: _letter(column) for index, column in enumerate(shown)}
    grid: dict[int, dict[int, str]] = {}
    for (row, column, _, _), value in zip(cells, values):
        value = " ".join(value.split())
        if value:
            grid.setdefault(row, {})[place[column]] = value
    if not grid:
        raise ManuscriptError(f"sheet {sheet!r} is empty", rel, 1)
    merged = [(top, bottom, place[left], place[left]) for top, bottom, left, _ in layout.merged if left in place]
    found = shape([(row, [grid[row].get(c, "") for c in range(max(grid[row]) + 1)]) for row in sorted(grid)], merged)
    found.notes.extend(note for note in (hidden, failed) if note)
    header_row, header = found.header_line, list(found.header)
    while header and not header[-1]:
        header.pop()
    width = len(header)
    for column, name in enumerate(header):
        if not name:
            raise ManuscriptError(
                f"sheet {sheet!r}, row {header_row}: header column {letters.get(column, '?')} has no name",
                rel, header_row, hint="name every column of the header row, or delete the empty column")
    folded = [fold(name) for name in header]
    for column, name in enumerate(folded):
        if name in folded[:column]:
            raise ManuscriptError(f"sheet {sheet!r}, row {header_row}: column {header[column]!r} appears twice",
                                  rel, header_row)
    rows: list[Row] = []
    for number, cells_of_row in found.rows:
        beyond = [c for c, value in enumerate(cells_of_row) if value and c >= width]
        if beyond:
            raise ManuscriptError(
                f"sheet {sheet!r}, row {number}: cell {letters.get(beyond[0], '?')}{number} is outside the "
                f"{width} columns of the header (row {header_row})", rel, number,
                hint="give the column a header, or clear the cell")
        rows.append((number, (cells_of_row + [""] * width)[:width]))
    return header, rows, found.notes


def _hidden_note(cells: list, layout: Layout) -> Note | None:
    """A note naming the hidden columns and rows that hold text (empty ones hide nothing)."""
    columns = sorted({c for r, c, value, _ in cells if value and c in layout.hidden_columns})
    rows = sorted({r for r, c, value, _ in cells if value and r in layout.hidden_rows})
    if not columns and not rows:
        return None
    parts = []
    if columns:
        parts.append(("column " if len(columns) == 1 else "columns ") + ", ".join(map(_letter, columns[:8]))
                     + (", …" if len(columns) > 8 else ""))
    if rows:
        parts.append(f"row {rows[0]}" if len(rows) == 1 else f"{len(rows)} rows ({rows[0]} to {rows[-1]})")
    return Note("hidden", rows[0] if rows else 1, rows[-1] if rows else 1, " and ".join(parts))


def _errors_note(layout: Layout) -> Note | None:
    """A note naming the cells the sheet shows a formula's error in (not the hidden ones): a
    book must not print ``#N/A``, so they are left empty, and the editor is told where."""
    shown = [(r, c, e) for r, c, e in layout.errors if r not in layout.hidden_rows and c not in layout.hidden_columns]
    if not shown:
        return None
    where = ", ".join(f"{error} in {_letter(c)}{r}" for r, c, error in shown[:4]) + (", …" if len(shown) > 4 else "")
    return Note("errors", shown[0][0], shown[-1][0], where, len(shown))


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- .xlsx ---------------------------------------------------------------------------


ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _check_archive(path: Path, rel: str, ods: bool = False) -> None:
    """Refuse a workbook that is not a zip archive (an OpenDocument spreadsheet's, with ``ods``),
    is encrypted, or would unpack to more than MAX_UNCOMPRESSED."""
    what = "an OpenDocument .ods spreadsheet" if ods else "an Excel .xlsx workbook"
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            kind = archive.read("mimetype")[:100] if ods and "mimetype" in archive.namelist() else None
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise ManuscriptError(f"this is not {what} (not a zip archive); it may be "
                              f"damaged, or {'another file' if ods else 'an .xls'} renamed", rel,
                              hint=f"open it in a spreadsheet program and save it again as {path.suffix.lower()}") from exc
    if ods and kind != ODS_TYPE:
        raise ManuscriptError(f"this is not {what} (its type is {(kind or b'missing').decode('ascii', 'replace')!r})",
                              rel, hint="open it in a spreadsheet program and save it again as .ods")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ManuscriptError("the workbook is password-protected", rel, hint="remove the password and save again")
    total = sum(entry.file_size for entry in entries)
    bomb = any(e.file_size > 1024 * 1024 and e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries)
    if total > MAX_UNCOMPRESSED or bomb:
        raise ManuscriptError(f"refusing to read this workbook: it would unpack to {total >> 20} MB "
                              "(or one part is compressed suspiciously well)", rel)


def _xlsx_sheets(path: Path, rel: str, sheets: str | None):
    """(name, cells, layout) of each sheet ``sheets`` names (see read_tables), the workbook opened once."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise DependencyError("reading .xlsx rosters needs the openpyxl package", rel,
                              hint="pip install openpyxl") from exc
    _check_archive(path, rel)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged part
        raise ManuscriptError(f"the workbook could not be read ({exc.__class__.__name__}): it may be damaged",
                              rel, hint="open it in a spreadsheet program and save it again as .xlsx") from exc
    try:
        names = [ws.title for ws in workbook.worksheets]  # (not a chart sheet)
        visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
        total = 0
        for name in _names(names, sheets, rel, visible):
            cells, layout = _xlsx_cells(workbook[name], name, rel, total)
            total += len(cells)
            yield name, cells, layout
    finally:
        workbook.close()


def _xlsx_cells(worksheet, name: str, rel: str, before: int = 0) -> tuple[list, Layout]:
    """One sheet's (row, column, text, font) cells and its layout; ``before``: the cells of the
    workbook's sheets read before it (MAX_CELLS is for them all)."""
    cells, errors = [], []
    try:
        for row in worksheet.iter_rows():
            for cell in row:
                value = getattr(cell, "value", None)
                if value is None or not hasattr(cell, "column"):
                    continue
                if getattr(cell, "data_type", None) == "e":  # a formula's error: #N/A, #REF! …
                    errors.append((cell.row, cell.column - 1, str(value)))
                    continue
                font = getattr(cell.font, "name", None) if cell.has_style else None
                shown = show(value, getattr(cell, "number_format", None))
                cells.append((cell.row, cell.column - 1, shown, font))
                if len(cells) + before > MAX_CELLS:
                    raise ManuscriptError(f"sheet {name!r} has more than {MAX_CELLS} cells"
                                          + (" with the sheets before it" if before else ""), rel, cell.row)
        layout = _xlsx_layout(worksheet)
        layout.errors = errors
    except ManuscriptError:
        raise
    except Exception as exc:
        raise ManuscriptError(f"sheet {name!r} could not be read ({exc.__class__.__name__}): "
                              "the workbook may be damaged", rel) from exc
    return cells, layout


def _xlsx_layout(worksheet) -> Layout:
    """The sheet's merged cells and hidden rows and columns, read from its part: openpyxl's
    read-only sheets keep none of them. The rows are dropped as they are read (the merges come
    after them), so a sheet of 50,000 rows is never held whole."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    layout = Layout()
    merged = layout.merged
    with worksheet._get_source() as source:
        for _, element in etree.iterparse(source, tag=("{*}row", "{*}col", "{*}mergeCell"), resolve_entities=False,
                                          no_network=True, huge_tree=False):
            local = element.tag.rsplit("}", 1)[-1]
            if local in ("row", "col") and element.get("hidden") in ("1", "true"):
                try:
                    if local == "row":
                        layout.hidden_rows.add(int(element.get("r")))
                    else:  # min and max: the columns it describes, from 1
                        first, last = int(element.get("min")), int(element.get("max"))
                        layout.hidden_columns.update(range(max(first - 1, 0), min(last, MAX_COLUMNS)))
                except (TypeError, ValueError):
                    pass  # a damaged attribute hides nothing
            elif local == "mergeCell":
                try:
                    first_column, first_row, last_column, last_row = range_boundaries(element.get("ref") or "")
                except (TypeError, ValueError):
                    continue  # a damaged reference merges nothing
                if None not in (first_column, first_row, last_column, last_row) and len(merged) < MAX_CELLS:
                    merged.append((first_row, last_row, first_column - 1, last_column - 1))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return layout


def _pick_sheet(names: list[str], sheet: str | None, rel: str, visible: list[str] | None = None) -> str:
    """The sheet named, or the first sheet the workbook shows (not one hidden in it)."""
    if not names:
        raise ManuscriptError("the workbook has no worksheet", rel)
    if sheet is None:
        return (visible or names)[0]
    if sheet not in names:
        raise ManuscriptError(f"the workbook has no sheet {sheet!r}", rel,
                              hint=f"its sheets: {', '.join(repr(n) for n in names)}")
    return sheet


# --- .xls ----------------------------------------------------------------------------


def _xls_sheets(path: Path, rel: str, sheets: str | None):
    """(name, cells, layout) of each sheet ``sheets`` names (see read_tables), the workbook opened once."""
    try:
        import xlrd
    except ImportError as exc:
        raise DependencyError("reading .xls rosters needs the xlrd package", rel,
                              hint="pip install xlrd, or save the sheet as .xlsx") from exc
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors …
        raise ManuscriptError(f"the .xls workbook could not be read ({exc}): it may be damaged",
                              rel, hint="open it in a spreadsheet program and save it again as .xlsx") from exc
    try:
        names = book.sheet_names()
        # The sheets shown (visibility 0; 1 and 2 are hidden).
        visible = [n for i, n in enumerate(names) if book.sheet_by_index(i).visibility == 0]
        total = 0
        for name in _names(names, sheets, rel, visible):
            cells, layout = _xls_cells(book, book.sheet_by_name(name), name, rel, total)
            total += len(cells)
            yield name, cells, layout
    finally:
        book.release_resources()


def _xls_cells(book, worksheet, name: str, rel: str, before: int = 0) -> tuple[list, Layout]:
    import xlrd

    if worksheet.nrows * worksheet.ncols + before > MAX_CELLS:
        raise ManuscriptError(f"sheet {name!r} has more than {MAX_CELLS} cells"
                              + (" with the sheets before it" if before else ""), rel)
    cells, errors = [], []
    for r in range(worksheet.nrows):
        for c in range(worksheet.ncols):
            cell = worksheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            value, number_format = cell.value, None
            xf = book.xf_list[cell.xf_index]
            if cell.ctype in (xlrd.XL_CELL_DATE, xlrd.XL_CELL_NUMBER):
                number_format = getattr(book.format_map.get(xf.format_key), "format_str", None)
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:  # a formula's error: left empty, named in a note
                errors.append((r + 1, c, xlrd.error_text_from_code.get(value, "#N/A")))
                continue
            font = book.font_list[xf.font_index].name
            cells.append((r + 1, c, show(value, number_format), font))
    layout = Layout(
        # (first row, row after the last, first column, column after the last), from 0
        [(top + 1, bottom, left, right - 1) for top, bottom, left, right in worksheet.merged_cells],
        {r + 1 for r, info in worksheet.rowinfo_map.items() if info.hidden},
        {c for c, info in worksheet.colinfo_map.items() if info.hidden}, errors)
    return cells, layout
