"""Word's picture crops (Picture Format > Crop), carried to the picture itself.

Word keeps a cropped picture whole and records the crop beside it: ``a:srcRect`` in the
picture's fill, its ``l``, ``t``, ``r`` and ``b`` each the part of that side cut off, in
thousandths of a per cent. mammoth passes the whole picture on, so a photo cropped to the
people in it came out with the car park around them. Before mammoth reads the document,
``mark`` writes each picture's crop into its description (``wp:docPr/@descr``), the one
property of a picture mammoth hands to the docx reader's image writer; ``take`` reads it back
out, and publisher.images.cropped cuts the picture. A negative value (Word's "fill" outside the
picture) is no crop.
"""

from __future__ import annotations

import re

from lxml import etree

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
FULL = 100_000  # a side's whole length, in Word's thousandths of a per cent
# Private-use characters around the crop: no description typed in Word holds them.
_MARK = re.compile("\ue000crop:(\\d+),(\\d+),(\\d+),(\\d+)\ue001")

Crop = tuple[float, float, float, float]  # left, top, right, bottom: the part of each side cut off (0–1)


def mark(document: bytes) -> bytes | None:
    """The document part with each cropped picture's crop in its description; None when no
    picture is cropped (or the part cannot be read: mammoth reports that)."""
    if b"srcRect" not in document:
        return None
    try:
        root = etree.fromstring(document, _XML)
    except etree.XMLSyntaxError:
        return None
    marked = 0
    for picture in root.iter(f"{_PIC}pic"):
        rect = picture.find(f"{_PIC}blipFill/{_A}srcRect")
        crop = _crop(rect) if rect is not None else None
        frame = next((a for a in picture.iterancestors() if a.tag in (f"{_WP}inline", f"{_WP}anchor")), None)
        properties = frame.find(f"{_WP}docPr") if frame is not None else None
        if crop is None or properties is None:
            continue
        # mammoth takes the description, or the title when the description is blank: kept either way.
        text = (properties.get("descr") or "").strip() or properties.get("title") or ""
        properties.set("descr", text + "\ue000crop:%d,%d,%d,%d\ue001" % crop)
        marked += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if marked else None


def _crop(rect) -> tuple[int, int, int, int] | None:
    """The crop ``a:srcRect`` records, each side at least 0, or None when it cuts nothing off or is not a crop."""
    sides = []
    for name in ("l", "t", "r", "b"):
        try:
            sides.append(max(0, min(FULL, int(rect.get(name) or 0))))
        except ValueError:
            return None
    if sum(sides) == 0 or sides[0] + sides[2] >= FULL or sides[1] + sides[3] >= FULL:
        return None
    return tuple(sides)  # type: ignore[return-value]


def take(alt_text: str | None) -> tuple[str | None, Crop | None]:
    """A picture's description without the crop ``mark`` wrote into it, and that crop (as
    fractions of each side), or None."""
    if not alt_text:
        return alt_text, None
    found = _MARK.search(alt_text)
    if found is None:
        return alt_text, None
    text = (alt_text[:found.start()] + alt_text[found.end():]).strip()
    return text or None, tuple(int(v) / FULL for v in found.groups())  # type: ignore[return-value]
