"""Fallback fonts for characters the book's fonts lack (emoji, symbols), and the warnings about them.

Noto Serif and Noto Sans cover every Vietnamese letter but no emoji and few
symbols (☎ ✓ ★ ♥ ...). Left alone, WeasyPrint would take such a character from
whatever font the machine happens to have (different bytes on every machine) or
print an empty box. Instead the book declares fallback families after its own
(book.css): each is added only when the book uses a character it alone covers,
so a book without such characters is built exactly as before.

The fallbacks, tried in order, all monochrome outline fonts (a colour bitmap
emoji font cannot be embedded faithfully in a print PDF):
1. Noto Emoji, the black-and-white Noto emoji (publisher/fallback_fonts/, OFL);
2. Noto Sans Symbols (publisher/fallback_fonts/, OFL);
3. DejaVu Sans (Debian: fonts-dejavu-core, which fontconfig pulls in), for
   dingbats and geometric shapes such as ✓ and ★.
A character none of them has is still reported, as one that will print as a box.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ..errors import Diagnostic
from ..model import Article, Book, html_to_text
from .fontfiles import cached_instance, covered

# The fonts that come with publisher, with their licences (fallback_fonts/README.md).
VENDORED = Path(__file__).resolve().parent.parent / "fallback_fonts"

# role (a key of fonts.CSS_FAMILIES), the face's name in messages, where to find it
FALLBACKS = (
    ("emoji", "Noto Emoji", ("vendored", "NotoEmoji[wght].ttf")),
    ("symbols", "Noto Sans Symbols", ("vendored", "NotoSansSymbols[wght].ttf")),
    ("symbols-extra", "DejaVu Sans", ("system", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")),
)


def _source(where: tuple[str, str]) -> Path | None:
    kind, name = where
    if kind == "system":
        path = Path(name)
        return path if path.is_file() else None
    path = VENDORED / name
    return path if path.is_file() else None


@functools.lru_cache(maxsize=None)
def _static_file(role: str) -> Path | None:
    """The fallback font as a static TTF (variable fonts are instanced at 400 and cached)."""
    where = next(w for r, _, w in FALLBACKS if r == role)
    source = _source(where)
    if source is None or "[" not in source.name:
        return source
    return cached_instance(source.read_bytes(), where[1], "regular", f"fallback-{role}", "fallback1")


def choose(missing: set[str]) -> dict[str, tuple[str, str, Path]]:
    """For each character, the fallback that has it: char -> (role, face name, static file)."""
    chosen: dict[str, tuple[str, str, Path]] = {}
    for role, name, where in FALLBACKS:
        left = [c for c in missing if c not in chosen]
        if not left or _source(where) is None:
            continue
        source = _source(where)
        hits = [c for c in left if ord(c) in covered(source)]
        if hits:
            path = _static_file(role)
            for char in hits:
                chosen[char] = (role, name, path)
    return chosen


def _describe(chars) -> str:
    shown = sorted(chars)[:8]
    text = ", ".join(f"{c} (U+{ord(c):04X})" for c in shown)
    return text + (f" and {len(chars) - len(shown)} more" if len(chars) > len(shown) else "")


def _strings(value):
    """Every string in an article, its blocks, items and notes."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value):
        for item in vars(value).values():
            yield from _strings(item)


def _article_texts(article: Article):
    """(line, text) pieces of an article, in reading order."""
    yield None, html_to_text(article.title) + " " + html_to_text(article.subtitle or "")
    for block in article.blocks:
        yield block.line, block.text + " " + (block.alt or "")
    for note in article.footnotes:
        yield note.line, html_to_text(note.html)


def missing_glyph_diagnostics(book: Book, font_paths: list[Path]) -> list[Diagnostic]:
    """One warning an article naming the characters the book fonts lack, its first line, and the fallback."""
    # Each font's coverage read once for the book (not once an article), and each character
    # checked once: what fonts.missing_characters does for every font, article by article.
    coverages = [covered(path) for path in font_paths]
    verdicts: dict[str, bool] = {}

    def lacks(char: str) -> bool:
        if char not in verdicts:
            verdicts[char] = (not char.isspace() and ord(char) >= 0x20
                             and any(ord(char) not in covered for covered in coverages))
        return verdicts[char]

    found = []
    for article in book.articles():
        # Quick answer for nearly every article: no character anywhere in it (markup, paths
        # and all) lacks a glyph, and no entity (&...;) stands for one.
        raw = set()
        for text in _strings(article):
            if "&" in text:
                break
            raw.update(text)
        else:
            if not any(lacks(c) for c in raw):
                continue
        pieces = list(_article_texts(article))
        everything = " ".join(text for _, text in pieces)
        missing = {c for c in set(everything) if lacks(c)}
        if not missing:
            continue
        line = next((ln for ln, text in pieces if ln and any(c in text for c in missing)), None)
        chosen = choose(missing)
        lacking = missing - set(chosen)
        faces = sorted({name for _, name, _ in chosen.values()})
        if chosen:
            found.append(Diagnostic(
                "warning", f"the book fonts have no glyph for {_describe(set(chosen))}; "
                f"set in the fallback font {' and '.join(faces)}", article.source, line, "font",
                "choose a font with these characters in [fonts] to match the text"))
        if lacking:
            found.append(Diagnostic(
                "warning", f"no font has a glyph for {_describe(lacking)}: it prints as an empty box",
                article.source, line, "font", "remove the character or give a font that has it in [fonts]"))
    return found
