"""Write inline XHTML as CommonMark inline text whose marks read back as they were meant.

CommonMark decides from the characters around a ``*`` run whether it opens or closes
emphasis (the "flanking" rules): ``**Điều 6:**Niên`` is *not* bold, because a closing run
after punctuation must be followed by a space or punctuation. Word documents are full
of such spans (bold "Điều 6:" glued to the next word, italics ending on a quote mark,
two bold runs side by side), so the writer works on a flat list of units, each a
character or an atom (code, link, note call, line break) with the set of marks it
carries, and makes the marks writable before writing them:

1. adjacent runs with the same marks are one run (``**a****b**`` never appears);
2. a space at the edge of a span takes only the marks of both its neighbours, so it
   moves outside the span (``x **bold** y``, never ``x** bold **y``);
3. punctuation at the edge of a span that CommonMark would not let a delimiter touch
   (``**6:**N``) moves outside the span (``**Điều 6**:Niên``); a span of punctuation
   alone thus loses its emphasis; a link's marks move into its text;
4. what is written is read back with the project's Markdown reader when a reader is
   given (``publisher import`` gives it) and compared unit by unit; if it differs, the
   writer tries ``_`` for emphasis, then drops strike-through, then keeps one level of
   marks, then writes the text without marks, and says which in its notes.

Steps 2 and 3 change only where a mark starts or ends, never the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Unit", "flatten", "write_inline", "units_equal"]

EM, STRONG, DEL = "em", "strong", "del"
_TAG_MARK = {"em": EM, "i": EM, "cite": EM, "strong": STRONG, "b": STRONG, "s": DEL, "del": DEL,
             "strike": DEL}
_ORDER = {DEL: 0, STRONG: 1, EM: 2}  # outermost first when several open at one place
_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_SUBSCRIPT = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")
# "~" only where it could join a "~~" (next to another "~" or a delimiter at a run's edge).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])|(<)(?=[A-Za-z/!?])|(&)(?=#?\w+;)|^~|~(?=~)|~$")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


@dataclass
class Unit:
    """One character or atom of a line, with the marks (em, strong, del) it carries."""

    kind: str  # "c" (a character), "code", "note", "br", "link"
    value: str
    marks: frozenset = frozenset()
    inner: list = field(default_factory=list)  # a link's text

    def key(self) -> tuple:
        inner = tuple(u.key() for u in self.inner)
        return (self.kind, self.value, tuple(sorted(self.marks)), inner)


# --- from the XHTML tree (render.markdown's _Node) to units ---------------------------


def flatten(node, notes: list[str], labels: dict[str, str], marks: frozenset = frozenset()) -> list[Unit]:
    """The units of a parsed inline fragment; what cannot be written is said in ``notes``."""
    units: list[Unit] = []
    for child in node.children:
        if isinstance(child, str):
            units.extend(Unit("c", ch, marks) for ch in _SPACE.sub(" ", child))
            continue
        tag = child.tag
        if tag in _TAG_MARK:
            units.extend(flatten(child, notes, labels, marks | {_TAG_MARK[tag]}))
        elif tag == "code":
            text = _text_of(child)
            if text:
                units.append(Unit("code", text, marks))
        elif tag == "br":
            units.append(Unit("br", "", marks))
        elif tag == "a":
            units.extend(_link(child, notes, labels, marks))
        elif tag in ("sup", "sub"):
            text = _text_of(child)
            if re.fullmatch(r"[0-9+-]+", text):
                table = _SUPERSCRIPT if tag == "sup" else _SUBSCRIPT
                units.extend(Unit("c", ch, marks) for ch in text.translate(table))
            else:
                notes.append(f"{tag} text {text!r} kept as plain text")
                units.extend(flatten(child, notes, labels, marks))
        elif tag == "img":
            notes.append(f"image {child.attrs.get('src', '')} inside running text left out")
            units.extend(Unit("c", ch, marks) for ch in _SPACE.sub(" ", child.attrs.get("alt", "")))
        else:
            units.extend(flatten(child, notes, labels, marks))
    return units


def _link(node, notes, labels, marks) -> list[Unit]:
    classes = node.attrs.get("class", "").split()
    href = node.attrs.get("href", "")
    if "noteref" in classes and href.startswith("#note-"):
        label = href[len("#note-"):]
        return [Unit("note", labels.get(label, note_label(label)))]  # a note call is never emphasised
    inner = flatten(node, notes, labels, marks)  # the link's marks go to its text
    if not href:
        return inner
    return [Unit("link", href, frozenset(), inner)]


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text_of(child) for child in node.children)


def note_label(label: str) -> str:
    """A note label as Markdown allows it."""
    cleaned = re.sub(r"[^\w-]", "", label)
    return cleaned or "n"


# --- making the marks writable ----------------------------------------------------------


def _is_space(unit: Unit | None) -> bool:
    return unit is None or unit.kind == "br" or (unit.kind == "c" and unit.value == " ")


def _is_white(ch: str) -> bool:
    return ch in " \t\n\r\f\v" or unicodedata.category(ch) == "Zs"


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith(("P", "S"))


def _first(unit: Unit | None) -> str:
    if unit is None:
        return " "
    return {"c": unit.value, "code": "`", "note": "[", "br": "\\", "link": "["}[unit.kind]


def _last(unit: Unit | None) -> str:
    if unit is None:
        return " "
    return {"c": unit.value, "code": "`", "note": "]", "br": "\n", "link": ")"}[unit.kind]


def canonical(units: list[Unit], breaks: bool = True) -> list[Unit]:
    """Spaces collapsed and trimmed (around breaks too), breaks at the ends dropped."""
    out: list[Unit] = []
    for unit in units:
        if unit.kind == "link":
            unit = Unit("link", unit.value, unit.marks, canonical(unit.inner, breaks))
        if unit.kind == "br" and not breaks:
            unit = Unit("c", " ", unit.marks)
        if unit.kind == "c" and _is_white(unit.value) and unit.value != "\u00a0":
            unit = Unit("c", " ", unit.marks)
        if unit.kind == "c" and unit.value == " " and (not out or _is_space(out[-1])):
            continue
        if unit.kind == "br":
            while out and _is_space(out[-1]):
                out.pop()
            if not out:
                continue
        out.append(unit)
    while out and _is_space(out[-1]):
        out.pop()
    return out


def _spaces_outside(units: list[Unit]) -> None:
    """A space (or break) keeps only the marks of the nearest non-space units on both sides."""
    index = 0
    while index < len(units):
        if not _is_space(units[index]):
            index += 1
            continue
        end = index
        while end < len(units) and _is_space(units[end]):
            end += 1
        left = units[index - 1].marks if index > 0 else frozenset()
        right = units[end].marks if end < len(units) else frozenset()
        for position in range(index, end):
            units[position].marks = units[position].marks & left & right
        index = end


def _punctuation_outside(units: list[Unit]) -> bool:
    """Take a mark off punctuation at a span's edge where CommonMark would not see the delimiter."""
    changed = False
    for mark in (DEL, STRONG, EM):
        index = 0
        while index < len(units):
            if mark not in units[index].marks:
                index += 1
                continue
            end = index
            while end < len(units) and mark in units[end].marks:
                end += 1
            before = units[index - 1] if index > 0 else None
            after = units[end] if end < len(units) else None
            # Opening: a delimiter followed by punctuation needs a space or punctuation before it.
            # One unit moved out is enough: the delimiter then has punctuation on that side.
            start = index
            if _is_punct(_first(units[start])) and not (_is_white(_last(before)) or _is_punct(_last(before))):
                units[start].marks = units[start].marks - {mark}
                start += 1
                changed = True
            # Closing: a delimiter after punctuation needs a space or punctuation after it.
            stop = end
            if start < stop and _is_punct(_last(units[stop - 1])) and not (
                    _is_white(_first(after)) or _is_punct(_first(after))):
                units[stop - 1].marks = units[stop - 1].marks - {mark}
                changed = True
            index = end
    return changed


