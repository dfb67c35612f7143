"""Word's standard style names, English and localised, mapped before mammoth sees them.

mammoth reports every paragraph style its style map does not name ("Unrecognised
paragraph style: Body Text"), so a report about a plain Word file drowned in noise.
Here the styles Word, LibreOffice and pandoc use for ordinary text (Body Text, First
Paragraph, Normal (Web), List Paragraph, Compact, …) become plain paragraphs, their
localised names (Vietnamese, French, German, Spanish) become the English style the map
knows (``Tiêu đề 1`` -> ``Heading 1``), and the standard character styles become bold,
italic or plain runs. What is left in the report is a style someone made up, which
an editor should look at.
"""

from __future__ import annotations

import re

# Paragraph styles that mean "an ordinary paragraph" (casefolded).
PLAIN = frozenset(name.casefold() for name in """
Normal|Normal (Web)|Normal Web|Normal Indent|Body Text|Body Text 2|Body Text 3|Body Text First Indent
|Body Text First Indent 2|Body Text Indent|Body Text Indent 2|Body Text Indent 3|First Paragraph|Compact
|Plain Text|List Paragraph|List|List 2|List 3|List 4|List 5|List Continue|List Continue 2|List Continue 3
|No Spacing|Default|Default Style|Default Paragraph Style|Standard|Text Body|Textbody|Body|Salutation
|Closing|Signature|E-mail Signature|Date|Note Heading|Message Header|Table Contents|Table Heading
|Table Paragraph|Frame Contents|Index|Footnote Text|Endnote Text|Header|Footer|Definition|Definition Term
|Bibliography|Figure|Captioned Figure|Abstract|Horizontal Line|Balloon Text|Comment Text|HTML Preformatted
|Thân văn bản|Văn bản|Nội dung|Bình thường|Thường|Đoạn văn Danh sách|Đoạn Danh sách|Không Giãn cách
|Corps de texte|Paragraphe de liste|Sans interligne|Textkörper|Listenabsatz|Kein Leerraum
|Texto independiente|Párrafo de lista|Sin espaciado
""".replace("\n", "").split("|"))
# Localised and variant names -> the English style the style map names.
ALIASES = {
    "tiêu đề": "Title", "tựa đề": "Title", "titre": "Title", "titel": "Title", "título": "Title",
    "tiêu đề phụ": "Subtitle", "phụ đề": "Subtitle", "sous-titre": "Subtitle", "untertitel": "Subtitle",
    "subtítulo": "Subtitle",
    "trích dẫn": "Quote", "citation": "Quote", "zitat": "Quote", "cita": "Quote", "quotations": "Quote",
    "block text": "Quote", "block quote": "Quote", "blockquote": "Quote",
    "chú thích": "Caption", "chú thích ảnh": "Caption", "légende": "Caption", "beschriftung": "Caption",
    "descripción": "Caption", "image caption": "Caption", "table caption": "Caption",
    "tác giả": "Author", "auteur": "Author", "autor": "Author",
}
_HEADING = re.compile(r"^(?:heading|tiêu đề|đầu đề|titre|überschrift|título)\s*([1-9])$")
# Character styles: (bold, italic); anything else standard is plain.
RUN_MARKS = {
    "strong": (True, False), "emphasis": (False, True), "subtle emphasis": (False, True),
    "intense emphasis": (True, True), "book title": (True, True), "strong emphasis": (True, False),
}
RUN_PLAIN = frozenset(("default paragraph font", "hyperlink", "followedhyperlink", "followed hyperlink",
                       "footnote reference", "endnote reference", "footnote characters", "endnote characters",
                       "page number", "line number", "placeholder text", "subtle reference",
                       "intense reference", "internet link", "visited internet link", "source text",
                       "verbatim char", "body text char", "footnote anchor",
                       "endnote anchor", "comment reference"))


def paragraph_style(name: str | None) -> tuple[bool, str | None]:
    """(changed, new name): None for an ordinary paragraph, an English name for an alias."""
    if not name:
        return False, name
    folded = " ".join(name.split()).casefold()
    heading = _HEADING.match(folded)
    if heading:
        canonical = f"Heading {heading.group(1)}"
        return canonical != name, canonical
    if folded in ALIASES:
        return ALIASES[folded] != name, ALIASES[folded]
    if folded in PLAIN:
        return True, None
    return False, name


def run_style(name: str | None) -> dict | None:
    """Changes to a run with a standard character style (mammoth's Run fields), else None."""
    if not name:
        return None
    folded = " ".join(name.split()).casefold()
    if folded in RUN_MARKS:
        bold, italic = RUN_MARKS[folded]
        changes: dict = {"style_id": None, "style_name": None}
        if bold:
            changes["is_bold"] = True
        if italic:
            changes["is_italic"] = True
        return changes
    base = folded.removesuffix(" char")
    if folded in RUN_PLAIN or (folded.endswith(" char") and (base in PLAIN or _HEADING.match(base)
                                                              or base in ALIASES or base in ("title", "subtitle", "quote", "intense quote", "caption"))):
        return {"style_id": None, "style_name": None}
    return None
