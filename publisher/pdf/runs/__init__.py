"""Lay the print PDF out in runs of pages in parallel processes, and keep finished runs in a cache.

plan cuts the book into runs and writes each run's HTML; schedule hands the runs to worker
processes (worker lays one out) in an order that never leaves a worker waiting for a run no
one will take; pdf.join joins them into one book: the same pages, numbers, running heads,
contents, outline and named destinations as one pass over the whole HTML, one font program
per face (tests/render/test_parallel.py).

A run's page contents do not depend on its page numbers: it is laid out as soon as its side
is known, and only its margin boxes wait for the page counts of the runs in front of it
(pdf.weasypatch's numbering hook). The contents at the back (``toc = "back"``) is laid out
last, with its numbers written out from the runs' anchors, on the side of the page where it
falls: as soon as every other run is laid out (each worker sends its anchors before it draws
its pages), not once they are drawn.

Finished runs are cached by content (their HTML, files, options and first page number),
so a rebuild lays out only the runs whose text changed, and those whose numbers moved;
the joined book is cached under the keys of its runs.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ... import __version__
from ...cache import Store, digest, file_stamp
from ...config import OutputProfile
from ...render import fontfiles
from ...render.html import RenderedBook
from ...workers import Workers, cpus
from .. import overflow
from ..finish import Finish, write_bytes
from ..join import RunPdf, join_runs
from ..result import PdfResult
from ..onepass import write_one_pass
from ..rosters import check_whole, plan_chunks
from ..weasy import import_weasyprint
from .plan import Planner, RunStats, plan_runs, worth_parallel
from .schedule import Schedule
from .worker import RunOutput, init_worker

__all__ = ["RunStats", "plan_runs", "worth_parallel", "write_runs"]

# The code of the whole pdf package: a finished run is kept only for the code that made it.
_CODE = digest(*(p.read_bytes() for p in sorted(Path(__file__).resolve().parent.parent.rglob("*.py"))))


def write_runs(rendered: RenderedBook, target, profile: OutputProfile, allowed: dict[str, Path],
                   base: str, options: dict, finish: Finish, cache_root: Path | None,
                   workers: int | None = None, stats: RunStats | None = None,
                   weight: int | None = None, split: bool = True, progress=None) -> PdfResult:
    """Render the runs (from the cache when their content and numbers are unchanged) and join them.

    A long roster is laid out in several runs where its page breaks can be predicted
    (pdf.rosters); should a prediction fail (a run of it on the wrong side, or not ending where
    one pass breaks the page), the book is laid out again with each roster in one run (``split``
    False), the other runs from the cache, and the failure is kept: the next build of the same
    stretches lays the roster out in one run at once. ``progress`` (a line of text) is told now and
    then how many pages are laid out."""
    stats = stats if stats is not None else RunStats()
    # Each run embeds its own subset of each face (a few kB; full fonts would be 350 kB a face).
    files = {url: str(path) for url, path in allowed.items()}
    context = digest(__version__, _CODE, _weasyprint_version(), options, sorted(file_stamp(Path(p)) for p in files.values()))
    store = Store(cache_root) if cache_root else None
    chunks = plan_chunks(rendered, profile, cache_root, allowed) if split else None
    failed = digest(context, "rosters failed", [(d, [c.body for c in cs]) for d, cs in sorted(chunks.items())]) \
        if chunks else None
    if failed and store and store.get_json(failed):
        stats.rosters_in_one_run = True
        chunks = None
    runs = plan_runs(rendered, weight, chunks)
    check_whole(rendered, "its page breaks could not be worked out ahead", chunks)
    if runs is None:  # a book of one article whose roster could not be cut after all
        return write_one_pass(rendered, target, profile, allowed, base)
    schedule = Schedule(runs, Planner(rendered, profile, runs), base, files, options, context, store, stats)
    schedule.progress = progress
    processors = max(1, min(workers or cpus(), len(runs)))
    active = processors if workers is not None else at_once(runs, processors)
    # Up to one more worker a processor waits for the page counts of the runs in front of it,
    # holding its laid-out pages, while the others go on.
    processes = min(2 * processors + 1, len(runs))
    # Started at the first run handed out: a build whose runs all come from the cache starts none.
    with Workers(processes, init_worker, (schedule.counts, schedule.waiting, schedule.laid_out),
                 before_fork=import_weasyprint) as pool:
        schedule.run(pool, active, processes)
    wrong = schedule.wrong_sides() if chunks else []
    if wrong:
        stats.rosters_again = True
        if store and failed:
            store.put_json(failed, {"failed": wrong})
        return write_runs(rendered, target, profile, allowed, base, options, finish, cache_root, workers, stats,
                          weight, split=False, progress=progress)
    outputs = schedule.outputs
    # The joined book is a function of its runs and of how they are finished: kept whole too.
    finishing = [finish.trim_mm, finish.bleed_mm, finish.identifier, finish.rgb_to_cmyk is not None]
    joined = digest(context, "joined", [(schedule.keys[i], outputs[i].start) for i in range(len(runs))], finishing)
    meta = store.get_json(joined) if store else None
    data = store.get_bytes(digest(joined, "pdf"), meta.get("sha256")) if meta else None
    if data is not None:
        stats.joined_from_cache = True
        write_bytes(target, data)
        return PdfResult(meta["pages"], meta["refused"], meta["warnings"], meta["front"], meta["padding"],
                         meta.get("wide", []))
    buffer = io.BytesIO()
    result = _join(rendered, runs, outputs, buffer, profile, finish, _font_programs(outputs, files))
    write_bytes(target, buffer.getvalue())
    if store:
        sha = store.put_bytes(digest(joined, "pdf"), buffer.getvalue())
        store.put_json(joined, {"pages": result.pages, "refused": result.refused, "warnings": result.warnings,
                                "front": result.front_pages, "padding": result.padding, "wide": result.wide,
                                "sha256": sha})
    return result



def at_once(runs: list, processors: int) -> int:
    """How many runs are laid out at a time on ``processors``: one more than the processors when
    no body run waits for the page count of another (each opens a part on a right-hand page) and
    they do not share evenly among the processors (three parts on two).

    One run a processor would leave the last part laid out alone, the other processors idle and
    the contents waiting for it; three parts at once on two processors end together. Runs that
    wait for others are laid out one a processor: sharing one would hold up those waiting for them.
    """
    body = [run for run in runs if run.kind == "body"]
    if processors > 1 and body and all(run.right for run in body) and len(body) % processors:
        return min(processors + 1, len(runs))
    return processors


def _font_programs(outputs: dict[int, RunOutput], files: dict[str, str]):
    """For pdf.join: one program for a font that every run subset from the same file, the same way."""
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
        return fontfiles.pdf_subset(path, glyphs, first["hinting"]) if path else None

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
    return PdfResult(pages, refused, warnings, front, padding, overflow.merge(*(o.wide for o in outputs.values())))


def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")
