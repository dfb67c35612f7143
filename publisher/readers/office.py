"""Read .odt, .rtf and .doc manuscripts by converting them to .docx with LibreOffice.

The conversion runs ``soffice --headless --convert-to docx`` into a temporary
folder (the manuscript is never modified), then the .docx reader reads the copy
as if it were the manuscript: diagnostics, errors and image names refer to the
original file. Everything the .docx reader supports applies, as far as
LibreOffice carries it over (styles, footnotes, images and tables do; legacy
fonts keep their names, so TCVN3/VNI runs are still converted).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import DependencyError, ManuscriptError
from . import ReadResult, Source

SUFFIXES = (".odt", ".rtf", ".doc")
TIMEOUT_SECONDS = 180
PROGRAMS = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def read(source: Source) -> ReadResult:
    """Convert one manuscript to .docx in a temporary folder and read that."""
    from . import docx

    program = find_soffice()
    if program is None:
        raise DependencyError(
            f"reading {source.path.suffix} files needs LibreOffice, which was not found",
            source.rel,
            hint="install LibreOffice (apt-get install libreoffice-writer; on macOS "
            "brew install --cask libreoffice) or save the file as .docx in your word processor",
        )
    if not source.path.is_file():
        raise ManuscriptError("the file does not exist", source.rel)
    with tempfile.TemporaryDirectory(prefix="publisher-office-") as folder:
        out = Path(folder)
        # Copy first: LibreOffice takes a lock file next to the input, and a
        # manuscript open in Word must not be touched.
        copy = out / f"manuscript{source.path.suffix.lower()}"
        shutil.copyfile(source.path, copy)
        profile = out / "profile"  # a private profile: works while LibreOffice is open
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(out / "docx"),
            str(copy),
        ]
        try:
            completed = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                env=os.environ | {"HOME": folder},
            )
        except subprocess.TimeoutExpired as exc:
            raise ManuscriptError(
                f"LibreOffice did not finish converting the file in {TIMEOUT_SECONDS} s",
                source.rel,
            ) from exc
        except OSError as exc:
            raise DependencyError(
                f"LibreOffice could not be started: {exc}", source.rel
            ) from exc
        converted = out / "docx" / "manuscript.docx"
        if not converted.is_file():
            detail = (completed.stderr or completed.stdout or "").strip().splitlines()
            raise ManuscriptError(
                "LibreOffice could not convert the file to .docx"
                + (f": {detail[-1]}" if detail else ""),
                source.rel,
                hint="open it in a word processor and save it as .docx",
            )
        # Images are named after the manuscript, not after the temporary copy.
        named = converted.with_name(source.path.stem + ".docx")
        converted.rename(named)
        result = docx.read(replace(source, path=named))
    result.article.meta["converted_from"] = source.path.suffix.lower().lstrip(".")
    return result
