"""The only module that changes WeasyPrint's internals (pinned to 70.x in pyproject.toml).

Eight functions are wrapped and one rule is switched off, once a process. For the runs of
pages (pdf.runs.worker):

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

For the book's layout (pdf.refill):

- ``weasyprint.layout.make_all_pages(context, root_box, html, pages)``: once every page's
  contents are laid out (before the margin boxes), ``HOOKS.pages_made(pages)`` sees them; it
  may raise to have the document laid out again (a figure moved to fill a hole).

And for every layout, a note on the page of its call: in ``weasyprint.layout.block.
_linebox_layout``, when a paragraph's next line does not fit and the widows and orphans
rules forbid breaking before it, WeasyPrint moves the notes already placed on the page to
the next page to make room for the line, and a note lands a page after its call (the
sample's folio 5, two notes of the 30-article benchmark book). That loop
(``_REPORT_LOOP``) is taken out of the function's source: the paragraph breaks where the
widows and orphans rules allow instead, and print.css's ``footnote-policy: line`` carries a
call's line over with its note when the note does not fit under it.

And for every layout, the dots of a leader (the contents' ``leader(".")``) as one text box:
``weasyprint.layout.inline.handle_leader(context, line, containing_block)`` fills the space
with one copy of the leader's text box per dot, and each copy is drawn on its own (a Pango
line made and drawn for every dot: half the time of a 22-page contents). The wrapper puts the
same dots, at the same place, into one text box: the same glyphs, one Pango line.

And for every PDF drawn, the crop marks (``marks: crop cross``) drawn once a sheet size:
``weasyprint.draw.draw_background(stream, background, clip_box, bleed, marks)`` writes the
marks of every page as an SVG document, parses it and draws it into a form of that page (a
sixth of a print PDF's drawing time, the same on every page). The wrapper keeps the form's
drawing of the first page of each sheet size and bleed and gives every later page a form
with the same operators and graphics states; the page's other backgrounds are drawn by
WeasyPrint as before.

And for every document, the book's stylesheet parsed once a process: ``weasyprint.CSS.__init__``
parses a ``<style>`` (tinycss2, selectors compiled, declarations checked) for every document,
and every run of a book holds the same one (a tenth of a second each; pdf.bookhtml puts a run's
own rules in a ``<style>`` of their own). The wrapper keeps, for a text, base URL and medium,
what parsing it gave and did to the document (its selector matcher, the @page rules it added,
the @font-face rules it gave the document's fonts, what it logged), and does that again for
the next document given the same text. Only a stylesheet that fetches nothing (no @import or
colour profile) and defines no counter style or layer is kept: the others change more of the
document and are parsed every time.

And for every document, pseudo-elements' styles computed when asked for: ``weasyprint.css.
StyleFor`` computes, once the elements' styles are computed, a style for every pseudo-element
any rule matches, and WeasyPrint's own stylesheet gives every element six (``::marker``, the
footnote and note calls and markers), of which a book uses a handful: in a 24-page roster
stretch, 16,098 styles for its 2,683 elements, none of them asked for. The wrappers of
``StyleFor.set_computed_styles`` and ``StyleFor.__call__`` keep a pseudo-element's cascaded
declarations and compute its style the first time it is asked for, as WeasyPrint would have
(its values are computed when read either way). One whose rules set ``anchor`` (a link target,
collected with the styles) is computed at once.

With a hook left at None the wrapped function does what WeasyPrint's does.
``assumptions()`` lists what the wrappers rely on; tests/render/test_weasypatch.py checks
it, and lays a page out through both wrappers, so a new WeasyPrint that changes any of it
fails the tests loudly instead of numbering pages wrongly.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from dataclasses import dataclass
from typing import Callable

from .weasy import import_weasyprint


@dataclass
class Hooks:
    """What the wrapped functions call in this process; None: WeasyPrint's own behaviour."""

    page_offset: Callable[[int], int] | None = None  # pages laid out -> what to add to the page counter
    font_subset: Callable[[str, dict], None] | None = None  # PDF font name, {"sha256", "hinting", "plain"}
    pages_made: Callable[[list], None] | None = None  # the laid-out pages, before their margin boxes


