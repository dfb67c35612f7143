"""Rosters as offices make them (readers.tableshape, readers.cellformat.show_date): a title and
the national motto above the table, a two-row header, a row numbering the columns, dates in the
sheet's own format, a footer of totals and signatures under it."""

from __future__ import annotations

import datetime
import io

import pytest

from publisher.readers import Source, read
from publisher.readers.cellformat import show_date

from ..conftest import make_project

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Thời gian công tác", None, "Đơn vị"]
SUB = [None, None, None, "Từ", "Đến", None]
NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
PEOPLE = [  # (name, born, from, to, unit)
    ("Trần Thị Bình", datetime.datetime(1968, 3, 2), datetime.datetime(1990, 4, 1), datetime.datetime(2020, 6, 1),
     "Phòng Nghiệp vụ"),
    ("Lê Văn An", datetime.datetime(1971, 11, 20), datetime.datetime(1995, 9, 1), None, "Đội Kiểm soát"),
    ("Nguyễn Hữu Chí", datetime.datetime(1980, 1, 5), datetime.datetime(2004, 3, 1), datetime.datetime(2015, 12, 1),
     "Chi cục cửa khẩu"),
]
EXPECTED = [["1", "Trần Thị Bình", "02/03/1968", "04/1990", "06/2020", "Phòng Nghiệp vụ"],
            ["2", "Lê Văn An", "20/11/1971", "09/1995", "", "Đội Kiểm soát"],
            ["3", "Nguyễn Hữu Chí", "05/01/1980", "03/2004", "12/2015", "Chi cục cửa khẩu"]]
COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Thời gian công tác – Từ", "Thời gian công tác – Đến", "Đơn vị"]


