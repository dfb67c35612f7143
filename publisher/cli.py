"""The command line: the only module that prints or exits."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import DamagedImage, Diagnostic, PublisherError

app = typer.Typer(
    help="Turn a folder of articles into a commemorative book: an EPUB 3 and a print-ready PDF.\n\n"
    "Example: publisher build my-book/",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(str, Enum):
    epub = "epub"
    pdf = "pdf"
    all = "all"


class DumpFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        out.print(f"publisher {__version__}")
        raise typer.Exit()


# How much the commands print: 0 --quiet (errors only), 1 normal, 2 --verbose (every finding).
_verbosity = {"level": 1}


@app.callback()
def main_options(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every finding and every problem."),
) -> None:
    """publisher: Vietnamese commemorative books (kỷ yếu) from Markdown, text and Word files."""
    _verbosity["level"] = 0 if quiet else 2 if verbose else 1
    from .cachetrim import in_use

    # The cache is in use while the command runs: a build's trimming elsewhere removes nothing.
    ctx.with_resource(in_use())


def _fail(exc: PublisherError) -> None:
    """Print a PublisherError as one plain line and a hint (every problem with --verbose), and exit."""
    err.print(f"error: {exc}", markup=False)
    problems = [d for d in exc.diagnostics if d.level in ("error", "warning")]
    hints = [exc.hint] if exc.hint else []
    if _verbosity["level"] >= 2:
        for diagnostic in problems:
            if diagnostic.message not in str(exc):
                err.print(f"  {diagnostic}", markup=False)
    elif len(problems) > 1:
        hints.append(f"run `publisher check` to see all {len(problems)} problems")
    if isinstance(exc, DamagedImage):  # the build stops at the first one
        hints.append("`publisher check` lists every damaged image of the book at once")
    if hints:
        err.print(f"hint: {'; '.join(hints)}", markup=False)
    raise typer.Exit(exc.exit_code)


def _print_diagnostics(diagnostics: list[Diagnostic], levels=("error", "warning")) -> None:
    for diagnostic in diagnostics:
        if diagnostic.level in levels:
            err.print(str(diagnostic), markup=False)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the build is so that it unwinds like Ctrl-C: partial files removed."""


@contextlib.contextmanager
def _terminate_as_interrupt():
    """Turn SIGTERM into _Terminated and Ctrl-C into KeyboardInterrupt for the duration of the
    block (main thread only), each also recorded by output.request_stop: raised again at the
    next stage or rename when the first raise fell in a finaliser and was swallowed."""
    from .output import request_stop

    def stop(signum, frame):
        exc = _Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
        request_stop(exc)
        raise exc

    hook = sys.unraisablehook

    def quiet(unraisable):
        # A stop raised inside a finaliser (a weakref callback the collector ran) is swallowed
        # there and raised again by request_stop: Python's "Exception ignored … Traceback" about
        # it would only alarm the editor.
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    try:
        previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    except ValueError:  # not the main thread (e.g. a test runner): leave signals alone
        yield
        return
    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _count(number: int, word: str) -> str:
    """'1 error', '2 errors', '0 errors'."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def _shown(path: Path) -> str:
    """A path as the editor typed it: relative to the current folder when inside it (dist/x.pdf)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _kept_message() -> str:
    """What an interrupted build leaves: the files it already replaced, by name; the others as they were."""
    from .output import replaced

    names = [_shown(path) for path in dict.fromkeys(replaced())]
    if not names:
        return "the previous output files are kept"
    verb = "was" if len(names) == 1 else "were"
    return f"{', '.join(names)} {verb} replaced by this build; for the rest, the previous output files are kept"


