"""Lay the print PDF out in runs of pages in parallel processes, and keep finished runs in a cache.

A run is a stretch of the book that starts on a right-hand page whatever came before it:
the front matter, and each part (``break-before: right``) of the body. A run's page
contents do not depend on its page numbers, so every run is laid out at once; only its
margin boxes wait for the page counts of the runs in front of it (render.pdf's numbering
hook). The contents at the back (``toc = "back"``) is laid out last, with its numbers
written out from the runs' anchors, on the side of the page where it falls. render.pdfpost
joins the runs into one book: the same pages, numbers, running heads, contents, outline
and named destinations as one pass over the whole HTML (tests/render/test_parallel.py).

Finished runs are cached by content (their HTML, files, options and first page number),
so a rebuild lays out only the runs whose text changed, and those whose numbers moved.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..cache import Store, digest, file_stamp
from ..config import OutputProfile
from ..model import html_to_text
from .html import Document, RenderedBook
from .pdf import FRONT_KINDS, PdfResult, RunJob, RunOutput, book_html, body_start, init_worker, render_run
from .pdfpost import Finish, RunPdf, join_runs

# Below this much HTML (about 10 pages) one pass is as fast as starting processes and joining.
# Measured on 2 cores: a 48-page book took 1.3 s in runs against 1.8 s in one pass.
MIN_PARALLEL_HTML = 30_000
_TOC_HREF = re.compile(r'<li class="toc-entry[^"]*"><a href="[^"#]*#([^"]+)"')
_TITLE = re.compile(r'<(h\d)[^>]*class="(article-title|toc-title)"[^>]*>(.*?)</\1>', re.DOTALL)
_BOOKTITLE = re.compile(r'<(\w+)[^>]*class="tp-title"[^>]*>(.*?)</\1>', re.DOTALL)
_CODE = digest(*(Path(__file__).with_name(n).read_bytes() for n in ("pdf.py", "pdfpost.py", "parallel.py")))


@dataclass
class Run:
    kind: str  # front, body, tail
    documents: list[Document]


@dataclass
class RunStats:
    rendered: list[int] = field(default_factory=list)  # indexes of the runs laid out in this build
    cached: list[int] = field(default_factory=list)


def plan_runs(rendered: RenderedBook) -> list[Run] | None:
    """Front matter, body runs split at part openers, the contents at the back; None: one pass only."""
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
        if not runs or runs[-1].kind != "body" or doc.kind == "part":
            runs.append(Run("body", [doc]))
        else:
            runs[-1].documents.append(doc)
    if tail:
        runs.append(Run("tail", tail))
    if sum(r.kind == "body" for r in runs) < 2 or not runs[0].documents:
        return None
    return runs


def worth_parallel(rendered: RenderedBook, profile: OutputProfile, workers: int) -> bool:
    """Whether the runs pay: more than one CPU, an untagged profile and a book large enough."""
    if workers < 2 or profile.tagged or plan_runs(rendered) is None:
        return False  # a tagged PDF has one structure tree: joining runs would break it
    return sum(len(d.body) for d in rendered.documents) >= MIN_PARALLEL_HTML


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

    def html(self, number: int, literal: dict[str, str] | None = None, dummy: bool = False) -> str:
        run = self.runs[number]
        last = number == len(self.runs) - 1
        css = "\n/* render.parallel: this run's place in the book */\n.run-end { break-before: right; }\n"
        css += ".run-dummy { page: padding; }\n"
        if run.kind != "front":
            before = [d for r in self.runs[:number] for d in r.documents]
            chapter = ""
            for doc in before:
                for match in _TITLE.finditer(doc.body):
                    chapter = _text(match.group(3))
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
            if not last and self.runs[number + 1].kind == "body":
                html = html[:inner] + '<section class="doc run-end"></section>' + html[inner:]
        if last:
            close = html.rindex("</body>")
            html = html[:close] + '<div class="padding-page"></div>\n' + html[close:]
        return html


def write_parallel(rendered: RenderedBook, target, profile: OutputProfile, allowed: dict[str, Path],
                   base: str, options: dict, finish: Finish, cache_root: Path | None,
                   workers: int | None = None, stats: RunStats | None = None) -> PdfResult:
    """Render the runs (from the cache when their content and numbers are unchanged) and join them."""
    runs = plan_runs(rendered)
    assert runs is not None
    stats = stats if stats is not None else RunStats()
    planner = _Planner(rendered, profile, runs)
    # Each run embeds its own subset of each face (a few kB; full fonts would be 350 kB a face).
    files = {url: str(path) for url, path in allowed.items()}
    context = digest(__version__, _CODE, _weasyprint_version(), options, sorted(file_stamp(Path(p)) for p in files.values()))
    store = Store(cache_root) if cache_root else None
    body = [i for i, r in enumerate(runs) if r.kind == "body"]
    slot = {run: k for k, run in enumerate(body)}
    counts = multiprocessing.Array("i", [-1] * len(body), lock=False)
    outputs: dict[int, RunOutput] = {}
    futures: dict = {}
    workers = max(1, min(workers or os.cpu_count() or 1, len(runs)))

    def job(number: int, html: str, start: int | None, dummy: bool = False) -> RunJob:
        run = runs[number]
        # As _Planner.html: the front matter and a part followed by a part end with a page to drop.
        run_end = run.kind == "front" or (run.kind == "body" and number + 1 < len(runs)
                                          and runs[number + 1].kind == "body")
        return RunJob(html, base, files, options, slot.get(number), start, dummy, run_end,
                      number == len(runs) - 1)

    def cached(key: str, start: int | None) -> RunOutput | None:
        meta = store.get_json(key) if store else None
        if not meta or meta.get("start") != start:
            return None
        data = store.get_bytes(digest(key, start), meta.get("sha256"))
        if data is None:
            return None
        return RunOutput(data, meta["pages"], start, meta["anchors"], meta["fake"], meta["padding_template"])

    def remember(key: str, output: RunOutput) -> None:
        if store:
            sha = store.put_bytes(digest(key, output.start), output.pdf)
            store.put_json(key, {"pages": output.pages, "start": output.start, "anchors": output.anchors,
                                 "fake": output.fake, "padding_template": output.padding_template, "sha256": sha})

    keys: dict[int, str] = {}
    with _pool(workers, counts) as pool:
        def submit(number: int, html: str, start: int | None, dummy: bool = False) -> None:
            stats.rendered.append(number)
            futures[pool.submit(render_run, job(number, html, start, dummy))] = number

        def use(number: int, output: RunOutput) -> None:
            stats.cached.append(number)
            outputs[number] = output
            if number in slot:
                counts[slot[number]] = output.pages

        if runs[0].kind == "front" and not any(d.kind == "toc" for d in runs[0].documents):
            html = planner.html(0)
            keys[0] = digest(context, html)
            hit = cached(keys[0], None)
            use(0, hit) if hit else submit(0, html, None)
        pending = list(body)
        while pending or futures:
            while pending:
                number = pending[0]
                k = slot[number]
                start = 1 + sum(counts[i] for i in range(k)) if all(counts[i] >= 0 for i in range(k)) else None
                if number not in keys:
                    keys[number] = digest(context, planner.html(number))
                meta = store.get_json(keys[number]) if store else None
                if meta and start is None:
                    counts[k] = meta["pages"]  # a run's page count does not depend on its numbers
                    break  # its numbers may still match the cache: wait for the runs before it
                hit = cached(keys[number], start) if start is not None else None
                if hit:
                    use(number, hit)
                else:
                    if meta:
                        counts[k] = meta["pages"]
                    submit(number, planner.html(number), start)
                pending.pop(0)
            done, _ = concurrent.futures.wait(list(futures), timeout=0.01,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                number = futures.pop(future)
                outputs[number] = future.result()
                remember(keys[number], outputs[number])
            if pending and not done and not futures:
                time.sleep(0.005)
        # The runs that print page numbers of others: the contents at the back, or the front matter.
        numbers = _numbers(runs, outputs, body)
        for number, run in enumerate(runs):
            if number in outputs:
                continue
            literal = {t: numbers[t] for d in run.documents for t in _TOC_HREF.findall(d.body) if t in numbers}
            start = 1 + sum(outputs[i].pages for i in body) if run.kind == "tail" else None
            dummy = bool(start and start % 2 == 0)  # an even number is a left-hand page
            html = planner.html(number, literal, dummy)
            keys[number] = digest(context, html, start)
            hit = cached(keys[number], start)
            if hit:
                use(number, hit)
            else:
                submit(number, html, start, dummy)
        for future in concurrent.futures.as_completed(list(futures)):
            number = futures.pop(future)
            outputs[number] = future.result()
            remember(keys[number], outputs[number])
    return _join(rendered, runs, outputs, target, profile, finish)


@contextlib.contextmanager
def _pool(workers: int, counts):
    """A process pool whose workers leave Ctrl-C to the build, and are stopped when it stops."""
    pool = concurrent.futures.ProcessPoolExecutor(workers, initializer=init_worker, initargs=(counts,))
    # The workers are forked at the first submit: a signal arriving during a fork is lost in
    # the fork handlers, so it waits until they are all started (then interrupts the build).
    mask = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, mask)
        try:
            pool.submit(os.getpid)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a signal that came is raised here
        yield pool
    except BaseException:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()  # a run may take a minute: do not wait for it
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _numbers(runs: list[Run], outputs: dict[int, RunOutput], body: list[int]) -> dict[str, str]:
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


def _join(rendered, runs, outputs, target, profile, finish: Finish) -> PdfResult:
    front = outputs[0].pages if runs[0].kind == "front" else 0
    total = sum(outputs[i].pages for i in range(len(runs)))
    padding = -total % max(1, profile.signature)
    padding_at = None
    last = rendered.documents[-1] if rendered.documents else None
    if last is not None and last.kind == "imprint":
        offset = sum(outputs[i].pages for i in range(len(runs) - 1))
        index = outputs[len(runs) - 1].anchors.get(f"doc-{last.id}")
        padding_at = offset + index if index is not None else None
    parts = [RunPdf(outputs[i].pdf, tuple(outputs[i].fake), outputs[i].padding_template) for i in range(len(runs))]
    finish = Finish(front, finish.trim_mm, finish.bleed_mm, finish.identifier, finish.rgb_to_cmyk)
    pages = join_runs(parts, padding, padding_at, target, finish)
    refused = [u for o in outputs.values() for u in o.refused]
    warnings = list(dict.fromkeys(w for o in outputs.values() for w in o.warnings))  # once, not once a run
    return PdfResult(pages, refused, warnings, front, padding)


def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")
