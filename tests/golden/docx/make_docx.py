"""Write tests/golden/docx/manuscripts/03-thu-word.docx with python-docx (run it to remake the fixture).

The .docx is committed so the golden test reads the same bytes every time; after running this,
regenerate the expected dump with PUBLISHER_ACCEPT=1 (see tests/test_golden.py) and read the diff.
"""

from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent


def main() -> None:
    document = docx.Document()
    document.core_properties.author = "template owner"  # a weak hint: the reader must ignore it
    document.add_paragraph("Gặp lại thầy cô sau ba mươi năm", style="Title")
    document.add_paragraph("Bút ký", style="Subtitle")
    first = document.add_paragraph("Chiều thu ấy, chúng tôi trở về ")
    first.add_run("mái trường xưa").italic = True
    first.add_run(", nơi ")
    first.add_run("tuổi thơ").bold = True
    first.add_run(" đã lớn lên.")
    document.add_paragraph("Lớp học cũ", style="Heading 2")
    document.add_paragraph("Bảng đen vẫn còn đó.", style="List Bullet")
    document.add_paragraph("Hàng phượng đã cao hơn mái.", style="List Bullet")
    document.add_paragraph("Học, học nữa, học mãi.", style="Quote")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("Khoá", "Số người về"), ("1991–1994", "42"))):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph("Phạm Quốc Huy", style="Normal")
    out = HERE / "manuscripts" / "03-thu-word.docx"
    out.parent.mkdir(exist_ok=True)
    document.save(out)


if __name__ == "__main__":
    main()
