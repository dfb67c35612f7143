"""Render the book once as a list of XHTML documents; the EPUB and the PDF package them.

Each document is one EPUB content file (cover, title page, foreword, part
openers, articles, table of contents, imprint). Links between documents are
written ``file.xhtml#id``; the PDF packager joins the documents into one HTML
file and rewrites them to ``#id``, and so does ``one_page`` (the preview's page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import BookConfig
from ..images import output_suffix
from ..labels import labels_for
from ..model import Article, Book, html_to_text, without_notes
from .fonts import FontFile, book_fonts
from .photopages import opening_room
from .rosteralign import alignment_css
from .templates import Templates
from .typeset import breakable


_CROSS_DOC = re.compile(r'href="([A-Za-z0-9_.-]+)\.xhtml(#[^"]*)?"')
_NOTEREF = re.compile(r'<a class="noteref"[^>]*?href="#(fn-[^"]+)"[^>]*>[^<]*</a>')
_NOTES_SECTION = re.compile(r'<section class="footnotes".*?</section>', re.DOTALL)
FRONT_KINDS = ("cover", "titlepage", "imprint", "toc", "foreword")


@dataclass
class Document:
    id: str
    kind: str  # cover, titlepage, imprint, toc, foreword, part, article
    title: str  # plain text, for the navigation
    body: str  # XHTML content of <body>
    toc_level: int | None = None  # level in the navigation, None when not listed
    landmark: str | None = None  # epub:type of the landmark, if any
    epub: bool = True  # the EPUB has its own navigation document instead of the printed contents
    pdf: bool = True  # the cover is printed apart (-cover.pdf): the EPUB's only; the half-title the PDF's only

    @property
    def file_name(self) -> str:
        return f"{self.id}.xhtml"


@dataclass
class RenderedBook:
    config: BookConfig
    book: Book
    documents: list[Document]
    stylesheets: dict[str, str]  # name -> CSS text: book.css, print.css, epub.css
    fonts: list[FontFile]
    images: dict[str, Path]  # href used in the documents -> file in the project
    labels: dict[str, str]
    characters: str = ""  # every character the book prints, for font subsetting
    warnings: list = field(default_factory=list)


def image_href(src: str, suffix: str | None = None) -> str:
    """The flat, URL-safe name an image gets in the outputs: 'images/x-y.jpg'; ``suffix``: the
    converted file's (images.output_suffix), when it is not the source's."""
    path = Path(src)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(path.with_suffix("").parts[-2:])).strip("-")
    if path.parts and path.parts[0] == "images" and len(path.parts) == 2:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-")
    return f"images/{stem or 'image'}{suffix or path.suffix.lower()}"


def render_book(config: BookConfig, book: Book) -> RenderedBook:
    """The book's documents, stylesheets, fonts and images."""
    templates = Templates(config.styles_dir)
    labels = labels_for(config.language)
    images: dict[str, Path] = {}

    def image_url(src: str) -> str:
        # A TIFF, BMP or HEIC is converted for the outputs: the documents name the converted file.
        href = image_href(src, output_suffix(config.root / src))
        previous = images.setdefault(href, config.root / src)
        if previous != config.root / src:  # two images with the same flat name
            href = f"images/{len(images)}-{Path(href).name}"
            images[href] = config.root / src
        return href

    width, height = (f"{v / 10:g}".replace(".", ",") for v in config.trim_mm)
    trim_cm = f"{width} × {height} cm"
    common = dict(config=config, book=book, labels=labels, image_url=image_url, labels_for=labels_for,
                  plain_title=plain_title,
                  figure_alt=lambda alt, caption: figure_alt(alt, caption, labels["figure_alt"]),
                  gallery_opening=lambda article, block: opening_room(article, block, config.trim_mm[0]),
                  trim_cm=trim_cm)
    documents: list[Document] = []

    def add(kind: str, id_: str, title: str, template: str, toc_level=None, landmark=None,
            epub=True, pdf=True, **extra) -> None:
        body = breakable(templates.render(template, doc_id=id_, **common, **extra))
        documents.append(Document(id_, kind, title, body, toc_level, landmark, epub, pdf))

    # The printed book opens on the half-title (trang lót); the cover is printed apart.
    add("cover", "cover", labels["cover"], "cover.html", landmark="cover", pdf=False)
    add("halftitle", "halftitle", labels["half_title"], "halftitle.html", epub=False)
    add("titlepage", "title", labels["title_page"], "titlepage.html", landmark="titlepage")
    if config.imprint.position == "front":
        add("imprint", "imprint", labels["imprint"], "imprint.html")
    contents = _contents(book)
    if config.toc == "front":
        add("toc", "contents", labels["contents"], "toc.html", 1, "toc", epub=False, entries=contents)
    if book.foreword:
        add("foreword", book.foreword.id, plain_title(book.foreword.title), "article.html", 1,
            "bodymatter", article=book.foreword, part=None)
    first_body = book.foreword is None
    for part in book.parts:
        level = 1
        if part.title:
            add("part", part.id, part.title, "part.html", 1, "bodymatter" if first_body else None,
                part=part)
            first_body = False
            level = 2
        for article in part.articles:
            add("article", article.id, plain_title(article.title), "article.html", level,
                "bodymatter" if first_body else None, article=article, part=part)
            first_body = False
    if config.toc == "back":
        add("toc", "contents", labels["contents"], "toc.html", 1, "toc", epub=False, entries=contents)
    if config.imprint.position == "back":
        add("imprint", "imprint", labels["imprint"], "imprint.html")
    _number_tables(documents, labels["table"])
    stylesheets = {name: templates.text(name) for name in ("book.css", "print.css", "epub.css")}
    stylesheets["book.css"] += alignment_css(book)  # the stylesheet the EPUB and every PDF take
    characters = "".join(sorted(set("".join(html_to_text(d.body) + d.title for d in documents))))
    return RenderedBook(config, book, documents, stylesheets, book_fonts(config, characters), images, labels,
                        characters)