HOOKS = Hooks()

# The Font attributes the font wrapper reads (set by weasyprint.pdf.fonts.Font.__init__).
FONT_ATTRIBUTES = ("file_content", "name", "missing", "bitmap", "tables", "png", "svg", "colr", "type",
                   "used_in_forms")


def install() -> None:
    """Wrap the functions and switch the note rule off (once a process)."""
    _install_numbering_hook()
    _install_font_hook()
    _install_pages_hook()
    _install_leader_hook()
    _install_marks_hook()
    _install_stylesheet_memo()
    _install_lazy_pseudo_styles()
    _keep_notes_with_calls()


_REPORT_LOOP = "while report and context.current_page_footnotes:"


def _keep_notes_with_calls() -> bool:
    """Take WeasyPrint's moving of placed notes out of _linebox_layout; whether it is out."""
    import textwrap

    import_weasyprint()
    from weasyprint.layout import block

    if getattr(block._linebox_layout, "publisher_hook", False):
        return True
    source = inspect.getsource(block._linebox_layout)
    if _REPORT_LOOP not in source:
        return False  # assumptions() says so
    # `while False:` runs the loop's `else:` branch: the ordinary break between lines.
    original = block._linebox_layout
    # Compiled at its own line in WeasyPrint's file, so tracebacks and inspect still point there.
    first = original.__code__.co_firstlineno
    code = compile("\n" * (first - 1) + textwrap.dedent(source.replace(_REPORT_LOOP, "while False:")),
                   block.__file__, "exec")
    exec(code, vars(block))  # noqa: S102 - WeasyPrint's own code, one condition changed
    block._linebox_layout.publisher_hook = True
    block._linebox_layout.publisher_original = original
    return True


def _install_pages_hook() -> None:
    import_weasyprint()
    from weasyprint import layout

    if getattr(layout.make_all_pages, "publisher_hook", False):
        return
    original = layout.make_all_pages

    def make_all_pages(context, root_box, html, pages):
        made = list(original(context, root_box, html, pages))
        if HOOKS.pages_made is not None:
            HOOKS.pages_made(made)
        yield from made

    make_all_pages.publisher_hook = True
    layout.make_all_pages = make_all_pages


def _install_leader_hook() -> None:
    import_weasyprint()
    from weasyprint.layout import inline, leader
    from weasyprint.text.line_break import create_layout

    if getattr(inline.handle_leader, "publisher_hook", False):
        return
    original = inline.handle_leader

    def handle_leader(context, line, containing_block):
        original(context, line, containing_block)
        _, box = leader.leader_index(line)
        dots = box.children if box is not None else ()
        if len(dots) > 1 and all(d.text == dots[0].text for d in dots):
            # Copies of one box, each its width to the left of the one before: one box of their text.
            first = min(dots, key=lambda d: d.position_x)
            merged = first.copy_with_text(first.text * len(dots))
            merged.width = sum(d.width for d in dots)
            merged.pango_layout = create_layout(merged.text, first.style, context, None,
                                                first.pango_layout.justification_spacing)
            box.children = (merged,)

    handle_leader.publisher_hook = True
    inline.handle_leader = handle_leader


# Sheet geometry and marks -> (operators, graphics states) of the marks form; None: not copyable.
_MARKS: dict[tuple, tuple[list, dict] | None] = {}


