"""Import text and Word files as Markdown manuscripts (the logic of `publisher import`; no printing).

Each source is read with the reader for its suffix (.txt, .docx; .odt, .rtf, .doc
through LibreOffice) exactly as a build would read it, *before* normalisation, so the
editor reviews the text as it came and the build still applies the book's [normalize]
choices. The Article is written back with ``render.markdown`` to ``<into>/<slug>.md``.
Images embedded in Word files are written into the project's ``images/`` folder (named
by content, never overwriting), and the Markdown points to them relative to the
manuscript: the one command that writes readers' images into the project, on purpose
(``ImportResult.written_images`` lists them for the report). Every other command reads
Word files through the pipeline, which extracts them into the cache.

Guarantees: the source files are only read; an existing manuscript is never replaced
unless ``force`` is set; a manuscript is written whole or not at all (temporary file
and rename).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_NAME, load_config, slugify
from ..encodings import decode_bytes
from ..errors import Diagnostic, ManuscriptError, PublisherError
from ..model import html_to_text
from ..output import atomic_output
from ..readers import REGISTRY, Source, read
from ..render.markdown import article_to_markdown

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Reader findings shown in the file's summary line rather than as doubts.
SUMMARISED = {"text-encoding", "docx-legacy-font"}


@dataclass
class ImportResult:
    """What importing one source did and found."""

    source: str  # the source as named in messages
    status: str  # "written", "exists" (kept: no --force) or "failed"
    target: str | None = None  # the manuscript, relative to the working folder when possible
    encoding: str | None = None  # "utf-8", "cp1258", "tcvn3", "vni" … or "docx"
    confidence: float | None = None
    legacy_fonts: dict = field(default_factory=dict)  # font -> runs converted (Word files)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    images: int = 0
    captions: int = 0
    notes: int = 0
    guessed: dict = field(default_factory=dict)  # Article.meta["guessed"]: what the reader assumed
    doubts: list[Diagnostic] = field(default_factory=list)
    error: PublisherError | None = None
    written_images: list[str] = field(default_factory=list)  # new files in images/, relative to the project


def project_root(into: Path) -> Path:
    """The folder holding book.toml above ``into``; else the parent of ``into``."""
    folder = into.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return folder.parent


def default_into(cwd: Path) -> Path:
    """The project's manuscripts folder when ``cwd`` holds a book.toml, else ``cwd/manuscripts``."""
    if (cwd / CONFIG_NAME).is_file():
        return load_config(cwd).manuscripts_dir
    return cwd / "manuscripts"


def target_name(source: Path) -> str:
    """The manuscript file name for a source: an ASCII slug of its name, ``.md``."""
    return slugify(source.stem) + ".md"


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


def import_files(sources: list[Path], into: Path | None = None, force: bool = False,
                 cwd: Path | None = None) -> list[ImportResult]:
    """Import every source into ``into`` (default: the project's manuscripts folder).

    One failing source does not stop the others: its result has status "failed" and
    the error. Raises only when the destination itself is unusable (a broken book.toml).
    """
    cwd = Path(cwd or Path.cwd())
    folder = Path(into) if into is not None else default_into(cwd)
    if not folder.is_absolute():
        folder = cwd / folder
    root = project_root(folder)
    results: list[ImportResult] = []
    claimed: dict[Path, str] = {}
    for source in sources:
        source = Path(source)
        if not source.is_absolute():
            source = cwd / source
        result = _import_one(source, folder, root, cwd, force, claimed)
        results.append(result)
    return results


def _import_one(source: Path, folder: Path, root: Path, cwd: Path, force: bool,
                claimed: dict[Path, str]) -> ImportResult:
    shown = _shown(source, cwd)
    suffix = source.suffix.lower()
    try:
        if not source.is_file():
            raise ManuscriptError("the file does not exist", shown)
        if suffix in MARKDOWN_SUFFIXES:
            raise ManuscriptError("already a Markdown manuscript: nothing to import", shown,
                                  hint=f"copy it into {_shown(folder, cwd)}/ as it is")
        if suffix not in REGISTRY:
            known = sorted(s for s in set(REGISTRY) if s not in MARKDOWN_SUFFIXES)
            raise ManuscriptError(f"cannot import {suffix or 'files without a suffix'} files", shown,
                                  hint=f"supported: {', '.join(known)}")
        target = (folder / target_name(source)).resolve()
        if target in claimed:
            raise ManuscriptError(f"{claimed[target]} is imported to the same name {target.name}", shown,
                                  hint="rename one of the two sources")
        claimed[target] = shown
        target_shown = _shown(target, cwd)
        if target.exists() and not force:
            return ImportResult(shown, "exists", target_shown)
        return _convert(source, shown, target, target_shown, root, cwd)
    except PublisherError as exc:
        return ImportResult(shown, "failed", error=exc)


def _convert(source: Path, shown: str, target: Path, target_shown: str, root: Path,
             cwd: Path) -> ImportResult:
    result = ImportResult(shown, "written", target_shown)
    if source.suffix.lower() in TEXT_SUFFIXES:
        decoded = decode_bytes(source.read_bytes(), shown)  # same detection as the reader: for the report
        result.encoding, result.confidence = decoded.encoding, decoded.confidence
    else:
        result.encoding = source.suffix.lower().lstrip(".")
    images = root / "images"
    before = set(images.iterdir()) if images.is_dir() else set()
    # On purpose: the Markdown points to the pictures in the project's images/ folder.
    read_result = read(Source(path=source.resolve(), rel=shown, root=root, images_dir=images))
    article = read_result.article
    result.written_images = sorted(p.relative_to(root).as_posix() for p in set(images.glob("*")) - before) \
        if images.is_dir() else []
    source_file = Path(os.path.relpath(source.resolve(), root)).as_posix()  # stable wherever the command ran
    manuscript_rel = Path(os.path.relpath(target, root)).as_posix()
    markdown = article_to_markdown(article, manuscript_rel, source_file)
    with atomic_output(target) as handle:
        handle.write(markdown.text.encode("utf-8"))
    result.legacy_fonts = dict(article.meta.get("legacy_fonts", {}))
    result.title = html_to_text(article.title)
    result.authors = list(article.authors)
    result.date = article.date
    result.images = sum(1 for b in article.blocks if b.kind == "figure")
    result.captions = sum(1 for b in article.blocks if b.kind == "caption")
    result.notes = len(article.footnotes)
    result.guessed = dict(article.meta.get("guessed", {}))
    result.doubts = [d for d in read_result.diagnostics if d.code not in SUMMARISED]
    result.doubts += [Diagnostic("info", note, shown, None, "import-markdown") for note in markdown.notes]
    manuscripts = target.parent
    if source.resolve().is_relative_to(manuscripts):
        result.doubts.append(Diagnostic(
            "warning", f"the source is inside {_shown(manuscripts, cwd)}/ and would be read "
            "by the build as well as the new manuscript", shown, None, "import-inside",
            "move the source file out of the manuscripts folder"))
    result.doubts.sort(key=lambda d: (d.line is None, d.line or 0))
    return result
