"""A roster's header in one row, or in two where columns share a heading.

readers.tableshape reads an office's two-row header (``Thời gian công tác`` merged over ``Từ``
and ``Đến``) as one name a column, the sub-heading joined to its heading by an en dash
(``Thời gian công tác – Từ``), so that ``columns=`` and ``sort=`` can name each column. The
table shows it as the office laid it out: ``heading_rows`` puts the shared heading over its
columns (``colspan``, ``scope="colgroup"``) and the other headings down both rows (``rowspan``).
"""

from __future__ import annotations

import re

from ..model import SUB_HEADING

# The joiner tableshape puts between a heading and its sub-heading; the normaliser may have made
# its space before the dash a no-break one.
_JOIN = re.compile(r"\s+" + re.escape(SUB_HEADING.strip()) + r"\s+")


def _split(heading: str) -> tuple[str, str | None]:
    parts = _JOIN.split(heading, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (heading, None)


def heading_rows(columns: list[str]) -> list[list[dict]]:
    """The header's rows: each a list of cells (``text``, ``colspan``, ``rowspan``, ``scope``).
    Two rows when two or more columns side by side share the heading before their en dash."""
    split = [_split(c) for c in columns]
    runs: list[tuple[int, int]] = []  # (first column, count) of each shared heading
    at = 0
    while at < len(columns):
        top, sub = split[at]
        end = at + 1
        while sub is not None and end < len(columns) and split[end][1] is not None and split[end][0] == top:
            end += 1
        if end - at >= 2:
            runs.append((at, end - at))
        at = end
    if not runs:
        return [[{"text": c, "colspan": 1, "rowspan": 1, "scope": "col"} for c in columns]]
    starts = dict(runs)
    top_row, bottom_row = [], []
    at = 0
    while at < len(columns):
        if at in starts:
            top_row.append({"text": split[at][0], "colspan": starts[at], "rowspan": 1, "scope": "colgroup"})
            bottom_row += [{"text": split[c][1], "colspan": 1, "rowspan": 1, "scope": "col"}
                           for c in range(at, at + starts[at])]
            at += starts[at]
        else:
            top_row.append({"text": columns[at], "colspan": 1, "rowspan": 2, "scope": "col"})
            at += 1
    return [top_row, bottom_row]
