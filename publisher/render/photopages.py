"""How many lines the captions of a photo page take, so its photos leave them room.

print.css sizes a photo page's pictures to leave two lines of caption under each row. A
caption of a leader's portrait often takes three or four (the name, the post, the years:
readers.docx's table of photos), and then the second row no longer fits and goes to a page of
its own. ``caption_lines`` estimates the longest caption of a page, in lines, from its line
breaks and its length against the width a photo has (a portrait beside another: about a third
of a landscape's); the page gets the class ``gallery-lines-3`` or ``-4`` and smaller pictures.
"""

from __future__ import annotations

import math
import re

from ..model import html_to_text

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
