"""Finish the PDF WeasyPrint wrote, with pikepdf: page labels, print boxes, colours, reproducibility.

- Page labels: lower-case roman for the front matter, arabic from 1 for the body, so a
  viewer's page box shows the printed numbers and "go to page 12" lands on printed 12.
- TrimBox is WeasyPrint's page box (checked against the trim size); BleedBox is set to the
  trim plus exactly the configured bleed (WeasyPrint caps it at 10 pt and measures it from
  the media box, which here also holds the crop marks).
- The XMP DocumentID WeasyPrint writes for PDF/X-4 is a random UUID; it becomes one derived
  from the book's identifier and the content, so two builds give the same bytes.
- With a CMYK output profile, DeviceRGB fill and stroke colours of the vector content become
  DeviceCMYK through a converter the caller supplies.
pikepdf lives behind this module only.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
import zlib
from dataclasses import dataclass
from typing import Callable

import pikepdf

from ..errors import PublisherError

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
        return _finish(pdf, target, finish)


def _finish(pdf: pikepdf.Pdf, target, finish: Finish, **save) -> int:
    _page_labels(pdf, finish.front_pages)
    _boxes(pdf, finish.trim_mm, finish.bleed_mm)
    if finish.rgb_to_cmyk:
        _cmyk(pdf, finish.rgb_to_cmyk)
    _document_id(pdf, finish.identifier, b"")
    pages = len(pdf.pages)
    pdf.save(target, deterministic_id=True, **save)
    return pages


def stable_document_id(data: bytes, target, identifier: str) -> None:
    """Write ``data`` into ``target``, with WeasyPrint's random XMP DocumentID made stable."""
    if b"xmp.did:" not in data:
        _write(target, data)
        return
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _document_id(pdf, identifier, data)
        pdf.save(target, deterministic_id=True)


def _write(target, data: bytes) -> None:
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


# --- Joining runs of pages laid out apart (render.parallel) ---

@dataclass
class RunPdf:
    """One run's PDF as WeasyPrint wrote it."""

    data: bytes
    fake: tuple[str, ...] = ()  # named destinations that belong to other runs
    padding_template: bool = False  # its last page is the blank that pads the signature


def join_runs(runs: list[RunPdf], padding: int, padding_at: int | None, target, finish: Finish) -> int:
    """Join the runs into one finished PDF: outline, named destinations, shared fonts and images.

    ``padding`` copies of the padding page go before page index ``padding_at`` (the end when
    None). Links keep their named destinations, which are rebuilt over the whole book.
    """
    merged = pikepdf.open(io.BytesIO(runs[0].data))
    sources = [merged]
    bookmarks: list = []  # (depth, title, page object, x, y, closed)
    names: dict[str, list] = {}
    template = None
    try:
        for number, run in enumerate(runs):
            source = merged if number == 0 else pikepdf.open(io.BytesIO(run.data))
            if number:
                sources.append(source)
            own = list(source.pages)
            if run.padding_template and number:  # the padding page is the last run's last page
                template, own = own[-1], own[:-1]
            offset = len(merged.pages) if number else 0
            if number:
                with warnings.catch_warnings():  # named destinations are rebuilt below
                    warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning")
                                          else UserWarning)
                    merged.pages.extend(own)
            index = {page.obj.objgen: i for i, page in enumerate(own)}
            placed = lambda i, o=offset: merged.pages[o + i].obj  # noqa: E731
            _collect_outline(source, index, placed, bookmarks)
            _collect_names(source, index, placed, set(run.fake), names)
        if template is not None and padding:
            copied = merged.copy_foreign(template.obj)
            at = len(merged.pages) if padding_at is None else padding_at
            for _ in range(padding):
                page = merged.make_indirect(pikepdf.Dictionary({k: copied[k] for k in copied.keys() if k != "/Parent"}))
                merged.pages.insert(at, pikepdf.Page(page))
        _write_outline(merged, bookmarks)
        _write_names(merged, names)
        _share_streams(merged)
        # Object streams for the whole book: the runs' own ones would be written out loose.
        return _finish(merged, target, finish, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in reversed(sources):
            source.close()


def _destination(dest) -> tuple | None:
    if isinstance(dest, pikepdf.Array) and len(dest) >= 4:
        return dest[0].objgen, float(dest[2]), float(dest[3])
    return None


def _collect_outline(source, index, placed, bookmarks) -> None:
    if "/Outlines" not in source.Root:
        return

    def walk(item, depth):
        while item is not None:
            found = _destination(item.get("/Dest"))
            if found and found[0] in index:
                closed = int(item.get("/Count", 0)) < 0
                bookmarks.append((depth, str(item.Title), placed(index[found[0]]), found[1], found[2], closed))
            if "/First" in item:
                walk(item.First, depth + 1)
            item = item.get("/Next")

    walk(source.Root.Outlines.get("/First"), 1)


def _collect_names(source, index, placed, fake, names) -> None:
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return
    for name, dest in pikepdf.NameTree(source.Root.Names.Dests).items():
        found = _destination(dest)
        if name in fake or name in names or not found or found[0] not in index:
            continue
        names[name] = [placed(index[found[0]]), found[1], found[2]]


def _write_outline(pdf: pikepdf.Pdf, bookmarks) -> None:
    """The outline, nested by depth across runs (a run's level-2 items go under the last level 1)."""
    if "/Outlines" in pdf.Root:
        del pdf.Root["/Outlines"]
    if not bookmarks:
        return
    with pdf.open_outline() as outline:
        stack: list = []
        for depth, title, page, x, y, closed in bookmarks:
            item = pikepdf.OutlineItem(title)
            item.destination = pikepdf.Array([page, pikepdf.Name.XYZ, x, y, 0])
            item.is_closed = closed
            while stack and stack[-1][0] >= depth:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((depth, item))


def _write_names(pdf: pikepdf.Pdf, names: dict[str, list]) -> None:
    tree = pikepdf.NameTree.new(pdf)
    for name in sorted(names):
        page, x, y = names[name]
        tree[name] = pikepdf.Array([page, pikepdf.Name.XYZ, x, y, 0])
    pdf.Root.Names = pikepdf.Dictionary(Dests=tree.obj)


def _share_streams(pdf: pikepdf.Pdf) -> None:
    """One copy of each font program and image that several runs embedded."""
    canonical: dict = {}

    def same(stream):
        key = hashlib.sha256(stream.read_raw_bytes()).hexdigest() + repr(sorted(
            (k, repr(stream.stream_dict[k])) for k in stream.stream_dict.keys() if k not in ("/SMask", "/Length")))
        if "/SMask" in stream.stream_dict:
            key += same(stream.SMask).objgen.__repr__()
        return canonical.setdefault(key, stream)

    seen: set = set()

    def resources(holder) -> None:
        res = holder.get("/Resources")
        if res is None or (res.is_indirect and res.objgen in seen):
            return
        if res.is_indirect:
            seen.add(res.objgen)
        xobjects = res.get("/XObject") or {}
        for name in list(xobjects.keys()):
            xobject = xobjects[name]
            if xobject.get("/Subtype") == pikepdf.Name.Image:
                xobjects[name] = same(xobject)
            elif xobject.get("/Subtype") == pikepdf.Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                resources(xobject)
        for font in (res.get("/Font") or {}).values():
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is None:
                    continue
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        descriptor[key] = same(descriptor[key])

    for page in pdf.pages:
        resources(page.obj)
