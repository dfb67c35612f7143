"""Numbers in a roster as the sheet shows them (readers.cellformat): a staff number keeps its
leading zeros, a phone number its spaces, a salary its thousands, a coefficient computed by a
formula is not 4,9799999999999995, with Vietnamese separators; a column of them sorts by value."""

from __future__ import annotations

import decimal

import pytest

from publisher.readers.cellformat import show, show_number

from .test_office_tables import _roster, as_xls

openpyxl = pytest.importorskip("openpyxl")

# Excel's accounting format as Vietnamese Windows writes it (the "Comma Style" button).
ACCOUNTING = '_-* #,##0\\ _₫_-;\\-* #,##0\\ _₫_-;_-* "-"??\\ _₫_-;_-@_-'


@pytest.mark.parametrize("value, number_format, shown", [
    (123, "00000", "00123"),
    (912345678, "0### ### ###", "0912 345 678"),
    (912345678, "0000000000", "0912345678"),
    (4.9799999999999995, None, "4,98"),  # a formula's result, to Excel's 15 digits
    (0.30000000000000004, "General", "0,3"),
    (1995, "General", "1995"),  # General never groups
    (1995.0, None, "1995"),
    (123456789012, None, "123456789012"),
    (1250000, "#,##0", "1.250.000"),
    (1250000.5, "#,##0.00", "1.250.000,50"),
    (1234567, ACCOUNTING, "1.234.567"),
    (-1234567, ACCOUNTING, "-1.234.567"),
    (0, ACCOUNTING, "-"),
    (-1234.5, "#,##0.00;(#,##0.00)", "(1.234,50)"),
    (-1234.5, "#,##0.00", "-1.234,50"),
    (0.85, "0%", "85%"),
    (0.125, "0.0%", "12,5%"),
    (4.5, "0.0#", "4,5"),
    (4.567, "0.0#", "4,57"),
    (2.5, "0", "3"),  # half away from zero, as Excel rounds (Python's round gives 2)
    (0.125, "0.00", "0,13"),
    (1234567, "#,##0,", "1.235"),  # a comma after the digits: thousands
    (5, "#,##0 [$₫-42A]", "5 ₫"),
    (1500000, '#,##0" đồng"', "1.500.000 đồng"),
    (5, '"Hệ số "0.00', "Hệ số 5,00"),
    (5, "[Red]0.00", "5,00"),
    (42, 'General" người"', "42 người"),
    (0, "0;-0;;@", ""),  # an empty zero section hides zeros
    (7, '[<10]"nhỏ";General', "7"),  # formats not rendered here show as General
    (0.5, "# ?/?", "0,5"),
    (12345, "0.00E+00", "12345"),
    (decimal.Decimal("2.50"), "0.0", "2,5"),
])
def test_a_number_is_shown_as_its_format_shows_it(value, number_format, shown):
    assert show_number(value, number_format) == shown


def test_other_values():
    assert show(True) == "TRUE" and show(None) == "" and show("Nguyễn") == "Nguyễn"
    assert show(float("nan")) == "nan"


def _staff_sheet(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã số", "Họ và tên", "Điện thoại", "Lương", "Hệ số", "Tỷ lệ"])
    people = [("Trần Thị Bình", 123, 912345678, 12500000, 4.9799999999999995, 0.85),
              ("Lê Văn An", 4501, 983000111, 980000, 2.34, 1),
              ("Nguyễn Hữu Chí", 77, 0, 0, 10.5, 0.125)]
    for name, number, phone, salary, coefficient, share in people:
        sheet.append([number, name, phone or None, salary, coefficient, share])
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "00000"
        sheet.cell(row, 3).number_format = "0### ### ###"
        sheet.cell(row, 4).number_format = ACCOUNTING
        sheet.cell(row, 6).number_format = "0.0%"
    book.save(path)
    return path


EXPECTED = [["00123", "Trần Thị Bình", "0912 345 678", "12.500.000", "4,98", "85,0%"],
            ["04501", "Lê Văn An", "0983 000 111", "980.000", "2,34", "100,0%"],
            ["00077", "Nguyễn Hữu Chí", "", "-", "10,5", "12,5%"]]


def test_a_staff_list_keeps_what_its_formats_show(tmp_path):
    sheet = _staff_sheet(tmp_path / "ds.xlsx")
    block, diagnostics = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, "file=../data/ds.xlsx")
    assert [item["cells"] for item in block.items] == EXPECTED
    assert diagnostics == []


@pytest.mark.parametrize("column, order", [
    ("Lương", ["Nguyễn Hữu Chí", "Lê Văn An", "Trần Thị Bình"]),  # "-" is zero; as words 12.500.000 came first
    ("Hệ số", ["Lê Văn An", "Trần Thị Bình", "Nguyễn Hữu Chí"]),  # 2,34 < 4,98 < 10,5
    ("Tỷ lệ", ["Nguyễn Hữu Chí", "Trần Thị Bình", "Lê Văn An"]),
])
def test_a_column_of_numbers_sorts_by_value(tmp_path, column, order):
    sheet = _staff_sheet(tmp_path / "ds.xlsx")
    block, _ = _roster(tmp_path / "p", {"data/ds.xlsx": sheet.read_bytes()}, f'file=../data/ds.xlsx sort="{column}"')
    assert [item["cells"][1] for item in block.items] == order


def test_thousands_sort_by_value_not_by_their_first_digits(tmp_path):
    csv = "Họ và tên;Lương\nA;1.250.000\nB;980.000\nC;\nD;12.000.000\nE;-5\n"
    block, _ = _roster(tmp_path, {"data/ds.csv": csv.encode("utf-8")}, "file=../data/ds.csv sort=Lương")
    assert [item["cells"][0] for item in block.items] == ["E", "B", "A", "D", "C"]  # the empty cell last


@pytest.mark.slow
def test_the_same_list_as_an_old_xls_workbook(tmp_path):
    """The .xls reader (xlrd) gives each number cell its format too."""
    xls = as_xls(_staff_sheet(tmp_path / "ds.xlsx"), tmp_path / "made")
    block, _ = _roster(tmp_path / "p", {"data/ds.xls": xls.read_bytes()}, "file=../data/ds.xls")
    assert [item["cells"] for item in block.items] == EXPECTED


def test_any_format_in_a_hostile_workbook_gives_text_not_a_traceback():
    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["0", "#", "?", ".", ",", "%", ";", '"', '"x"', "\\", "_", "*", "[", "]", "[$₫-42A]",
                              "[Red]", "[>=5]", "General", "E+", "/", "@", " ", "-", "y", "m", "đ"])
    numbers = st.one_of(st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                        st.decimals(allow_nan=False, allow_infinity=False))

    @settings(max_examples=3000, deadline=None, database=None)
    @given(numbers, st.lists(pieces, max_size=60).map("".join))
    def check(value, number_format):
        assert isinstance(show(value, number_format), str)

    check()
    assert len(show(1.7976931348623157e308, "0" + "%" * 254)) > 1000  # every digit, no precision error
