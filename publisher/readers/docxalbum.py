"""Photos in a Word file set as photo pages (gallery blocks), the way an album is meant.

A table of photos (``readers.docx._photo_table``: leaders' portraits with their names) and
pictures one under another with nothing but their captions between (``photo_runs``: a Word
album, a photo, its caption, the next photo …) become photo pages: a landscape photo a row,
portraits in pairs, two rows a page (``readers.datafiles.layout_gallery``). One by one in the
text, each photo of an album took a page of the book to itself, half of it empty: the book's
text block holds one 4:3 photo and its caption where Word's A4 page held two.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Block
from .datafiles import LANDSCAPE_RATIO, layout_gallery
from .imagesize import image_size

MIN_PHOTO_RUN = 3  # pictures one under another, nothing between, set as photo pages (two stay in the text)


def gallery(photos: list[dict], root: Path) -> Block:
    """Photo pages of ``photos`` ({src, caption, alt}; a src relative to ``root`` or absolute,
    extracted into the cache), in their order, each given its orientation and place."""
    root = root.resolve()
    for photo in photos:
        path = Path(photo["src"])
        size = image_size(path if path.is_absolute() else root / path)
        wide = size is None or size[0] > size[1] * LANDSCAPE_RATIO
        photo["orientation"] = "landscape" if wide else "portrait"
    for photo, (page, row) in zip(photos, layout_gallery([p["orientation"] for p in photos], 4)):
        photo["page"], photo["row"] = page, row
    return Block("gallery", items=photos)


def photo_runs(blocks: list[Block], flags: list[set[str]], root: Path) -> tuple[list[Block], list[set[str]], int, int]:
    """``blocks`` and their ``flags`` with each run of MIN_PHOTO_RUN figures or more one under
    another made one gallery; how many runs, and how many pictures they hold."""
    kept: list[Block] = []
    kept_flags: list[set[str]] = []
    runs = pictures = at = 0
    while at < len(blocks):
        end = at
        while end < len(blocks) and blocks[end].kind == "figure" and blocks[end].src:
            end += 1
        if end - at >= MIN_PHOTO_RUN:
            kept.append(gallery([{"src": b.src, "caption": b.caption, "alt": b.alt} for b in blocks[at:end]], root))
            kept_flags.append(set())
            runs, pictures, at = runs + 1, pictures + end - at, end
        else:
            kept.append(blocks[at])
            kept_flags.append(flags[at])
            at += 1
    return kept, kept_flags, runs, pictures
