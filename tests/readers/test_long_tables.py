"""A staff list typed as a table in a Word file or in Markdown (readers.longtables): a table of
LONG_TABLE rows or more is set as a roster where its shape says what every cell is, and is
left as it is, with a note naming why, where it does not."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.model import LONG_TABLE, Article, Block
from publisher.readers.longtables import Unfit, as_roster, long_tables_as_rosters
from publisher.pipeline import load_book
from publisher.render.headings import heading_rows
from tests.conftest import make_project

docx = pytest.importorskip("docx")

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ".split()
GIVEN = "An Bình Chi Dũng Hà Hải Hương Lan Linh Mai Nam Yến".split()
UNITS = ("Phòng Nghiệp vụ", "Kho Lưu trữ lịch sử", "Tổ Tu bổ – Phục chế")


def people(count: int) -> list[tuple[str, str, str]]:
    rng = random.Random(count)
    return [(f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}", f"{rng.randint(1, 28):02d}/0{rng.randint(1, 9)}/19{rng.randint(50, 99)}",
             rng.choice(UNITS)) for _ in range(count)]


def table_html(head: str, rows: list[str]) -> str:
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def article(html: str) -> Article:
    return Article(id="a", title="Danh sách", source="manuscripts/ds.md", blocks=[Block("table", html, line=7)])


HEAD = "<tr><th>STT</th><th>Họ và tên</th><th>Ngày sinh</th><th>Đơn vị</th></tr>"


def rows(count: int) -> list[str]:
    return [f"<tr><td>{n}</td><td>{name}</td><td>{born}</td><td>{unit}</td></tr>"
            for n, (name, born, unit) in enumerate(people(count), start=1)]


def test_a_long_table_becomes_a_roster_with_its_rows_in_order():
    piece = article(table_html(HEAD, rows(LONG_TABLE)))
    notes = long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert roster.kind == "roster" and roster.line == 7
    assert roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]
    assert [item["cells"][0] for item in roster.items] == [str(n) for n in range(1, LONG_TABLE + 1)]
    assert roster.items[0]["cells"][1:] == list(people(LONG_TABLE)[0])
    [note] = notes
    assert note.level == "info" and note.path == "manuscripts/ds.md" and note.line == 7
    assert note.message.startswith(f"a table of {LONG_TABLE} rows is set as a roster")


def test_section_rows_typed_in_their_cells_are_sections_too():
    # Word users type a unit's heading in the number and name cells as often as in a row merged
    # across: II | CÁC PHÒNG THAM MƯU. Found by the rule a sheet's are (readers.tableshape).
    body = rows(LONG_TABLE)
    body.insert(0, "<tr><td>I</td><td>LÃNH ĐẠO CHI CỤC</td><td></td><td></td></tr>")
    body.insert(3, "<tr><td>II</td><td><strong>CÁC PHÒNG THAM MƯU</strong></td><td></td><td></td></tr>")
    body.insert(9, "<tr><td></td><td>III. CÁC ĐƠN VỊ SỰ NGHIỆP</td><td></td><td></td></tr>")
    body.insert(20, "<tr><td>12</td><td>Trần Văn Hải</td><td></td><td></td></tr>")  # a person, dates not typed
    piece = article(table_html(HEAD, body))
    long_tables_as_rosters(piece)
    [roster] = piece.blocks
    headings = [(index, item["section"]) for index, item in enumerate(roster.items) if "section" in item]
    assert headings == [(0, "I. LÃNH ĐẠO CHI CỤC"), (3, "II. CÁC PHÒNG THAM MƯU"), (9, "III. CÁC ĐƠN VỊ SỰ NGHIỆP")]
    assert roster.items[20] == {"cells": ["12", "Trần Văn Hải", "", ""]}
    assert len(roster.items) == LONG_TABLE + 4


def test_a_table_of_fewer_rows_is_left_as_it_is():
    html = table_html(HEAD, rows(LONG_TABLE - 2))  # with the header, one row short of a long table
    piece = article(html)
    assert long_tables_as_rosters(piece) == [] and piece.blocks == [Block("table", html, line=7)]


def test_sections_merged_cells_and_inline_markup_are_kept():
    body = rows(LONG_TABLE)
    body.insert(0, '<tr><td colspan="4">I. LÃNH ĐẠO CỤC</td></tr>')
    body.insert(1, '<tr><td>1</td><td><strong>Trần Văn Hải</strong><br/>Cục trưởng</td><td>01/02/1950</td>'
                   '<td rowspan="3">Ban Giám đốc</td></tr>')
    body.insert(2, "<tr><td>2</td><td>Lê Thị Mai</td><td>03/04/1960</td></tr>")
    body.insert(3, "<tr><td>3</td><td>Phan Văn Nam</td><td>05/06/1962</td></tr>")
    body.insert(4, '<tr><td colspan="4">II. CÁC PHÒNG</td></tr>')
    title = '<tr><th colspan="4">DANH SÁCH CÁN BỘ QUA CÁC THỜI KỲ</th></tr>'
    piece = article(table_html(title, [HEAD.replace("th>", "td>"), *body]))
    [note] = long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert roster.caption == "DANH SÁCH CÁN BỘ QUA CÁC THỜI KỲ"  # the title row merged across the table
    assert roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]  # the row under it
    assert roster.items[:5] == [
        {"section": "I. LÃNH ĐẠO CỤC"},
        {"cells": ["1", "<strong>Trần Văn Hải</strong><br/>Cục trưởng", "01/02/1950", "Ban Giám đốc"]},
        {"cells": ["2", "Lê Thị Mai", "03/04/1960", "Ban Giám đốc"]},
        {"cells": ["3", "Phan Văn Nam", "05/06/1962", "Ban Giám đốc"]},
        {"section": "II. CÁC PHÒNG"}]
    assert "cells merged down are shown on each of their rows (2 repeated)" in note.message


def test_a_two_row_header_names_each_column_under_its_heading():
    head = ('<tr><th rowspan="2">STT</th><th rowspan="2">Họ và tên</th><th colspan="2">Thời gian công tác</th></tr>'
            "<tr><th>Từ</th><th>Đến</th></tr>")
    body = [f"<tr><td>{n}</td><td>Người thứ {n}</td><td>{1990 + n % 20}</td><td>2020</td></tr>"
            for n in range(1, LONG_TABLE + 1)]
    piece = article(table_html(head, body))
    long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert roster.columns == ["STT", "Họ và tên", "Thời gian công tác – Từ", "Thời gian công tác – Đến"]
    top, bottom = heading_rows(roster.columns)  # printed as the Word table's header
    assert [(c["text"], c["colspan"], c["rowspan"]) for c in top] == [
        ("STT", 1, 2), ("Họ và tên", 1, 2), ("Thời gian công tác", 2, 1)]
    assert [c["text"] for c in bottom] == ["Từ", "Đến"]


@pytest.mark.parametrize(("cell", "reason"), [
    ("<p>Nguyễn Văn An</p><p>Trưởng phòng</p>", "cells holding lists, paragraphs or pictures"),
    ("<ul><li>Nguyễn Văn An</li></ul>", "cells holding lists, paragraphs or pictures"),
    ('<img src="images/a.jpg" alt=""/>', "cells holding lists, paragraphs or pictures"),
    ('Nguyễn Văn An<a class="noteref" href="#note-1">1</a>', "cells holding notes or links"),
    ("<table><tr><td>x</td></tr></table>", "a table inside a cell"),
])
def test_a_cell_a_roster_cannot_show_keeps_the_table_with_a_note(cell, reason):
    body = rows(LONG_TABLE)
    body[100] = f"<tr><td>101</td><td>{cell}</td><td>01/01/1970</td><td>Phòng Nghiệp vụ</td></tr>"
    html = table_html(HEAD, body)
    piece = article(html)
    [note] = long_tables_as_rosters(piece)
    assert piece.blocks[0].kind == "table" and piece.blocks[0].html == html
    assert note.level == "info" and note.line == 7
    rows_counted = LONG_TABLE + 1 + cell.count("<tr")  # the header, the rows (and a table's inside a cell)
    assert f"a table of {rows_counted} rows is laid out as it is ({reason})" in note.message


@pytest.mark.parametrize(("head", "row", "reason"), [
    (HEAD, '<tr><td>5</td><td colspan="2">Nguyễn Văn An</td><td>Phòng Nghiệp vụ</td></tr>',
     "a cell across some of the columns"),
    (HEAD, "<tr><td>5</td><td>An</td><td>1970</td><td>Kho</td><td>thừa</td></tr>",
     "a row with more cells than the header has columns"),
    (HEAD + "<tr><th>(1)</th><th>(2)</th><th>(3)</th><th>(4)</th></tr>" + HEAD, None, "a header of 3 rows"),
    ('<tr><th>STT</th><th colspan="2">Họ và tên</th><th>Đơn vị</th></tr>', None, "a header cell across several columns"),
])
def test_a_table_of_another_shape_keeps_its_layout(head, row, reason):
    body = rows(LONG_TABLE)
    if row:
        body[5] = row
    piece = article(table_html(head, body))
    [note] = long_tables_as_rosters(piece)
    assert piece.blocks[0].kind == "table" and f"({reason})" in note.message


def test_a_word_staff_list_is_read_as_a_roster(tmp_path):
    """Through the pipeline: a Word file's table, its title row merged across and a unit merged down."""
    document = docx.Document()
    document.add_heading("Danh sách cán bộ qua các thời kỳ", 1)
    document.add_paragraph("Danh sách ghi tên những người đã công tác tại chi cục.")
    listed = people(300)
    table = document.add_table(rows=2, cols=4)  # rows added one by one: python-docx's cell() is slow
    table.cell(0, 0).merge(table.cell(0, 3)).text = "DANH SÁCH CÁN BỘ"
    for cell, text in zip(table.rows[1].cells, ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]):
        cell.text = text
    for number, (name, born, unit) in enumerate(listed, start=1):
        for column, (cell, text) in enumerate(zip(table.add_row().cells, [str(number), name, born, unit])):
            if not (column == 3 and number in (2, 3)):
                cell.text = text
    table.cell(2, 3).merge(table.cell(4, 3))  # the first unit merged down over three people
    document.save(tmp_path / "ds.docx")
    project = make_project(tmp_path / "book", {}, '[book]\ntitle = "Kỷ yếu"\ndate = 2026-10-20\n',
                           {"manuscripts/ds.docx": (tmp_path / "ds.docx").read_bytes()})
    loaded = load_book(project)
    [piece] = loaded.book.articles()
    roster = next(block for block in piece.blocks if block.kind in ("roster", "table"))
    assert roster.kind == "roster" and roster.caption == "DANH SÁCH CÁN BỘ"
    assert roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]
    assert len(roster.items) == 300
    assert [item["cells"][3] for item in roster.items[:3]] == [listed[0][2]] * 3
    assert [item["cells"][1] for item in roster.items] == [name for name, _, _ in listed]
    assert any(d.code == "long-table" and d.path == "manuscripts/ds.docx" and "300 rows is set as a roster" in d.message
               for d in loaded.diagnostics)


