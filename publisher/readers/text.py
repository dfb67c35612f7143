"""Read plain-text news articles copied from websites (.txt) into Articles.

A web copy has no markup, so the structure is guessed line by line. Every guess is
recorded in ``Article.meta["guessed"]`` and reported as an ``info`` Diagnostic with
its line, so ``publisher check`` shows the editor what was assumed. YAML front
matter (``---`` … ``---`` at the top) or a sidecar ``<name>.yaml`` / ``<name>.yml``
next to the file overrides the guesses (keys: title, subtitle, author, authors,
date, summary, lang; front matter wins over the sidecar; the sidecar is UTF-8, at most 1 MB, and a link
to it is followed only while it stays inside the project).

The layout expected::

    Thứ tư,  20/10/2021                  date line (optional)
    Title line
    LSO-Teaser: the lead again, cut …    dropped
    LSO-The lead paragraph …             agency prefix -> dateline span
    Body paragraphs, one a line or blank-line separated
    A short caption of a photo not copied
    Nguyễn Văn An                        byline -> authors

Supported
- [x] decoding through ``decode_bytes`` (UTF-8/16, cp1258, TCVN3, VNI), NFC text;
- [x] paragraphs: every non-empty line is one paragraph (web copies put a paragraph
      on a line, with or without blank lines between). Option ``paragraphs =
      "blank-line"`` joins the lines of blank-line separated paragraphs instead
      (for hard-wrapped text); in line mode, the lines of text copied from a PDF are
      joined where a long line ends mid-sentence and the next starts in lower case
      (readers.inline.continues), with a note;
- [x] date line: the first or second paragraph made only of an optional weekday
      ("Thứ tư", "Chủ nhật", "T4"), a dd/mm/yyyy date (/ . or -) or "ngày 20 tháng
      10 năm 2021", and an optional time; an impossible date is not a date line;
- [x] title: the first paragraph that is not the date line, if it looks like a
      title (at most 40 words, no final full stop, no agency prefix); otherwise
      the file name is used, with a warning;
- [x] teaser (sapo): a paragraph right after the title that repeats the opening
      paragraphs run together (breaks lost, words glued at a sentence end), maybe
      followed by the start of a photo caption and cut with "..." or "…", is dropped
      and reported (letters compared, case, spaces, punctuation and agency prefixes
      ignored; see readers/teaser.py); a lead that merely opens like the body stays;
- [x] agency prefix ("LSO-", "BLC - ", "(TTXVN) -"): 2-10 capitals then a dash
      at the start of the lead paragraph only; option ``agency_prefix = "keep"``
      (default: ``<span class="dateline">LSO</span> –``) or ``"remove"``;
- [x] byline: a last paragraph of 2-5 capitalised words per name, no digits, no
      final punctuation; several names split on "-", "–", "," or " và "; an
      agency in brackets after the name is dropped from the name;
- [x] caption lines: between paragraphs, 3-19 words, starting with a capital, a
      digit or "(", not ending in . ! ? : ; … or ",": a ``caption`` Block the
      editor can attach a photo to (option ``short_lines = "paragraph"`` keeps
      them as paragraphs);
- [x] bullet lists: two or more consecutive lines starting with "- ", "+ ", "• "
      or "* " become one ``<ul>``.

Partial
- [~] a short subheading without a full stop is indistinguishable from a photo
      caption and becomes a caption block (the Diagnostic says so);
- [~] a byline of one word, or one with a title ("PV", "Nhóm PV") is not
      recognised and stays a paragraph;
- [~] a date elsewhere than the first two paragraphs is not read.

Unsupported
- [ ] emphasis, links, tables, footnotes (plain text has none);
- [ ] numbered lists ("1. …" lines stay paragraphs: they are as often headings);
- [ ] a teaser that is not right after the title.
"""

from __future__ import annotations

import datetime as dt
import os
import re


from ..errors import Diagnostic, ManuscriptError
from ..safety import TooLarge, UnsafePath, project_path, read_bytes
from ..model import Article, Block
from . import ReadResult, Source, frontmatter
from .inline import FINAL_PUNCTUATION, broken_text, byline_names, continues, escape_text
from .teaser import find_teaser
from .source import decode_source

SUFFIXES = (".txt",)
META_KEYS = frontmatter.KEYS
OPTIONS = {
    "agency_prefix": ("keep", "remove"),
    "paragraphs": ("line", "blank-line"),
    "short_lines": ("caption", "paragraph"),
}

