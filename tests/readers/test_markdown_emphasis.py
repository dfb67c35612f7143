"""Markdown written by others: emphasis CommonMark would print as asterisks is read as emphasis."""

from __future__ import annotations

import pytest

from publisher.readers import Source, read


def paragraph(tmp_path, text: str):
    (tmp_path / "x.md").write_text(f"# Truyện\n\n{text}\n", encoding="utf-8")
    result = read(Source(path=tmp_path / "x.md", rel="x.md", root=tmp_path))
    return result.article.blocks[0].html, [d for d in result.diagnostics if d.code == "markdown-emphasis"]


@pytest.mark.parametrize("text, html", [
    ("**Điều 6:**Niên hạn sử dụng", "<strong>Điều 6</strong>:Niên hạn sử dụng"),
    ("Anh gọi*“Mẹ ơi!”*rồi chạy", "Anh gọi“<em>Mẹ ơi!</em>”rồi chạy"),
    ("Theo**(1)**thì", "Theo(<strong>1</strong>)thì"),
    ("__Chú ý:__Không", "<strong>Chú ý</strong>:Không"),
])
def test_failing_emphasis_is_repaired_and_reported(tmp_path, text, html):
    found, notes = paragraph(tmp_path, text)
    assert found == html
    assert len(notes) == 1 and notes[0].line == 3


@pytest.mark.parametrize("text", [
    "Ghi chú (*) ở cuối trang.",
    "Tên tệp a_b_c.txt và `**x:**y` giữ nguyên.",
    "Một câu có **chữ đậm:** rồi tiếp.",
    "5 \\* 3 = 15",
])
def test_literal_or_correct_marks_are_left_alone(tmp_path, text):
    found, notes = paragraph(tmp_path, text)
    assert notes == []