def markdown_staff_list(count: int) -> str:
    lines = ["---", "title: Danh sách", "---", "", "| STT | Họ và tên | Ngày sinh | Đơn vị |", "|---:|---|:---:|---|"]
    lines += [f"| {n} | **{name}** | {born} | {unit} |" for n, (name, born, unit) in enumerate(people(count), start=1)]
    return "\n".join(lines) + "\n"


def test_a_markdown_table_of_hundreds_of_rows_is_a_roster_too(tmp_path):
    project = make_project(tmp_path, {"ds.md": markdown_staff_list(250)}, '[book]\ntitle = "Kỷ yếu"\n')
    [piece] = load_book(project).book.articles()
    [roster] = piece.blocks
    assert roster.kind == "roster" and roster.line == 5 and len(roster.items) == 250
    assert roster.items[0]["cells"][1] == f"<strong>{people(250)[0][0]}</strong>"
    assert roster.align == ["right", "", "center", ""]  # |---:|---|:---:|---|, as a short table keeps it


def test_a_column_keeps_the_alignment_all_its_cells_share():
    def aligned(n: int, number: str, born: str) -> str:
        return (f'<tr><td style="text-align:{number}">{n}</td><td>Tên {n}</td>'
                f'<td style="text-align: {born};">01/01/1960</td><td>Phòng</td></tr>')

    body = [aligned(n, "center", "right" if n != 7 else "left") for n in range(1, LONG_TABLE + 1)]
    roster, _ = as_roster(Block("table", table_html(HEAD, body), line=3))
    assert roster.align == ["center", "", "", ""]  # the dates' column is not aligned one way throughout
    plain, _ = as_roster(Block("table", table_html(HEAD, rows(LONG_TABLE)), line=3))
    assert plain.align is None
    # Tables joined into one roster keep what every one of them gave a column.
    blocks = [Block("heading", f"Phòng {k}", level=2, line=10 * k) for k in (1, 2)]
    tables = [Block("table", table_html(HEAD, [aligned(n, "center", "right") for n in range(1, 121)]), line=11),
              Block("table", table_html(HEAD, [aligned(n, "center", "center") for n in range(1, 121)]), line=21)]
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.md",
                    blocks=[blocks[0], tables[0], blocks[1], tables[1]])
    long_tables_as_rosters(piece)
    [joined] = piece.blocks
    assert joined.kind == "roster" and joined.align == ["center", "", "", ""]