_WEEKDAY = r"(?:th[ứu]\s*(?:hai|ba|tư|tu|năm|nam|sáu|sau|bảy|bay|[2-7])|ch[ủu]\s*nh[ậa]t|cn|t[2-7])"
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:am|pm|sa|ch))?(?:\s*\(?\s*gmt\s*[+-]\s*\d{1,2}\s*\)?)?"
_NUMERIC_DATE = (
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
)
_WORDED_DATE = r"ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})"
_SEP = r"[\s,|\-–—]*"
DATE_LINE = re.compile(
    rf"^(?:{_TIME}{_SEP})?(?:{_WEEKDAY}{_SEP})?(?:{_NUMERIC_DATE}|{_WORDED_DATE})"
    rf"(?:{_SEP}{_TIME})?{_SEP}$",
    re.IGNORECASE,
)
# "LSO-", "BLC - ", "(TTXVN) -": the dash must be followed by a space or a letter
# so that "COVID-19" or "F0-F1" are never taken for an agency.
AGENCY = re.compile(
    r"^\(?(?P<agency>[A-ZĐ][A-ZĐ0-9]{1,9})\)?\s*[-–—]\s*(?=[^\W\d_]|\s)\s*"
)
ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…)\s*$")
BULLET = re.compile(r"^[-+•*]\s+")
_SPACE = re.compile(r"\s+")

MAX_TITLE_WORDS = 40
MAX_SIDECAR_BYTES = 1 << 20  # a sidecar holds a title, authors, a date
CAPTION_WORDS = (3, 19)


def read(source: Source) -> ReadResult:
    """Read one plain-text article."""
    diagnostics: list[Diagnostic] = []
    text, decoded = decode_source(source, diagnostics)
    options = _options(source)
    lines = text.split("\n")
    meta, body_start = _front_matter(lines, source, diagnostics)
    sidecar = _sidecar(source, diagnostics)
    meta = sidecar | meta
    paragraphs = _paragraphs(lines, body_start, options["paragraphs"])
    if options["paragraphs"] == "line":
        paragraphs = _joined(paragraphs, source, diagnostics)
    guess = _Guesser(source, options, diagnostics)
    article = guess.article(paragraphs, meta)
    if decoded.converted:
        article.meta["encoding"] = decoded.encoding
        diagnostics.append(
            Diagnostic(
                "info",
                f"decoded from {decoded.encoding}",
                source.rel,
                None,
                "text-encoding",
            )
        )
    return ReadResult(article, diagnostics)


# --- options and metadata ------------------------------------------------------


def _options(source: Source) -> dict:
    chosen = {name: values[0] for name, values in OPTIONS.items()}
    for name, values in OPTIONS.items():
        value = source.options.get(name)
        if value is None:
            continue
        if value not in values:
            raise ManuscriptError(
                f"reader option {name} = {value!r} is not one of {', '.join(map(repr, values))}",
                source.rel,
            )
        chosen[name] = value
    return chosen


def _front_matter(
    lines: list[str], source: Source, diagnostics: list[Diagnostic]
) -> tuple[dict, int]:
    """The YAML front matter and the index of the first body line (0-based)."""
    block, body = frontmatter.split(lines, source.rel)
    if not block and body == 0:
        return {}, 0
    data = frontmatter.load("\n".join(block), source.rel, 2, "metadata")
    return _meta(data, block, source.rel, 2, diagnostics), body


def _sidecar(source: Source, diagnostics: list[Diagnostic]) -> dict:
    for suffix in (".yaml", ".yml"):
        candidate = source.path.with_suffix(suffix)
        source.depends_on(candidate)  # one added later changes the article
        if not os.path.lexists(candidate):
            continue
        rel = source.rel.rsplit(".", 1)[0] + suffix
        try:  # a link is followed only while it stays inside the project, as for any file named
            path = project_path(source.root, candidate.name, source.path.parent)
        except UnsafePath as exc:
            raise ManuscriptError(f"the sidecar file {exc}", rel,
                                  hint="put the file itself beside the manuscript, not a link to it") from exc
        source.depends_on(path)
        if not path.is_file():
            continue  # a folder of that name is no sidecar
        try:
            data = read_bytes(path, MAX_SIDECAR_BYTES)
        except TooLarge as exc:
            raise ManuscriptError(f"the sidecar file is {exc.size >> 10:,} KB; a sidecar holds a title, authors "
                                  f"and a date, at most {MAX_SIDECAR_BYTES >> 10:,} KB", rel) from exc
        except OSError as exc:
            raise ManuscriptError(f"cannot read the sidecar file: {exc.strerror or exc}", rel) from exc
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise ManuscriptError("the sidecar file is not UTF-8 text", rel,
                                  hint="save it as UTF-8 (a sidecar is always UTF-8)") from exc
        meta = frontmatter.load(text, rel, 1, "metadata")
        diagnostics.append(Diagnostic("info", f"metadata taken from {rel}", source.rel, None, "text-sidecar"))
        return _meta(meta, text.split("\n"), rel, 1, diagnostics)
    return {}


