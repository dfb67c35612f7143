"""Legacy Vietnamese fonts in Word, RTF/.doc and Excel files: names, styles, scores.

Fixtures are written here (python-docx, openpyxl, LibreOffice where installed) from
original Vietnamese sentences, encoded with publisher.legacy's encoders; the TCVN3
fixture text is checked against glibc iconv.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

from publisher import legacy  # noqa: E402
from publisher.encodings import legacy_font_kind  # noqa: E402
from publisher.errors import ManuscriptError  # noqa: E402
from publisher.legacy import encode_tcvn3, encode_vni  # noqa: E402
from publisher.legacyfonts import LegacyText, judge, reads_as_legacy  # noqa: E402
from publisher.normalize.tones import apply_tone_style  # noqa: E402
from publisher.readers import Source, libreoffice, read  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import accuracy  # noqa: E402

SENTENCE = "Sở Tài chính tỉnh Bắc Giang đã hoàn thành kế hoạch thu ngân sách năm 2004."
VNI_SENTENCE = "Ủy ban nhân dân tỉnh giao Sở Kế hoạch chủ trì, phối hợp với các ngành."
CLOSED = "hoàn hoạt toàn quý quýt giúp khuya"


def source(path: Path, root: Path) -> Source:
    return Source(path=path, rel=path.relative_to(root).as_posix(), root=root)


def read_docx(tmp_path: Path, paragraphs, **options):
    path = tmp_path / "bai.docx"
    accuracy.write_docx(path, paragraphs, **options)
    return read(source(path, tmp_path))


# --- font names ----------------------------------------------------------------------------


@pytest.mark.parametrize(("font", "kind"), [
    (".VnTime", "tcvn3"), (".VnTimeH", "tcvn3-caps"), ("VNTime", "tcvn3"), ("VnTime", "tcvn3"),
    ("VnTimeH", "tcvn3-caps"), (".VnArial", "tcvn3"), (".VnArialH", "tcvn3-caps"), (".VNTIMEH", "tcvn3-caps"),
    (".VnCentury Schoolbook", "tcvn3"), (".VnBook-AntiquaH", "tcvn3-caps"), ("VNSTCVN3", "tcvn3"),
    (".VnTime (Ds)", "tcvn3"), (".VnTimeH (Ds)", "tcvn3-caps"), (".VnTime(Ds)", "tcvn3"), ("VNI-Times(Ds)", "vni"), (".VnTime Bold", "tcvn3"),
    ("VNI-Times", "vni"), ("VNI-Helve", "vni"), ("VNI Times", "vni"), ("VNSVNI2", "vni"),
    ("VNI-Times (Ds)", "vni"), ("vni-aptima", "vni"),
    ("Times New Roman", None), ("Arial", None), ("Verdana", None), ("Vivaldi", None), ("VNF-Comic Sans", None),
    ("SVN-Gotham", None), ("TCVN6909 Times", None), ("VPS Times", None), ("Vni", None), ("", None), (None, None),
])  # fmt: skip
def test_font_names_by_rule(font, kind):
    assert legacy_font_kind(font) == kind


# --- VNI table -----------------------------------------------------------------------------

# The published VNI-Windows layout (as in xvnkb's vni.h): for each base, no tone, sắc,
# huyền, hỏi, ngã, nặng. Written out here, independently of publisher.legacy.
PUBLISHED_VNI = {
    "a": "a aù aø aû aõ aï", "â": "aâ aá aà aå aã aä", "ă": "aê aé aè aú aü aë",
    "e": "e eù eø eû eõ eï", "ê": "eâ eá eà eå eã eä", "o": "o où oø oû oõ oï",
    "ô": "oâ oá oà oå oã oä", "ơ": "ô ôù ôø ôû ôõ ôï", "u": "u uù uø uû uõ uï",
    "ư": "ö öù öø öû öõ öï", "i": "i í ì æ ó ò", "y": "y yù yø yû yõ î",
}  # fmt: skip
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


@pytest.mark.parametrize("base", sorted(PUBLISHED_VNI))
def test_vni_table_every_vowel_tone_and_case(base):
    for tone, surface in zip(TONES, PUBLISHED_VNI[base].split()):
        letter = unicodedata.normalize("NFC", base + tone)
        assert legacy.decode_vni(surface) == letter
        assert legacy.decode_vni(surface.upper()) == letter.upper()
        assert legacy.encode_vni(letter) == surface
        assert legacy.encode_vni(letter.upper()) == surface.upper()


@pytest.mark.parametrize(("surface", "expected"), [
    ("iù", "í"), ("iø", "ì"), ("iû", "ỉ"), ("iõ", "ĩ"), ("iï", "ị"),
    ("IÙ", "Í"), ("IØ", "Ì"), ("IÛ", "Ỉ"), ("IÕ", "Ĩ"), ("IÏ", "Ị"), ("Iù", "Í"),
    ("yï", "ỵ"), ("YÏ", "Ỵ"),
    ("chiù thò", "chí thị"), ("Tieàn Giang, tænh", "Tiền Giang, tỉnh"), ("kyõ thuaät, quî", "kỹ thuật, quỵ"),
])  # fmt: skip
def test_vni_i_and_y_with_plain_tone_marks(surface, expected):
    assert legacy.decode_vni(surface) == expected


# --- judging text --------------------------------------------------------------------------


@pytest.mark.parametrize("font", [None, "Times New Roman", ".VnTime", "VNI-Times"])
def test_unicode_words_are_never_changed(font):
    for text in (SENTENCE, VNI_SENTENCE, CLOSED, "Cá và tôm", "café"):
        pieces = LegacyText()
        pieces.add(text, font, 1)
        if font in (".VnTime", "VNI-Times") and not any(ord(c) > 0xFF for c in text):
            continue  # all Latin-1 in a legacy font: the font decides (see the next test)
        assert pieces.convert() == [text]


def test_latin1_only_text_in_legacy_font_follows_the_font():
    assert judge("Bé", "tcvn3") == "tcvn3"  # drawn as "Bộ" by the font the author saw
    assert judge("Bé", None) is None  # too short to tell on its own
    assert judge("Cá và tôm", None) in ("", None)


def test_wrong_font_name_is_overruled_by_the_letters():
    assert judge(encode_vni(SENTENCE), "tcvn3") == "vni"
    assert judge(encode_tcvn3(SENTENCE), "vni") == "tcvn3"
    assert judge(encode_tcvn3(SENTENCE), None) == "tcvn3"
    assert judge(SENTENCE, "tcvn3") == ""


def test_short_pieces_follow_the_rest_of_their_font():
    pieces = LegacyText()
    pieces.add(encode_tcvn3("Bộ"), "Arial", 1)  # "Bé": valid Unicode too
    pieces.add(encode_tcvn3(SENTENCE), "Arial", 2)
    assert pieces.convert() == ["Bộ", SENTENCE]
    assert pieces.detected == {"Arial": {"tcvn3"}}


def test_vni_mark_split_across_runs_is_joined():
    pieces = LegacyText()
    surface = encode_vni("Việt Nam")  # "Vieät Nam"
    pieces.add(surface[:3], "VNI-Times", 1)
    pieces.add(surface[3:], "VNI-Times", 1)
    assert "".join(pieces.convert()) == "Việt Nam"


@pytest.mark.parametrize("style", ["old", "new"])
@pytest.mark.parametrize("encode, font", [(lambda t: t, "Times New Roman"), (encode_tcvn3, ".VnTime"),
                                          (encode_vni, "VNI-Times")], ids=["unicode", "tcvn3", "vni"])
def test_closed_syllables_keep_their_tone_marks(tmp_path, encode, font, style):
    article = read_docx(tmp_path, [[(encode(CLOSED + "."), font)]]).article
    text = article.blocks[0].text
    assert text == CLOSED + "."
    assert apply_tone_style(text, style) == CLOSED + "."


# --- Word files ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv is not installed")
def test_tcvn3_fixture_text_agrees_with_glibc_iconv():
    for text in accuracy.REFERENCE + [accuracy.HEADING, SENTENCE]:
        data = legacy.surface_to_bytes(encode_tcvn3(text))
        result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True,
                                check=True)
        assert unicodedata.normalize("NFC", result.stdout.decode()) == text


@pytest.mark.parametrize("font", accuracy.TCVN3_FONTS + accuracy.VNI_FONTS)
def test_every_font_name_seen_in_real_files(tmp_path, font):
    encode = encode_vni if legacy_font_kind(font) == "vni" else encode_tcvn3
    result = read_docx(tmp_path, [[(encode(SENTENCE), font)]])
    assert result.article.blocks[0].text == SENTENCE
    assert result.article.meta["legacy_fonts"] == {font: 1}


@pytest.mark.parametrize("options", [
    {"normal_font": ".VnTime"}, {"default_font": "VNTime"}, {"paragraph_style": (".VnArial", "Base VN")},
    {"character_style": "VnTime"},
], ids=["Normal style", "docDefaults", "basedOn", "character style"])
def test_font_only_in_styles_or_defaults(tmp_path, options):
    article = read_docx(tmp_path, [[(encode_tcvn3(SENTENCE), None)]], **options).article
    assert article.blocks[0].text == SENTENCE


def test_unknown_font_mixed_tcvn3_and_vni(tmp_path):
    result = read_docx(tmp_path, [
        [(encode_tcvn3(SENTENCE), "Times New Roman")],
        [(encode_vni(VNI_SENTENCE), "Times New Roman")],
        [(encode_tcvn3("Ngày 12 tháng 3, "), ".VnTime"), (encode_vni("Ủy ban họp."), "VNI-Helve")],
        [("Chữ Unicode đúng giữ nguyên: hoàn toàn, quý.", "Times New Roman")],
    ])
    assert [b.text for b in result.article.blocks] == [
        SENTENCE, VNI_SENTENCE, "Ngày 12 tháng 3, Ủy ban họp.", "Chữ Unicode đúng giữ nguyên: hoàn toàn, quý."]
    found = [d.message for d in result.diagnostics if d.code == "docx-legacy-guess"]
    assert found == ["2 runs in the font Times New Roman read as TCVN3 and VNI by their letters and converted "
                     "to Unicode"]


def test_heading_in_h_font_comes_out_in_capitals(tmp_path):
    article = read_docx(tmp_path, [[(encode_tcvn3(SENTENCE), ".VnTime")]],
                        heading=[(encode_tcvn3(accuracy.HEADING), ".VnTimeH (Ds)")]).article
    assert article.title == accuracy.HEADING.upper()


def test_all_caps_runs_come_out_in_capitals(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    path = tmp_path / "caps.docx"
    document = docx.Document()
    run = document.add_paragraph().add_run(encode_tcvn3("cộng hòa xã hội chủ nghĩa việt nam"))
    run.font.name, run.font.all_caps = ".VnTime", True
    style = document.styles.add_style("Quoc hieu", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name, style.font.all_caps = ".VnTime", True
    document.add_paragraph(encode_tcvn3("độc lập – tự do – hạnh phúc"), style="Quoc hieu")
    document.add_paragraph().add_run(encode_tcvn3(SENTENCE)).font.name = ".VnTime"
    document.save(path)
    blocks = read(source(path, tmp_path)).article.blocks
    assert [b.text for b in blocks] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP – TỰ DO – HẠNH PHÚC", SENTENCE]


def test_tcvn3_document_property_title_is_converted(tmp_path):
    result = read_docx(tmp_path, [[(encode_tcvn3(SENTENCE), ".VnTime")]], title=encode_tcvn3("Bộ Tài chính"))
    assert encode_tcvn3("Bộ Tài chính") == "Bé Tµi chÝnh"
    assert result.article.title == "Bộ Tài chính"
    assert result.article.meta["docx_properties"]["title"] == "Bộ Tài chính"
    assert any("read as TCVN3" in d.message for d in result.diagnostics)


def test_short_property_title_follows_the_documents_encoding(tmp_path):
    result = read_docx(tmp_path, [[(encode_vni(VNI_SENTENCE), "VNI-Times")]], title=encode_vni("Bộ"))
    assert result.article.meta["docx_properties"]["title"] == "Bộ"


@pytest.mark.slow
@pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_rtf_whose_default_font_is_vntime(tmp_path):
    path = tmp_path / "cong-van.rtf"
    accuracy.write_rtf(path, ["Tổng cục thuế ban hành quyết định mới.", SENTENCE], "VNTime")
    assert "\\f1" not in path.read_text() and "\\deff0" in path.read_text()
    result = read(source(path, tmp_path))
    assert [b.text for b in result.article.blocks] == ["Tổng cục thuế ban hành quyết định mới.", SENTENCE]
    assert result.article.meta["legacy_fonts"] == {"VNTime": 2}


@pytest.mark.slow
@pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_doc_in_vni_font(tmp_path):
    docx_path = tmp_path / "src" / "vni.docx"
    docx_path.parent.mkdir()
    accuracy.write_docx(docx_path, [[(encode_vni(VNI_SENTENCE), "VNI-Times")]])
    doc = accuracy.convert_with_soffice(docx_path, "doc", tmp_path)
    article = read(source(doc, tmp_path)).article
    assert VNI_SENTENCE in article.text()


# --- Excel rosters -------------------------------------------------------------------------


def roster_project(tmp_path: Path, workbook: Path, options: str = "") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    if workbook.parent != tmp_path / "data":
        shutil.copyfile(workbook, tmp_path / "data" / workbook.name)
    manuscript = tmp_path / "manuscripts" / "01-can-bo.md"
    manuscript.parent.mkdir(exist_ok=True)
    manuscript.write_text(f"# Cán bộ\n\n```roster file=../data/{workbook.name} {options}\n```\n", encoding="utf-8")
    return manuscript


def legacy_workbook(path: Path, rows=None) -> Path:
    accuracy.write_xlsx(path, rows or accuracy.ROSTER, lambda r, c: ".VnTime" if r % 2 else "VNI-Times",
                        lambda r, c, v: encode_tcvn3(v) if r % 2 else encode_vni(v))
    return path


def test_xlsx_roster_cells_converted_by_their_font(tmp_path):
    workbook = legacy_workbook(tmp_path / "can-bo.xlsx")
    manuscript = roster_project(tmp_path, workbook, 'sort=name columns="Họ và tên,Chức vụ"')
    [block] = [b for b in read(source(manuscript, tmp_path)).article.blocks if b.kind == "roster"]
    assert block.columns == ["Họ và tên", "Chức vụ"]
    names = [item["cells"][0] for item in block.items]
    assert names == ["Phạm Thị Giúp", "Nguyễn Văn Hoàn", "Trần Quý Khuya", "Vũ Thị Ngọc Quỳnh",
                     "Lê Thị Thủy", "Đỗ Minh Toàn"]


@pytest.mark.slow
@pytest.mark.skipif(libreoffice.find_soffice() is None or not Path("/usr/lib/libreoffice/program/libscfiltlo.so").exists(),
                    reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed to write the .xls fixture")
def test_xls_roster_reads_cell_fonts(tmp_path):
    pytest.importorskip("xlrd")
    workbook = legacy_workbook(tmp_path / "src.xlsx")
    xls = accuracy.convert_with_soffice(workbook, "xls", tmp_path / "data")
    manuscript = roster_project(tmp_path, xls)
    [block] = [b for b in read(source(manuscript, tmp_path)).article.blocks if b.kind == "roster"]
    assert block.items[0]["cells"][1:] == ["Nguyễn Văn Hoàn", "Giám đốc", "Lục Ngạn"]


@pytest.mark.parametrize("rows, options, message, line", [
    ([("Họ và tên", "", "Chức vụ"), ("An", "x", "y")], "", "sheet 'Danh sach', row 1: header column B has no name", 1),
    ([("Họ và tên", "Chức vụ"), ("An", "Trưởng"), ("Bình", "Phó", "thừa")], "",
     "sheet 'Danh sach', row 3: cell C3 is outside the 2 columns of the header (row 1)", 3),
    ([("Tên", "Tên"), ("An", "B")], "", "sheet 'Danh sach', row 1: column 'Tên' appears twice", 1),
    ([("Họ và tên",), ("An",)], "sheet=Khac", "the workbook has no sheet 'Khac'", None),
])
def test_xlsx_errors_name_file_sheet_and_row(tmp_path, rows, options, message, line):
    workbook = tmp_path / "data" / "x.xlsx"
    workbook.parent.mkdir()
    accuracy.write_xlsx(workbook, rows, lambda r, c: None, lambda r, c, v: v)
    manuscript = roster_project(tmp_path, workbook, options)
    with pytest.raises(ManuscriptError) as info:
        read(source(manuscript, tmp_path))
    assert (info.value.path, info.value.line) == ("data/x.xlsx", line)
    assert message in info.value.message


def test_damaged_xlsx_is_one_clear_error(tmp_path):
    workbook = tmp_path / "data" / "x.xlsx"
    workbook.parent.mkdir()
    legacy_workbook(workbook)
    workbook.write_bytes(workbook.read_bytes()[:300])
    with pytest.raises(ManuscriptError) as info:
        read(source(roster_project(tmp_path, workbook), tmp_path))
    assert info.value.path == "data/x.xlsx" and "xlsx" in info.value.message


# --- mojibake left in a manuscript -----------------------------------------------------------


def test_reads_as_legacy():
    assert reads_as_legacy("Bé Tµi chÝnh") == ("tcvn3", "Bé Tµi chÝnh", "Bộ Tài chính")
    assert reads_as_legacy("Trường " + encode_vni("Việt Nam thống nhất"))[0] == "vni"
    for text in (SENTENCE, VNI_SENTENCE, CLOSED, "café résumé José", "El niño señor", "Müller, Köln",
                 "São Paulo e Brasília", "Cá và tôm", "Đà Lạt: 20°C – nắng"):
        assert reads_as_legacy(text) is None, text


def test_xlsx_sheet_by_name_numbers_and_dates(tmp_path):
    import datetime

    workbook = tmp_path / "data" / "x.xlsx"
    workbook.parent.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Ghi chú"
    book.active["A1"] = "không phải bảng này"
    sheet = book.create_sheet("Cán bộ")
    sheet.append(["Họ và tên", "Năm sinh", "Ngày vào ngành", "Hệ số"])
    sheet.append(["Lê Văn An", 1968, datetime.datetime(1990, 3, 12), 4.5])
    book.save(workbook)
    manuscript = roster_project(tmp_path, workbook, 'sheet="Cán bộ"')
    [block] = [b for b in read(source(manuscript, tmp_path)).article.blocks if b.kind == "roster"]
    assert block.columns == ["Họ và tên", "Năm sinh", "Ngày vào ngành", "Hệ số"]
    assert block.items == [{"cells": ["Lê Văn An", "1968", "1990-03-12", "4,5"]}]
