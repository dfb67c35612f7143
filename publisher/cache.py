"""A content-addressed cache folder: bytes and JSON records under a hash key.

Writes are atomic (a temporary file, then a rename), so a build that is killed never
leaves half an entry; a damaged entry (bad JSON, bytes whose hash does not match the
record) reads as missing and is simply made again. Nothing here knows what is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

from .safety import file_digest, write_file


def cache_dir() -> Path:
    """The one cache folder of every derived file (font instances, images, remote images, renders).

    ``$PUBLISHER_CACHE/publisher`` when PUBLISHER_CACHE is set, else ``$XDG_CACHE_HOME/publisher``,
    else ``~/.cache/publisher``.
    """
    base = os.environ.get("PUBLISHER_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "publisher" if base else Path.home() / ".cache" / "publisher"


def digest(*parts) -> str:
    """A stable hex key for strings, bytes and JSON-able values."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8")
        else:
            data = json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_stamp(path: Path) -> list:
    """What identifies a file's content cheaply: path, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), stat.st_size, stat.st_mtime_ns]


def stat_stamp(info: os.stat_result) -> tuple:
    """What tells a file has changed without reading it (make's rule, with the change time and
    inode too): its type, size, modification and change times and inode."""
    return (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def path_stamp(path: Path) -> tuple | None:
    """``stat_stamp`` of ``path`` itself (a link is not followed); None when nothing is there."""
    try:
        return stat_stamp(os.lstat(path))
    except OSError:
        return None


def known_digest(path: Path, stamps: Path, limit: int | None = None) -> str:
    """The SHA-256 (hex) of the file ``path`` as ``safety.file_digest`` reads it (a link is not
    followed; ``limit`` bytes at most), remembered in the folder ``stamps`` under the path and its
    stamp: a build does not read hundreds of megabytes of photos, or a Word file of them, again
    to know them."""
    stamp = digest("stamp", os.fsencode(os.path.abspath(path)).hex(), stat_stamp(os.lstat(path)))[:40]
    known = stamps / stamp
    try:
        found = known.read_text(encoding="ascii")
        if len(found) == 64:
            return found
    except (OSError, UnicodeDecodeError):
        pass
    found = file_digest(path, limit).hex()
    with contextlib.suppress(OSError):  # a digest not remembered is only read again next time
        stamps.mkdir(parents=True, exist_ok=True)
        write_file(known, found.encode("ascii"))
    return found


class Store:
    """One cache folder; ``hits`` and ``misses`` count lookups for build reports."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str, suffix: str) -> Path:
        return self.root / key[:2] / f"{key}{suffix}"

    def get_json(self, key: str):
        try:
            value = json.loads(self._path(key, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put_json(self, key: str, value) -> None:
        self._write(self._path(key, ".json"), json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def get_bytes(self, key: str, sha256: str | None = None) -> bytes | None:
        """The bytes under ``key``; None when missing or not matching ``sha256``."""
        try:
            data = self._path(key, ".bin").read_bytes()
        except OSError:
            self.misses += 1
            return None
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put_bytes(self, key: str, data: bytes) -> str:
        """Store ``data``; returns its sha256 for a later checked read."""
        self._write(self._path(key, ".bin"), data)
        return hashlib.sha256(data).hexdigest()

    def _write(self, path: Path, data: bytes) -> None:
        # A cache that cannot be written is only slower: never fail a build for it.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)


def code_version() -> str:
    """A key that changes whenever publisher's own code does (cached results depend on it)."""
    package = Path(__file__).resolve().parent
    return digest(*(file_stamp(p) for p in sorted(package.rglob("*.py"))),
                  *(file_stamp(p) for p in sorted((package / "templates").glob("*"))))


class Memo:
    """Python values kept by key, pickled; anything unreadable is a miss."""

    def __init__(self, root: Path, context: str):
        self.store = Store(root)
        self.context = context

    def key(self, *parts) -> str:
        return digest(self.context, *parts)

    def load(self, key: str):
        import pickle

        data = self.store.get_bytes(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a damaged or outdated entry: made again
            self.store.hits -= 1
            self.store.misses += 1
            return None

    def save(self, key: str, value) -> None:
        import pickle

        self.store.put_bytes(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
