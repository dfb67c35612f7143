"""What Word does to a picture without changing it: crops, quarter turns and flips, carried to the
picture itself; and whether text wraps around it (a floating picture).

Word keeps a cropped, turned or flipped picture as it was inserted and records what it shows
beside it: the crop as ``a:srcRect`` in the picture's fill (``l``, ``t``, ``r`` and ``b``, each
the part of that side cut off, in thousandths of a per cent), the turn and flips in the
picture's ``a:xfrm`` (``rot`` clockwise in 60,000ths of a degree, ``flipH``, ``flipV``).
mammoth passes the picture on as inserted, so a photo cropped to the people in it came out
with the car park around them, and a photo turned upright in Word came out on its side.
Before mammoth reads the document, ``mark`` writes each such picture's changes into its
description (``wp:docPr/@descr``), the one property of a picture mammoth hands to the docx
reader's image writer; ``take`` reads them back out, and publisher.images.as_shown applies
them: the crop (of the picture as stored, shown upright by its EXIF orientation), then the
flips, then the turn. A negative crop (Word's fill outside the picture) is no crop; a turn
that is not a quarter turn (a photo tilted a few degrees) is left out, the picture kept upright.
A floating picture (``wp:anchor``: text wraps around it) is marked too: the book shows it after
the paragraph that anchors it, as Word shows it beside that text, and says nothing of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
FULL = 100_000  # a side's whole length, in Word's thousandths of a per cent
DEGREE = 60_000  # Word's unit of rotation
# Private-use characters around the changes: no description typed in Word holds them.
_MARK = re.compile("\ue000shown:(\\d+),(\\d+),(\\d+),(\\d+),([0-3]),([01]),([01]),([01])\ue001")


@dataclass(frozen=True)
class Shown:
    """How Word shows a picture: the part of each side cut off (0–1: left, top, right, bottom),
    quarter turns clockwise, and flips (applied before the turn)."""

    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    quarter_turns: int = 0
    flip_h: bool = False
    flip_v: bool = False
    floating: bool = False  # text wraps around it (wp:anchor): a book shows it after its paragraph, as a figure

    @property
    def changed(self) -> bool:
        """Whether the picture as shown differs from the picture as stored."""
        return any(self.crop) or bool(self.quarter_turns) or self.flip_h or self.flip_v


def mark(document: bytes) -> bytes | None:
    """The document part with each cropped, turned, flipped or floating picture marked in its
    description; None when there is none (or the part cannot be read: mammoth reports that)."""
    if not any(token in document for token in (b"srcRect", b"rot=", b"flip", b"anchor")):
        return None
    try:
        root = etree.fromstring(document, _XML)
    except etree.XMLSyntaxError:
        return None
    marked = 0
    for picture in root.iter(f"{_PIC}pic"):
        rect = picture.find(f"{_PIC}blipFill/{_A}srcRect")
        crop = _crop(rect) if rect is not None else (0, 0, 0, 0)
        turns, flip_h, flip_v = _turn(picture.find(f"{_PIC}spPr/{_A}xfrm"))
        frame = next((a for a in picture.iterancestors() if a.tag in (f"{_WP}inline", f"{_WP}anchor")), None)
        properties = frame.find(f"{_WP}docPr") if frame is not None else None
        floating = frame is not None and frame.tag == f"{_WP}anchor"
        if properties is None or (not any(crop) and not turns and not flip_h and not flip_v and not floating):
            continue
        # mammoth takes the description, or the title when the description is blank: kept either way.
        text = (properties.get("descr") or "").strip() or properties.get("title") or ""
        properties.set("descr", text + "\ue000shown:%d,%d,%d,%d,%d,%d,%d,%d\ue001"
                       % (*crop, turns, flip_h, flip_v, floating))
        marked += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if marked else None


def _crop(rect) -> tuple[int, int, int, int]:
    """The crop ``a:srcRect`` records, each side at least 0; no crop when it is not one."""
    sides = []
    for name in ("l", "t", "r", "b"):
        try:
            sides.append(max(0, min(FULL, int(rect.get(name) or 0))))
        except ValueError:
            return (0, 0, 0, 0)
    if sides[0] + sides[2] >= FULL or sides[1] + sides[3] >= FULL:
        return (0, 0, 0, 0)
    return tuple(sides)  # type: ignore[return-value]


def _turn(xfrm) -> tuple[int, bool, bool]:
    """(quarter turns clockwise, flipped left to right, flipped top to bottom) of ``a:xfrm``."""
    if xfrm is None:
        return 0, False, False
    try:
        degrees = int(xfrm.get("rot") or 0) / DEGREE % 360
    except ValueError:
        degrees = 0
    quarters = round(degrees / 90)
    turns = quarters % 4 if abs(degrees - quarters * 90) < 1 else 0  # a tilt of a few degrees: left out
    return turns, xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true")


def take(alt_text: str | None) -> tuple[str | None, Shown | None]:
    """A picture's description without the changes ``mark`` wrote into it, and those changes, or None."""
    if not alt_text:
        return alt_text, None
    found = _MARK.search(alt_text)
    if found is None:
        return alt_text, None
    text = (alt_text[:found.start()] + alt_text[found.end():]).strip()
    values = [int(v) for v in found.groups()]
    shown = Shown(tuple(v / FULL for v in values[:4]), values[4], bool(values[5]), bool(values[6]),  # type: ignore[arg-type]
                  bool(values[7]))
    return text or None, shown
