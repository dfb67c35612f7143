"""The build driver: config -> collect -> read -> normalise -> assemble -> render -> package.

Each stage takes data and returns data; progress is reported through a
callback so that only the CLI prints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .collect import collect
from .config import BookConfig, load_config
from .errors import Diagnostic, ManuscriptError, PublisherError, StrictModeError
from .model import Article, Book
from .normalize.book import normalize_article, options_from_config
from .output import atomic_output
from .readers import Source, read

FORMATS = ("epub", "pdf")
Progress = Callable[[str, str], None]


def _quiet(stage: str, detail: str) -> None:
    pass


@dataclass
class Loaded:
    """A book read and normalised, ready to render."""

    config: BookConfig
    book: Book
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class OutputFile:
    format: str
    path: Path
    size: int
    pages: int | None = None


@dataclass
class BuildReport:
    outputs: list[OutputFile]
    diagnostics: list[Diagnostic]
    articles: int
    seconds: float


def read_manuscript(config: BookConfig, path: Path) -> tuple[Article, list[Diagnostic]]:
    """Read and normalise one manuscript."""
    source = Source(path=path, rel=config.rel(path), root=config.root)
    result = read(source)
    article = normalize_article(result.article, options_from_config(config))
    return article, result.diagnostics


def load_book(project_dir: Path | str, progress: Progress = _quiet) -> Loaded:
    """Config, manuscripts and normalisation: the Book every output is made from."""
    progress("config", "book.toml")
    config = load_config(project_dir)
    plan = collect(config)
    diagnostics = list(plan.diagnostics)
    errors: list[PublisherError] = []

    def read_one(path: Path) -> Article | None:
        progress("read", config.rel(path))
        try:
            article, found = read_manuscript(config, path)
        except ManuscriptError as exc:
            errors.append(exc)
            diagnostics.append(Diagnostic("error", exc.message, exc.path, exc.line, exc.kind, exc.hint))
            return None
        diagnostics.extend(found)
        return article

    foreword = read_one(plan.foreword) if plan.foreword else None
    parts = []
    for part in plan.parts:
        articles = [a for a in (read_one(p) for p in part.files) if a is not None]
        parts.append((part.title, articles))
    if errors:
        first = errors[0]
        more = len(errors) - 1
        suffix = f" (and {more} more manuscript error{'s' * (more > 1)})" if more else ""
        raise type(first)(first.message + suffix, first.path, first.line,
                          first.hint or ("run `publisher check` to see them all" if more else None),
                          diagnostics)
    if not any(articles for _, articles in parts) and foreword is None:
        raise ManuscriptError("the book has no manuscripts", config.rel(config.manuscripts_dir),
                              hint="put .md files in the manuscripts folder")
    progress("assemble", f"{sum(len(a) for _, a in parts)} articles")
    book, found = assemble(config, foreword, parts)
    diagnostics.extend(found)
    return Loaded(config, book, diagnostics)


def build(project_dir: Path | str = ".", formats: tuple[str, ...] = FORMATS, out_dir: Path | None = None,
          strict: bool = False, progress: Progress = _quiet) -> BuildReport:
    """Build the requested formats into the output folder; returns what was written."""
    started = time.perf_counter()
    loaded = load_book(project_dir, progress)
    warnings = [d for d in loaded.diagnostics if d.level in ("warning", "error")]
    if strict and warnings:
        raise StrictModeError(
            f"{len(warnings)} warning{'s' * (len(warnings) > 1)} and --strict is on: {warnings[0]}",
            diagnostics=loaded.diagnostics,
        )
    from .render.html import render_book

    config = loaded.config
    progress("render", "HTML")
    rendered = render_book(config, loaded.book)
    target_dir = Path(out_dir) if out_dir else config.out_dir
    outputs: list[OutputFile] = []
    if "epub" in formats:
        from .render.epub import write_epub

        progress("epub", f"{config.slug}.epub")
        path = target_dir / f"{config.slug}.epub"
        with atomic_output(path) as handle:
            write_epub(rendered, handle)
        outputs.append(OutputFile("epub", path, path.stat().st_size))
    if "pdf" in formats:
        from .render.pdf import write_pdf

        progress("pdf", f"{config.slug}.pdf (laying out pages)")
        path = target_dir / f"{config.slug}.pdf"
        with atomic_output(path) as handle:
            result = write_pdf(rendered, handle)
        outputs.append(OutputFile("pdf", path, path.stat().st_size, result.pages))
        for url in result.refused:
            loaded.diagnostics.append(Diagnostic("warning", f"the PDF did not load {url}", None, None, "pdf"))
    return BuildReport(outputs, loaded.diagnostics, len(loaded.book.articles()),
                       time.perf_counter() - started)
