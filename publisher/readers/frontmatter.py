"""YAML metadata of a manuscript (front matter or sidecar file), shared by the readers.

A broken block is an error naming the file and the line, never body text; unknown keys
are warnings; values are checked and made plain (ISO dates, lists of names, text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import yaml

from ..errors import Diagnostic, ManuscriptError

# YAML's contexts for a quote or bracket opened and not closed (the error shows up later).
_UNCLOSED = ("while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping")
KEYS = ("title", "subtitle", "author", "authors", "date", "summary", "lang")


def split(lines: list[str], rel: str) -> tuple[list[str], int]:
    """The front matter's lines (without the fences) and the 0-based index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return [], 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise ManuscriptError("front matter starts with '---' on line 1 but has no closing '---' line", rel, 1)
    return lines[1:end], end + 1


def load(text: str, rel: str, first_line: int, label: str) -> dict:
    """Parse YAML ``text`` whose first line is ``first_line`` of the file ``rel``."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context", None) or ""
        if context.startswith(_UNCLOSED) and getattr(exc, "context_mark", None) is not None:
            # An unclosed quote or bracket is found only where the file (or the next key) begins:
            # the typo is on the line that opened it.
            mark = exc.context_mark
        line = mark.line + first_line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ManuscriptError(f"{label}: {problem}", rel, line) from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. date: 2026-13-45
        raise ManuscriptError(f"{label}: {exc}", rel, first_line) from exc
    if not isinstance(data, dict):
        raise ManuscriptError(f"{label} must be 'key: value' lines", rel, first_line)
    return data


def fields(data: dict, lines: list[str], rel: str, first_line: int, diagnostics: list[Diagnostic],
           label: str, keys: tuple[str, ...] = KEYS, raw: tuple[str, ...] = (),
           parse_date: Callable[[str], str | None] | None = None) -> dict:
    """The known keys, checked; ``raw`` keys are kept as they are for their reader to read."""
    meta: dict = {}
    for key, value in data.items():
        line = next((first_line + i for i, text in enumerate(lines) if text.split(":", 1)[0].strip() == str(key)),
                    first_line)
        if key not in keys:
            diagnostics.append(Diagnostic("warning", f"unknown {label} key {key!r} ignored", rel, line,
                                          "front-matter", f"known keys: {', '.join(keys)}"))
            continue
        meta[key] = value if key in raw else _value(key, value, rel, line, label, parse_date)
    if "author" in meta:
        meta["authors"] = meta.pop("author") + meta.get("authors", [])
    return meta


def _value(key: str, value, rel: str, line: int, label: str, parse_date):
    if key == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            found = parse_date(value.strip()) if parse_date else None
            if found:
                return found
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise ManuscriptError(f"{label}: date {value!r} is not a date like 2026-03-15", rel, line)
    if key in ("author", "authors"):
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ManuscriptError(f"{label}: {key} must be a name or a list of names", rel, line)
        return [n.strip() for n in names]
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ManuscriptError(f"{label}: {key} must be text", rel, line)
    return str(value).strip()
