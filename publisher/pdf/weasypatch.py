"""The only module that changes WeasyPrint's internals (pinned to 70.x in pyproject.toml).

Two functions are wrapped, once a process, for the runs of pages (pdf.runs.worker):

- ``weasyprint.layout.make_margin_boxes(context, page, state)``: WeasyPrint lays out all
  page contents first and the margin boxes last (``weasyprint.layout.layout_document``),
  so the content never depends on the printed numbers. A run is laid out before the runs
  in front of it have counted their pages; only its margin boxes wait for them. The
  wrapper asks ``HOOKS.page_offset(pages laid out so far)`` and adds the answer to the
  ``page`` counter in ``state[1]`` (the counter values) before the boxes are made.
- ``weasyprint.pdf.fonts.Font.clean(self, to_unicode, hinting)``: tells
  ``HOOKS.font_subset(name, record)`` which file each font of the PDF is subset from and how
  (the runs' subsets of one face become one font program when the runs are joined). Only
  plain TrueType fonts, cut to the glyphs they show, qualify: not variable, colour or bitmap
  fonts, and not a font with missing characters (WeasyPrint numbers those glyphs
  differently in each run).

With a hook left at None the wrapped function does what WeasyPrint's does.
``assumptions()`` lists what the wrappers rely on; tests/render/test_weasypatch.py checks
it, and lays a page out through both wrappers, so a new WeasyPrint that changes any of it
fails the tests loudly instead of numbering pages wrongly.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from typing import Callable

from .weasy import import_weasyprint


@dataclass
class Hooks:
    """What the wrapped functions call in this process; None: WeasyPrint's own behaviour."""

    page_offset: Callable[[int], int] | None = None  # pages laid out -> what to add to the page counter
    font_subset: Callable[[str, dict], None] | None = None  # PDF font name, {"sha256", "hinting", "plain"}


HOOKS = Hooks()

# The Font attributes the font wrapper reads (set by weasyprint.pdf.fonts.Font.__init__).
FONT_ATTRIBUTES = ("file_content", "name", "missing", "bitmap", "tables", "png", "svg", "colr", "type",
                   "used_in_forms")


def install() -> None:
    """Wrap both functions (once a process)."""
    _install_numbering_hook()
    _install_font_hook()


def _install_numbering_hook() -> None:
    import_weasyprint()
    from weasyprint import layout

    if getattr(layout.make_margin_boxes, "publisher_hook", False):
        return
    original = layout.make_margin_boxes

    def make_margin_boxes(context, page, state):
        if HOOKS.page_offset is not None:
            offset = HOOKS.page_offset(len(context.page_maker) - 1)
            if offset and "page" in state[1]:
                counters = dict(state[1])
                counters["page"] = [value + offset for value in counters["page"]]
                state = [state[0], counters, *state[2:]]
        return original(context, page, state)

    make_margin_boxes.publisher_hook = True
    layout.make_margin_boxes = make_margin_boxes


def _install_font_hook() -> None:
    import_weasyprint()
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
        if HOOKS.font_subset is not None:
            HOOKS.font_subset(self.name.decode("ascii", "replace").lstrip("/"), record)

    clean.publisher_hook = True
    fonts.Font.clean = clean


def assumptions() -> list[str]:
    """What the wrappers assume of WeasyPrint that is not true of the installed version (empty: all)."""
    import_weasyprint()
    from weasyprint import layout
    from weasyprint.pdf import fonts

    wrong = []
    margin = layout.make_margin_boxes
    original_margin = _original(margin)
    if list(inspect.signature(original_margin).parameters) != ["context", "page", "state"]:
        wrong.append(f"layout.make_margin_boxes takes {inspect.signature(original_margin)}, not (context, page, state)")
    document = inspect.getsource(layout.layout_document)
    # Every page's contents first (make_all_pages), then each page's margin boxes, through the
    # name the layout module holds: the one the wrapper replaces.
    if not (0 <= document.find("make_all_pages(") < document.find("make_margin_boxes(context, page, state)")):
        wrong.append("layout.layout_document no longer lays out every page before make_margin_boxes(context, page, state)")
    if "context.page_maker[context.current_page]" not in document:
        wrong.append("layout.layout_document no longer takes the margin boxes' state from context.page_maker")
    original_clean = _original(fonts.Font.clean)
    if list(inspect.signature(original_clean).parameters) != ["self", "to_unicode", "hinting"]:
        wrong.append(f"pdf.fonts.Font.clean takes {inspect.signature(original_clean)}, not (self, to_unicode, hinting)")
    init = inspect.getsource(fonts.Font.__init__)
    for name in FONT_ATTRIBUTES:
        if f"self.{name} =" not in init and not hasattr(fonts.Font, name):
            wrong.append(f"pdf.fonts.Font has no attribute {name} (set in __init__ or a property)")
    from weasyprint import urls

    if "_fail_on_errors" not in inspect.getsource(urls):
        wrong.append("weasyprint.urls no longer reads a fetcher's _fail_on_errors (weasy.BookFetcher)")
    return wrong


def _original(function):
    """WeasyPrint's function under our wrapper, if it is wrapped."""
    if getattr(function, "publisher_hook", False) and function.__closure__:
        for cell in function.__closure__:
            if callable(cell.cell_contents) and getattr(cell.cell_contents, "__name__", "") == function.__name__:
                return cell.cell_contents
    return function