def _install_marks_hook() -> None:
    import_weasyprint()
    from weasyprint import draw

    if getattr(draw.draw_background, "publisher_hook", False):
        return
    original = draw.draw_background

    def draw_background(stream, background, clip_box=True, bleed=None, marks=()):
        if not (bleed and marks) or background is None or not background.layers:
            return original(stream, background, clip_box, bleed, marks)
        key = (tuple(stream.page_rectangle), tuple(background.layers[-1].painting_area),
               tuple(sorted(bleed.items())), tuple(marks))
        if _MARKS.get(key) is None:
            forms = stream._resources["XObject"]
            before = set(forms)
            original(stream, background, clip_box, bleed, marks)
            if key not in _MARKS:
                _MARKS[key] = _marks_drawing([forms[name] for name in forms if name not in before])
            return None
        operators, states = _MARKS[key]
        original(stream, background, clip_box, bleed, ())  # the page's own background, no marks
        with stream.stacked(), stream.artifact():
            form = stream.add_group(*stream.page_rectangle)
            form.stream = list(operators)
            form._resources["ExtGState"].update(states)
            stream.draw_x_object(form.id)
        return None

    draw_background.publisher_hook = True
    draw.draw_background = draw_background


def _marks_drawing(forms: list) -> tuple[list, dict] | None:
    """The operators and graphics states of the marks' form (the last form drawn: WeasyPrint
    paints the marks over the page's other backgrounds); None when it holds more than that."""
    if not forms:
        return None
    form = forms[-1]
    resources = form._resources
    if any(resources.get(kind) for kind in ("XObject", "Pattern", "Shading")) or resources.get("Font"):
        return None
    if not all(isinstance(item, (bytes, str)) for item in form.stream):
        return None
    return list(form.stream), dict(resources["ExtGState"])


# A process's stylesheets parsed so far: (text, base URL, media) -> what parsing it gave and did.
_STYLESHEETS: dict[tuple, "_Parsed"] = {}
_STYLESHEETS_KEPT = 8  # the book's stylesheet is one text for every run of a build


@dataclass
class _Parsed:
    base_url: str | None
    matcher: object  # cssselect2.Matcher: only read when styles are computed
    page_rules: list  # what the parse appended to the document's @page rules
    faces: list  # the @font-face descriptors it gave the document's FontConfiguration
    records: list  # what it logged (warnings about the stylesheet)


def _install_stylesheet_memo() -> None:
    import_weasyprint()
    import weasyprint

    if getattr(weasyprint.CSS.__init__, "publisher_hook", False):
        return
    original = weasyprint.CSS.__init__

    def __init__(self, guess=None, filename=None, url=None, file_obj=None, string=None, encoding=None,
                 base_url=None, url_fetcher=None, _check_mime_type=False, media_type="print", font_config=None,
                 counter_style=None, color_profiles=None, matcher=None, page_rules=None, layers=None, layer=None):
        plain = (string is not None and guess is None and filename is None and url is None and file_obj is None
                 and matcher is None and layer is None and layers == [] and isinstance(page_rules, list)
                 and isinstance(counter_style, dict) and isinstance(color_profiles, dict)
                 and font_config is not None and url_fetcher is not None)
        arguments = dict(string=string, encoding=encoding, base_url=base_url, url_fetcher=url_fetcher,
                         _check_mime_type=_check_mime_type, media_type=media_type, font_config=font_config,
                         counter_style=counter_style, color_profiles=color_profiles, matcher=matcher,
                         page_rules=page_rules, layers=layers, layer=layer)
        if not plain:
            return original(self, guess, filename, url, file_obj, **arguments)
        key = (string, str(base_url), media_type)
        parsed = _STYLESHEETS.get(key)
        if parsed is not None:  # what the parse did to the document, done again
            self.base_url, self.matcher, self.layers = parsed.base_url, parsed.matcher, layers
            self.page_rules = page_rules
            page_rules.extend(parsed.page_rules)
            for descriptors in parsed.faces:
                font_config.add_font_face(descriptors, url_fetcher)
            for record in parsed.records:
                logging.getLogger(record.name).handle(record)
            return None
        before = (len(page_rules), dict(counter_style), dict(color_profiles))
        faces: list = []
        recorder, fetcher = _Records(), _Counting(url_fetcher)
        logger = logging.getLogger("weasyprint")
        add_face = font_config.add_font_face

        def recorded_face(descriptors, _):
            faces.append(descriptors)
            logger.removeHandler(recorder)  # the font's own warnings come again when it is added again
            try:
                return add_face(descriptors, url_fetcher)
            finally:
                logger.addHandler(recorder)

        logger.addHandler(recorder)
        font_config.add_font_face = recorded_face
        try:
            original(self, guess, filename, url, file_obj, **{**arguments, "url_fetcher": fetcher})
        finally:
            del font_config.add_font_face
            logger.removeHandler(recorder)
        # Kept only when all it did was add @page rules and fonts (no @import, colour profile,
        # counter style or layer): then the next document given the same text reads it as it is.
        if (not fetcher.urls and not layers and before[1].keys() == counter_style.keys()
                and all(before[1][k] is counter_style[k] for k in before[1]) and before[2] == color_profiles):
            while len(_STYLESHEETS) >= _STYLESHEETS_KEPT:
                del _STYLESHEETS[next(iter(_STYLESHEETS))]
            _STYLESHEETS[key] = _Parsed(self.base_url, self.matcher, page_rules[before[0]:], faces,
                                        recorder.records)
        return None

    __init__.publisher_hook = True
    weasyprint.CSS.__init__ = __init__


