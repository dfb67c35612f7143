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
               images: dict | None = None, page_breaks: list | None = None) -> None:
    """Write the EPUB into the binary file object ``target``.

    ``cover_art`` (a render.cover.CoverImage: data, media_type, extension) becomes the
    cover image when the config names none; the caller renders it, so that this module
    stays free of WeasyPrint. ``images`` maps each image href to the file to package
    (downsampled copies, see publisher.images); by default the originals. ``page_breaks``
    (render.pagemap.PageBreak, from the print PDF) become page-break markers, the
    navigation document's page list and the pageBreakSource metadata.
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
    _accessibility(book, rendered, labels, bool(page_breaks))
    if page_breaks:
        book.add_metadata(None, "meta", _print_edition(rendered), {"property": "pageBreakSource"})

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
    cover_src = next((href for href, path in rendered.images.items()
                      if config.cover_image and path.resolve() == config.cover_image.resolve()), None)
    if cover_art is not None and not config.cover_image:
        _add_cover_art(book, cover_art)
        cover_src = f"cover{cover_art.extension}"

    templates = Templates(config.styles_dir)
    spine: list = []
    toc: list = []
    parents: list = []
    nav = epub.EpubNav(title=labels["contents"])
    nav.add_link(href="css/book.css", rel="stylesheet", type="text/css")  # the contents styled too (epub.css)
    for doc in rendered.documents:
        if not doc.epub:  # the printed contents (the navigation document takes its place), the half-title
            if doc.kind == "toc" and nav not in spine:
                spine.append(nav)
            continue
        body = doc.body
        if page_breaks:
            from .pagemap import with_markers

            body = with_markers(body, [b for b in page_breaks if b.doc_id == doc.id])
        if doc.kind == "cover" and cover_src:  # the cover image itself, not a text copy of it
            body = templates.render("epub-cover.html", doc_id=doc.id, labels=labels, src=cover_src, alt=config.title)
        page = templates.render("page.xhtml", lang=config.language, title=doc.title, kind=doc.kind, body=body)
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
    page_list = _page_list(page_breaks, rendered, labels) if page_breaks else ""
    _rezip(raw.getvalue(), target, config.source_datetime().timetuple()[:6], page_list)


def _print_edition(rendered: RenderedBook) -> str:
    """What pageBreakSource names: the print edition's ISBN, else the print PDF of this book."""
    config = rendered.config
    if config.isbn:
        return "urn:isbn:" + config.isbn.replace("-", "").replace(" ", "")
    return f"{config.title} ({labels_for(config.language)['print_edition']}, {config.slug}.pdf)"


def _page_list(page_breaks: list, rendered: RenderedBook, labels: dict) -> str:
    """The navigation document's page-list: every printed page, linked to its marker."""
    from html import escape

    files = {doc.id: doc.file_name for doc in rendered.documents}
    items = "".join(f'<li><a href="{files[b.doc_id]}#{b.anchor}">{escape(b.label)}</a></li>' for b in page_breaks)
    return (f'<nav epub:type="page-list" role="doc-pagelist" aria-label="{escape(labels["pages"])}" hidden="">'
            f"<ol>{items}</ol></nav>\n")


def _add_cover_art(book: epub.EpubBook, cover_art) -> None:
    """The rendered front cover as the manifest's cover-image (and EPUB 2's meta name="cover")."""
    # Beside content.opf, not in images/: no book image can have its name.
    item = epub.EpubCover(uid="cover-image", file_name=f"cover{cover_art.extension}")
    item.media_type = cover_art.media_type
    item.content = cover_art.data
    book.add_item(item)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def _accessibility(book: epub.EpubBook, rendered: RenderedBook, labels: dict, pages: bool = False) -> None:
    has_images = bool(rendered.images)
    modes = ["textual"] + (["visual"] if has_images else [])
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    if pages:
        features += ["pageBreakMarkers", "pageNavigation"]
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


_COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def _rezip(data: bytes, target, date_time: tuple, page_list: str = "") -> None:
    """Rewrite the zip with fixed entry times: the same sources give the same bytes; ``page_list``
    goes at the end of the navigation document (ebooklib writes none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.external_attr = 0o644 << 16
            # The mimetype must be stored; so are pictures already compressed (deflating 85 MB
            # of JPEG at level 9 took 3 s of a photo book's EPUB and saved 0.1 %).
            if info.filename == "mimetype" or info.filename.lower().endswith(_COMPRESSED):
                fixed.compress_type = zipfile.ZIP_STORED
            else:
                fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if page_list and info.filename.endswith("/nav.xhtml"):
                content = content.replace(b"</body>", page_list.encode("utf-8") + b"</body>", 1)
            out.writestr(fixed, content, compresslevel=9 if fixed.compress_type else None)
