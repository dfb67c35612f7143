"""The build driver: config -> collect -> read -> normalise -> assemble -> render -> package.

Each stage takes data and returns data; progress is reported through a
callback so that only the CLI prints.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .collect import Plan, collect
from .config import CONFIG_NAME, BookConfig, load_config
from .errors import ConfigError, Diagnostic, ManuscriptError, PublisherError, StrictModeError
from .images import ImageSettings, pixels_for, prepare_images
from .lock import build_lock
from .model import Article, Book
from .normalize.book import normalize_article, options_from_config
from .output import atomic_output
from .readers import ReadResult, Source, preload, read
from .readers.source import sanitize_article
from .render.fallback import missing_glyph_diagnostics
from .render.fonts import book_fonts, regular_fonts
from .workers import Workers

FORMATS = ("epub", "pdf")
# Fewer manuscripts to read than this are read faster here than by starting workers.
MIN_PARALLEL_READ = 40
EPUB_JPEG_QUALITY = 75  # with epub_image_max_pixels, a camera photo in under 0.25 MB
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
    key = _memo_key(config, path, memo)
    found = memo.load(key) if key else None
    if found is not None:
        return found
    return _read_and_keep(config, path, memo, key)


def _memo_key(config: BookConfig, path: Path, memo) -> str | None:
    if memo is None:
        return None
    try:
        return memo.key(config.rel(path), path.read_bytes())
    except OSError:
        return None  # the reader reports the unreadable file


def _read_and_keep(config: BookConfig, path: Path, memo, key: str | None) -> tuple[Article, list[Diagnostic]]:
    result = read_raw(config, path)
    article = normalize_article(result.article, options_from_config(config))
    if key:
        memo.save(key, (article, result.diagnostics))
    return article, result.diagnostics


def _read_chunk(config: BookConfig, paths: list[tuple[Path, str | None]], memo) -> list:
    """A worker's job: read and keep each (path, memo key); None where that failed (the build
    reads it again itself, and reports the error exactly as when it reads everything alone)."""
    results = []
    for path, key in paths:
        try:
            results.append(_read_and_keep(config, path, memo, key))
        except Exception:
            results.append(None)
    return results


def _read_ahead(config: BookConfig, paths: list[Path], memo, workers: Workers | None) -> dict:
    """path -> a function giving its (article, diagnostics) (None: read it again here).

    Manuscripts kept in ``memo`` come from it; when enough others are left, ``workers`` read
    them, in chunks handed out in book order; else they are read when the function is called.
    """
    ready: dict = {}
    left = []
    for path in paths:
        key = _memo_key(config, path, memo)
        found = memo.load(key) if key else None
        if found is not None:
            ready[path] = lambda found=found: found
        else:
            left.append((path, key))
    if workers is None or not workers.enabled or workers.count < 2 or len(left) < MIN_PARALLEL_READ:
        for path, key in left:  # read here, in turn
            ready.setdefault(path, lambda path=path, key=key: _read_and_keep(config, path, memo, key))
        return ready
    size = max(1, min(8, len(left) // (workers.count * 4)))  # small chunks: the workers finish together
    for start in range(0, len(left), size):
        chunk = left[start:start + size]
        future = workers.submit(_read_chunk, config, chunk, memo)
        for index, (path, _) in enumerate(chunk):
            ready.setdefault(path, lambda future=future, index=index: _chunk_result(future, index))
    return ready


def _chunk_result(future, index: int):
    try:
        return future.result()[index]
    except Exception:  # the worker or its answer broke: read here
        return None


def _article_memo(config: BookConfig):
    """The article cache of a build: keyed by the code, the normalisation options and the images."""
    from .cache import Memo, code_version, digest, file_stamp
    from .render.fonts import cache_dir

    images = sorted(file_stamp(p) for p in config.root.glob("images/**/*"))  # readers measure images
    context = digest(code_version(), repr(options_from_config(config)), repr(config.security), str(config.root),
                     images)
    return Memo(cache_dir() / "articles", context)


def load_book(project: Path | str | BookConfig, progress: Progress = _quiet, workers: Workers | None = None,
              plan: Plan | None = None) -> Loaded:
    """Config, manuscripts and normalisation: the Book every output is made from.

    ``project`` is the project folder, or its config already loaded (and ``plan``, what
    collect made of it). With ``workers``, many manuscripts are read in parallel; the
    Book, diagnostics and errors are the same.
    """
    if isinstance(project, BookConfig):
        config = project
    else:
        progress("config", "book.toml")
        config = load_config(project)
    plan = plan or collect(config)
    diagnostics = list(plan.diagnostics)
    errors: list[PublisherError] = []
    memo = _article_memo(config)
    ahead = _read_ahead(config, [*([plan.foreword] if plan.foreword else []),
                                 *(p for part in plan.parts for p in part.files)], memo, workers)

    def read_one(path: Path) -> Article | None:
        progress("read", config.rel(path))
        try:
            ready = ahead.pop(path, None)
            result = ready() if ready else None  # None: not read ahead, or failed there
            article, found = result if result is not None else read_manuscript(config, path, memo)
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
    with Workers() as workers:  # forked at the first job, stopped before the outputs are written
        progress("config", "book.toml")
        config = load_config(project_dir)
        plan = collect(config)
        if workers.enabled:  # what every process needs, found once: the workers are forked with it
            preload(plan.files())
            with contextlib.suppress(Exception):  # a font that fails does so later, where it always has
                book_fonts(config)
        # The EPUB cover image needs WeasyPrint and no manuscript: drawn by a worker meanwhile.
        cover_ahead = None
        if "epub" in formats and config.cover_image is None and workers.enabled:
            from .render.coverstore import front_cover_ahead

            cover_ahead = workers.submit(front_cover_ahead, config, _cache("covers"))
        loaded = load_book(config, progress, workers, plan)
        warnings = [d for d in loaded.diagnostics if d.level in ("warning", "error")]
        if strict and warnings:
            raise StrictModeError(
                f"{len(warnings)} warning{'s' * (len(warnings) > 1)} and --strict is on: {warnings[0]}",
                diagnostics=loaded.diagnostics,
            )
        from .render.html import render_book

        if profile is not None and profile not in config.profiles:
            raise ConfigError(f"no output profile named {profile!r}", CONFIG_NAME,
                              hint=f"profiles: {', '.join(config.profiles)}")
        progress("render", "HTML")
        rendered = render_book(config, loaded.book)
        for settings in _image_settings(config, formats, profile):  # processed by the workers meanwhile
            prepare_images(rendered.images, settings, _cache("images"), workers=workers)
        cover_art = None
        if "epub" in formats and config.cover_image is None:  # an image rendered from the front-cover design
            from .render.coverstore import front_cover

            progress("epub", "cover image")
            cover_art = front_cover(rendered, _cache("covers"), cover_ahead)
    target_dir = Path(out_dir) if out_dir else config.out_dir
    with build_lock(target_dir):  # a second build at the same time fails at once, naming this one's pid
        outputs = _write_outputs(rendered, loaded, target_dir, formats, progress, profile, cover_art)
        # The cover spread: asked for, or part of a print PDF (its spine needs the page count).
        if cover or ("pdf" in formats and config.profile(profile).name == "print"):
            outputs.append(_write_cover(rendered, loaded, target_dir, outputs, progress,
                                        config.profile(profile).name == "print"))
    return BuildReport(outputs, loaded.diagnostics, len(loaded.book.articles()),
                       time.perf_counter() - started)


def _cache(name: str) -> Path:
    from .render.fonts import cache_dir

    return cache_dir() / name


def _write_outputs(rendered, loaded: Loaded, target_dir: Path, formats: tuple[str, ...],
                   progress: Progress, profile_name: str | None = None, cover_art=None) -> list[OutputFile]:
    config = loaded.config
    outputs: list[OutputFile] = []
    if "epub" in formats:
        from .render.epub import write_epub

        progress("epub", f"{config.slug}.epub")
        path = target_dir / f"{config.slug}.epub"
        with atomic_output(path) as handle:
            write_epub(rendered, handle, cover_art=cover_art,
                       images=_images(rendered, epub_image_settings(config)))
        outputs.append(OutputFile("epub", path, path.stat().st_size))
    if "pdf" in formats:
        from .render.pdf import write_pdf

        profile = config.profile(profile_name)
        name = f"{config.slug}.pdf" if profile.name == config.default_profile else f"{config.slug}-{profile.name}.pdf"
        progress("pdf", f"{name} ({profile.name} profile, laying out pages)")
        path = target_dir / name
        images = _images(rendered, pdf_image_settings(config, profile))
        from .render.fonts import cache_dir
        from .render.photorefs import by_reference, expand

        # Large photos are laid out as stand-ins and put in as the file is written (render.photorefs).
        images, photos = by_reference(images, _cache("images") / "refs")
        with atomic_output(path) as handle:  # runs of pages laid out in parallel, cached (render.parallel)
            laid_out = io.BytesIO()
            result = write_pdf(rendered, laid_out, profile, images, cache=cache_dir() / "render")
            expand(laid_out.getvalue(), handle, photos, _cache("images") / "refs")
        outputs.append(OutputFile("pdf", path, path.stat().st_size, result.pages))
        for url in result.refused:
            loaded.diagnostics.append(Diagnostic("warning", f"the PDF did not load {url}", None, None, "pdf"))
    return outputs


def epub_image_settings(config: BookConfig) -> ImageSettings:
    """Images for the EPUB: at most ``epub_image_max_pixels``, a phone's screen."""
    return ImageSettings(max_pixels=config.epub_image_max_pixels, quality=EPUB_JPEG_QUALITY)


def _image_settings(config: BookConfig, formats: tuple[str, ...], profile: str | None) -> list[ImageSettings]:
    found = [epub_image_settings(config)] if "epub" in formats else []
    return found + ([pdf_image_settings(config, config.profile(profile))] if "pdf" in formats else [])


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

    from .render.cover import cover_geometry
    from .render.coverstore import cover_pdf
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
        result = cover_pdf(rendered, pages, handle, _cache("covers"))
    for url in result.refused:
        loaded.diagnostics.append(Diagnostic("warning", f"the cover did not load {url}", None, None, "cover"))
    for message in result.warnings:
        loaded.diagnostics.append(Diagnostic("warning", f"cover: {message}", None, None, "cover"))
    return OutputFile("cover", path, path.stat().st_size, 1)