def test_a_table_too_long_to_read_says_to_split_the_table(tmp_path, monkeypatch):
    from publisher.errors import ManuscriptError
    from publisher.readers import source

    monkeypatch.setattr(source, "MAX_BLOCK_CHARS", 10_000)
    project = make_project(tmp_path, {"ds.md": markdown_staff_list(250)}, '[book]\ntitle = "Kỷ yếu"\n')
    with pytest.raises(ManuscriptError) as caught:
        load_book(project)
    assert caught.value.path == "manuscripts/ds.md" and caught.value.line == 5
    assert caught.value.hint.startswith("split the table into several")


MARKUP = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "</th>", "<thead>", "</thead>", "<tbody>",
          "</tbody>", "<tfoot>", '<td colspan="3">', '<td rowspan="x">', '<td rowspan="99999999999">', "<![if x]>",
          "<!x", "<?x>", "<caption>", "</caption>", "Hà", "&amp;", "&#xZZ;", "<br/>", "<strong>", "</em>", "<", ">",
          '<td colspan="-4">', "<!--", "-->", "<![CDATA[", "]]>", "<col>", "<colgroup>", "\n"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(MARKUP), max_size=80))
def test_any_markup_is_a_roster_or_left_as_it_is(pieces):
    """A table's markup comes from Word files and Markdown that may be hostile: never a traceback."""
    try:
        roster, _ = as_roster(Block("table", "".join(pieces)))
    except Unfit:
        return
    assert roster.kind == "roster" and all(len(item.get("cells", roster.columns)) == len(roster.columns)
                                           for item in roster.items)


