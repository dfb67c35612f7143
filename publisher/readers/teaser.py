"""Recognise a news teaser (sapo): the body's opening repeated above it, cut with "…".

News sites put above the body its first paragraphs run together *without their
paragraph breaks* (so words meet across a sentence: ``hải quan”.Các``), often followed
by the beginning of the first photo's caption, and cut with "..." or "…". A web copy
or a Word file made from the page keeps both. The teaser and the body are compared as
streams of letters and digits only (case, spaces, punctuation, agency prefixes such as
``LSO-`` or ``(TTXVN) -`` ignored), so glued words and lost breaks do not matter.

A paragraph is a teaser when, against the paragraphs that follow it:
- it is all a prefix of the body and either ends with an ellipsis or covers at least
  ``MOST`` of the first body paragraph (a lead that merely opens like the body's first
  sentence stays); or
- it ends with an ellipsis, a prefix of it covers the whole first body paragraph and
  stops at a paragraph end of the body, and what is left (the caption's start) is short.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_CHARS = 12  # letters: a shorter paragraph is never taken for a teaser
MOST = 0.8  # of the first body paragraph's letters, for a teaser without an ellipsis
MAX_TAIL = 160  # letters of a caption's start after the matched body text
SLACK = 3  # letters a caption may share by chance with the next body paragraph
LOOK_AHEAD = 8  # body paragraphs compared
SKIPPABLE = 2  # short lines (a caption) allowed between the teaser and the body it repeats
MAX_SKIPPED_WORDS = 25

# "LSO-", "BLC - ", "(TTXVN) -", "(TTXVN)-": 2-10 capitals (and digits) then a dash.
AGENCY = re.compile(r"^\(?[A-ZĐ][A-ZĐ0-9]{1,9}\)?\s*[-–—]\s*(?=[^\W\d_]|\s)\s*")
ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…)\s*$")
_LETTERS = re.compile(r"[^\W_]+")


@dataclass
class Teaser:
    """What matched: how many body paragraphs the teaser repeats; whether a caption's start follows."""

    paragraphs: int
    caption: bool


def letters(text: str) -> str:
    """Letters and digits only, case-folded, NFC: the stream teasers are compared on."""
    text = unicodedata.normalize("NFC", AGENCY.sub("", text.strip()))
    return "".join(_LETTERS.findall(text)).casefold()


def find_teaser(candidate: str, following: list[str]) -> Teaser | None:
    """A Teaser when ``candidate`` repeats the opening of ``following`` (see the module docstring).

    A short line or two (a photo caption copied above the lead) may stand between them.
    """
    for skip in range(min(SKIPPABLE, len(following) - 1) + 1):
        if skip and len(following[skip - 1].split()) > MAX_SKIPPED_WORDS:
            break
        found = _match(candidate, following[skip:])
        if found is not None:
            return found
    return None


def _match(candidate: str, following: list[str]) -> Teaser | None:
    ellipsis = bool(ELLIPSIS.search(candidate))
    teaser = letters(ELLIPSIS.sub("", candidate))
    streams = [letters(text) for text in following[:LOOK_AHEAD]]
    streams = [s for s in streams if s]
    if len(teaser) < MIN_CHARS or not streams:
        return None
    body = "".join(streams)
    ends, total = [], 0
    for stream in streams:
        total += len(stream)
        ends.append(total)
    matched = _common_prefix(teaser, body)
    first = ends[0]
    if matched == len(teaser):
        if ellipsis or matched >= MOST * first:
            return Teaser(next(i for i, end in enumerate(ends, 1) if end >= matched), False)
        return None
    if not ellipsis or matched < first - SLACK or len(teaser) - matched > MAX_TAIL:
        return None
    boundary = next((end for end in reversed(ends) if end <= matched), 0)
    if boundary < first or matched - boundary > SLACK:
        return None
    return Teaser(ends.index(boundary) + 1, True)


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index
