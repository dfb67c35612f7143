"""Structure an office types by hand in Word instead of using its styles, read as structure.

The docx reader's blocks (``Block``) and each block's paragraph flags (``bold``, ``center``,
``right``, ``caption`` …) are changed in place:

- ``join_broken_lines``: text pasted from a PDF breaks at every line of the PDF, as paragraphs
  or as line breaks within one. A long line that ends without a sentence's punctuation, followed
  by a line that starts in lower case, is the same sentence going on (readers.inline.continues).
  Where two or more lines are so joined, or two long lines in a row end unfinished
  (readers.inline.broken_text), the text is a PDF's, and a line that goes on with a capital (a
  name: "… của tỉnh / Bạch Vân …") is joined too, but never onto the first paragraph (a plain
  title), a numbered heading line or a line in capitals.
- ``bold_headings``: headings typed in bold paragraphs rather than a Heading style ("I. QUÁ TRÌNH
  HÌNH THÀNH", "1. Những ngày đầu", "Người giữ kho"): a paragraph all in bold, short, with no
  sentence's final punctuation, and followed by more of the text, is a heading; its level from
  its numbering (``heading_level``).
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Block, html_to_text
from .inline import FINAL_PUNCTUATION, broken_text, continues

MAX_HEADING_WORDS = 20
_NUMBERED = [(re.compile(r"^(?:PHẦN|CHƯƠNG|Phần|Chương)\s+[IVXLC\d]+\b|^[IVXLC]+[.)]\s"), 2),
             (re.compile(r"^\d+\.\d+\.?\s|^[a-zđ]\)\s"), 4),
             (re.compile(r"^\d+[.)]\s"), 3)]
_SET_APART = {"bold", "center", "right", "caption"}  # a paragraph so set is not a line of running text
_BREAK = re.compile(r"<br\s*/?>")


def join_broken_lines(blocks: list[Block], flags: list[set[str]]) -> int:
    """Join the lines of text pasted from a PDF (see the module doc); the number of lines joined."""
    plain = [b.text if b.kind == "paragraph" and not f & {"bold", "center", "right"} else ""
             for b, f in zip(blocks, flags)]
    joined = _join_pass(blocks, flags, capitals=False)
    if joined >= 2 or broken_text(plain):
        joined += _join_pass(blocks, flags, capitals=True)
    return joined


def _last_line(html: str) -> str:
    return html_to_text(_BREAK.split(html)[-1])


def _join_pass(blocks: list[Block], flags: list[set[str]], capitals: bool) -> int:
    """One pass of ``join_broken_lines``: the number of lines joined."""
    joined = 0
    for block in blocks:
        if block.kind == "paragraph" and _BREAK.search(block.html):
            pieces = _BREAK.split(block.html)
            html = pieces[0]
            for piece in pieces[1:]:
                if continues(_last_line(html), html_to_text(piece), capitals):
                    html, joined = f"{html.rstrip()} {piece.lstrip()}", joined + 1
                else:
                    html = f"{html}<br/>{piece}"
            block.html = html
    index = 1 if capitals else 0  # (the first paragraph may be a plain title: never joined to a capital)
    while index + 1 < len(blocks):
        block, following = blocks[index], blocks[index + 1]
        plain = not (flags[index] | flags[index + 1]) & _SET_APART
        if (plain and block.kind == following.kind == "paragraph"
                and continues(_last_line(block.html), following.text, capitals)):
            block.html = f"{block.html.rstrip()} {following.html.lstrip()}"
            del blocks[index + 1], flags[index + 1]
            joined += 1
            continue
        index += 1
    return joined


def bold_headings(blocks: list[Block], flags: list[set[str]]) -> list[str]:
    """Make headings of the paragraphs typed as headings in bold (see the module doc); their texts."""
    taken = []
    for index, (block, flag) in enumerate(zip(blocks, flags)):
        level = heading_level(block, flag)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if level is None or following is None or following.kind in ("heading", "byline"):
            continue
        # The bold that made it one goes: a heading is set in its own weight.
        block.kind, block.level, block.html = "heading", level, re.sub(r"</?strong>", "", block.html)
        taken.append(block.text)
    return taken


def heading_level(block: Block, flags: set[str]) -> int | None:
    """The heading level of a paragraph typed as a heading in bold, or None: 2 for a part ("PHẦN I",
    "I. …") or a line in capitals, 4 for "1.1." or "a)", 3 for "1." and any other."""
    if block.kind != "paragraph" or "bold" not in flags or "right" in flags:
        return None
    text = unicodedata.normalize("NFC", block.text).strip()
    if not text or len(text.split()) > MAX_HEADING_WORDS or text.endswith(FINAL_PUNCTUATION):
        return None
    for pattern, level in _NUMBERED:
        if pattern.match(text):
            return level
    letters = [c for c in text if c.isalpha()]
    return 2 if letters and all(c.isupper() for c in letters) else 3
