"""Windows metafiles (EMF, WMF) in Word files, drawn as PNG pictures by LibreOffice Draw.

Word keeps charts pasted from Excel, logos, the national emblem and old clip art as metafiles:
vector drawings that no EPUB reader, browser or WeasyPrint shows (and Pillow cannot draw on
Linux). Each is put on a page of its own size in a flat OpenDocument drawing made here (the
metafile embedded, nothing linked) and drawn by LibreOffice at 300 dpi of its declared size, and at least as wide as a text block
needs at 300 dpi
(``readers.libreoffice.drawn_png``, the same sandbox as a .doc's conversion). A metafile is
self-contained: it cannot name another file or address.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import quoteattr

from ..errors import ManuscriptError
from ..images import metafile_size_mm, without_opaque_alpha
from .libreoffice import drawn_png

SUFFIXES = (".emf", ".wmf")
DPI = 300
# A figure prints as wide as the text block, whatever size the drawing declares: drawn at least
# this wide (203 mm at 300 dpi, wider than a book's text block), a drawing is sharp there.
MIN_WIDTH_PX = 2400
MAX_SIDE_PX = 6000  # and at most this on its longer side (50 cm at 300 dpi)
_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')


def to_png(data: bytes, suffix: str, rel: str) -> bytes:
    """The metafile ``data`` (``suffix`` .emf or .wmf) as PNG bytes; ManuscriptError when it has no
    size or LibreOffice cannot draw it, DependencyError when LibreOffice is missing."""
    size = metafile_size_mm(data)
    if size is None:
        raise ManuscriptError(f"the {suffix[1:].upper()} drawing declares no size, or is damaged", rel)
    scale = min(max(DPI / 25.4, MIN_WIDTH_PX / size[0]), MAX_SIDE_PX / max(size))
    pixels = tuple(max(1, round(v * scale)) for v in size)
    return without_opaque_alpha(drawn_png(_drawing(data, size, suffix), pixels, rel))  # type: ignore[arg-type]


def _drawing(data: bytes, size: tuple[float, float], suffix: str) -> bytes:
    """A flat OpenDocument drawing of one page of ``size`` (mm) filled by the metafile."""
    width, height = (quoteattr(f"{v / 10:.4f}cm") for v in size)
    mime = quoteattr("image/x-emf" if suffix == ".emf" else "image/x-wmf")
    # <office:styles/> is needed: without it LibreOffice ignores the page layout (an A4 page).
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {_NAMESPACES} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.graphics">
<office:styles/>
<office:automatic-styles>
<style:page-layout style:name="page"><style:page-layout-properties fo:margin-top="0cm" fo:margin-bottom="0cm"
 fo:margin-left="0cm" fo:margin-right="0cm" fo:page-width={width} fo:page-height={height}/></style:page-layout>
<style:style style:name="ground" style:family="drawing-page"><style:drawing-page-properties draw:fill="none"/></style:style>
<style:style style:name="bare" style:family="graphic"><style:graphic-properties draw:stroke="none" draw:fill="none"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="one" style:page-layout-name="page" draw:style-name="ground"/></office:master-styles>
<office:body><office:drawing><draw:page draw:name="drawing" draw:master-page-name="one">
<draw:frame draw:style-name="bare" svg:x="0cm" svg:y="0cm" svg:width={width} svg:height={height}><draw:image draw:mime-type={mime}><office:binary-data>{base64.b64encode(data).decode("ascii")}</office:binary-data></draw:image></draw:frame>
</draw:page></office:drawing></office:body></office:document>
""".encode("utf-8")
