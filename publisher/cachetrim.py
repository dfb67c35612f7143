"""The cache folder kept under a size: when it grows past it, the files used longest ago go.

Everything in the cache is made again when missing (each reader of it treats a missing entry as
a miss), so removing a file costs time, never a book. A build's photos, Word files' pictures,
converted office files and page renders pile up as an editor works through a book, and on a
shared machine through many; nothing removed them before.

While a command runs it holds a shared ``flock`` on ``<cache>/.in-use`` (``in_use``). After a
build, ``trim`` asks for it exclusively without waiting: while another publisher process works
with the cache, nothing is removed (its next build trims). The cache is measured at most once an
hour (the time of ``<cache>/.trimmed``), so a rebuild with nothing to do stays quick.

The limit is ``PUBLISHER_CACHE_MAX_GB`` (10 GB when unset, 0 for no limit). Past it, files are
removed by their last use (the later of their access and modification times: with Linux's
``relatime`` an access is seen within a day), oldest first, down to 80 % of the limit, so that
the next builds do not trim again at once. Links are removed as links, never followed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import scratch
from .cache import cache_dir

try:
    import fcntl
except ImportError:  # Windows: no flock; the cache is not trimmed there
    fcntl = None

LIMIT_ENV = "PUBLISHER_CACHE_MAX_GB"
DEFAULT_GB = 10.0
EVERY_SECONDS = 3600
DOWN_TO = 0.8
IN_USE = ".in-use"
TRIMMED = ".trimmed"

_HELD: dict[Path, int] = {}  # cache folder -> the descriptor of this process's shared lock


@dataclass
class Trimmed:
    """What ``trim`` found and did: the cache folder, its size before, the bytes and files removed."""

    root: Path
    size: int
    removed_bytes: int
    removed_files: int


def limit_bytes() -> int | None:
    """The cache's limit in bytes from PUBLISHER_CACHE_MAX_GB; None for no limit. A value that
    is not a number is taken as unset (the default), never as no limit."""
    raw = os.environ.get(LIMIT_ENV, "").strip()
    try:
        gigabytes = float(raw) if raw else DEFAULT_GB
    except ValueError:
        gigabytes = DEFAULT_GB
    if gigabytes != gigabytes or gigabytes < 0:  # NaN, negative: the default
        gigabytes = DEFAULT_GB
    return None if gigabytes == 0 else int(min(gigabytes, 1e9) * (1 << 30))


@contextlib.contextmanager
def in_use() -> Iterator[None]:
    """Hold the cache's shared lock for the block: ``trim`` in another process removes nothing
    meanwhile. The block's temporary files go to a folder of its own in the cache, removed as it
    ends (``scratch.folder``); when no other publisher process uses the cache, the folders that
    killed commands left there are removed first. Without flock, or where the cache folder cannot
    be made, nothing is held and temporary files go where they always went."""
    root = cache_dir()
    fd = _open_lock(root) if fcntl is not None and root not in _HELD else None
    if fd is not None:
        try:
            _take_shared(fd, root)
        except OSError:
            os.close(fd)
            fd = None
    if fd is None:
        yield
        return
    _HELD[root] = fd
    try:
        with scratch.folder(root):
            yield
    finally:
        _HELD.pop(root, None)
        os.close(fd)


def _take_shared(fd: int, root: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # others use the cache: their temporary folders stay
        fcntl.flock(fd, fcntl.LOCK_SH)
        return
    try:
        scratch.sweep(root)
    finally:
        fcntl.flock(fd, fcntl.LOCK_SH)


def trim(now: float | None = None) -> Trimmed | None:
    """Remove the files used longest ago while the cache is over its limit (see the module doc).
    None when it was not measured: no limit, measured within the hour, or in use elsewhere."""
    limit = limit_bytes()
    root = cache_dir()
    if limit is None or fcntl is None or not root.is_dir():
        return None
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        if now - os.lstat(root / TRIMMED).st_mtime < EVERY_SECONDS:
            return None
    held = _HELD.get(root)
    fd = held if held is not None else _open_lock(root)
    if fd is None:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another publisher process works with the cache
            return None
        return _trim(root, limit, now)
    finally:
        if held is None:
            os.close(fd)
        else:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_SH)


def _walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk of the cache (links to folders are not followed), without the commands' own
    temporary folders: they are removed as their commands end, and one may be this command's."""
    for folder, folders, names in os.walk(root):
        if folder == str(root):
            folders[:] = [name for name in folders if name != scratch.TMP]
        yield folder, folders, names


def _trim(root: Path, limit: int, now: float) -> Trimmed:
    files: list[tuple[float, int, str]] = []
    for folder, folders, names in _walk(root):
        for name in names + [name for name in folders if os.path.islink(os.path.join(folder, name))]:
            if folder == str(root) and name in (IN_USE, TRIMMED):
                continue
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                size = info.st_size if stat.S_ISREG(info.st_mode) else 0
                files.append((max(info.st_atime, info.st_mtime), size, path))
    size = sum(size for _, size, _ in files)
    with contextlib.suppress(OSError):
        (root / TRIMMED).touch()
        os.utime(root / TRIMMED, (now, now))
    left, removed, count = size, 0, 0
    if size > limit:
        for _, file_size, path in sorted(files):
            if left <= limit * DOWN_TO:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                left -= file_size
                removed += file_size
                count += 1
        for folder, _, _ in sorted(_walk(root), key=lambda entry: -len(entry[0])):
            if folder != str(root):
                with contextlib.suppress(OSError):
                    os.rmdir(folder)  # (only an empty one goes)
    return Trimmed(root, size, removed, count)


def _open_lock(root: Path) -> int | None:
    """The descriptor of ``<root>/.in-use``, made if missing and never opened through a link."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        return os.open(root / IN_USE, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                       | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None
