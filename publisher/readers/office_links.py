"""Refuse office documents that link to content outside themselves, before LibreOffice opens them.

LibreOffice loads linked content while it opens a file, whatever the conversion: an RTF or
Word field ``INCLUDEPICTURE "file:///…"`` or ``INCLUDETEXT`` copies another file into the
document, a linked (not embedded) image or section of an .odt, a DDE link, or an image of an
HTML file saved under a Word name is fetched from the network. A manuscript must carry its
content itself, so such a file is refused with the reason; the editor embeds the pictures
(or saves the file again as .docx, whose reader never follows links).

LibreOffice picks the format by the bytes, not the suffix, so the check does too: a zip
(OpenDocument), RTF, a Word 97 file (OLE), or anything else, read as HTML/XML.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import ManuscriptError

_HINT = "embed the pictures and text in the document (Insert > Image, not a link), or save it as .docx"
# Field instructions that pull in another file or program: Word and RTF share them.
_FIELDS = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|IMPORT|DDEAUTO|DDE|LINK)\b")
_RTF_FIELD = re.compile(rb"\\fldinst\b(.{0,400})", re.DOTALL)
_RTF_LINKS = re.compile(rb"\\(objautlink|objlink|linkself|objupdate)\b")
_ODF_LINKED = re.compile(
    rb"<(draw:image|draw:object|draw:object-ole|draw:plugin|draw:applet|draw:floating-frame|text:section-source"
    rb"|table:table-source|chart:[\w-]+)\b[^>]*?xlink:href=\"(?!#|\./|Pictures/|Object|Charts/|Media/)([^\"]*)\"")
_ODF_DDE = re.compile(rb"<(office:dde-source|text:dde-connection-decl|table:dde-link|office:dde-connection)\b")
# A spreadsheet formula that reads another file or the network when the sheet is recalculated:
# a reference into another document ('file:///…'#$Sheet1.A1), WEBSERVICE, DDE.
_ODF_FORMULA = re.compile(rb"table:formula=\"[^\"]*?(&apos;(?:file|https?|ftp|smb|sftp):[^\"]{0,80}"
                          rb"|'(?:file|https?|ftp|smb|sftp):[^\"]{0,80}|\b(?:WEBSERVICE|FILTERXML|DDE)\b)",
                          re.IGNORECASE)
_HTML_LOADS = re.compile(
    rb"""(?:\b(?:src|background|data|poster|srcset|dynsrc|lowsrc|codebase|archive|action)\s*=\s*["']?\s*"""
    rb"""(?:[a-z][a-z0-9+.-]*:|//|\\\\)"""
    rb"""|<\s*(?:link|base|iframe|frame|object|embed|applet|meta\s[^>]*http-equiv)\b"""
    rb"""|@import|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//))""", re.IGNORECASE)


def refuse_linked_content(data: bytes, rel: str) -> None:
    """Raise ManuscriptError when the document ``data`` links to content outside itself."""
    found = _linked(data)
    if found:
        raise ManuscriptError(f"the document links to content outside itself ({found}); "
                              "it is not opened, so nothing is fetched", rel, hint=_HINT)


def _linked(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return _odf(data)
    if data.lstrip()[:5] == b"{\\rtf":
        return _rtf(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # Word 97-2003 (OLE compound file)
        return _field(data) or _field(data.replace(b"\x00", b""))
    return _html(data)


def _field(text: bytes) -> str | None:
    for match in re.finditer(rb"(INCLUDEPICTURE|INCLUDETEXT|DDEAUTO)", text):
        return f"a {match.group(1).decode()} field"
    return None


def _rtf(data: bytes) -> str | None:
    for match in _RTF_FIELD.finditer(data):
        instruction = re.sub(rb"\\[a-z]+-?\d* ?|[{}]", b" ", match.group(1))
        name = _FIELDS.search(instruction.upper())
        if name and instruction.upper().split()[:1] == [name.group(1)]:
            return f"a {name.group(1).decode()} field"
    link = _RTF_LINKS.search(data)
    if link:
        return f"a linked object (\\{link.group(1).decode()})"
    return None


def _odf(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not name.endswith(".xml"):
                    continue
                info = archive.getinfo(name)
                if info.file_size > 200 << 20:
                    return f"{name} unpacks to {info.file_size >> 20} MB"
                xml = archive.read(name)
                match = _ODF_LINKED.search(xml)
                if match:
                    target = match.group(2).decode("utf-8", "replace")[:80]
                    return f"a linked {match.group(1).decode()} to {target}"
                dde = _ODF_DDE.search(xml)
                if dde:
                    return f"a DDE link ({dde.group(1).decode()})"
                formula = _ODF_FORMULA.search(xml)
                if formula:
                    target = formula.group(1).decode("utf-8", "replace").replace("&apos;", "'")[:80]
                    return f"a formula reading {target}"
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None  # LibreOffice reports a damaged file itself
    return None


def _html(data: bytes) -> str | None:
    text = data.replace(b"\x00", b"")  # UTF-16 HTML reads the same for this check
    match = _HTML_LOADS.search(text)
    if match:
        return f"{match.group(0).decode('utf-8', 'replace').strip()[:60]}…"
    return _field(text)
