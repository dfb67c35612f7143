"""Fonts of Word runs, for legacy Vietnamese encodings: each run's effective font, and a
mammoth document transform that converts TCVN3/VNI text to Unicode.

mammoth exposes only a run's *direct* font (``w:rFonts/@w:ascii``), so the font a run
inherits is resolved here from ``word/styles.xml``, in Word's order: the run's own
font, its character style (following ``w:basedOn``), its paragraph style (following
``w:basedOn``; a paragraph without a style has the default paragraph style, usually
Normal), then the document defaults (``w:docDefaults/w:rPrDefault``). A style or
default that names only ``w:hAnsi`` (the font Word uses for the letters above ASCII,
where all legacy letters are) counts too.

Runs in All Caps (``w:caps`` on the run, its character style or its paragraph style)
are upper-cased, as Word shows them: TCVN3 has no toned capitals, so headings were
typed in lower case and set in All Caps as often as in a ``.VnTimeH`` font.

The conversion itself (by font name, and by the text's score when the name is unknown,
missing or wrong) is ``publisher.legacyfonts.LegacyText``; each paragraph (and each
note paragraph) is one group, so runs of one paragraph in one font are judged together.
"""

from __future__ import annotations

from ..encodings import legacy_font_kind
from ..legacyfonts import LegacyText, decode_as, judge, reads_as_legacy

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _font_of(fonts) -> str | None:
    if fonts is None:
        return None
    return fonts.get(f"{_W}ascii") or fonts.get(f"{_W}hAnsi")


def _caps_of(rpr) -> bool | None:
    """w:caps in a style's run properties: True, False (switched off) or None (not set)."""
    caps = rpr.find(f"{_W}caps") if rpr is not None else None
    if caps is None:
        return None
    return caps.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


class StyleFonts:
    """The font each style gives (following basedOn), and the document default; also
    whether a style sets All Caps (``w:caps``)."""

    def __init__(self, root):
        self.styles: dict[str, tuple[str | None, str | None]] = {}
        self.caps: dict[str, bool | None] = {}
        self.default_font = None
        self.default_paragraph = None
        if root is None:
            return
        self.default_font = _font_of(root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}rFonts"))
        for style in root.iter(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            based = style.find(f"{_W}basedOn")
            self.styles[style_id] = (
                _font_of(style.find(f"{_W}rPr/{_W}rFonts")),
                based.get(f"{_W}val") if based is not None else None,
            )
            self.caps[style_id] = _caps_of(style.find(f"{_W}rPr"))
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
                self.default_paragraph = style_id

    def font(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            font, style_id = self.styles.get(style_id, (None, None))
            if font:
                return font
        return None

    def style_caps(self, style_id: str | None) -> bool | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.caps.get(style_id) is not None:
                return self.caps[style_id]
            style_id = self.styles.get(style_id, (None, None))[1]
        return None

    def run_caps(self, run, paragraph_style: str | None) -> bool:
        """True when Word draws the run in capitals (All Caps on the run or its styles)."""
        if run.is_all_caps:
            return True
        for style_id in (run.style_id, paragraph_style or self.default_paragraph):
            caps = self.style_caps(style_id)
            if caps is not None:
                return caps
        return False

    def run_font(self, run, paragraph_style: str | None) -> str | None:
        return (
            run.font
            or self.font(run.style_id)
            or self.font(paragraph_style or self.default_paragraph)
            or self.default_font
        )


class LegacyRuns:
    """A mammoth document transform: legacy-font text to Unicode, all text to NFC.

    ``paragraph_hook(paragraph) -> dict`` may return changes to each paragraph (the
    docx reader sets alignment styles through it). After the transform, ``converted``
    counts the runs converted per font and ``detected`` names the fonts whose text was
    recognised as TCVN3 or VNI by its letters rather than by the font's name.
    """

    def __init__(self, fonts: StyleFonts, paragraph_hook=None):
        self.fonts = fonts
        self.paragraph_hook = paragraph_hook
        self.converted: dict[str, int] = {}
        self.detected: dict[str, set[str]] = {}

    def transform(self, document):
        from mammoth import documents

        notes = getattr(document.notes, "_notes", None)  # mammoth keeps notes apart
        notes = list(notes.values()) if isinstance(notes, dict) else []
        text = LegacyText()
        index: dict[int, int] = {}  # id of a mammoth Text -> its piece
        self.capitals: set[int] = set()  # pieces in All Caps runs
        self._collect(document, None, None, text, index)
        for note in notes:
            for element in note.body:
                self._collect(element, None, None, text, index)
        values = text.convert()
        for piece in self.capitals:  # what the reader saw: TCVN3 headings were often typed so
            values[piece] = values[piece].upper()
        self.converted = dict(text.converted)
        self.detected = dict(text.detected)

        def rebuild(element):
            if isinstance(element, documents.Text):
                return element.copy(value=values[index[id(element)]])
            changes = {}
            if isinstance(element, documents.Paragraph) and self.paragraph_hook:
                changes = self.paragraph_hook(element)
            if isinstance(element, (documents.HasChildren, documents.TableCellUnmerged)):
                return element.copy(children=[rebuild(c) for c in element.children], **changes)
            return element

        body = rebuild(document)
        if notes:
            body = body.copy(
                notes=documents.notes(
                    [documents.note(n.note_type, n.note_id, [rebuild(e) for e in n.body]) for n in notes]
                )
            )
        return body

    def _collect(self, element, paragraph, font, text: LegacyText, index: dict[int, int]) -> None:
        from mammoth import documents

        if isinstance(element, documents.Paragraph):
            paragraph, font = element, None
        elif isinstance(element, documents.Run):
            style = paragraph.style_id if paragraph is not None else None
            font = self.fonts.run_font(element, style)
            if self.fonts.run_caps(element, style):
                for child in element.children:
                    self._collect(child, paragraph, font, text, index)
                    if isinstance(child, documents.Text):
                        self.capitals.add(index[id(child)])
                return
        elif isinstance(element, documents.Text):
            index[id(element)] = text.add(element.value, font, id(paragraph))
            return
        for child in getattr(element, "children", ()):
            self._collect(child, paragraph, font, text, index)


def legacy_properties(properties: dict, runs: LegacyRuns) -> tuple[dict, list[str]]:
    """Document properties (title, author) with legacy text converted, and what was done.

    Word fills the title from the first line of the document, so a TCVN3 document
    often has a TCVN3 title ("Bé Tµi chÝnh"). A property is converted when its letters
    say TCVN3 or VNI; when they cannot tell, the encoding of the document's own legacy
    runs decides; one that still reads as legacy text after that is dropped.
    """
    kinds: dict[str, int] = {}
    for font, count in runs.converted.items():
        for kind in runs.detected.get(font) or [(legacy_font_kind(font) or "").removesuffix("-caps")]:
            kinds[kind] = kinds.get(kind, 0) + count
    document_kind = max(kinds, key=kinds.get) if kinds else ""
    out, notes = dict(properties), []
    for key in ("title", "author"):
        value = out.get(key)
        if not value:
            continue
        verdict = judge(value, None)
        if verdict is None:
            verdict = document_kind
        if verdict:
            converted = decode_as(value, verdict)
            notes.append(f"the document property {key} {value!r} read as {verdict.upper()}: {converted!r}")
            value = out[key] = converted
        if reads_as_legacy(value):
            notes.append(f"the document property {key} {value!r} is undecoded legacy text: ignored")
            del out[key]
    return out, notes
