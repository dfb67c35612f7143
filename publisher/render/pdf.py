"""Package the rendered book as a PDF with WeasyPrint, for one output profile.

The documents are joined into one HTML file; links between documents become
in-page links, and each note moves to its call site as a ``float: footnote``
element so it lands at the foot of the page that cites it. WeasyPrint may
fetch only the book's own fonts, images and colour profile: every other URL is refused.

Page numbers: the front matter (cover, title page, foreword, contents when at the front)
sits on ``front`` pages that count ``frontpage`` (printed in lower-case roman) and leave
``page`` alone, so the body starts at page 1 without resetting a counter (a reset breaks
``target-counter``, WeasyPrint #2114) and the contents' numbers stay right. The blank left
page between front matter and body belongs to no named page and counts as front matter.
Profiles (config.OutputProfile): ``print`` adds bleed, crop marks, PDF/X-4 and padding to
the signature; ``screen`` is tagged (PDF/UA-1) with small images; ``proof`` carries a
watermark, the build date and each article's source file. render.pdfpost finishes the file.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import OutputProfile
from ..errors import PublisherError
from ..images import pdf_bytes
from .html import RenderedBook
from .pdfpost import Finish, finish_pdf, stable_document_id
from .templates import Templates
from .weasyload import import_weasyprint

_CROSS_DOC = re.compile(r'href="([A-Za-z0-9_.-]+)\.xhtml(#[^"]*)?"')
_NOTEREF = re.compile(r'<a class="noteref"[^>]*?href="#(fn-[^"]+)"[^>]*>[^<]*</a>')
_NOTES_SECTION = re.compile(r'<section class="footnotes".*?</section>', re.DOTALL)
FRONT_KINDS = ("cover", "titlepage", "imprint", "toc", "foreword")
CROP_MARK_MM = 6.0  # the slug beyond the bleed where WeasyPrint draws the crop marks


@dataclass
class PdfResult:
    pages: int
    refused: list[str] = field(default_factory=list)  # URLs WeasyPrint was not allowed to fetch
    warnings: list[str] = field(default_factory=list)
    front_pages: int = 0  # pages numbered in roman before the body's page 1
    padding: int = 0  # blank pages added to fill the last signature


def body_start(rendered: RenderedBook) -> str | None:
    """The id of the first body document (part opener or article); the front matter is before it."""
    for doc in rendered.documents:
        if doc.kind not in FRONT_KINDS:
            return doc.id
    return None


def book_html(rendered: RenderedBook, profile: OutputProfile | None = None, only: list | None = None,
              extra_css: str = "") -> str:
    """The whole book as one HTML document for WeasyPrint, styled for ``profile`` when given.

    ``only`` keeps a run of the documents (render.parallel lays runs out one by one);
    ``extra_css`` goes after every other rule.
    """
    config = rendered.config
    notes = {n.id: n.html for a in rendered.book.articles() for n in a.footnotes}
    documents = []
    start = body_start(rendered)
    front_ids: list[str] = []
    in_front = True
    keep = None if only is None else {doc.id for doc in only}
    for doc in rendered.documents:
        if keep is not None and doc.id not in keep:
            in_front = in_front and doc.id != start
            if in_front:
                front_ids.append(doc.id)
            continue
        in_front = in_front and doc.id != start
        if in_front:
            front_ids.append(doc.id)
        body = _CROSS_DOC.sub(lambda m: f'href="{m.group(2) or "#doc-" + m.group(1)}"', doc.body)
        body = _NOTES_SECTION.sub("", body)
        body = _NOTEREF.sub(lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body)
        documents.append(type(doc)(doc.id, doc.kind, doc.title, body, doc.toc_level, doc.landmark))
    font_css = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in rendered.fonts
    )
    # Contents entries that point into the front matter show its roman number.
    front_css = "".join(
        f'.toc-entry a[href="#{i}"]::after, .toc-entry a[href="#doc-{i}"]::after {{ content: leader(".") " " '
        f"target-counter(attr(href url), frontpage, lower-roman); }}\n"
        for i in front_ids
    )
    css = (rendered.stylesheets["book.css"] + "\n" + rendered.stylesheets["print.css"] + "\n" + front_css
           + (profile_css(rendered, profile) if profile else "") + extra_css)
    html = Templates(config.styles_dir).render(
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
        body_start=start if keep is None else (None if only[0].id in front_ids else only[0].id),
    )
    if keep is not None:  # a body run opens its bodymatter at once: no empty frontmatter box
        html = re.sub(r'<div class="frontmatter">\s*</div>', "", html, count=1)
    if profile and profile.watermark:
        mark = f'<div class="watermark" aria-hidden="true">{_escape(profile.watermark)}</div>'
        html = html.replace("<body>", "<body>\n" + mark, 1)
    return html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def profile_css(rendered: RenderedBook, profile: OutputProfile) -> str:
    """The @page and element rules one output profile adds to print.css."""
    config = rendered.config
    rules = []
    slug = CROP_MARK_MM if profile.crop_marks else 0.0
    if profile.bleed_mm or slug:
        # WeasyPrint draws crop marks from the sheet's edge to half the CSS bleed: with the
        # slug added they stop CROP_MARK_MM / 2 short of the trim, outside the real bleed.
        marks = "marks: crop cross;" if profile.crop_marks else ""
        rules.append(f"@page {{ bleed: {profile.bleed_mm + slug:g}mm; {marks} }}")
    bleed = profile.bleed_mm
    rules.append(f".full-bleed img {{ margin: -{bleed:g}mm; width: calc(100% + {2 * bleed:g}mm); "
                 f"height: calc({config.trim_mm[1]:g}mm + {2 * bleed:g}mm); }}")
    if profile.icc_profile:
        rules.append(f"@color-profile device-cmyk {{ src: url({_css_string(profile.icc_profile.resolve().as_uri())}); "
                     "components: c, m, y, k; }")
    if profile.watermark or profile.show_sources:
        stamp = " · ".join(x for x in (profile.watermark, config.source_datetime().date().isoformat()) if x)
        rules.append(
            "@page { @bottom-left { content: " + _css_string(stamp) + "; font-family: \"Book Sans\"; "
            "font-size: 6.5pt; color: #555; vertical-align: top; padding-top: 4mm; } }")
    if profile.show_sources:
        rules.append(
            "@page { @bottom-right { content: string(source, last); font-family: \"Book Sans\"; font-size: 6.5pt; white-space: nowrap; "
            "color: #555; vertical-align: top; padding-top: 4mm; } }\n"
            "@page :blank { @bottom-right { content: none; } } @page front:blank { @bottom-right { content: none; } }\n"
            "@page body:blank { @bottom-right { content: none; } }\n"
            ".doc { string-set: source \"\"; }\n"
            ".doc-article .article, .doc-foreword .article { string-set: source attr(data-source); }")
    if profile.watermark:
        rules.append(
            ".watermark { position: fixed; top: 45%; left: -15%; width: 130%; text-align: center; "
            "transform: rotate(-50deg); font-family: \"Book Sans\"; font-weight: bold; font-size: 40pt; "
            "letter-spacing: 0.1em; color: rgba(200, 0, 0, 0.18); z-index: -1; }")
    return "\n".join(rules) + "\n"


def write_pdf(rendered: RenderedBook, target, profile: OutputProfile | str | None = None,
              images: dict[str, Path] | None = None, parallel: bool | None = None,
              cache: Path | None = None, stats=None) -> PdfResult:
    """Render the PDF for ``profile`` (default: the config's) into ``target`` (a path or binary file).

    ``images`` maps each image href to the file to embed (downsampled copies for the
    screen); by default the originals in ``rendered.images``. ``parallel``: lay the book out
    in runs in several processes (render.parallel; None: when it pays, False: one pass, as
    does PUBLISHER_PARALLEL=0), keeping finished runs in the ``cache`` folder when given;
    ``stats`` (a parallel.RunStats) receives which runs were laid out and which came from it.
    """
    import os

    config = rendered.config
    if not isinstance(profile, OutputProfile):
        profile = config.profile(profile)
    allowed = {f.path.resolve().as_uri(): f.path for f in rendered.fonts}
    base = BOOK_BASE
    for href, path in (images or rendered.images).items():
        allowed[base + href] = path
    if profile.icc_profile:
        allowed[profile.icc_profile.resolve().as_uri()] = profile.icc_profile
    identifier = config.isbn or config.identifier or config.slug
    converter = None
    if profile.icc_profile:
        from ..images import rgb_to_cmyk

        converter = lambda colours: rgb_to_cmyk(colours, profile.icc_profile)  # noqa: E731
    if parallel is None and os.environ.get("PUBLISHER_PARALLEL") == "0":
        parallel = False
    if parallel is not False:
        from . import parallel as runs

        possible = not profile.tagged and runs.plan_runs(rendered) is not None
        if (parallel and possible) or runs.worth_parallel(rendered, profile):
            return runs.write_parallel(rendered, target, profile, allowed, base, write_options(config, profile),
                                       Finish(0, config.trim_mm, profile.bleed_mm, identifier, converter),
                                       cache, stats=stats)
    weasyprint = import_weasyprint()

    fetcher = _BookFetcher(allowed)
    captured = _capture_warnings()
    try:
        html = book_html(rendered, profile)
        document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render()
        front = _front_pages(document, body_start(rendered))
        padding = _pad(document, html, base, fetcher, profile.signature, rendered)
        raw = io.BytesIO()
        document.write_pdf(raw, **write_options(config, profile))
        pages = finish_pdf(raw.getvalue(), target, Finish(front, config.trim_mm, profile.bleed_mm, identifier,
                                                          converter))
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        logging.getLogger("weasyprint").removeHandler(captured)
    return PdfResult(pages, fetcher.refused, captured.messages, front, padding)


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


def _fetcher_base():
    from weasyprint.urls import URLFetcher

    return URLFetcher


# The book's images are addressed under a fixed base, not the project's path: WeasyPrint names
# image objects after their URL, and the PDF must not change when the project folder moves.
BOOK_BASE = "file:///publisher-book/"


class _BookFetcher:
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
    fetcher = _BookFetcher(allowed)
    captured = _capture_warnings()
    identifier = config.isbn or config.identifier or config.slug
    options = (write_options(config, profile) if profile is not None
               else {"pdf_identifier": identifier.encode(), "pdf_version": "1.7"})
    try:
        document = weasyprint.HTML(string=html, base_url=config.root.resolve().as_uri() + "/",
                                   url_fetcher=fetcher).render()
        raw = io.BytesIO()
        document.write_pdf(raw, **options)
        if profile is None:
            stable_document_id(raw.getvalue(), target, identifier)
        else:
            converter = None
            if profile.icc_profile:
                from ..images import rgb_to_cmyk

                converter = lambda colours: rgb_to_cmyk(colours, profile.icc_profile)  # noqa: E731
            finish_pdf(raw.getvalue(), target, Finish(0, trim_mm or config.trim_mm, profile.bleed_mm,
                                                      identifier, converter))
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        logging.getLogger("weasyprint").removeHandler(captured)
    return PdfResult(len(document.pages), fetcher.refused, captured.messages)


# --- Runs of pages laid out in separate processes (render.parallel plans and joins them) ---

@dataclass
class RunJob:
    """One run of documents to lay out on its own: the HTML and how to number its pages."""

    html: str
    base: str
    allowed: dict[str, str]  # URL -> file the run may load
    options: dict  # write_pdf options
    body_index: int | None = None  # slot in the shared page counts; None for the front matter
    start: int | None = None  # printed number of its first page; None: wait for the runs before it
    dummy: bool = False  # the first page only puts the run on a left-hand page: dropped
    run_end: bool = False  # the last page only forces the blank before the next run: dropped
    padding_template: bool = False  # the last page is a blank padding page, kept apart


@dataclass
class RunOutput:
    pdf: bytes
    pages: int  # pages of the run, with the blank before the next run, without the padding page
    start: int | None
    anchors: dict[str, int]  # anchor -> page index in the run
    fake: list[str]  # anchors added only so WeasyPrint keeps links into other runs
    padding_template: bool = False
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)  # bookmark levels in order (the run's outline loses them)
    fonts: dict[str, dict] = field(default_factory=dict)  # PDF font name -> what it was subset from (_font_hook)


_COUNTS = None  # multiprocessing.Array of page counts, one per body run (-1: not laid out yet)
_WAITING = None  # multiprocessing.Value: workers waiting for the counts of the runs before theirs
_CURRENT: list = []  # [job, offset] while a run is being laid out in this process
_FONTS: dict[str, dict] = {}  # the fonts the run being written subset (_install_font_hook)


def init_worker(counts, waiting=None) -> None:
    """Pool initialiser (publisher.workers): share the page counts and the number of waiting
    workers; import WeasyPrint and install the hooks once per process."""
    global _COUNTS, _WAITING
    _COUNTS, _WAITING = counts, waiting
    _install_numbering_hook()
    _install_font_hook()


def _install_numbering_hook() -> None:
    """Shift the page counter of the margin boxes once a run knows its first number.

    WeasyPrint lays out all page contents first and the margin boxes last
    (weasyprint.layout.layout_document, pinned to 70.x in pyproject.toml): the content never
    depends on the printed numbers, so a run is laid out before the runs in front of it have
    counted their pages, and only its page numbers wait for them.
    """
    import_weasyprint()
    from weasyprint import layout

    if getattr(layout.make_margin_boxes, "publisher_hook", False):
        return
    original = layout.make_margin_boxes

    def make_margin_boxes(context, page, state):
        if _CURRENT:
            if _CURRENT[1] is None:
                _CURRENT[1] = _run_offset(_CURRENT[0], len(context.page_maker) - 1)
            offset = _CURRENT[1]
            if offset and "page" in state[1]:
                counters = dict(state[1])
                counters["page"] = [value + offset for value in counters["page"]]
                state = [state[0], counters, *state[2:]]
        return original(context, page, state)

    make_margin_boxes.publisher_hook = True
    layout.make_margin_boxes = make_margin_boxes


def _install_font_hook() -> None:
    """Note, for each font a run subsets, the file it came from and how it was cut.

    The runs' subsets of one face become one font program when the runs are joined
    (render.pdfpost, through render.fonts.pdf_subset); only plain TrueType fonts, cut
    to the glyphs they show, qualify: not variable, colour or bitmap fonts, and not a font
    with missing characters (WeasyPrint numbers those glyphs differently in each run).
    """
    import hashlib

    from weasyprint.pdf import fonts

    if getattr(fonts.Font.clean, "publisher_hook", False):
        return
    original = fonts.Font.clean

    def clean(self, to_unicode, hinting):
        plain = (bool(to_unicode) and not self.missing and not self.bitmap and "fvar" not in self.tables
                 and not (self.png or self.svg or self.colr) and self.type == "ttf" and not self.used_in_forms)
        record = {"sha256": hashlib.sha256(self.file_content).hexdigest(), "hinting": bool(hinting),
                  "plain": plain}
        original(self, to_unicode, hinting)
        _FONTS[self.name.decode("ascii", "replace").lstrip("/")] = record

    clean.publisher_hook = True
    fonts.Font.clean = clean


def _count_waiting(step: int) -> None:
    if _WAITING is not None:
        with _WAITING.get_lock():
            _WAITING.value += step


def _run_offset(job: RunJob, laid_out: int) -> int:
    """Publish this run's page count; wait for the runs before it; the counter offset."""
    import time

    count = laid_out - job.dummy - job.run_end - job.padding_template
    if job.body_index is None:  # the front matter counts from i; the contents at the back is told
        return 0 if job.start is None else job.start - 1 - job.dummy
    if _COUNTS is not None:
        _COUNTS[job.body_index] = count
    if job.start is None:
        # A waiting worker uses no processor: the build hands out another run meanwhile.
        _count_waiting(+1)
        try:
            waited = 0.0
            while any(_COUNTS[i] < 0 for i in range(job.body_index)):
                time.sleep(0.005)
                waited += 0.005
                if waited > 3600:
                    raise PublisherError("a run of pages waited an hour for the runs before it")
        finally:
            _count_waiting(-1)
        job.start = 1 + sum(_COUNTS[i] for i in range(job.body_index))
    return job.start - 1 - job.dummy


def render_run(job: RunJob) -> RunOutput:
    """Lay out and write one run (in a worker process); its numbers follow the runs before it."""
    weasyprint = import_weasyprint()

    _install_numbering_hook()
    _install_font_hook()
    _FONTS.clear()
    fetcher = _BookFetcher({url: Path(path) for url, path in job.allowed.items()})
    captured = _capture_warnings()
    _CURRENT[:] = [job, None]
    try:
        document = weasyprint.HTML(string=job.html, base_url=job.base, url_fetcher=fetcher).render()
        if _CURRENT[1] is None:  # no margin box was made at all: numbers still have to be published
            _run_offset(job, len(document.pages))
        pages = document.pages
        if job.dummy:
            del pages[0]
        if job.run_end:
            del pages[-1]
        anchors: dict[str, int] = {}
        for index, page in enumerate(pages):
            for name in page.anchors:
                anchors.setdefault(name, index)
        levels = [level for page in pages for level, *_ in page.bookmarks]
        targets = {target for page in pages for kind, target, *_ in page.links if kind == "internal"}
        fake = sorted(targets - set(anchors))
        for name in fake:  # kept as named destinations; the join points them at the right run
            pages[0].anchors[name] = (0, 0, 0, 0)
        raw = io.BytesIO()
        document.write_pdf(raw, **job.options)
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        _CURRENT[:] = []
        logging.getLogger("weasyprint").removeHandler(captured)
    count = len(pages) - job.padding_template
    return RunOutput(raw.getvalue(), count, job.start, anchors, fake, job.padding_template,
                     fetcher.refused, captured.messages, levels, dict(_FONTS))


def write_options(config, profile: OutputProfile) -> dict:
    """The write_pdf options of a profile (PDF variant, identifier)."""
    identifier = config.isbn or config.identifier or config.slug
    options: dict = {"pdf_identifier": identifier.encode(), "pdf_tags": profile.tagged}
    if profile.pdf_variant:
        options["pdf_variant"] = profile.pdf_variant
        if profile.pdf_variant.startswith("pdf/x") and not profile.icc_profile:
            options["output_intent"] = "srgb"  # RGB exchange: a PDF/X must name its output condition
    else:
        options["pdf_version"] = "1.7"
    return options
