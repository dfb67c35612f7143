"""A command's temporary files kept in the cache folder, and removed when the command ends.

WeasyPrint copies a document's @font-face fonts into a folder of its own from
``tempfile.mkdtemp`` (weasyprint/text/fonts.py) and removes that folder only when the document's
FontConfiguration is collected: never in a forked worker, which leaves through ``os._exit``, and
not for a document still held when the process ends. So every build left such folders in the
system's temporary folder: a cold build of the sample book 9 of them, 29 MB; on the development
machine 2,947 folders, 9.0 GB. LibreOffice leaves its ``lu*.tmp`` files in TMPDIR too.

``folder(root)`` points ``tempfile`` (and TMPDIR, for the programs a command starts) at a new
folder under ``<cache>/tmp`` for the block, and removes it when the block ends, however it ends.
A command killed outright leaves its folder behind; ``sweep(root)`` removes them all, and is
called only while no other publisher process uses the cache (cachetrim.in_use knows that).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP = "tmp"


def _base(root: Path) -> Path | None:
    """``<root>/tmp``, made if missing; None when it cannot be made or is not a plain folder
    (a link planted there is never followed)."""
    base = root / TMP
    with contextlib.suppress(FileExistsError, OSError):
        base.mkdir(mode=0o700, parents=True)
    try:
        return base if stat.S_ISDIR(os.lstat(base).st_mode) else None
    except OSError:
        return None


def sweep(root: Path) -> int:
    """Remove everything under ``<root>/tmp`` (left by commands that were killed); how many
    entries went. The caller makes sure that no other command is using them."""
    base = _base(root)
    if base is None:
        return 0
    removed = 0
    with contextlib.suppress(OSError), os.scandir(base) as entries:
        for entry in list(entries):
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)  # removes links inside as links (fd-based on Linux)
                else:
                    os.unlink(entry.path)
                removed += 1
    return removed


@contextlib.contextmanager
def folder(root: Path) -> Iterator[Path | None]:
    """A new temporary folder under ``<root>/tmp`` for ``tempfile`` and TMPDIR during the block,
    removed with what it holds when the block ends. Yields None (and changes nothing) when it
    cannot be made: temporary files then go where they always went."""
    base = _base(root)
    try:
        path = Path(tempfile.mkdtemp(prefix="run-", dir=base)) if base is not None else None
    except OSError:
        path = None
    if path is None:
        yield None
        return
    before, before_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = os.environ["TMPDIR"] = str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = before
        if before_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before_env
        shutil.rmtree(path, ignore_errors=True)
