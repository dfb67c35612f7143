"""What every reader shares: reading a manuscript's bytes once, and checking image paths."""

from __future__ import annotations

import re
from pathlib import Path

from ..encodings import Decoded, decode_bytes
from ..errors import Diagnostic, ManuscriptError
from ..safety import MAX_IMAGE_BYTES, UnsafePath, project_path, read_bytes
from ..svg import UnsafeSvg, check_svg

MAX_MANUSCRIPT_BYTES = 20 * 1024 * 1024
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def decode_source(source, diagnostics: list[Diagnostic] | None = None) -> tuple[str, Decoded]:
    """The manuscript's text, decoded and NFC, with "\\n" line endings.

    Control characters, lone surrogates and bidirectional overrides are removed
    (see ``sanitize_text``); each kind removed is reported into ``diagnostics``.
    """
    try:
        size = source.path.stat().st_size
        if size > MAX_MANUSCRIPT_BYTES:
            raise ManuscriptError(
                f"the file is {size // (1024 * 1024)} MB; a manuscript may be at most "
                f"{MAX_MANUSCRIPT_BYTES // (1024 * 1024)} MB",
                source.rel,
                hint="split it into several articles",
            )
        data = read_bytes(source.path.resolve(), MAX_MANUSCRIPT_BYTES)
    except OSError as exc:
        raise ManuscriptError(f"cannot read the file: {exc.strerror}", source.rel) from exc
    decoded = decode_bytes(data, source.rel, source.options.get("encoding"))
    if "\x00" in decoded.text:
        line = decoded.text[: decoded.text.index("\x00")].count("\n") + 1
        raise ManuscriptError("the file contains NUL bytes: it is not a text file", source.rel, line)
    text, found = sanitize_text(decoded.text, source.rel)
    if diagnostics is not None:
        diagnostics.extend(found)
    check_line_lengths(text, source.rel)
    return text, decoded


# A paragraph longer than this is not prose (the longest in real books are a few thousand
# characters); laying out a 10 MB one did not finish in 300 s.
MAX_PARAGRAPH_CHARS = 100_000
MAX_BLOCK_CHARS = 2_000_000  # a list or table, all its items together


def check_line_lengths(text: str, rel: str) -> None:
    """Refuse a line longer than MAX_PARAGRAPH_CHARS before any parser sees it."""
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_PARAGRAPH_CHARS:
            raise ManuscriptError(f"line {number} has {len(line):,} characters; a paragraph may have at most "
                                  f"{MAX_PARAGRAPH_CHARS:,}", rel, number, hint="break it into paragraphs")


# Characters that never belong in a manuscript: C0/C1 controls (except tab and
# line feed), lone surrogates (they cannot be written as UTF-8), the XML-forbidden
# noncharacters U+FFFE/U+FFFF, and the bidirectional embeddings, overrides and
# isolates that can make text display in another order than it is stored
# ("Trojan Source"); Vietnamese is written left to right.
_UNWANTED = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                       "\u202a-\u202e\u2066-\u2069]")


def _kind(char: str) -> str:
    code = ord(char)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "right-to-left or bidirectional override"
    if 0xD800 <= code <= 0xDFFF:
        return "lone surrogate"
    if code in (0xFFFE, 0xFFFF):
        return "noncharacter"
    return "control"


def sanitize_text(text: str, rel: str | None, first_line: int = 1) -> tuple[str, list[Diagnostic]]:
    """``text`` without unwanted characters, and one warning a kind naming the first line."""
    if not _UNWANTED.search(text):
        return text, []
    found: dict[str, tuple[int, set[str], int]] = {}
    for match in _UNWANTED.finditer(text):
        if match.group() in "\x0b\x0c":
            continue
        kind = _kind(match.group())
        line, chars, count = found.get(kind, (text.count("\n", 0, match.start()) + first_line, set(), 0))
        found[kind] = (line, chars | {match.group()}, count + 1)
    # A vertical tab or form feed (a page break in old text files) separates words: keep a
    # space, not a line break, so that the line numbers of later messages stay right.
    text = _UNWANTED.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
    diagnostics = []
    for kind, (line, chars, count) in found.items():
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))
        diagnostics.append(Diagnostic(
            "warning", f"removed {count} {kind} character{'s' * (count > 1)} ({codes})", rel, line,
            "sanitize", "they are invisible and can hide or reorder text" if "override" in kind else None))
    return text, diagnostics


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a picture's file ("does not exist", "is a folder, …"), or None."""
    if path.is_file():
        return None
    if path.is_dir():
        return "is a folder, not a file: the picture's file name is missing"
    return "is not a plain file" if path.exists() else "does not exist"


