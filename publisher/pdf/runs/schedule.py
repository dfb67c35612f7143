"""Which runs to lay out, in what order, and which come from the cache (see ``Schedule``)."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import time

from ...cache import digest
from ...errors import PublisherError
from .. import contract
from .plan import Run, ends_with_drop, roman
from .worker import RunJob, RunOutput, render_run

PROGRESS_EVERY = 10.0  # seconds between two lines of progress (a long book's layout takes minutes)


class Schedule:
    """Which runs to lay out, in what order, and which come from the cache.

    A body run that opens on a right-hand page (the body's start, a part) can be laid out at
    once; a run cut between two articles must know on which side it starts, that is the page
    counts of the runs since the last right-hand opener. A worker publishes its run's count
    as soon as the pages are laid out (before drawing them), then waits for the counts of the
    runs in front of it to number its pages. A waiting worker uses no processor, so runs are
    handed out while fewer than ``active`` (one a processor, or one more: pdf.runs.at_once) are
    being worked on (and a process is free), the earliest in the book first: the earliest run
    without a count is then always running or next, so a worker never waits for a run that no
    worker will take.
    """

    def __init__(self, runs, planner, base, files, options, context, store, stats):
        self.runs, self.planner, self.base, self.files, self.options = runs, planner, base, files, options
        self.context, self.store, self.stats = context, store, stats
        self.body = [i for i, r in enumerate(runs) if r.kind == "body"]
        self.slot = {run: k for k, run in enumerate(self.body)}
        self.counts = multiprocessing.Array("i", [-1] * len(self.body), lock=False)
        self.waiting = multiprocessing.Value("i", 0)  # workers waiting in worker.run_offset
        self.laid_out = multiprocessing.SimpleQueue()  # worker.Shared.laid_out
        self.early: dict[int, tuple[int | None, dict[str, int]]] = {}  # run -> (start, anchors), not yet drawn
        self.outputs: dict[int, RunOutput] = {}
        self.progress = None  # told, now and then, how many pages are laid out (a line for the editor)
        self.keys: dict[int, str] = {}
        self.meta: dict[int, dict | None] = {}
        self.prepared: dict[int, RunJob] = {}  # ready for a worker
        self.pending_html: dict[int, tuple[str, int]] = {}  # keyed, waiting for their first number
        self.used_dummy: dict[int, int] = {}  # the pages dropped before each run, as laid out

    # --- where a body run starts ---

    def _dummy(self, number: int, predicted: bool = True) -> int | None:
        """The pages laid out before the run and dropped (None: not known yet): one when it starts on
        a left-hand page; a stretch of a roster has its running heads seeded on one, and one more
        when it starts on a right-hand page. A roster's stretches take the page counts of the
        stretches in front of them as predicted (``predicted``): their sides are checked once
        every count is known (``wrong_sides``)."""
        run = self.runs[number]
        if run.right:
            return 0
        total = 0
        for k in range(self.slot[number] - 1, -1, -1):
            before = self.runs[self.body[k]]
            count = self.counts[k]
            if count < 0 and predicted and before.predicted is not None:
                count = before.predicted
            if count < 0:
                return None
            total += count
            if before.right:  # which opens on an odd page
                left = total % 2 == 1
                return (1 if left else 2) if run.continued else int(left)
        return None  # unreachable: the first body run opens on the right

    def wrong_sides(self) -> list[int]:
        """The stretches of rosters laid out on the wrong side, or whose last page did not open
        with the row after them (a prediction that failed: the book is laid out again without)."""
        wrong = []
        for number, run in enumerate(self.runs):
            if run.sentinel is None and not run.continued:
                continue
            output = self.outputs.get(number)
            if output is None or not output.cut_ok or self.used_dummy.get(number) != self._dummy(number, predicted=False):
                wrong.append(number)
        return wrong

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
                         meta["refused"], meta["warnings"], meta["levels"], meta["fonts"], wide=meta.get("wide", []))

    def _remember(self, number: int, output: RunOutput) -> None:
        if self.store and output.cut_ok:
            key = self.keys[number]
            sha = self.store.put_bytes(digest(key, output.start), output.pdf)
            self.store.put_json(key, {"pages": output.pages, "start": output.start, "anchors": output.anchors,
                                      "fake": output.fake, "padding_template": output.padding_template,
                                      "refused": output.refused, "warnings": output.warnings,
                                      "levels": output.levels, "fonts": output.fonts, "wide": output.wide,
                                      "sha256": sha})

    def _use(self, number: int, output: RunOutput) -> None:
        self.stats.cached.append(number)
        self.outputs[number] = output
        if number in self.slot:
            self.counts[self.slot[number]] = output.pages

    def _prepare(self, number: int, html: str, start: int | None, dummy: int) -> None:
        self.used_dummy[number] = dummy
        self.keys[number] = self.keys.get(number) or digest(self.context, html)
        if number not in self.meta:
            self.meta[number] = self.store.get_json(self.keys[number]) if self.store else None
        hit = self._cached(number, start)
        if hit:
            self._use(number, hit)
            return
        self.prepared[number] = RunJob(html, self.base, self.files, self.options, self.slot.get(number), start,
                                       dummy, ends_with_drop(self.runs, number), number == len(self.runs) - 1,
                                       self.runs[number].sentinel, number)

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

    def run(self, pool, active: int, processes: int) -> None:
        """Lay out every run not taken from the cache (``outputs``), ``active`` at a time, in
        ``processes`` worker processes (those waiting for page counts do not count as active)."""
        try:
            self._run(pool, active, processes)
        finally:  # a run that fails must not leave the queue's pipes open
            self.laid_out.close()

    def _run(self, pool, active: int, processes: int) -> None:
        runs, futures = self.runs, {}
        reported = time.monotonic()
        if runs[0].kind == "front" and not any(d.kind == "toc" for d in runs[0].documents):
            self._prepare(0, self.planner.html(0), None, False)
        waiting = list(self.body)

        def hand_out() -> None:
            while self.prepared and len(futures) < processes and len(futures) - self.waiting.value < active:
                number = min(self.prepared)  # the earliest in the book
                self.stats.rendered.append(number)
                if self.prepared[number].dummy and number in self.slot:
                    self.stats.left.append(number)
                futures[pool.submit(render_run, self.prepared.pop(number))] = number

        def collect(done) -> None:
            nonlocal reported
            for future in done:
                number = futures.pop(future)
                self.outputs[number] = future.result()
                self._remember(number, self.outputs[number])
            if done and self.progress and time.monotonic() - reported >= PROGRESS_EVERY:
                reported = time.monotonic()
                pages = sum(output.pages for output in self.outputs.values())
                self.progress(f"{pages:,} pages laid out ({len(self.outputs)} of {len(runs)} runs)")
            while not self.laid_out.empty():  # also keeps a worker from waiting on a full pipe
                number, start, anchors = self.laid_out.get()
                self.early[number] = (start, anchors)

        def all_laid_out() -> bool:
            """Whether the runs still out have all been laid out (they are being drawn)."""
            return all(n in self.early for n in futures.values())

        while waiting or self.prepared or (futures and not all_laid_out()):
            waiting = [n for n in waiting if not self._settle_body(n)]
            hand_out()
            if not futures:
                if waiting and not self.prepared:
                    raise PublisherError("the runs of pages could not be ordered")  # a bug, not the input
                continue
            done, _ = concurrent.futures.wait(list(futures), timeout=0.01,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            collect(done)
        # The runs that print page numbers of others: the contents at the back, or the front
        # matter. Their numbers are known once the other runs are laid out, while they are drawn.
        numbers = _numbers(runs, self.outputs, self.early)
        for number, run in enumerate(runs):
            if number in self.outputs or number in futures.values():
                continue
            literal = {t: numbers[t] for d in run.documents for t in contract.toc_targets(d.body) if t in numbers}
            start = 1 + sum(self.counts[self.slot[i]] for i in self.body) if run.kind == "tail" else None
            dummy = int(bool(start and start % 2 == 0))  # an even number is a left-hand page
            html = self.planner.html(number, literal, dummy)
            self.keys[number] = digest(self.context, html, start)
            self._prepare(number, html, start, dummy)
        while self.prepared or futures:
            hand_out()
            done, _ = concurrent.futures.wait(list(futures), timeout=0.05,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            collect(done)


def _numbers(runs: list[Run], outputs: dict[int, RunOutput],
             early: dict[int, tuple[int | None, dict[str, int]]]) -> dict[str, str]:
    """Printed page number of every anchor laid out so far: roman in the front matter."""
    numbers: dict[str, str] = {}
    for number, run in enumerate(runs):
        output = outputs.get(number)
        start, anchors = (output.start, output.anchors) if output is not None else early.get(number, (None, {}))
        for name, index in anchors.items():
            if run.kind == "front":
                numbers.setdefault(name, roman(index + 1))
            elif start is not None:
                numbers.setdefault(name, str(start + index))
    return numbers
