"""Small typesetting rules the templates and the print stylesheet share.

- ``keep_last_words``: a no-break space before the last word of a title, so a title never
  ends on a line of one short word ("… tỉnh Bạch / Vân"); WeasyPrint has no
  ``text-wrap: balance``.
- ``breakable``: where a line may break inside a long address (a URL, an e-mail, a long
  number): a ``<wbr/>`` at its punctuation, as the Chicago Manual of Style breaks them. Without
  it such a word is one unbreakable box: it runs past the text block, and in a table it widens
  its column until the others overflow or the table runs off the page.
- ``book_title_css``: the strings behind the running heads. An opening page (the
  foreword, an article's first page, the contents) sets both running-head strings, and
  print.css prints them with ``first-except``: no running head on the page that sets
  them, the folio stays.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
# A last word longer than this is a line's worth on its own: nothing to keep together.
_SHORT = 12
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")


def keep_last_words(text: str) -> str:
    """``text`` (plain or inline XHTML) with the space before its last word made non-breaking."""
    if text is None:
        return text
    pieces = _TAG_OR_TEXT.findall(str(text))
    # The last plain space outside a tag, when what follows it is one short word.
    for index in range(len(pieces) - 1, -1, -1):
        tag, chunk = pieces[index]
        if tag or " " not in chunk.rstrip():
            continue
        stripped = chunk.rstrip()
        at = stripped.rindex(" ")
        tail = stripped[at + 1:] + "".join(t or c for t, c in pieces[index + 1:])
        words = re.sub(r"<[^>]*>", "", tail).split()
        if len(words) != 1 or len(words[0]) > _SHORT or len(re.sub(r"<[^>]*>", "", str(text)).split()) < 3:
            return str(text)
        pieces[index] = ("", stripped[:at] + NBSP + stripped[at + 1:] + chunk[len(stripped):])
        return "".join(t or c for t, c in pieces)
    return str(text)


WBR = "<wbr/>"
ZWSP = "\u200b"  # what WeasyPrint's stylesheet makes of <wbr> (wbr::before), and the PDF's text leaves out
_LONG_WORD = 20  # characters without a space: longer than any word, as long as an address
_WORD_RUN = re.compile(r"[^\s<>]{%d,}" % _LONG_WORD)
_UNIT = re.compile(r"&(?:#\w+|\w+);|.", re.DOTALL)  # a character, an entity counted as one
_BREAK_BEFORE = {".", "/", "~", "_", "?", "#", "%", "@", ",", "=", "&amp;"}
_PRE = re.compile(r"(<(pre|code|script|style)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def _break_word(word: str) -> str:
    units = _UNIT.findall(word)
    out = [units[0]]
    for i in range(1, len(units)):
        previous, unit = units[i - 1], units[i]
        following = units[i + 1] if i + 1 < len(units) else ""
        # Before a punctuation mark between two letters or digits ("gov.vn", "an@bachvan",
        # "/tin-tuc", "?x=1&amp;y=2") and after "://"; never at the word's ends ("vn." stays).
        if ((unit in _BREAK_BEFORE and previous.isalnum() and following.isalnum())
                or (unit.isalnum() and "".join(units[max(0, i - 3):i]) == "://")):
            out.append(WBR)
        out.append(unit)
    return "".join(out)


def breakable(html: str) -> str:
    """``html`` (XHTML) with a line-break opportunity, ``<wbr/>``, inside each run of 20
    characters or more without a space, outside tags and code: before its punctuation between
    two letters or digits (. / ~ _ ? # % @ , = &) and after "://" (Chicago 14.18). The text is
    unchanged: a PDF or EPUB reader copies the address whole."""

    def text(piece: str) -> str:
        return _WORD_RUN.sub(lambda m: _break_word(m.group(0)), piece)

    pieces = []
    for part, kept in _split_code(html):
        pieces.append(part if kept else "".join(t or text(c) for t, c in _TAG_OR_TEXT.findall(part)))
    return "".join(pieces)


def _split_code(html: str):
    """(piece, True) for code, preformatted text, scripts and styles; (piece, False) for the rest."""
    at = 0
    for match in _PRE.finditer(html):
        yield html[at:match.start()], False
        yield match.group(0), True
        at = match.end()
    yield html[at:], False


def css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def book_title_css(config) -> str:
    """Openers set the book title string too, so the left-hand head is off on their page."""
    title = " ".join(config.title.split())
    # data-title (print.css): a title without its note calls; the more specific rule must set
    # the book title too, or a left-hand opener would print it.
    return (f".article-title, .toc-title {{ string-set: chapter content(text), booktitle {css_string(title)}; }}\n"
            f".article-title[data-title] {{ string-set: chapter attr(data-title), booktitle {css_string(title)}; }}\n"
            f".part-title, .ht-title {{ string-set: booktitle {css_string(title)}; }}\n")
