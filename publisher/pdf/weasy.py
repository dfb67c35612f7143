"""WeasyPrint's public face for the pdf package: the import, the fetcher, the warnings.

Importing: WeasyPrint 70 (weasyprint/text/ffi.py) opens Pango, HarfBuzz, fontconfig and GObject
trying several names each. Its first names ("libpango-1.0-0", "pango-1.0") make cffi
call ctypes.util.find_library, which on Linux runs ldconfig, gcc and ld: about ninety
processes and a third of a second for each import (Kozea/WeasyPrint#1125, #2073). Every
list also holds the library's file name ("libpango-1.0.so.0", "libpango-1.0.dylib"),
which the system's loader opens at once: the same file the search finds. So the search
is switched off while WeasyPrint is imported; should that import fail (a system whose
libraries have other names), WeasyPrint is imported again, searching as it always does.
The pdf package (and render.cover) call ``import_weasyprint`` before using WeasyPrint.

Fetching: WeasyPrint may load only the files a document was given (fonts, images, the colour
profile); every other URL is refused and remembered. WeasyPrint internals are changed in
pdf.weasypatch only.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import logging
import sys
from pathlib import Path

from ..images import pdf_bytes


def import_weasyprint():
    """The weasyprint module, imported without ctypes' library search when that works."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints why a library failed
            import weasyprint
        return weasyprint
    except Exception:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint

    return weasyprint


# The book's images are addressed under a fixed base, not the project's path: WeasyPrint names
# image objects after their URL, and the PDF must not change when the project folder moves.
BOOK_BASE = "file:///publisher-book/"


def book_files(rendered, images: dict[str, Path] | None = None, icc: Path | None = None) -> dict[str, Path]:
    """What WeasyPrint may load for the book's pages (url -> file): its fonts, its images
    (``images``: href -> the file the output gets; by default the project's own) and ``icc``."""
    files = {f.path.resolve().as_uri(): Path(f.path) for f in rendered.fonts}
    files.update({BOOK_BASE + href: path for href, path in (images or rendered.images).items()})
    if icc:
        files[icc.resolve().as_uri()] = icc
    return files


class BookFetcher:
    """Serves the book's fonts and images to WeasyPrint and refuses every other URL."""

    _fail_on_errors = False  # read by weasyprint.urls.fetch() when a fetch is refused

    def __init__(self, allowed: dict[str, Path]):
        self.allowed = allowed
        self.refused: list[str] = []

    def __call__(self, url: str, *args, **kwargs):
        from weasyprint.urls import URLFetcherResponse

        path = self.allowed.get(url.split("#")[0])
        if path is None:
            self.refused.append(url)
            raise ValueError(f"publisher does not fetch {url}")
        served = url
        if path.resolve().as_uri() != url.split("#")[0]:
            # Not the file the URL names (a downsampled copy): a file: URL would make WeasyPrint
            # read the original from disk instead of these bytes.
            served = "publisher-image:" + path.name
        return URLFetcherResponse(served, pdf_bytes(path))  # a JPEG's own bytes, embedded as they are

    fetch = __call__


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def capture_warnings() -> Capture:
    """Collect WeasyPrint's warnings (instead of printing them) until ``release(handler)``."""
    handler = Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    logger.propagate = False
    return handler


def release(handler: Capture) -> None:
    """Stop collecting into ``handler``."""
    logging.getLogger("weasyprint").removeHandler(handler)
