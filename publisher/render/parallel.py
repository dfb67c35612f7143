"""Lay the print PDF out in runs of pages in parallel processes, and keep finished runs in a cache.

A run is a stretch of the body that starts on a new page: the front matter; each part
(``break-before: right``, so it opens on a right-hand page whatever came before it); and,
inside a part past RUN_WEIGHT, the articles after a cut (each article starts a new page,
on the side the page counts of the runs before it decide). A run's page contents do not
depend on its page numbers: it is laid out as soon as its side is known, and only its
margin boxes wait for the page counts of the runs in front of it (render.pdf's numbering
hook). The contents at the back (``toc = "back"``) is laid out last, with its numbers
written out from the runs' anchors, on the side of the page where it falls. render.pdfpost
joins the runs into one book: the same pages, numbers, running heads, contents, outline
and named destinations as one pass over the whole HTML, one font program per face
(tests/render/test_parallel.py).

Finished runs are cached by content (their HTML, files, options and first page number),
so a rebuild lays out only the runs whose text changed, and those whose numbers moved;
the joined book is cached under the keys of its runs.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..cache import Store, digest, file_stamp
from ..config import OutputProfile
from ..errors import PublisherError
from ..workers import Workers, cpus
from ..model import html_to_text
from .html import Document, RenderedBook
from .pdf import PdfResult, RunJob, RunOutput, book_html, body_start, init_worker, render_run
from .pdfpost import Finish, RunPdf, join_runs, write_bytes

# Below this much HTML (about 10 pages) one pass is as fast as starting processes and joining.
# Measured on 2 cores: a 48-page book took 1.3 s in runs against 1.8 s in one pass.
MIN_PARALLEL_HTML = 30_000
_TOC_HREF = re.compile(r'<li class="toc-entry[^"]*"><a href="[^"#]*#([^"]+)"')
_TITLE = re.compile(r'<(h\d)[^>]*class="(article-title|toc-title)"[^>]*>(.*?)</\1>', re.DOTALL)
_BOOKTITLE = re.compile(r'<(\w+)[^>]*class="tp-title"[^>]*>(.*?)</\1>', re.DOTALL)
_CODE = digest(*(Path(__file__).with_name(n).read_bytes() for n in ("pdf.py", "pdfpost.py", "parallel.py", "footnotes.py", "refill.py")))


# A part is cut into runs at article boundaries once a run weighs this much (about 45 pages:
# thousands of characters of HTML, each image counting one more): a rebuild after one changed
# article lays out only its run, and the cores share the work more evenly. Measured on
# 2 cores with the 300-article benchmark book (bench/README.md).
RUN_WEIGHT = 64


@dataclass
class Run:
    kind: str  # front, body, tail
    documents: list[Document]
    right: bool = True  # opens on a right-hand page whatever comes before (a part, the body's start)
    weight: int = 0


@dataclass
class RunStats:
    rendered: list[int] = field(default_factory=list)  # indexes of the runs laid out in this build
    cached: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)  # runs laid out after a page to drop (start on the left)
    joined_from_cache: bool = False  # the whole joined book came from the cache


def _weight(doc: Document) -> int:
    # Whole thousands of characters: an edit of a few words almost never moves a boundary.
    return len(doc.body) // 1000 + doc.body.count("<img")


def plan_runs(rendered: RenderedBook, weight: int | None = None) -> list[Run] | None:
    """Front matter, body runs (cut at part openers and, past ``weight``, between articles),
    the contents at the back; None: one pass only.

    The cut depends on the documents alone (not on the machine), so every machine joins the
    same runs into the same bytes.
    """
    limit = RUN_WEIGHT if weight is None else weight
    documents = rendered.documents
    start = body_start(rendered)
    if start is None:
        return None
    first = next(i for i, d in enumerate(documents) if d.id == start)
    runs = [Run("front", documents[:first])] if first else []
    body = documents[first:]
    tail: list[Document] = []
    toc = next((i for i, d in enumerate(body) if d.kind == "toc"), None)
    if toc is not None:
        body, tail = body[:toc], body[toc:]
    for doc in body:
        current = runs[-1] if runs and runs[-1].kind == "body" else None
        if current is None or doc.kind == "part":
            runs.append(Run("body", [doc], right=True, weight=_weight(doc)))
        elif current.weight >= limit:  # every document starts a new page: a run may start here
            runs.append(Run("body", [doc], right=False, weight=_weight(doc)))
        else:
            current.documents.append(doc)
            current.weight += _weight(doc)
    if tail:
        runs.append(Run("tail", tail))
    if sum(r.kind == "body" for r in runs) < 2 or not runs[0].documents:
        return None
    return runs


def worth_parallel(rendered: RenderedBook, profile: OutputProfile) -> bool:
    """Whether the book is laid out in runs: an untagged profile and a book large enough.

    Not the number of CPUs: one CPU lays the same runs out one after the other, so every
    machine makes the same bytes, and rebuilds reuse runs there too.
    """
    if profile.tagged or plan_runs(rendered) is None:
        return False  # a tagged PDF has one structure tree: joining runs would break it
    return sum(len(d.body) for d in rendered.documents) >= MIN_PARALLEL_HTML


def ends_with_drop(runs: list[Run], number: int) -> bool:
    """Whether the run ends with a page that only forces the blank before the next run (dropped):
    the front matter, and a body run followed by a part."""
    following = runs[number + 1] if number + 1 < len(runs) else None
    return runs[number].kind == "front" or (runs[number].kind == "body" and following is not None
                                            and following.kind == "body" and following.right)


def _text(html: str) -> str:
    return " ".join(html_to_text(html).split())


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


class _Planner:
    """Builds each run's HTML: strings the run inherits, its extra pages, literal contents numbers."""

    def __init__(self, rendered: RenderedBook, profile: OutputProfile, runs: list[Run]):
        self.rendered, self.profile, self.runs = rendered, profile, runs
        titlepage = next((d for d in rendered.documents if d.kind == "titlepage"), None)
        found = _BOOKTITLE.search(titlepage.body) if titlepage else None
        self.booktitle = _text(found.group(2)) if found else ""
        # The running head each run inherits: the last title before it.
        self.chapters: list[str] = []
        chapter = ""
        for run in runs:
            self.chapters.append(chapter)
            for doc in run.documents:
                for match in _TITLE.finditer(doc.body):
                    chapter = _text(match.group(3))

    def html(self, number: int, literal: dict[str, str] | None = None, dummy: bool = False) -> str:
        run = self.runs[number]
        last = number == len(self.runs) - 1
        css = "\n/* render.parallel: this run's place in the book */\n.run-end { break-before: right; }\n"
        css += ".run-dummy { page: padding; }\n"
        if run.kind != "front":
            chapter = self.chapters[number]
            # On an element of the run's first page only: a box spanning pages sets its strings
            # on each of them. Out of flow, it changes no layout and no :first-child.
            # The chapter only when the first document has no title of its own: the seed would be
            # the first assignment on the page and win over it.
            strings = f"booktitle {_css_string(self.booktitle)}"
            if not _TITLE.search(run.documents[0].body):
                strings += f", chapter {_css_string(chapter)}"
            css += f".run-seed {{ position: absolute; string-set: {strings}; }}\n"
        for target, text in (literal or {}).items():
            css += (f'.toc-entry a[href="#{target}"]::after {{ content: leader(".") " " '
                    f"{_css_string(text)}; }}\n")
        html = book_html(self.rendered, self.profile, run.documents, css)
        close = html.rindex("</body>")
        if run.kind == "front":
            html = html[:close] + '<div class="bodymatter"><section class="doc run-end"></section></div>\n' + html[close:]
        else:
            first = html.index(f'id="doc-{run.documents[0].id}"')
            first = html.index(">", first) + 1
            html = html[:first] + '<div class="run-seed"></div>' + html[first:]
            close = html.rindex("</body>")
            inner = html.rindex("</div>", 0, close)
            if dummy:
                opening = html.index('<div class="bodymatter">') + len('<div class="bodymatter">')
                html = html[:opening] + '<section class="doc run-dummy"></section>' + html[opening:]
                inner = html.rindex("</div>", 0, html.rindex("</body>"))
            if ends_with_drop(self.runs, number):
                html = html[:inner] + '<section class="doc run-end"></section>' + html[inner:]
        if last:
            close = html.rindex("</body>")
            html = html[:close] + '<div class="padding-page"></div>\n' + html[close:]
        return html


