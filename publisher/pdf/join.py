"""Join runs of pages laid out apart (pdf.runs) into one finished PDF.

The same pages, outline and named destinations as one pass over the whole HTML; each font
program, image and colour profile that several runs embedded is kept once (pdf.fontmerge
makes the runs' subsets of one face a single font).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import pikepdf

from .finish import Finish, finish_document
from .fontmerge import FontProgram, merge_fonts


@dataclass
class RunPdf:
    """One run's PDF as WeasyPrint wrote it."""

    data: bytes
    fake: tuple[str, ...] = ()  # named destinations that belong to other runs
    padding_template: bool = False  # its last page is the blank that pads the signature
    levels: tuple[int, ...] = ()  # the bookmark levels, in order: a run's outline starts at its own top


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
            merge_fonts(merged, font_program)
        _share_streams(merged)
        # Object streams for the whole book: the runs' own ones would be written out loose.
        return finish_document(merged, target, finish, object_stream_mode=pikepdf.ObjectStreamMode.generate)
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
    kept: dict = {}  # objgen -> the copy kept for it: a run's pages share their fonts and images

    def same(stream):
        found = kept.get(stream.objgen)
        if found is None:
            key = hashlib.sha256(stream.read_raw_bytes()).hexdigest() + repr(sorted(
                (k, repr(stream.stream_dict[k])) for k in stream.stream_dict.keys() if k not in ("/SMask", "/Length")))
            if "/SMask" in stream.stream_dict:
                key += same(stream.SMask).objgen.__repr__()
            found = kept[stream.objgen] = canonical.setdefault(key, stream)
        return found

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
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
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

    # Only worth a walk over every object when two runs embedded the same profile.
    streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and "/N" in obj.stream_dict]
    if len({hashlib.sha256(s.read_raw_bytes()).digest() for s in streams}) == len(streams):
        return
    for obj in list(pdf.objects):
        if isinstance(obj, _CONTAINERS):
            profiles(obj)

