"""Readers, registered by file suffix: each turns one manuscript into an Article.

A reader module exposes ``SUFFIXES`` and ``read(source: Source) -> ReadResult``.
Modules are imported only when a file of their kind is read, so a reader whose
optional dependency is missing says what to install instead of failing at start.

Conventions every reader follows (see publisher.model):
- inline content is an XHTML fragment; a note reference is written exactly as
  ``<a class="noteref" href="#note-LABEL">LABEL</a>`` where LABEL is the
  Footnote.label; the builder renumbers notes and makes ids unique in the book;
- figure ``src`` is relative to the project root, with forward slashes;
- problems inside the manuscript are returned as Diagnostics, not printed;
- nothing is written into the project: images taken out of a file go to
  ``Source.images_dir`` when given (``publisher import`` only), else to the cache.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import path_stamp
from ..config import SecurityConfig
from ..errors import Diagnostic, ManuscriptError
from ..model import Article

# suffix -> module name under publisher.readers
REGISTRY = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".docx": "docx",
    ".odt": "office",
    ".rtf": "office",
    ".doc": "office",
}


@dataclass(frozen=True)
class Source:
    """A manuscript to read: its path, its path relative to the project, the project root."""

    path: Path
    rel: str
    root: Path
    images_dir: Path | None = None  # where extracted images go (docx); None: the cache, never the project
    options: dict = field(default_factory=dict)  # reader options (readers.text's, an encoding): book.toml sets none
    security: SecurityConfig | None = None  # book.toml [security]; None: nothing remote is fetched
    # The project's other files the article was read from, each with its stamp when it was read.
    dependencies: dict[str, tuple | None] = field(default_factory=dict, compare=False)

    def depends_on(self, path: Path) -> None:
        """Note that the article depends on ``path`` (a roster's data file, a photo it measures, a
        folder it lists, a sidecar that may appear): the pipeline keeps a read article only while
        none of them changes. Call it before reading ``path``: a change made meanwhile is seen."""
        self.dependencies.setdefault(str(path), path_stamp(path))


@dataclass
class ReadResult:
    article: Article
    diagnostics: list[Diagnostic] = field(default_factory=list)
    dependencies: dict[str, tuple | None] = field(default_factory=dict)  # Source.dependencies, filled by read()


def suffixes() -> tuple[str, ...]:
    return tuple(REGISTRY)


def read(source: Source) -> ReadResult:
    """Read one manuscript with the reader registered for its suffix."""
    suffix = source.path.suffix.lower()
    name = REGISTRY.get(suffix)
    if name is None:
        raise ManuscriptError(
            f"no reader for {suffix or 'files without a suffix'} files",
            source.rel,
            hint=f"supported: {', '.join(sorted(set(REGISTRY)))}",
        )
    module = importlib.import_module(f"{__name__}.{name}")
    result = module.read(source)
    result.dependencies = dict(source.dependencies)
    return result


def preload(paths) -> None:
    """Import the readers of these files now (forked workers then start with them loaded)."""
    for name in sorted({REGISTRY[p.suffix.lower()] for p in paths if p.suffix.lower() in REGISTRY}):
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ImportError:  # reported when a file of its kind is read
            pass


def prepare(paths) -> None:
    """Let each reader do at once what it would do for each of these manuscripts in turn (the
    office reader converts its files in one LibreOffice run), before they are read one by one:
    a reader module may have ``prepare(paths)``; what fails there is met again when a file is read."""
    chosen: dict[str, list[Path]] = {}
    for path in paths:
        name = REGISTRY.get(path.suffix.lower())
        if name is not None:
            chosen.setdefault(name, []).append(path)
    for name, mine in chosen.items():
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ImportError:  # reported when a file of its kind is read
            continue
        if hasattr(module, "prepare"):
            module.prepare(mine)


def read_article(source: Source) -> Article:
    """Convenience for tests: the Article only."""
    return read(source).article
