"""The book's fonts: one file per role and face, and the fallback fonts its text needs.

The default faces come from pip (fontpkg-noto-serif, fontpkg-noto-sans) as
variable fonts. Both outputs use static instances (render.fontfiles makes them): the EPUB
needs a plain TTF that every reading system understands, and the PDF's text extraction
needs them without ``ccmp``. The fallback fonts are chosen by render.fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import BookConfig, FontFaces
from .fallback import choose
from ..cache import cache_dir
from .fontfiles import WEIGHTS, _stamp, cached_instance, missing_characters, usable

__all__ = ["FontFile", "book_fonts", "regular_fonts"]

FACES = ("regular", "italic", "bold", "bold_italic")
DEFAULT_FAMILIES = {"body": "Noto Serif", "heading": "Noto Sans"}
# Which faces each role uses in the default theme.
ROLE_FACES = {"body": FACES, "heading": ("regular", "bold")}
CSS_FAMILIES = {"body": "Book Serif", "heading": "Book Sans",
                # fallbacks (render/fallback.py), listed after the book's families in book.css
                "emoji": "Book Emoji", "symbols": "Book Symbols", "symbols-extra": "Book Symbols Extra"}


@dataclass(frozen=True)
class FontFile:
    role: str  # "body" or "heading"
    face: str  # one of FACES
    path: Path  # a static TTF

    @property
    def weight(self) -> int:
        return WEIGHTS[self.face]

    @property
    def style(self) -> str:
        return "italic" if "italic" in self.face else "normal"

    @property
    def family(self) -> str:
        return CSS_FAMILIES[self.role]

    @property
    def file_name(self) -> str:
        return f"{self.role}-{self.face.replace('_', '-')}.ttf"


def book_fonts(config: BookConfig, characters: str = "") -> list[FontFile]:
    """The static font files the book uses, one per role and face, plus the fallback
    fonts needed for the ``characters`` the book's regular faces lack."""
    found = []
    for role, faces in ROLE_FACES.items():
        configured: FontFaces = config.body_font if role == "body" else config.heading_font
        for face in faces:
            given = getattr(configured, face)
            if given:
                _check_given(given, config.rel(given), f"fonts.{role}.{face}")
            path = given if given else _default_instance(DEFAULT_FAMILIES[role], face)
            found.append(FontFile(role, face, path))
    missing: set[str] = set()
    for font in found:
        if font.face == "regular":
            missing |= missing_characters(font.path, characters)
    if missing:
        chosen = {(role, path) for role, _, path in choose(missing).values()}
        found.extend(FontFile(role, "regular", path) for role, path in sorted(chosen))
    return found


def _check_given(path: Path, rel: str, key: str) -> None:
    """A project's font file must be a font HarfBuzz can read, with glyphs and a character map."""
    if usable(path):
        return
    from ..errors import ConfigError

    raise ConfigError(f"{key}: {rel} is not a usable font (damaged, or not a TrueType/OpenType font)",
                      "book.toml", hint="use the .ttf or .otf file the font's maker distributes")


def regular_fonts(config: BookConfig) -> list[Path]:
    """The book's own regular faces (body and heading), the ones coverage is checked against."""
    return [f.path for f in book_fonts(config) if f.face == "regular"]


# (family, face, cache folder) -> (variable font, its size and mtime, static instance). A build
# asks for the fonts several times; reading and hashing the variable font each time costs
# about 15 ms a face.
_INSTANCES: dict[tuple, tuple[Path, tuple, Path]] = {}


def _default_instance(family: str, face: str) -> Path:
    known = _INSTANCES.get((family, face, cache_dir()))
    if known and _stamp(known[0]) == known[1] and known[2].is_file():
        return known[2]
    import fontpkg

    style = "italic" if "italic" in face else "normal"
    source = Path(fontpkg.path(family, weight=WEIGHTS[face], style=style))
    stamp = _stamp(source)
    target = cached_instance(source.read_bytes(), family, face, f"{family.replace(' ', '')}-{face}", "hb3")
    _INSTANCES[(family, face, cache_dir())] = (source, stamp, target)
    return target
