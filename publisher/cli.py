"""The command line: the only module that prints or exits."""

from __future__ import annotations

import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import Diagnostic, PublisherError

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


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """publisher: Vietnamese commemorative books (kỷ yếu) from Markdown, text and Word files."""


def _fail(exc: PublisherError) -> None:
    """Print a PublisherError as one plain line (plus its other problems) and exit."""
    err.print(f"error: {exc}", markup=False)
    others = [d for d in exc.diagnostics if d.level == "error" and d.message not in str(exc)]
    for diagnostic in others[:20]:
        err.print(f"  {diagnostic}", markup=False)
    if exc.hint:
        err.print(f"hint: {exc.hint}", markup=False)
    raise typer.Exit(exc.exit_code)


def _print_diagnostics(diagnostics: list[Diagnostic], levels=("error", "warning")) -> None:
    for diagnostic in diagnostics:
        if diagnostic.level in levels:
            err.print(str(diagnostic), markup=False)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@app.command()
def build(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    format: Format = typer.Option(Format.all, "--format", "-f", help="Which output to make."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (default: dist/)."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
) -> None:
    """Build the book: dist/<slug>.epub and dist/<slug>.pdf.

    Example: publisher build . --format pdf
    """
    from .build import build as run_build

    formats = ("epub", "pdf") if format == Format.all else (format.value,)
    started = time.perf_counter()

    def progress(stage: str, detail: str) -> None:
        if not quiet:
            out.print(f"[{time.perf_counter() - started:6.1f}s] {stage:<8} {detail}", markup=False)

    try:
        report = run_build(project_dir, formats, out_dir, strict, progress)
    except PublisherError as exc:
        _print_diagnostics([d for d in exc.diagnostics if d.level == "warning"])
        _fail(exc)
    except KeyboardInterrupt:
        err.print("interrupted: the previous output files are kept")
        raise typer.Exit(130)
    _print_diagnostics(report.diagnostics)
    if quiet:
        return
    table = Table(title=f"Built {report.articles} articles in {report.seconds:.1f} s", show_edge=False)
    table.add_column("file")
    table.add_column("size", justify="right")
    table.add_column("pages", justify="right")
    for item in report.outputs:
        table.add_row(str(item.path), _size(item.size), str(item.pages or ""))
    out.print(table)


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
def check(
    project_dir: Path = typer.Argument(Path("."), help="The book project folder (with book.toml)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    format: DumpFormat = typer.Option(DumpFormat.text, "--format", help="text or json."),
) -> None:
    """Check the manuscripts without building: every problem with its file and line.

    Example: publisher check . --strict
    """
    from .check import run_check

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
        out.print(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
    failing = {"error"} | ({"warning"} if strict else set())
    if any(d.level in failing for d in findings):
        raise typer.Exit(1)


def main() -> None:
    app()
