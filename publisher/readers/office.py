"""Read .odt, .rtf and .doc manuscripts by converting them to .docx with LibreOffice
(readers.libreoffice, which converts .ods rosters to .xlsx for readers.spreadsheet too).

The conversion runs ``soffice --headless --convert-to docx`` into a temporary
folder (the manuscript is never modified; the result is kept in the cache by the file's
bytes), then the .docx reader reads a copy of it
as if it were the manuscript: diagnostics, errors and image names refer to the
original file. Everything the .docx reader supports applies, as far as
LibreOffice carries it over (styles, footnotes, images and tables do; legacy
fonts keep their names, so TCVN3/VNI runs are still converted).

LibreOffice follows links while it loads a document (an RTF ``INCLUDEPICTURE
"file:///…"`` field, an image of an HTML file saved as .doc, a linked section of an
.odt), so it never gets to: office_links.refuse_linked_content checks the file first
and refuses one that links to content outside itself, with the reason. It then runs
with a fresh profile (macros off, links never updated) and, where the system allows
(``unshare -rn``, Linux user namespaces), without any network.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import ManuscriptError
from . import ReadResult, Source
from .libreoffice import convert_ahead, converted

SUFFIXES = (".odt", ".rtf", ".doc")


def prepare(paths: list[Path]) -> None:
    """Convert these manuscripts in one LibreOffice run (into the cache ``converted`` reads)."""
    convert_ahead(paths, "docx")


def read(source: Source) -> ReadResult:
    """Convert one manuscript to .docx in a temporary folder and read that."""
    from . import docx

    if not source.path.is_file():
        raise ManuscriptError("the file does not exist", source.rel)
    with converted(source.path, "docx", source.rel) as path, tempfile.TemporaryDirectory(
            prefix="publisher-office-") as folder:
        # Images are named after the manuscript, not after the converted file (kept in the cache).
        named = Path(folder) / (source.path.stem + ".docx")
        shutil.copyfile(path, named)
        result = docx.read(replace(source, path=named))
    result.article.meta["converted_from"] = source.path.suffix.lower().lstrip(".")
    return result
