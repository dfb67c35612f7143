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
        from .marks import registration_marks

        registration_marks(pdf)  # before _cmyk: the marks print on every plate, not on black only
        _cmyk(pdf, finish.rgb_to_cmyk)
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


# --- Joining runs of pages laid out apart (render.parallel) ---

@dataclass
class RunPdf:
    """One run's PDF as WeasyPrint wrote it."""

    data: bytes
    fake: tuple[str, ...] = ()  # named destinations that belong to other runs
    padding_template: bool = False  # its last page is the blank that pads the signature
    levels: tuple[int, ...] = ()  # the bookmark levels, in order: a run's outline starts at its own top


FontProgram = Callable[[str, set[int]], "bytes | None"]


def join_runs(runs: list[RunPdf], padding: int, padding_at: int | None, target, finish: Finish,
              font_program: FontProgram | None = None) -> int:
    """Join the runs into one finished PDF: outline, named destinations, shared fonts and images.

    ``padding`` copies of the padding page go before page index ``padding_at`` (the end when
    None). Links keep their named destinations, which are rebuilt over the whole book.
    ``font_program(name, glyphs)`` gives one font program for all the runs' subsets of the font
    ``name`` (None: keep them apart): each face is then embedded once.
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
            _collect_outline(source, index, placed, bookmarks, run.levels)
            _collect_names(source, index, placed, set(run.fake), names)
        if template is not None and padding:
            copied = merged.copy_foreign(template.obj)
            at = len(merged.pages) if padding_at is None else padding_at
            for _ in range(padding):
                page = merged.make_indirect(pikepdf.Dictionary({k: copied[k] for k in copied.keys() if k != "/Parent"}))
                merged.pages.insert(at, pikepdf.Page(page))
        _write_outline(merged, bookmarks)
        _write_names(merged, names)
        if font_program:
            _merge_fonts(merged, font_program)
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


def _collect_outline(source, index, placed, bookmarks, levels: tuple[int, ...] = ()) -> None:
    """The run's bookmarks in order, at their declared ``levels`` when given (else their depth).

    A run cut between two articles has no part opener: its articles are at the top of its own
    outline, but at level 2 of the book's.
    """
    if "/Outlines" not in source.Root:
        return

    def count(item) -> int:
        total = 0
        while item is not None:
            total += 1 + (count(item.First) if "/First" in item else 0)
            item = item.get("/Next")
        return total

    first = source.Root.Outlines.get("/First")
    order = iter(levels if len(levels) == count(first) else ())  # else: by depth, as WeasyPrint nested them

    def walk(item, depth):
        while item is not None:
            found = _destination(item.get("/Dest"))
            level = next(order, depth)
            if found and found[0] in index:
                closed = int(item.get("/Count", 0)) < 0
                bookmarks.append((level, str(item.Title), placed(index[found[0]]), found[1], found[2], closed))
            if "/First" in item:
                walk(item.First, depth + 1)
            item = item.get("/Next")

    walk(first, 1)


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


_CONTAINERS = (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)


def _share_streams(pdf: pikepdf.Pdf) -> None:
    """One copy of each font program, image and ICC profile that several runs embedded."""
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
    # Each run's colour spaces (its transparency groups') carry the sRGB profile: keep one.
    def profiles(value, depth: int = 0) -> None:
        if isinstance(value, pikepdf.Array):
            if len(value) == 2 and value[0] == pikepdf.Name.ICCBased and isinstance(value[1], pikepdf.Stream):
                value[1] = same(value[1])
            else:
                for item in value:
                    if isinstance(item, _CONTAINERS) and not item.is_indirect and depth < 4:
                        profiles(item, depth + 1)
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)) and depth < 4:
            for key in value.keys():
                item = value[key]
                if isinstance(item, _CONTAINERS) and (not item.is_indirect or isinstance(item, pikepdf.Array)):
                    profiles(item, depth + 1)

    for obj in list(pdf.objects):
        if isinstance(obj, _CONTAINERS):
            profiles(obj)


# --- One font per face across the runs ---

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _widths(array) -> dict[int, object]:
    """A CIDFont's /W array as {glyph id: width}: ``c [w1 w2 …]`` and ``first last w`` entries."""
    items, found, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for k, width in enumerate(items[i + 1]):
                found[first + k] = width
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                found[cid] = items[i + 2]
            i += 3
    return found


