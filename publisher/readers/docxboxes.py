"""Bring the text of Word text boxes into the flow, after the paragraph that anchors them.

mammoth reads a text box only through its VML fallback (``w:pict``) and drops a DrawingML
text box (``w:drawing`` … ``wps:txbx``) that has none; real documents lose whole boxes of
text that way. Before mammoth reads the document, each paragraph holding text boxes
(``w:txbxContent``, DrawingML or VML) gets their paragraphs and tables moved out of it and
placed right after it, in document order; a box nested in a box follows its own anchor.
``mc:AlternateContent`` holds the same box twice (DrawingML in ``mc:Choice``, VML in
``mc:Fallback``): one is taken, the choice when it has the text, and the other dropped.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from lxml import etree

from .docxpackage import DOCUMENT

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
MAX_BOXES = 2000  # a document with more is read as mammoth reads it


@dataclass
class TextBoxes:
    """The document part with its text boxes in the flow, and what was moved."""

    document: bytes | None  # None: the document has no text box
    count: int = 0
    characters: int = 0


def hoist(archive: zipfile.ZipFile) -> TextBoxes:
    """The main document part with every text box's content after its anchoring paragraph."""
    try:
        data = archive.read(DOCUMENT)
    except KeyError:
        return TextBoxes(None)
    if b"txbxContent" not in data:
        return TextBoxes(None)
    try:
        root = etree.fromstring(data, _XML)
    except etree.XMLSyntaxError:
        return TextBoxes(None)  # mammoth reports the damaged part
    count = characters = 0
    while count < MAX_BOXES:
        anchor = _next_anchor(root)
        if anchor is None:
            break
        boxes = _take_boxes(anchor)
        if not boxes:
            break
        position = anchor
        for box in boxes:
            count += 1
            characters += sum(len(t.text or "") for t in box.iter(f"{_W}t"))
            for child in list(box):
                if child.tag in (f"{_W}p", f"{_W}tbl"):
                    position.addnext(child)
                    position = child
    return TextBoxes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True),
                     count, characters)


def _inside_box(element) -> bool:
    return any(a.tag == f"{_W}txbxContent" for a in element.iterancestors())


def _next_anchor(root):
    """The first paragraph, not itself in a text box, that holds one."""
    for box in root.iter(f"{_W}txbxContent"):
        if _inside_box(box):
            continue
        paragraph = next((a for a in box.iterancestors() if a.tag == f"{_W}p"), None)
        if paragraph is not None:
            return paragraph
    return None


def _take_boxes(paragraph) -> list:
    """Remove the text boxes from ``paragraph`` (one of each alternate pair); their contents in order."""
    found: list = []
    handled: set = set()  # alternates already read
    doomed: list = []  # what to take out of the paragraph once every box is found
    for box in paragraph.iter(f"{_W}txbxContent"):
        if _inside_box(box):
            continue  # moves with the box that holds it, and is read from there
        alternate = next((a for a in box.iterancestors() if a.tag == f"{_MC}AlternateContent"), None)
        if alternate is not None:
            if alternate not in handled:
                handled.add(alternate)
                found.extend(b for b in _chosen_branch(alternate).iter(f"{_W}txbxContent")
                             if not _inside_box(b))
                doomed.append(alternate)
            continue
        found.append(box)
        holder = next((a for a in box.iterancestors() if a.tag in (f"{_W}drawing", f"{_W}pict")), None)
        doomed.append(holder if holder is not None else box)
    for element in doomed:
        _remove(element)
    return found


def _chosen_branch(alternate):
    """The mc:Choice holding the box's text, else the mc:Fallback."""
    for branch in alternate:
        if branch.tag == f"{_MC}Choice" and any(True for _ in branch.iter(f"{_W}txbxContent")):
            return branch
    fallback = alternate.find(f"{_MC}Fallback")
    return fallback if fallback is not None else alternate


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
