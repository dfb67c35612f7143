"""Put camera photos into a finished PDF by reference: stand-ins while laying out, the real bytes at the end.

A print PDF keeps its photos at full resolution, as the camera's own JPEG bytes. Laying out,
caching and joining runs of pages with hundreds of those (2–5 MB each) would hold them in
memory several times over; instead WeasyPrint gets a stand-in of the same pixel size for each
(images.placeholder), and ``expand`` writes the finished file with each photo's bytes copied
straight from its JPEG file in place of the stand-in: qpdf writes the book with a short mark
as each photo's stream, and ``_splice`` copies that file out, putting the photo's bytes in at
each mark and moving the cross-reference offsets by what was put in. Nothing holds more than
a buffer of a photo, so memory does not grow with the photos, and each photo's bytes are
read once and written once.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import re
import stat
from pathlib import Path

import pikepdf

from ..images import jpeg_without_exif, placeholder, placeholder_digest

_MARK = b"publisher-photo-ref:"
_CHUNK = 1 << 20


class SpliceError(RuntimeError):
    """qpdf wrote the file in a form the splicer does not know (a new qpdf: see tests/render/test_photorefs.py)."""


def by_reference(images: dict[str, Path], cache: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """(the hrefs mapped to what WeasyPrint should load, digest -> photo file for ``expand``)."""
    served, photos = {}, {}
    for href, path in images.items():
        found = placeholder(path, cache)
        if found is None:
            served[href] = path
        else:
            served[href], photos[found[0]] = found[1], path
    return served, photos


def expand(data: bytes, target, photos: dict[str, Path]) -> None:
    """Write the PDF ``data`` into ``target`` (a binary file) with each stand-in replaced by its photo."""
    if not photos:
        target.write(data)
        return
    with pikepdf.open(io.BytesIO(data)) as pdf:
        shown: dict[str, pikepdf.Object] = {}  # digest -> what the pages draw: the marked image, or a form turning it

        def real(stream: pikepdf.Object) -> pikepdf.Object | None:
            if stream.get("/Filter") != pikepdf.Name.DCTDecode:
                return None
            found = placeholder_digest(stream.read_raw_bytes()[:128])
            if found is None or found[0] not in photos:
                return None
            digest, orientation = found
            if digest not in shown:  # a photo shown twice is stored once
                mark = pikepdf.Stream(pdf, _MARK + digest.encode("ascii"))
                for key, value in stream.stream_dict.items():
                    if key != "/Length":
                        mark.stream_dict[key] = value
                if orientation in (5, 6, 7, 8):  # stored a quarter turn from how it is shown
                    mark.stream_dict.Width, mark.stream_dict.Height = stream.stream_dict.Height, stream.stream_dict.Width
                image = pdf.make_indirect(mark)
                shown[digest] = image if orientation == 1 else _turned(pdf, image, orientation)
            return shown[digest]

        def walk(holder, depth: int = 0) -> None:
            resources = holder.get("/Resources")
            xobjects = resources.get("/XObject") if resources is not None else None
            if xobjects is None or depth > 8:
                return
            for name in list(xobjects.keys()):
                xobject = xobjects[name]
                if xobject.get("/Subtype") == pikepdf.Name.Image:
                    swapped = real(xobject)
                    if swapped is not None:
                        xobjects[name] = swapped
                elif xobject.get("/Subtype") == pikepdf.Name.Form:
                    walk(xobject, depth + 1)

        for page in pdf.pages:
            walk(page.obj)
        if not shown:
            pdf.save(target, deterministic_id=True)
            return
        # No object streams: the splicer needs the plain cross-reference table to move offsets in
        # (a photo book's other objects are a small part of it).
        written = io.BytesIO()
        pdf.save(written, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    _splice(written.getvalue(), target, {digest: photos[digest] for digest in shown})


# The matrix taking the unit square of a photo as stored to the unit square as shown, for each
# EXIF orientation. A PDF image puts its first row at the top (y = 1): a pixel stored at (u, v),
# v counted down, is drawn at (u, 1 - v); orientation 6 (turn a quarter clockwise) shows it at
# (1 - v, u) counted down, that is (y, 1 - x) in the square.
_TURNS = {2: (-1, 0, 0, 1, 1, 0), 3: (-1, 0, 0, -1, 1, 1), 4: (1, 0, 0, -1, 0, 1), 5: (0, -1, -1, 0, 1, 1),
          6: (0, -1, 1, 0, 0, 1), 7: (0, 1, 1, 0, 0, 0), 8: (0, 1, -1, 0, 1, 0)}


def _turned(pdf: pikepdf.Pdf, image: pikepdf.Object, orientation: int) -> pikepdf.Object:
    """A form drawing ``image`` (the camera's bytes, as stored) the way its EXIF orientation shows
    it, in the unit square the page draws the stand-in in: turned by the PDF, not re-encoded."""
    matrix = " ".join(str(v) for v in _TURNS[orientation])
    return pdf.make_indirect(pikepdf.Stream(
        pdf, f"q {matrix} cm /Photo Do Q".encode("ascii"), Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Photo=image))))


def _splice(body: bytes, target, photos: dict[str, Path]) -> None:
    """Copy the PDF ``body`` into ``target``, each photo's mark replaced by the photo's JPEG bytes."""
    table_at, entries, table_end = _xref(body)
    starts = sorted(offset for offset, in_use in entries if in_use)
    edits: list[tuple[int, int, object]] = []  # (where, bytes replaced, bytes or a photo's ranges)
    with contextlib.ExitStack() as files:  # every photo opened is closed, whatever fails
        streams = _streams_of(body, {_MARK + digest.encode("ascii") for digest in photos}, starts)
        for digest, path in photos.items():
            mark = _MARK + digest.encode("ascii")
            found = streams[mark]
            handle = files.enter_context(_open_photo(path))
            ranges = jpeg_without_exif(handle, os.fstat(handle.fileno()).st_size)
            declared = found.start(1)
            edits.append((declared, found.end(1) - declared, str(sum(n for _, n in ranges)).encode("ascii")))
            edits.append((found.start(2), len(mark), (handle, ranges)))
        edits.sort(key=lambda edit: edit[0])
        wheres, shifts = [], [0]  # shifts[i]: what the first i edits moved the bytes after them by
        for where, replaced, put in edits:
            wheres.append(where)
            shifts.append(shifts[-1] + _size_of(put) - replaced)

        def moved(offset: int) -> int:
            return offset + shifts[bisect.bisect_left(wheres, offset)]

        table = [b"xref\n"]
        for line, entry in _table_lines(body, table_at):
            table.append(b"%010d" % moved(int(line[:10])) + line[10:] if entry and line[17:18] == b"n" else line)
        at = 0
        for where, replaced, put in edits:
            target.write(body[at:where])
            if isinstance(put, bytes):
                target.write(put)
            else:
                _copy_ranges(*put, target)
            at = where + replaced
        target.write(body[at:table_at])
        target.write(b"".join(table))
        target.write(body[table_end:body.rindex(b"startxref")])
        target.write(b"startxref\n%d\n%%%%EOF\n" % moved(table_at))


def _size_of(put) -> int:
    return len(put) if isinstance(put, bytes) else sum(n for _, n in put[1])


def _xref(body: bytes) -> tuple[int, list[tuple[int, bool]], int]:
    """(where the table starts, its entries as (offset, in use), where the trailer starts)."""
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", body[-128:])
    if tail is None:
        raise SpliceError("no startxref at the end")
    table_at = int(tail.group(1))
    if not body.startswith(b"xref", table_at):
        raise SpliceError("no cross-reference table (qpdf wrote a stream?)")
    entries = [(int(line[:10]), line[17:18] == b"n") for line, entry in _table_lines(body, table_at) if entry]
    return table_at, entries, body.index(b"trailer", table_at)


_SUBSECTION = re.compile(rb"(\d+) (\d+)\r?\n")
_ENTRY = re.compile(rb"\d{10} \d{5} [nf](?: \r| \n|\r\n)")


def _table_lines(body: bytes, table_at: int) -> list[tuple[bytes, bool]]:
    """The table's subsection headers and 20-byte entries as written, each with whether it is an entry."""
    at = body.index(b"\n", table_at) + 1
    lines = []
    while (header := _SUBSECTION.match(body, at)) is not None:
        lines.append((header.group(0), False))
        at = header.end()
        for _ in range(int(header.group(2))):
            if _ENTRY.fullmatch(body, at, at + 20) is None:
                raise SpliceError(f"odd cross-reference entry {body[at:at + 20]!r}")
            lines.append((body[at:at + 20], True))
            at += 20
    return lines


_MARKED = re.compile(rb"/Length (\d+) >>\r?\n(?:stream)\r?\n(" + re.escape(_MARK) + rb"[!-~]{1,200})\r?\nendstream")


def _streams_of(body: bytes, marks: set[bytes], starts: list[int]) -> dict[bytes, re.Match]:
    """Each mark as a stream's whole data, with its /Length: the first stream of the object it is in
    (so a mark written into some other stream's data, a title in the XMP say, is never taken).
    One pass over the body for all the marks: a photo book has hundreds."""
    found: dict[bytes, re.Match] = {}
    for match in _MARKED.finditer(body):
        mark = match.group(2)
        if mark not in marks or mark in found or int(match.group(1)) != len(mark):
            continue
        index = bisect.bisect_right(starts, match.start()) - 1
        keyword = match.start() + match.group(0).index(b"stream")
        if index >= 0 and body.find(b"stream", starts[index]) == keyword:
            found[mark] = match
    missing = sorted(marks - found.keys())
    if missing:
        raise SpliceError(f"no stream holds {missing[0][:40]!r}")
    return found


def _open_photo(path: Path):
    """The photo file, opened without following a link (the path was checked when it was collected)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise IsADirectoryError(21, "not a regular file", str(path))
    return os.fdopen(fd, "rb")


def _copy_ranges(handle, ranges: list[tuple[int, int]], target) -> None:
    kernel = _fileno(target)
    if kernel is not None:
        target.flush()  # the kernel writes at the file's offset: what was buffered goes first
    for start, length in ranges:
        left = length
        while left and kernel is not None:  # copied by the kernel, not through this process
            try:
                copied = os.copy_file_range(handle.fileno(), kernel, left, start + length - left)
            except OSError:
                kernel = None  # another file system, or a kernel without it: read and write
                break
            if not copied:
                raise OSError(f"{handle.name}: the photo changed while the PDF was written")
            left -= copied
        handle.seek(start + length - left)
        while left:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                raise OSError(f"{handle.name}: the photo changed while the PDF was written")
            target.write(chunk)
            left -= len(chunk)


def _fileno(target) -> int | None:
    """The file descriptor of a plain file ``target`` writes into (None: a buffer, a pipe)."""
    try:
        fd = target.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if hasattr(os, "copy_file_range") and stat.S_ISREG(os.fstat(fd).st_mode) else None
