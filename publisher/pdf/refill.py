"""Fill the hole a figure leaves at the foot of a page: move it after the paragraphs that follow.

WeasyPrint has no page floats: a figure (``break-inside: avoid``) that does not fit in the
space left on a page goes to the next page whole, and the rest of its page stays empty
(the sample's folio 9: a table, then 40 % of the page blank before the chart). A designer
would run the next paragraphs on into the hole and set the figure after them. This module
does that in a layout pass:

1. every figure of the running text gets a marker (``data-refill``);
2. once WeasyPrint has laid the pages out (before it draws running heads and numbers), a
   page whose foot is empty for more than ``MIN_HOLE`` of its height, and whose next page
   opens with a marked figure of the same article that did not fit there, is a hole;
3. the figure is moved, in the HTML, after as many of the paragraphs that follow it as
   fill the hole (measured on that next page), and the run is laid out again; up to
   ``ATTEMPTS`` times, the last layout kept as it is.

A figure moves over paragraphs and headings only (never a list, table or another figure),
within its article, and never ends up right after a heading.
The pass is active only around ``render`` (the book's pages), through pdf.weasypatch's
``pages_made`` hook; the cover and blank pages are laid out as they are.
"""

from __future__ import annotations

import re

from . import weasypatch

MARK = "data-refill"
MIN_HOLE = 0.1  # of the page's content height: about five lines
ATTEMPTS = 3
_FIGURE = re.compile(r'<figure class="figure">')
_MOVABLE = ("p", "h2", "h3", "h4")  # what a figure may move over (none holds another)
_CLOSE = re.compile(r"</(?:p|h2|h3|h4)>")


class _Refill(Exception):
    def __init__(self, moves: dict[str, int]):
        super().__init__("refill")
        self.moves = moves


_LEAD_IN = re.compile(r'<p>((?:(?!</p>).)*)</p>(\s*<div class="roster-block">)', re.DOTALL)


def mark_figures(html: str) -> str:
    """Number the running text's figures (galleries and full-bleed pages are left alone), and mark
    the paragraph that introduces a roster: print.css keeps it with the roster's first rows, so a
    heading and its lead-in never stand at the foot of a page with the roster overleaf (an ordinary
    table may start below its lead-in on the next page: keeping them would leave a hole)."""
    count = iter(range(1, 1_000_000))
    html = _LEAD_IN.sub(r'<p class="lead-in">\1</p>\2', html)
    return _FIGURE.sub(lambda m: f'<figure class="figure" {MARK}="{next(count)}">', html)


def move_figures(html: str, moves: dict[str, int]) -> str:
    """Each marked figure moved after the ``moves[mark]`` paragraphs that follow it."""
    for mark, paragraphs in moves.items():
        found = re.search(rf'<figure class="figure" {MARK}="{mark}">.*?</figure>\s*', html, re.DOTALL)
        if not found or paragraphs < 1:
            continue
        figure, rest = found.group(0), html[found.end():]
        at = 0
        for _ in range(paragraphs):
            end = _CLOSE.search(rest, at)
            if end is None:
                break
            at = end.end()
        else:
            html = html[:found.start()] + rest[:at] + "\n" + figure.rstrip() + rest[at:]
    return html


def render(weasyprint, html: str, **options):
    """``weasyprint.HTML(string=html, **options).render()``, with holes above figures filled."""
    weasypatch.install()
    html = mark_figures(html)
    for _ in range(ATTEMPTS):
        weasypatch.HOOKS.pages_made = _check
        try:
            return weasyprint.HTML(string=html, **options).render()
        except _Refill as refill:
            html = move_figures(html, refill.moves)
        finally:
            weasypatch.HOOKS.pages_made = None
    return weasyprint.HTML(string=html, **options).render()


def _check(pages) -> None:
    """pdf.weasypatch's pages_made hook: a hole found stops the layout, to lay it out again."""
    moves = holes(pages)
    if moves:
        raise _Refill(moves)


def _walk(box, parent=None):
    yield box, parent
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child, box)


def _used_bottom(page) -> float | None:
    from weasyprint.formatting_structure import boxes

    bottom = None
    for box, _ in _walk(page.children[0]):
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            end = box.position_y + box.margin_height()
            bottom = end if bottom is None else max(bottom, end)
    return bottom


def _opening_figure(page):
    """The marked figure the page opens with, and the box holding it; None when text comes first."""
    from weasyprint.formatting_structure import boxes

    for box, parent in _walk(page.children[0]):
        element = getattr(box, "element", None)
        if getattr(box, "element_tag", "") == "figure" and element is not None and element.get(MARK):
            return box, parent
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            return None
    return None


def holes(pages) -> dict[str, int]:
    """mark -> paragraphs to move the figure over, for every figure that left a hole."""
    moves: dict[str, int] = {}
    for page, following in zip(pages, pages[1:]):
        opening = _opening_figure(following)
        if opening is None:
            continue
        figure, holder = opening
        used = _used_bottom(page)
        if used is None or holder is None:
            continue
        footnotes = page.children[1] if len(page.children) > 1 else None
        limit = page.content_box_y() + page.height
        if footnotes is not None and footnotes.children:
            limit = min(limit, footnotes.position_y)
        hole = limit - used
        if hole < MIN_HOLE * page.height or figure.margin_height() <= hole:
            continue
        # Same article: the figure's article has a box on the page before.
        article = getattr(holder, "element", None)
        if article is None or not any(getattr(b, "element", None) is article for b, _ in _walk(page.children[0])):
            continue
        siblings = holder.children[holder.children.index(figure) + 1:]
        filled, count = 0.0, 0
        for sibling in siblings:
            tag = getattr(sibling, "element_tag", "")
            if tag not in _MOVABLE or (tag == "p" and sibling.element.get("class")):
                break
            filled += sibling.margin_height()
            count += 1
            if filled >= hole and tag == "p":  # never end on a heading
                break
        while count and getattr(siblings[count - 1], "element_tag", "") != "p":
            count -= 1
        if count:
            moves[figure.element.get(MARK)] = count
    return moves