def office_sheet(path, footer=True):
    """A staff list laid out as an office lays it out (rows 1–3 title, 5–7 header, 8–10 the table)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet["A1"], sheet["D1"] = "CỤC HẢI QUAN TỈNH BÌNH MINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["D2"] = "Độc lập - Tự do - Hạnh phúc"
    sheet["A3"] = "DANH SÁCH CÁN BỘ, CÔNG CHỨC QUA CÁC THỜI KỲ"
    sheet.merge_cells("A3:F3")
    for row, values in ((5, HEADER), (6, SUB), (7, NUMBERS)):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row, column, value)
    sheet.merge_cells("D5:E5")
    for n, (name, born, start, end, unit) in enumerate(PEOPLE, start=1):
        row = 7 + n
        sheet.cell(row, 1, n)
        sheet.cell(row, 2, name)
        sheet.cell(row, 3, born).number_format = "dd/mm/yyyy"
        sheet.cell(row, 4, start).number_format = "mm/yyyy"
        if end:
            sheet.cell(row, 5, end).number_format = "mm/yyyy"
        sheet.cell(row, 6, unit)
    if footer:
        sheet["A12"] = "Tổng cộng: 3 người"
        sheet["D13"] = "Bình Minh, ngày 12 tháng 3 năm 2026"
        sheet["B14"], sheet["E14"] = "Người lập biểu", "THỦ TRƯỞNG ĐƠN VỊ"
        sheet["B16"], sheet["E16"] = "Phạm Thu Hà", "Đỗ Quang Vinh"
    book.save(path)
    return path


def _roster(tmp_path, files: dict, options: str):
    root = make_project(tmp_path, {"01-bai.md": f"# Cán bộ\n\n```roster {options}\n```\n"}, files=files)
    result = read(Source(path=root / "manuscripts" / "01-bai.md", rel="manuscripts/01-bai.md", root=root))
    (block,) = result.article.blocks
    return block, result.diagnostics


def test_an_office_staff_list_is_read_as_its_table(tmp_path):
    sheet = office_sheet(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert block.columns == COLUMNS
    assert [item["cells"] for item in block.items] == EXPECTED
    found = {(d.level, d.code, d.path, d.line) for d in diagnostics}
    assert found == {("info", "roster-title", "data/ds.xlsx", 1), ("info", "roster-numbering", "data/ds.xlsx", 7),
                     ("warning", "roster-footer", "data/ds.xlsx", 12)}
    footer = next(d for d in diagnostics if d.code == "roster-footer")
    assert "rows 12–16" in footer.message and "Tổng cộng: 3 người" in footer.message


def test_a_joined_column_is_picked_with_a_hyphen_and_sorted_by_date(tmp_path):
    sheet = office_sheet(tmp_path / "ds.xlsx")
    block, _ = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()},
                       'file=../data/ds.xlsx columns="Họ và tên,Thời gian công tác - Đến" sort="Thời gian công tác - Đến"')
    assert block.columns == ["Họ và tên", "Thời gian công tác – Đến"]
    # By date (2015 before 2020), the one still working (no date) last; as words 06/2020 came first.
    assert [item["cells"] for item in block.items] == [["Nguyễn Hữu Chí", "12/2015"], ["Trần Thị Bình", "06/2020"],
                                                        ["Lê Văn An", ""]]


def test_the_same_list_saved_as_csv_is_read_the_same(tmp_path):
    """Excel's CSV of the sheet: every line padded to the sheet's width, dates as shown."""
    lines = ["CỤC HẢI QUAN TỈNH BÌNH MINH,,,CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM,,",
             ",,,Độc lập - Tự do - Hạnh phúc,,", "DANH SÁCH CÁN BỘ,,,,,", ",,,,,",
             ",".join(v or "" for v in HEADER), ",".join(v or "" for v in SUB), ",".join(NUMBERS)]
    lines += [",".join(cells) for cells in EXPECTED]
    lines += [",,,,,", "Tổng cộng: 3 người,,,,,", ",,,\"Bình Minh, ngày 12 tháng 3 năm 2026\",,"]
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": ("\r\n".join(lines) + "\r\n").encode("utf-8")}, "file=../data/ds.csv")
    assert block.columns == COLUMNS
    assert [item["cells"] for item in block.items] == EXPECTED
    assert {(d.code, d.line) for d in diagnostics} == {("roster-title", 1), ("roster-numbering", 7),
                                                       ("roster-footer", 12)}


def test_full_rows_after_a_blank_line_are_rows_not_a_footer(tmp_path):
    csv = "Họ và tên,Đơn vị,Năm\nLê Văn An,Phòng 1,1990\nTrần Bình,Phòng 2,1991\n\nĐỗ Chí,Phòng 3,1992\n"
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert len(block.items) == 3 and diagnostics == []


def test_a_bare_table_is_read_as_before(tmp_path):
    sheet = office_sheet(tmp_path / "ds.xlsx", footer=False)
    book = openpyxl.load_workbook(sheet)
    book.active.delete_rows(1, 4)  # the title gone: the header is the first row
    book.active.delete_rows(3, 1)  # and the numbering row
    book.save(sheet)
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert block.columns == COLUMNS and [item["cells"] for item in block.items] == EXPECTED
    assert diagnostics == []


def test_dates_are_shown_as_the_sheet_shows_them():
    day = datetime.datetime(1990, 3, 2)
    assert show_date(day, "dd/mm/yyyy") == "02/03/1990"
    assert show_date(day, "d/m/yyyy") == "2/3/1990"
    assert show_date(day, "mm/yyyy") == "03/1990"
    assert show_date(day, "yyyy") == "1990"
    assert show_date(day, '"Năm "yyyy') == "Năm 1990"
    assert show_date(day, r"[$-42A]dd\/mm\/yyyy") == "02/03/1990"
    assert show_date(day, "mm-dd-yy") == "02/03/1990"  # the built-in short date, as Vietnamese Excel shows it
    assert show_date(day, "d-mmm-yy") == "02/03/1990"  # English month names: day/month/year instead
    assert show_date(day, "yyyy-mm-dd h:mm:ss") == "1990-03-02"  # no time typed, none shown
    assert show_date(datetime.datetime(1990, 3, 2, 14, 5), "dd/mm/yyyy hh:mm") == "02/03/1990 14:05"
    assert show_date(datetime.date(2001, 12, 31), None) == "31/12/2001"


def as_xls(workbook, folder, kind: str = "xls"):
    """The .xlsx workbook saved as an old .xls (or ``kind``: ods) by LibreOffice Calc; the test
    skipped without it."""
    from pathlib import Path

    from publisher.readers import libreoffice

    if libreoffice.find_soffice() is None or not Path("/usr/lib/libreoffice/program/libscfiltlo.so").exists():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed to write the .xls fixture")
    pytest.importorskip("xlrd")
    from .test_legacy_fonts import accuracy

    return accuracy.convert_with_soffice(workbook, kind, folder)


@pytest.mark.slow
def test_the_same_list_as_an_old_xls_workbook(tmp_path):
    xls = as_xls(office_sheet(tmp_path / "ds.xlsx"), tmp_path / "made")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xls": xls.read_bytes()}, "file=../data/ds.xls")
    assert block.columns == COLUMNS
    assert [item["cells"] for item in block.items] == EXPECTED  # the dates by xlrd's number formats
    assert {(d.code, d.line) for d in diagnostics} == {("roster-title", 1), ("roster-numbering", 7),
                                                       ("roster-footer", 12)}


def test_a_row_under_a_short_header_is_a_row_not_sub_headings(tmp_path):
    """A header missing a column's name, over a row that fills that column: an error naming
    the row, as before, not the row taken for sub-headings."""
    from publisher.errors import ManuscriptError

    csv = "Họ và tên,Đơn vị\nLê Văn An,,ghi chú\nTrần Bình,Phòng 2,x\nĐỗ Chí,Phòng 3,y\n"
    with pytest.raises(ManuscriptError) as caught:
        _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert caught.value.line == 2 and "has 3 fields but the header (line 1) has 2" in str(caught.value)


@pytest.mark.slow
def test_a_workbook_of_tens_of_thousands_of_rows_is_read(tmp_path):
    """45,000 rows of five columns: more cells than a sheet could hold before (200,000)."""
    from pathlib import Path

    from publisher.readers.spreadsheet import read_table

    path = Path(tmp_path / "ds.xlsx")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Cán bộ")
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Vào ngành", "Đơn vị"])
    for n in range(45_000):
        sheet.append([n + 1, f"Nguyễn Văn {n}", datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                      datetime.date(1975 + n % 50, 1 + n % 12, 1), f"Phòng {n % 40}"])
    book.save(path)
    header, rows, notes = read_table(path, "data/ds.xlsx")
    assert header == ["STT", "Họ và tên", "Ngày sinh", "Vào ngành", "Đơn vị"] and notes == []
    assert len(rows) == 45_000 and rows[-1] == (45_001, ["45000", "Nguyễn Văn 44999", "1999-12-04", "2024-12-01",
                                                         "Phòng 39"])


def test_a_shared_heading_is_shown_over_its_columns():
    from publisher.render.headings import heading_rows

    plain = ["TT", "Họ và tên", "Năm sinh – quê quán"]  # one column with a dash: one row, as it is
    assert heading_rows(plain) == [[{"text": c, "colspan": 1, "rowspan": 1, "scope": "col"} for c in plain]]
    top, bottom = heading_rows(["TT", "Thời gian công tác – Từ", "Thời gian công tác\u00a0– Đến", "Đơn vị"])
    assert [(c["text"], c["colspan"], c["rowspan"], c["scope"]) for c in top] == [
        ("TT", 1, 2, "col"), ("Thời gian công tác", 2, 1, "colgroup"), ("Đơn vị", 1, 2, "col")]
    assert [c["text"] for c in bottom] == ["Từ", "Đến"]


@pytest.mark.slow
def test_the_office_list_in_the_epub_passes_epubcheck(tmp_path):
    import zipfile

    from ..conftest import run_cli
    from ..render.test_epub import epubcheck

    sheet = office_sheet(tmp_path / "ds.xlsx")
    root = make_project(tmp_path / "p", {"01-bai.md": "# Cán bộ\n\n```roster file=../data/ds.xlsx sort=name\n```\n"},
                        '[book]\ntitle = "Cán bộ"\nslug = "can-bo"\ndate = 2026-10-20\n',
                        {"data/ds.xlsx": sheet.read_bytes()})
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "data/ds.xlsx:12: roster: rows 12–16 under the table" in result.stdout + result.stderr
    epub = root / "dist" / "can-bo.epub"
    with zipfile.ZipFile(epub) as book:
        page = next(book.read(n).decode() for n in book.namelist() if "Trần Thị Bình" in book.read(n).decode("utf-8", "ignore"))
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert head.count("<tr>") == 2 and 'colspan="2"' in head and 'rowspan="2"' in head
    report = epubcheck(epub)
    assert [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


def test_a_narrow_list_under_the_organisation_and_the_motto(tmp_path):
    """Three columns: the title rows fill two of them, as many as a header would."""
    csv = ("CỤC HẢI QUAN TỈNH BÌNH MINH,,CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
           "PHÒNG TỔ CHỨC CÁN BỘ,,Độc lập - Tự do - Hạnh phúc\n,,\n"
           "STT,Họ và tên,Đơn vị\n1,Lê Văn An,Phòng 1\n2,Trần Bình,Phòng 2\n3,Đỗ Chí,Phòng 3\n")
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert block.columns == ["STT", "Họ và tên", "Đơn vị"] and len(block.items) == 3
    assert [(d.code, d.line) for d in diagnostics] == [("roster-title", 1)]


def test_a_header_of_long_labels_is_a_header(tmp_path):
    csv = ("Họ và tên cán bộ, công chức;Đơn vị công tác cuối cùng\n"
           "Lê Văn An;Phòng Nghiệp vụ một\nTrần Thị Bình;Đội Kiểm soát Hải quan\n")
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert block.columns == ["Họ và tên cán bộ, công chức", "Đơn vị công tác cuối cùng"]
    assert len(block.items) == 2 and diagnostics == []


@pytest.mark.parametrize("sub_headings", [False, True], ids=["merged-heading", "with-ho-dem-ten"])
def test_a_name_typed_over_two_columns_is_one_name(tmp_path, sub_headings):
    """School and office lists keep the family and middle names apart from the given name (to sort
    by it in Excel), under one "Họ và tên" merged over both."""
    lines = ["STT,Họ và tên,,Thời gian công tác,,Đơn vị"]
    lines += [",Họ đệm,Tên,Từ,Đến,"] if sub_headings else [",,,Từ,Đến,"]
    lines += ["1,Trần Thị,Bình,04/1990,06/2020,Phòng Nghiệp vụ", "2,Nguyễn Hữu,Chí,03/2004,12/2015,Chi cục",
              "3,Lê Văn,An,09/1995,,Đội Kiểm soát"]
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": ("\n".join(lines) + "\n").encode("utf-8")},
                                 "file=../data/ds.csv sort=name")
    assert block.columns == ["STT", "Họ và tên", "Thời gian công tác – Từ", "Thời gian công tác – Đến", "Đơn vị"]
    # Sorted by given name, the sheet's STT numbered again in the book's order.
    assert [item["cells"][:3] for item in block.items] == [["1", "Lê Văn An", "09/1995"],
                                                          ["2", "Trần Thị Bình", "04/1990"],
                                                          ["3", "Nguyễn Hữu Chí", "03/2004"]]
    assert [(d.level, d.code) for d in diagnostics] == [("info", "roster-names"), ("info", "roster-renumbered")]
    assert "“Họ và tên” is typed over 2 columns" in diagnostics[0].message


def test_a_name_over_two_columns_in_a_workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", None, "Năm sinh"])
    sheet.merge_cells("B1:C1")
    for row in ([1, "Phạm Thu", "Hà", 1975], [2, "Đỗ Quang", "Vinh", 1969]):
        sheet.append(row)
    book.save(tmp_path / "ds.xlsx")
    block, _ = _roster(tmp_path / "p", {"data/ds.xlsx": (tmp_path / "ds.xlsx").read_bytes()},
                       "file=../data/ds.xlsx sort=name")
    assert block.columns == ["STT", "Họ và tên", "Năm sinh"]
    assert [item["cells"] for item in block.items] == [["1", "Phạm Thu Hà", "1975"], ["2", "Đỗ Quang Vinh", "1969"]]


def _sectioned_sheet(path):
    """A staff list in units as offices type it: a Roman numeral in the number column with the unit
    in the name column, a heading merged over the row from column A, an Arabic sub-unit in
    capitals, and a person whose dates are not known (not a heading)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Chức vụ"])
    sheet.append(["I", "LÃNH ĐẠO CỤC"])
    sheet.append([1, "Trần Văn Bình", 1960, "Cục trưởng"])
    sheet.append([2, "Lê Thị An", 1965, "Phó Cục trưởng"])
    sheet.append(["II. CÁC PHÒNG THAM MƯU"])
    sheet.merge_cells(f"A{sheet.max_row}:D{sheet.max_row}")
    sheet.append(["1", "PHÒNG TỔ CHỨC CÁN BỘ"])
    sheet.append([3, "Phạm Văn Cường", 1970, "Trưởng phòng"])
    sheet.append([4, "Đỗ Minh Anh"])  # a person whose other cells are blank
    sheet.append([5, "Vũ Thị Dung", 1980, "Chuyên viên"])
    sheet.append([6, "Hoàng Văn Ân", 1982, "Chuyên viên"])
    book.save(path)
    return path


