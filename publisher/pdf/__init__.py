"""The PDF engine: ``write_pdf`` makes the book's PDF for one output profile.

Inside: bookhtml (the book as one HTML document, styled for a profile); onepass (one
WeasyPrint pass over it, and standalone pages such as the cover); finish (page labels,
print boxes, CMYK colours, a stable document id: pikepdf); runs (plan, schedule, worker:
the book laid out in runs of pages in several processes, cached) and join with fontmerge
(the runs made one PDF, one font program per face); rosters (a long roster's columns measured
once, and where its runs are cut). WeasyPrint is imported through weasy
and its internals are changed in weasypatch only. What the engine reads in the templates'
HTML, the contract with a project's ``styles/``, is written down in contract.

Modules outside the package use the names below only.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import OutputProfile
from ..render.html import RenderedBook
from ..workers import signals_held

with signals_held():  # a Ctrl-C landing in pikepdf's C++ start-up aborts the process (no clean-up)
    import pikepdf  # noqa: F401  (imported here first, for the modules below)
from .bookhtml import CROP_MARK_MM, body_start, book_html
from .colour import colour_note
from .finish import Finish
from .onepass import write_html_pdf, write_one_pass
from .result import PdfResult, colour_converter, identifier, write_options
from .rosters import check_whole, fixed_columns, long_rosters
from .runs import RunStats, plan_runs, worth_parallel, write_runs
from .weasy import BOOK_BASE, book_files, import_weasyprint

__all__ = ["CROP_MARK_MM", "PdfResult", "RunStats", "body_start", "book_html", "colour_note", "fixed_columns", "import_weasyprint",
           "write_html_pdf", "write_pdf"]


def write_pdf(rendered: RenderedBook, target, profile: OutputProfile | str | None = None,
              images: dict[str, Path] | None = None, parallel: bool | None = None,
              cache: Path | None = None, stats: RunStats | None = None, progress=None) -> PdfResult:
    """Render the PDF for ``profile`` (default: the config's) into ``target`` (a path or binary file).

    ``images`` maps each image href to the file to embed (downsampled copies for the
    screen); by default the originals in ``rendered.images``. ``parallel``: lay the book out
    in runs in several processes (pdf.runs; None: when it pays, False: one pass, as
    does PUBLISHER_PARALLEL=0), keeping finished runs in the ``cache`` folder when given;
    ``stats`` (a RunStats) receives which runs were laid out and which came from it;
    ``progress`` (a line of text) is told now and then how many pages are laid out.
    """
    config = rendered.config
    if not isinstance(profile, OutputProfile):
        profile = config.profile(profile)
    rendered = fixed_columns(rendered, profile, cache)
    allowed = book_files(rendered, images, profile.icc_profile)
    base = BOOK_BASE
    why = "as asked"
    if parallel is None and os.environ.get("PUBLISHER_PARALLEL") == "0":
        parallel, why = False, "PUBLISHER_PARALLEL=0"
    if profile.tagged:
        why = f"the {profile.name} PDF is tagged (PDF/UA): made in one pass"
    elif parallel is not False:
        # A book of one long roster article has a single body run, but the roster's pages are cut.
        if long_rosters(rendered) or (parallel and plan_runs(rendered) is not None) \
                or worth_parallel(rendered, profile):
            finish = Finish(0, config.trim_mm, profile.bleed_mm, identifier(config), colour_converter(profile))
            return write_runs(rendered, target, profile, allowed, base, write_options(config, profile), finish,
                              cache, stats=stats, progress=progress)
        why = "a short book: made in one pass"
    check_whole(rendered, why)
    return write_one_pass(rendered, target, profile, allowed, base)
