"""How much room a photo page's photos leave: for their captions, and for the article's opening.

print.css sizes a photo page's pictures to leave two lines of caption under each row. A
caption of a leader's portrait often takes three or four (the name, the post, the years:
readers.docx's table of photos), and then the second row no longer fits and goes to a page of
its own. ``caption_lines`` estimates the longest caption of a page, in lines, from its line
breaks and its length against the width a photo has (a portrait beside another: about a third
of a landscape's); the page gets the class ``gallery-lines-3`` or ``-4`` and smaller pictures.

A photo page starts a page. An album that opens an article (a Word album under its title, a
gallery after a line of introduction) left the article's first page empty but for the title:
``opening_room`` estimates the height the article's opening takes, and the first photo page
gets the class ``gallery-opens-N`` (N mm, a multiple of 4): it is set under the opening, its
photos smaller by that much. Where the estimate falls short, the photo page does not fit there
and goes to the next page, as before.
"""

from __future__ import annotations

import math
import re

from ..model import Article, Block, html_to_text

PORTRAIT_CHARACTERS = 32  # a caption line under a portrait of a pair (47 % of the text block)
LANDSCAPE_CHARACTERS = 70  # under a landscape photo across the text block
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def caption_lines(photos: list[dict]) -> int:
    """The lines of the longest caption among ``photos`` (a page's gallery items), at most 4."""
    most = 0
    for photo in photos:
        width = PORTRAIT_CHARACTERS if photo.get("orientation") == "portrait" else LANDSCAPE_CHARACTERS
        pieces = [html_to_text(piece) for piece in _BREAK.split(photo.get("caption") or "")]
        most = max(most, sum(max(1, math.ceil(len(piece) / width)) for piece in pieces if piece.strip()))
    return min(most, 4)


# The article's opening, as book.css sets it (10.5 pt text, line height 1.45; a title of 1.6 em,
# line height 1.3) on print.css's narrowest text block (margins of 14 and 19 mm): millimetres a
# line, millimetres a character (half an em, about what Vietnamese text takes).
TEXT_MARGINS_MM = 33
TITLE_LINE_MM, TITLE_CHAR_MM = 7.7, 2.96
TEXT_LINE_MM, TEXT_CHAR_MM = 5.4, 1.85
HEADER_SPACE_MM = 7.8  # under the title, and under the header
OPENING_GAP_MM = 5  # print.css: .gallery-opens { margin-top }, between the opening and the photos
MAX_OPENING_MM = 60  # more than about a quarter of a page of text: the photos keep their page
MAX_OPENING_CHARACTERS = 400


def opening_room(article: Article, block: Block, trim_width_mm: float) -> int:
    """The millimetres the opening of ``article`` takes above ``block``, rounded up to 4, when
    ``block`` is a gallery that opens the article (only paragraphs before it, short ones); else 0."""
    if block.kind != "gallery":
        return 0
    before = []
    for other in article.blocks:
        if other is block:
            break
        if other.kind != "paragraph":
            return 0
        before.append(html_to_text(other.html))
    else:
        return 0
    if sum(len(text) for text in before) > MAX_OPENING_CHARACTERS:
        return 0
    width = max(40.0, trim_width_mm - TEXT_MARGINS_MM)

    def lines(text: str, char_mm: float) -> int:
        return max(1, math.ceil(len(text) * char_mm / width))

    room = lines(html_to_text(article.title), TITLE_CHAR_MM) * TITLE_LINE_MM + HEADER_SPACE_MM + OPENING_GAP_MM
    if article.subtitle:
        room += lines(html_to_text(article.subtitle), TEXT_CHAR_MM) * TEXT_LINE_MM
    if article.authors and article.role != "foreword":
        room += TEXT_LINE_MM
    room += sum(lines(text, TEXT_CHAR_MM) for text in before if text) * TEXT_LINE_MM
    room = 4 * math.ceil(room / 4)
    return room if room <= MAX_OPENING_MM else 0
