"""Read a roster table from an Excel workbook (.xlsx with openpyxl, .xls with xlrd).

Staff lists arrive as spreadsheets, often typed in ``.VnTime`` or ``VNI-Times``: each
cell's text is converted by the cell's font like a Word run (``publisher.legacyfonts``:
by the font's name, and by the text's letters when the name is unknown or wrong), one
cell at a time. The table is the first worksheet (or the one named by ``sheet=``), found in it as
``readers.tableshape`` finds it: title rows above the header, a two-row header, a row numbering
the columns and a footer of totals and signatures are told apart from the rows. Numbers and
dates are written as the sheet shows them, by each cell's number format, with Vietnamese
separators (``readers.cellformat``: 00123, 4,98, 1.250.000, 12/03/1990, 03/1990).

openpyxl reads ``.xlsx`` in read-only mode (rows streamed, cell fonts kept); xlrd reads
the old binary ``.xls`` with ``formatting_info`` (its cell fonts), if it is installed.
A damaged, encrypted or oversized workbook, an unknown sheet, a header cell without a
name and a row longer than its header are ManuscriptErrors naming the file, the sheet
and the row (given as the line).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import DependencyError, ManuscriptError
from ..legacyfonts import LegacyText
from .cellformat import show
from .tableshape import Merge, Note, fold, shape

SUFFIXES = (".xlsx", ".xlsm", ".xls")
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, the whole .xlsx archive
MAX_RATIO = 100  # uncompressed / compressed, per entry larger than 1 MB
MAX_CELLS = 1_000_000  # 100,000 rows (datafiles.MAX_ROSTER_ROWS) of 10 columns

Row = tuple[int, list[str]]  # (row number in the sheet, cells)


def read_table(path: Path, rel: str, sheet: str | None = None) -> tuple[list[str], list[Row], list[Note]]:
    """Header, (row number, cells) rows and the rows left out around the table (readers.tableshape)
    of one worksheet, legacy fonts converted."""
    if path.suffix.lower() == ".xls":
        name, cells, merged = _xls_cells(path, rel, sheet)
    else:
        name, cells, merged = _xlsx_cells(path, rel, sheet)
    return _table(cells, rel, name, merged)


def _table(cells: list[tuple[int, int, str, str | None]], rel: str, sheet: str,
           merged: list[Merge] = ()) -> tuple[list[str], list[Row], list[Note]]:
    """Build the table from (row, column, text, font) cells, converting legacy fonts; ``merged``:
    the sheet's merged cells (readers.tableshape)."""
    text = LegacyText()
    for row, column, value, font in cells:
        text.add(value, font, (row, column))  # each cell is judged on its own
    values = text.convert()
    grid: dict[int, dict[int, str]] = {}
    for (row, column, _, _), value in zip(cells, values):
        value = " ".join(value.split())
        if value:
            grid.setdefault(row, {})[column] = value
    if not grid:
        raise ManuscriptError(f"sheet {sheet!r} is empty", rel, 1)
    found = shape([(row, [grid[row].get(c, "") for c in range(max(grid[row]) + 1)]) for row in sorted(grid)], merged)
    header_row, header = found.header_line, list(found.header)
    while header and not header[-1]:
        header.pop()
    width = len(header)
    for column, name in enumerate(header):
        if not name:
            raise ManuscriptError(
                f"sheet {sheet!r}, row {header_row}: header column {_letter(column)} has no name",
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
                f"sheet {sheet!r}, row {number}: cell {_letter(beyond[0])}{number} is outside the "
                f"{width} columns of the header (row {header_row})", rel, number,
                hint="give the column a header, or clear the cell")
        rows.append((number, (cells_of_row + [""] * width)[:width]))
    return header, rows, found.notes


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- .xlsx ---------------------------------------------------------------------------


def _check_archive(path: Path, rel: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManuscriptError("this is not an Excel .xlsx workbook (not a zip archive); it may be "
                              "damaged, or an .xls renamed", rel,
                              hint="open it in a spreadsheet program and save it again as .xlsx") from exc
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ManuscriptError("the workbook is password-protected", rel, hint="remove the password and save again")
    total = sum(entry.file_size for entry in entries)
    bomb = any(e.file_size > 1024 * 1024 and e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries)
    if total > MAX_UNCOMPRESSED or bomb:
        raise ManuscriptError(f"refusing to read this workbook: it would unpack to {total >> 20} MB "
                              "(or one part is compressed suspiciously well)", rel)


def _xlsx_cells(path: Path, rel: str, sheet: str | None) -> tuple[str, list, list[Merge]]:
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
        names = workbook.sheetnames
        name = _pick_sheet(names, sheet, rel)
        cells = []
        try:
            for row in workbook[name].iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or not hasattr(cell, "column"):
                        continue
                    font = getattr(cell.font, "name", None) if cell.has_style else None
                    shown = show(value, getattr(cell, "number_format", None))
                    cells.append((cell.row, cell.column - 1, shown, font))
                    if len(cells) > MAX_CELLS:
                        raise ManuscriptError(f"sheet {name!r} has more than {MAX_CELLS} cells", rel, cell.row)
            merged = _xlsx_merges(workbook[name])
        except ManuscriptError:
            raise
        except Exception as exc:
            raise ManuscriptError(f"sheet {name!r} could not be read ({exc.__class__.__name__}): "
                                  "the workbook may be damaged", rel) from exc
    finally:
        workbook.close()
    return name, cells, merged


def _xlsx_merges(worksheet) -> list[Merge]:
    """The sheet's merged cells, read from its part: openpyxl's read-only sheets do not keep them.
    The rows are dropped as they are read (the merges come after them), so a sheet of 50,000 rows
    is never held whole."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    merged: list[Merge] = []
    with worksheet._get_source() as source:
        for _, element in etree.iterparse(source, tag=("{*}row", "{*}mergeCell"), resolve_entities=False,
                                          no_network=True, huge_tree=False):
            if element.tag.endswith("mergeCell"):
                try:
                    first_column, first_row, last_column, last_row = range_boundaries(element.get("ref") or "")
                except (TypeError, ValueError):
                    continue  # a damaged reference merges nothing
                if None not in (first_column, first_row, last_column, last_row) and len(merged) < MAX_CELLS:
                    merged.append((first_row, last_row, first_column - 1, last_column - 1))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return merged


def _pick_sheet(names: list[str], sheet: str | None, rel: str) -> str:
    if not names:
        raise ManuscriptError("the workbook has no worksheet", rel)
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise ManuscriptError(f"the workbook has no sheet {sheet!r}", rel,
                              hint=f"its sheets: {', '.join(repr(n) for n in names)}")
    return sheet


# --- .xls ----------------------------------------------------------------------------


def _xls_cells(path: Path, rel: str, sheet: str | None) -> tuple[str, list, list[Merge]]:
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
        name = _pick_sheet(book.sheet_names(), sheet, rel)
        worksheet = book.sheet_by_name(name)
        if worksheet.nrows * worksheet.ncols > MAX_CELLS:
            raise ManuscriptError(f"sheet {name!r} has more than {MAX_CELLS} cells", rel)
        cells = []
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
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#N/A")
                font = book.font_list[xf.font_index].name
                cells.append((r + 1, c, show(value, number_format), font))
        # (first row, row after the last, first column, column after the last), from 0
        merged = [(top + 1, bottom, left, right - 1) for top, bottom, left, right in worksheet.merged_cells]
    finally:
        book.release_resources()
    return name, cells, merged