def prepare(units: list[Unit], breaks: bool = True) -> list[Unit]:
    """The units with spaces and edge punctuation moved outside their spans (see the docstring)."""
    units = [Unit(u.kind, u.value, u.marks, prepare(u.inner, breaks) if u.kind == "link" else [])
             for u in canonical(units, breaks)]
    for _ in range(4):  # taking a mark off one edge can expose another; settles at once in practice
        _spaces_outside(units)
        if not _punctuation_outside(units):
            break
    return units


# --- writing -----------------------------------------------------------------------------


def _escape(text: str) -> str:
    return _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{fence}" if text else ""


def _atom(unit: Unit, delims: dict[str, str]) -> str:
    if unit.kind == "code":
        return code_span(unit.value)
    if unit.kind == "note":
        return f"[^{unit.value}]"
    if unit.kind == "br":
        return "\\\n"
    href = unit.value
    if re.search(r"[\s()<>]", href):
        href = "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return f"[{_emit(unit.inner, delims)}]({href})"


def _emit(units: list[Unit], delims: dict[str, str]) -> str:
    out: list[str] = []
    stack: list[str] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            run = _escape("".join(text))
            if run and out and out[-1].startswith("[^") and run[0] in "([:":
                run = "\\" + run  # "[^1](6)" would be a link, "[^1]:" a note's definition
            out.append(run)
            text.clear()

    for index, unit in enumerate(units + [Unit("c", "", frozenset())]):
        wanted = unit.marks
        if wanted != frozenset(stack):
            flush()
            closing = set(stack) - wanted
            reopen: list[str] = []
            while closing:
                top = stack.pop()
                out.append(delims[top])
                if top in closing:
                    closing.discard(top)
                else:
                    reopen.append(top)
            new = [m for m in wanted if m not in stack]
            # Open the mark whose span lasts longest first, so that it is the outer one.
            new.sort(key=lambda m: (-_span_end(units, index, m), _ORDER[m]))
            for mark in new:
                out.append(delims[mark])
                stack.append(mark)
        if unit.kind == "c":
            text.append(unit.value)
        else:
            flush()
            atom = _atom(unit, delims)
            if atom.startswith("[") and out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # "![" would start an image
            out.append(atom)
    flush()
    return "".join(out)


