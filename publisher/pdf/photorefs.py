"""Put camera photos into a finished PDF by reference: stand-ins while laying out, the real bytes at the end.

A print PDF keeps its photos at full resolution, as the camera's own JPEG bytes. Laying out,
caching and joining runs of pages with hundreds of those (2–5 MB each) would hold them in
memory several times over; instead WeasyPrint gets a stand-in of the same pixel size for each
(images.placeholder), and the finished file gets each photo's bytes copied straight from its
JPEG file: qpdf writes the book with a short mark as each photo's stream (``_marked``).

A build writes the file with ``photos_ahead``: the photos first, copied in on a thread from
the moment the output file is opened, so a photo book's gigabytes go to disk while the pages
are laid out; then each photo object's first line and dictionary are written into the room
left before its bytes, and the rest of qpdf's file after the photos, its cross-reference
offsets moved. ``expand`` writes the same book in one go, each mark replaced by its photo in
place (``_splice``): into memory, and where the photos written ahead are not the ones the
pages show. Nothing holds more than a buffer of a photo, so memory does not grow with the
photos, and each photo's bytes are read once and written once.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import re
import stat
import threading
from pathlib import Path

import pikepdf

from ..images import jpeg_without_exif, photo_profile, placeholder, placeholder_digest
from ..workers import on_a_thread
from .iccbased import Profiles

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
    written, shown = _marked(data, photos)
    if not shown:
        target.write(written)
    else:
        _splice(written, target, {digest: photos[digest] for digest in shown})


def _marked(data: bytes, photos: dict[str, Path]) -> tuple[bytes, list[str]]:
    """The PDF ``data`` saved by qpdf with a short mark as the stream of each photo it shows
    (without object streams, for the splicer), and the digests of those photos; the file as
    it was (object streams and all) when it shows none."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        shown: dict[str, pikepdf.Object] = {}  # digest -> what the pages draw: the marked image, or a form turning it
        profiles = Profiles(pdf, reuse=True)  # a phone's Display P3 photo keeps its colours (pdf.iccbased)

        def real(stream: pikepdf.Object) -> pikepdf.Object | None:
            if stream.get("/Filter") != pikepdf.Name.DCTDecode:
                return None
            found = placeholder_digest(stream.read_raw_bytes()[:128])
            if found is None or found[0] not in photos:
                return None
            digest, orientation, stored = found
            if digest not in shown:  # a photo shown twice is stored once
                mark = pikepdf.Stream(pdf, _MARK + digest.encode("ascii"))
                for key, value in stream.stream_dict.items():
                    if key != "/Length":
                        mark.stream_dict[key] = value
                # The photo's size as stored: the stand-in is upright, and smaller than a 200-megapixel photo.
                mark.stream_dict.Width, mark.stream_dict.Height = stored
                with _open_photo(photos[digest]) as handle:  # its colour profile, from the headers
                    space = profiles.space(photo_profile(handle))
                if space is not None and mark.stream_dict.get("/ColorSpace") == pikepdf.Name.DeviceRGB:
                    mark.stream_dict.ColorSpace = space
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
        written = io.BytesIO()
        if not shown:
            pdf.save(written, deterministic_id=True)
        else:
            # No object streams: the splicer needs the plain cross-reference table to move offsets
            # in (a photo book's other objects are a small part of it).
            pdf.save(written, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return written.getvalue(), list(shown)


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
        behind = _WriteBehind(target)
        for where, replaced, put in edits:
            target.write(body[at:where])
            if isinstance(put, bytes):
                target.write(put)
            else:
                _copy_ranges(*put, target)
                behind()
            at = where + replaced
        target.write(body[at:table_at])
        target.write(b"".join(table))
        target.write(body[table_end:body.rindex(b"startxref")])
        target.write(b"startxref\n%d\n%%%%EOF\n" % moved(table_at))


class _WriteBehind:
    """Has the kernel start writing a large file to disk as it is copied in, a few tens of
    megabytes at a time: the fsync that ends the file then waits for the last of it, not for
    all of a photo book's gigabytes (the copying and the disk's writing overlap)."""

    def __init__(self, target):
        self.target = target
        self.fd = _fileno(target) if hasattr(os, "posix_fadvise") else None
        self.done = 0

    def __call__(self) -> None:
        """The file has been written up to where its offset is now."""
        if self.fd is not None:
            self.target.flush()
            self.up_to(os.lseek(self.fd, 0, os.SEEK_CUR))

    def up_to(self, at: int) -> None:
        """The file has been written up to ``at``."""
        if self.fd is not None and at - self.done >= _WRITE_BEHIND:
            # Linux starts the writing of a range's dirty pages when told they are not needed
            # again (and drops those already written: the book is not read back).
            with contextlib.suppress(OSError):
                os.posix_fadvise(self.fd, self.done, at - self.done, os.POSIX_FADV_DONTNEED)
            self.done = at


_WRITE_BEHIND = 32 << 20


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
    if kernel is not None:  # into a file: at its offset, by the kernel where it can (_copy_to)
        target.flush()  # what was buffered goes first
        at = target.tell()
        target.seek(at + _copy_to(handle, ranges, kernel, at))
        return
    for start, length in ranges:  # into memory
        handle.seek(start)
        left = length
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


@contextlib.contextmanager
def photos_ahead(target, photos: dict[str, Path]):
    """A writer of the book into ``target`` (a new, empty file) whose photos' bytes are copied
    in on a thread from the start, while the pages are still being laid out; its ``expand(data)``
    then writes the rest. For ``target`` that is not a plain file it is ``expand`` itself.
    Nothing writes into ``target`` once the block is left."""
    ahead = _PhotosFirst(target, photos)
    if ahead.fd is None:
        yield ahead
        return
    with on_a_thread(ahead.copy) as ahead.copied:
        try:
            yield ahead
        finally:
            ahead.halt.set()


class _PhotosFirst:
    """The file written photos first: the header's room, then for each photo (in the order of
    their digests) a slot for its object's first line and dictionary, its bytes and the end of
    its stream, then the rest of the book, its cross-reference table and trailer.

    Everything but the slots' text is known before the pages are laid out (the photos' sizes),
    so a photo book's gigabytes go to disk while the pages are laid out. After it, qpdf's file
    gives each photo object's first line and dictionary (padded with spaces in its slot: spaces
    between objects are allowed) and the other objects, their offsets moved past the photos.
    A book that does not show exactly these photos, or whose header or a photo's dictionary
    would not fit its room, is written again by ``expand`` from the start (either way the same
    sources give the same bytes).
    """

    def __init__(self, target, photos: dict[str, Path]):
        self.target, self.photos = target, photos
        self.fd = _fileno(target) if photos and target.tell() == 0 else None
        self.slots: list[tuple[str, int, int, int]] = []  # digest, slot, its photo's bytes, their length
        self.end = 0
        self.halt = threading.Event()  # the block was left: stop copying
        self.copied = None  # the future of ``copy`` on its thread (workers.on_a_thread)

    def copy(self) -> None:
        """Copy every photo's bytes into its place (on the helper thread)."""
        at, behind = _HEAD_ROOM, _WriteBehind(self.target)
        for digest in sorted(self.photos):
            if self.halt.is_set():
                return
            with _open_photo(self.photos[digest]) as handle:
                ranges = jpeg_without_exif(handle, os.fstat(handle.fileno()).st_size)
                start = at + _SLOT
                length = _copy_to(handle, ranges, self.fd, start)
            os.pwrite(self.fd, _STREAM_END, start + length)
            self.slots.append((digest, at, start, length))
            at = start + length + len(_STREAM_END)
            behind.up_to(at)
        self.end = at

    def expand(self, data: bytes) -> None:
        """Write the book laid out as ``data`` (stand-ins for the photos) with the photos in."""
        if self.fd is None:
            expand(data, self.target, self.photos)
            return
        self.copied.result()  # every photo copied in (or the copying's error raised here)
        written, shown = _marked(data, self.photos)
        if sorted(shown) == [digest for digest, *_ in self.slots]:
            with contextlib.suppress(_NoRoom):
                self._finish(written)
                return
        self.target.flush()
        os.ftruncate(self.fd, 0)
        self.target.seek(0)
        expand(data, self.target, self.photos)

    def _finish(self, body: bytes) -> None:
        table_at, entries, table_end = _xref(body)
        starts = sorted(offset for offset, in_use in entries if in_use)
        first = starts[0]
        if first > _HEAD_ROOM:
            raise _NoRoom
        streams = _streams_of(body, {_MARK + digest.encode("ascii") for digest, *_ in self.slots}, starts)
        moved: dict[int, int] = {}  # an offset in ``body`` -> the object's offset in the file
        cuts = []
        heads = []
        for digest, slot, start, length in self.slots:
            found = streams[_MARK + digest.encode("ascii")]
            index = bisect.bisect_right(starts, found.start()) - 1
            begins = starts[index]
            head = body[begins:found.start(1)] + str(length).encode("ascii") + body[found.end(1):found.start(2)]
            if len(head) > _SLOT:
                raise _NoRoom
            heads.append((slot, b" " * (_SLOT - len(head)) + head))
            moved[begins] = start - len(head)
            cuts.append((begins, starts[index + 1] if index + 1 < len(starts) else table_at))
        cuts.sort()
        pieces, at = [], first
        for begins, ends in cuts:
            pieces.append(body[at:begins])
            at = ends
        pieces.append(body[at:table_at])
        cut_at, cut_before = [begins for begins, _ in cuts], [0]
        for begins, ends in cuts:
            cut_before.append(cut_before[-1] + ends - begins)
        for offset in starts:
            if offset not in moved:
                moved[offset] = self.end + offset - first - cut_before[bisect.bisect_left(cut_at, offset)]
        rest = b"".join(pieces)
        table_in_file = self.end + len(rest)
        table = [b"xref\n"]
        for line, entry in _table_lines(body, table_at):
            table.append(b"%010d" % moved[int(line[:10])] + line[10:] if entry and line[17:18] == b"n" else line)
        os.pwrite(self.fd, body[:first] + b" " * (_HEAD_ROOM - first), 0)
        for slot, text in heads:
            os.pwrite(self.fd, text, slot)
        self.target.seek(self.end)
        self.target.write(rest)
        self.target.write(b"".join(table))
        self.target.write(body[table_end:body.rindex(b"startxref")])
        self.target.write(b"startxref\n%d\n%%%%EOF\n" % table_in_file)


class _NoRoom(Exception):
    """The header or a photo's first line and dictionary is longer than its room in the file."""


# Room for qpdf's header (``%PDF-1.7`` and a line of binary bytes) and for each photo's
# ``12 0 obj`` and image dictionary (about 150 bytes; a CMYK photo's /Decode array adds 30).
_HEAD_ROOM = 64
_SLOT = 512
_STREAM_END = b"\nendstream\nendobj\n"


def _copy_to(handle, ranges: list[tuple[int, int]], fd: int, at: int) -> int:
    """Copy the ``ranges`` of the photo file ``handle`` into ``fd`` from offset ``at``; their length."""
    written, kernel = 0, True
    for start, length in ranges:
        done = 0
        while done < length:
            copied = None
            if kernel:  # copied by the kernel, not through this process
                try:
                    copied = os.copy_file_range(handle.fileno(), fd, length - done, start + done, at + written)
                except OSError:  # another file system, an old kernel: read and write
                    kernel = False
            if copied is None:
                chunk = os.pread(handle.fileno(), min(_CHUNK, length - done), start + done)
                copied = os.pwrite(fd, chunk, at + written) if chunk else 0
            if not copied:
                raise OSError(f"{handle.name}: the photo changed while the PDF was written")
            done += copied
            written += copied
    return written
