"""Find the line of a key in a TOML file, so config errors can name it.

``tomllib`` gives values without positions. Book files are small and plainly
written, so a scan of table headers and ``key =`` lines finds the line of any
key path such as ``("parts", 1, "files")`` or ``("book", "isbn")``.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


def key_line(text: str, path: tuple) -> int | None:
    """The 1-based line where ``path`` is defined, or of its closest parent."""
    names = [p for p in path if isinstance(p, str)]
    indices = [p for p in path if isinstance(p, int)]
    table: list[str] = []
    array_count: dict[str, int] = {}
    best: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = [n.strip().strip('"') for n in header.group(2).split(".")]
            dotted = ".".join(table)
            if header.group(1) == "[[":
                array_count[dotted] = array_count.get(dotted, -1) + 1
            if _matches(table, names, indices, array_count, dotted, header.group(1) == "[["):
                best = best or number
                if table == names:
                    return number
            continue
        key = _KEY.match(raw)
        if key:
            full = table + [key.group(1).strip('"')]
            if full == names[: len(full)] and _index_ok(table, indices, array_count):
                if full == names:
                    return number
                best = number
    return best


def _index_ok(table: list[str], indices: list[int], counts: dict[str, int]) -> bool:
    dotted = ".".join(table)
    if indices and dotted in counts:
        return counts[dotted] == indices[0]
    return True


def _matches(table, names, indices, counts, dotted, is_array) -> bool:
    if table != names[: len(table)]:
        return False
    if is_array and indices:
        return counts[dotted] == indices[0]
    return True


def unclosed_string(text: str) -> tuple[int, str] | None:
    """(line, quote) of a string that is opened and never closed, or None.

    tomllib reports such a string as "Illegal character '\\n'" or "Unterminated string";
    an editor needs to hear which line lacks its closing quote. The scan knows TOML's four
    string kinds, backslash escapes in basic strings, and comments.
    """
    quote: str | None = None  # the delimiter of the open string: " ' """ or '''
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        index = 0
        while index < len(line):
            char = line[index]
            if quote is None:
                if char == "#":
                    break
                if char in "\"'":
                    quote = char * 3 if line.startswith(char * 3, index) else char
                    start = number
                    index += len(quote)
                    continue
            elif quote == '"' or quote == '"""':
                if char == "\\":
                    index += 2
                    continue
                if line.startswith(quote, index):
                    index += len(quote)
                    quote = None
                    continue
            elif line.startswith(quote, index):
                index += len(quote)
                quote = None
                continue
            index += 1
        if quote in ('"', "'"):  # a one-line string ends with its line
            return number, quote
    return (start, quote) if quote else None
