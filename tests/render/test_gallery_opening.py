"""render.photopages.opening_room: photos that open an article are set under its opening, not
on the page after it, which held the title alone (the PDF side: tests/render/test_kyyeu_pages.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.model import Article, Block
from publisher.render.photopages import MAX_OPENING_MM, opening_room

TRIM = 160  # mm wide: a text block of 127 mm


def gallery() -> Block:
    return Block("gallery", items=[{"src": "images/a.jpg", "orientation": "landscape", "page": 0, "row": 0}])


def article(*blocks: Block, title: str = "Những hình ảnh đáng nhớ", **fields) -> Article:
    return Article(title=title, source="manuscripts/01.md", blocks=list(blocks), **fields)


def test_photos_first_in_the_article_open_it_under_its_title():
    photos = gallery()
    room = opening_room(article(photos), photos, TRIM)
    assert room % 4 == 0 and 16 <= room <= 24  # one line of title, the space under it and the gap


def test_a_short_introduction_a_subtitle_and_authors_take_their_lines():
    photos = gallery()
    bare = opening_room(article(photos), photos, TRIM)
    intro = Block("paragraph", html="Bộ ảnh ghi lại các hoạt động của cơ quan qua nhiều năm.")
    assert opening_room(article(intro, photos), photos, TRIM) > bare
    full = article(intro, photos, subtitle="Ảnh tư liệu", authors=["Nguyễn Văn An"])
    assert opening_room(full, photos, TRIM) > opening_room(article(intro, photos), photos, TRIM)
    long_title = article(photos, title="Những hình ảnh đáng nhớ của ba mươi năm xây dựng và trưởng thành")
    assert opening_room(long_title, photos, TRIM) > bare  # two lines of title
    assert opening_room(long_title, photos, 300) == bare  # one, on a wide page


@pytest.mark.parametrize("before", [
    [Block("paragraph", html="Lời dẫn dài về những năm tháng khó khăn. " * 12)],  # more than a few lines
    [Block("heading", html="Phần một", level=2)],
    [Block("figure", src="images/b.jpg")],
    [Block("paragraph", html="Mở đầu."), Block("table", html="<table><tr><td>1</td></tr></table>")],
])
def test_photos_after_more_than_a_short_introduction_keep_their_page(before):
    photos = gallery()
    assert opening_room(article(*before, photos), photos, TRIM) == 0


def test_only_a_gallery_of_this_article_opens_it():
    photos, other = gallery(), gallery()
    assert opening_room(article(photos), other, TRIM) == 0  # not one of its blocks
    figure = Block("figure", src="images/b.jpg")
    assert opening_room(article(figure), figure, TRIM) == 0
    second = gallery()
    assert opening_room(article(photos, second), second, TRIM) == 0  # the second album keeps its page


def test_an_opening_too_tall_leaves_the_photos_their_page():
    photos = gallery()
    lines = [Block("paragraph", html="Một dòng.") for _ in range(12)]  # short, but many lines
    assert opening_room(article(*lines, photos), photos, TRIM) == 0


def test_print_css_has_a_class_for_every_room_the_estimate_gives():
    import publisher

    css = (Path(publisher.__file__).parent / "templates" / "print.css").read_text(encoding="utf-8")
    for room in range(4, MAX_OPENING_MM + 1, 4):
        assert f".gallery-opens-{room} {{ --opening: {room}mm; }}" in css
