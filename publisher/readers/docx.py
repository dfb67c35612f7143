"""Read Word .docx manuscripts into Articles (through mammoth).

mammoth turns the document into simple semantic HTML using a style map; before
that, a transform of mammoth's document tree converts runs typed in legacy
Vietnamese fonts, and after it the HTML is cut into Blocks and Footnotes here.
mammoth exposes only a run's *direct* font (``w:rFonts/@w:ascii``), so the font a
run inherits from its character style, its paragraph style or the document
defaults is resolved from ``word/styles.xml`` (``readers/docxfonts.py``).

Supported
- [x] paragraphs, bold, italic, superscript, subscript, line breaks, http/mailto links;
- [x] title: the first paragraph styled Title (else Heading 1) when no body text comes
      before it (short letterhead lines and tables may); one after body text stays a
      heading where it is; Subtitle -> subtitle; Heading 2/3/4 -> headings (a later
      Heading 1 becomes a level-2 heading);
- [x] bulleted and numbered lists, nested (``<ul>``/``<ol>``);
- [x] tables -> ``<table>`` with a ``<thead>``: the rows Word marks "repeat as header
      row", else the first row; merged cells keep colspan/rowspan; a table holding photos
      (leaders' portraits) -> a gallery, each photo captioned by its text (``_photo_table``);
- [x] docxalbum.MIN_PHOTO_RUN pictures or more one under another, nothing but their captions between
      (an album) -> a gallery (``_photo_runs``);
- [x] footnotes and endnotes -> Footnote objects and noteref anchors (endnotes are
      labelled "e1", "e2" … when the document also has footnotes);
- [x] embedded images -> ``<docstem>-<sha1[:10]>.<ext>`` in ``source.images_dir`` (only
      ``publisher import`` gives the project's ``images/``) or else in the cache's
      ``extracted/`` folder, never in the project; written once, never overwriting a
      different file; a figure takes the Caption-styled paragraph right after it as its caption;
- [x] Quote / Intense Quote / Block Text -> quote blocks; Word's, LibreOffice's and
      pandoc's standard styles (Body Text, First Paragraph, List Paragraph, Compact …,
      also by their Vietnamese, French, German, Spanish names) are read silently as what
      they are (readers/docxstyles.py); only made-up styles are reported;
- [x] authors: paragraphs styled "Author"; else a right-aligned or last paragraph
      that is only a person's name (2-5 capitalised syllables, no office title such as
      "TRƯỞNG BAN": readers/names.py); other right-aligned lines at the end (place and
      date, an office title) become ``byline`` blocks;
- [x] legacy fonts (``readers/docxfonts.py``, ``legacyfonts.py``): TCVN3 and VNI
      runs converted by the run's effective font (direct, character style,
      paragraph style through ``w:basedOn``, Normal, ``w:docDefaults``), names
      classified by rule (``.VnTime``, ``VNTime``, ``VnTimeH``, ``VNSTCVN3``,
      ``VNI-Helve``, ``VNSVNI2``, ``(Ds)`` …; ``H`` fonts upper-cased); text in an
      unknown, missing or wrong font converted when its letters read as TCVN3 or
      VNI (reported as ``docx-legacy-guess``); TCVN3/VNI and Unicode mixed in one
      file; a run holding ư ơ đ ệ … is Unicode and never changed; a VNI mark cut
      off its letter by a run boundary is joined; document properties (title,
      author) in TCVN3/VNI converted, or dropped when they still read as legacy;
- [x] text boxes (``w:txbxContent``, DrawingML and VML; one of an ``mc:AlternateContent``
      pair): their paragraphs follow the paragraph that anchors them (readers/docxboxes.py);
- [x] a news teaser right after the title is dropped (readers/teaser.py);
- [x] lines of text pasted from a PDF (a paragraph or a line break at every line of the PDF)
      joined where a long line ends mid-sentence (readers/docxtyped.py);
- [x] headings typed as bold paragraphs (short, no final punctuation, text after them) become
      headings, their level from their numbering (I. / 1. / 1.1.: readers/docxtyped.py);
- [x] an official document's letterhead table (national title and motto) above the text is
      left out but for its place and date; its signature table gives the signer's lines and
      name, its distribution list left out (readers/officialdoc.py);
- [x] EMF/WMF drawings (charts, logos) drawn as PNG by LibreOffice Draw (readers/metafile.py);
      without it, left out with a warning;
- [x] pictures cropped, turned a quarter or flipped in Word shown as Word shows them
      (readers/docxpictures.py); a picture only linked to a file is left out with a warning;
- [x] Word's own table of contents (``TOC 1`` …, LibreOffice's ``Contents 1`` …) left out with a
      note: the book makes its own;
- [x] a book's draft in one file (MIN_PARTS Heading 1 or more after the title): read as one
      article, with a warning; ``meta["parts"]`` (the blocks that were a Heading 1) and
      ``meta["part_authors"]`` (the name at the end of each) let ``publisher import --split``
      write an article of each;
- [x] corrupt, non-zip, encrypted or oversized files and zip bombs -> ManuscriptError.

Partial
- [~] without Title/Heading 1 the first short paragraph without a full stop that
      is bold or centred is taken as the title, then the document property "title",
      then the file name (each with a Diagnostic);
- [~] document properties (title, author, created) are weak hints: kept in
      ``meta["docx_properties"]``; the title is used only as a last resort, the
      author and date never (they name whoever set up the template);
- [~] an image inside running text becomes a figure after its paragraph (warning; a floating
      picture, text wrapped around it, silently);
- [~] a run's own font given only as ``w:hAnsi`` or through the theme is not seen
      (mammoth reads ``w:ascii``); its text is then judged by its letters.

Unsupported
- [ ] shapes without text, SmartArt, charts, equations (each of the last three named in a
      warning: readers/docxdropped.py), comments, tracked changes (mammoth reads the
      accepted text), headers and footers, columns, colours.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from lxml import etree

from ..safety import is_inside, read_bytes, write_file
from .. import images
from ..images import PHOTO_SUFFIXES
from ..svg import UnsafeSvg, check_svg
from ..errors import DependencyError, Diagnostic, ManuscriptError, PublisherError
from ..model import Article, Block, Footnote
from . import ReadResult, Source, docxalbum, docxboxes, docxdropped, docxpackage, docxpictures, docxstyles, docxtyped, metafile, officialdoc
from ..legacyfonts import NO_FONT
from .docxfonts import LegacyRuns, StyleFonts, legacy_properties
from .inline import CAPTION_PREFIX, byline_names, escape, escape_text, noteref, without_caption_label
from .source import extracted_images_dir
from .teaser import find_teaser

SUFFIXES = (".docx",)

MAX_TITLE_WORDS = 25
MIN_PARTS = 3  # Heading 1 paragraphs after the title that make a file a book's draft (a warning)
MAX_CAPTION_WORDS = 50  # a centred or italic line under a picture longer than this is text, not its caption

RIGHT_STYLE, CENTER_STYLE = "Publisher Right", "Publisher Center"
STYLE_MAP = f"""
p[style-name='Title'] => h1.title:fresh
p[style-name='Heading 1'] => h1:fresh
p[style-name='Heading 2'] => h2:fresh
p[style-name='Heading 3'] => h3:fresh
p[style-name='Heading 4'] => h4:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Author'] => p.author:fresh
p[style-name='{RIGHT_STYLE}'] => p.right:fresh
p[style-name='{CENTER_STYLE}'] => p.center:fresh
p[style-name='TOC Heading'] => p.word-contents:fresh
p[style-name='Contents Heading'] => p.word-contents:fresh
""" + "".join(f"p[style-name='{name} {n}'] => p.word-contents:fresh\n"  # Word's, and LibreOffice's
              for name in ("toc", "TOC", "Contents") for n in range(1, 10))
_MAPPED = {
    name.lower()
    for name in re.findall(r"style-name='([^']+)'", STYLE_MAP)
    if name not in (RIGHT_STYLE, CENTER_STYLE)
}
IMAGE_EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp",
    "image/tiff": ".tif", "image/svg+xml": ".svg", "image/webp": ".webp",
    "image/x-emf": ".emf", "image/x-wmf": ".wmf", "image/emf": ".emf", "image/wmf": ".wmf",
}  # fmt: skip
SHOWN_IMAGES = {*PHOTO_SUFFIXES, ".svg"}  # shown or converted for the outputs (publisher.images)
_NOTE_HREF = re.compile(r"^#(footnote|endnote)-(-?\d+)$")
# The description Office 365 writes for every picture it is given ("A group of people standing
# in front of a building\n\nDescription automatically generated"), in English or Vietnamese.
_MACHINE_ALT = re.compile(r"description (?:automatically )?generated|mô tả (?:được )?tạo tự động", re.IGNORECASE)
# mammoth's notes that the reader says better itself: every picture is converted or named
# (_ImageWriter), every equation counted (docxdropped).
_SAID_OTHERWISE = re.compile(r"Image of type .* is unlikely to display in web browsers$"
                             r"|An unrecognised element was ignored: \{http://schemas\.openxmlformats\.org/"
                             r"officeDocument/2006/math\}")
_LINKED_IMAGE = re.compile(r"could not (?:open|find) external image:? '([^']*)'")
_WHOLLY_BOLD = re.compile(r"<strong>(.*)</strong>", re.DOTALL)
_ONLY_NOTEREF = re.compile(r'<a class="noteref" href="#note-[^"<>]+">[^<>]+</a>')
_BACKLINK = re.compile(r"^#(footnote|endnote)-ref-")
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_INLINE_TAGS = {"strong", "em", "sup", "sub", "code"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read(source: Source) -> ReadResult:
    """Read one .docx manuscript."""
    try:
        import mammoth
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise DependencyError(
            "reading .docx files needs the mammoth package",
            source.rel,
            hint="pip install mammoth",
        ) from exc
    diagnostics: list[Diagnostic] = []
    archive = docxpackage.open_archive(source)
    with archive:
        fonts = StyleFonts(docxpackage.part(archive, "word/styles.xml"))
        properties = _core_properties(docxpackage.part(archive, "docProps/core.xml"))
        boxes = docxboxes.hoist(archive)  # text boxes mammoth would drop
        main = docxpackage.raw_part(archive, docxpackage.DOCUMENT)
        left_out = docxdropped.dropped(main)  # charts, SmartArt, equations: named, not lost without a word
        # Pictures cropped, turned, flipped or floating in Word: marked in their descriptions.
        pictures = docxpictures.mark(boxes.document or main)
        document = pictures or boxes.document
        document = docxpackage.with_document(archive, document, extracted_images_dir()) if document else None
    writer = _ImageWriter(source, diagnostics)
    legacy = LegacyRuns(fonts, _alignment_style)
    try:
        with document or source.path.open("rb") as handle:
            result = mammoth.convert_to_html(
                handle,
                style_map=STYLE_MAP,
                include_embedded_style_map=False,
                convert_image=mammoth.images.img_element(writer.convert),
                transform_document=legacy.transform,
            )
    except PublisherError:
        raise
    except Exception as exc:  # mammoth's parsers raise many kinds on a damaged part
        raise ManuscriptError(
            f"Word could not be read from this file ({exc.__class__.__name__}): it may be "
            "damaged; open it in Word or LibreOffice and save it again as .docx",
            source.rel,
        ) from exc
    seen: set[str] = set()
    for message in result.messages:
        text = str(message.message)
        if text in seen or _SAID_OTHERWISE.match(text):
            continue
        seen.add(text)
        linked = _LINKED_IMAGE.match(text)
        if linked:  # mammoth never opens a file the document only links to
            diagnostics.append(Diagnostic(
                "warning", f"a picture linked to a file outside the document ({linked.group(1)[:120]}) is left "
                "out: the document holds only its name", source.rel, None, "docx-image",
                "insert the picture into the document (Insert > Pictures, not “Link to File”) and save it"))
            continue
        level = "info" if message.type == "warning" else "warning"
        diagnostics.append(
            Diagnostic(level, text, source.rel, None, "docx-mammoth")
        )
    if writer.machine_alt:
        diagnostics.append(Diagnostic(
            "info", f"{writer.machine_alt} picture description{'s' if writer.machine_alt != 1 else ''} written by Office "
            "itself (“… Description automatically generated”) left out: a reader hears the caption instead",
            source.rel, None, "docx-image", "write a description of your own in Word (Edit Alt Text) to keep one"))
    for kind in left_out:
        diagnostics.append(Diagnostic("warning", kind.message(), source.rel, None, "docx-dropped", kind.hint))
    diagnostics.extend(_legacy_diagnostics(legacy, source.rel))
    properties, found = legacy_properties(properties, legacy)
    diagnostics.extend(Diagnostic("info", text, source.rel, None, "docx-legacy-guess") for text in found)
    if boxes.count:
        diagnostics.append(Diagnostic(
            "info", f"{boxes.count} text box{'es' * (boxes.count != 1)} ({boxes.characters} characters) "
            "imported after the paragraph that anchors each", source.rel, None, "docx-textbox",
            "check where the box's text belongs"))
    builder = _Builder(source, diagnostics)
    builder.build(result.value)
    article = builder.article(properties)
    if legacy.converted:
        article.meta["legacy_fonts"] = dict(sorted(legacy.converted.items()))
    if properties:
        article.meta["docx_properties"] = properties
    return ReadResult(article, diagnostics)


# --- the archive ---------------------------------------------------------------


def _legacy_diagnostics(legacy: LegacyRuns, rel: str) -> list[Diagnostic]:
    found = []
    for font, count in sorted(legacy.converted.items()):
        kinds = legacy.detected.get(font)
        if kinds:  # a guess from the letters: the editor should confirm it
            what = "without a font" if font == NO_FONT else f"in the font {font}"
            found.append(Diagnostic(
                "info", f"{count} runs {what} read as {' and '.join(sorted(k.upper() for k in kinds))} "
                "by their letters and converted to Unicode", rel, None, "docx-legacy-guess"))
        else:
            found.append(Diagnostic("info", f"{count} runs in the legacy font {font} converted to Unicode",
                                    rel, None, "docx-legacy-font"))
    return found


def _core_properties(root) -> dict:
    if root is None:
        return {}
    found = {}
    for key, tag in (("title", "title"), ("author", "creator"), ("created", "created")):
        element = next((e for e in root if etree.QName(e).localname == tag), None)
        if element is not None and (element.text or "").strip():
            found[key] = unicodedata.normalize("NFC", element.text.strip())
    return found


# --- paragraph alignment ---------------------------------------------------------


def _alignment_style(element) -> dict:
    """Changes to a paragraph or run: standard styles read silently, alignment made visible.

    Word's standard styles, English or localised, become what the style map knows (or no
    style: an ordinary paragraph), so mammoth reports only made-up styles
    (readers/docxstyles.py); right-aligned and centred paragraphs get a style the style
    map can see.
    """
    from mammoth import documents

    if isinstance(element, documents.Run):
        return docxstyles.run_style(element.style_name) or {}
    changes: dict = {}
    renamed, name = docxstyles.paragraph_style(element.style_name)
    if renamed:
        changes = {"style_name": name} if name else {"style_name": None, "style_id": None}
    if (name or "").lower() in _MAPPED:
        return changes
    if element.alignment in ("right", "end"):
        changes["style_name"] = RIGHT_STYLE
    elif element.alignment == "center":
        changes["style_name"] = CENTER_STYLE
    return changes


# --- images --------------------------------------------------------------------


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "image"


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``."""
    try:
        return read_bytes(path, len(data)) == data
    except OSError:  # a link (ELOOP), a folder, another size
        return False


