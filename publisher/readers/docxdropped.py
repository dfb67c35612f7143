"""What a Word file shows that the docx reader cannot carry into the book, counted so the editor is told.

mammoth reads text, tables, lists, notes and pictures; a chart made in Word (Insert > Chart),
a SmartArt diagram (an organisation chart, a process) and an equation leave no trace in its
output, not even a message. Before the book goes on without them, ``dropped`` counts each kind
in the document part, so the reader can name what is missing and how to keep it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"
_DIAGRAM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PICTURES = ("{http://schemas.openxmlformats.org/drawingml/2006/picture}pic", "{urn:schemas-microsoft-com:vml}imagedata")


@dataclass(frozen=True)
class Dropped:
    """One kind of object left out: how many, what it is in the editor's words, and how to keep it."""

    count: int
    one: str
    many: str
    hint: str

    def message(self) -> str:
        if self.count == 1:
            return f"1 {self.one} is left out: the book cannot show it from a Word file"
        return f"{self.count} {self.many} are left out: the book cannot show them from a Word file"


def dropped(document: bytes) -> list[Dropped]:
    """The charts, SmartArt diagrams and equations in a document part (its bytes), each kind counted."""
    if not any(token in document for token in (b"/chart", b"/diagram", b"/math")):
        return []
    try:
        root = etree.fromstring(document, _XML)
    except etree.XMLSyntaxError:
        return []  # mammoth reports a damaged part

    def counted(tag: str) -> int:
        return sum(1 for e in root.iter(tag) if not _shown_otherwise(e))

    maths = sum(1 for e in root.iter(f"{_MATH}oMathPara", f"{_MATH}oMath")
                if e.getparent() is None or e.getparent().tag != f"{_MATH}oMathPara")
    found = [
        Dropped(counted(_CHART), "chart made in Word (Insert > Chart)", "charts made in Word (Insert > Chart)",
                "in Word, copy each chart and paste it back as a picture (Paste Special > Picture (PNG)), "
                "or save it as a picture and add it to the book's images"),
        Dropped(counted(_DIAGRAM), "SmartArt diagram (an organisation chart, a process)",
                "SmartArt diagrams (organisation charts, processes)",
                "in Word, copy each diagram and paste it back as a picture (Paste Special > Picture (PNG)); "
                "or write its boxes as a list"),
        Dropped(maths, "equation", "equations", "write each equation as text, or paste it as a picture"),
    ]
    return [d for d in found if d.count]


def _shown_otherwise(element) -> bool:
    """Whether mammoth shows ``element``'s object some other way, or it is counted elsewhere: in
    mc:AlternateContent, mammoth reads the fallback (a picture of the chart, when Word saved one);
    an object in the fallback is the one in the choice again."""
    for above in element.iterancestors():
        if above.tag == f"{_MC}Fallback":
            return True
        if above.tag == f"{_MC}Choice":
            fallback = above.getparent().find(f"{_MC}Fallback") if above.getparent() is not None else None
            return fallback is not None and next(fallback.iter(*_PICTURES), None) is not None
    return False