def _to_unicode(stream) -> dict[int, str] | None:
    """A ToUnicode CMap's glyph -> text entries (bfchar and bfrange); None when it cannot be read."""
    data = stream.read_bytes()
    found: dict[int, str] = {}
    try:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
            for cid, text in _BFCHAR.findall(block):
                found.setdefault(int(cid, 16), bytes.fromhex(text.decode()).decode("utf-16-be"))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
            if b"[" in block:
                return None  # array ranges: WeasyPrint does not write them
            for first, last, text in _BFRANGE.findall(block):
                start = bytes.fromhex(text.decode()).decode("utf-16-be")
                for k, cid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    found.setdefault(cid, start[:-1] + chr(ord(start[-1]) + k))
    except (ValueError, UnicodeDecodeError):
        return None
    return found


def _cmap(entries: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(entries.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>".encode() for cid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _w_array(widths: dict[int, object]) -> pikepdf.Array:
    """{glyph id: width} as a /W array of ``c [w1 w2 …]`` entries for runs of consecutive ids."""
    out: list = []
    for cid in sorted(widths):
        if out and cid == out[-2] + len(out[-1]):
            out[-1].append(widths[cid])
        else:
            out += [cid, [widths[cid]]]
    return pikepdf.Array([pikepdf.Array(v) if isinstance(v, list) else v for v in out])


def _mergeable(font) -> bool:
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
        return False
    cid = font.DescendantFonts[0]
    return (cid.get("/Subtype") == "/CIDFontType2" and cid.get("/CIDToGIDMap") == "/Identity"
            and "/FontFile2" in cid.FontDescriptor and "/W" in cid)


def _merge_fonts(pdf: pikepdf.Pdf, font_program: FontProgram) -> None:
    """Make the runs' fonts of one face a single font: one program, widths and ToUnicode map."""
    holders = []  # resource dictionaries that name fonts
    groups: dict[str, list] = {}
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        resources = obj.get("/Resources")
        if isinstance(resources, pikepdf.Dictionary) and isinstance(resources.get("/Font"), pikepdf.Dictionary):
            holders.append(resources.Font)
    for fonts in holders:
        for _, font in fonts.items():
            if isinstance(font, pikepdf.Dictionary) and _mergeable(font):
                members = groups.setdefault(str(font.BaseFont), [])
                if all(m.objgen != font.objgen for m in members):
                    members.append(font)
    replace = {}
    for name, members in groups.items():
        if len(members) < 2:
            continue
        widths: dict[int, object] = {}
        text: dict[int, str] = {}
        readable = True
        for font in members:  # in book order: the first text of a glyph wins, as in one pass
            for cid, width in _widths(font.DescendantFonts[0].W).items():
                widths.setdefault(cid, width)
            entries = _to_unicode(font.ToUnicode)
            readable = readable and entries is not None
            for cid, value in (entries or {}).items():
                text.setdefault(cid, value)
        program = font_program(name.lstrip("/"), set(widths) | set(text) | {0}) if readable else None
        if not program:
            continue
        keep = members[0]
        descriptor = keep.DescendantFonts[0].FontDescriptor
        boxes = [[float(v) for v in m.DescendantFonts[0].FontDescriptor.FontBBox] for m in members]
        descriptor.FontBBox = pikepdf.Array([min(b[0] for b in boxes), min(b[1] for b in boxes),
                                             max(b[2] for b in boxes), max(b[3] for b in boxes)])
        stream = pikepdf.Stream(pdf, zlib.compress(program, 9))
        stream.Filter = pikepdf.Name.FlateDecode
        stream.Length1 = len(program)
        descriptor.FontFile2 = pdf.make_indirect(stream)
        if "/CIDSet" in descriptor:  # PDF/A-1: the glyph ids present
            bits = bytearray((max(widths) // 8) + 1)
            for cid in widths:
                bits[cid // 8] |= 0x80 >> (cid % 8)
            cidset = pikepdf.Stream(pdf, zlib.compress(bytes(bits), 9))
            cidset.Filter = pikepdf.Name.FlateDecode
            descriptor.CIDSet = pdf.make_indirect(cidset)
        keep.DescendantFonts[0].W = _w_array(widths)
        cmap = pikepdf.Stream(pdf, zlib.compress(_cmap(text), 9))
        cmap.Filter = pikepdf.Name.FlateDecode
        keep.ToUnicode = pdf.make_indirect(cmap)
        for font in members[1:]:
            replace[font.objgen] = keep
    for fonts in holders:
        for key, font in list(fonts.items()):
            if isinstance(font, pikepdf.Dictionary) and font.objgen in replace:
                fonts[key] = replace[font.objgen]
