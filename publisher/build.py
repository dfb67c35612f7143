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
from .config import CONFIG_NAME, BookConfig, load_config
from .errors import ConfigError, Diagnostic, ManuscriptError, PublisherError, StrictModeError
from .images import ImageSettings, pixels_for, prepare_images
from .lock import build_lock
from .model import Article, Book
from .normalize.book import normalize_article, options_from_config
from .output import atomic_output
from .readers import ReadResult, Source, read
from .readers.source import sanitize_article
from .render.fallback import missing_glyph_diagnostics
from .render.fonts import regular_fonts

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


def read_raw(config: BookConfig, path: Path, images_dir: Path | None = None) -> ReadResult:
    """Read one manuscript as its reader gives it, before normalisation (what `check` lints)."""
    result = read(Source(path=path, rel=config.rel(path), root=config.root, images_dir=images_dir,
                         security=config.security))
    result.diagnostics.extend(sanitize_article(result.article))  # whatever the reader let through
    return result


def read_manuscript(config: BookConfig, path: Path, memo=None) -> tuple[Article, list[Diagnostic]]:
    """Read and normalise one manuscript; from ``memo`` (a cache.Memo) when the file is unchanged."""
    key = None
    if memo is not None:
        try:
            key = memo.key(config.rel(path), path.read_bytes())
        except OSError:
            key = None  # the reader reports the unreadable file
        found = memo.load(key) if key else None
        if found is not None:
            return found
    result = read_raw(config, path)
    article = normalize_article(result.article, options_from_config(config))
    if key:
        memo.save(key, (article, result.diagnostics))
    return article, result.diagnostics


def _article_memo(config: BookConfig):
    """The article cache of a build: keyed by the code, the normalisation options and the images."""
    from .cache import Memo, code_version, digest, file_stamp
    from .render.fonts import cache_dir

    images = sorted(file_stamp(p) for p in config.root.glob("images/**/*"))  # readers measure images
    context = digest(code_version(), repr(options_from_config(config)), repr(config.security), str(config.root),
                     images)
    return Memo(cache_dir() / "articles", context)


def load_book(project_dir: Path | str, progress: Progress = _quiet) -> Loaded:
    """Config, manuscripts and normalisation: the Book every output is made from."""
    progress("config", "book.toml")
    config = load_config(project_dir)
    plan = collect(config)
    diagnostics = list(plan.diagnostics)
    errors: list[PublisherError] = []
    memo = _article_memo(config)

    def read_one(path: Path) -> Article | None:
        progress("read", config.rel(path))
        try:
            article, found = read_manuscript(config, path, memo)
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
    diagnostics.extend(missing_glyph_diagnostics(book, regular_fonts(config)))
    return Loaded(config, book, diagnostics)


def build(project_dir: Path | str = ".", formats: tuple[str, ...] = FORMATS, out_dir: Path | None = None,
          strict: bool = False, progress: Progress = _quiet, cover: bool = False,
          profile: str | None = None) -> BuildReport:
    """Build the requested formats into the output folder; returns what was written.

    ``cover`` adds dist/<slug>-cover.pdf, which a PDF built with the print profile gets anyway.
    ``profile`` names the PDF's output profile (default: the config's default_profile).
    """
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
    if profile is not None and profile not in config.profiles:
        raise ConfigError(f"no output profile named {profile!r}", CONFIG_NAME,
                          hint=f"profiles: {', '.join(config.profiles)}")
    progress("render", "HTML")
    rendered = render_book(config, loaded.book)
    target_dir = Path(out_dir) if out_dir else config.out_dir
    with build_lock(target_dir):  # a second build at the same time fails at once, naming this one's pid
        outputs = _write_outputs(rendered, loaded, target_dir, formats, progress, profile)
        # The cover spread: asked for, or part of a print PDF (its spine needs the page count).
        if cover or ("pdf" in formats and config.profile(profile).name == "print"):
            outputs.append(_write_cover(rendered, loaded, target_dir, outputs, progress,
                                        config.profile(profile).name == "print"))
    return BuildReport(outputs, loaded.diagnostics, len(loaded.book.articles()),
                       time.perf_counter() - started)


