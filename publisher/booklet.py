"""Impose the book 2-up for saddle stitching: proof copies and small runs on an office printer.

``publisher build --profile booklet`` writes ``dist/<slug>-booklet.pdf``: the pages of the
booklet profile's PDF (no bleed, no marks), padded with blank pages to a multiple of 4,
two to a side of a landscape sheet in saddle-stitch order. Print it on both sides (flip on
the short edge), fold the pile in the middle, staple on the fold. Sheet s (0 the outermost)
carries pages n−2s and 2s+1 on its front, 2s+2 and n−2s−1 on its back (1-based, n pages).

The sheet is the smallest ISO A size whose landscape side holds two trimmed pages (A4 for
the A5-like 145 × 205 mm trim), or the profile's ``sheet``. Creep: the sheets nested inside
the outermost one stick out at the fore-edge once folded, so each page of sheet s is moved
s × the paper's thickness ([cover] paper_thickness_mm, or pages_per_inch; 0.1 mm by
default) towards the fold; the gutter margin absorbs it.

pdfimpose (PyPI) was the first choice: it needs PyMuPDF, a second PDF engine (and AGPL) for
what pikepdf does here with one form XObject a page (QPDF's page-to-form helpers).
"""

from __future__ import annotations

import io

import pikepdf

PT_PER_MM = 72 / 25.4
ISO_SHEETS = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "A3": (297.0, 420.0), "A2": (420.0, 594.0)}


class BookletError(ValueError):
    pass


def sheet_mm(trim_mm: tuple[float, float], sheet: str | None) -> tuple[float, float]:
    """The landscape sheet (width, height) in mm for two pages of ``trim_mm`` side by side."""
    width, height = 2 * trim_mm[0], trim_mm[1]
    if sheet and sheet != "auto":
        short, long = ISO_SHEETS[sheet]
        if long < width - 0.01 or short < height - 0.01:
            raise BookletError(f"two {trim_mm[0]:g} × {trim_mm[1]:g} mm pages do not fit on {sheet} "
                               f"({long:g} × {short:g} mm)")
        return long, short
    for name, (short, long) in sorted(ISO_SHEETS.items(), key=lambda item: item[1][0]):
        if long >= width - 0.01 and short >= height - 0.01:
            return long, short
    raise BookletError(f"two {trim_mm[0]:g} × {trim_mm[1]:g} mm pages are larger than A2")


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) 0-based page indexes of each sheet side in printing order; ``pages`` % 4 == 0."""
    sides = []
    for sheet in range(pages // 4):
        sides.append((pages - 1 - 2 * sheet, 2 * sheet))  # front
        sides.append((2 * sheet + 1, pages - 2 - 2 * sheet))  # back
    return sides


def impose(data: bytes, target, trim_mm: tuple[float, float], sheet: str | None,
           leaf_mm: float) -> int:
    """Impose the PDF ``data`` (pages of ``trim_mm``) into ``target``; returns the sheet sides written."""
    with pikepdf.open(io.BytesIO(data)) as source, pikepdf.new() as out:
        width_mm, height_mm = sheet_mm(trim_mm, sheet)
        sheet_w, sheet_h = width_mm * PT_PER_MM, height_mm * PT_PER_MM
        page_w, page_h = trim_mm[0] * PT_PER_MM, trim_mm[1] * PT_PER_MM
        count = len(source.pages)
        padded = count + (-count % 4)
        forms = [out.copy_foreign(page.as_form_xobject()) for page in source.pages]
        fold, bottom = sheet_w / 2, (sheet_h - page_h) / 2
        for side, pair in enumerate(saddle_order(padded)):
            nest = side // 2  # sheets inside the outermost one
            shift = nest * leaf_mm * PT_PER_MM
            resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
            content = b""
            for slot, index in enumerate(pair):
                if index >= count:
                    continue  # a padding page: blank
                name = pikepdf.Name(f"/P{index + 1}")
                resources.XObject[name] = forms[index]
                # Left page ends at the fold, right page starts there; both moved towards it by the creep.
                x0 = fold - page_w + shift if slot == 0 else fold - shift
                clip = (fold - page_w, fold) if slot == 0 else (fold, fold + page_w)
                box = [float(v) for v in forms[index].BBox]  # the page's trim box
                scale = min(page_w / (box[2] - box[0]), page_h / (box[3] - box[1]))
                content += (f"q {clip[0]:.3f} {bottom:.3f} {page_w:.3f} {page_h:.3f} re W n "
                            f"{scale:.5f} 0 0 {scale:.5f} {x0 - box[0] * scale:.3f} {bottom - box[1] * scale:.3f} cm "
                            f"{name} Do Q\n").encode()
            page = out.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Page, MediaBox=[0, 0, round(sheet_w, 3), round(sheet_h, 3)],
                Resources=resources, Contents=out.make_stream(content)))
            out.pages.append(pikepdf.Page(page))
        out.docinfo["/Title"] = source.docinfo.get("/Title", "")
        out.docinfo["/Producer"] = "publisher (booklet)"
        out.save(target, deterministic_id=True)
        return len(out.pages)
