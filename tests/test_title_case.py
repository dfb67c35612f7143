"""All-caps headlines: `check` flags them; `import --title-case sentence` writes them as the article does."""

from __future__ import annotations

import pytest

from publisher.commands.check import run_check
from publisher.readers.titlecase import is_all_caps, sentence_case

from .conftest import make_project, run_cli

BODY = [
    "Sáng 20/10, Chi cục Văn thư – Lưu trữ tỉnh Lạng Sơn tổ chức lễ kỷ niệm 30 năm thành lập.",
    "Đồng chí Nguyễn Văn An, Phó Chủ tịch UBND tỉnh, dự và phát biểu. Văn bản khen thưởng được trao tại Hà Nội.",
    "Các văn bản lưu trữ được số hóa để phục vụ bạn đọc.",
]


@pytest.mark.parametrize("title, expected", [
    ("LỄ KỶ NIỆM 30 NĂM THÀNH LẬP CHI CỤC VĂN THƯ – LƯU TRỮ",
     "Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư – Lưu trữ"),
    ("NGUYỄN VĂN AN: VĂN BẢN LÀ KÝ ỨC", "Nguyễn Văn An: văn bản là ký ức"),
    ("UBND TỈNH LẠNG SƠN KHEN THƯỞNG ĐẠI HỘI LẦN THỨ XV", "UBND tỉnh Lạng Sơn khen thưởng đại hội lần thứ XV"),
    ("“HÀ NỘI” ĐÓN BẠN ĐỌC", "“Hà Nội” đón bạn đọc"),
    ("CÁC VĂN BẢN LƯU TRỮ", "Các văn bản lưu trữ"),  # "Các" only capitalised at sentence starts
])
def test_sentence_case_keeps_names_as_the_body_writes_them(title, expected):
    assert is_all_caps(title)
    assert sentence_case(title, BODY) == expected


@pytest.mark.parametrize("title", ["Lễ kỷ niệm 30 năm", "UBND", "COVID-19", "Chi cục VĂN THƯ"])
def test_not_all_caps(title):
    assert not is_all_caps(title)


ARTICLE = "\n".join(["Thứ tư, 20/10/2021", "", "LỄ KỶ NIỆM 30 NĂM THÀNH LẬP CHI CỤC VĂN THƯ – LƯU TRỮ", ""] + BODY
                    + ["", "Trần Thị Minh"]) + "\n"


def test_check_flags_an_all_caps_title_with_a_hint(tmp_path):
    root = make_project(tmp_path / "book", {"01-tin.txt": ARTICLE})
    [finding] = [f for f in run_check(root) if f.code == "all-caps-title"]
    assert finding.level == "warning" and finding.line == 3
    assert "Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư – Lưu trữ" in finding.hint
    assert "--title-case sentence" in finding.hint


def test_import_title_case_sentence_is_opt_in(tmp_path):
    root = make_project(tmp_path / "book", {})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tin.txt").write_text(ARTICLE, encoding="utf-8")
    plain = run_cli("import", str(inbox / "tin.txt"), "--into", str(root / "manuscripts"))
    assert plain.returncode == 0, plain.stderr
    text = (root / "manuscripts" / "tin.md").read_text(encoding="utf-8")
    assert "title: LỄ KỶ NIỆM 30 NĂM" in text
    cased = run_cli("import", str(inbox / "tin.txt"), "--into", str(root / "manuscripts"), "--force",
                    "--title-case", "sentence")
    assert cased.returncode == 0, cased.stderr
    text = (root / "manuscripts" / "tin.md").read_text(encoding="utf-8")
    assert "title: Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư – Lưu trữ\n" in text
    assert "title in capitals written in sentence case" in cased.stdout
    assert not [f for f in run_check(root) if f.code == "all-caps-title"]
