"""A build lock in the output folder: two builds of one project never write the same files at once.

The lock is filelock's ``FileLock`` on ``<output folder>/.publisher.lock`` (an ``flock``
on POSIX, ``LockFileEx`` on Windows), opened without following a symbolic link: a
link planted under that name is an error, its target is never touched. The file holds
the owner's pid and start time for the message a second build prints.

The kernel drops the lock when the build's process ends, however it ends. Forked
workers do not keep it: each closes its copy of the descriptor as it starts (an
``flock`` belongs to the open file, which a fork shares). A leftover lock whose pid no
longer runs (held by orphans of a build killed before that rule existed) is stale: the
file is replaced and the lock taken over. Leftover partial outputs of a killed build
are removed once the lock is held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import time
from pathlib import Path

from .errors import OutputError
from .safety import remove_partials

LOCK_NAME = ".publisher.lock"
_HELD: set[int] = set()  # descriptors of the locks this process holds


def _close_in_child() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def _owner(path: Path) -> tuple[int | None, str]:
    """(pid, 'pid N, started HH:MM:SS') from the lock file; (None, '') when it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            raw = os.read(fd, 64)
        finally:
            os.close(fd)
        pid, _, started = raw.decode("ascii").strip().partition(" ")
    except (OSError, UnicodeDecodeError):
        return None, ""
    if not pid.isdigit():
        return None, ""
    when = ""
    with contextlib.suppress(ValueError, OverflowError, OSError):
        when = ", started " + dt.datetime.fromtimestamp(float(started)).strftime("%H:%M:%S")
    return int(pid), f"pid {pid}{when}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _busy(path: Path, owner: str) -> OutputError:
    return OutputError(
        f"another build of this project is running ({owner or 'pid unknown'}); its output folder is locked",
        hint=f"wait for it to finish, or stop it; if no build is running, delete {path}",
    )


def _write_owner(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()} {time.time():.0f}\n".encode("ascii"))


def _failure(path: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ELOOP:
        return OutputError("the build lock is a symbolic link; it is not followed", str(path),
                           hint=f"delete {path}")
    reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return OutputError(f"cannot write the build lock: {reason}", str(path))


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
    tried: list = []  # every lock object _acquire made; the last one is held once it returns
    try:
        _acquire(path, wait_s, tried)
        _HELD.add(tried[-1]._context.lock_file_fd)  # filelock keeps the descriptor here
        remove_partials(out_dir)
        yield path
    except BaseException:
        if not any(lock.is_locked for lock in tried):
            _remove_unheld(path)
        raise
    finally:
        # Also when a signal (SIGINT, SIGTERM) lands while the lock is being taken: a lock held
        # is never left behind as a file in the output folder.
        for lock in tried:
            if lock.is_locked:
                _HELD.discard(lock._context.lock_file_fd)
                # Unlink while still holding the lock, so no one can lock the old file afterwards
                # (a build waiting on it sees that the name now leads elsewhere, and starts again).
                with contextlib.suppress(OSError):
                    os.unlink(path)
                lock.release()


def _remove_unheld(path: Path) -> None:
    """The lock file, when no build holds it, removed under its lock: a signal that lands while
    filelock takes the lock makes filelock let go of it, and the file would stay behind."""
    import filelock

    if not os.path.lexists(path):
        return
    lock = filelock.FileLock(path, timeout=0, is_singleton=False, thread_local=False)
    try:
        lock.acquire()
    except (filelock.Timeout, OSError):  # another build holds it, or it is not ours to touch
        return
    with contextlib.suppress(OSError):
        os.unlink(path)
    lock.release()


def _acquire(path: Path, wait_s: float, tried: list):
    """Take the lock at ``path``; each lock object made is put in ``tried`` before it is taken
    (the last one is the one held when this returns)."""
    import filelock  # imported when a build writes: 0.1-0.3 s that check, stats and dump do not need

    deadline = time.monotonic() + wait_s
    taken_over = False
    while True:
        lock = filelock.FileLock(path, timeout=max(0.0, deadline - time.monotonic()), is_singleton=False,
                                 thread_local=False, on_acquired=_write_owner)
        tried.append(lock)
        try:
            lock.acquire()
        except filelock.Timeout:
            pid, owner = _owner(path)
            if not taken_over and pid is not None and pid != os.getpid() and not _alive(pid):
                # A dead build's orphans hold it: a fresh file is a fresh lock.
                taken_over = True
                with contextlib.suppress(OSError):
                    os.unlink(path)
                continue
            raise _busy(path, owner) from None
        except OSError as exc:
            raise _failure(path, exc) from exc
        try:
            same = os.fstat(lock._context.lock_file_fd).st_ino == os.lstat(path).st_ino
        except (OSError, TypeError):
            same = False
        if same:
            return
        lock.release()  # the previous holder removed the file as we opened it: start again