def _write_outputs(rendered, loaded: Loaded, target_dir: Path, formats: tuple[str, ...],
                   progress: Progress, profile_name: str | None = None) -> list[OutputFile]:
    config = loaded.config
    outputs: list[OutputFile] = []
    if "epub" in formats:
        from .render.epub import write_epub

        cover_art = None
        if config.cover_image is None:  # an image rendered from the front-cover design
            from .render.cover import front_cover_image

            progress("epub", "cover image")
            cover_art = front_cover_image(rendered)
        progress("epub", f"{config.slug}.epub")
        path = target_dir / f"{config.slug}.epub"
        with atomic_output(path) as handle:
            write_epub(rendered, handle, cover_art=cover_art,
                       images=_images(rendered, ImageSettings(max_pixels=config.epub_image_max_pixels, quality=85)))
        outputs.append(OutputFile("epub", path, path.stat().st_size))
    if "pdf" in formats:
        from .render.pdf import write_pdf

        profile = config.profile(profile_name)
        name = f"{config.slug}.pdf" if profile.name == config.default_profile else f"{config.slug}-{profile.name}.pdf"
        progress("pdf", f"{name} ({profile.name} profile, laying out pages)")
        path = target_dir / name
        images = _images(rendered, pdf_image_settings(config, profile))
        from .render.fonts import cache_dir

        with atomic_output(path) as handle:  # runs of pages laid out in parallel, cached (render.parallel)
            result = write_pdf(rendered, handle, profile, images, cache=cache_dir() / "render")
        outputs.append(OutputFile("pdf", path, path.stat().st_size, result.pages))
        for url in result.refused:
            loaded.diagnostics.append(Diagnostic("warning", f"the PDF did not load {url}", None, None, "pdf"))
    return outputs


def pdf_image_settings(config: BookConfig, profile) -> ImageSettings:
    """Images for a PDF profile: at most ``image_dpi`` when printed as large as the page with its bleed."""
    size = None
    if profile.image_dpi:
        size = pixels_for(tuple(v + 2 * profile.bleed_mm for v in config.trim_mm), profile.image_dpi)
    return ImageSettings(max_size=size, quality=profile.jpeg_quality, cmyk_profile=profile.icc_profile)


def _images(rendered, settings: ImageSettings) -> dict[str, Path]:
    """The book's images processed for one output, cached between builds."""
    from .render.fonts import cache_dir

    return prepare_images(rendered.images, settings, cache_dir() / "images", rendered.config.rel)


def _write_cover(rendered, loaded: Loaded, target_dir: Path, outputs: list[OutputFile],
                 progress: Progress, built_for_print: bool) -> OutputFile:
    """dist/<slug>-cover.pdf, its spine sized for the page count of the print profile's interior."""
    import io

    from .render.cover import cover_geometry, write_cover_pdf
    from .render.pdf import write_pdf

    config = loaded.config
    pages = next((o.pages for o in outputs if o.format == "pdf" and o.pages), None) if built_for_print else None
    if pages is None:  # no print interior was asked for: lay one out only to count its pages
        progress("cover", "counting the print interior's pages")
        pages = write_pdf(rendered, io.BytesIO(), "print").pages
    path = target_dir / f"{config.slug}-cover.pdf"
    geometry = cover_geometry(config, pages)
    progress("cover", f"{path.name} (spine {geometry.spine:g} mm for {pages} pages"
             f"{'' if geometry.spine_text else ', too thin for text'})")
    with atomic_output(path) as handle:
        result = write_cover_pdf(rendered, pages, handle)
    for url in result.refused:
        loaded.diagnostics.append(Diagnostic("warning", f"the cover did not load {url}", None, None, "cover"))
    for message in result.warnings:
        loaded.diagnostics.append(Diagnostic("warning", f"cover: {message}", None, None, "cover"))
    return OutputFile("cover", path, path.stat().st_size, 1)
