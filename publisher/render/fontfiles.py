"""Font files themselves, with HarfBuzz's subsetter (uharfbuzz lives behind this module only).

Which characters a font covers; a static instance of a variable font at one face's weight
(without ``ccmp``: PDF text extraction of ẹ ị ọ ụ breaks with Noto Sans' ``ccmp`` lookups,
and the precomposed glyphs are in the font, so nothing is lost), kept in the cache by
content hash; subsets for the EPUB, and for the PDF as WeasyPrint cuts them (pdf.runs makes
one font program of the subsets of several runs of pages). render.fonts chooses the book's
fonts, render.fallback the fallback fonts: both on top of this module.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from pathlib import Path

from ..cache import cache_dir

WEIGHTS = {"regular": 400, "italic": 400, "bold": 700, "bold_italic": 700}
STYLE_NAMES = {"regular": "Regular", "italic": "Italic", "bold": "Bold", "bold_italic": "Bold Italic"}





def _stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns



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

    pdf.runs uses it to make one font program of the subsets of several runs of pages.
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


def usable(path: Path) -> bool:
    """Whether HarfBuzz reads the file as a font with glyphs and a character map, and can subset it."""
    return _usable(Path(path), _stamp(Path(path)))


@functools.lru_cache(maxsize=None)
def _usable(path: Path, stamp: tuple | None) -> bool:
    import uharfbuzz as hb

    try:
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        if face.glyph_count < 2 or not face.unicodes:
            return False
        request = hb.SubsetInput()
        request.sets(hb.SubsetInputSets.UNICODE).update({0x41})
        return hb.subset(face, request) is not None
    except Exception:  # HarfBuzz raises RuntimeError, others on odd files
        return False


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