def units(*sizes: int, level: int = 2, heads: list[str] | None = None) -> list[Block]:
    """A staff list typed a table a unit: each unit's heading over its table."""
    blocks, start = [], 0
    for number, size in enumerate(sizes):
        blocks.append(Block("heading", f"Phòng thứ {number + 1}", level=level, line=10 + number * 200))
        body = rows(start + size)[start:]
        blocks.append(Block("table", table_html((heads or [HEAD] * len(sizes))[number], body), line=11 + number * 200))
        start += size
    return blocks


def test_tables_each_under_its_heading_are_one_roster_in_sections():
    intro, outro = Block("paragraph", "Danh sách theo đơn vị.", line=3), Block("paragraph", "Hết danh sách.", line=999)
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.docx", blocks=[intro, *units(120, 90, 60), outro])
    [note] = long_tables_as_rosters(piece)
    assert [b.kind for b in piece.blocks] == ["paragraph", "roster", "paragraph"]
    roster = piece.blocks[1]
    assert roster.line == 10 and roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]
    sections = [i for i, item in enumerate(roster.items) if "section" in item]
    assert sections == [0, 121, 212] and roster.items[121] == {"section": "Phòng thứ 2"}
    assert [item["cells"][0] for item in roster.items[122:124]] == ["121", "122"]  # each table's rows as they were
    assert len(roster.items) == 273
    assert note.message.startswith("3 tables, each under its heading (“Phòng thứ 1” …), set as one roster of 270 rows")


