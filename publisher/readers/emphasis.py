"""Repair emphasis that CommonMark would print as literal asterisks in a Markdown manuscript.

``**Điều 6:**Niên hạn`` is not bold in CommonMark: a closing ``**`` after punctuation must be
followed by a space or punctuation, and an opening one before punctuation must follow one.
Manuscripts written by hand or converted by other tools are full of such spans, and the
asterisks end up printed. When a paragraph's rendering still holds ``*`` or ``_``, the
punctuation at the failing edge is moved outside the span (``**Điều 6**:Niên hạn``) and the
paragraph is parsed again; the repair is kept only if fewer marks are left and the text is
otherwise the same. Lone marks between punctuation ("(*)") are left alone.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def literal_marks(html: str) -> int:
    """How many ``*`` and ``_`` a rendered fragment prints (code spans and attributes aside)."""
    text = _TAG.sub("", _CODE.sub("", html))
    return text.count("*") + text.count("_")


def _runs(source: str) -> list[tuple[int, int]]:
    """Unescaped runs of * or _ outside code spans: (start, end)."""
    runs, index = [], 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            end = index
            while end < len(source) and source[end] == "`":
                end += 1
            close = source.find(source[index:end], end)
            index = close + (end - index) if close >= 0 else end
            continue
        if char in "*_":
            end = index
            while end < len(source) and source[end] == char:
                end += 1
            runs.append((index, end))
            index = end
            continue
        index += 1
    return runs


def _punct(char: str) -> bool:
    return not (char.isalnum() or char.isspace() or char in "*_\\")


def repaired(source: str) -> str | None:
    """``source`` with the edge punctuation of failing spans moved outside them, or None.

    Runs are paired in order (a run with the next identical one), as people write them.
    """
    runs = _runs(source)
    out, last, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        mark = source[start:end]
        partner = next((k for k in range(index + 1, len(runs)) if source[runs[k][0]:runs[k][1]] == mark), None)
        if partner is None:
            index += 1
            continue
        close, after = runs[partner]
        body = source[end:close]
        before_char = source[start - 1] if start else " "
        after_char = source[after] if after < len(source) else " "
        lead = trail = ""
        # One mark moved out is enough: the delimiter then touches punctuation on that side.
        if before_char.isalnum() and body and _punct(body[0]):
            lead, body = body[0], body[1:]
        if after_char.isalnum() and body and _punct(body[-1]):
            trail, body = body[-1], body[:-1]
        if (lead or trail) and body.strip():
            out.append(source[last:start] + lead + mark + body + mark + trail)
            last = after
        index = partner + 1
    if last == 0:
        return None
    return "".join(out) + source[last:]


def same_text(a: str, b: str) -> bool:
    """The same printed text once marks are ignored."""
    def plain(html: str) -> str:
        return re.sub(r"[*_\s]", "", _TAG.sub("", html))
    return plain(a) == plain(b)