class _ImageWriter:
    """Writes embedded images into ``source.images_dir`` or the cache, named by content."""

    def __init__(self, source: Source, diagnostics: list[Diagnostic]):
        self.source = source
        self.diagnostics = diagnostics
        # A reader never writes into the project unless told to (publisher import).
        self.folder = source.root / source.images_dir if source.images_dir else extracted_images_dir()
        self.stem = _slug(source.path.stem)
        self.machine_alt = 0  # descriptions Office wrote itself, left out

    def convert(self, image) -> dict:
        with image.open() as handle:
            data = handle.read()
        alt_text, shown = docxpictures.take(image.alt_text)
        # Named by the picture as stored and how Word changes it: the same picture cropped twice is two files.
        changes = (shown.crop, shown.quarter_turns, shown.flip_h, shown.flip_v) if shown and shown.changed else None
        digest = hashlib.sha1(data + (repr(changes).encode() if changes else b"")).hexdigest()
        ext = IMAGE_EXTENSIONS.get((image.content_type or "").lower(), ".bin")
        if ext in metafile.SUFFIXES:  # a chart, a logo, an emblem kept as a Windows metafile
            try:
                data, ext = metafile.to_png(data, ext, self.source.rel), ".png"
            except (ManuscriptError, DependencyError) as exc:
                self.diagnostics.append(Diagnostic(
                    "warning", f"a drawing in the document ({ext[1:].upper()}: a chart, a logo) is left out: "
                    f"{exc.message}", self.source.rel, None, "docx-image",
                    exc.hint or "install LibreOffice Draw (apt-get install libreoffice-draw), or replace the "
                    "drawing with a PNG in the document"))
                return {}  # no src: the builder leaves the picture out
        if changes and ext in SHOWN_IMAGES and ext != ".svg":
            with contextlib.suppress(ManuscriptError):  # a damaged picture is named when the book is built
                data, ext = images.as_shown(data, shown, f"{self.stem}{ext}", lambda _: self.source.rel)
        if ext == ".svg":  # copied into the EPUB as it is: the same rule as an SVG beside a manuscript
            try:
                check_svg(data)
            except UnsafeSvg as exc:
                raise ManuscriptError(f"an SVG image in the document is refused: {exc}", self.source.rel,
                                      hint="replace it with a PNG in the document") from exc
        path = self._place(data, digest, ext)
        src = self._relative(path)
        if ext not in SHOWN_IMAGES:
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    f"image {src} ({image.content_type}) cannot be shown in EPUB or PDF",
                    self.source.rel,
                    None,
                    "docx-image",
                    "convert it to PNG or JPEG and replace it",
                )
            )
        attributes = {"src": src}
        if shown and shown.floating:
            attributes["data-floating"] = "1"  # (the builder's: text wraps around it in Word)
        if alt_text and _MACHINE_ALT.search(alt_text):  # Office's own guess, in English: not the author's
            self.machine_alt += 1
            alt_text = None
        # Always set: mammoth sets the description it read first, with docxpictures' mark in it.
        attributes["alt"] = unicodedata.normalize("NFC", alt_text) if alt_text else ""
        return attributes

    def _place(self, data: bytes, digest: str, ext: str) -> Path:
        # Nothing is written through a link: the project's images folder (publisher import) must
        # stay inside the project, and a new image goes to a fresh temporary file renamed into place.
        in_project = Path(os.path.abspath(self.folder)).is_relative_to(os.path.abspath(self.source.root))
        if in_project and not is_inside(self.folder, self.source.root):
            raise ManuscriptError(f"the images folder {self.folder.name}/ leads outside the project folder "
                                  "through a symbolic link; no image is written there", self.source.rel)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name in (f"{self.stem}-{digest[:10]}", f"{self.stem}-{digest}"):
                path = self.folder / f"{name}{ext}"
                if not os.path.lexists(path):
                    write_file(path, data)
                    return path
                if _holds(path, data):
                    return path
        except OSError as exc:
            raise ManuscriptError(
                f"cannot write the image into {self.folder}: {exc.strerror or exc}", self.source.rel
            ) from exc
        raise ManuscriptError(
            f"{path} exists with different content; move it away", self.source.rel
        )

    def _relative(self, path: Path) -> str:
        """Relative to the project when inside it; else absolute (in the cache), as remote images are."""
        root = self.source.root.resolve()
        resolved = path.resolve()
        if resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
        return resolved.as_posix()