def write_parallel(rendered: RenderedBook, target, profile: OutputProfile, allowed: dict[str, Path],
                   base: str, options: dict, finish: Finish, cache_root: Path | None,
                   workers: int | None = None, stats: RunStats | None = None,
                   weight: int | None = None) -> PdfResult:
    """Render the runs (from the cache when their content and numbers are unchanged) and join them."""
    runs = plan_runs(rendered, weight)
    assert runs is not None
    stats = stats if stats is not None else RunStats()
    # Each run embeds its own subset of each face (a few kB; full fonts would be 350 kB a face).
    files = {url: str(path) for url, path in allowed.items()}
    context = digest(__version__, _CODE, _weasyprint_version(), options, sorted(file_stamp(Path(p)) for p in files.values()))
    schedule = _Schedule(runs, _Planner(rendered, profile, runs), base, files, options, context,
                         Store(cache_root) if cache_root else None, stats)
    workers = max(1, min(workers or cpus(), len(runs)))
    # Up to one more worker a processor waits for the page counts of the runs in front of it,
    # holding its laid-out pages, while the others go on.
    processes = min(2 * workers + 1, len(runs))
    # Started at the first run handed out: a build whose runs all come from the cache starts none.
    with Workers(processes, init_worker, (schedule.counts, schedule.waiting)) as pool:
        schedule.run(pool, workers, processes)
    outputs = schedule.outputs
    # The joined book is a function of its runs and of how they are finished: kept whole too.
    finishing = [finish.trim_mm, finish.bleed_mm, finish.identifier, finish.rgb_to_cmyk is not None]
    joined = digest(context, "joined", [(schedule.keys[i], outputs[i].start) for i in range(len(runs))], finishing)
    store = schedule.store
    meta = store.get_json(joined) if store else None
    data = store.get_bytes(digest(joined, "pdf"), meta.get("sha256")) if meta else None
    if data is not None:
        stats.joined_from_cache = True
        write_bytes(target, data)
        return PdfResult(meta["pages"], meta["refused"], meta["warnings"], meta["front"], meta["padding"])
    buffer = io.BytesIO()
    result = _join(rendered, runs, outputs, buffer, profile, finish, _font_programs(outputs, files))
    write_bytes(target, buffer.getvalue())
    if store:
        sha = store.put_bytes(digest(joined, "pdf"), buffer.getvalue())
        store.put_json(joined, {"pages": result.pages, "refused": result.refused, "warnings": result.warnings,
                                "front": result.front_pages, "padding": result.padding, "sha256": sha})
    return result