def _meta(data: dict, lines: list[str], rel: str, first_line: int, diagnostics) -> dict:
    return frontmatter.fields(data, lines, rel, first_line, diagnostics, "metadata", META_KEYS,
                              parse_date=_parse_date)


def _parse_date(text: str) -> str | None:
    """ISO date of a date line, or None if the line is not only a (valid) date."""
    match = DATE_LINE.match(text)
    if not match:
        return None
    day = match.group("d") or match.group("d2")
    month = match.group("m") or match.group("m2")
    year = match.group("y") or match.group("y2")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


# --- paragraphs ----------------------------------------------------------------


def _paragraphs(lines: list[str], start: int, mode: str) -> list[tuple[int, str]]:
    """(1-based line, text) of each paragraph, whitespace at the ends removed."""
    found: list[tuple[int, str]] = []
    pending: list[tuple[int, str]] = []
    for index in range(start, len(lines)):
        text = lines[index].strip()
        if mode == "line":
            if text:
                found.append((index + 1, text))
            continue
        if text and not BULLET.match(text):
            pending.append((index + 1, text))
            continue
        if pending:
            found.append((pending[0][0], " ".join(t for _, t in pending)))
            pending = []
        if text:  # a bullet line is a paragraph of its own even in blank-line mode
            found.append((index + 1, text))
    if pending:
        found.append((pending[0][0], " ".join(t for _, t in pending)))
    return found


def _joined(paragraphs: list[tuple[int, str]], source: Source, diagnostics: list[Diagnostic]) -> list[tuple[int, str]]:
    """Lines of text copied from a PDF, broken at every line of it, joined where a sentence goes on
    (readers.inline.continues; where two or more are, or two long lines in a row end unfinished,
    lines going on with a capital too, as in the docx reader); the first joined line is named in a note."""
    joined: list[int] = []

    def one_pass(items: list[tuple[int, str]], capitals: bool) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        for line, text in items:
            # The first two lines may be a date line and a plain title: never joined to a capital.
            if found and (not capitals or len(found) > 2) and continues(found[-1][1], text, capitals):
                found[-1] = (found[-1][0], f"{found[-1][1]} {text}")
                joined.append(line)
            else:
                found.append((line, text))
        return found

    broken = broken_text([text for _, text in paragraphs[2:]])  # (past a date line and a title)
    paragraphs = one_pass(paragraphs, capitals=False)
    if len(joined) >= 2 or broken:
        paragraphs = one_pass(paragraphs, capitals=True)
    if joined:
        diagnostics.append(Diagnostic(
            "info", f"{len(joined)} line{'s' if len(joined) != 1 else ''} broken in the middle of a sentence (text "
            "copied from a PDF) joined to the line before", source.rel, min(joined), "text-lines",
            'check the paragraphs; or set paragraphs = "blank-line" if paragraphs are separated by blank lines'))
    return paragraphs


