"""A build lock in the output folder: two builds of one project never write the same files at once.

The lock is an advisory ``flock`` on ``<output folder>/.publisher.lock``, a small
file holding the owner's pid and start time for the message. The kernel drops an
flock when its process ends, however it ends, so a build that was killed leaves
no lock behind: a leftover file that nobody holds is stale and is simply taken
over. On systems without ``fcntl`` (Windows) the file is created exclusively
instead, and a leftover one whose pid no longer runs is treated as stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import time
from pathlib import Path

from .errors import OutputError

LOCK_NAME = ".publisher.lock"

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def _owner(path: Path) -> str:
    """'pid N, started HH:MM:SS' from the lock file, or '' when it cannot be read."""
    try:
        pid, _, started = path.read_text(encoding="ascii").strip().partition(" ")
    except (OSError, UnicodeDecodeError):
        return ""
    if not pid.isdigit():
        return ""
    when = ""
    with contextlib.suppress(ValueError):
        when = ", started " + dt.datetime.fromtimestamp(float(started)).strftime("%H:%M:%S")
    return f"pid {pid}{when}"


def _busy(path: Path) -> OutputError:
    owner = _owner(path)
    return OutputError(
        f"another build of this project is running ({owner or 'pid unknown'}); its output folder is locked",
        hint=f"wait for it to finish, or stop it; if no build is running, delete {path}",
    )


@contextlib.contextmanager
def build_lock(out_dir: Path, wait_s: float = 0.0):
    """Hold the output folder's lock for the duration of the block.

    Waits up to ``wait_s`` seconds for another build to finish, then raises
    OutputError naming the other build's pid.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", str(out_dir)) from exc
    path = out_dir / LOCK_NAME
    if fcntl is None:  # pragma: no cover - Windows
        with _exclusive_file(path, wait_s):
            yield path
        return
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the build lock: {exc.strerror}", str(path)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP):  # a file system without locks: go on unlocked
                yield path
                return
            if time.monotonic() >= deadline:
                raise _busy(path) from None
            time.sleep(0.2)
            continue
        # The previous holder may have removed the file between our open and flock:
        # then we hold a lock on a file nobody else can see, so start again.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {time.time():.0f}\n".encode("ascii"))
        yield path
    finally:
        # Unlink while still holding the lock, so no one can lock the old file afterwards.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


@contextlib.contextmanager
def _exclusive_file(path: Path, wait_s: float):  # pragma: no cover - Windows
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            if _stale(path):
                with contextlib.suppress(OSError):
                    os.unlink(path)
                continue
            if time.monotonic() >= deadline:
                raise _busy(path) from None
            time.sleep(0.2)
    try:
        os.write(fd, f"{os.getpid()} {time.time():.0f}\n".encode("ascii"))
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _stale(path: Path) -> bool:  # pragma: no cover - Windows
    """True when the lock file names a process that no longer runs."""
    try:
        pid = int(path.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