def _size(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@app.command()
def build(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    format: Format = typer.Option(Format.all, "--format", "-f", help="Which output to make."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (default: dist/)."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    cover: bool = typer.Option(False, "--cover", help="Also write dist/<slug>-cover.pdf, the cover spread "
                               "(back, spine, front, with bleed); a print PDF always gets it."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="The PDF's output profile: print "
                                          "(default), screen, proof, or one from book.toml [output.NAME]. "
                                          "Other than the default it is written to dist/<slug>-NAME.pdf."),
) -> None:
    """Build the book: dist/<slug>.epub and dist/<slug>.pdf (and the cover spread with the print PDF).

    Example: publisher build . --format pdf
    """
    formats = ("epub", "pdf") if format == Format.all else (format.value,)
    quiet = quiet or _verbosity["level"] == 0  # `publisher --quiet build` and `publisher build --quiet`
    started = time.perf_counter()

    def progress(stage: str, detail: str) -> None:
        check_stop()  # a signal swallowed on the way stops the build here
        if not quiet:
            out.print(f"[{time.perf_counter() - started:6.1f}s] {stage:<8} {detail}", markup=False)

    from .output import check_stop, forget_replaced

    forget_replaced()
    try:
        with _terminate_as_interrupt():
            report = _build_or_recall(project_dir, formats, out_dir, strict, progress, cover, profile, started)
            check_stop()
    except PublisherError as exc:
        _fail(exc)
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, _Terminated)
        _interrupt["reported"] = True
        err.print(f"{'stopped (SIGTERM)' if terminated else 'interrupted'}: {_kept_message()}", markup=False)
        raise typer.Exit(143 if terminated else 130)
    _print_diagnostics(report.diagnostics, ("error", "warning", "info")[:3 if _verbosity["level"] >= 2 else 2])
    from .cachetrim import trim

    try:
        trimmed = trim()
    except KeyboardInterrupt:  # (the book is written: only the cache's trimming stops, half done)
        err.print("interrupted while the cache was trimmed: the book was built", markup=False)
        raise typer.Exit(130)
    if quiet:
        return
    title = f"Built {report.texts} in {report.seconds:.1f} s"
    if report.up_to_date:
        title = f"Up to date: {report.texts}, nothing changed since the last build"
    table = Table(title=title, show_edge=False)
    table.add_column("file")
    table.add_column("size", justify="right")
    table.add_column("pages", justify="right")
    for item in report.outputs:
        table.add_row(_shown(item.path), _size(item.size), str(item.pages or ""))
    out.print(table)
    if trimmed is not None and trimmed.removed_files:
        out.print(f"cache: {_size(trimmed.removed_bytes)} not used lately removed from {_shown(trimmed.root)} "
                  f"(it had grown to {_size(trimmed.size)}; its limit is PUBLISHER_CACHE_MAX_GB)", markup=False)


def _build_or_recall(project_dir, formats, out_dir, strict, progress, cover, profile, started):
    """The build's report; with nothing changed since the same build last ran, that build's,
    found before the build's code (a third of a second of imports) is even loaded."""
    from .config import load_config
    from .uptodate import MESSAGE, last_build

    config = load_config(project_dir)
    key, kept = last_build(config, out_dir, formats, cover, profile, strict, started)
    if kept is not None:
        progress("done", MESSAGE)
        return kept
    from .build import build

    return build(project_dir, formats, out_dir, strict, progress, cover=cover, profile=profile,
                 checked=(config, key))


@app.command()
def dump(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
) -> None:
    """Print the normalised book as JSON (parts, articles, blocks).

    Example: publisher dump . > book.json
    """
    from .build import load_book

    try:
        loaded = load_book(project_dir)
    except PublisherError as exc:
        _fail(exc)
    data = loaded.book.to_dict()
    data["diagnostics"] = [d.to_dict() for d in loaded.diagnostics]
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def guide(
    lang: str = typer.Option("vi", "--lang", "-l", help="vi (Vietnamese, default) or en (English)."),
    path: bool = typer.Option(False, "--path", help="Print where the guide file is instead of its text."),
) -> None:
    """Print the user guide that came with this version (from installing to troubleshooting).

    Example: publisher guide --lang en | less
    """
    from .guides import guide_path

    try:
        found = guide_path(lang)
    except PublisherError as exc:
        _fail(exc)
    if path:
        sys.stdout.write(f"{found}\n")
    else:
        sys.stdout.write(found.read_text(encoding="utf-8"))


