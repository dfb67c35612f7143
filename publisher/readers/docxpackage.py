"""The .docx package: opened after its sizes are checked, its parts read, and a copy of it with
the main document part replaced (text boxes brought into the flow, pictures marked).

A Word file is a zip archive, and may be hostile: a part that unpacks to a hundred times what it
stores (a zip bomb), parts that would fill the memory, a password. The parts read into memory
(XML) may unpack to MAX_UNCOMPRESSED; the pictures (``word/media/``), copied into the cache one by
one, to MAX_PICTURES: an album of 100 camera photos that Word keeps at full size ("High fidelity",
Microsoft 365's default) is a 400 MB file, which one limit for both refused.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..errors import ManuscriptError

DOCUMENT = "word/document.xml"
PICTURES = "word/media/"
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, the package's parts but its pictures
MAX_PICTURES = 2 * 1024 * 1024 * 1024  # bytes, its pictures
MAX_RATIO = 100  # uncompressed / compressed, per entry
RATIO_FLOOR = 1024 * 1024  # entries smaller than this cannot be bombs
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def open_archive(source) -> zipfile.ZipFile:
    """Open the .docx as a zip after checking it is a sane Word document."""
    damaged = "open it in Word or LibreOffice and save it again as .docx"
    try:
        archive = zipfile.ZipFile(source.path)
    except zipfile.BadZipFile as exc:
        raise ManuscriptError(
            "this is not a Word .docx file (it is not a zip archive); it may be damaged, "
            "or an old .doc renamed to .docx",
            source.rel,
            hint=damaged,
        ) from exc
    except OSError as exc:
        raise ManuscriptError(
            f"cannot read the file: {exc.strerror or exc}", source.rel
        ) from exc
    entries = archive.infolist()
    pictures = sum(entry.file_size for entry in entries if is_picture(entry.filename))
    total = sum(entry.file_size for entry in entries) - pictures
    problem = hint = None
    if total > MAX_UNCOMPRESSED:
        problem = (
            f"it would unpack to {total // (1024 * 1024)} MB, more than the "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB allowed"
        )
    elif pictures > MAX_PICTURES:
        problem = (f"its pictures take {pictures // (1024 * 1024):,} MB, more than the "
                   f"{MAX_PICTURES // (1024 * 1024):,} MB allowed")
        hint = ("in Word, File > Compress Pictures at 330 ppi (Print) makes them smaller; or put the "
                "photos in images/ and show them with a gallery block")
    for entry in entries:
        if entry.flag_bits & 0x1:
            problem = (
                "it is password-protected; remove the password in Word and save again"
            )
        elif entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            problem = (
                f"its part {entry.filename} unpacks {entry.file_size // max(entry.compress_size, 1)} "
                "times larger than stored (a zip bomb?)"
            )
    names = {entry.filename for entry in entries}
    if problem is None and "word/document.xml" not in names:
        problem = "it has no word/document.xml: it is not a Word document"
    if problem:
        archive.close()
        raise ManuscriptError(
            f"refusing to read this .docx: {problem}", source.rel, hint=hint or damaged
        )
    return archive


def raw_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of a part of the package; none when it is missing or damaged (mammoth reports that)."""
    try:
        return archive.read(name)
    except (KeyError, zipfile.BadZipFile, ValueError, OSError):
        return b""


def part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(archive.read(name), _XML)
    except KeyError:
        return None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError):
        return None  # mammoth reports a damaged part when it reads it


def is_picture(name: str) -> bool:
    """Whether a part of the package is a picture (``word/media/…``): stored bytes, never parsed."""
    return name.startswith(PICTURES)


def with_document(archive: zipfile.ZipFile, document: bytes, folder: Path):
    """A copy of the .docx with its main document part replaced, in a nameless file in ``folder``
    (the cache): a Word file of photos kept at full size holds hundreds of megabytes, which a copy
    in memory doubled. Pictures are copied in chunks and stored as they are (JPEG bytes gain
    nothing from being compressed again, and it took seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = tempfile.TemporaryFile(dir=folder)
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as copy:
            for entry in archive.infolist():
                if entry.filename == DOCUMENT:
                    copy.writestr(entry, document)
                elif is_picture(entry.filename):
                    stored = zipfile.ZipInfo(entry.filename, entry.date_time)
                    stored.compress_type = zipfile.ZIP_STORED
                    stored.file_size = entry.file_size
                    with archive.open(entry) as source, copy.open(stored, "w", force_zip64=True) as target:
                        shutil.copyfileobj(source, target, 1 << 20)
                else:
                    copy.writestr(entry, archive.read(entry.filename))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return _Nameless(out)


class _Nameless:
    """A file without its ``name`` (a temporary file's is a descriptor's number), which mammoth
    would take for the document's path."""

    def __init__(self, handle: BinaryIO):
        self._handle = handle

    def __getattr__(self, attribute: str):
        if attribute == "name":
            raise AttributeError(attribute)
        return getattr(self._handle, attribute)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()
