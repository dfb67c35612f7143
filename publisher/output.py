"""Write output files safely: to a temporary name, then renamed into place.

A failed or interrupted build never leaves a half-written file under the final
name and never removes the previous good output.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from .errors import OutputError


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a binary file object; on success it replaces ``path`` in one rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", str(path.parent)) from exc
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise OutputError(f"could not write {path.name}: {reason}; the previous file is kept",
                          str(path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
