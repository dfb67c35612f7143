"""News teasers (sapo): the body's opening run together above it is dropped, a real lead is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.commands.importer import import_files
from publisher.readers import Source, read
from publisher.readers.teaser import find_teaser

P1 = ("LSO-Trải qua 25 năm xây dựng và phát triển, Chi cục Hải quan cửa khẩu Hữu Nghị luôn hoàn thành "
      "tốt nhiệm vụ được giao, xứng đáng với danh hiệu “người chiến sĩ hải quan”.")
P2 = ("Các cá nhân tiêu biểu ngành hải quan được khen thưởng tại buổi lễ, trong đó có nhiều cán bộ "
      "trẻ công tác ở các cửa khẩu vùng biên.")
P3 = "Phát biểu tại buổi lễ, lãnh đạo tỉnh đề nghị đơn vị tiếp tục đổi mới phương thức quản lý."
CAPTION = "Lãnh đạo tỉnh trao bằng khen cho các cá nhân tiêu biểu của đơn vị"
# What the site shows above the body: P1 and P2 run together (the break lost, so
# "quan”.Các" is glued), the start of the photo caption, then "...".
TEASER = (P1 + P2[:0] + "Các cá nhân tiêu biểu ngành hải quan được khen thưởng tại buổi lễ, trong đó có nhiều "
          "cán bộ trẻ công tác ở các cửa khẩu vùng biên.Lãnh đạo tỉnh trao bằng khen...")


def test_glued_teaser_with_a_caption_start():
    found = find_teaser(TEASER, [P1, P2, P3])
    assert found is not None and found.paragraphs == 2 and found.caption


def test_teaser_cut_inside_the_first_paragraph_with_agency_spacing():
    body = "(TTXVN) - Sáng nay, tại Hà Nội, Bộ Nội vụ tổ chức hội nghị tổng kết công tác văn thư năm 2025."
    teaser = "(TTXVN)-Sáng nay, tại Hà Nội, Bộ Nội vụ tổ chức hội nghị tổng kết…"
    assert find_teaser(teaser, [body, P3]) is not None
    assert find_teaser("sáng nay tại HÀ NỘI bộ nội vụ tổ chức hội nghị tổng kết ...", [body]) is not None


def test_teaser_whose_caption_line_is_in_the_body():
    teaser = P1 + P2 + CAPTION[:30] + "…"
    found = find_teaser(teaser, [P1, P2, CAPTION, P3])
    assert found is not None and found.paragraphs == 3 and not found.caption


@pytest.mark.parametrize("lead", [
    # opens like the body's first sentence but is a lead of its own, no ellipsis
    "Trải qua 25 năm xây dựng và phát triển, Chi cục Hải quan cửa khẩu Hữu Nghị",
    # an ellipsis, but the text goes another way after a common start
    "Trải qua 25 năm xây dựng và phát triển, đơn vị đã có nhiều đổi mới…",
    # covers the first paragraph, then goes on with something that is not a caption start
    P1 + " " + "Đây là một đoạn dài khác hẳn, kể lại lịch sử của đơn vị từ những ngày đầu thành lập "
    "với biết bao khó khăn gian khổ mà cán bộ, công chức đã vượt qua để có được thành quả hôm nay, "
    "và còn tiếp tục rất dài nữa cho đến hết đoạn…",
    "Quá ngắn…",
])
def test_a_real_lead_is_kept(lead):
    assert find_teaser(lead, [P1, P2, P3]) is None


def write_news(folder: Path, name: str, teaser: str) -> Path:
    path = folder / name
    path.write_text("\n".join(["Thứ năm, 12/03/2026", "",
                               "Chi cục Hải quan cửa khẩu Hữu Nghị đón nhận Huân chương Lao động", "",
                               teaser, "", P1, P2, CAPTION, P3, "", "Hoàng Thị Lan"]) + "\n", encoding="utf-8")
    return path


def test_text_reader_drops_the_teaser_and_says_so(tmp_path):
    path = write_news(tmp_path, "tin.txt", TEASER)
    result = read(Source(path=path, rel="tin.txt", root=tmp_path))
    article = result.article
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph", "caption", "paragraph"]
    assert article.blocks[0].text.endswith("“người chiến sĩ hải quan”.")
    assert article.authors == ["Hoàng Thị Lan"]
    [teaser] = [d for d in result.diagnostics if d.code == "text-teaser"]
    assert teaser.line == 5 and "it repeats the first 3 paragraphs" in teaser.message  # P1, P2 and the caption line


def test_import_lists_the_dropped_teaser(tmp_path):
    (tmp_path / "book" / "manuscripts").mkdir(parents=True)
    (tmp_path / "book" / "book.toml").write_text('[book]\ntitle = "T"\n', encoding="utf-8")
    source = write_news(tmp_path, "tin.txt", TEASER)
    [result] = import_files([source], tmp_path / "book" / "manuscripts", cwd=tmp_path)
    assert any(d.code == "text-teaser" and d.line == 5 for d in result.doubts)
    text = (tmp_path / "book" / "manuscripts" / "tin.md").read_text(encoding="utf-8")
    assert text.count("Trải qua 25 năm") == 1 and "Lãnh đạo tỉnh trao bằng khen..." not in text


def test_a_caption_line_between_teaser_and_lead_is_skipped():
    found = find_teaser(P1 + P2 + "…", [CAPTION, P1, P2, P3])
    assert found is not None and found.paragraphs == 2


@pytest.mark.parametrize("following", [[], [P1], ["Ngắn"], ["Ngắn", "Cũng ngắn"]])
def test_short_articles(following):
    assert find_teaser("Một câu mở đầu khá dài để thử…", following) is None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from publisher.readers.titlecase import sentence_case  # noqa: E402

WORDS = st.text(alphabet="aăđêơưAĐÊƠƯ .,:“”…-()LSO", max_size=40)


@settings(max_examples=300, deadline=None)
@given(WORDS, st.lists(WORDS, max_size=6))
def test_teaser_and_title_case_never_fail(candidate, following):
    find_teaser(candidate, following)
    cased = sentence_case(candidate.upper(), following)
    assert cased.lower() == candidate.upper().lower()
