"""Lint a project without building it: every finding with its level, file and line.

Manuscripts are read raw, through the same readers as the build but *before*
normalisation, so that what the normaliser would silently fix (mixed tone styles,
look-alike letters) is still visible. They are read once, by the pipeline, which gives
each manuscript both as read and normalised (``pipeline.read_manuscripts(raw=True)``);
``stats`` hands the same reading to ``findings``. Nothing is written into the project:
images that Word files hold are extracted into the cache.

Findings (``code``: level):
- ``undecodable``: error: no encoding fits the bytes (the encodings tried are named);
- ``legacy-encoding``: info: the file was converted from cp1258 / TCVN3 / VNI, with the
  detector's confidence; Word runs in legacy fonts come from the reader (``docx-legacy-font``,
  and ``docx-legacy-guess`` when the letters, not the font name, said TCVN3 or VNI);
- ``legacy-text``: warning: text that still reads as undecoded TCVN3 or VNI after import
  ("Bé Tµi chÝnh"), with its line (Markdown, text) or an excerpt (Word), and what it would
  read as converted;
- ``mixed-tones``: warning: one article uses both tone styles (hòa and hoà);
- ``lookalike``: warning: Ð ð Ɖ ɖ or d + combining stroke instead of Đ / đ, with the line;
- ``missing-image``: error: an image a Markdown manuscript points to does not exist;
- ``image-damaged``: error: a photo the build would refuse (empty, not an image, a truncated
  JPEG, a damaged PNG): every one listed at once, where a build stops at the first;
- ``image-resolution``: warning: below 300 dpi at its printed width (see below);
- ``caption-without-image``: warning: a caption line (text articles, "Ảnh: …" paragraphs)
  with no photo yet;
- ``all-caps-title``: warning: a title in capitals, with the sentence-case form the article's
  own spelling of names suggests (readers/titlecase.py);
- ``duplicate-title``, ``empty``: warnings; ``unlisted``: warning: a manuscript not in any
  [[parts]]; a listed file that is missing is a book.toml error (config);
- every Diagnostic the readers and the assembler report (front matter, notes, guesses).

Printed width, an assumption: a figure is printed as wide as the text block, the trim
width less the inner and outer page margins of ``templates/print.css`` (19 mm + 14 mm,
so 112 mm on the default 145 mm trim), unless print.css's ``max-height: 110mm`` makes a
tall image narrower. A project whose styles/ change those rules should change the
constants below.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from ..assemble import assemble
from ..cache import cache_dir
from ..collect import Plan, collect
from ..config import BookConfig, load_config
from ..encodings import decode_bytes
from ..errors import ConfigError, Diagnostic, ManuscriptError, PublisherError
from ..images import PHOTO_SUFFIXES, validate_image
from ..legacyfonts import reads_as_legacy
from ..model import Article, html_to_text, without_notes
from ..normalize.tones import detect_tone_styles
from ..pipeline import Manuscript, arrange, error_diagnostic, read_manuscripts
from ..readers.imagesize import image_size
from ..readers.source import MAX_MANUSCRIPT_BYTES, not_a_file
from ..readers.titlecase import is_all_caps, sentence_case
from ..safety import read_bytes

PRINT_DPI = 300
PAGE_MARGINS_MM = 19 + 14  # print.css: @page :left / :right, inner + outer
FIGURE_MAX_HEIGHT_MM = 110  # print.css: figure img { max-height: 110mm }
MM_PER_INCH = 25.4
MAX_LOOKALIKE_FINDINGS = 5  # per file; the rest are counted in one more finding
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
SIZED_IMAGES = PHOTO_SUFFIXES  # what readers.imagesize reads; others: no check
# Reader findings that a check finding below replaces with a more precise one.
REPLACED = {"text-encoding", "text-caption", "text-empty", "docx-empty"}

_LOOKALIKE = re.compile("[\u00d0\u00f0\u0189\u0256]|[dD][\u0335\u0336]")
_LOOKALIKE_NAMES = {"\u00d0": "Ð (U+00D0, Icelandic eth)", "\u00f0": "ð (U+00F0, Icelandic eth)",
                    "\u0189": "Ɖ (U+0189, African D)", "\u0256": "ɖ (U+0256, African d)"}
_MD_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_ORDER = {"error": 0, "warning": 1, "info": 2}


def _sorted(findings: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda d: (_ORDER.get(d.level, 3), d.path or "", d.line or 0))


def run_check(project_dir: Path | str) -> list[Diagnostic]:
    """All findings for the project, errors first, then by file and line."""
    try:
        config = load_config(project_dir)
    except ConfigError as exc:
        return _sorted(exc.diagnostics or [error_diagnostic(exc)])
    plan = collect(config)
    return findings(config, plan, read_manuscripts(config, plan, raw=True))


def findings(config: BookConfig, plan: Plan, manuscripts: list[Manuscript]) -> list[Diagnostic]:
    """The findings for manuscripts read by ``pipeline.read_manuscripts(config, plan, raw=True)``."""
    found = list(plan.diagnostics)
    lines_of: dict[str, list[str]] = {}
    for manuscript in manuscripts:
        _check_manuscript(config, manuscript, found, lines_of)
    _check_cover(config, found)
    foreword, parts = arrange(plan, manuscripts)
    if foreword is None and not any(articles for _, articles in parts):
        if not any(d.level == "error" for d in found):
            found.append(Diagnostic("error", "the book has no manuscripts", config.rel(config.manuscripts_dir),
                                    None, "empty", "put .md, .txt or .docx files in the manuscripts folder"))
        return _sorted(found)
    # Notes and titles are checked as the build sees them: normalised and assembled.
    raw_titles = {m.rel: m.raw.title for m in manuscripts if m.raw is not None}
    _book, assembled = assemble(config, copy.deepcopy(foreword),
                                [(title, copy.deepcopy(articles)) for title, articles in parts])
    for diagnostic in assembled:
        if diagnostic.code == "duplicate-title" and diagnostic.line is None and diagnostic.path:
            title = raw_titles.get(diagnostic.path)
            line = _title_line(lines_of.get(diagnostic.path), html_to_text(title) if title else "")
            diagnostic = Diagnostic(diagnostic.level, diagnostic.message, diagnostic.path, line,
                                    diagnostic.code, diagnostic.hint)
        found.append(diagnostic)
    return _sorted(found)


def _check_manuscript(config: BookConfig, manuscript: Manuscript, findings: list[Diagnostic],
                      lines_of: dict[str, list[str]]) -> None:
    path, rel = manuscript.path, manuscript.rel
    lines: list[str] | None = None
    if path.suffix.lower() in TEXT_SUFFIXES:
        # The lines as the file holds them (line numbers, look-alikes the reader's markup hides).
        try:
            decoded = decode_bytes(read_bytes(path, MAX_MANUSCRIPT_BYTES), rel)
        except PublisherError as exc:
            findings.append(Diagnostic("error", exc.message, rel, exc.line, "undecodable", exc.hint))
            return
        except OSError as exc:
            findings.append(Diagnostic("error", f"cannot read the file: {exc.strerror or exc}", rel, None, "manuscript"))
            return
        if decoded.converted:
            findings.append(Diagnostic(
                "info", f"converted from {decoded.encoding} (confidence {decoded.confidence:.2f})", rel, None,
                "legacy-encoding", "read the text once; saving the file as UTF-8 makes this explicit"))
        lines = decoded.text.split("\n")
        lines_of[rel] = lines
        _lookalikes_in_lines(rel, lines, config, findings)
        _legacy_text(rel, list(enumerate(lines, start=1)), findings)
        if path.suffix.lower() in (".md", ".markdown"):
            _missing_images(config, path, rel, lines, findings)
    if manuscript.error is not None:
        exc = manuscript.error
        said = {(f.path, f.line, f.message) for f in findings if f.code == "missing-image"}
        if (rel, exc.line, exc.message) not in said:
            findings.append(error_diagnostic(exc))
        return
    article = manuscript.raw
    findings.extend(d for d in manuscript.diagnostics if d.code not in REPLACED)
    if lines is None:
        _lookalikes_in_blocks(rel, article, config, findings)
        texts = [html_to_text(article.title)] + [b.text for b in article.blocks]
        _legacy_text(rel, [(None, text) for text in texts + [html_to_text(n.html) for n in article.footnotes]],
                     findings)
    _mixed_tones(rel, article, config, findings)
    _all_caps_title(rel, article, lines, findings)
    _figures(config, rel, article, findings)
    for block in article.blocks:
        if block.kind == "caption":
            findings.append(Diagnostic(
                "warning", f"caption without an image: {block.text!r}", rel, block.line,
                "caption-without-image",
                "put the photo's ![](../images/…) line above it, or delete the line"))
    if not any(block.text or block.kind == "figure" for block in article.blocks):
        findings.append(Diagnostic("warning", "the article has no text", rel, None, "empty"))


# --- characters -------------------------------------------------------------------


def _lookalike_message(chars: list[str], config: BookConfig) -> tuple[str, str]:
    names = ", ".join(dict.fromkeys(_LOOKALIKE_NAMES.get(c, f"{c[0]} + combining stroke") for c in chars))
    fixed = "lookalikes" in config.normalize.steps
    hint = "the build replaces it with Đ/đ" if fixed else "[normalize] lookalikes is off: replace it with Đ/đ"
    return f"look-alike of Đ/đ: {names}", hint


def _lookalikes_in_lines(rel: str, lines: list[str], config: BookConfig, findings: list[Diagnostic]) -> None:
    hits = [(number, _LOOKALIKE.findall(text)) for number, text in enumerate(lines, start=1)]
    hits = [(number, chars) for number, chars in hits if chars]
    for number, chars in hits[:MAX_LOOKALIKE_FINDINGS]:
        message, hint = _lookalike_message(chars, config)
        findings.append(Diagnostic("warning", message, rel, number, "lookalike", hint))
    if len(hits) > MAX_LOOKALIKE_FINDINGS:
        findings.append(Diagnostic("warning", f"look-alikes of Đ/đ on {len(hits) - MAX_LOOKALIKE_FINDINGS} "
                                   "more lines", rel, hits[MAX_LOOKALIKE_FINDINGS][0], "lookalike"))


def _lookalikes_in_blocks(rel: str, article: Article, config: BookConfig, findings: list[Diagnostic]) -> None:
    texts = [html_to_text(article.title)] + [b.text for b in article.blocks]
    texts += [html_to_text(n.html) for n in article.footnotes]
    hits = [(text, _LOOKALIKE.findall(text)) for text in texts]
    hits = [(text, chars) for text, chars in hits if chars]
    for text, chars in hits[:MAX_LOOKALIKE_FINDINGS]:
        message, hint = _lookalike_message(chars, config)
        start = max(0, _LOOKALIKE.search(text).start() - 20)
        findings.append(Diagnostic("warning", f"{message} in “…{text[start:start + 50]}…”", rel, None,
                                   "lookalike", hint))
    if len(hits) > MAX_LOOKALIKE_FINDINGS:
        findings.append(Diagnostic("warning", f"look-alikes of Đ/đ in {len(hits) - MAX_LOOKALIKE_FINDINGS} "
                                   "more paragraphs", rel, None, "lookalike"))


def _legacy_text(rel: str, texts: list[tuple[int | None, str]], findings: list[Diagnostic]) -> None:
    """Text that still reads as TCVN3 or VNI: mojibake must not reach a book unnoticed."""
    hits = [(line, found) for line, text in texts if (found := reads_as_legacy(text))]
    for line, (kind, excerpt, decoded) in hits[:MAX_LOOKALIKE_FINDINGS]:
        findings.append(Diagnostic(
            "warning", f"text still in the legacy encoding {kind.upper()}: “{excerpt}” reads “{decoded}”",
            rel, line, "legacy-text",
            "import the original file again with publisher import (it converts legacy fonts), "
            "or retype the text"))
    if len(hits) > MAX_LOOKALIKE_FINDINGS:
        findings.append(Diagnostic("warning", f"text in a legacy encoding in {len(hits) - MAX_LOOKALIKE_FINDINGS} "
                                   "more places", rel, hits[MAX_LOOKALIKE_FINDINGS][0], "legacy-text"))


def _mixed_tones(rel: str, article: Article, config: BookConfig, findings: list[Diagnostic]) -> None:
    """One warning when the raw article uses both tone styles, naming the first word of each."""
    pieces = [(None, html_to_text(article.title))]
    pieces += [(block.line, block.text) for block in article.blocks]
    pieces += [(note.line, html_to_text(note.html)) for note in article.footnotes]
    if detect_tone_styles(" ".join(text for _, text in pieces)) != {"old", "new"}:
        return
    first: dict[str, tuple[str, int | None]] = {}
    for line, text in pieces:
        for word in _WORD.findall(text):
            for style in detect_tone_styles(word) - set(first):
                first[style] = (word, line)
        if len(first) == 2:
            break
    (old_word, old_line), (new_word, new_line) = first["old"], first["new"]
    where = lambda line: f" (line {line})" if line else ""  # noqa: E731
    style = config.normalize.tone_style
    hint = (f"the build writes every word in the {style} style" if style != "keep"
            else "[normalize] tone_style is \"keep\": choose \"old\" or \"new\"")
    findings.append(Diagnostic(
        "warning", f"mixed tone-mark styles: old as in {old_word!r}{where(old_line)} and new as in "
        f"{new_word!r}{where(new_line)}", rel, min((l for l in (old_line, new_line) if l), default=None),
        "mixed-tones", hint))


def _all_caps_title(rel: str, article: Article, lines: list[str] | None, findings: list[Diagnostic]) -> None:
    """A title in capitals (copied from a news site) is a warning: books print titles in sentence case."""
    title = html_to_text(without_notes(article.title))
    if is_all_caps(title):
        findings.append(Diagnostic(
            "warning", f"the title is in capitals: {title!r}", rel, _title_line(lines, title), "all-caps-title",
            f"write it in sentence case (“{sentence_case(title, [b.text for b in article.blocks if b.text])}”?), "
            "or import the source with --title-case sentence"))


# --- images -----------------------------------------------------------------------


def _missing_images(config: BookConfig, path: Path, rel: str, lines: list[str],
                    findings: list[Diagnostic]) -> None:
    """Every local image a Markdown manuscript points to that does not exist (or is a folder)."""
    for number, text in enumerate(lines, start=1):
        for match in _MD_IMAGE.finditer(text):
            src = match.group(1).strip("<>")
            if not src or _REMOTE.match(src):
                continue
            problem = not_a_file((path.parent / src).resolve())
            if problem:
                findings.append(Diagnostic("error", f"image {src} {problem}", rel, number, "missing-image"))


def printed_width_mm(config: BookConfig, width: int, height: int) -> float:
    """How wide a figure of ``width`` × ``height`` pixels is printed (see the module docstring)."""
    text_width = config.trim_mm[0] - PAGE_MARGINS_MM
    if height > 0:
        return min(text_width, FIGURE_MAX_HEIGHT_MM * width / height)
    return text_width


def _figures(config: BookConfig, rel: str, article: Article, findings: list[Diagnostic]) -> None:
    root = config.root.resolve()
    shown = [(block, src) for block in article.blocks for src in block.image_sources()]
    for number, (block, src) in enumerate(shown, start=1):
        path = (root / src).resolve()
        name = src if path.is_relative_to(root) else f"image {number} of the document"
        if path.suffix.lower() not in SIZED_IMAGES or not path.is_file():
            continue
        # Every damaged photo at once (the build stops at the first): read as the build reads it.
        try:
            validate_image(path, cache_dir() / "images", lambda _: name)
        except ManuscriptError as exc:
            findings.append(Diagnostic("error", f"{name}: {exc.message}", rel, block.line, "image-damaged",
                                       exc.hint or "save it again as JPEG or PNG"))
            continue
        size = image_size(path)
        if size is None:
            findings.append(Diagnostic("error", f"{name} cannot be read as an image", rel, block.line,
                                       "image-damaged", "save it again as JPEG or PNG"))
            continue
        width, height = size
        printed = printed_width_mm(config, width, height)
        dpi = width / (printed / MM_PER_INCH)
        if dpi < PRINT_DPI:
            needed = round(PRINT_DPI * printed / MM_PER_INCH)
            findings.append(Diagnostic(
                "warning", f"{name} is {width}×{height} px: {dpi:.0f} dpi at its printed width of "
                f"{printed:.0f} mm; print needs {PRINT_DPI} dpi, {needed} px wide", rel, block.line,
                "image-resolution", "ask for the original photo or a larger scan"))


def _check_cover(config: BookConfig, findings: list[Diagnostic]) -> None:
    """The cover image fills the whole trim: it needs 300 dpi at the trim size."""
    path = config.cover_image
    if path is None or not Path(path).is_file() or Path(path).suffix.lower() not in SIZED_IMAGES:
        return
    size = image_size(Path(path))
    if size is None:
        return
    width, height = size
    dpi = min(width / (config.trim_mm[0] / MM_PER_INCH), height / (config.trim_mm[1] / MM_PER_INCH))
    if dpi < PRINT_DPI:
        findings.append(Diagnostic(
            "warning", f"the cover image is {width}×{height} px: {dpi:.0f} dpi at the trim size "
            f"{config.trim_mm[0]:g}×{config.trim_mm[1]:g} mm; print needs {PRINT_DPI} dpi",
            config.rel(Path(path)), None, "image-resolution"))


def _title_line(lines: list[str] | None, title: str) -> int | None:
    """The first line of the raw manuscript that holds its (raw) title."""
    if not lines or not title:
        return None
    wanted = title.casefold()
    for number, text in enumerate(lines, start=1):
        if wanted in text.casefold():
            return number
    return None
