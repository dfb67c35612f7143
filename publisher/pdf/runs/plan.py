"""Plan the runs of pages: where the book is cut, and each run's HTML.

A run is a stretch of the body that starts on a new page: the front matter; each part
(``break-before: right``, so it opens on a right-hand page whatever came before it); and,
inside a part past RUN_WEIGHT, the articles after a cut (each article starts a new page,
on the side the page counts of the runs before it decide); and a long roster's stretches of
pages (pdf.rosters: each but the first goes on from the page before, its running heads seeded
on pages dropped before it, and each but the last ends where one pass breaks the page, shown
by the row after it opening a page of its own). Each run's HTML is the book's
(pdf.bookhtml) for its documents, plus what it inherits from the pages before it (the
running heads, read from the HTML by the rules of pdf.contract) and the pages that put it
on the right side.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...config import OutputProfile
from ...model import html_to_text, without_notes
from ...render.html import Document, RenderedBook
from .. import contract
from ..bookhtml import body_start, book_html

# Below this much HTML (about 10 pages) one pass is as fast as starting processes and joining.
# Measured on 2 cores: a 48-page book took 1.3 s in runs against 1.8 s in one pass.
MIN_PARALLEL_HTML = 30_000


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
    # A stretch of a long roster (pdf.rosters.Chunk): the row that must open its last page (then
    # dropped), the pages predicted, and whether it goes on from the page before (its running
    # heads seeded on pages dropped before it, so that "first-except" shows them on its first page).
    sentinel: int | None = None
    predicted: int | None = None
    continued: bool = False


@dataclass
class RunStats:
    rendered: list[int] = field(default_factory=list)  # indexes of the runs laid out in this build
    cached: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)  # runs laid out after a page to drop (start on the left)
    joined_from_cache: bool = False  # the whole joined book came from the cache
    rosters_again: bool = False  # a roster's predicted page breaks failed: laid out again in one run
    rosters_in_one_run: bool = False  # they failed in an earlier build (the cache says): not tried again


def _weight(doc: Document) -> int:
    # Whole thousands of characters: an edit of a few words almost never moves a boundary.
    return len(doc.body) // 1000 + doc.body.count("<img")


def plan_runs(rendered: RenderedBook, weight: int | None = None, chunks: dict | None = None) -> list[Run] | None:
    """Front matter, body runs (cut at part openers and, past ``weight``, between articles),
    the contents at the back; None: one pass only. ``chunks`` (pdf.rosters.plan_chunks): the
    documents whose long roster is laid out in several runs, and how.

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
        if chunks and doc.id in chunks:
            for number, chunk in enumerate(chunks[doc.id]):
                # The first keeps the document's id (its anchor); the others are pages of rows,
                # named by their first row (its roster's number too after the first roster, so a
                # book with one roster keeps the names, and the cache keys, it had).
                roster, row = chunk.first
                part = Document(doc.id if number == 0 else f"{doc.id}-rows-{row}" if roster == 0
                                else f"{doc.id}-rows-{roster}-{row}", doc.kind,
                                doc.title, chunk.body, doc.toc_level if number == 0 else None, doc.landmark)
                # The body's first document opens on a right-hand page, as a part does.
                right = number == 0 and current is None
                runs.append(Run("body", [part], right=right, weight=limit if chunk.sentinel is not None else 0,
                                sentinel=chunk.sentinel[1] if chunk.sentinel else None, predicted=chunk.pages,
                                continued=number > 0))
            continue
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
    # A title's note call ("Định mức[^1]") is not part of the running head.
    return " ".join(html_to_text(without_notes(html)).split())


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out
class Planner:
    """Builds each run's HTML: strings the run inherits, its extra pages, literal contents numbers."""

    def __init__(self, rendered: RenderedBook, profile: OutputProfile, runs: list[Run]):
        # The runs' documents: a long roster's document is there as its stretches (pdf.rosters).
        rendered = replace(rendered, documents=[doc for run in runs for doc in run.documents])
        self.rendered, self.profile, self.runs = rendered, profile, runs
        titlepage = next((d for d in rendered.documents if d.kind == "titlepage"), None)
        found = contract.book_title(titlepage.body) if titlepage else None
        self.booktitle = _text(found) if found else ""
        # The running head each run inherits: the last title before it.
        self.chapters: list[str] = []
        chapter = ""
        for run in runs:
            self.chapters.append(chapter)
            for doc in run.documents:
                for title in contract.titles(doc.body):
                    chapter = _text(title)

    def html(self, number: int, literal: dict[str, str] | None = None, dummy: int = 0) -> str:
        run = self.runs[number]
        last = number == len(self.runs) - 1
        css = "\n/* pdf.runs: this run's place in the book */\n.run-end { break-before: right; }\n"
        css += ".run-dummy { page: padding; }\n"
        if run.kind != "front":
            chapter = self.chapters[number]
            # On an element of the run's first page only: a box spanning pages sets its strings
            # on each of them. Out of flow, it changes no layout and no :first-child.
            # The chapter only when the first document has no title of its own: the seed would be
            # the first assignment on the page and win over it.
            strings = f"booktitle {_css_string(self.booktitle)}"
            if not contract.titles(run.documents[0].body):
                strings += f", chapter {_css_string(chapter)}"
            css += f".run-seed {{ position: absolute; string-set: {strings}; }}\n"
        if literal:  # the numbers written out (contract.with_toc_numbers), in place of target-counter()
            css += '.toc-entry a[data-page]::after { content: leader(".") " " attr(data-page); }\n'
        html = book_html(self.rendered, self.profile, run.documents, css)
        if literal:
            html = contract.with_toc_numbers(html, literal)
        close = html.rindex("</body>")
        if run.kind == "front":
            html = html[:close] + '<div class="bodymatter"><section class="doc run-end"></section></div>\n' + html[close:]
        else:
            anchor = contract.document_anchor(run.documents[0].id)
            first = html.index(anchor)
            if run.continued:  # no anchor of its own; the strings are set on the pages dropped before it
                html = html[:first] + html[first + len(anchor):]
                dummies = ['<section class="doc run-dummy"><div class="run-seed"></div></section>']
                dummies += ['<section class="doc run-dummy"></section>'] * (dummy - 1)
            else:
                first = html.index(">", first) + 1
                html = html[:first] + '<div class="run-seed"></div>' + html[first:]
                dummies = ['<section class="doc run-dummy"></section>'] if dummy else []
            close = html.rindex("</body>")
            inner = html.rindex("</div>", 0, close)
            if dummies:
                opening = html.index(contract.BODYMATTER) + len(contract.BODYMATTER)
                html = html[:opening] + "".join(dummies) + html[opening:]
                inner = html.rindex("</div>", 0, html.rindex("</body>"))
            if ends_with_drop(self.runs, number):
                html = html[:inner] + '<section class="doc run-end"></section>' + html[inner:]
        if last:
            close = html.rindex("</body>")
            html = html[:close] + '<div class="padding-page"></div>\n' + html[close:]
        return html