def plain_title(html: str) -> str:
    """A title as plain text without its note calls (navigation, bookmarks, running heads)."""
    return html_to_text(without_notes(html))


_LETTERS = re.compile(r"[^\W_]+")
_CAPTION_LABEL = re.compile(r"^\s*(?:Ảnh|Hình|Photo|Figure)\s*\d*\s*[:.]\s*", re.IGNORECASE)


def figure_alt(alt: str | None, caption: str | None, label: str) -> str:
    """A figure's alt text that does not make a screen reader read its caption twice.

    EPUB Accessibility Techniques: an image in a <figure> with a <figcaption> needs alt
    text that adds to the caption, not a copy of it. When the alt text is missing or
    repeats the caption (or a piece of it), a short distinct description (the label
    "Ảnh" / "Photograph") is used: not alt="", because a tagged PDF (PDF/UA) needs
    every figure to have alternate text and both outputs share this HTML.
    """
    alt = (alt or "").strip()
    text = html_to_text(without_notes(caption or ""))
    if not text:
        return alt
    letters = lambda s: "".join(_LETTERS.findall(_CAPTION_LABEL.sub("", s))).casefold()  # noqa: E731
    if not alt or letters(alt) in letters(text) or letters(text) in letters(alt):
        return label
    return alt


_CAPTION = re.compile(r"<caption(\s[^>]*)?>")


def _number_tables(documents: list[Document], word: str) -> None:
    """Number every captioned table (rosters too) through the book: "Bảng 1. …"."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        count += 1
        return f'{match.group(0)}<span class="table-number">{word} {count}.</span> '

    for doc in documents:
        if "<caption" in doc.body:
            doc.body = _CAPTION.sub(number, doc.body)


@dataclass(frozen=True)
class ContentsEntry:
    level: int
    title: str  # inline XHTML
    href: str
    authors: tuple[str, ...] = ()


def _contents(book: Book) -> list[ContentsEntry]:
    entries = []
    if book.foreword:
        entries.append(ContentsEntry(1, without_notes(book.foreword.title), f"{book.foreword.id}.xhtml#{book.foreword.id}"))
    for part in book.parts:
        if part.title:
            entries.append(ContentsEntry(1, part.title, f"{part.id}.xhtml#{part.id}"))
        for article in part.articles:
            entries.append(ContentsEntry(2 if part.title else 1, without_notes(article.title),
                                         f"{article.id}.xhtml#{article.id}", tuple(article.authors)))
    return entries


def article_ids(article: Article) -> dict[str, str]:
    """Note ids of an article, for templates: label -> unique id."""
    return {note.label: note.id for note in article.footnotes}


def one_page(rendered: RenderedBook, extra_css: str = "") -> str:
    """The whole book as one HTML page with the print CSS (what ``publisher preview`` shows).

    Links between documents become in-page links and each note sits at its call, as a
    ``<span class="footnote">``; ``extra_css`` goes after every other rule. Fonts are
    ``file:`` URLs of the files in ``rendered.fonts``.
    """
    config = rendered.config
    notes = {n.id: n.html for a in rendered.book.articles() for n in a.footnotes}
    documents = []
    for doc in rendered.documents:
        body = _CROSS_DOC.sub(lambda m: f'href="{m.group(2) or "#doc-" + m.group(1)}"', doc.body)
        body = _NOTES_SECTION.sub("", body)
        body = _NOTEREF.sub(lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body)
        documents.append(Document(doc.id, doc.kind, doc.title, body, doc.toc_level, doc.landmark))
    font_css = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in rendered.fonts
    )
    css = rendered.stylesheets["book.css"] + "\n" + rendered.stylesheets["print.css"] + "\n" + extra_css
    start = next((doc.id for doc in rendered.documents if doc.kind not in FRONT_KINDS), None)
    return Templates(config.styles_dir).render(
        "book.html", config=config, lang=config.language, authors=list(config.authors), keywords="",
        created=config.source_datetime().strftime("%Y-%m-%dT%H:%M:%SZ"), font_css=font_css, css=css,
        trim=[f"{v:g}" for v in config.trim_mm], documents=documents, body_start=start)
