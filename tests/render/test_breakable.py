"""Long addresses (URLs, e-mails) get line-break opportunities; the text itself is unchanged."""

from __future__ import annotations

import re
import subprocess

import pypdfium2
import pytest

from publisher.pdf import write_pdf
from publisher.render.typeset import WBR, breakable
from tests.conftest import make_project
from tests.render.test_parallel import rendered

URL = "https://chicucvanthuluutru.bachvan.gov.vn/tin-tuc/ky-niem-30-nam.html"
MAIL = "phongtochuchanhchinh.chicucvanthuluutru@bachvan.gov.vn"


def test_an_address_breaks_at_its_punctuation():
    assert breakable(f"<p>Nguồn: {URL}.</p>") == (
        "<p>Nguồn: https://<wbr/>chicucvanthuluutru<wbr/>.bachvan<wbr/>.gov<wbr/>.vn<wbr/>/tin-tuc"
        "<wbr/>/ky-niem-30-nam<wbr/>.html.</p>")  # the sentence's full stop is not an address's
    assert breakable(f"thư: {MAIL}, hoặc") == (
        "thư: phongtochuchanhchinh<wbr/>.chicucvanthuluutru<wbr/>@bachvan<wbr/>.gov<wbr/>.vn, hoặc")
    assert breakable("https://a.bachvan.vn/?x=1&amp;y=22") == "https://<wbr/>a<wbr/>.bachvan<wbr/>.vn/?x<wbr/>=1<wbr/>&amp;y<wbr/>=22"


@pytest.mark.parametrize("html", [
    "Ngày 02/01/1967, hệ số 4,98; Nguyễn Thị Minh Khai; a.b@c.vn",  # short words
    "Chủ tịch Ủy ban nhân dân tỉnh Bạch Vân – nghiêng nghiêng",
    f'<a href="{URL}">trang của Chi cục</a>',  # an attribute is not text
    f"<code>{MAIL}</code> <pre>{URL}</pre>",  # nor is code
])
def test_short_words_attributes_and_code_are_left_alone(html):
    assert breakable(html) == html


def test_the_text_is_unchanged_but_for_the_break_opportunities():
    html = f'<p>Xem <a href="{URL}">{URL}</a> hay {MAIL}; số 1.234.567.890.123.456.789,50.</p>'
    assert breakable(html) != html and breakable(html).replace(WBR, "") == html


@pytest.mark.slow
def test_a_roster_with_an_address_column_stays_in_the_text_block(tmp_path):
    """Before, an e-mail address was one unbreakable word: its column took the width of the
    address and the table ran past the margin and off the trimmed page; the dates overflowed
    their narrowed column. Now the table is as wide as the text, and the addresses copy out whole."""
    other = "Nguyễn Văn An,02/01/1967,Đội Bảo vệ kho,lehoangcuong.doibaovekho.chicucvanthuluutru@bachvan.gov.vn"
    article = (f"---\ntitle: Liên hệ\n---\n\nMọi góp ý xin gửi về {MAIL} hoặc xem thêm ở {URL} "
               "trên trang thông tin điện tử của Chi cục, nơi đăng đầy đủ danh sách dưới đây.\n\n"
               "```roster number=TT\nHọ và tên,Ngày sinh,Đơn vị,Thư điện tử\n"
               f"Trần Thị Bình,11/12/1975,Kho Lưu trữ lịch sử,{MAIL}\n{other}\n```\n")
    project = make_project(tmp_path / "book", {"01-lien-he.md": article},
                           '[book]\ntitle = "Sách thử"\nslug = "thu"\ndate = 2026-10-20\ntoc = "back"\n')
    pdf = tmp_path / "thu.pdf"
    write_pdf(rendered(project), pdf, "print", parallel=False)
    document = pypdfium2.PdfDocument(str(pdf))
    number = next(i for i in range(len(document)) if "Thư điện tử" in document[i].get_textpage().get_text_range())
    text = document[number].get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars()) if not text.get_text_range(i, 1).isspace()]
    # The paragraph above the roster is justified: its first line ends at the text block's right edge.
    first = text.get_charbox(text.get_text_range().index("Mọi góp ý"))
    edge = max(right for left, bottom, right, top in boxes if abs(bottom - first[1]) < 1)
    assert edge > first[2] + 200  # a line's width (points), not a word's
    assert max(right for _, _, right, _ in boxes) <= edge + 1.0
    words = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number + 1), "-l", str(number + 1), str(pdf),
                            "-"], capture_output=True, text=True, check=True).stdout
    joined = re.sub(r"\s+", "", words)
    assert "\u200b" not in words and MAIL in joined and other.rsplit(",", 1)[1] in joined
    assert "02/01/1967" in words.split() and "11/12/1975" in words.split()  # no date runs into the next


def test_the_page_list_reads_an_address_as_one_word():
    """The EPUB's page list finds each print page's first words in the document's text: a <wbr/>
    is not a word boundary there (a block tag is)."""
    from publisher.render.pagemap import _text_index

    text, where = _text_index(breakable(f"<p>Nguồn: {URL}</p>"))
    assert text.split() == ["Nguồn:", URL]