# --- HTML to blocks ------------------------------------------------------------


class _Builder:
    """Cuts mammoth's HTML into Blocks, finds title, authors and notes."""

    def __init__(self, source: Source, diagnostics: list[Diagnostic]):
        self.source = source
        self.diagnostics = diagnostics
        self.blocks: list[Block] = []
        self.subtitle: str | None = None
        self.authors: list[str] = []
        self.notes: list[tuple[str, str, str]] = []  # (kind, number, html)
        self.flags: list[set[str]] = []  # classes of each block's paragraph
        self.contents_lines = 0  # lines of Word's own table of contents, left out
        self.part_authors: dict[int, list[str]] = {}  # a draft's parts: id(its heading block) -> its author
        self.dateline: str | None = None  # an official letterhead's place and date (readers.officialdoc)
        self.table_cells: dict[int, tuple[list[list[str]], int]] = {}  # a table block's cells' lines and rows

    def note(
        self, level: str, message: str, code: str, hint: str | None = None
    ) -> None:
        self.diagnostics.append(
            Diagnostic(level, message, self.source.rel, None, code, hint)
        )

    def build(self, html: str) -> None:
        self.has_footnotes = 'id="footnote-' in html
        root = etree.fromstring(f"<root>{html}</root>", _XML)
        for image in list(root.iter("img")):
            if not image.get("src"):  # a picture no output can show (_ImageWriter said why)
                _drop(image)
        for element in root:
            self._element(element)

    def add(self, block: Block, *flags: str) -> None:
        self.blocks.append(block)
        self.flags.append(set(flags))

    def _element(self, element) -> None:
        tag = element.tag
        classes = set((element.get("class") or "").split())
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = max(2, min(int(tag[1]), 4))
            flags = ["title"] if "title" in classes else ["h1"] if tag == "h1" else []
            self.add(Block("heading", self.inline(element), level=level), *flags)
        elif tag == "p":
            self._paragraph(element, classes)
        elif tag in ("ul", "ol"):
            if any(_NOTE_HREF.match("#" + (li.get("id") or "")) for li in element):
                self._notes(element)
            else:
                self.add(Block("list", self.list_html(element)))
        elif tag == "table":
            if next(element.iter("img"), None) is not None:
                self._photo_table(element)
            else:
                self._table(element)
        elif tag == "blockquote":
            paragraphs = [self.inline(p) for p in element] or [self.inline(element)]
            self.add(Block("quote", "".join(f"<p>{p}</p>" for p in paragraphs if p)))
        else:
            html = self.inline(element)
            if html:
                self.add(Block("paragraph", html))

    def _paragraph(self, element, classes: set[str]) -> None:
        images = list(element.iter("img"))
        for image in images:
            tail = image.tail
            image.getparent().remove(image)
            if tail:  # keep the text after the image
                element.text = (element.text or "") + tail
        html = self.inline(element)
        # A floating picture (text wraps around it) belongs beside its paragraph: after it is
        # where a book shows it. One set in the line of the text is moved, and said so.
        if html and any(image.get("data-floating") != "1" for image in images):
            self.note(
                "warning",
                "an image inside running text was moved after its paragraph",
                "docx-image",
                "put the image in a paragraph of its own",
            )
        under_picture = bool(self.blocks) and self.blocks[-1].kind == "figure" and not self.blocks[-1].caption \
            and not images
        if "word-contents" in classes:  # Word's own table of contents, with Word's page numbers
            self.contents_lines += 1
            return
        if html:
            if under_picture and ("caption" in classes or self._caption_under_picture(html, classes, element)):
                self.blocks[-1].caption = without_caption_label(html)
            elif "caption" in classes:
                self.add(Block("caption", html))
            elif "subtitle" in classes and self.subtitle is None and not self.blocks:
                self.subtitle = html
            elif "author" in classes:
                self.authors.extend(byline_names(_text(html)) or [_text(html)])
            else:
                self.add(
                    Block("paragraph", html),
                    *classes,
                    *(["bold"] if _all_bold(element) else []),
                )
        for image in images:
            self.add(Block("figure", src=image.get("src"), alt=image.get("alt") or None))

    def _caption_under_picture(self, html: str, classes: set[str], element) -> bool:
        """Whether a paragraph right under a picture, not styled Caption, is its caption all the
        same: it starts with a caption's label ("Ảnh:", "Hình 2.": readers.inline.CAPTION_PREFIX), or
        it is a short line set apart as captions are typed (centred, or all in italics, not bold)."""
        text = unicodedata.normalize("NFC", _text(html))
        if CAPTION_PREFIX.match(text):
            return True
        if len(text.split()) > MAX_CAPTION_WORDS or _all_bold(element) or "bold" in classes:
            return False
        if "center" in classes or _all_italic(element):
            self.note("info", f"the line under a picture is taken as its caption: {text[:80]!r}", "docx-caption",
                      "style it as Caption to make this explicit")
            return True
        return False

    def _table(self, element) -> None:
        """A table: an official document's letterhead above the text is left out but for its place
        and date (readers.officialdoc); any other is kept, its cells remembered for the signature."""
        rows = [tr for tr in element.iter("tr") if next(tr.iterancestors("table")) is element]
        cells = [_cell_lines(cell) for tr in rows for cell in tr if cell.tag in ("td", "th")]
        if not _body_before(self.blocks) and officialdoc.letterhead(cells, len(rows)):
            self.dateline = officialdoc.date_line(cells)
            shown = " / ".join(line for cell in cells for line in cell if line != self.dateline)
            self.note("info", f"the official letterhead is left out: {shown[:160]}"
                      + (f"; its date line ends the text: {self.dateline}" if self.dateline else ""),
                      "docx-letterhead", "to keep a line of it, type it as a paragraph of the text")
            return
        block = Block("table", self.table_html(element))
        self.add(block)
        self.table_cells[id(block)] = (cells, len(rows))

    def _join_broken_lines(self) -> None:
        """Lines of text pasted from a PDF joined (readers.docxtyped.join_broken_lines), counted in a note."""
        joined = docxtyped.join_broken_lines(self.blocks, self.flags)
        if joined:
            self.note("info", f"{joined} line{'s' if joined != 1 else ''} broken in the middle of a sentence "
                      "(text pasted from a PDF) joined to the line before", "docx-lines",
                      "check the paragraphs; paste from the PDF as unformatted text and join its lines to avoid this")

    def _bold_headings(self) -> None:
        """Headings typed in bold paragraphs made headings (readers.docxtyped.bold_headings), counted in a note."""
        taken = docxtyped.bold_headings(self.blocks, self.flags)
        if taken:
            self.guessed["headings"] = "bold paragraphs"
            self.note("info", f"{len(taken)} bold paragraph{'s' if len(taken) != 1 else ''} taken as "
                      f"heading{'s' if len(taken) != 1 else ''}, the first {taken[0][:60]!r}", "docx-heading",
                      "style them as Heading 2 or Heading 3 to make this explicit")

    def _signature(self) -> None:
        """The signature table that ends an official document (readers.officialdoc) as the
        right-aligned lines that end a text, after the letterhead's date line; its distribution
        list (Nơi nhận) left out with a note."""
        found = None
        if self.blocks and self.blocks[-1].kind == "table" and id(self.blocks[-1]) in self.table_cells:
            found = officialdoc.signature(*self.table_cells[id(self.blocks[-1])])
            if found is not None:
                self.blocks.pop()
                self.flags.pop()
        ending = ([self.dateline] if self.dateline else []) + (found[0] if found else [])
        for line in ending:
            self.add(Block("paragraph", escape_text(line)), "right")
        if found and found[1]:
            self.note("info", f"the distribution list at the end is left out: {' / '.join(found[1])[:160]}",
                      "docx-letterhead", "to keep it, type it as a paragraph of the text")

    def _photo_table(self, element) -> None:
        """A table of photos (leaders' portraits with their names, a row of photos over a row of
        names, or a photo beside its text in each row) as a gallery: each photo captioned by the
        text of its cell, else of the cell under it in a row of text alone, else of the rest of its
        row. A first row of text alone over rows of photos is their header, left out with a note;
        another row of text alone is kept as a paragraph after the photos, with a warning."""
        rows = [[cell for cell in tr if cell.tag in ("td", "th")] for tr in element.iter("tr")]
        pictured = [any(next(cell.iter("img"), None) is not None for cell in cells) for cells in rows]
        photos: list[dict] = []
        kept: list[str] = []
        used: set[int] = set()
        for number, cells in enumerate(rows):
            if number in used:
                continue
            if not pictured[number]:
                text = " – ".join(t for t in (self._cell_html(cell) for cell in cells) if t)
                if text and number == 0 and any(pictured):
                    self.note("info", f"the heading row of a table of photos (“{_text(text)[:40]}”) is left out",
                              "docx-photo-table")
                elif text:
                    kept.append(text)
                continue
            images = [(column, list(cell.iter("img"))) for column, cell in enumerate(cells)]
            images = [(column, found) for column, found in images if found]
            # The row under a row of photos names them when its text stands under the photos only.
            below = rows[number + 1] if number + 1 < len(rows) and not pictured[number + 1] else []
            names = [self._cell_html(cell) for cell in below]
            under = {column for column, _ in images}
            if not any(names) or any(name and c not in under for c, name in enumerate(names)):
                names = []
            for column, found in images:
                for image in found:
                    _drop(image)
                caption = self._cell_html(cells[column])
                if not caption and column < len(names) and names[column]:
                    caption = names[column]
                    used.add(number + 1)
                if not caption and len(images) == 1:
                    caption = "<br/>".join(t for c, cell in enumerate(cells) if c != column
                                           for t in [self._cell_html(cell)] if t)
                for image in found:
                    photos.append({"src": image.get("src"), "caption": caption or None,
                                   "alt": image.get("alt") or _text(caption) or None})
        if len(photos) == 1:  # one photo over its caption (how Word users caption a photo): a figure in the text
            photo = photos[0]
            self.add(Block("figure", src=photo["src"], alt=photo["alt"], caption=photo["caption"]))
        elif photos:
            self.add(docxalbum.gallery(photos, self.source.root))
        for text in kept:
            self.note("warning", f"a row of text in a table of photos (“{_text(text)[:40]}”) is kept as a "
                      "paragraph after the photos", "docx-photo-table",
                      "write it as a paragraph of its own, or put it in the photos' cells")
            self.add(Block("paragraph", text))

    def _photo_runs(self) -> None:
        """Pictures one under another set as photo pages (readers.docxalbum.photo_runs), in a note."""
        self.blocks, self.flags, runs, pictures = docxalbum.photo_runs(self.blocks, self.flags, self.source.root)
        if runs:
            self.note("info", f"{pictures} pictures one under another set as photo pages (two rows a page)"
                      f"{f', in {runs} places' if runs > 1 else ''}", "docx-photo-pages",
                      "put text between two pictures to keep them in the text")

    def _cell_html(self, cell) -> str:
        """A table cell's content as inline HTML, its paragraphs joined by line breaks."""
        if not len(cell):
            return self.inline(cell)
        parts = [self.inline(p) if p.tag == "p" else self._block_in_cell(p) for p in cell]
        return "<br/>".join(p for p in parts if p)

    def _notes(self, element) -> None:
        for item in element:
            match = _NOTE_HREF.match("#" + (item.get("id") or ""))
            if not match:
                continue
            for link in list(item.iter("a")):
                if _BACKLINK.match(link.get("href") or ""):
                    _drop(link)
            parts = [self.inline(p) for p in item if p.tag == "p"] or [
                self.inline(item)
            ]
            self.notes.append(
                (match.group(1), match.group(2), "<br/>".join(p for p in parts if p))
            )

    # inline content ---------------------------------------------------------

    def inline(self, element) -> str:
        out = [escape_text(element.text or "")]
        for child in element:
            out.append(self._inline_child(child))
            out.append(escape_text(child.tail or ""))
        return "".join(out).strip()

    def _inline_child(self, child) -> str:
        tag = child.tag
        if tag == "br":
            return "<br/>"
        if tag == "a":
            href = child.get("href") or ""
            note = _NOTE_HREF.match(href)
            if note:
                return noteref(self.note_label(note.group(1), note.group(2)))
            if _SAFE_LINK.match(href):
                return f'<a href="{escape(href)}">{self.inline(child)}</a>'
            return self.inline(child)
        inner = self.inline(child) if len(child) or child.text else ""
        if tag == "sup" and _ONLY_NOTEREF.fullmatch(inner):
            return inner  # mammoth (and Word's superscript run) wrap note references in <sup>
        if tag in _INLINE_TAGS and inner:
            return f"<{tag}>{inner}</{tag}>"
        if tag in ("p", "li"):
            return inner + "<br/>"
        return inner

    def note_label(self, kind: str, number: str) -> str:
        return number if kind == "footnote" or not self.has_footnotes else f"e{number}"

    has_footnotes = False

    def list_html(self, element) -> str:
        items = []
        for item in element:
            nested = [child for child in item if child.tag in ("ul", "ol")]
            for child in nested:
                item.remove(child)  # the tail of a nested list is rare; keep it as text
            html = self.inline(item) + "".join(
                self.list_html(child) for child in nested
            )
            items.append(f"<li>{html}</li>")
        return f"<{element.tag}>{''.join(items)}</{element.tag}>"

    def table_html(self, element) -> str:
        head = [tr for part in element.iter("thead") for tr in part.iter("tr")]
        rows = [tr for tr in element.iter("tr") if tr not in head]
        if not head and len(rows) > 1:
            head, rows = rows[:1], rows[1:]

        def row(tr, cell_tag: str | None) -> str:
            cells = []
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                tag = cell_tag or cell.tag
                spans = "".join(
                    f' {a}="{escape(cell.get(a))}"'
                    for a in ("colspan", "rowspan")
                    if cell.get(a)
                )
                cells.append(f"<{tag}{spans}>{self._cell_html(cell)}</{tag}>")
            return f"<tr>{''.join(cells)}</tr>"

        thead = (
            f"<thead>{''.join(row(tr, 'th') for tr in head)}</thead>" if head else ""
        )
        return f"<table>{thead}<tbody>{''.join(row(tr, 'td') for tr in rows)}</tbody></table>"

    def _block_in_cell(self, element) -> str:
        if element.tag in ("ul", "ol"):
            return self.list_html(element)
        if element.tag == "table":
            self.note(
                "warning",
                "a table inside a table cell was flattened to text",
                "docx-table",
            )
        return escape_text(_text(etree.tostring(element, encoding="unicode")))

    # the article ------------------------------------------------------------

    def article(self, properties: dict) -> Article:
        self._join_broken_lines()
        title = self._title(properties)
        self._teaser()
        self._signature()
        self._byline()
        self._bold_headings()
        self._photo_runs()
        footnotes = [
            Footnote(label=self.note_label(kind, number), html=html)
            for kind, number, html in self.notes
        ]
        if self.contents_lines:
            self.note("info", f"Word's table of contents ({self.contents_lines} lines, with Word's page numbers) "
                      "is left out: the book makes its own, with its pages", "docx-contents")
        if not self.blocks:
            self.note("warning", "the document has no text", "docx-empty")
        meta = {"guessed": self.guessed}
        parts = [i for i, flags in enumerate(self.flags) if "h1" in flags]
        if len(parts) >= MIN_PARTS:
            # A book's draft kept in one Word file, each article under its Heading 1: read as one
            # article, its articles' titles as headings like their own sub-headings.
            meta["parts"] = parts
            meta["part_authors"] = [self.part_authors.get(id(self.blocks[i]), []) for i in parts]
            names = ", ".join(f"“{self.blocks[i].text[:30]}”" for i in parts[:3])
            count = len(parts) + (parts[0] > 0)  # (and what comes before the first, under the file's title)
            self.note("warning", f"the file holds {count} parts, each under a Heading 1 ({names} …): it "
                      "is read as one article, their headings among its sub-headings", "docx-parts",
                      f"if they are the book's articles, `publisher import --split {Path(self.source.rel).name}` "
                      "writes a manuscript for each")
        return Article(
            title=title,
            source=self.source.rel,
            blocks=self.blocks,
            subtitle=self.subtitle,
            authors=self.authors,
            footnotes=footnotes,
            meta=meta,
        )

    guessed: dict

    def _title(self, properties: dict) -> str:
        self.guessed = {}
        for flag in ("title", "h1"):
            index = next((i for i, f in enumerate(self.flags) if flag in f), None)
            if index is not None and not _body_before(self.blocks[:index]):
                self.flags.pop(index)
                return self.blocks.pop(index).html
            if index is not None:
                self.note("info", f"the {'Title' if flag == 'title' else 'Heading 1'} paragraph "
                          f"{self.blocks[index].text!r} comes after body text: it stays a heading there",
                          "docx-title", "move it to the top if it is the title")
        # The first paragraph, after any pictures and tables above it (a logo, a banner).
        at = next((i for i, b in enumerate(self.blocks) if b.kind not in ("figure", "table", "gallery")), None)
        if at is not None and self.blocks[at].kind == "paragraph":
            first, flags = self.blocks[at], self.flags[at]
            text = first.text
            if (
                len(text.split()) <= MAX_TITLE_WORDS
                and not text.endswith(".")
                and flags & {"bold", "center"}
            ):
                self.blocks.pop(at)
                self.flags.pop(at)
                self.guessed["title"] = "first paragraph"
                self.note(
                    "info",
                    f"title taken from the first paragraph: {text!r}",
                    "docx-title",
                    "style it as Title or Heading 1 to make this explicit",
                )
                # Bold all through is how the paragraph looked as a title, not emphasis: the
                # heading is bold anyway, and the contents and running heads are not.
                whole = _WHOLLY_BOLD.fullmatch(first.html)
                return whole.group(1) if whole and "<strong>" not in whole.group(1) else first.html
        if properties.get("title"):
            self.guessed["title"] = "document properties"
            self.note(
                "warning",
                f"no Title or Heading 1; the document property title "
                f"{properties['title']!r} is used",
                "docx-title",
            )
            return escape_text(properties["title"])
        self.guessed["title"] = "file name"
        self.note(
            "warning",
            "no Title or Heading 1 paragraph; the file name is used",
            "docx-title",
            "style the title paragraph as Title or Heading 1",
        )
        return escape_text(self.source.path.stem)

    def _teaser(self) -> None:
        """A news teaser right after the title (readers/teaser.py) is dropped."""
        if len(self.blocks) < 2 or self.blocks[0].kind != "paragraph":
            return
        following = [b.text for b in self.blocks[1:] if b.kind in ("paragraph", "caption", "quote") and b.text]
        found = find_teaser(self.blocks[0].text, following)
        if found is None:
            return
        text = self.blocks.pop(0).text
        self.flags.pop(0)
        self.guessed["teaser"] = "dropped"
        shown = text if len(text) <= 80 else text[:79].rstrip() + "…"
        self.note("info", f"teaser dropped: it repeats the opening of the text: {shown!r}", "docx-teaser")

    def _byline(self) -> None:
        parts = [i for i, flags in enumerate(self.flags) if "h1" in flags]
        if len(parts) >= MIN_PARTS:
            # A book's draft: each article's author is at the end of its own part (the
            # document's last lines are only the last article's).
            for start, end in reversed(list(zip([0, *(i + 1 for i in parts)], [*parts, len(self.blocks)]))):
                if start > 0:
                    self.part_authors[id(self.blocks[start - 1])] = self._names_at_end(start, end)
                elif not self.authors:  # (an Author paragraph named them)
                    self.authors = self._names_at_end(start, end)
        else:
            if self.authors:
                return
            self.authors = self._names_at_end(0, len(self.blocks))
        if self.authors:
            self.guessed["byline"] = "last paragraph"
            self.note(
                "info",
                f"author taken from the end of the document: {', '.join(self.authors)}",
                "docx-byline",
                "style the line as 'Author' to make this explicit",
            )
        kept = [i for i, b in enumerate(self.blocks) if b.kind != "remove"]
        self.blocks, self.flags = [self.blocks[i] for i in kept], [self.flags[i] for i in kept]

    def _names_at_end(self, start: int, end: int) -> list[str]:
        """The author's names at the end of blocks ``start`` to ``end``, their line marked for
        removal: right-aligned lines at the end (a name is the author, anything else a byline),
        else a last paragraph that is a name."""
        authors: list[str] = []
        index = end
        while index > start and "right" in self.flags[index - 1] and self.blocks[index - 1].kind == "paragraph":
            index -= 1
        for position in range(index, end):
            block = self.blocks[position]
            names = byline_names(block.text)
            if names and not authors:
                authors = names
                block.kind = "remove"
            else:
                block.kind = "byline"
        if not authors and end - start >= 2 and self.blocks[end - 1].kind == "paragraph":
            names = byline_names(self.blocks[end - 1].text)
            if names:
                authors = names
                self.blocks[end - 1].kind = "remove"
        return authors


