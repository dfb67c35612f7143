"""What every reader shares: reading a manuscript's bytes once, and checking image paths."""

from __future__ import annotations

import re
from pathlib import Path

from ..encodings import Decoded, decode_bytes
from ..errors import ManuscriptError

MAX_MANUSCRIPT_BYTES = 20 * 1024 * 1024
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def decode_source(source) -> tuple[str, Decoded]:
    """The manuscript's text, decoded and NFC, with "\\n" line endings."""
    try:
        size = source.path.stat().st_size
        if size > MAX_MANUSCRIPT_BYTES:
            raise ManuscriptError(
                f"the file is {size // (1024 * 1024)} MB; a manuscript may be at most "
                f"{MAX_MANUSCRIPT_BYTES // (1024 * 1024)} MB",
                source.rel,
                hint="split it into several articles",
            )
        data = source.path.read_bytes()
    except OSError as exc:
        raise ManuscriptError(f"cannot read the file: {exc.strerror}", source.rel) from exc
    decoded = decode_bytes(data, source.rel, source.options.get("encoding"))
    if "\x00" in decoded.text:
        line = decoded.text[: decoded.text.index("\x00")].count("\n") + 1
        raise ManuscriptError("the file contains NUL bytes: it is not a text file", source.rel, line)
    return decoded.text, decoded


def resolve_image(source, src: str, line: int | None) -> str:
    """An image reference made project-relative; refused when missing, remote or outside the project."""
    if not src:
        raise ManuscriptError("an image without a file name", source.rel, line)
    if _REMOTE.match(src):
        raise ManuscriptError(
            f"image {src} is not a file in the project; remote and file: URLs are not used",
            source.rel,
            line,
            hint="download the image into the images/ folder and point to it",
        )
    candidate = Path(src)
    path = (source.path.parent / candidate).resolve() if not candidate.is_absolute() else candidate
    root = source.root.resolve()
    if not path.is_relative_to(root):
        raise ManuscriptError(f"image {src} is outside the project folder", source.rel, line)
    if not path.is_file():
        raise ManuscriptError(f"image {src} does not exist", source.rel, line)
    return path.relative_to(root).as_posix()
