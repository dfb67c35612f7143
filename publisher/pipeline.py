"""The one way any command gets a Book: config -> collect -> read -> normalise -> assemble.

``build``, ``check``, ``stats``, ``dump`` and ``preview`` all come through here, so they
read the same manuscripts the same way: with the book's ``[security]`` settings, images
that Word files hold extracted into the cache (never into the project), the article memo
(an unchanged manuscript is not read again) and, given ``workers``, many manuscripts read
in parallel.

- ``read_manuscripts`` reads every manuscript of a plan, in book order, and keeps a failed
  one as a ``Manuscript`` with its error (``check`` and ``stats`` report it and go on);
  with ``raw=True`` each also carries the article as its reader gave it, before
  normalisation (what ``check`` lints), from the same single read;
- ``load_book`` makes the Book from them, raising the first manuscript error (naming how
  many more there are): what ``build``, ``dump`` and ``preview`` need.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .cache import cache_dir, known_digest, path_stamp
from .collect import Plan, collect
from .config import BookConfig, load_config
from .errors import Diagnostic, ManuscriptError, PublisherError
from .model import Article, Book
from .normalize.book import normalize_article, options_from_config
from .readers import ReadResult, Source, prepare, read
from .readers.longtables import long_tables_as_rosters
from .readers.source import MAX_MANUSCRIPT_BYTES, sanitize_article
from .report import texts_phrase
from .safety import TooLarge, read_bytes

# Less reading than this (in Markdown manuscripts of ordinary length) is done faster here than
# by starting workers; a Word or office file counts as OFFICE_READ_COST of them (0.1 to 0.5 s each
# to read, its pictures taken out: 25 Word files of photos read in 5.5 s on two cores, 9 s here).
MIN_PARALLEL_READ = 40
OFFICE_READ_COST = 10
_OFFICE_SUFFIXES = (".docx", ".doc", ".odt", ".rtf")
MAX_KEPT_BYTES = 4 << 30  # a manuscript over this (a Word file's pictures may take 2 GB) is read anew each build
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
class Manuscript:
    """One manuscript as the pipeline read it: normalised, raw (when asked for), or its error."""

    path: Path
    rel: str
    article: Article | None = None  # normalised, not yet assembled; None when reading failed
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the reader's findings
    raw: Article | None = None  # as the reader gave it (read_manuscripts(raw=True) only)
    error: PublisherError | None = None


def read_raw(config: BookConfig, path: Path) -> ReadResult:
    """Read one manuscript as its reader gives it, before normalisation."""
    result = read(Source(path=path, rel=config.rel(path), root=config.root, security=config.security))
    result.diagnostics.extend(sanitize_article(result.article))  # whatever the reader let through
    return result


def _read_and_keep(config: BookConfig, path: Path, memo, key: str | None, raw: bool) -> tuple:
    """(article, diagnostics), plus the raw article with ``raw``; kept in ``memo`` under ``key``."""
    result = read_raw(config, path)
    before = copy.deepcopy(result.article) if raw else None  # normalize_article works in place
    article = normalize_article(result.article, options_from_config(config))
    result.diagnostics.extend(long_tables_as_rosters(article))  # a staff list typed as a table
    found = (article, result.diagnostics, before) if raw else (article, result.diagnostics)
    if key:  # kept with the stamps of the other files it was read from (a roster's sheet …)
        memo.save(key, (found, result.dependencies))
    return found


def _memo_key(config: BookConfig, path: Path, memo, raw: bool) -> str | None:
    if memo is None:
        return None
    try:  # never read a file whole before its size is checked (a 1 GiB "manuscript")
        content = read_bytes(path, MAX_MANUSCRIPT_BYTES)
    except TooLarge:  # a Word file of full-size photos: known by its hash, read in chunks once
        try:
            content = b"sha256:" + known_digest(path, cache_dir() / "stamps", MAX_KEPT_BYTES).encode()
        except OSError:
            return None
    except OSError:
        return None  # the reader reports the unreadable or too large file
    return memo.key(config.rel(path), content, *(["raw"] if raw else []))


def _recall(memo, key: str | None):
    """What ``memo`` keeps under ``key``, unless a file it was read from besides the manuscript
    changed (a roster's data file edited, a photo replaced, a sidecar added) or an image it points
    to left the cache."""
    kept = memo.load(key) if key else None
    if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], dict)):
        return None
    found, dependencies = kept
    if any(path_stamp(Path(path)) != stamp for path, stamp in dependencies.items()):
        return None
    for block in found[0].blocks:
        for src in block.image_sources():
            if Path(src).is_absolute() and not Path(src).is_file():  # extracted or fetched, since removed
                return None
    return found


def _read_chunk(config: BookConfig, paths: list[tuple[Path, str | None]], memo, raw: bool) -> list:
    """A worker's job: read and keep each (path, memo key); None where that failed (the
    pipeline reads it again itself, and reports the error exactly as when it reads alone)."""
    results = []
    for path, key in paths:
        try:
            results.append(_read_and_keep(config, path, memo, key, raw))
        except Exception:
            results.append(None)
    return results


def _read_ahead(config: BookConfig, paths: list[Path], memo, workers, raw: bool) -> dict:
    """path -> a function giving its memo tuple (None: read it again here).

    Manuscripts kept in ``memo`` come from it; when enough reading is left (MIN_PARALLEL_READ),
    ``workers`` read them, in chunks handed out in book order; else they are read when the
    function is called.
    """
    ready: dict = {}
    left = []
    for path in paths:
        key = _memo_key(config, path, memo, raw)
        found = _recall(memo, key)
        if found is not None:
            ready[path] = lambda found=found: found
        else:
            left.append((path, key))
    prepare([path for path, _ in left])  # (.doc files converted in one LibreOffice run)
    cost = sum(OFFICE_READ_COST if path.suffix.lower() in _OFFICE_SUFFIXES else 1 for path, _ in left)
    if workers is None or not workers.enabled or workers.count < 2 or cost < MIN_PARALLEL_READ:
        for path, key in left:  # read here, in turn
            ready.setdefault(path, lambda path=path, key=key: _read_and_keep(config, path, memo, key, raw))
        return ready
    size = max(1, min(8, len(left) // (workers.count * 4)))  # small chunks: the workers finish together
    for start in range(0, len(left), size):
        chunk = left[start:start + size]
        future = workers.submit(_read_chunk, config, chunk, memo, raw)
        for index, (path, _) in enumerate(chunk):
            ready.setdefault(path, lambda future=future, index=index: _chunk_result(future, index))
    return ready


def _chunk_result(future, index: int):
    try:
        return future.result()[index]
    except Exception:  # the worker or its answer broke: read here
        return None


def article_memo(config: BookConfig):
    """The article cache: keyed by the code, the normalisation options and the project; each
    article is kept with the stamps of the files it was read from (``_recall``)."""
    from .cache import Memo, code_version, digest

    context = digest(code_version(), repr(options_from_config(config)), repr(config.security), str(config.root))
    return Memo(cache_dir() / "articles", context)


def read_manuscripts(config: BookConfig, plan: Plan, progress: Progress = _quiet, workers=None,
                     raw: bool = False) -> list[Manuscript]:
    """Every manuscript of ``plan`` in book order (foreword first), each read once.

    A manuscript that cannot be read is kept with its ``error``; the others are read all
    the same. With ``workers``, many manuscripts are read in parallel; the result is the same.
    """
    memo = article_memo(config)
    paths = plan.files()
    ahead = _read_ahead(config, paths, memo, workers, raw)
    manuscripts = []
    for path in paths:
        rel = config.rel(path)
        progress("read", rel)
        try:
            ready = ahead.pop(path, None)
            found = ready() if ready else None  # None: not read ahead, or failed there
            if found is None:
                found = _read_and_keep(config, path, memo, _memo_key(config, path, memo, raw), raw)
        except ManuscriptError as exc:
            manuscripts.append(Manuscript(path, rel, error=exc))
            continue
        manuscripts.append(Manuscript(path, rel, found[0], list(found[1]), found[2] if raw else None))
    return manuscripts


def error_diagnostic(exc: PublisherError) -> Diagnostic:
    """A PublisherError as the Diagnostic that lists it among the others."""
    return Diagnostic("error", exc.message, exc.path, exc.line, exc.kind, exc.hint)


def arrange(plan: Plan, manuscripts: list[Manuscript]) -> tuple[Article | None, list[tuple[str, list[Article]]]]:
    """The foreword and the parts (title, articles) of the manuscripts that were read."""
    by_path = {m.path: m.article for m in manuscripts}
    foreword = by_path.get(plan.foreword) if plan.foreword else None
    parts = [(part.title, [by_path[p] for p in part.files if by_path.get(p) is not None]) for part in plan.parts]
    return foreword, parts


def load_book(project: Path | str | BookConfig, progress: Progress = _quiet, workers=None,
              plan: Plan | None = None) -> Loaded:
    """Config, manuscripts and normalisation: the Book every output is made from.

    ``project`` is the project folder, or its config already loaded (and ``plan``, what
    collect made of it). Raises the first manuscript error, naming how many more there are.
    """
    if isinstance(project, BookConfig):
        config = project
    else:
        progress("config", "book.toml")
        config = load_config(project)
    plan = plan or collect(config)
    diagnostics = list(plan.diagnostics)
    manuscripts = read_manuscripts(config, plan, progress, workers)
    errors = [m.error for m in manuscripts if m.error is not None]
    for manuscript in manuscripts:
        diagnostics.extend([error_diagnostic(manuscript.error)] if manuscript.error else manuscript.diagnostics)
    foreword, parts = arrange(plan, manuscripts)
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
    progress("assemble", texts_phrase(sum(len(a) for _, a in parts), foreword is not None))
    book, found = assemble(config, foreword, parts)
    diagnostics.extend(found)
    return Loaded(config, book, diagnostics)
