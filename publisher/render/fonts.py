"""Font files for the book: static instances of the default Noto faces, and EPUB subsets.

The default faces come from pip (fontpkg-noto-serif, fontpkg-noto-sans) as
variable fonts. Both outputs use static instances made with fontTools: the EPUB
needs a plain TTF that every reading system understands, and PDF text
extraction of ẹ ị ọ ụ breaks with Noto Sans' ``ccmp`` lookups, which this
module therefore drops from the instances (the precomposed glyphs are in the
font, so nothing is lost). Instances are cached by content hash.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import BookConfig, FontFaces

FACES = ("regular", "italic", "bold", "bold_italic")
WEIGHTS = {"regular": 400, "italic": 400, "bold": 700, "bold_italic": 700}
STYLE_NAMES = {"regular": "Regular", "italic": "Italic", "bold": "Bold", "bold_italic": "Bold Italic"}
DEFAULT_FAMILIES = {"body": "Noto Serif", "heading": "Noto Sans"}
# Which faces each role uses in the default theme.
ROLE_FACES = {"body": FACES, "heading": ("regular", "bold")}
CSS_FAMILIES = {"body": "Book Serif", "heading": "Book Sans"}


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


def cache_dir() -> Path:
    """Where derived files (font instances, processed images) are kept between builds."""
    base = os.environ.get("PUBLISHER_CACHE") or os.environ.get("XDG_CACHE_HOME")
    path = Path(base) / "publisher" if base else Path.home() / ".cache" / "publisher"
    return path


def book_fonts(config: BookConfig) -> list[FontFile]:
    """The static font files the book uses, one per role and face."""
    found = []
    for role, faces in ROLE_FACES.items():
        configured: FontFaces = config.body_font if role == "body" else config.heading_font
        for face in faces:
            given = getattr(configured, face)
            path = given if given else _default_instance(DEFAULT_FAMILIES[role], face)
            found.append(FontFile(role, face, path))
    return found


def _default_instance(family: str, face: str) -> Path:
    import fontpkg

    style = "italic" if "italic" in face else "normal"
    source = Path(fontpkg.path(family, weight=WEIGHTS[face], style=style))
    data = source.read_bytes()
    key = hashlib.sha256(data + f"{family}|{face}|v2".encode()).hexdigest()[:16]
    target = cache_dir() / "fonts" / f"{family.replace(' ', '')}-{face}-{key}.ttf"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    blob = _instantiate(data, family, face)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(blob)
    os.replace(temporary, target)
    return target


def _instantiate(data: bytes, family: str, face: str) -> bytes:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(io.BytesIO(data))
    axes = {"wght": WEIGHTS[face]}
    if "fvar" in font and any(a.axisTag == "wdth" for a in font["fvar"].axes):
        axes["wdth"] = 100
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, axes)
    _drop_feature(font, "ccmp")
    _rename(font, family, STYLE_NAMES[face])
    font.recalcTimestamp = False  # reproducible bytes
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _drop_feature(font, tag: str) -> None:
    """Remove a GSUB feature from every script and language system."""
    if "GSUB" not in font:
        return
    table = font["GSUB"].table
    if not table.FeatureList:
        return
    keep = [i for i, rec in enumerate(table.FeatureList.FeatureRecord) if rec.FeatureTag != tag]
    remap = {old: new for new, old in enumerate(keep)}
    table.FeatureList.FeatureRecord = [table.FeatureList.FeatureRecord[i] for i in keep]
    table.FeatureList.FeatureCount = len(keep)
    for script in table.ScriptList.ScriptRecord:
        systems = [script.Script.DefaultLangSys] + [r.LangSys for r in script.Script.LangSysRecord]
        for system in systems:
            if system is None:
                continue
            system.FeatureIndex = [remap[i] for i in system.FeatureIndex if i in remap]
            system.FeatureCount = len(system.FeatureIndex)
            if system.ReqFeatureIndex != 0xFFFF:
                system.ReqFeatureIndex = remap.get(system.ReqFeatureIndex, 0xFFFF)


def _rename(font, family: str, style: str) -> None:
    name = font["name"]
    postscript = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    for record in list(name.names):
        if record.nameID in (16, 17, 25):
            name.removeNames(nameID=record.nameID)
    short_style = style if style in ("Regular", "Italic", "Bold", "Bold Italic") else "Regular"
    name.setName(family, 1, 3, 1, 0x409)
    name.setName(short_style, 2, 3, 1, 0x409)
    name.setName(f"{family} {style}", 4, 3, 1, 0x409)
    name.setName(postscript, 6, 3, 1, 0x409)
    if "STAT" in font:
        del font["STAT"]


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters in ``text`` (plus ASCII), as TTF bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(path)
    font.recalcTimestamp = False
    chars = set(text) | {chr(c) for c in range(0x20, 0x7F)} | {"\u00a0", "“", "”", "‘", "’", "…", "–", "—"}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def missing_characters(path: Path, text: str) -> set[str]:
    """Characters of ``text`` the font has no glyph for (spaces and controls ignored)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(path, lazy=True).getBestCmap()
    return {c for c in set(text) if not c.isspace() and ord(c) >= 0x20 and ord(c) not in cmap}
