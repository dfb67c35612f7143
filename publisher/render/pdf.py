"""Package the rendered book as a print PDF with WeasyPrint.

The documents are joined into one HTML file; links between documents become
in-page links, and each note moves to its call site as a ``float: footnote``
element so it lands at the foot of the page that cites it. WeasyPrint may
fetch only the book's own fonts and images: every other URL is refused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PublisherError
from .html import RenderedBook
from .templates import Templates

_CROSS_DOC = re.compile(r'href="([A-Za-z0-9_.-]+)\.xhtml(#[^"]*)?"')
_NOTEREF = re.compile(r'<a class="noteref"[^>]*?href="#(fn-[^"]+)"[^>]*>[^<]*</a>')
_NOTES_SECTION = re.compile(r'<section class="footnotes".*?</section>', re.DOTALL)


@dataclass
class PdfResult:
    pages: int
    refused: list[str] = field(default_factory=list)  # URLs WeasyPrint was not allowed to fetch
    warnings: list[str] = field(default_factory=list)


def book_html(rendered: RenderedBook) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    config = rendered.config
    notes = {n.id: n.html for a in rendered.book.articles() for n in a.footnotes}
    documents = []
    for doc in rendered.documents:
        body = _CROSS_DOC.sub(lambda m: f'href="{m.group(2) or "#doc-" + m.group(1)}"', doc.body)
        body = _NOTES_SECTION.sub("", body)
        body = _NOTEREF.sub(lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body)
        documents.append(type(doc)(doc.id, doc.kind, doc.title, body, doc.toc_level, doc.landmark))
    font_css = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in rendered.fonts
    )
    css = rendered.stylesheets["book.css"] + "\n" + rendered.stylesheets["print.css"]
    return Templates(config.styles_dir).render(
        "book.html",
        config=config,
        lang=config.language,
        authors=list(config.authors),
        keywords="",
        created=config.source_datetime().strftime("%Y-%m-%dT%H:%M:%SZ"),
        font_css=font_css,
        css=css,
        trim=[f"{v:g}" for v in config.trim_mm],
        documents=documents,
    )


def write_pdf(rendered: RenderedBook, target) -> PdfResult:
    """Render the PDF into ``target`` (a path or a binary file object)."""
    import weasyprint

    config = rendered.config
    allowed = {f.path.resolve().as_uri(): f.path for f in rendered.fonts}
    base = config.root.resolve().as_uri() + "/"
    for href, path in rendered.images.items():
        allowed[base + href] = path
    fetcher = _BookFetcher(allowed)
    captured = _capture_warnings()
    try:
        document = weasyprint.HTML(string=book_html(rendered), base_url=base, url_fetcher=fetcher).render()
        identifier = (config.isbn or config.identifier or config.slug).encode()
        document.write_pdf(target, pdf_identifier=identifier, pdf_version="1.7")
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        logging.getLogger("weasyprint").removeHandler(captured)
    return PdfResult(len(document.pages), fetcher.refused, captured.messages)


def _fetcher_base():
    from weasyprint.urls import URLFetcher

    return URLFetcher


class _BookFetcher:
    """Serves the book's fonts and images to WeasyPrint and refuses every other URL."""

    def __init__(self, allowed: dict[str, Path]):
        self.allowed = allowed
        self.refused: list[str] = []

    def __call__(self, url: str, *args, **kwargs):
        from weasyprint.urls import URLFetcherResponse

        path = self.allowed.get(url.split("#")[0])
        if path is None:
            self.refused.append(url)
            raise ValueError(f"publisher does not fetch {url}")
        return URLFetcherResponse(url, path.read_bytes())

    fetch = __call__


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _capture_warnings() -> _Capture:
    handler = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    logger.propagate = False
    return handler