def resolve_image(source, src: str, line: int | None) -> str:
    """An image reference made project-relative; refused when missing, remote or outside the project.

    A remote http(s) image is fetched into the cache only when book.toml's
    ``[security] allow_remote_images`` is true; its path is then absolute (in the cache).
    """
    if not src:
        raise ManuscriptError("an image without a file name", source.rel, line)
    if _REMOTE.match(src) and not _WINDOWS_DRIVE.match(src):
        return _remote_image(source, src, line)
    candidate = Path(src)
    if candidate.is_absolute() or _WINDOWS_DRIVE.match(src) or src.startswith("\\\\"):
        raise ManuscriptError(f"image {src} is an absolute path; it must be relative to the manuscript",
                              source.rel, line, hint="copy the image into the images/ folder and point to it")
    root = source.root.resolve()
    # resolve() follows symbolic links, so a link inside the project that points out is refused too.
    try:
        path = project_path(root, src, source.path.parent)
    except UnsafePath as exc:
        raise ManuscriptError(f"image {src} {exc}", source.rel, line,
                              hint="copy the image into the images/ folder and point to it") from exc
    source.depends_on(path)  # its size and shape decide the figure's layout
    problem = not_a_file(path)
    if problem:
        raise ManuscriptError(f"image {src} {problem}", source.rel, line)
    if path.suffix.lower() == ".svg":
        # An SVG is copied into the EPUB as it is: it must not carry scripts or links out.
        try:
            check_svg(read_bytes(path, MAX_IMAGE_BYTES))
        except UnsafeSvg as exc:
            raise ManuscriptError(f"image {src} is refused: {exc}", source.rel, line,
                                  hint="export it again as a plain drawing, or as PNG") from exc
        except OSError as exc:
            raise ManuscriptError(f"image {src}: {exc.strerror or exc}", source.rel, line) from exc
    return path.relative_to(root).as_posix()


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|%5C)", re.IGNORECASE)  # markdown-it writes \ as %5C


def _remote_image(source, src: str, line: int | None) -> str:
    scheme = src.split(":", 1)[0].lower()
    security = getattr(source, "security", None)
    if scheme not in ("http", "https"):
        raise ManuscriptError(
            f"image {src} is not a file in the project; {scheme}: URLs are never used",
            source.rel, line, hint="copy the image into the images/ folder and point to it")
    if security is None or not security.allow_remote_images:
        raise ManuscriptError(
            f"image {src} is not a file in the project, and remote images are not fetched",
            source.rel, line,
            hint="download it into the images/ folder, or set allow_remote_images = true under [security] "
                 "in book.toml")
    from ..remote import RemoteError, fetch_image

    try:
        return fetch_image(src, security).as_posix()
    except RemoteError as exc:
        raise ManuscriptError(f"image {src}: {exc}", source.rel, line) from exc


def extracted_images_dir() -> Path:
    """Where readers put images they take out of a file (Word's pictures) when not told otherwise:
    the cache, never the project (only ``publisher import`` asks for the project's images/)."""
    from ..cache import cache_dir

    return cache_dir() / "extracted"


_SPLIT = {"table": "split the table into several (a staff list: one table per unit or period)",
          "list": "split the list into several"}


def sanitize_article(article) -> list[Diagnostic]:
    """Remove unwanted characters from every text field of ``article`` in place; one warning a kind.

    A safety net behind ``decode_source``: front matter escapes ("\\u202e" in
    YAML), Word files and any future reader get the same treatment.
    """
    found: list[Diagnostic] = []

    def clean(value, line):
        if isinstance(value, str):
            text, diagnostics = sanitize_text(value, article.source)
            for diagnostic in diagnostics:
                found.append(Diagnostic(diagnostic.level, diagnostic.message, article.source, line,
                                        diagnostic.code, diagnostic.hint))
            return text
        if isinstance(value, list):
            return [clean(item, line) for item in value]
        return value

    for name in ("title", "subtitle", "summary", "date", "authors"):
        setattr(article, name, clean(getattr(article, name), None))
    for block in article.blocks:
        limit = MAX_PARAGRAPH_CHARS if block.kind in ("paragraph", "heading", "caption", "quote") else MAX_BLOCK_CHARS
        if len(block.html or "") > limit:
            raise ManuscriptError(f"a {block.kind} of {len(block.html):,} characters; at most {limit:,} are allowed",
                                  article.source, block.line, hint=_SPLIT.get(block.kind, "break it into paragraphs"))
        for name in ("html", "alt", "caption"):
            setattr(block, name, clean(getattr(block, name), block.line))
    for note in article.footnotes:
        note.html = clean(note.html, note.line)
        note.label = clean(note.label, note.line)
    unique = {(d.message, d.line): d for d in found}
    return list(unique.values())