def test_rows_heading_the_rows_under_them_are_sections(tmp_path):
    sheet = _sectioned_sheet(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()},
                                 'file=../data/ds.xlsx sort=name number=TT columns="Họ và tên,Năm sinh"')
    # Sorted by name within each section (An before Bình; Anh, Ân, Cường, Dung), numbered on through them.
    assert block.items == [
        {"section": "I. LÃNH ĐẠO CỤC"}, {"cells": ["1", "Lê Thị An", "1965"]}, {"cells": ["2", "Trần Văn Bình", "1960"]},
        {"section": "II. CÁC PHÒNG THAM MƯU"}, {"section": "1. PHÒNG TỔ CHỨC CÁN BỘ"},
        {"cells": ["3", "Đỗ Minh Anh", ""]}, {"cells": ["4", "Hoàng Văn Ân", "1982"]},
        {"cells": ["5", "Phạm Văn Cường", "1970"]}, {"cells": ["6", "Vũ Thị Dung", "1980"]}]
    [note] = diagnostics
    assert (note.level, note.code, note.line) == ("info", "roster-sections", 2)
    assert "“I. LÃNH ĐẠO CỤC”" in note.message and "2 more" in note.message


def test_a_person_with_blank_cells_is_not_a_section(tmp_path):
    """Names in capitals (as some rolls of honour type them) and a row with the name alone."""
    csv = ("STT,Họ và tên,Năm sinh,Quê quán\n1,NGUYỄN VĂN AN,1950,Hà Nam\n2,TRẦN THỊ BÌNH,,\n"
           "3,LÊ VĂN CHÍ,1952,Nam Định\n4,PHẠM VĂN DŨNG,1948,Thái Bình\n,Đỗ Văn Em,,\n")
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert all("cells" in item for item in block.items) and len(block.items) == 5
    assert diagnostics == []