@pytest.mark.parametrize("case", ["other columns", "text between", "other levels", "too few rows"])
def test_tables_under_headings_of_another_kind_stay_as_they_are(case):
    blocks = units(120, 90)
    if case == "other columns":
        blocks = units(120, 90, heads=[HEAD, HEAD.replace("Đơn vị", "Chức vụ")])
    elif case == "text between":
        blocks.insert(2, Block("paragraph", "Phòng thứ hai có chín mươi người."))
    elif case == "other levels":
        blocks = units(120, 1)[:2] + units(120, 90, level=3)[2:]
    else:
        blocks = units(100, 90)
    before = [b.kind for b in blocks]
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.docx", blocks=blocks)
    assert long_tables_as_rosters(piece) == [] and [b.kind for b in piece.blocks] == before


@pytest.mark.parametrize("where", ["repeated with the header", "first row of the body"])
def test_a_row_numbering_the_columns_is_left_out(where):
    numbering = "<tr>" + "".join(f"<td>({n})</td>" for n in range(1, 5)) + "</tr>"
    if where == "repeated with the header":
        html = table_html(HEAD + numbering.replace("td>", "th>"), rows(LONG_TABLE))
    else:
        html = table_html(HEAD, [numbering, *rows(LONG_TABLE)])
    piece = article(html)
    long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]
    assert len(roster.items) == LONG_TABLE and roster.items[0]["cells"][0] == "1"


def test_tables_one_after_another_each_titled_by_its_unit_are_one_roster():
    """Each table opens with its unit's name merged across it; or Word split one table in two."""
    blocks, start = [], 0
    for number, size in enumerate((80, 80, 80)):
        title = f'<tr><td colspan="4">PHÒNG THỨ {number + 1}</td></tr>'
        blocks.append(Block("table", table_html(title, [HEAD.replace("th>", "td>"), *rows(start + size)[start:]]),
                            line=20 + number))
        start += size
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.docx", blocks=blocks)
    [note] = long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert roster.line == 20 and roster.columns == ["STT", "Họ và tên", "Ngày sinh", "Đơn vị"]
    assert [i for i, item in enumerate(roster.items) if "section" in item] == [0, 81, 162]
    assert roster.items[81] == {"section": "PHÒNG THỨ 2"} and len(roster.items) == 243
    assert note.message.startswith("3 tables one after another set as one roster of 240 rows, the title row of each")

    split = [Block("table", table_html(HEAD, rows(150))), Block("table", table_html(HEAD, rows(250)[150:]))]
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.docx", blocks=split)
    long_tables_as_rosters(piece)
    [roster] = piece.blocks
    assert [item["cells"][0] for item in roster.items] == [str(n) for n in range(1, 251)]

    other = [Block("table", table_html(HEAD, rows(150))),
             Block("table", table_html(HEAD.replace("Đơn vị", "Chức vụ"), rows(250)[150:]))]
    piece = Article(id="a", title="Danh sách", source="manuscripts/ds.docx", blocks=list(other))
    assert long_tables_as_rosters(piece) == [] and piece.blocks == other
