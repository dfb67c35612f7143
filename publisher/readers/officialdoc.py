"""The administrative frame of a Vietnamese official document typed in Word: its letterhead
table and its signature table, read as a book shows a letter.

A letter of congratulation, a speech or a decision typed by an office starts with a table of
two columns: the issuing body and the document's number on the left, the national title
(``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``) and motto (``Độc lập - Tự do - Hạnh phúc``) and the
place and date on the right; and it ends with another: the distribution list (``Nơi nhận:``)
on the left, the signer's office and name on the right. Shown as typed, both came out of the
book as bordered data tables, and the letterhead hid the document's title from the title guess.

- ``letterhead``: a table of at most three rows and two columns holding the national title
  or motto is a letterhead. The book keeps its place and date line (``Bạch Vân, ngày 10 tháng
  10 năm 2026``); the rest is left out, with a note naming it.
- ``signature``: a last table of one or two rows and two columns, one cell the distribution
  list or empty, the other a few short lines ending in a name (readers.names), is a signature:
  the book keeps that cell's lines, as the right-aligned lines that end a document (the name
  becomes the author); the distribution list is left out, with a note.

A cell is given as its lines (one per paragraph, blank ones dropped by the caller or not).
"""

from __future__ import annotations

import re
import unicodedata

from .inline import byline_names

# The national title and motto, compared without marks, case or the kind of dash.
_NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_DATE_LINE = re.compile(r"^[^\W\d_][^,]{0,60},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$", re.IGNORECASE)
_DISTRIBUTION = "noi nhan"
MAX_SIGNATURE_LINES = 8  # an office, "(đã ký)", a seal note, a name …
MAX_SIGNATURE_WORDS = 12  # a line of a signature: "KT. GIÁM ĐỐC SỞ NỘI VỤ", never a sentence


def _bare(text: str) -> str:
    """``text`` without marks, đ as d, in lower case, its dashes and runs of spaces one space."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[-‐‑‒–—―]", " ", text).split())


def letterhead(cells: list[list[str]], rows: int) -> bool:
    """Whether a table (``rows`` rows; ``cells``: each cell's lines) is an official letterhead."""
    if rows > 3 or len(cells) > 2 * rows or not cells:
        return False
    text = _bare(" ".join(line for cell in cells for line in cell))
    return any(phrase in text for phrase in _NATIONAL)


def date_line(cells: list[list[str]]) -> str | None:
    """The place and date line of a letterhead (``Bạch Vân, ngày 10 tháng 10 năm 2026``), or None."""
    for cell in cells:
        for line in cell:
            line = " ".join(line.split())
            if _DATE_LINE.match(unicodedata.normalize("NFC", line)):
                return line
    return None


def signature(cells: list[list[str]], rows: int) -> tuple[list[str], list[str]] | None:
    """(the signer's lines, the distribution list's lines) of a signature table, or None when
    the table (``rows`` rows; ``cells``: each cell's lines, blank ones dropped) is not one."""
    if not 1 <= rows <= 2 or len(cells) > 2 * rows or len(cells) < 2:
        return None
    listing = [cell for cell in cells if cell and _bare(cell[0]).startswith(_DISTRIBUTION)]
    others = [cell for cell in cells if cell and cell not in listing]
    if len(others) != 1 or len(listing) > 1:
        return None
    lines = others[0]
    if not lines or len(lines) > MAX_SIGNATURE_LINES or any(len(line.split()) > MAX_SIGNATURE_WORDS for line in lines):
        return None
    if byline_names(lines[-1]) is None:
        return None  # it does not end in a person's name: a table of the text
    return lines, (listing[0] if listing else [])
