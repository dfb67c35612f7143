"""A staff list kept one sheet per unit: ``sheet=*`` (or ``sheet="A,B"``) reads the sheets as one
roster, each sheet's rows under its name, the workbook opened and an .ods converted once."""

from __future__ import annotations

import pytest

from publisher.errors import ManuscriptError
from publisher.readers import Source, read, spreadsheet

from ..conftest import make_project

openpyxl = pytest.importorskip("openpyxl")

UNITS = {  # sheet -> its people, as typed (STT from 1 in each sheet)
    "Văn phòng": ["Trần Thị Bình", "Lê Văn An", "Nguyễn Hữu Chí"],
    "Phòng Nghiệp vụ": ["Phạm Thu Hà", "Đỗ Quang Vinh"],
    "Đội Kiểm soát": ["Vũ Minh Tâm", "Hoàng Thị Lan", "Bùi Văn Dũng"],
}


def workbook(path, units=UNITS, header=("STT", "Họ và tên", "Năm sinh"), title=True, extra=None):
    """One sheet per unit, each with a title row merged across, the header and the people; an
    empty Sheet4 and a hidden sheet after them, as workbooks arrive."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for unit, people in units.items():
        sheet = book.create_sheet(unit)
        if title:
            sheet.append([f"DANH SÁCH CÁN BỘ {unit.upper()}"])
            sheet.merge_cells("A1:C1")
        columns = list((extra or {}).get(unit, header))
        sheet.append(columns)
        for n, name in enumerate(people, start=1):
            values = {"STT": n, "Họ và tên": name, "Năm sinh": 1960 + n, "Ghi chú": "x"}
            sheet.append([values[c] for c in columns])
    book.create_sheet("Sheet4")
    hidden = book.create_sheet("Cũ")
    hidden.append(["STT", "Họ và tên", "Năm sinh"])
    hidden.append([1, "Người Đã Ẩn", 1950])
    hidden.sheet_state = "hidden"
    book.save(path)
    return path.read_bytes()


def roster(tmp_path, data: bytes, options: str, name="ds.xlsx"):
    root = make_project(tmp_path / "book", {"01-bai.md": f"# Cán bộ\n\n```roster file=../data/{name} {options}\n```\n"},
                        files={f"data/{name}": data})
    result = read(Source(path=root / "manuscripts" / "01-bai.md", rel="manuscripts/01-bai.md", root=root))
    (block,) = result.article.blocks
    return block, result.diagnostics


def shown(block) -> list:
    return [item["section"] if "section" in item else tuple(item["cells"]) for item in block.items]


def test_every_sheet_shown_is_read_under_its_name_and_sorted_within_it(tmp_path):
    block, diagnostics = roster(tmp_path, workbook(tmp_path / "ds.xlsx"), "sheet=* sort=name")
    assert block.columns == ["STT", "Họ và tên", "Năm sinh"]
    assert shown(block) == [
        "Văn phòng", ("1", "Lê Văn An", "1962"), ("2", "Trần Thị Bình", "1961"), ("3", "Nguyễn Hữu Chí", "1963"),
        "Phòng Nghiệp vụ", ("1", "Phạm Thu Hà", "1961"), ("2", "Đỗ Quang Vinh", "1962"),
        "Đội Kiểm soát", ("1", "Bùi Văn Dũng", "1963"), ("2", "Hoàng Thị Lan", "1962"), ("3", "Vũ Minh Tâm", "1961")]
    codes = [d.code for d in diagnostics]
    assert codes.count("roster-title") == 1  # one note for the titles of all three sheets
    assert "roster-sheets" in codes and "roster-renumbered" in codes
    note = next(d for d in diagnostics if d.code == "roster-sheets")
    assert note.message.startswith("roster: 3 sheets read as one list") and note.hint is None


def test_sheets_named_in_a_list_in_its_order(tmp_path):
    block, _ = roster(tmp_path, workbook(tmp_path / "ds.xlsx"), 'sheet="Đội Kiểm soát, Văn phòng"')
    assert [item["section"] for item in block.items if "section" in item] == ["Đội Kiểm soát", "Văn phòng"]
    assert len([item for item in block.items if "cells" in item]) == 6


def test_a_sheet_name_holding_a_comma_is_one_sheet(tmp_path):
    data = workbook(tmp_path / "ds.xlsx", {"Tổ 1, Tổ 2": ["Trần Thị Bình"], "Khác": ["Lê Văn An"]})
    block, diagnostics = roster(tmp_path, data, 'sheet="Tổ 1, Tổ 2"')
    assert shown(block) == [("1", "Trần Thị Bình", "1961")]  # one sheet: no heading over it
    assert "roster-sheets" not in {d.code for d in diagnostics}


def test_an_unknown_sheet_in_the_list_names_the_sheets(tmp_path):
    with pytest.raises(ManuscriptError) as error:
        roster(tmp_path, workbook(tmp_path / "ds.xlsx"), 'sheet="Văn phòng,Phòng Tài vụ"')
    assert "no sheet 'Phòng Tài vụ'" in error.value.message and "'Đội Kiểm soát'" in error.value.hint


def test_columns_are_matched_by_name_and_a_sheet_without_one_is_left_out(tmp_path):
    extra = {"Phòng Nghiệp vụ": ("Họ và tên", "STT", "Năm sinh", "Ghi chú"),  # another order, one column more
             "Đội Kiểm soát": ("STT", "Họ và tên")}  # no Năm sinh
    block, diagnostics = roster(tmp_path, workbook(tmp_path / "ds.xlsx", extra=extra), "sheet=*")
    assert shown(block) == ["Văn phòng", ("1", "Trần Thị Bình", "1961"), ("2", "Lê Văn An", "1962"),
                            ("3", "Nguyễn Hữu Chí", "1963"),
                            "Phòng Nghiệp vụ", ("1", "Phạm Thu Hà", "1961"), ("2", "Đỗ Quang Vinh", "1962")]
    left = next(d for d in diagnostics if d.code == "roster-sheet-left-out")
    assert left.level == "warning" and "'Đội Kiểm soát'" in left.message and "'Năm sinh'" in left.message
    extra_column = next(d for d in diagnostics if d.code == "roster-sheet-columns")
    assert "'Ghi chú'" in extra_column.message
    # Named with columns=, the sheet that lacks only a column not shown is read.
    block, diagnostics = roster(tmp_path / "b", workbook(tmp_path / "ds.xlsx", extra=extra),
                                'sheet=* columns="Họ và tên"')
    assert len(shown(block)) == 3 + 8 and "roster-sheet-left-out" not in {d.code for d in diagnostics}


def test_sheets_still_called_sheet1_head_nothing(tmp_path):
    data = workbook(tmp_path / "ds.xlsx", {"Sheet1": ["Trần Thị Bình"], "Trang tính2": ["Lê Văn An"]}, title=False)
    block, diagnostics = roster(tmp_path, data, "sheet=*")
    assert shown(block) == [("1", "Trần Thị Bình", "1961"), ("1", "Lê Văn An", "1961")]
    note = next(d for d in diagnostics if d.code == "roster-sheets")
    assert note.message == "roster: 2 sheets read as one list" and "rename each sheet" in note.hint


def test_what_a_sheet_leaves_out_names_the_sheet_and_its_own_sections_stay(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Văn phòng"
    header = ["STT", "Họ và tên", "Năm sinh", "Chức vụ"]
    for row in (header, [1, "Trần Thị Bình", 1961, "Chánh Văn phòng"], [2, "Lê Văn An", 1962, "Văn thư"]):
        first.append(row)
    second = book.create_sheet("Các đội")
    for row in (header, ["I", "ĐỘI KIỂM SOÁT SỐ 1"], [1, "Vũ Minh Tâm", 1970, "Đội trưởng"],
                [2, "Bùi Văn Dũng", 1971, "Kiểm soát viên"], ["II", "ĐỘI KIỂM SOÁT SỐ 2"],
                [1, "Hoàng Thị Lan", 1972, "Đội trưởng"], [2, "Phan Văn Khải", 1973, "Kiểm soát viên"], [],
                ["Tổng cộng: 4 người"]):
        second.append(row)
    book.save(tmp_path / "ds.xlsx")
    block, diagnostics = roster(tmp_path, (tmp_path / "ds.xlsx").read_bytes(), "sheet=*")
    assert [item.get("section") for item in block.items if "section" in item] == [
        "Văn phòng", "Các đội", "I. ĐỘI KIỂM SOÁT SỐ 1", "II. ĐỘI KIỂM SOÁT SỐ 2"]
    footer = next(d for d in diagnostics if d.code == "roster-footer")
    assert footer.message.startswith("roster: sheet 'Các đội', row 9") and footer.line == 9
    note = next(d for d in diagnostics if d.code == "roster-sheets")
    assert note.message.endswith("; 2 rows within them read as headings of the rows under them, each shown "
                                 "across the table")


def test_too_many_sheets_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_SHEETS", 2)
    with pytest.raises(ManuscriptError, match="has 4 sheets; a roster reads at most 2"):
        roster(tmp_path, workbook(tmp_path / "ds.xlsx"), "sheet=*")


def test_an_opendocument_workbook_is_converted_once_for_all_its_rosters(tmp_path, monkeypatch):
    from publisher.readers import libreoffice

    from .test_office_tables import as_xls

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    workbook(tmp_path / "ds.xlsx")
    ods = as_xls(tmp_path / "ds.xlsx", tmp_path / "made", "ods").read_bytes()
    runs = []
    real = libreoffice._run
    monkeypatch.setattr(libreoffice, "_run", lambda *args: runs.append(args[3]) or real(*args))
    blocks = "".join(f'```roster file=../data/ds.ods sheet="{unit}"\n```\n\n' for unit in UNITS)
    blocks += "```roster file=../data/ds.ods sheet=*\n```\n"
    root = make_project(tmp_path / "book", {"01-bai.md": f"# Cán bộ\n\n{blocks}"}, files={"data/ds.ods": ods})
    result = read(Source(path=root / "manuscripts" / "01-bai.md", rel="manuscripts/01-bai.md", root=root))
    assert runs == ["xlsx"]  # four rosters of one .ods: LibreOffice started once
    *each, joined = result.article.blocks
    assert [len(block.items) for block in each] == [3, 2, 3] and len(joined.items) == 3 + 8


@pytest.mark.slow
def test_an_old_xls_workbook_of_sheets_reads_as_the_xlsx_does(tmp_path):
    from .test_office_tables import as_xls

    xlsx = workbook(tmp_path / "ds.xlsx")
    xls = as_xls(tmp_path / "ds.xlsx", tmp_path / "made").read_bytes()
    new, _ = roster(tmp_path / "a", xlsx, "sheet=* sort=name")
    old, diagnostics = roster(tmp_path / "b", xls, "sheet=* sort=name", name="ds.xls")
    assert old.items == new.items and len(old.items) == 3 + 8  # the hidden sheet left out there too
    assert "roster-sheets" in {d.code for d in diagnostics}