class _Schedule:
    """Which runs to lay out, in what order, and which come from the cache.

    A body run that opens on a right-hand page (the body's start, a part) can be laid out at
    once; a run cut between two articles must know on which side it starts, that is the page
    counts of the runs since the last right-hand opener. A worker publishes its run's count
    as soon as the pages are laid out (before drawing them), then waits for the counts of the
    runs in front of it to number its pages. A waiting worker uses no processor, so runs are
    handed out while fewer than one per processor are being worked on (and a process is free),
    the earliest in the book first: the earliest run without a count is then always running or
    next, so a worker never waits for a run that no worker will take.
    """

    def __init__(self, runs, planner, base, files, options, context, store, stats):
        self.runs, self.planner, self.base, self.files, self.options = runs, planner, base, files, options
        self.context, self.store, self.stats = context, store, stats
        self.body = [i for i, r in enumerate(runs) if r.kind == "body"]
        self.slot = {run: k for k, run in enumerate(self.body)}
        self.counts = multiprocessing.Array("i", [-1] * len(self.body), lock=False)
        self.waiting = multiprocessing.Value("i", 0)  # workers waiting in render.pdf._run_offset
        self.outputs: dict[int, RunOutput] = {}
        self.keys: dict[int, str] = {}
        self.meta: dict[int, dict | None] = {}
        self.prepared: dict[int, RunJob] = {}  # ready for a worker
        self.pending_html: dict[int, tuple[str, bool]] = {}  # keyed, waiting for their first number

    # --- where a body run starts ---

    def _dummy(self, number: int) -> bool | None:
        """Whether the run starts on a left-hand page (laid out after a page to drop); None: not known yet."""
        if self.runs[number].right:
            return False
        total = 0
        for k in range(self.slot[number] - 1, -1, -1):
            if self.counts[k] < 0:
                return None
            total += self.counts[k]
            if self.runs[self.body[k]].right:  # which opens on an odd page
                return total % 2 == 1
        return None  # unreachable: the first body run opens on the right

    def _start(self, number: int) -> int | None:
        k = self.slot[number]
        if any(self.counts[i] < 0 for i in range(k)):
            return None
        return 1 + sum(self.counts[i] for i in range(k))

    # --- the cache ---

    def _cached(self, number: int, start: int | None) -> RunOutput | None:
        meta = self.meta.get(number)
        if not meta or meta.get("start") != start or "fonts" not in meta or not self.store:
            return None
        data = self.store.get_bytes(digest(self.keys[number], start), meta.get("sha256"))
        if data is None:
            return None
        return RunOutput(data, meta["pages"], start, meta["anchors"], meta["fake"], meta["padding_template"],
                         meta["refused"], meta["warnings"], meta["levels"], meta["fonts"])

    def _remember(self, number: int, output: RunOutput) -> None:
        if self.store:
            key = self.keys[number]
            sha = self.store.put_bytes(digest(key, output.start), output.pdf)
            self.store.put_json(key, {"pages": output.pages, "start": output.start, "anchors": output.anchors,
                                      "fake": output.fake, "padding_template": output.padding_template,
                                      "refused": output.refused, "warnings": output.warnings,
                                      "levels": output.levels, "fonts": output.fonts, "sha256": sha})

    def _use(self, number: int, output: RunOutput) -> None:
        self.stats.cached.append(number)
        self.outputs[number] = output
        if number in self.slot:
            self.counts[self.slot[number]] = output.pages

    def _prepare(self, number: int, html: str, start: int | None, dummy: bool) -> None:
        self.keys[number] = self.keys.get(number) or digest(self.context, html)
        if number not in self.meta:
            self.meta[number] = self.store.get_json(self.keys[number]) if self.store else None
        hit = self._cached(number, start)
        if hit:
            self._use(number, hit)
            return
        self.prepared[number] = RunJob(html, self.base, self.files, self.options, self.slot.get(number), start,
                                       dummy, ends_with_drop(self.runs, number), number == len(self.runs) - 1)

    def _settle_body(self, number: int) -> bool:
        """Key a body run, take it from the cache or get it ready for a worker; False: not yet possible."""
        if number not in self.keys:
            dummy = self._dummy(number)
            if dummy is None:
                return False
            html = self.planner.html(number, dummy=dummy)
            self.keys[number] = digest(self.context, html)
            self.meta[number] = meta = self.store.get_json(self.keys[number]) if self.store else None
            if meta:  # a run's page count does not depend on its numbers
                self.counts[self.slot[number]] = meta["pages"]
            self.pending_html[number] = (html, dummy)
        start = self._start(number)
        if self.meta.get(number) and start is None:
            return False  # its numbers may still match the cache: wait for the runs before it
        html, dummy = self.pending_html.pop(number)
        self._prepare(number, html, start, dummy)
        return True

    def run(self, pool, workers: int, processes: int) -> None:
        runs, futures = self.runs, {}
        if runs[0].kind == "front" and not any(d.kind == "toc" for d in runs[0].documents):
            self._prepare(0, self.planner.html(0), None, False)
        waiting = list(self.body)

        def hand_out() -> None:
            while self.prepared and len(futures) < processes and len(futures) - self.waiting.value < workers:
                number = min(self.prepared)  # the earliest in the book
                self.stats.rendered.append(number)
                if self.prepared[number].dummy and number in self.slot:
                    self.stats.left.append(number)
                futures[pool.submit(render_run, self.prepared.pop(number))] = number

        def collect(done) -> None:
            for future in done:
                number = futures.pop(future)
                self.outputs[number] = future.result()
                self._remember(number, self.outputs[number])

        while waiting or self.prepared or futures:
            waiting = [n for n in waiting if not self._settle_body(n)]
            hand_out()
            if not futures:
                if waiting and not self.prepared:
                    raise PublisherError("the runs of pages could not be ordered")  # a bug, not the input
                continue
            done, _ = concurrent.futures.wait(list(futures), timeout=0.01,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            collect(done)
        # The runs that print page numbers of others: the contents at the back, or the front matter.
        numbers = _numbers(runs, self.outputs)
        for number, run in enumerate(runs):
            if number in self.outputs:
                continue
            literal = {t: numbers[t] for d in run.documents for t in _TOC_HREF.findall(d.body) if t in numbers}
            start = 1 + sum(self.outputs[i].pages for i in self.body) if run.kind == "tail" else None
            dummy = bool(start and start % 2 == 0)  # an even number is a left-hand page
            html = self.planner.html(number, literal, dummy)
            self.keys[number] = digest(self.context, html, start)
            self._prepare(number, html, start, dummy)
        while self.prepared or futures:
            hand_out()
            done, _ = concurrent.futures.wait(list(futures), return_when=concurrent.futures.FIRST_COMPLETED)
            collect(done)


def _numbers(runs: list[Run], outputs: dict[int, RunOutput]) -> dict[str, str]:
    """Printed page number of every anchor laid out so far: roman in the front matter."""
    numbers: dict[str, str] = {}
    for number, run in enumerate(runs):
        output = outputs.get(number)
        if output is None:
            continue
        for name, index in output.anchors.items():
            if run.kind == "front":
                numbers.setdefault(name, _roman(index + 1))
            elif output.start is not None:
                numbers.setdefault(name, str(output.start + index))
    return numbers


def _font_programs(outputs: dict[int, RunOutput], files: dict[str, str]):
    """For render.pdfpost: one program for a font that every run subset from the same file, the same way."""
    from . import fonts

    by_hash: dict[str, Path] = {}

    def source(sha: str) -> Path | None:
        if not by_hash:
            for path in sorted({Path(p) for p in files.values() if p.lower().endswith((".ttf", ".otf"))}):
                by_hash.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
        return by_hash.get(sha)

    def program(name: str, glyphs: set[int]) -> bytes | None:
        records = [o.fonts[name] for o in outputs.values() if name in o.fonts]
        first = records[0] if records else None
        if not first or any(r != first for r in records) or not first["plain"]:
            return None
        path = source(first["sha256"])
        return fonts.pdf_subset(path, glyphs, first["hinting"]) if path else None

    return program


def _join(rendered, runs, outputs, target, profile, finish: Finish, font_program=None) -> PdfResult:
    front = outputs[0].pages if runs[0].kind == "front" else 0
    total = sum(outputs[i].pages for i in range(len(runs)))
    padding = -total % max(1, profile.signature)
    padding_at = None
    last = rendered.documents[-1] if rendered.documents else None
    if last is not None and last.kind == "imprint":
        offset = sum(outputs[i].pages for i in range(len(runs) - 1))
        index = outputs[len(runs) - 1].anchors.get(f"doc-{last.id}")
        padding_at = offset + index if index is not None else None
    parts = [RunPdf(outputs[i].pdf, tuple(outputs[i].fake), outputs[i].padding_template, tuple(outputs[i].levels))
             for i in range(len(runs))]
    finish = Finish(front, finish.trim_mm, finish.bleed_mm, finish.identifier, finish.rgb_to_cmyk)
    pages = join_runs(parts, padding, padding_at, target, finish, font_program)
    refused = [u for o in outputs.values() for u in o.refused]
    warnings = list(dict.fromkeys(w for o in outputs.values() for w in o.warnings))  # once, not once a run
    return PdfResult(pages, refused, warnings, front, padding)


def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")
