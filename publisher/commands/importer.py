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
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import CONFIG_NAME, load_config, slugify
from ..encodings import decode_bytes
from ..errors import Diagnostic, ManuscriptError, PublisherError
from ..model import Article, html_to_text
from ..output import atomic_output
from ..readers import REGISTRY, Source, read
from ..readers.inline import escape_text
from ..readers.markdown import inline_html
from ..readers.titlecase import is_all_caps, sentence_case
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
    parts: list[tuple[str, str]] = field(default_factory=list)  # with --split: (manuscript, its title) written


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
        return (path.parent.resolve() / path.name).relative_to(cwd.resolve()).as_posix()  # a link is shown as itself
    except ValueError:
        return str(path)


def import_files(sources: list[Path], into: Path | None = None, force: bool = False,
                 cwd: Path | None = None, title_case: str | None = None, split: bool = False) -> list[ImportResult]:
    """Import every source into ``into`` (default: the project's manuscripts folder).

    ``title_case="sentence"`` writes a title in capitals in sentence case, names kept as
    the article writes them (readers/titlecase.py). ``split``: a Word file holding a book's
    draft, each article under a Heading 1, is written as a manuscript for each
    (``<name>-01-<title>.md`` …, ``split_parts``).

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
        result = _import_one(source, folder, root, cwd, force, claimed, title_case, split)
        results.append(result)
    return results


def _import_one(source: Path, folder: Path, root: Path, cwd: Path, force: bool,
                claimed: dict[Path, str], title_case: str | None = None, split: bool = False) -> ImportResult:
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
        target = folder.resolve() / target_name(source)  # the name itself is not resolved: see below
        if target in claimed:
            raise ManuscriptError(f"{claimed[target]} is imported to the same name {target.name}", shown,
                                  hint="rename one of the two sources")
        claimed[target] = shown
        target_shown = _shown(target, cwd)
        if target.is_symlink():  # never written through, even with --force
            raise ManuscriptError(f"{target_shown} is a symbolic link; publisher import never writes through one",
                                  shown, hint=f"delete the link {target_shown} and import again")
        if target.exists() and not force and not split:
            return ImportResult(shown, "exists", target_shown)
        return _convert(source, shown, target, target_shown, root, cwd, title_case, split, force)
    except PublisherError as exc:
        return ImportResult(shown, "failed", error=exc)


def _convert(source: Path, shown: str, target: Path, target_shown: str, root: Path,
             cwd: Path, title_case: str | None = None, split: bool = False, force: bool = False) -> ImportResult:
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
    recased = _title_case(article, shown) if title_case == "sentence" else []
    source_file = Path(os.path.relpath(source.resolve(), root)).as_posix()  # stable wherever the command ran
    pieces = split_parts(article) if split else [article]
    if split and len(pieces) > 1:
        stem = target.name[:-len(".md")]
        targets = [target.with_name(f"{stem}-{n:02d}-{slugify(html_to_text(piece.title))[:40] or 'bai'}.md")
                   for n, piece in enumerate(pieces, start=1)]
        for path in targets:  # checked before any is written: all of them or none
            if path.is_symlink() or (path.exists() and not force):
                raise ManuscriptError(f"{_shown(path, cwd)} exists" + (" as a symbolic link" if path.is_symlink() else ""),
                                      shown, hint="use --force to replace it" if not path.is_symlink() else
                                      f"delete the link {_shown(path, cwd)} and import again")
    elif split:
        if target.exists() and not force:
            return ImportResult(shown, "exists", target_shown)
        targets = [target]
    else:
        targets = [target]
    notes: list[str] = []
    for piece, path in zip(pieces, targets):
        markdown = article_to_markdown(piece, Path(os.path.relpath(path, root)).as_posix(), source_file,
                                       read_back=inline_html)
        with atomic_output(path) as handle:
            handle.write(markdown.text.encode("utf-8"))
        notes += markdown.notes
        if len(targets) > 1:
            result.parts.append((_shown(path, cwd), html_to_text(piece.title)))
    if len(targets) > 1:
        result.target = f"{len(targets)} manuscripts"
    result.legacy_fonts = dict(article.meta.get("legacy_fonts", {}))
    result.title = html_to_text(article.title)
    result.authors = list(article.authors)
    result.date = article.date
    result.images = sum(1 for b in article.blocks if b.kind == "figure")
    result.captions = sum(1 for b in article.blocks if b.kind == "caption")
    result.notes = len(article.footnotes)
    result.guessed = dict(article.meta.get("guessed", {}))
    result.doubts = [d for d in read_result.diagnostics if d.code not in SUMMARISED]
    result.doubts += [Diagnostic("info", note, shown, None, "import-markdown") for note in dict.fromkeys(notes)]
    if len(targets) > 1:  # said by the list of what was written
        result.doubts = [d for d in result.doubts if d.code != "docx-parts"]
    result.doubts += recased
    manuscripts = target.parent
    if source.resolve().is_relative_to(manuscripts):
        result.doubts.append(Diagnostic(
            "warning", f"the source is inside {_shown(manuscripts, cwd)}/ and would be read "
            "by the build as well as the new manuscript", shown, None, "import-inside",
            "move the source file out of the manuscripts folder"))
    result.doubts.sort(key=lambda d: (d.line is None, d.line or 0))
    return result


def split_parts(article: Article) -> list[Article]:
    """The articles of a book's draft kept in one Word file (``meta["parts"]``: the blocks that
    were a Heading 1 after the title, readers.docx): what comes before the first of them under
    the file's title, with its authors and date (left out when there is nothing), then each under
    its heading, with the author named at its end (``meta["part_authors"]``); each keeps the
    notes it calls. An article without parts is itself."""
    cuts = article.meta.get("parts") or []
    if not cuts:
        return [article]
    blocks = article.blocks
    pieces = []
    if cuts[0] > 0:
        pieces.append(replace(article, blocks=blocks[:cuts[0]], meta={}))
    authors = article.meta.get("part_authors") or [[] for _ in cuts]
    for at, end, names in zip(cuts, [*cuts[1:], len(blocks)], authors):
        pieces.append(Article(title=blocks[at].html, source=article.source, blocks=blocks[at + 1:end],
                              authors=list(names)))
    for piece in pieces:
        calls = " ".join(block.html + (block.caption or "") for block in piece.blocks)
        piece.footnotes = [note for note in article.footnotes if f'href="#note-{note.label}"' in calls]
    return pieces


def _title_case(article, shown: str) -> list[Diagnostic]:
    """A title in capitals rewritten in sentence case (the article's names kept); what was done."""
    title = html_to_text(article.title)
    if "<" in article.title or not is_all_caps(title):
        return []  # a title with markup (a note call, emphasis) is left as it is
    paragraphs = [b.text for b in article.blocks if b.text]
    article.title = escape_text(sentence_case(title, paragraphs))
    return [Diagnostic("info", f"title in capitals written in sentence case: {html_to_text(article.title)!r}",
                       shown, None, "import-title-case", "check the capitals of names")]
