"""Lay out one run of pages in a worker process; its page numbers follow the runs before it.

A worker process holds one ``Shared`` (set by ``init_worker``, the pool's initialiser): the
page counts of the body runs, shared by every process, and the number of workers waiting
for them. While a run is laid out, pdf.weasypatch's hooks point at that run's ``_Numbering``
and font record (and at nothing otherwise).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import PublisherError
from .. import refill, weasypatch
from ..overflow import wide_tables
from ..rosters import marked_rows
from ..weasy import BookFetcher, capture_warnings, import_weasyprint, release


@dataclass
class RunJob:
    """One run of documents to lay out on its own: the HTML and how to number its pages."""

    html: str
    base: str
    allowed: dict[str, str]  # URL -> file the run may load
    options: dict  # write_pdf options
    body_index: int | None = None  # slot in the shared page counts; None for the front matter
    start: int | None = None  # printed number of its first page; None: wait for the runs before it
    dummy: int = 0  # pages laid out first only to put the run on its side (and seed its heads): dropped
    run_end: bool = False  # the last page only forces the blank before the next run: dropped
    padding_template: bool = False  # the last page is a blank padding page, kept apart
    sentinel: int | None = None  # a roster's row that must open the last page alone (then dropped)
    number: int | None = None  # the run's place in the book (Shared.laid_out)


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
    fonts: dict[str, dict] = field(default_factory=dict)  # PDF font name -> what it was subset from
    cut_ok: bool = True  # a roster's stretch ended where one pass breaks the page (RunJob.sentinel)
    wide: list[dict] = field(default_factory=list)  # tables wider than the text block (pdf.overflow)


@dataclass
class Shared:
    """What the processes of one build share."""

    counts: object = None  # multiprocessing.Array of page counts, one per body run (-1: not laid out yet)
    waiting: object = None  # multiprocessing.Value: workers waiting for the counts of the runs before theirs
    # multiprocessing.SimpleQueue: (run number, first page number, anchors) of each run as soon as
    # its pages are laid out, before they are drawn: the contents can be laid out meanwhile.
    laid_out: object = None

    def publish(self, job: RunJob, anchors: dict[str, int]) -> None:
        if self.laid_out is not None and job.number is not None:
            self.laid_out.put((job.number, job.start, anchors))

    def count_waiting(self, step: int) -> None:
        if self.waiting is not None:
            with self.waiting.get_lock():
                self.waiting.value += step


_SHARED = Shared()  # this process's; a pool's initialiser sets it once per worker


def init_worker(counts, waiting=None, laid_out=None) -> None:
    """Pool initialiser (publisher.workers): share the page counts, the number of waiting
    workers and the queue of laid-out runs; import WeasyPrint and install the hooks once per process."""
    _SHARED.counts, _SHARED.waiting, _SHARED.laid_out = counts, waiting, laid_out
    weasypatch.install()


class _Numbering:
    """The page offset of the run being laid out, known once its pages are counted."""

    def __init__(self, job: RunJob, shared: Shared):
        self.job, self.shared, self.offset = job, shared, None

    def __call__(self, laid_out: int) -> int:
        if self.offset is None:
            self.offset = run_offset(self.job, laid_out, self.shared)
        return self.offset


def run_offset(job: RunJob, laid_out: int, shared: Shared) -> int:
    """Publish this run's page count; wait for the runs before it; the counter offset."""
    counts = shared.counts
    count = laid_out - job.dummy - job.run_end - job.padding_template - (job.sentinel is not None)
    if job.body_index is None:  # the front matter counts from i; the contents at the back is told
        return 0 if job.start is None else job.start - 1 - job.dummy
    if counts is not None:
        counts[job.body_index] = count
    if job.start is None:
        # A waiting worker uses no processor: the build hands out another run meanwhile.
        shared.count_waiting(+1)
        try:
            waited = 0.0
            while any(counts[i] < 0 for i in range(job.body_index)):
                time.sleep(0.005)
                waited += 0.005
                if waited > 3600:
                    raise PublisherError("a run of pages waited an hour for the runs before it")
        finally:
            shared.count_waiting(-1)
        job.start = 1 + sum(counts[i] for i in range(job.body_index))
    return job.start - 1 - job.dummy


def render_run(job: RunJob) -> RunOutput:
    """Lay out and write one run (in a worker process); its numbers follow the runs before it."""
    weasyprint = import_weasyprint()
    weasypatch.install()
    numbering = _Numbering(job, _SHARED)
    fonts: dict[str, dict] = {}
    fetcher = BookFetcher({url: Path(path) for url, path in job.allowed.items()})
    captured = capture_warnings()
    weasypatch.HOOKS.page_offset, weasypatch.HOOKS.font_subset = numbering, fonts.__setitem__
    try:
        document = refill.render(weasyprint, job.html, base_url=job.base, url_fetcher=fetcher)
        if numbering.offset is None:  # no margin box was made at all: numbers still have to be published
            run_offset(job, len(document.pages), _SHARED)
        pages = document.pages
        del pages[:job.dummy]
        cut_ok = True
        if job.sentinel is not None:
            cut_ok = bool(pages) and [row for row, _ in marked_rows(pages[-1]._page_box)] == [job.sentinel]
            del pages[-1]
        if job.run_end:
            del pages[-1]
        wide = wide_tables(pages)
        anchors: dict[str, int] = {}
        for index, page in enumerate(pages):
            for name in page.anchors:
                anchors.setdefault(name, index)
        levels = [level for page in pages for level, *_ in page.bookmarks]
        targets = {target for page in pages for kind, target, *_ in page.links if kind == "internal"}
        fake = sorted(targets - set(anchors))
        _SHARED.publish(job, dict(anchors))
        for name in fake:  # kept as named destinations; the join points them at the right run
            pages[0].anchors[name] = (0, 0, 0, 0)
        raw = io.BytesIO()
        document.write_pdf(raw, **job.options)
    except OSError as exc:
        raise PublisherError(f"could not write the PDF: {exc}") from exc
    finally:
        weasypatch.HOOKS.page_offset = weasypatch.HOOKS.font_subset = None
        release(captured)
    count = len(pages) - job.padding_template
    return RunOutput(raw.getvalue(), count, job.start, anchors, fake, job.padding_template,
                     fetcher.refused, captured.messages, levels, fonts, cut_ok, wide)