def _shorten(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _words(text: str) -> list[str]:
    return text.split()


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _looks_like_title(text: str) -> bool:
    ends_sentence = text.endswith(".") and not ELLIPSIS.search(text)
    return (
        len(_words(text)) <= MAX_TITLE_WORDS
        and not ends_sentence
        and not AGENCY.match(text)
    )


def _is_caption(text: str) -> bool:
    count = len(_words(text))
    return (
        CAPTION_WORDS[0] <= count <= CAPTION_WORDS[1]
        and not text.endswith(FINAL_PUNCTUATION)
        and (text[0].isupper() or text[0].isdigit() or text[0] == "(")
        and not BULLET.match(text)
    )


class _Guesser:
    """Turns the paragraphs of a web copy into an Article, recording each guess."""

    def __init__(self, source: Source, options: dict, diagnostics: list[Diagnostic]):
        self.source = source
        self.options = options
        self.diagnostics = diagnostics
        self.guessed: dict = {}

    def info(self, line: int | None, message: str, code: str) -> None:
        self.diagnostics.append(
            Diagnostic("info", message, self.source.rel, line, code)
        )

    def article(self, paragraphs: list[tuple[int, str]], meta: dict) -> Article:
        items = list(paragraphs)
        date = self._date(items, meta)
        title = self._title(items, meta)
        self._teaser(items)
        authors = self._byline(items, meta)
        blocks = self._blocks(items)
        if not blocks:
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    "the article has no text",
                    self.source.rel,
                    None,
                    "text-empty",
                )
            )
        return Article(
            title=title,
            source=self.source.rel,
            blocks=blocks,
            subtitle=meta.get("subtitle"),
            authors=authors,
            date=meta.get("date", date),
            summary=meta.get("summary"),
            meta={"guessed": self.guessed}
            | ({"lang": meta["lang"]} if "lang" in meta else {}),
        )

    def _date(self, items: list[tuple[int, str]], meta: dict) -> str | None:
        for position in range(min(2, len(items))):
            line, text = items[position]
            found = _parse_date(text)
            if found:
                del items[position]
                if "date" in meta:
                    self.info(
                        line,
                        f"date line {text!r} dropped: the metadata gives the date",
                        "text-date",
                    )
                else:
                    self.guessed["date"] = "date line"
                    self.info(
                        line, f"date {found} read from the date line", "text-date"
                    )
                return found
        return None

    def _title(self, items: list[tuple[int, str]], meta: dict) -> str:
        if items and _looks_like_title(items[0][1]):
            line, text = items.pop(0)
            if "title" in meta:
                if _norm(text) != _norm(meta["title"]):
                    self.info(
                        line,
                        f"title line {text!r} replaced by the metadata title",
                        "text-title",
                    )
                return meta["title"]
            self.guessed["title"] = "first line"
            self.info(line, f"title taken from the first line: {text!r}", "text-title")
            return text
        if "title" in meta:
            return meta["title"]
        title = self.source.path.stem
        self.guessed["title"] = "file name"
        line = items[0][0] if items else None
        self.diagnostics.append(
            Diagnostic(
                "warning",
                f"no title line found; the file name {title!r} is used",
                self.source.rel,
                line,
                "text-title",
                "add 'title:' in front matter",
            )
        )
        return title

    def _teaser(self, items: list[tuple[int, str]]) -> None:
        if len(items) < 2:
            return
        line, text = items[0]
        found = find_teaser(text, [t for _, t in items[1:]])
        if found is None:
            return
        del items[0]
        self.guessed["teaser"] = "dropped"
        what = f"the first {found.paragraphs} paragraphs" if found.paragraphs > 1 else "the first paragraph"
        caption = " and the start of a photo caption" if found.caption else ""
        self.info(line, f"teaser dropped: it repeats {what}{caption}: {_shorten(text)!r}", "text-teaser")

    def _byline(self, items: list[tuple[int, str]], meta: dict) -> list[str]:
        if len(items) >= 2:
            line, text = items[-1]
            names = byline_names(text)
            if names:
                del items[-1]
                if "authors" in meta:
                    self.info(
                        line,
                        f"byline {text!r} dropped: the metadata names the authors",
                        "text-byline",
                    )
                else:
                    self.guessed["byline"] = "last line"
                    self.info(
                        line,
                        f"author taken from the last line: {', '.join(names)}",
                        "text-byline",
                    )
                    return names
        return list(meta.get("authors", []))

    def _blocks(self, items: list[tuple[int, str]]) -> list[Block]:
        blocks: list[Block] = []
        captions = 0
        index = 0
        while index < len(items):
            line, text = items[index]
            run = index
            while run < len(items) and BULLET.match(items[run][1]):
                run += 1
            if run - index >= 2:
                entries = "".join(
                    f"<li>{escape_text(BULLET.sub('', t))}</li>"
                    for _, t in items[index:run]
                )
                blocks.append(Block("list", f"<ul>{entries}</ul>", line))
                index = run
                continue
            if index == 0:
                blocks.append(Block("paragraph", self._lead(text, line), line))
            elif (
                self.options["short_lines"] == "caption"
                and index < len(items) - 1
                and _is_caption(text)
            ):
                captions += 1
                blocks.append(Block("caption", escape_text(text), line))
                self.info(
                    line,
                    f"short line taken for a photo caption: {text!r}",
                    "text-caption",
                )
            else:
                blocks.append(Block("paragraph", escape_text(text), line))
            index += 1
        if captions:
            self.guessed["captions"] = captions
        return blocks

    def _lead(self, text: str, line: int) -> str:
        match = AGENCY.match(text)
        if not match:
            return escape_text(text)
        agency = match.group("agency")
        rest = escape_text(text[match.end() :])
        self.guessed["agency"] = agency
        action = self.options["agency_prefix"]
        self.info(
            line,
            f"agency prefix {agency!r} {'kept as a dateline' if action == 'keep' else 'removed'}",
            "text-agency",
        )
        if action == "remove":
            return rest
        return f'<span class="dateline">{escape_text(agency)}</span> – {rest}'
