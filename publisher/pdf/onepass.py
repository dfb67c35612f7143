"""One WeasyPrint pass: the whole book (or a standalone page such as the cover) laid out at once.

The book is laid out, padded to its signature with blank pages, written and finished
(pdf.finish); a standalone HTML document is written and finished the same way.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..config import OutputProfile
from ..errors import PublisherError
from ..render.html import RenderedBook
from . import refill  # figures moved to fill the hole they leave
from .bookhtml import body_start, book_html
from .finish import Finish, finish_pdf, stable_document_id
from .result import PdfResult, colour_converter, identifier, write_options
from .overflow import wide_tables
from .weasy import BookFetcher, capture_warnings, import_weasyprint, release


def write_one_pass(rendered: RenderedBook, target, profile: OutputProfile, allowed: dict[str, Path],
                   base: str) -> PdfResult:
    """Lay the whole book out in one pass into ``target``; WeasyPrint may load only ``allowed``."""
    weasyprint = import_weasyprint()
    config = rendered.config
    fetcher = BookFetcher(allowed)
    captured = capture_warnings()
    try:
        html = book_html(rendered, profile)
        document = refill.render(weasyprint, html, base_url=base, url_fetcher=fetcher)
        front = _front_pages(document, body_start(rendered))
        wide = wide_tables(document.pages)
        padding = _pad(document, html, base, fetcher, profile.signature, rendered)
        raw = io.BytesIO()
        document.write_pdf(raw, **write_options(config, profile))
        pages = finish_pdf(raw.getvalue(), target, Finish(front, config.trim_mm, profile.bleed_mm, identifier(config),
                                                          colour_converter(profile)))
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        release(captured)
    return PdfResult(pages, fetcher.refused, captured.messages, front, padding, wide)


def _front_pages(document, start: str | None) -> int:
    """How many pages come before the page holding the first body document."""
    if start is None:
        return len(document.pages)
    for index, page in enumerate(document.pages):
        if f"doc-{start}" in page.anchors:
            return index
    return 0


def _pad(document, html: str, base: str, fetcher, signature: int, rendered: RenderedBook) -> int:
    """Add blank pages so the count is a multiple of ``signature``; before the imprint when it ends the book."""
    missing = -len(document.pages) % max(1, signature)
    if not missing:
        return 0
    weasyprint = import_weasyprint()

    # A blank page with the book's @page rules (size, bleed, marks), laid out on its own.
    head = html[: html.index("<body>")]
    blank = weasyprint.HTML(string=head + '<body><div class="padding-page"></div></body></html>',
                            base_url=base, url_fetcher=fetcher).render().pages[0]
    at = len(document.pages)
    last = rendered.documents[-1] if rendered.documents else None
    if last is not None and last.kind == "imprint":
        for index, page in enumerate(document.pages):
            if f"doc-{last.id}" in page.anchors:
                at = index
    document.pages[at:at] = [blank] * missing
    return missing


def write_html_pdf(html: str, config, files, target, profile: OutputProfile | None = None,
                   trim_mm: tuple[float, float] | None = None) -> PdfResult:
    """Render one standalone HTML document (the cover) into ``target``; only ``files`` may be loaded.

    ``html`` refers to each file by its ``file://`` URI. With ``profile`` the PDF is made and
    finished like the book's for that profile (PDF variant and output intent, TrimBox of
    ``trim_mm`` and the profile's BleedBox, CMYK colours); without, it is a plain PDF 1.7.
    """
    weasyprint = import_weasyprint()

    allowed = {Path(p).resolve().as_uri(): Path(p) for p in files}
    if profile is not None and profile.icc_profile:
        allowed[profile.icc_profile.resolve().as_uri()] = profile.icc_profile
    fetcher = BookFetcher(allowed)
    captured = capture_warnings()
    name = identifier(config)
    options = (write_options(config, profile) if profile is not None
               else {"pdf_identifier": name.encode(), "pdf_version": "1.7"})
    if profile is not None and profile.icc_profile:  # the cover's colours as the interior's (pdf.colour)
        from .colour import colour_profile_css

        html = html.replace("</head>", f"<style>{colour_profile_css(profile)}</style>\n</head>", 1)
    try:
        document = weasyprint.HTML(string=html, base_url=config.root.resolve().as_uri() + "/",
                                   url_fetcher=fetcher).render()
        raw = io.BytesIO()
        document.write_pdf(raw, **options)
        if profile is None:
            stable_document_id(raw.getvalue(), target, name)
        else:
            finish_pdf(raw.getvalue(), target, Finish(0, trim_mm or config.trim_mm, profile.bleed_mm,
                                                      name, colour_converter(profile)))
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        release(captured)
    return PdfResult(len(document.pages), fetcher.refused, captured.messages)