def test_a_sheet_in_sections_renders_its_headings_across_the_table(tmp_path):
    from tests.render.test_parallel import rendered

    sheet = _sectioned_sheet(tmp_path / "ds.xlsx")
    root = make_project(tmp_path / "p", {"01-bai.md": "# Cán bộ\n\n```roster file=../data/ds.xlsx\n```\n"},
                        files={"data/ds.xlsx": sheet.read_bytes()})
    [body] = [d.body for d in rendered(root).documents if 'class="roster"' in d.body]
    assert body.count('<tr class="roster-section"><th colspan="4">') == 3
    assert '<th colspan="4">II. CÁC PHÒNG THAM MƯU</th>' in body


def _merged_sheet(path):
    """Units merged down beside their people, under a two-row header whose own cells are merged down
    (STT, Họ và tên over the header's two rows) and across (Thời gian công tác over Từ, Đến)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Thời gian công tác", None, "Đơn vị"])
    sheet.append([None, None, "Từ", "Đến", None])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        sheet.merge_cells(cells)
    people = [("Trần Văn Bình", 1990, 2005, "Phòng Nghiệp vụ"), ("Lê Thị An", 1992, 2010, None),
              ("Phạm Văn Cường", 1995, 2020, None), ("Đỗ Minh Anh", 2001, 2015, "Đội Kiểm soát"),
              ("Vũ Thị Dung", 2003, 2024, None)]
    for n, (name, start, end, unit) in enumerate(people, start=1):
        sheet.append([n, name, start, end, unit])
    sheet.merge_cells("E3:E5")
    sheet.merge_cells("E6:E7")
    book.save(path)
    return path


MERGED = [["Lê Thị An", "Phòng Nghiệp vụ"], ["Đỗ Minh Anh", "Đội Kiểm soát"], ["Trần Văn Bình", "Phòng Nghiệp vụ"],
          ["Phạm Văn Cường", "Phòng Nghiệp vụ"], ["Vũ Thị Dung", "Đội Kiểm soát"]]


def test_a_unit_merged_down_beside_its_people_stays_with_each(tmp_path):
    sheet = _merged_sheet(tmp_path / "ds.xlsx")
    block, _ = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()},
                       'file=../data/ds.xlsx sort=name columns="Họ và tên,Đơn vị"')
    assert [item["cells"] for item in block.items] == MERGED
    whole, _ = _roster(tmp_path / "q", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert whole.columns == ["STT", "Họ và tên", "Thời gian công tác – Từ", "Thời gian công tác – Đến", "Đơn vị"]


@pytest.mark.slow
def test_a_unit_merged_down_in_an_old_xls_workbook(tmp_path):
    xls = as_xls(_merged_sheet(tmp_path / "ds.xlsx"), tmp_path / "made")
    block, _ = _roster(tmp_path / "p", {"data/ds.xls": xls.read_bytes()},
                       'file=../data/ds.xls sort=name columns="Họ và tên,Đơn vị"')
    assert [item["cells"] for item in block.items] == MERGED


def _hidden_sheet(path):
    """A list sent with its ID card numbers hidden, two people hidden by a filter, behind a hidden
    sheet of working notes."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Ghi chú"
    notes.append(["Việc", "Người làm"])
    notes.append(["soát lại ngày sinh", "Văn phòng"])
    notes.sheet_state = "hidden"
    sheet = book.create_sheet("Danh sách")
    sheet.append(["STT", "Họ và tên", "Số CCCD", "Năm sinh", "Đơn vị"])
    for n, (name, card, born, unit) in enumerate([
            ("Trần Văn Bình", "001085012345", 1960, "Phòng Nghiệp vụ"), ("Lê Thị An", "001185054321", 1965, "Văn phòng"),
            ("Phạm Văn Cường", "034070011223", 1970, "Đội Kiểm soát"), ("Đỗ Minh Anh", "036090044556", 1990, "Văn phòng")],
            start=1):
        sheet.append([n, name, card, born, unit])
    sheet.column_dimensions["C"].hidden = True
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[4].hidden = True
    book.save(path)
    return path


