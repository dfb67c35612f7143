"""A roster's columns aligned as its source aligned them (a Markdown table's ``:---:``, ``---:``).

A roster's cells are written bare (``<td>``: pdf.rosters finds its rows and cuts its pages by
that markup), so a column's alignment is a token of the table's ``data-align`` attribute
(``c1 r3``: the first column centred, the third to the right), and the book's stylesheet gets
one rule for each token some roster of the book uses: a book without any gets no rule, and a
roster's cells are not matched against rules of columns that no roster aligns.
"""

from __future__ import annotations

from ..model import Book

_LETTERS = {"left": "l", "center": "c", "right": "r"}
_NAMES = {letter: name for name, letter in _LETTERS.items()}


def align_tokens(align: list[str] | None) -> str:
    """The ``data-align`` value of a roster whose columns are aligned ``align`` ("" when none is)."""
    return " ".join(f"{_LETTERS[kind]}{column}" for column, kind in enumerate(align or [], start=1)
                    if kind in _LETTERS)


def alignment_css(book: Book) -> str:
    """The rules aligning the rosters' columns, one for each token used in ``book`` (a header of
    one row is aligned with its column; the two rows of a shared heading are left as they are)."""
    tokens = sorted({token for article in book.articles() for block in article.blocks
                     if block.kind == "roster" for token in align_tokens(block.align).split()},
                    key=lambda token: (int(token[1:]), token[0]))
    rules = []
    for token in tokens:
        column, where = token[1:], f'table.roster[data-align~="{token}"]'
        rules.append(f"{where} td:nth-child({column}), {where} > thead > tr:only-child > th:nth-child({column}) "
                     f"{{ text-align: {_NAMES[token[0]]}; }}")
    if not rules:
        return ""
    return ("\n/* The rosters' columns aligned as their sources aligned them (render.rosteralign) */\n"
            + "\n".join(rules) + "\n")