@app.command()
def check(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    format: DumpFormat = typer.Option(DumpFormat.text, "--format", help="text or json."),
) -> None:
    """Check the manuscripts without building: every problem with its file and line.

    Example: publisher check . --strict
    """
    from .commands.check import run_check

    try:
        findings = run_check(project_dir)
    except PublisherError as exc:
        findings = exc.diagnostics or [Diagnostic("error", exc.message, exc.path, exc.line, exc.kind, exc.hint)]
    if format == DumpFormat.json:
        sys.stdout.write(json.dumps([d.to_dict() for d in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            out.print(str(finding), markup=False)
        counts = {level: sum(d.level == level for d in findings) for level in ("error", "warning", "info")}
        out.print(", ".join(_count(counts[level], word) for level, word in
                            (("error", "error"), ("warning", "warning"), ("info", "note"))), markup=False)
    failing = {"error"} | ({"warning"} if strict else set())
    if any(d.level in failing for d in findings):
        raise typer.Exit(1)


@app.command()
def preflight(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Where the PDFs are (default: dist/)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    format: DumpFormat = typer.Option(DumpFormat.text, "--format", help="text or json."),
) -> None:
    """Read the built PDFs and list, with page numbers, what a print house would reject.

    Example: publisher preflight .  (after publisher build .)
    """
    import dataclasses

    from .config import load_config
    from .commands.preflight import preflight as run_preflight

    try:
        config = load_config(project_dir)
        if out_dir is not None:
            config = dataclasses.replace(config, out_dir=out_dir.resolve())
        findings = run_preflight(config)
    except PublisherError as exc:
        _fail(exc)
    if format == DumpFormat.json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            out.print(str(finding), markup=False)
        counts = {level: sum(f.level == level for f in findings) for level in ("error", "warning")}
        out.print(f"{counts['error']} errors, {counts['warning']} warnings")
    failing = {"error"} | ({"warning"} if strict else set())
    if any(f.level in failing for f in findings):
        raise typer.Exit(1)


def _import_line(result) -> str:
    """One line for one imported file: what was found, or why nothing was written."""
    if result.status == "failed":
        return f"error: {result.source}: {result.error.message}" + (
            f" ({result.error.hint})" if result.error.hint else "")
    if result.status == "exists":
        return f"{result.source}: kept {result.target}: it exists (use --force to replace it)"
    guessed = result.guessed

    def maybe(key: str) -> str:
        return f" (guessed from the {guessed[key]})" if isinstance(guessed.get(key), str) else ""

    found = [result.encoding + (f" (confidence {result.confidence:.2f})" if result.confidence is not None else "")]
    found += [f"{font} ({runs} runs converted)" for font, runs in result.legacy_fonts.items()]
    found.append(f"title “{result.title}”{maybe('title')}")
    found.append((f"author {', '.join(result.authors)}{maybe('byline')}") if result.authors else "no author")
    found.append(f"date {result.date}{maybe('date')}" if result.date else "no date")
    found.append(f"{result.images} image{'s' * (result.images != 1)}")
    found.append(f"{result.captions} caption{'s' * (result.captions != 1)} without a photo")
    if result.notes:
        found.append(f"{result.notes} notes")
    doubts = f"; {len(result.doubts)} to confirm:" if result.doubts else ""
    return f"{result.source} -> {result.target}: {'; '.join(found)}{doubts}"


class TitleCase(str, Enum):
    sentence = "sentence"


@app.command("import")
def import_(
    sources: list[Path] = typer.Argument(..., help="Text (.txt), Word (.docx) or .odt/.rtf/.doc files."),
    into: Optional[Path] = typer.Option(None, "--into", help="Folder for the new manuscripts "
                                        "(default: the project's manuscripts folder)."),
    force: bool = typer.Option(False, "--force", help="Replace manuscripts that already exist."),
    title_case: Optional[TitleCase] = typer.Option(None, "--title-case", help="'sentence': write a "
                                                   "title in capitals in sentence case, keeping the "
                                                   "capitals of names as the article writes them."),
    split: bool = typer.Option(False, "--split", help="A Word file holding the book's draft, each "
                               "article under a Heading 1: write a manuscript for each article."),
) -> None:
    """Turn text and Word files into Markdown manuscripts the editor can review and edit.

    Writes one <name>.md a file, with front matter (title, authors, date, source file);
    Word images go into images/. Sources are never changed, and existing manuscripts
    are kept unless --force is given. Prints what each file held and what to confirm.

    Example: publisher import inbox/*.txt inbox/*.docx --into manuscripts/

    A book's draft in one Word file: publisher import --split inbox/ky-yeu.docx
    """
    from .commands.importer import import_files

    try:
        results = import_files(sources, into, force, title_case=title_case.value if title_case else None,
                               split=split)
    except PublisherError as exc:
        _fail(exc)
    for result in results:
        (err if result.status == "failed" else out).print(_import_line(result), markup=False)
        for manuscript, title in result.parts:  # --split: the articles of a book's draft
            out.print(f"  wrote {manuscript} (“{title}”)", markup=False)
        for image in result.written_images:  # the one command that writes into images/, and says so
            out.print(f"  wrote {image} (a picture from the file)", markup=False)
        for doubt in result.doubts:
            where = f"line {doubt.line}: " if doubt.line else ""
            out.print(f"  {doubt.level}: {where}{doubt.message}" + (f" ({doubt.hint})" if doubt.hint else ""),
                      markup=False)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise typer.Exit(failed[0].error.exit_code)
    if any(r.status == "exists" for r in results):
        raise typer.Exit(1)


class Language(str, Enum):
    vi = "vi"
    en = "en"


@app.command()
def new(
    project_dir: Path = typer.Argument(..., help="The folder to create (it must be empty or not exist)."),
    title: Optional[str] = typer.Option(None, "--title", "-t", help="The book's title."),
    lang: Language = typer.Option(Language.vi, "--lang", "-l", help="Language of the book and of book.toml's comments."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder: add the missing files, "
                               "keep (and list) the existing ones."),
) -> None:
    """Make a new book project: book.toml, a foreword and two example articles, images, styles.

    Example: publisher new ky-yeu-2026 --title "Kỷ yếu 20 năm thành lập" --lang vi
    """
    from .commands.scaffold import scaffold

    try:
        report = scaffold(project_dir, title, lang.value, force)
    except PublisherError as exc:
        _fail(exc)
    for name in report.skipped:
        err.print(f"kept: {project_dir / name} already exists and was not overwritten", markup=False)
    if _verbosity["level"] == 0:
        return
    if _verbosity["level"] >= 2:
        for name in report.written:
            out.print(f"wrote {project_dir / name}", markup=False)
    out.print(f"Made {project_dir}: {len(report.written)} files written"
              + (f", {len(report.skipped)} existing files kept" if report.skipped else ""), markup=False)
    out.print(f"Next: cd {project_dir} && publisher build   (or: publisher preview {project_dir})", markup=False)


@app.command()
def preview(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; the default is this computer only."),
    outputs: bool = typer.Option(True, "--outputs/--no-outputs",
                                 help="Rebuild dist/*.epub and dist/*.pdf after each change too."),
) -> None:
    """Serve the book in the browser and rebuild it whenever a file of the project changes.

    Example: publisher preview my-book --port 8000
    """
    from .commands.preview import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"warning: listening on {host}: other computers on the network can read the book", markup=False)

    def report(kind: str, text: str) -> None:
        if kind == "error":
            err.print(f"error: {text}", markup=False)
        elif kind == "serving" or _verbosity["level"] >= 1:
            label = {"serving": "Serving the book at", "rebuilt": "rebuilt:", "changed": "changed:",
                     "outputs": "wrote"}.get(kind, kind)
            out.print(f"{label} {text}" + ("   (Ctrl+C to stop)" if kind == "serving" else ""), markup=False)
        sys.stdout.flush()

    try:
        serve(project_dir, host, port, outputs, report)
    except PublisherError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("stopped")
        raise typer.Exit(0)


@app.command()
def stats(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    format: DumpFormat = typer.Option(DumpFormat.text, "--format", help="text (a table) or json."),
) -> None:
    """Words, images, notes, estimated pages, tone style and problems of every article.

    Example: publisher stats . --format json
    """
    from .commands.stats import book_stats

    try:
        found = book_stats(project_dir)
    except PublisherError as exc:
        _fail(exc)
    if format == DumpFormat.json:
        sys.stdout.write(json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"{found.title}: about {found.total('pages')} pages "
                  f"({found.words_per_page} words a page at {found.trim_mm[0]:g}×{found.trim_mm[1]:g} mm)",
                  show_edge=False)
    for name, justify in (("article", "left"), ("words", "right"), ("images", "right"), ("notes", "right"),
                          ("pages", "right"), ("tones", "left"), ("problems", "left")):
        table.add_column(name, justify=justify)

    def problems(errors: int, warnings: int) -> str:
        parts = [f"{errors} error{'s' * (errors != 1)}"] * bool(errors)
        parts += [f"{warnings} warning{'s' * (warnings != 1)}"] * bool(warnings)
        return ", ".join(parts)

    for part in found.parts:
        if part.title:
            table.add_row(part.title, str(part.total("words")), str(part.total("images")),
                          str(part.total("footnotes")), str(part.total("pages")), "",
                          problems(part.total("errors"), part.total("warnings")), style="bold")
        for item in part.articles:
            table.add_row(("  " if part.title else "") + Path(item.source).name, str(item.words), str(item.images),
                          str(item.footnotes), str(item.pages), item.tone, problems(item.errors, item.warnings))
    table.add_row("other pages", "", "", "",
                  str(found.other_pages), "", problems(found.errors, found.warnings))
    table.add_row("total", str(found.total("words")), str(found.total("images")), str(found.total("footnotes")),
                  str(found.total("pages")), found.tones(), problems(found.total("errors"), found.total("warnings")),
                  style="bold")
    out.print(table)
    if found.total("errors") or found.total("warnings"):
        out.print("run `publisher check` to see every problem with its file and line", markup=False)


_interrupt = {"reported": False}


def main() -> None:
    try:
        app()
    except SystemExit as exc:
        # Ctrl-C before a command's own handler runs (while Python imports, say): Typer exits
        # 130 silently; nothing was written yet, and the editor is told so.
        if exc.code == 130 and not _interrupt["reported"]:
            err.print("interrupted: the previous output files are kept")
        raise
