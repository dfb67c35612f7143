"""The project folder's trust boundary: which paths a project may name, how files are read and written.

A project folder is untrusted input (it may come by e-mail or on a USB stick). The rules,
in one place so that every module applies the same ones:

- ``project_path``: a path a project names (in book.toml, a manuscript, a data file) is
  relative, and once resolved (``..`` and symbolic links followed) it stays inside the
  project folder; anything else is refused with the reason in plain words.
- ``read_bytes``: a file is read through a descriptor opened without following a symbolic
  link in its last component (the caller resolved and checked the path first), and its
  size is checked on that descriptor before anything is read.
- ``replacing`` / ``write_file``: a file is written to a fresh temporary file made in the
  target folder (``mkstemp``: ``O_EXCL``, never through a planted link) and renamed into
  place, so a symbolic link at the final name is replaced, never written through.
- ``shorten``: what an error message quotes from the input is bounded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

# Sizes above anything a real book needs; a larger file is refused before it is read.
MAX_CONFIG_BYTES = 1 << 20  # book.toml
MAX_STYLE_BYTES = 4 << 20  # a stylesheet or template in styles/
MAX_IMAGE_BYTES = 100 << 20  # a photo (a 100-megapixel JPEG is about 40 MB)
# A scan saved as uncompressed TIFF or BMP (an archive's master: an A4 page at 600 dpi is 104 MB,
# 209 MB in 48-bit colour, as is an A3 page at 600 dpi); read from disk as it is decoded, never whole.
MAX_SCAN_BYTES = 320 << 20
MAX_FONT_BYTES = 64 << 20  # a font file (Noto CJK is 20 MB)
MAX_ICC_BYTES = 16 << 20  # an ICC profile (the big CMYK ones are 2 MB)
MAX_QUOTED = 200  # characters of input an error message quotes
PARTIAL = ".partial-"  # in the name of a file being written (see ``replacing``)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafePath(ValueError):
    """A path refused by the project's rules; the message says why, without the file name."""


def shorten(text: object, limit: int = MAX_QUOTED) -> str:
    """``text`` as a string of at most about ``limit`` characters, for an error message."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def bad_name(path: Path | str) -> str | None:
    """The name shown for a path that is not valid UTF-8 (it cannot be written into the outputs), else None."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return None


def project_path(root: Path, name: str, base: Path | None = None) -> Path:
    """The resolved path of ``name`` (relative to ``base``, default the project ``root``).

    Raises UnsafePath when ``name`` is absolute, or when it leads outside ``root`` by
    ``..`` or through a symbolic link. The path need not exist.
    """
    if not name or "\x00" in name:
        raise UnsafePath("is not a file name")
    if Path(name).is_absolute() or name.startswith(("\\", "~")) or (len(name) > 1 and name[1] == ":"):
        raise UnsafePath("is an absolute path; give a path inside the project folder")
    real_root = root.resolve()
    path = ((base or root) / name).resolve()
    if not path.is_relative_to(real_root):
        lexical = Path(os.path.normpath((base or root) / name))
        via_link = lexical.is_relative_to(root) or lexical.is_relative_to(real_root)
        raise UnsafePath("leads outside the project folder through a symbolic link" if via_link
                         else "is outside the project folder")
    return path


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed, is inside ``root``."""
    return path.resolve().is_relative_to(root.resolve())


class TooLarge(OSError):
    """A file over its size limit; ``size`` and ``limit`` in bytes."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"the file is {_size(size)}; the limit is {_size(limit)}")
        self.size, self.limit = size, limit


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n:,} bytes"


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, read without following a link in its last part.

    Raises TooLarge over ``limit`` bytes (checked before reading), and OSError as ``open``
    does (ELOOP for a symbolic link: resolve the path first where links are allowed).
    """
    return b"".join(_chunks(path, limit))


def file_digest(path: Path, limit: int | None = None) -> bytes:
    """The SHA-256 of the regular file ``path``, read in chunks as ``read_bytes`` reads it (a Word
    file of photos of hundreds of megabytes is never held whole); ``limit`` None: any size (the
    caller checks the size where it reads the file)."""
    hasher = hashlib.sha256()
    for chunk in _chunks(path, (1 << 62) if limit is None else limit):
        hasher.update(chunk)
    return hasher.digest()


def open_file(path: Path, limit: int):
    """The regular file ``path`` opened for reading (a binary file object), as ``read_bytes``
    opens it: without following a link in its last part, its size checked (TooLarge) first."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(21, "not a regular file", str(path))
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _chunks(path: Path, limit: int):
    with open_file(path, limit) as handle:
        total = 0
        while True:
            chunk = handle.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TooLarge(total, limit)
            yield chunk


@contextlib.contextmanager
def replacing(path: Path):
    """A binary file object for a new ``path``: a fresh temporary file beside it, renamed
    over ``path`` when the block succeeds (removed when it fails).

    The temporary file is created exclusively (never through a planted link) and the
    rename replaces a link at ``path`` instead of writing through it.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}{PARTIAL}", dir=path.parent)
    try:
        # mkstemp makes the file readable by its owner only; a finished book is a file like any
        # other (the print house reads it from a shared folder): the mode open() would give it.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask, read without changing it (Linux has it in /proc), else set and put back."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path`` through a fresh temporary file and a rename (see ``replacing``)."""
    with replacing(path) as handle:
        handle.write(data)


def remove_partials(folder: Path) -> list[Path]:
    """Remove leftover temporary files of writes that never finished (a killed build); the removed ones."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and PARTIAL in entry.name and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
