"""Tests for publisher.readers.text: web copies of news articles (.txt)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from publisher.errors import ManuscriptError
from publisher.readers import Source, read
from publisher.readers.inline import byline_names

TITLE = "Cục Hải quan Lạng Sơn tổng kết công tác năm 2021"
LEAD = (
    "Sáng 20/10, Cục Hải quan tỉnh Lạng Sơn tổ chức hội nghị tổng kết công tác năm 2021, "
    "triển khai nhiệm vụ năm 2022."
)
BODY = (
    "Năm 2021, trong bối cảnh dịch bệnh COVID-19 diễn biến phức tạp, đơn vị đã hoàn thành "
    "vượt mức chỉ tiêu thu ngân sách được giao."
)
CAPTION = "Lãnh đạo Cục trao bằng khen cho các cá nhân"
CLOSING = "Hội nghị cũng đề ra các giải pháp trọng tâm cho năm 2022."
AUTHOR = "Nguyễn Thu Hà"

NEWS = f"""Thứ tư,  20/10/2021

{TITLE}

LSO-{LEAD[:60]}...

LSO-{LEAD}
{BODY}
{CAPTION}
{CLOSING}

{AUTHOR}
"""


def write(tmp_path: Path, name: str, content: str | bytes, **options) -> Source:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return Source(path=path, rel=name, root=tmp_path, options=options)


def test_news_article_layout(tmp_path):
    result = read(write(tmp_path, "tong_ket.txt", NEWS))
    article = result.article
    assert article.title == TITLE
    assert article.date == "2021-10-20"
    assert article.authors == [AUTHOR]
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["paragraph", "paragraph", "caption", "paragraph"]
    assert article.blocks[0].html == f'<span class="dateline">LSO</span> – {LEAD}'
    # the teaser that repeats the lead is printed once only
    assert article.text().count(LEAD[:60]) == 1
    assert article.blocks[2].html == CAPTION
    assert article.blocks[2].line == 9
    assert article.blocks[0].line == 7
    assert article.meta["guessed"] == {
        "date": "date line",
        "title": "first line",
        "teaser": "dropped",
        "byline": "last line",
        "captions": 1,
        "agency": "LSO",
    }
    infos = {(d.code, d.line) for d in result.diagnostics if d.level == "info"}
    assert ("text-date", 1) in infos
    assert ("text-teaser", 5) in infos
    assert ("text-caption", 9) in infos
    assert ("text-byline", 12) in infos
    assert all(d.path == "tong_ket.txt" for d in result.diagnostics)


def test_agency_prefix_remove_and_spaced_dash(tmp_path):
    text = NEWS.replace("LSO-", "BLC - ")
    article = read(write(tmp_path, "a.txt", text, agency_prefix="remove")).article
    assert article.blocks[0].html == LEAD
    assert article.meta["guessed"]["agency"] == "BLC"
    assert article.meta["guessed"]["teaser"] == "dropped"


def test_bad_option_is_an_error(tmp_path):
    with pytest.raises(ManuscriptError, match="agency_prefix"):
        read(write(tmp_path, "a.txt", NEWS, agency_prefix="drop"))


def test_no_blank_lines_one_paragraph_per_line(tmp_path):
    text = "\n".join(line for line in NEWS.split("\n") if line.strip())
    article = read(write(tmp_path, "a.txt", text)).article
    assert article.title == TITLE
    assert article.authors == [AUTHOR]
    assert [b.kind for b in article.blocks] == [
        "paragraph",
        "paragraph",
        "caption",
        "paragraph",
    ]


def test_teaser_that_does_not_repeat_is_kept(tmp_path):
    text = f"{TITLE}\n\nMột đoạn khác hẳn, kết thúc bằng...\n\n{LEAD}\n"
    article = read(write(tmp_path, "a.txt", text)).article
    assert "teaser" not in article.meta["guessed"]
    assert article.blocks[0].html == "Một đoạn khác hẳn, kết thúc bằng..."
    assert article.date is None
    assert article.authors == []


def test_covid_is_not_an_agency(tmp_path):
    text = f"{TITLE}\n\nCOVID-19 vẫn diễn biến phức tạp trên địa bàn tỉnh.\n"
    article = read(write(tmp_path, "a.txt", text)).article
    assert "agency" not in article.meta["guessed"]
    assert (
        article.blocks[0].html == "COVID-19 vẫn diễn biến phức tạp trên địa bàn tỉnh."
    )


def test_front_matter_overrides_guesses(tmp_path):
    text = (
        "---\ntitle: Tổng kết năm 2021\nauthor: Trần Văn Bình\ndate: 2021-10-21\n"
        "summary: Tóm tắt\n---\n" + NEWS
    )
    result = read(write(tmp_path, "a.txt", text))
    article = result.article
    assert article.title == "Tổng kết năm 2021"
    assert article.authors == ["Trần Văn Bình"]
    assert article.date == "2021-10-21"
    assert article.summary == "Tóm tắt"
    # the title line, date line and byline are not printed as body text
    assert TITLE not in article.text().replace("Tổng kết năm 2021", "")
    assert AUTHOR not in article.text()
    assert (
        "date" not in article.meta["guessed"] and "title" not in article.meta["guessed"]
    )
    # lines are counted in the whole file, front matter included
    assert article.blocks[0].line == 7 + 6


def test_sidecar_overrides_guesses(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "title: Tiêu đề từ tệp kèm\nauthors: [An, Bình]\n", encoding="utf-8"
    )
    article = read(write(tmp_path, "a.txt", NEWS)).article
    assert article.title == "Tiêu đề từ tệp kèm"
    assert article.authors == ["An", "Bình"]
    assert article.date == "2021-10-20"


def test_bad_front_matter_is_an_error(tmp_path):
    with pytest.raises(ManuscriptError) as info:
        read(write(tmp_path, "a.txt", "---\ntitle: [unclosed\n---\nText\n"))
    assert info.value.path == "a.txt"
    with pytest.raises(ManuscriptError, match="date"):
        read(write(tmp_path, "b.txt", "---\ndate: hôm qua\n---\nTitle\n"))


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed base letters (ư ơ ă â ê ô đ) plus combining tones."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize(
                "NFC", "".join(c for c in parts if c not in TONES)
            )
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def test_cp1258_file(tmp_path):
    data = to_cp1258(NEWS)
    article = read(write(tmp_path, "a.txt", data)).article
    assert article.title == TITLE
    assert article.authors == [AUTHOR]
    assert article.meta.get("encoding") == "cp1258"


def test_tcvn3_file(tmp_path):
    from publisher.legacy import encode_tcvn3, surface_to_bytes

    data = surface_to_bytes(encode_tcvn3(NEWS.replace("Cục", "cục")))
    article = read(write(tmp_path, "a.txt", data)).article
    assert article.title == TITLE.replace("Cục", "cục")
    assert article.authors == [AUTHOR]


def test_bullet_lines_become_a_list(tmp_path):
    text = f"{TITLE}\n{LEAD}\n- Thu ngân sách đạt 120%\n- Không có vụ việc vi phạm\n{CLOSING}\n"
    article = read(write(tmp_path, "a.txt", text)).article
    assert [b.kind for b in article.blocks] == ["paragraph", "list", "paragraph"]
    assert (
        article.blocks[1].html
        == "<ul><li>Thu ngân sách đạt 120%</li><li>Không có vụ việc vi phạm</li></ul>"
    )


def test_escaping(tmp_path):
    text = f"{TITLE}\nA & B <b>không</b> phải thẻ.\n"
    article = read(write(tmp_path, "a.txt", text)).article
    assert article.blocks[0].html == "A &amp; B &lt;b&gt;không&lt;/b&gt; phải thẻ."


def test_short_lines_option_and_blank_line_mode(tmp_path):
    wrapped = f"{TITLE}\n\n{LEAD[:50]}\n{LEAD[50:]}\n\n{CAPTION}\n\n{CLOSING}\n"
    article = read(
        write(
            tmp_path, "a.txt", wrapped, paragraphs="blank-line", short_lines="paragraph"
        )
    ).article
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph", "paragraph"]
    assert article.blocks[0].html.replace(" ", "") == LEAD.replace(" ", "")


def test_no_title_line_uses_file_name(tmp_path):
    result = read(write(tmp_path, "bai-viet.txt", LEAD + "\n" + BODY + "\n"))
    assert result.article.title == "bai-viet"
    assert any(
        d.level == "warning" and d.code == "text-title" for d in result.diagnostics
    )


@pytest.mark.parametrize(
    "line, names",
    [
        ("Nguyễn Thu Hà", ["Nguyễn Thu Hà"]),
        ("Minh Anh - Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Hoàng Nam (TTXVN)", ["Hoàng Nam"]),
        ("Trân trọng cảm ơn.", None),
        ("Hà Nội 2021", None),
        ("Ban biên tập", None),
        ("Anh", None),
    ],
)
def test_byline_names(line, names):
    assert byline_names(line) == names


@pytest.mark.parametrize(
    "line, iso",
    [
        ("Thứ tư,  20/10/2021", "2021-10-20"),
        ("Chủ nhật, 03/01/2021 08:30", "2021-01-03"),
        ("T4, 20-10-2021", "2021-10-20"),
        ("Thứ Tư, ngày 20 tháng 10 năm 2021", "2021-10-20"),
        ("20.10.2021 | 14:05 (GMT+7)", "2021-10-20"),
        ("31/02/2021", None),
    ],
)
def test_date_lines(tmp_path, line, iso):
    article = read(write(tmp_path, "a.txt", f"{line}\n{TITLE}\n{LEAD}\n")).article
    assert article.date == iso


def test_lines_of_a_pdf_copied_as_text_are_joined(tmp_path):
    """Text copied from a PDF keeps the PDF's lines: a long line without final punctuation and a
    next line in lower case are one sentence; a poem's short lines stay."""
    text = ("Hồi ức những ngày đầu\n\n"
            "Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn\n"
            "phòng nhỏ mượn của Sở Nội vụ, tài liệu được bó gói trên giá gỗ trong\n"
            "kho tạm ở khu bến cũ.\n"
            "Ba mươi năm giữ lửa giữ kho\n"
            "ngọn đèn thao thức, câu hò ru đêm.\n")
    result = read(write(tmp_path, "hoi-uc.txt", text))
    assert [b.text for b in result.article.blocks][:1] == [
        "Những ngày đầu thành lập, Chi cục chỉ có bảy cán bộ và một căn phòng nhỏ mượn của Sở Nội vụ, tài liệu "
        "được bó gói trên giá gỗ trong kho tạm ở khu bến cũ."]
    assert "ngọn đèn thao thức, câu hò ru đêm." in [b.text for b in result.article.blocks]
    notes = [(d.line, d.message) for d in result.diagnostics if d.code == "text-lines"]
    assert notes == [(4, "2 lines broken in the middle of a sentence (text copied from a PDF) joined to the line before")]
