"""`publisher stats`: counts checked against a small project whose numbers are known by hand."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from publisher.commands.check import run_check
from publisher.commands.stats import book_stats, count_words, words_per_page

from .conftest import make_project, run_cli

TOML = """\
[book]
title = "Sách đếm"
foreword = "00-loi.md"

[[parts]]
title = "Phần I"
files = ["01-a.md", "02-b.md"]

[[parts]]
title = "Phần II"
files = ["03-c.md"]
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 1000), (200, 30, 30)).save(buffer, "PNG")  # wide enough for print
    return buffer.getvalue()


MANUSCRIPTS = {
    # title 2 words + 5 words
    "00-loi.md": "---\ntitle: Lời mở\n---\n\nMột hai ba bốn năm.\n",
    # title 2 + paragraph 5 (the note call is not a word) + caption 2 + note 3 = 12; old style (hòa, thủy)
    "01-a.md": "---\ntitle: Bài một\n---\n\nHòa bình và thủy lợi.[^1]\n\n![Ảnh đẹp](../images/a.png)\n\n"
               "[^1]: Ghi chú ngắn.\n",
    # title 2 + 4 words; new style (hoà); one warning (unknown front matter key)
    "02-b.md": "---\ntitle: Bài hai\ncolour: đỏ\n---\n\nHoà hợp – 12 km.\n",
    # title 2 + 700 words: ceil(702 / 330 + 0.2) = 3 pages; both styles: mixed
    "03-c.md": "---\ntitle: Bài ba\n---\n\nkhỏe khoẻ " + "chữ " * 698 + "\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("stats"), MANUSCRIPTS, TOML, {"images/a.png": _png()})


def test_counts_per_article(project):
    stats = book_stats(project)
    rows = {a.source.split("/")[-1]: a for p in stats.parts for a in p.articles}
    assert [(r.words, r.images, r.footnotes, r.pages, r.tone) for r in rows.values()] == [
        (7, 0, 0, 1, ""),
        (12, 1, 1, 1, "old"),
        (6, 0, 0, 1, "new"),
        (702, 0, 0, 3, "mixed"),
    ]
    assert (rows["02-b.md"].errors, rows["02-b.md"].warnings) == (0, 1)
    assert "unknown front matter key 'colour'" in rows["02-b.md"].problems[0]
    assert rows["03-c.md"].warnings == 1 and "mixed tone-mark styles" in rows["03-c.md"].problems[0]
    assert (rows["00-loi.md"].warnings, rows["01-a.md"].warnings) == (0, 0)
    assert [p.title for p in stats.parts] == ["", "Phần I", "Phần II"]
    assert stats.parts[1].total("words") == 18
    # 5 pages (cover, title page, imprint, two of contents) + 2 for each titled part
    assert stats.other_pages == 9
    assert stats.total("pages") == 1 + 1 + 1 + 3 + 9
    assert stats.tones() == "mixed"


def test_words_per_page_follows_the_trim_size():
    assert words_per_page((145, 205)) == 330
    assert words_per_page((210, 297)) == round(330 * (210 - 33) * (297 - 38) / ((145 - 33) * (205 - 38)))
    assert count_words("Một – hai, 12 km … “ba”") == 5


def test_json_format(project):
    result = run_cli("stats", str(project), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["totals"] == {"words": 727, "images": 1, "footnotes": 1, "pages": 15, "errors": 0,
                              "warnings": 2, "tone": "mixed"}
    assert data["totals"]["warnings"] == sum(d.level == "warning" for d in run_check(project))
    assert data["words_per_page"] == 330 and data["trim_mm"] == [145.0, 205.0]
    part = data["parts"][1]
    assert part["title"] == "Phần I" and part["words"] == 18 and part["warnings"] == 1
    assert part["articles"][0]["source"] == "manuscripts/01-a.md"


def test_table_format(project):
    result = run_cli("stats", str(project))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Sách đếm: about 15 pages (330 words a page at 145×205 mm)"
    row = next(line for line in lines if "03-c.md" in line)
    assert [cell.strip() for cell in row.split("│")] == ["03-c.md", "702", "0", "0", "3", "mixed", "1 warning"]
    total = next(line for line in lines if line.strip().startswith("total"))
    assert [cell.strip() for cell in total.split("│")][1:] == ["727", "1", "1", "15", "mixed", "2 warnings"]
    assert "run `publisher check`" in lines[-1]


def test_an_unreadable_manuscript_is_a_row_with_an_error(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# A\n\nChữ.\n", "02-b.md": "---\ntitle: [x\n---\n"})
    stats = book_stats(root)
    rows = {a.source: a for p in stats.parts for a in p.articles}
    assert rows["manuscripts/02-b.md"].errors == 1 and rows["manuscripts/02-b.md"].words == 0
    assert rows["manuscripts/02-b.md"].problems[0].startswith("error: manuscripts/02-b.md:2: front matter")
    assert rows["manuscripts/01-a.md"].words == 2


def test_a_bad_book_toml_is_one_line(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# A\n\nChữ.\n"}, '[book]\ntitle = "A"\ncolour = 1\n')
    result = run_cli("stats", str(root))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: book.toml:3: book.colour: unknown key"