def _install_lazy_pseudo_styles() -> None:
    import_weasyprint()
    from weasyprint import css

    style_for = css.StyleFor
    if getattr(style_for.set_computed_styles, "publisher_hook", False):
        return
    original_set, original_call = style_for.set_computed_styles, style_for.__call__

    def set_computed_styles(self, element, parent, root=None, pseudo_type=None, base_url=None,
                            target_collector=None):
        if pseudo_type is not None and hasattr(element, "tag"):  # an element's pseudo-element, not a page's
            cascaded = self.get_cascaded_styles().get((element, pseudo_type))
            # 'anchor' is not inherited: without a rule for it, it is none, and nothing is collected.
            if cascaded is not None and "anchor" not in cascaded:
                pending = self.__dict__.setdefault("publisher_pending", {})
                pending[element, pseudo_type] = (cascaded, parent, root, base_url, target_collector)
                return
        original_set(self, element, parent, root, pseudo_type, base_url, target_collector)

    def __call__(self, element, pseudo_type=None):
        pending = self.__dict__.get("publisher_pending") if pseudo_type is not None else None
        waiting = pending.pop((element, pseudo_type), None) if pending else None
        if waiting is not None:  # asked for: computed now, as it would have been then
            cascaded, parent, root, base_url, target_collector = waiting
            kept = self.get_cascaded_styles()  # emptied after the elements (it then holds the pages')
            kept[element, pseudo_type] = cascaded
            try:
                original_set(self, element, parent, root, pseudo_type, base_url, target_collector)
            finally:
                del kept[element, pseudo_type]
        return original_call(self, element, pseudo_type)

    set_computed_styles.publisher_hook = __call__.publisher_hook = True
    style_for.set_computed_styles, style_for.__call__ = set_computed_styles, __call__


