"""Crop and registration marks in registration colour, in a CMYK print PDF.

WeasyPrint draws the marks (``marks: crop cross``) as a form XObject spanning the sheet, in
RGB black; converted to CMYK they would print on the black plate only, and the printer
could not register the other plates with them. A prepress preflight wants them in the
registration colour: ``/Separation /All``, which prints on every plate. The marks form is
recognised by its shape (a form as large as the sheet, painted from the page itself, with
only paths in it: no text, no image, no other form) and its colours are rewritten.
pikepdf lives behind pdf.finish, which calls this while finishing a CMYK PDF.
"""

from __future__ import annotations

import pikepdf

_PATH_ONLY = {"q", "Q", "cm", "gs", "rg", "RG", "w", "d", "J", "j", "M", "m", "l", "c", "v", "y", "h", "re",
              "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n", "W", "W*"}
_NAME = pikepdf.Name("/PublisherRegistration")


def _registration(pdf: pikepdf.Pdf):
    tint = pdf.make_indirect(pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1))
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint]))


def _is_marks(form, media) -> bool:
    box = [float(v) for v in form.get("/BBox", [])]
    if len(box) != 4:
        return False
    # WeasyPrint's forms are in CSS pixels (drawn at 0.75 pt a pixel): compare at both scales.
    width, height = box[2] - box[0], box[3] - box[1]
    if not any(abs(width * scale - (media[2] - media[0])) < 0.5 and abs(height * scale - (media[3] - media[1])) < 0.5
               for scale in (1.0, 0.75)):
        return False
    operators = {str(op) for _, op in pikepdf.parse_content_stream(form)}
    return bool(operators) and operators <= _PATH_ONLY and "RG" in operators


def registration_marks(pdf: pikepdf.Pdf) -> int:
    """Rewrite the marks of every page in registration colour; how many forms were changed."""
    space = None
    done: set = set()
    for page in pdf.pages:
        media = [float(v) for v in page.obj.MediaBox]
        xobjects = (page.obj.get("/Resources") or {}).get("/XObject") or {}
        for form in xobjects.values():
            if form.get("/Subtype") != pikepdf.Name.Form or form.objgen in done or not _is_marks(form, media):
                continue
            done.add(form.objgen)
            space = space if space is not None else _registration(pdf)
            out = []
            for operands, op in pikepdf.parse_content_stream(form):
                name = str(op)
                if name in ("rg", "RG"):  # black (the marks' only colour) -> full registration tint
                    stroke = name == "RG"
                    out.append(([_NAME], pikepdf.Operator("CS" if stroke else "cs")))
                    out.append(([1 if all(float(v) < 0.5 for v in operands) else 0],
                                pikepdf.Operator("SCN" if stroke else "scn")))
                else:
                    out.append((operands, op))
            resources = form.get("/Resources")
            if resources is None:
                form.Resources = resources = pikepdf.Dictionary()
            if "/ColorSpace" not in resources:
                resources.ColorSpace = pikepdf.Dictionary()
            resources.ColorSpace[_NAME] = space
            form.write(pikepdf.unparse_content_stream(out))
    return len(done)
