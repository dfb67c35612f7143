"""Tables wider than the text block, found in the pages laid out.

A table's columns cannot be narrower than their longest word or date: a roster of ten columns
on an A5 page is wider than the text block, and WeasyPrint lets it run past the margin and off
the page, where the print house cuts it. The build says so, naming the article and the table
(``build`` turns each finding into a warning with its file and line); ``publisher preflight``
finds the characters cut off in the PDF.
"""

from __future__ import annotations

import html as htmllib
import re

from ..errors import Diagnostic
from ..render.typeset import ZWSP

TOLERANCE_PT = 0.5  # rounding in the table layout, not an overflow
_MM_PER_PT = 25.4 / 72


def wide_tables(pages) -> list[dict]:
    """The tables of WeasyPrint's laid-out ``pages`` that run past their page's text block, once
    each: {"doc": document id, "header": the header row's text, "over_mm": how far}."""
    from weasyprint.formatting_structure import boxes

    found: dict[tuple[str, str], float] = {}

    def walk(box, doc: str, left: float, right: float) -> None:
        element = getattr(box, "element", None)
        if element is not None and box.element_tag == "section" and (element.get("id") or "").startswith("doc-"):
            doc = element.get("id")[4:]
        if isinstance(box, boxes.TableBox):
            start, end = box.border_box_x(), box.border_box_x() + box.border_width()
            over = max(end - right, left - start)
            if over > TOLERANCE_PT:
                key = (doc, _header(element))
                found[key] = max(found.get(key, 0.0), over * _MM_PER_PT)
            return  # what is inside a table is the table's
        if isinstance(box, boxes.LineBox):
            return  # inline content: no table inside (but an inline table, which books do not use)
        for child in getattr(box, "children", ()) or ():
            walk(child, doc, left, right)

    for page in pages:
        page_box = page._page_box
        left = page_box.content_box_x()
        walk(page_box, "", left, left + page_box.width)
    return [{"doc": doc, "header": header, "over_mm": round(over, 1)} for (doc, header), over in found.items()]


def merge(*findings: list[dict]) -> list[dict]:
    """Findings of ``wide_tables`` from several runs of pages: a table laid out in several runs
    once, as far as it goes."""
    wide: dict[tuple[str, str], dict] = {}
    for table in (t for found in findings for t in found):
        key = (table["doc"], table["header"])
        if key not in wide or table["over_mm"] > wide[key]["over_mm"]:
            wide[key] = table
    return list(wide.values())


def _header(table) -> str:
    """The text of a table's header cells, "TT · Họ và tên · …"; its first row's without one."""
    if table is None:
        return ""
    cells = [cell for cell in table.iter() if isinstance(cell.tag, str) and cell.tag.rsplit("}", 1)[-1] == "th"]
    if not cells:
        row = next((r for r in table.iter() if isinstance(r.tag, str) and r.tag.rsplit("}", 1)[-1] == "tr"), None)
        cells = [] if row is None else [c for c in row if isinstance(c.tag, str)]
    # The zero-width spaces are the headings' break opportunities (pdf.bookhtml), not their text.
    return " · ".join(" ".join("".join(cell.itertext()).replace(ZWSP, "").split()) for cell in cells)


def diagnostics(rendered, wide: list[dict]) -> list[Diagnostic]:
    """A warning for each table of ``wide`` (``wide_tables``), with its article's file and the
    line of the table whose header it has."""
    articles = {article.id: article for article in rendered.book.articles()}
    found = []
    for table in wide:
        article = articles.get(table["doc"])
        line = None
        if article is not None:
            lines = [block.line for block in article.blocks if _block_header(block) == table["header"]]
            line = lines[0] if len(lines) == 1 else None
        header = table["header"] if len(table["header"]) <= 60 else table["header"][:59] + "…"
        shown = f" (“{header}”)" if header else ""
        found.append(Diagnostic(
            "warning", f"a table{shown} is {table['over_mm']:.0f} mm wider than the text block: it runs past the "
            "margin, and what goes beyond the page's edge is cut off", article.source if article else None, line,
            "wide-table", "show fewer columns (a roster's columns=), shorten its headings, or set it smaller in "
            "styles/book.css"))
    return found


def _block_header(block) -> str | None:
    if block.kind == "roster" and block.columns:
        cells = block.columns
    elif block.kind == "table":
        cells = re.findall(r"<th\b[^>]*>(.*?)</th>", block.html, re.DOTALL)
    else:
        return None
    return " · ".join(" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells)