HIDDEN = [["1", "Trần Văn Bình", "1960", "Phòng Nghiệp vụ"], ["4", "Đỗ Minh Anh", "1990", "Văn phòng"]]


def test_what_the_sheet_hides_the_book_does_not_show(tmp_path):
    sheet = _hidden_sheet(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert block.columns == ["STT", "Họ và tên", "Năm sinh", "Đơn vị"]  # the first sheet shown, its cards hidden
    assert [item["cells"] for item in block.items] == HIDDEN
    [note] = diagnostics
    assert (note.level, note.code, note.line) == ("warning", "roster-hidden", 3)  # shown by every build
    assert "column C and 2 rows (3 to 4) hidden in the sheet" in note.message
    # A hidden sheet named on purpose is read.
    block, _ = _roster(tmp_path / "q", {"data/ds.xlsx": sheet.read_bytes()}, 'file=../data/ds.xlsx sheet="Ghi chú"')
    assert block.columns == ["Việc", "Người làm"]


@pytest.mark.slow
def test_what_an_old_xls_workbook_hides_the_book_does_not_show(tmp_path):
    xls = as_xls(_hidden_sheet(tmp_path / "ds.xlsx"), tmp_path / "made")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xls": xls.read_bytes()}, "file=../data/ds.xls")
    assert [item["cells"] for item in block.items] == HIDDEN
    assert [d.code for d in diagnostics] == ["roster-hidden"]


def test_hostile_merges_cost_no_more_than_the_rows(tmp_path):
    """Thousands of merges over a million rows each, overlapping (no spreadsheet program writes
    them): the table is read, each row's unit filled once, without going through the million rows."""
    import zipfile

    from publisher.readers.spreadsheet import read_table

    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Cán bộ")
    sheet.append(["Họ và tên", "Năm sinh", "Đơn vị"])
    for n in range(3000):
        sheet.append([f"Nguyễn Văn {n}", 1950 + n % 50, "Phòng Một" if n == 0 else None])
    book.save(plain)
    merges = ['<mergeCell ref="C2:C1048576"/>'] * 5000 + ['<mergeCell ref="A2:XFD1048576"/>']
    hostile = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b"</sheetData><mergeCells>" + "".join(merges).encode()
                                    + b"</mergeCells>")
            out.writestr(item, data)
    header, rows, _ = read_table(hostile, "data/ds.xlsx")
    assert header == ["Họ và tên", "Năm sinh", "Đơn vị"] and len(rows) == 3000
    assert {cells[2] for _, cells in rows} == {"Phòng Một"}


