"""Typographic clean-ups for Vietnamese prose: quotes, ellipsis, dashes, spacing, no-break spaces.

Every function is ``str -> str``, idempotent, and leaves alone URLs (http://…, www.…,
mailto:), e-mail addresses, and numbers such as 6.452,7, 1.234.567,89, 7:30 or 2020-2021.

Decisions (house style; see VIETNAMESE.md):
- quotes: “ ” outside, ‘ ’ inside; an apostrophe inside a word becomes ’.
- dashes: a spaced hyphen or double hyphen between words becomes a spaced en dash
  ("a - b", "a -- b", "a--b" -> "a – b"); "10--20" becomes "10–20". Unspaced
  hyphens (hyphenated words, 2020-2021, ISBN and registration numbers) and "---" are
  never touched, since a range cannot be told from a code.
- ellipsis: exactly three dots; longer runs are leaders ("Chương 1 ........ 5").
- spacing: double spaces collapse only between words, so Markdown indentation and a
  trailing two-space hard break survive.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TRAILING = ".,;:!?)]}'\"’”»…"
_PROTECTED = re.compile(
    r"(?:(?:https?|ftp)://|mailto:|www\.)[^\s<>\"“”‘’]+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
)


def _may_be_protected(text: str) -> bool:
    # Every URL or address the pattern finds holds one of these: text without them (nearly
    # all prose) skips the scan, which tries the pattern at every character.
    return "@" in text or "://" in text or "www." in text or "mailto:" in text


def _protected_spans(text: str) -> list[tuple[int, int]]:
    if not _may_be_protected(text):
        return []
    spans = []
    for match in _PROTECTED.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1  # a sentence's full stop or closing bracket is not part of the URL
        spans.append((start, end))
    return spans


def _outside_protected(fn: Callable[[str], str]) -> Callable[[str], str]:
    """Wrap ``fn`` so that it only sees the text between URLs and e-mail addresses."""

    def wrapper(text: str) -> str:
        if not _may_be_protected(text):
            return fn(text)
        out, last = [], 0
        for start, end in _protected_spans(text):
            out += [fn(text[last:start]), text[start:end]]
            last = end
        out.append(fn(text[last:]))
        return "".join(out)

    wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
    return wrapper


# --- quotes ----------------------------------------------------------------------

# A quote after these opens (when a word follows it); after anything else it closes.
_OPENING_CONTEXT = set(" \t\n\r\u00a0([{<“‘—–-/«,;:")


def smart_quotes(text: str) -> str:
    """Turn straight quotes into “ ” (‘ ’ when nested inside a double quote) and ’."""
    if '"' not in text and "'" not in text:
        return text
    protected = set()
    for start, end in _protected_spans(text):
        protected.update(range(start, end))
    out = list(text)
    stack: list[str] = []  # open quotes: "“", "‘" (typed as ') or "‘d" (typed as ")
    for i, char in enumerate(text):
        if i in protected:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = before in _OPENING_CONTEXT and not after.isspace()
        if char == "“":
            stack.append("“")
        elif char == "”" and stack and stack[-1] == "“":
            stack.pop()
        elif char == '"':
            if opening:
                nested = "“" in stack or "‘d" in stack
                stack.append("‘d" if nested else "“")
                out[i] = "‘" if nested else "“"
            else:
                top = stack.pop() if stack and stack[-1] in ("“", "‘d") else "“"
                out[i] = "’" if top == "‘d" else "”"
        elif char == "'":
            if before.isalnum() and after.isalnum():
                out[i] = "’"  # apostrophe inside a word: O’Neil, rock’n’roll
            elif opening and re.match(r"\d\d(?!\d)", text[i + 1 : i + 4]):
                out[i] = "’"  # elided century: ’90
            elif opening:
                stack.append("‘")
                out[i] = "‘"
            else:
                if stack and stack[-1] == "‘":
                    stack.pop()
                out[i] = "’"
    return "".join(out)


# --- ellipsis, dashes -------------------------------------------------------------

_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


@_outside_protected
def ellipsis(text: str) -> str:
    """Replace exactly three dots with the ellipsis character …"""
    return _ELLIPSIS.sub("…", text) if "..." in text else text


_SPACED_HYPHEN = re.compile(r"(?<=[^\s-])[ \t]+--?[ \t]+(?=[^\s-])")
_WORD_DOUBLE_HYPHEN = re.compile(r"(?<=[^\W\d_])--(?=[^\W\d_])")
_DIGIT_DOUBLE_HYPHEN = re.compile(r"(?<=\d)--(?=\d)")


@_outside_protected
def dashes(text: str) -> str:
    """Spaced hyphens and double hyphens between words become a spaced en dash."""
    if "-" not in text:
        return text
    text = _SPACED_HYPHEN.sub(" – ", text)
    if "--" not in text:
        return text
    text = _WORD_DOUBLE_HYPHEN.sub(" – ", text)
    return _DIGIT_DOUBLE_HYPHEN.sub("–", text)


# --- spacing ----------------------------------------------------------------------

# A dot is left alone when it starts "..." or a decimal (".5").
# A space between two dots stays (".. ." is not a sentence end, and joining it would make
# "..." that the ellipsis step, which runs earlier, would change on a second pass).
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t]+(?=[,;:!?])|(?<=[^\s.])[ \t]+(?=\.(?![.\d]))")
_NO_SPACE_AFTER = re.compile(r"([,;!?])(?=[^\W\d_])")
_COLON_LETTER = re.compile(r"(?<=[^\W\d_]):(?=[^\W\d_])")
_BEFORE_QUOTE = re.compile(r"(?<=[^\W\d_])([,;:])(?=[“‘])")
_DOT_LETTER = re.compile(r"(?<![\w.])([^\W\d_]{2,})\.(?=[^\W\d_])")
_MULTI_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
# What each rule needs somewhere in the text: a cheap search that rules most paragraphs
# out before the rule itself, which starts with a look-behind, is tried at every character.
_SPACE_THEN_MARK = re.compile(r"[ \t][,;:!?.]")
_DOT_THEN_LETTER = re.compile(r"\.[^\W\d_]")


def _sentence_dot(match: re.Match[str]) -> str:
    # "kết thúc.Sau đó" is a missing space; "Tp.HCM", "PGS.TS", "v.v." and file names
    # are not, so only a lower-case word followed by a capital gets one.
    word = match.group(1)
    following = match.string[match.end()]
    return f"{word}. " if word.islower() and following.isupper() else match.group(0)


@_outside_protected
def punctuation_spacing(text: str) -> str:
    """No space before , . ; : ! ?, one space after them before a word, no double spaces."""
    if _SPACE_THEN_MARK.search(text):
        text = _SPACE_BEFORE.sub("", text)
    text = _NO_SPACE_AFTER.sub(r"\1 ", text)
    if ":" in text:
        text = _COLON_LETTER.sub(": ", text)
    if "“" in text or "‘" in text:
        text = _BEFORE_QUOTE.sub(r"\1 ", text)
    if _DOT_THEN_LETTER.search(text):
        text = _DOT_LETTER.sub(_sentence_dot, text)
    return _MULTI_SPACE.sub(" ", text) if "  " in text else text


# --- no-break spaces --------------------------------------------------------------

NBSP = "\u00a0"
# Units kept with the number before them. Counting nouns (người, cuốn …) are left
# out on purpose: they are an open class, and binding them is not house style.
UNITS = (
    "km² km2 km m² m³ m2 m3 cm mm m ha tấn tạ kg mg g lít ml l °C % ‰ "
    "đồng đ VNĐ VND USD EUR nghìn ngàn triệu tỷ tỉ "
    "năm tháng tuần ngày giờ phút giây tuổi kWh kW MW GB MB"
).split()
CURRENCIES = ("đồng", "USD", "VND", "VNĐ", "EUR")
MAGNITUDES = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ")
# Words kept with the number after them ("Điều 27", "ngày 20 tháng 10 năm 2021").
LABELS = (
    "Điều Khoản Chương Phần Mục Hình Bảng Tập Quyển Số số trang ngày tháng năm Ngày Tháng Năm"
).split()
# Academic and professional titles kept with the name after them.
TITLES = "GS PGS TSKH TS ThS Th.S KS BS BSCKII BSCKI CKII CKI CN DS LS KTS NGND NGƯT".split()

_NUMBER = r"(?<![\w.,])\d+(?:[.,]\d+)*"
# A unit followed by another number starts the next part of a date ("20 tháng 10"),
# so the break stays allowed there: only "tháng 10" is bound.
_NUMBER_UNIT = re.compile(
    rf"({_NUMBER}) (?=(?:{'|'.join(map(re.escape, UNITS))})(?!\w)(?![ \u00a0]\d))"
)
_MAGNITUDE_CURRENCY = re.compile(rf"(?<!\w)({'|'.join(MAGNITUDES)}) (?=(?:{'|'.join(CURRENCIES)})(?!\w))")
_LABEL_NUMBER = re.compile(rf"(?<![\w.])({'|'.join(LABELS)}) (?=\d|[IVXLC]+(?!\w))")
_TITLE_PART = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
_TITLE_NAME = re.compile(rf"(?<![\w.])((?:{_TITLE_PART})(?:\.(?:{_TITLE_PART}))*\.?) (?=[^\W\d_])")
# Needed somewhere in the text by the rules above (see _SPACE_THEN_MARK).
_DIGIT_SPACE = re.compile(r"\d ")
_SPACE_NUMERAL = re.compile(r" (?:\d|[IVXLC]+(?!\w))")
_ANY_TITLE = re.compile("|".join(map(re.escape, TITLES)))


def _title_space(match: re.Match[str]) -> str:
    following = match.string[match.end()]
    return match.group(1) + (NBSP if following.isupper() else " ")


@_outside_protected
def nbsp(text: str) -> str:
    """Put no-break spaces between a number and its unit, a label and its number, a title and a name."""
    if _DIGIT_SPACE.search(text):
        text = _NUMBER_UNIT.sub(rf"\1{NBSP}", text)
    if any(word in text for word in MAGNITUDES):
        text = _MAGNITUDE_CURRENCY.sub(rf"\1{NBSP}", text)
    if _SPACE_NUMERAL.search(text):
        text = _LABEL_NUMBER.sub(rf"\1{NBSP}", text)
    if _ANY_TITLE.search(text):
        text = _TITLE_NAME.sub(_title_space, text)
    return text
