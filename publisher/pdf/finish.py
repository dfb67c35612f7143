"""Finish the PDF WeasyPrint wrote, with pikepdf: page labels, print boxes, colours, reproducibility.

- Page labels: lower-case roman for the front matter, arabic from 1 for the body, so a
  viewer's page box shows the printed numbers and "go to page 12" lands on printed 12.
- TrimBox is WeasyPrint's page box (checked against the trim size); BleedBox is set to the
  trim plus exactly the configured bleed (WeasyPrint caps it at 10 pt and measures it from
  the media box, which here also holds the crop marks).
- The XMP DocumentID WeasyPrint writes for PDF/X-4 is a random UUID; it becomes one derived
  from the book's identifier and the content, so two builds give the same bytes.
- A photo that carries a colour profile other than sRGB (a phone's Display P3) is tagged with
  it (pdf.iccbased): WeasyPrint writes every image as DeviceRGB.
- With a CMYK output profile, DeviceRGB fill and stroke colours of the vector content become
  DeviceCMYK through a converter the caller supplies.
pikepdf lives in the pdf package only: here, in pdf.join and in pdf.fontmerge.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from typing import Callable

import pikepdf

from ..errors import PublisherError
from .iccbased import tag_photo_profiles

PT_PER_MM = 72 / 25.4
ColourConverter = Callable[[list[tuple[float, float, float]]], list[tuple[float, float, float, float]]]


@dataclass(frozen=True)
class Finish:
    """What to do to the PDF."""

    front_pages: int  # pages labelled i, ii, … before the body's 1
    trim_mm: tuple[float, float]
    bleed_mm: float
    identifier: str
    rgb_to_cmyk: ColourConverter | None = None


def finish_pdf(data: bytes, target, finish: Finish) -> int:
    """Write the finished PDF into ``target`` (a path or binary file); returns the page count."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return finish_document(pdf, target, finish)


def finish_document(pdf: pikepdf.Pdf, target, finish: Finish, **save) -> int:
    _page_labels(pdf, finish.front_pages)
    _boxes(pdf, finish.trim_mm, finish.bleed_mm)
    if finish.rgb_to_cmyk:
        from .marks import registration_marks

        registration_marks(pdf)  # before _cmyk: the marks print on every plate, not on black only
        _cmyk(pdf, finish.rgb_to_cmyk)
    tag_photo_profiles(pdf)
    _document_id(pdf, finish.identifier, b"")
    pages = len(pdf.pages)
    pdf.save(target, deterministic_id=True, **save)
    return pages


def stable_document_id(data: bytes, target, identifier: str) -> None:
    """Write ``data`` into ``target``, with WeasyPrint's random XMP DocumentID made stable."""
    if b"xmp.did:" not in data:
        write_bytes(target, data)
        return
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _document_id(pdf, identifier, data)
        pdf.save(target, deterministic_id=True)


def write_bytes(target, data: bytes) -> None:
    """Write ``data`` into ``target`` (a path or binary file)."""
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as handle:
            handle.write(data)


def _page_labels(pdf: pikepdf.Pdf, front: int) -> None:
    nums = pikepdf.Array()
    if front:
        nums.extend([0, pikepdf.Dictionary(S=pikepdf.Name.r)])
    if front < len(pdf.pages):
        nums.extend([front, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)])
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)


def _boxes(pdf: pikepdf.Pdf, trim_mm: tuple[float, float], bleed_mm: float) -> None:
    width, height = (v * PT_PER_MM for v in trim_mm)
    bleed = bleed_mm * PT_PER_MM
    for number, page in enumerate(pdf.pages, 1):
        media = [float(v) for v in page.obj.MediaBox]
        trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
        if abs((trim[2] - trim[0]) - width) > 0.1 or abs((trim[3] - trim[1]) - height) > 0.1:
            raise PublisherError(f"page {number} is {(trim[2] - trim[0]) / PT_PER_MM:.1f} × "
                                 f"{(trim[3] - trim[1]) / PT_PER_MM:.1f} mm, not the trim size "
                                 f"{trim_mm[0]:g} × {trim_mm[1]:g} mm",
                                 hint="a stylesheet in styles/ may set another @page size")
        box = [max(media[0], trim[0] - bleed), max(media[1], trim[1] - bleed),
               min(media[2], trim[2] + bleed), min(media[3], trim[3] + bleed)]
        page.obj.TrimBox = pikepdf.Array(trim)
        page.obj.BleedBox = pikepdf.Array(box)


def _document_id(pdf: pikepdf.Pdf, identifier: str, data: bytes) -> None:
    if "/Metadata" not in pdf.Root:
        return
    stream = pdf.Root.Metadata
    xmp = stream.read_bytes()
    if b"xmp.did:" not in xmp:
        return
    stable = uuid.uuid5(uuid.NAMESPACE_URL, "publisher:" + identifier + ":" + _content_hash(pdf))
    xmp = re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", b"xmp.did:" + str(stable).encode(), xmp)
    stream.write(xmp)  # uncompressed, as PDF/X-4 wants its metadata


def _content_hash(pdf: pikepdf.Pdf) -> str:
    digest = hashlib.sha256()
    for page in pdf.pages:
        for stream in page.obj.Contents if isinstance(page.obj.Contents, pikepdf.Array) else [page.obj.Contents]:
            digest.update(stream.read_bytes())
    return digest.hexdigest()


_RGB_OPS = {"rg": "k", "RG": "K"}


def _cmyk(pdf: pikepdf.Pdf, convert: ColourConverter) -> None:
    """DeviceRGB colour operators to DeviceCMYK, in the pages and every form they draw."""
    done: set = set()

    def rewrite(holder) -> None:
        key = holder.objgen
        if key in done and key != (0, 0):
            return
        done.add(key)
        resources = holder.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form:
                rewrite(xobject)
        instructions = pikepdf.parse_content_stream(holder)
        colours = [tuple(float(v) for v in operands) for operands, op in instructions if str(op) in _RGB_OPS]
        if not colours:
            return
        mapped = iter(convert(colours))
        out = []
        for operands, op in instructions:
            if str(op) in _RGB_OPS:
                out.append(([*next(mapped)], pikepdf.Operator(_RGB_OPS[str(op)])))
            else:
                out.append((operands, op))
        data = pikepdf.unparse_content_stream(out)
        if isinstance(holder, pikepdf.Page) or holder.get("/Type") == pikepdf.Name.Page:
            holder.Contents = pdf.make_stream(data)
        else:
            holder.write(data)

    for page in pdf.pages:
        rewrite(page.obj)