@pytest.mark.parametrize("numbers, expected", [
    ((1, 2, 3, 4), ["1", "2", "3", "4"]),  # on through the sections: on through them again
    ((1, 2, 1, 2), ["1", "2", "1", "2"]),  # from 1 in each section: so again
])
def test_the_sheets_own_numbers_follow_the_sorted_order(tmp_path, numbers, expected):
    a, b, c, d = numbers
    csv = (f"STT,Họ và tên,Năm sinh\nI. LÃNH ĐẠO,,\n{a},Trần Văn Bình,1960\n{b},Lê Thị An,1965\n"
           f"II. CÁC PHÒNG,,\n{c},Vũ Thị Dung,1980\n{d},Hoàng Văn Ân,1982\n")
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv sort=name")
    assert [item["cells"][:2] for item in block.items if "cells" in item] == [
        [expected[0], "Lê Thị An"], [expected[1], "Trần Văn Bình"], [expected[2], "Hoàng Văn Ân"],
        [expected[3], "Vũ Thị Dung"]]
    assert "roster-renumbered" in {d.code for d in diagnostics}
    kept, diagnostics = _roster(tmp_path / "q", {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv")
    assert [item["cells"][0] for item in kept.items if "cells" in item] == [str(n) for n in numbers]
    assert "roster-renumbered" not in {d.code for d in diagnostics}  # the file's order: its own numbers


def test_numbering_a_roster_that_numbers_itself_is_a_warning(tmp_path):
    csv = "STT,Họ và tên\n1,Trần Văn Bình\n2,Lê Thị An\n"
    block, diagnostics = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv number=TT")
    assert block.columns == ["TT", "STT", "Họ và tên"]
    [warning] = diagnostics
    assert (warning.level, warning.code, warning.line) == ("warning", "roster-numbered-twice", 3)
    assert "beside the sheet's own “STT”" in warning.message
    _, diagnostics = _roster(tmp_path / "q", {"data/ds.csv": csv.encode("utf-8")},
                             'file=../data/ds.csv number=TT columns="Họ và tên"')
    assert diagnostics == []


def _whole_office_sheet(path):
    """Everything at once, as a customs department's list arrives: the organisation, the motto
    and the title above; a two-row header merged down and across; a numbering row whose (4) went
    with the ID card column hidden under it; sections merged across the row; units merged down
    beside their people; the total, the date and the signatures under it."""
    day = datetime.datetime
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["E1"] = "CỤC HẢI QUAN TỈNH BÌNH MINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["E2"] = "Độc lập - Tự do - Hạnh phúc"
    sheet["A3"] = "DANH SÁCH CÁN BỘ QUA CÁC THỜI KỲ"
    sheet.merge_cells("A3:G3")
    for column, (top, below) in enumerate([("STT", None), ("Họ và tên", None), ("Ngày sinh", None),
                                           ("Số CCCD", None), ("Thời gian công tác", "Từ"), (None, "Đến"),
                                           ("Đơn vị", None)], start=1):
        if top:
            sheet.cell(5, column, top)
        if below:
            sheet.cell(6, column, below)
        sheet.cell(7, column, f"({column})")
    for cells in ("A5:A6", "B5:B6", "C5:C6", "D5:D6", "E5:F5", "G5:G6"):
        sheet.merge_cells(cells)
    row = 8
    units = [("I. LÃNH ĐẠO CỤC", [("Ban Lãnh đạo", [("Trần Văn Bình", day(1965, 3, 2), day(1990, 4, 1), day(2020, 6, 1)),
                                                     ("Lê Thị An", day(1970, 5, 6), day(1995, 9, 1), None)])]),
             ("II. CÁC PHÒNG, ĐỘI", [("Phòng Nghiệp vụ", [("Phạm Văn Cường", day(1975, 1, 5), day(2000, 3, 1), None),
                                                           ("Đỗ Minh Anh", day(1990, 2, 3), day(2012, 3, 1), None)]),
                                     ("Đội Kiểm soát", [("Hoàng Văn Ân", day(1982, 9, 9), day(2005, 5, 1), None)])])]
    number = 0
    for heading, groups in units:
        sheet.cell(row, 1, heading)
        sheet.merge_cells(f"A{row}:G{row}")
        row += 1
        for unit, people in groups:
            first = row
            for name, born, start, end in people:
                number += 1
                sheet.cell(row, 1, number)
                sheet.cell(row, 2, name)
                sheet.cell(row, 3, born).number_format = "dd/mm/yyyy"
                sheet.cell(row, 4, 1085012345 + number).number_format = "000000000000"
                sheet.cell(row, 5, start).number_format = "mm/yyyy"
                if end:
                    sheet.cell(row, 6, end).number_format = "mm/yyyy"
                row += 1
            sheet.cell(first, 7, unit)
            if row - 1 > first:
                sheet.merge_cells(f"G{first}:G{row - 1}")
    sheet.column_dimensions["D"].hidden = True
    sheet.cell(row + 1, 1, "Tổng cộng: 5 người")
    sheet.cell(row + 2, 5, "Bình Minh, ngày 12 tháng 3 năm 2026")
    sheet.cell(row + 3, 2, "Người lập biểu")
    sheet.cell(row + 3, 5, "CỤC TRƯỞNG")
    book.save(path)
    return path


def test_an_office_list_with_everything_at_once(tmp_path):
    sheet = _whole_office_sheet(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx sort=name")
    assert block.columns == ["STT", "Họ và tên", "Ngày sinh", "Thời gian công tác – Từ", "Thời gian công tác – Đến",
                             "Đơn vị"]
    assert [item.get("section") or item["cells"] for item in block.items] == [
        "I. LÃNH ĐẠO CỤC",
        ["1", "Lê Thị An", "06/05/1970", "09/1995", "", "Ban Lãnh đạo"],
        ["2", "Trần Văn Bình", "02/03/1965", "04/1990", "06/2020", "Ban Lãnh đạo"],
        "II. CÁC PHÒNG, ĐỘI",
        ["3", "Đỗ Minh Anh", "03/02/1990", "03/2012", "", "Phòng Nghiệp vụ"],
        ["4", "Hoàng Văn Ân", "09/09/1982", "05/2005", "", "Đội Kiểm soát"],
        ["5", "Phạm Văn Cường", "05/01/1975", "03/2000", "", "Phòng Nghiệp vụ"]]
    assert [(d.code, d.line) for d in diagnostics] == [
        ("roster-title", 1), ("roster-numbering", 7), ("roster-footer", 16), ("roster-hidden", 1),
        ("roster-sections", 8), ("roster-renumbered", 3)]


@pytest.mark.slow
def test_an_office_list_with_everything_at_once_as_an_old_xls_workbook(tmp_path):
    xls = as_xls(_whole_office_sheet(tmp_path / "ds.xlsx"), tmp_path / "made")
    new, _ = _roster(tmp_path / "p", {"data/ds.xlsx": (tmp_path / "ds.xlsx").read_bytes()},
                     "file=../data/ds.xlsx sort=name")
    old, diagnostics = _roster(tmp_path / "q", {"data/ds.xls": xls.read_bytes()}, "file=../data/ds.xls sort=name")
    assert old.columns == new.columns and old.items == new.items
    assert [d.code for d in diagnostics] == ["roster-title", "roster-numbering", "roster-footer", "roster-hidden",
                                             "roster-sections", "roster-renumbered"]


@pytest.mark.slow
def test_an_office_list_with_everything_at_once_as_an_opendocument_sheet(tmp_path):
    """An .ods saved by LibreOffice Calc (as state offices keep their files) reads as the .xlsx does."""
    ods = as_xls(_whole_office_sheet(tmp_path / "ds.xlsx"), tmp_path / "made", "ods")
    new, _ = _roster(tmp_path / "p", {"data/ds.xlsx": (tmp_path / "ds.xlsx").read_bytes()},
                     "file=../data/ds.xlsx sort=name")
    ods_block, diagnostics = _roster(tmp_path / "q", {"data/ds.ods": ods.read_bytes()}, "file=../data/ds.ods sort=name")
    assert ods_block.columns == new.columns and ods_block.items == new.items
    assert "roster-hidden" in {d.code for d in diagnostics}


def _ods(content: bytes) -> bytes:
    """A minimal OpenDocument spreadsheet holding ``content`` as its content.xml."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.parametrize("formula", ["of:=['file:///etc/hostname'#$Sheet1.A1]",
                                     "of:=WEBSERVICE(&quot;http://127.0.0.1:9/x&quot;)"])
def test_an_opendocument_sheet_with_a_formula_reading_elsewhere_is_refused_unopened(tmp_path, formula):
    from publisher.errors import ManuscriptError
    from publisher.readers import libreoffice

    if libreoffice.find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="A"><table:table-row><table:table-cell table:formula="{formula}"/>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    with pytest.raises(ManuscriptError) as caught:
        _roster(tmp_path, {"data/ds.ods": _ods(content.encode())}, "file=../data/ds.ods")
    assert caught.value.path == "data/ds.ods" and "links to content outside itself (a formula reading" in str(caught.value)


def _sheet_with_errors(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Tuổi nghề"])
    sheet.append(["Trần Văn Bình", 1965, "#N/A"])  # a lookup that found nothing
    sheet.append(["Lê Thị An", 1970, 31])
    sheet.append(["Phạm Văn Cường", "#REF!", "#VALUE!"])  # a formula whose cells were deleted
    book.save(path)
    return path


def test_a_formulas_error_is_left_empty_and_named(tmp_path):
    sheet = _sheet_with_errors(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert [item["cells"] for item in block.items] == [["Trần Văn Bình", "1965", ""], ["Lê Thị An", "1970", "31"],
                                                        ["Phạm Văn Cường", "", ""]]
    [warning] = diagnostics
    assert (warning.level, warning.code, warning.path, warning.line) == ("warning", "roster-errors", "data/ds.xlsx", 2)
    assert "3 cells show a formula's error (#N/A in C2, #REF! in B4, #VALUE! in C4), left empty" in warning.message


@pytest.mark.slow
def test_a_formulas_error_in_an_old_xls_workbook(tmp_path):
    xls = as_xls(_sheet_with_errors(tmp_path / "ds.xlsx"), tmp_path / "made")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xls": xls.read_bytes()}, "file=../data/ds.xls")
    assert [item["cells"] for item in block.items] == [["Trần Văn Bình", "1965", ""], ["Lê Thị An", "1970", "31"],
                                                        ["Phạm Văn Cường", "", ""]]
    assert [d.code for d in diagnostics] == ["roster-errors"]