def _text(html: str) -> str:
    from ..model import html_to_text

    return html_to_text(html)


def _cell_lines(cell) -> list[str]:
    """The lines of a table cell's text, not blank: one a paragraph, or a line break (Shift+Enter) within one."""
    parts = [child for child in cell if child.tag in ("p", "ul", "ol")] or [cell]
    lines = []
    for part in parts:
        markup = etree.tostring(part, encoding="unicode", with_tail=False)
        lines += [_text(piece).strip() for piece in re.split(r"<br\s*/?>", markup)]
    return [line for line in lines if line]


def _body_before(blocks: list[Block]) -> bool:
    """True when ``blocks`` hold body text: a sentence, a list or a quote.

    Short lines (a letterhead, the national motto, a date), tables (the letterhead table
    of official documents) and images (a logo, a banner) may stand above a title.
    """
    for block in blocks:
        if block.kind in ("list", "quote"):
            return True
        if block.kind == "paragraph":
            words = len(block.text.split())
            if words > 15 or (words >= 6 and block.text.rstrip().endswith((".", "!", "?", "…", ":"))):
                return True
    return False


def _all_italic(element) -> bool:
    """True when all the paragraph's text is inside <em>."""
    if (element.text or "").strip():
        return False
    return len(element) > 0 and all(
        child.tag == "em" and not (child.tail or "").strip() for child in element
    )


def _all_bold(element) -> bool:
    """True when all the paragraph's text is inside <strong>."""
    if (element.text or "").strip():
        return False
    return len(element) > 0 and all(
        child.tag == "strong" and not (child.tail or "").strip() for child in element
    )


def _drop(element) -> None:
    """Remove an element, keeping its tail text (mammoth's "↑" back-links to the reference)."""
    parent, previous = element.getparent(), element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