def _span_end(units: list[Unit], start: int, mark: str) -> int:
    end = start
    while end < len(units) and mark in units[end].marks:
        end += 1
    return end


def _strip(units: list[Unit], drop: set[str] | None = None, one_level: bool = False) -> list[Unit]:
    out = []
    for unit in units:
        marks = unit.marks if drop is None else unit.marks - drop
        if one_level and len(marks) > 1:
            marks = frozenset({min(marks, key=lambda m: _ORDER[m])})
        inner = _strip(unit.inner, drop, one_level) if unit.kind == "link" else []
        out.append(Unit(unit.kind, unit.value, marks, inner))
    return out


def units_equal(a: list[Unit], b: list[Unit]) -> bool:
    """Same characters, atoms and marks (spaces compared as collapsed)."""
    return [u.key() for u in canonical(a)] == [u.key() for u in canonical(b)]


def write_inline(units: list[Unit], notes: list[str], read_back: Callable[[str], list[Unit]] | None = None,
                 breaks: bool = True) -> str:
    """Inline Markdown for ``units``; with ``read_back``, checked to read back as the same units."""
    prepared = prepare(units, breaks)
    star = {EM: "*", STRONG: "**", DEL: "~~"}
    attempts = [
        (prepared, star, None),
        (prepared, {**star, EM: "_"}, None),
        (_strip(prepared, {DEL}), star, "strike-through dropped"),
        (prepare(_strip(prepared, {DEL}, one_level=True), breaks), star, "nested emphasis reduced to one level"),
        (_strip(prepared, {EM, STRONG, DEL}), star, "emphasis dropped"),
    ]
    for candidate, delims, loss in attempts:
        text = _emit(candidate, delims)
        if read_back is None or units_equal(read_back(text), candidate):
            if loss:
                notes.append(f"{loss} in “{_plain(candidate)[:60]}” so that no mark is printed")
            return text
    return text  # marks dropped: what is left is escaped text and atoms


def _plain(units: list[Unit]) -> str:
    return "".join(u.value if u.kind == "c" else _plain(u.inner) if u.kind == "link" else " " for u in units)
