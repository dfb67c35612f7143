"""The EPUB cover image and the print cover spread, kept between builds and drawn ahead.

Drawing a cover takes WeasyPrint (half a second to import) and as long again to lay out
and rasterise. What comes out depends only on the cover's HTML, the files it loads, the
options it is drawn with and the code that draws it, so a drawn cover is kept in the
cache under a digest of those: a rebuild of an unchanged book does not import WeasyPrint
for its covers at all.

The EPUB cover image can also be drawn before the book is read. Its HTML needs only the
config, the book's fonts and the labels; the fonts depend on the text only when it needs
a fallback font (render.fallback), which is rare. So ``front_cover_ahead``, run by a
worker process while the manuscripts are read, draws (or finds) the image of a book that
needs none, and ``front_cover`` takes it when the rendered book's fonts are those.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import Future
from pathlib import Path

from ..cache import Store, code_version, digest, file_stamp
from ..config import BookConfig
from ..labels import labels_for
from .cover import (CoverImage, CoverResult, cover_geometry, cover_html, draw_cover_pdf, draw_front_cover,
                    front_cover_html)
from .fonts import book_fonts
from .html import RenderedBook

# The libraries whose output a drawn cover is: a new version must draw it again.
_DRAWING_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "pyphen", "fontTools", "pypdfium2",
                      "PIL", "pikepdf")


def _libraries() -> list:
    # A file of each package stands for its version (a reinstall rewrites it), without the
    # tens of milliseconds importlib.metadata takes to find the versions.
    stamps = []
    for name in _DRAWING_LIBRARIES:
        spec = importlib.util.find_spec(name)
        stamps.append(file_stamp(Path(spec.origin)) if spec and spec.origin else [name, None])
    return stamps


def _key(kind: str, config: BookConfig, html: str, files: list, *options) -> str:
    identifier = config.isbn or config.identifier or config.slug  # written into the PDF
    return digest(kind, code_version(), _libraries(), str(config.root.resolve()), identifier, html,
                  [file_stamp(Path(f)) for f in files], *options)


def front_cover_ahead(config: BookConfig, cache: Path) -> CoverImage:
    """The EPUB cover image of a book whose text needs no fallback font: kept, or drawn and kept.

    A worker's job: it needs the config alone, not the book.
    """
    return _front_cover(config, book_fonts(config), labels_for(config.language), cache)


def front_cover(rendered: RenderedBook, cache: Path, ahead: Future | None = None) -> CoverImage:
    """The EPUB cover image (cover.front_cover_image): from ``ahead`` (a future of
    ``front_cover_ahead``) when the book's fonts are the ones it guessed, else kept or drawn now."""
    config = rendered.config
    if ahead is not None and rendered.fonts == book_fonts(config) and rendered.labels == labels_for(config.language):
        try:
            return ahead.result()
        except Exception:  # drawn again below, so that an error is raised here with its context
            pass
    return _front_cover(config, rendered.fonts, rendered.labels, cache)


def _front_cover(config: BookConfig, fonts: list, labels: dict[str, str], cache: Path) -> CoverImage:
    html, files = front_cover_html(config, fonts, labels)
    key = _key("front-cover", config, html, files, config.epub_image_max_pixels, bool(config.cover.background_image))
    store = Store(cache)
    meta = store.get_json(key)
    data = store.get_bytes(digest(key, "image"), meta.get("sha256")) if isinstance(meta, dict) else None
    if data is not None:
        return CoverImage(data, meta["media_type"], meta["extension"])
    image = draw_front_cover(config, html, files)
    sha = store.put_bytes(digest(key, "image"), image.data)
    store.put_json(key, {"media_type": image.media_type, "extension": image.extension, "sha256": sha})
    return image


def cover_pdf(rendered: RenderedBook, pages: int, target, cache: Path) -> CoverResult:
    """The print spread (cover.write_cover_pdf) into ``target``, a binary file: kept, or drawn now."""
    config = rendered.config
    profile = config.profile("print")
    geometry = cover_geometry(config, pages)
    html, files = cover_html(rendered, geometry, "spread", marks=profile.crop_marks)
    icc = file_stamp(profile.icc_profile) if profile.icc_profile else None
    key = _key("cover-spread", config, html, files, pages, repr(profile), icc)
    store = Store(cache)
    meta = store.get_json(key)
    data = store.get_bytes(digest(key, "pdf"), meta.get("sha256")) if isinstance(meta, dict) else None
    if data is not None:
        target.write(data)
        return CoverResult(geometry, meta["spine_text"], meta["refused"], meta["warnings"])
    import io

    buffer = io.BytesIO()
    result = draw_cover_pdf(config, pages, html, files, buffer)
    target.write(buffer.getvalue())
    sha = store.put_bytes(digest(key, "pdf"), buffer.getvalue())
    store.put_json(key, {"spine_text": result.spine_label, "refused": result.refused, "warnings": result.warnings,
                         "sha256": sha})
    return result
