"""Small typesetting rules the templates and the print stylesheet share.

- ``keep_last_words``: a no-break space before the last word of a title, so a title never
  ends on a line of one short word ("… tỉnh Bạch / Vân"); WeasyPrint has no
  ``text-wrap: balance``.
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
