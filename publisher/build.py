"""The driver of outputs: the Book from the pipeline, HTML once, then EPUB / PDF / cover.

Each stage takes data and returns data; progress is reported through a
callback so that only the CLI prints.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

from . import pipeline, uptodate
from .cache import cache_dir
from .collect import Plan, collect
from .config import CONFIG_NAME, BookConfig, load_config
from .errors import ConfigError, DamagedImage, Diagnostic, StrictModeError
from .images import ImageSettings, pixels_for, prepare_ahead, prepare_images
from .lock import build_lock
from .output import atomic_output
from .pipeline import Loaded, Progress, _quiet
from .report import BuildReport, OutputFile
from .readers import preload
from .render.fallback import missing_glyph_diagnostics
from .render.fonts import book_fonts, regular_fonts
from .workers import Workers, on_a_thread

FORMATS = ("epub", "pdf")
EPUB_JPEG_QUALITY = 75  # with epub_image_max_pixels, a camera photo in under 0.25 MB


def load_book(project: Path | str | BookConfig, progress: Progress = _quiet, workers: Workers | None = None,
              plan: Plan | None = None) -> Loaded:
    """The Book every output is made from (``pipeline.load_book``), plus what the fonts say
    about it: characters that no face of the book can print."""
    loaded = pipeline.load_book(project, progress, workers, plan)
    loaded.diagnostics.extend(missing_glyph_diagnostics(loaded.book, regular_fonts(loaded.config)))
    return loaded


def build(project_dir: Path | str = ".", formats: tuple[str, ...] = FORMATS, out_dir: Path | None = None,
          strict: bool = False, progress: Progress = _quiet, cover: bool = False,
          profile: str | None = None, checked: tuple[BookConfig, str | None] | None = None) -> BuildReport:
    """Build the requested formats into the output folder; returns what was written.

    ``cover`` adds dist/<slug>-cover.pdf, which a PDF built with the print profile gets anyway.
    ``profile`` names the PDF's output profile (default: the config's default_profile).
    ``checked``: the config and build key of a caller that has just found the last build out
    of date (``uptodate.last_build``), so neither is made twice.
    """
    started = time.perf_counter()
    with Workers() as workers:  # forked at the first job, stopped before the outputs are written
        progress("config", "book.toml")
        if checked is not None:
            config, key = checked
        else:
            config = load_config(project_dir)
            key, kept = uptodate.last_build(config, out_dir, formats, cover, profile, strict, started)
            if kept is not None:
                progress("done", uptodate.MESSAGE)
                return kept
        target_dir = Path(out_dir) if out_dir else config.out_dir
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
        # Processed by the workers meanwhile, for every output at once.
        prepare_ahead(rendered.images, list(_image_settings(config, formats, profile)), _cache("images"), workers)
        cover_art = None
        if "epub" in formats and config.cover_image is None:  # an image rendered from the front-cover design
            from .render.coverstore import front_cover

            progress("epub", "cover image")
            cover_art = front_cover(rendered, _cache("covers"), cover_ahead)
        # The EPUB's page list: none when the book asks for none; otherwise the print PDF's, read
        # back as it is written, or (an EPUB built alone) laid out in runs in _write_outputs.
        breaks = None if config.epub_page_list else []
    with build_lock(target_dir), _where_shown(loaded):  # a second build at the same time fails at once
        outputs = _write_outputs(rendered, loaded, target_dir, formats, progress, profile, cover_art, breaks)
        # The cover spread: asked for, or part of a print PDF (its spine needs the page count).
        if cover or ("pdf" in formats and config.profile(profile).name == "print"):
            outputs.append(_write_cover(rendered, loaded, target_dir, outputs, progress,
                                        config.profile(profile).name == "print"))
    uptodate.remember(key, outputs, loaded.diagnostics, len(loaded.book.articles()),
                      loaded.book.foreword is not None)
    return BuildReport(outputs, loaded.diagnostics, len(loaded.book.articles()),
                       time.perf_counter() - started, loaded.book.foreword is not None)


@contextlib.contextmanager
def _where_shown(loaded: Loaded):
    """A damaged image's error names the manuscript and line that first shows it, as
    ``publisher check`` does (the image's own path alone leaves the editor searching)."""
    try:
        yield
    except DamagedImage as exc:
        for article in loaded.book.articles():
            for block in article.blocks:
                if exc.path in block.image_sources():
                    raise DamagedImage(f"{exc.path}: {exc.message}", article.source, block.line,
                                       hint=exc.hint) from exc
        raise


def _cache(name: str) -> Path:

    return cache_dir() / name


def _write_outputs(rendered, loaded: Loaded, target_dir: Path, formats: tuple[str, ...],
                   progress: Progress, profile_name: str | None = None, cover_art=None,
                   breaks=None) -> list[OutputFile]:
    config = loaded.config
    outputs: list[OutputFile] = []

    def write_epub_file(print_pdf) -> OutputFile:
        from .render.epub import write_epub
        from .render.pagemap import cached_page_breaks

        found = breaks
        if found is None:
            found = cached_page_breaks(rendered, print_pdf or (lambda: _lay_out_print(rendered, progress)),
                                       _cache("pagemap"))
        path = target_dir / f"{config.slug}.epub"
        with atomic_output(path) as handle:
            write_epub(rendered, handle, cover_art=cover_art,
                       images=_images(rendered, epub_image_settings(config)), page_breaks=found)
        return OutputFile("epub", path, path.stat().st_size)

    epub = None  # the EPUB: a file, or its thread writing it while the PDF's photos go to disk
    if "pdf" in formats:  # first: the EPUB's page numbers are the print PDF's
        from .pdf import colour_note, write_pdf
        from .pdf.overflow import diagnostics as wide_tables

        profile = config.profile(profile_name)
        name = f"{config.slug}.pdf" if profile.name == config.default_profile else f"{config.slug}-{profile.name}.pdf"
        note = colour_note(profile)
        progress("pdf", f"{name} ({profile.name} profile{', ' + note if note else ''}, laying out pages)")
        path = target_dir / name
        images = _images(rendered, pdf_image_settings(config, profile))
        from .pdf.photorefs import by_reference, photos_ahead

        with contextlib.ExitStack() as waiting:
            with atomic_output(path) as handle:  # runs of pages laid out in parallel, cached (pdf.runs)
                if profile.sheet:  # a booklet: the pages imposed 2-up for saddle stitching
                    result = _write_booklet(rendered, handle, profile, images)
                else:
                    # Large photos are laid out as stand-ins and put in as the file is written
                    # (pdf.photorefs): their bytes go to disk while the pages are laid out.
                    images, photos = by_reference(images, _cache("images") / "refs")
                    with photos_ahead(handle, photos) as ahead:
                        buffer = io.BytesIO()
                        result = write_pdf(rendered, buffer, profile, images, cache=cache_dir() / "render",
                                           progress=lambda line: progress("pdf", line))
                        laid_out = buffer.getvalue()
                        if "epub" in formats and (breaks is not None or profile.name == "print"):
                            # The pages are laid out, which is all the EPUB's page list needs: the
                            # EPUB is written on a thread while this one finishes the PDF and
                            # waits for the disk (seconds for a photo book), then both are waited for.
                            progress("epub", f"{config.slug}.epub")
                            epub = waiting.enter_context(
                                on_a_thread(write_epub_file, laid_out if profile.name == "print" else None))
                        ahead.expand(laid_out)
            outputs.append(OutputFile("pdf", path, path.stat().st_size, result.pages))
        for url in result.refused:
            loaded.diagnostics.append(Diagnostic("warning", f"the PDF did not load {url}", None, None, "pdf"))
        loaded.diagnostics.extend(wide_tables(rendered, result.wide))
    if epub is not None:
        outputs.insert(0, epub.result())
    elif "epub" in formats:
        progress("epub", f"{config.slug}.epub")
        outputs.insert(0, write_epub_file(None))
    return outputs


def _write_booklet(rendered, handle, profile, images):
    """The profile's pages laid out, then imposed 2-up in saddle-stitch order (publisher.booklet)."""
    import dataclasses

    from .booklet import BookletError, impose
    from .render.cover import spine_width_mm
    from .pdf import write_pdf

    buffer = io.BytesIO()
    result = write_pdf(rendered, buffer, profile, images, cache=cache_dir() / "render")
    config = rendered.config
    try:
        sides = impose(buffer.getvalue(), handle, config.trim_mm, profile.sheet, spine_width_mm(2, config))
    except BookletError as exc:
        raise ConfigError(str(exc), CONFIG_NAME, hint=f'set [output.{profile.name}] sheet = "A3" or larger') from exc
    return dataclasses.replace(result, pages=sides)


def _lay_out_print(rendered, progress: Progress) -> bytes:
    """The print PDF laid out in memory (its runs cached), for the EPUB's page list."""
    from .pdf import write_pdf

    progress("epub", "page list (laying out the print pages)")
    profile = rendered.config.profile("print")
    from .pdf.photorefs import by_reference

    buffer = io.BytesIO()
    images, _ = by_reference(_images(rendered, pdf_image_settings(rendered.config, profile)),
                             _cache("images") / "refs")  # stand-ins: the same pages, no photo bytes
    write_pdf(rendered, buffer, profile, images, cache=cache_dir() / "render",
              progress=lambda line: progress("epub", line))
    return buffer.getvalue()


def pdf_image_settings(config: BookConfig, profile) -> ImageSettings:
    """Images for a PDF profile: at most ``image_dpi`` when printed as large as the page with its bleed."""
    size = None
    if profile.image_dpi:
        size = pixels_for(tuple(v + 2 * profile.bleed_mm for v in config.trim_mm), profile.image_dpi)
    # A booklet is imposed from pages with the photos in them: only the book's own pages take
    # sideways photos by reference, turned by the PDF (pdf.photorefs).
    return ImageSettings(max_size=size, quality=profile.jpeg_quality, cmyk_profile=profile.icc_profile,
                         turned_in_pdf=not profile.sheet, pdf=True)


def _images(rendered, settings: ImageSettings) -> dict[str, Path]:
    """The book's images processed for one output, cached between builds."""

    return prepare_images(rendered.images, settings, cache_dir() / "images", rendered.config.rel)


def _write_cover(rendered, loaded: Loaded, target_dir: Path, outputs: list[OutputFile],
                 progress: Progress, built_for_print: bool) -> OutputFile:
    """dist/<slug>-cover.pdf, its spine sized for the page count of the print profile's interior."""
    import io

    from .render.cover import cover_geometry
    from .render.coverstore import cover_pdf
    from .pdf import write_pdf

    config = loaded.config
    pages = next((o.pages for o in outputs if o.format == "pdf" and o.pages), None) if built_for_print else None
    if pages is None:  # no print interior was asked for: lay one out only to count its pages
        progress("cover", "counting the print interior's pages")
        pages = write_pdf(rendered, io.BytesIO(), "print", progress=lambda line: progress("cover", line)).pages
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


def epub_image_settings(config: BookConfig) -> ImageSettings:
    """Images for the EPUB: at most ``epub_image_max_pixels``, a phone's screen, in RGB."""
    return ImageSettings(max_pixels=config.epub_image_max_pixels, quality=EPUB_JPEG_QUALITY, rgb=True)


def _image_settings(config: BookConfig, formats: tuple[str, ...], profile: str | None) -> list[ImageSettings]:
    found = [epub_image_settings(config)] if "epub" in formats else []
    return found + ([pdf_image_settings(config, config.profile(profile))] if "pdf" in formats else [])
