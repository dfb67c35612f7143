"""A build with nothing changed: the outputs in dist/ are already what it would write.

An editor runs ``publisher build`` again and again; when no file of the project has changed
since the last build (nor publisher, its libraries, the command's options or
SOURCE_DATE_EPOCH), and the outputs that build wrote are still there as it left them, the
build says so and stops instead of reading, rendering and writing everything again to the
same bytes (make's rule, with the inode and change time too).

What is compared, each by its stamp (size, modification and change times, inode):

- every file and folder of the project folder, walked without following links, except the
  output folder and ``.git``: a manuscript, photo, data file, style or font added, removed,
  edited or touched makes a full build;
- publisher's own code, and each folder of Python's import path (installing, removing or
  upgrading a library changes its folder);
- the outputs themselves: one deleted, edited or replaced makes a full build.

A book that loads images from the network (``allow_remote_images``) is always built again: what a
server answers may have changed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from . import __version__
from .cache import Store, cache_dir, code_version, digest, stat_stamp as _stamp
from .errors import Diagnostic
from .report import BuildReport, OutputFile

MESSAGE = "nothing changed since the last build: its files are still in place"
_SKIPPED_FOLDERS = {".git", ".hg", ".svn", "__pycache__"}


def last_build(config, out_dir, formats: tuple, cover: bool, profile: str | None, strict: bool,
               started: float) -> tuple[str | None, BuildReport | None]:
    """(this build's key, the report of the same build made before when it still stands, else None)."""
    target_dir = Path(out_dir) if out_dir else config.out_dir
    key = build_key(config, target_dir, (tuple(formats), cover, profile))
    return key, previous(key, strict, started)


def build_key(config, target_dir: Path, options: tuple) -> str | None:
    """The key of a build of this project with these options now; None: always build."""
    if config.security.allow_remote_images:
        return None
    root = Path(config.root)
    target = Path(os.path.abspath(target_dir))
    tree = []
    for folder, folders, files in os.walk(root, followlinks=False):
        here = Path(folder)
        folders[:] = sorted(name for name in folders
                            if name not in _SKIPPED_FOLDERS and Path(os.path.abspath(here / name)) != target)
        for name in sorted(files) + folders:
            try:
                info = os.lstat(here / name)
            except OSError:
                return None
            tree.append((_name((here / name).relative_to(root)), _stamp(info)))
    paths = []
    for entry in sys.path:
        try:
            paths.append((_name(entry), _stamp(os.stat(entry))))
        except OSError:
            paths.append((_name(entry), None))
    return digest("build", __version__, code_version(), _name(root), _name(target), options,
                  os.environ.get("SOURCE_DATE_EPOCH"), tree, paths)


def _name(path) -> str:
    """A path as the bytes the system has for it (a name that is not UTF-8 is no error here)."""
    return os.fsencode(path).hex()


def previous(key: str | None, strict: bool, started: float) -> BuildReport | None:
    """The report of the last build with ``key`` when every output it wrote is still there
    unchanged (and, with ``strict``, it found nothing to warn about); else None."""
    if key is None:
        return None
    kept = Store(cache_dir() / "builds").get_json(key)
    if not isinstance(kept, dict):
        return None
    try:
        for output in kept["outputs"]:
            if list(_stamp(os.stat(output["path"], follow_symlinks=False))) != output["stamp"]:
                return None
        diagnostics = [Diagnostic(**item) for item in kept["diagnostics"]]
        outputs = [OutputFile(o["format"], Path(o["path"]), int(o["size"]), o["pages"]) for o in kept["outputs"]]
        report = BuildReport(outputs, diagnostics, int(kept["articles"]), time.perf_counter() - started,
                             bool(kept["foreword"]), up_to_date=True)
    except (OSError, KeyError, TypeError, ValueError):
        return None
    if strict and any(d.level in ("warning", "error") for d in diagnostics):
        return None  # built again, to stop with --strict's message
    return report


def remember(key: str | None, outputs, diagnostics, articles: int, foreword: bool) -> None:
    """Keep what the build wrote under ``key``, with each output's stamp as it is now."""
    if key is None:
        return
    try:
        kept = {"outputs": [{"format": o.format, "path": str(o.path), "size": o.size, "pages": o.pages,
                             "stamp": list(_stamp(os.stat(o.path, follow_symlinks=False)))} for o in outputs],
                "diagnostics": [dataclasses.asdict(d) for d in diagnostics],
                "articles": articles, "foreword": foreword}
        json.dumps(kept)
    except (OSError, TypeError, ValueError):
        return  # a build is not worse for not being remembered
    Store(cache_dir() / "builds").put_json(key, kept)
