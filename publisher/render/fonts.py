"""Font files for the book: static instances of the default Noto faces, and EPUB subsets.

The default faces come from pip (fontpkg-noto-serif, fontpkg-noto-sans) as
variable fonts. Both outputs use static instances made with HarfBuzz's subsetter (uharfbuzz): the EPUB
needs a plain TTF that every reading system understands, and PDF text
extraction of ẹ ị ọ ụ breaks with Noto Sans' ``ccmp`` lookups, which this
module therefore drops from the instances (the precomposed glyphs are in the
font, so nothing is lost). Instances are cached by content hash.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_dir  # noqa: F401  (re-exported: older callers import it from here)
from ..config import BookConfig, FontFaces

FACES = ("regular", "italic", "bold", "bold_italic")
WEIGHTS = {"regular": 400, "italic": 400, "bold": 700, "bold_italic": 700}
STYLE_NAMES = {"regular": "Regular", "italic": "Italic", "bold": "Bold", "bold_italic": "Bold Italic"}
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
            path = given if given else _default_instance(DEFAULT_FAMILIES[role], face)
            found.append(FontFile(role, face, path))
    missing: set[str] = set()
    for font in found:
        if font.face == "regular":
            missing |= missing_characters(font.path, characters)
    if missing:
        from .fallback import choose

        chosen = {(role, path) for role, _, path in choose(missing).values()}
        found.extend(FontFile(role, "regular", path) for role, path in sorted(chosen))
    return found


def regular_fonts(config: BookConfig) -> list[Path]:
    """The book's own regular faces (body and heading), the ones coverage is checked against."""
    return [f.path for f in book_fonts(config) if f.face == "regular"]


# (family, face, cache folder) -> (variable font, its size and mtime, static instance). A build
# asks for the fonts several times; reading and hashing the variable font each time costs
# about 15 ms a face.
_INSTANCES: dict[tuple, tuple[Path, tuple, Path]] = {}


def _stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


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


def cached_instance(data: bytes, family: str, face: str, name: str, version: str) -> Path:
    """The static instance of a variable font's ``face``, made once and kept in the cache."""
    key = hashlib.sha256(data + f"{family}|{face}|{version}".encode()).hexdigest()[:16]
    target = cache_dir() / "fonts" / f"{name}-{key}.ttf"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(_instantiate(data, family, face))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _instantiate(data: bytes, family: str, face: str) -> bytes:
    """A static instance of a variable font at the face's weight, without ``ccmp``."""
    import uharfbuzz as hb

    source = hb.Face(hb.Blob(data))
    request = _keep_everything(hb.SubsetInput())
    features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.remove(_tag("ccmp"))
    axes = {axis.tag for axis in source.axis_infos}
    if "wght" in axes:
        request.pin_axis_location(source, "wght", WEIGHTS[face])
    if "wdth" in axes:
        request.pin_axis_location(source, "wdth", 100)
    return _rename(hb.subset(source, request).blob.data, family, STYLE_NAMES[face])


def _rename(data: bytes, family: str, style: str) -> bytes:
    """Give the instance its own names (the instancer keeps few of the variable font's)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    name = font["name"]
    short_style = style if style in ("Regular", "Italic", "Bold", "Bold Italic") else "Regular"
    for name_id, value in ((1, family), (2, short_style), (4, f"{family} {style}"),
                           (6, f"{family.replace(' ', '')}-{style.replace(' ', '')}")):
        name.setName(value, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def _keep_everything(request):
    """A subset request that keeps every character, feature, name and glyph name."""
    import uharfbuzz as hb

    request.sets(hb.SubsetInputSets.UNICODE).invert()
    features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.clear()
    features.invert()
    request.sets(hb.SubsetInputSets.NAME_ID).invert()
    request.flags = hb.SubsetFlags.GLYPH_NAMES | hb.SubsetFlags.NOTDEF_OUTLINE
    return request


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters in ``text`` (plus ASCII), as TTF bytes (HarfBuzz's subsetter)."""
    import uharfbuzz as hb

    chars = set(text) | {chr(c) for c in range(0x20, 0x7F)} | {"\u00a0", "“", "”", "‘", "’", "…", "–", "—"}
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    request = _keep_everything(hb.SubsetInput())
    unicodes = request.sets(hb.SubsetInputSets.UNICODE)
    unicodes.clear()
    unicodes.update(sorted(ord(c) for c in chars))
    return hb.subset(face, request).blob.data


# The tables WeasyPrint 70 drops when it subsets a font for the PDF (weasyprint/pdf/fonts.py).
_PDF_DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


def pdf_subset(path: Path, glyphs: set[int], hinting: bool = False) -> bytes | None:
    """The font cut down to ``glyphs`` as WeasyPrint subsets it for a PDF: same glyph ids
    (the PDF's character codes), the glyphs after the last one used dropped; None if it fails.

    render.pdfpost uses it to make one font program of the subsets of several runs of pages.
    """
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(path)))
    first = hb.SubsetInput()
    first.sets(hb.SubsetInputSets.GLYPH_INDEX).update(sorted(glyphs))
    first.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                   | hb.SubsetFlags.DESUBROUTINIZE)
    first.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(_tag(t) for t in _PDF_DROP_TABLES)
    kept = hb.subset(face, first)
    if kept is None:
        return None
    second = hb.SubsetInput()
    second.sets(hb.SubsetInputSets.GLYPH_INDEX).update(range(max(glyphs) + 1))
    second.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if not hinting:
        second.flags |= hb.SubsetFlags.NO_HINTING
    second.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(_tag(t) for t in _PDF_DROP_TABLES)
    final = hb.subset(kept, second)
    return final.blob.data if final is not None else None


def covered(path: Path) -> frozenset[int]:
    """The code points the font has a glyph for (read once a process while the file is unchanged)."""
    path = Path(path)
    return _covered(path, _stamp(path))


@functools.lru_cache(maxsize=None)
def _covered(path: Path, stamp: tuple | None) -> frozenset[int]:
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)


def missing_characters(path: Path, text: str) -> set[str]:
    """Characters of ``text`` the font has no glyph for (spaces and controls ignored)."""
    if not text:
        return set()
    have = covered(path)
    return {c for c in set(text) if not c.isspace() and ord(c) >= 0x20 and ord(c) not in have}
