"""Package the rendered book as an EPUB 3 with ebooklib.

ebooklib 0.20 needs care (each point is handled below): it wants both an NCX
and a navigation document; it stamps the clock into ``dcterms:modified`` and
the zip entries; it guesses media types from the machine's mime.types; it
swallows write errors unless asked to raise. Content documents are added as
plain items so ebooklib writes our XHTML byte for byte instead of re-parsing it.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

from ebooklib import epub

from ..labels import labels_for
from .fontfiles import subset_font
from .html import RenderedBook
from .templates import Templates

ROLE_CODES = {
    "author": "aut",
    "editor": "edt",
    "compiler": "com",
    "translator": "trl",
    "photographer": "pht",
    "illustrator": "ill",
}
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}
GUIDE_TYPES = {"cover": "cover", "toc": "toc", "bodymatter": "text"}


def book_identifier(rendered: RenderedBook) -> str:
    """The ISBN when given, else the configured identifier, else a UUID derived from the config."""
    config = rendered.config
    if config.isbn:
        return "urn:isbn:" + config.isbn.replace("-", "").replace(" ", "")
    if config.identifier:
        return config.identifier
    seed = "|".join([config.title, config.organisation or "", config.slug, str(config.date or "")])
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "publisher:" + seed))


def write_epub(rendered: RenderedBook, target: io.BufferedIOBase, cover_art=None,
               images: dict | None = None) -> None:
    """Write the EPUB into the binary file object ``target``.

    ``cover_art`` (a render.cover.CoverImage: data, media_type, extension) becomes the
    cover image when the config names none; the caller renders it, so that this module
    stays free of WeasyPrint. ``images`` maps each image href to the file to package
    (downsampled copies, see publisher.images); by default the originals.
    """
    config = rendered.config
    labels = labels_for(config.language)
    book = epub.EpubBook()
    book.FOLDER_NAME = "EPUB"
    book.set_identifier(book_identifier(rendered))
    book.set_title(config.title)
    book.set_language(config.language)
    for index, person in enumerate(config.contributors):
        book.add_author(person.name, role=ROLE_CODES[person.role], uid=f"creator{index}")
    if config.imprint.publisher:
        book.add_metadata("DC", "publisher", config.imprint.publisher)
    if config.subtitle:
        book.add_metadata("DC", "description", config.subtitle)
    book.add_metadata("DC", "date", config.source_datetime().date().isoformat())
    _accessibility(book, rendered, labels)

    css = _font_css(rendered) + rendered.stylesheets["book.css"] + "\n" + rendered.stylesheets["epub.css"]
    book.add_item(epub.EpubItem(uid="css", file_name="css/book.css", media_type="text/css",
                                content=css.encode("utf-8")))
    for font in rendered.fonts:
        book.add_item(epub.EpubItem(uid=f"font-{font.role}-{font.face}", file_name=f"fonts/{font.file_name}",
                                    media_type="font/ttf",
                                    content=subset_font(font.path, rendered.characters)))
    for index, (href, path) in enumerate(sorted(rendered.images.items())):
        media_type = IMAGE_TYPES.get(Path(href).suffix.lower(), "application/octet-stream")
        if config.cover_image and path.resolve() == config.cover_image.resolve():
            item = epub.EpubCover(uid="cover-image", file_name=href)
            item.media_type = media_type
            item.content = (images or {}).get(href, path).read_bytes()
            book.add_item(item)
            book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        else:
            book.add_item(epub.EpubItem(uid=f"img{index}", file_name=href, media_type=media_type,
                                        content=(images or {}).get(href, path).read_bytes()))
    if cover_art is not None and not config.cover_image:
        _add_cover_art(book, cover_art)

    templates = Templates(config.styles_dir)
    spine: list = []
    toc: list = []
    parents: list = []
    nav = epub.EpubNav(title=labels["contents"])
    for doc in rendered.documents:
        if not doc.epub:
            spine.append(nav)
            continue
        page = templates.render("page.xhtml", lang=config.language, title=doc.title, kind=doc.kind, body=doc.body)
        item = epub.EpubItem(uid=doc.id, file_name=doc.file_name, media_type="application/xhtml+xml",
                             content=page.encode("utf-8"))
        book.add_item(item)
        spine.append(item)
        if doc.landmark in GUIDE_TYPES:
            book.guide.append({"href": doc.file_name, "title": doc.title, "type": GUIDE_TYPES[doc.landmark]})
        if doc.toc_level == 1:
            entry = epub.Link(doc.file_name, doc.title, doc.id)
            toc.append(entry)
            parents = [entry] if doc.kind == "part" else []
        elif doc.toc_level == 2 and parents:
            link = epub.Link(doc.file_name, doc.title, doc.id)
            head = toc[-1]
            if isinstance(head, tuple):
                head[1].append(link)
            else:
                toc[-1] = (epub.Section(head.title, head.href), [link])
    if nav not in spine:
        spine.append(nav)
    book.toc = toc
    book.add_item(epub.EpubNcx())
    book.add_item(nav)
    book.spine = spine

    raw = io.BytesIO()
    # Not compressed (level 0): _rezip compresses every entry again anyway.
    epub.write_epub(raw, book, {"raise_exceptions": True, "mtime": config.source_datetime(),
                                "landmark_title": labels["contents"], "epub2_guide": False, "compresslevel": 0})
    _rezip(raw.getvalue(), target, config.source_datetime().timetuple()[:6])


def _add_cover_art(book: epub.EpubBook, cover_art) -> None:
    """The rendered front cover as the manifest's cover-image (and EPUB 2's meta name="cover")."""
    # Beside content.opf, not in images/: no book image can have its name.
    item = epub.EpubCover(uid="cover-image", file_name=f"cover{cover_art.extension}")
    item.media_type = cover_art.media_type
    item.content = cover_art.data
    book.add_item(item)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def _accessibility(book: epub.EpubBook, rendered: RenderedBook, labels: dict) -> None:
    has_images = bool(rendered.images)
    modes = ["textual"] + (["visual"] if has_images else [])
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    book.add_metadata(None, "meta", labels["accessibility_summary"], {"property": "schema:accessibilitySummary"})


def _font_css(rendered: RenderedBook) -> str:
    return "".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("../fonts/{f.file_name}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}\n"
        for f in rendered.fonts
    )


def _rezip(data: bytes, target, date_time: tuple) -> None:
    """Rewrite the zip with fixed entry times: the same sources give the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.external_attr = 0o644 << 16
            if info.filename == "mimetype":
                fixed.compress_type = zipfile.ZIP_STORED
            else:
                fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, source.read(info.filename), compresslevel=9 if fixed.compress_type else None)
