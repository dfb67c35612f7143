"""Helpers the text and Word readers share: escaped inline XHTML and byline names."""

from __future__ import annotations

import re

from .names import looks_like_person, name_case

FINAL_PUNCTUATION = tuple(".!?:;…,")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.'’-]*\.?$|^(?:[^\W\d_]\.)+[^\W\d_]*$")
_NAME_SPLIT = re.compile(r"\s+(?:[-–—]|và)\s+|\s*,\s*")
_TRAILING_AGENCY = re.compile(r"\s*\([^()]{1,30}\)\s*$")
# A caption's own label: "Ảnh:", "Hình 3.", "Photo 2:" (the book numbers nothing of it).
CAPTION_PREFIX = re.compile(r"^(Ảnh|Hình|Photo|Figure)\s*(\d+)?\s*[:.]\s*", re.IGNORECASE)
_LABEL_IN_HTML = re.compile(r"^((?:<[^>]+>)*)(?:Ảnh|Hình|Photo|Figure)\s*(?:\d+)?\s*[:.]\s*", re.IGNORECASE)


def without_caption_label(html: str) -> str:
    """A caption's HTML without its label (``CAPTION_PREFIX``), also behind an opening tag (``<em>Ảnh: …``)."""
    return _LABEL_IN_HTML.sub(r"\1", html, count=1)


def escape(text: str) -> str:
    """Text as XHTML character data (quotes too, so it is safe in attributes)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def escape_text(text: str) -> str:
    """Text as XHTML character data, quotes left as typed (they are text, not markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def noteref(label: str) -> str:
    """The note reference every reader writes (see publisher.readers)."""
    label = escape(label)
    return f'<a class="noteref" href="#note-{label}">{label}</a>'


def byline_names(text: str) -> list[str] | None:
    """The author names of a byline such as "Minh Anh - Thu Hà", or None.

    A byline is one or more names of 2-5 capitalised words each, separated by
    "-", "–", "," or " và ", with no digits and no final punctuation; an agency
    in brackets after the names ("(TTXVN)") is left out. Each name must look like
    a person's (readers/names.py): office titles ("TRƯỞNG BAN", "Giám đốc"), one-word
    names and groups ("PV", "Nhóm phóng viên") are not recognised. A name in capitals
    is returned with a capital on each syllable ("TRẦN THỊ MAI" -> "Trần Thị Mai").
    """
    text = text.strip()
    if not text or text.endswith(FINAL_PUNCTUATION) or any(c.isdigit() for c in text):
        return None
    core = _TRAILING_AGENCY.sub("", text)
    names = [n.strip() for n in _NAME_SPLIT.split(core) if n.strip()]
    if not names:
        return None
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 5:
            return None
        if not all(_NAME_WORD.match(w) and w[0].isupper() for w in words):
            return None
        if not looks_like_person(name):
            return None
    return [name_case(name) for name in names]


MIN_BROKEN_LINE_WORDS = 9  # a line of a PDF's text column; a poem's lines (lục bát: 6 and 8) are shorter
_SENTENCE_END = tuple(".!?:;…\"”»)")
_NUMBERED_START = re.compile(r"^(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]|PHẦN|CHƯƠNG|Phần|Chương)\s")


def unfinished(line: str) -> bool:
    """Whether ``line`` is as long as a line of a page's column and ends without a sentence's punctuation."""
    line = line.strip()
    return len(line.split()) >= MIN_BROKEN_LINE_WORDS and not line.endswith(_SENTENCE_END)


def broken_text(lines: list[str]) -> bool:
    """Whether ``lines`` (paragraphs in order) read as a PDF's text broken at every line: two
    unfinished lines in a row (a heading may be one, two are a sentence running on)."""
    return any(unfinished(a) and unfinished(b) for a, b in zip(lines, lines[1:]))


def continues(line: str, following: str, capitals: bool = False) -> bool:
    """Whether ``following`` goes on with the sentence ``line`` ends, as text pasted from a PDF
    breaks at every line of the PDF: ``line`` is as long as a line of a page's column and ends
    without a sentence's punctuation, ``following`` starts with a small letter (a list item or a
    number starts something new; a capital too, unless ``capitals``: the caller knows the text
    is a PDF's, where a line may go on with a name)."""
    line, following = line.strip(), following.strip()
    if capitals and (_NUMBERED_START.match(line) or line.isupper()):
        return False  # a heading the PDF set as a line of its own ("II. Những thành tựu …")
    return unfinished(line) and following[:1].isalpha() and (capitals or following[:1].islower())