class _Records(logging.Handler):
    """Keeps what a stylesheet's parse logged (its warnings), to log it again when it is reused."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records: list = []

    def emit(self, record):
        self.records.append(record)


class _Counting:
    """A URL fetcher that notes what it fetched (WeasyPrint also reads its attributes)."""

    def __init__(self, fetcher):
        self.fetcher, self.urls = fetcher, []

    def __call__(self, address, *args, **kwargs):
        self.urls.append(address)
        return self.fetcher(address, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.fetcher, name)


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
    from weasyprint.layout import block

    lines = getattr(block._linebox_layout, "publisher_original", block._linebox_layout)
    if _REPORT_LOOP not in inspect.getsource(lines):
        wrong.append("layout.block._linebox_layout no longer moves placed notes in that loop (notes may slip)")
    if "footnote_policy" not in inspect.getsource(lines):
        wrong.append("layout.block._linebox_layout no longer reads footnote-policy")
    from weasyprint.layout import inline

    original_leader = _original(inline.handle_leader)
    if list(inspect.signature(original_leader).parameters) != ["context", "line", "containing_block"]:
        wrong.append("layout.inline.handle_leader no longer takes (context, line, containing_block)")
    if "text_box.copy()" not in inspect.getsource(original_leader):
        wrong.append("layout.inline.handle_leader no longer fills a leader with copies of its text box")
    from weasyprint import draw

    original_background = _original(draw.draw_background)
    if list(inspect.signature(original_background).parameters) != ["stream", "background", "clip_box", "bleed", "marks"]:
        wrong.append("draw.draw_background no longer takes (stream, background, clip_box, bleed, marks)")
    painting = inspect.getsource(original_background)
    # The marks: a form of the page (add_group) drawn over the page's other backgrounds (layer 0).
    if "background.layers.insert(0, layer)" not in painting or "if bleed and marks:" not in painting:
        wrong.append("draw.draw_background no longer draws the marks as the top background layer")
    if "draw_background(\n        stream, stacking_context.box.background, clip_box=False, bleed=page.bleed,\n        marks=marks)" \
            not in inspect.getsource(draw.draw_page):
        wrong.append("draw.draw_page no longer draws the marks through draw_background(..., marks=marks)")
    import weasyprint

    original_css = _original(weasyprint.CSS.__init__)
    if list(inspect.signature(original_css).parameters) != list(inspect.signature(weasyprint.CSS.__init__).parameters):
        wrong.append(f"CSS.__init__ takes {inspect.signature(original_css)}: the stylesheet wrapper takes other arguments")
    parse = inspect.getsource(original_css)
    # What the parse leaves on the object, and where it puts the rest: the document's lists.
    for line in ("self.base_url = base_url", "self.matcher = matcher or cssselect2.Matcher()",
                 "self.page_rules = [] if page_rules is None else page_rules",
                 "self.layers = [] if layers is None else layers"):
        if line not in parse:
            wrong.append(f"CSS.__init__ no longer sets {line.split(' =')[0]} as the stylesheet wrapper expects")
    from weasyprint import css as css_module

    rules = inspect.getsource(css_module.preprocess_stylesheet)
    if rules.count("fetch(") + rules.count("url_fetcher=url_fetcher") != 2 or \
            "font_config.add_font_face(rule_descriptors, url_fetcher)" not in rules:
        wrong.append("css.preprocess_stylesheet fetches otherwise than @import, colour profiles and font faces")
    from weasyprint.css.properties import INHERITED

    style_for = css_module.StyleFor
    original_set = _original(style_for.set_computed_styles)
    if list(inspect.signature(original_set).parameters) != ["self", "element", "parent", "root", "pseudo_type",
                                                            "base_url", "target_collector"]:
        wrong.append(f"css.StyleFor.set_computed_styles takes {inspect.signature(original_set)}")
    setting = inspect.getsource(original_set)
    # What it does with a style: made from the cascade it reads then, and its anchor collected.
    if "cascaded = cascaded_styles.get((element, pseudo_type), {})" not in setting or \
            setting.count("target_collector.collect_anchor") != 1 or "computed['anchor']" not in setting:
        wrong.append("css.StyleFor.set_computed_styles does more than make a style and collect its anchor")
    if "self.set_computed_styles(\n                    element, pseudo_type=pseudo_type," not in \
            inspect.getsource(style_for.__init__):
        wrong.append("css.StyleFor.__init__ no longer computes pseudo-elements' styles through set_computed_styles")
    if "self._computed_styles.get((element, pseudo_type))" not in inspect.getsource(_original(style_for.__call__)):
        wrong.append("css.StyleFor.__call__ no longer reads the styles it computed")
    if "anchor" in INHERITED:
        wrong.append("'anchor' is inherited: a pseudo-element without a rule for it may have one")
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
