"""Write output files safely: to a fresh temporary file in the target folder, then renamed into place.

A failed or interrupted build never leaves a half-written file under the final
name and never removes the previous good output. A symbolic link planted at the
final name or at a temporary name is never written through (see safety.replacing).
``replaced()`` lists the files a build has already replaced, for the message of an
interrupted build. ``request_stop()`` records a Ctrl-C or SIGTERM as it arrives: Python
swallows an exception raised while a finaliser runs ("Exception ignored in ..."), so a
signal can land where nobody sees it; ``check_stop()`` and every rename here raise it again,
and a file made after it is never renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
from pathlib import Path

from .errors import OutputError
from .safety import replacing

_REPLACED: list[Path] = []
_STOP: list[BaseException] = []


def request_stop(exc: BaseException) -> None:
    """A signal arrived: ``exc`` is raised by every later ``check_stop()`` and rename."""
    _STOP.append(exc)


def check_stop() -> None:
    """Raise the stop a signal asked for, even where its first raise was swallowed."""
    if _STOP:
        raise _STOP[0]


def replaced() -> list[Path]:
    """The output files replaced since ``forget_replaced()``, in order."""
    return list(_REPLACED)


def forget_replaced() -> None:
    """A new build starts: nothing replaced, no stop asked for."""
    _REPLACED.clear()
    _STOP.clear()


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a binary file object; on success it replaces ``path`` in one rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", str(path.parent)) from exc
    try:
        with replacing(path) as handle:
            yield handle
            check_stop()  # the temporary file is removed, the previous file kept
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise OutputError(f"could not write {path.name}: {reason}; the previous file is kept",
                          str(path)) from exc
    _REPLACED.append(path)
