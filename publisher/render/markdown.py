"""Write an Article back as a Markdown manuscript with YAML front matter.

What ``publisher import`` writes so that editors review plain text from then on;
reading the result with the Markdown reader gives the same blocks and text.

Front matter: title, subtitle, author/authors, date, summary, lang, source_file.
Blocks: headings (``##``-``####``), paragraphs with ``*em*``, ``**strong**``,
```code```, ``~~strike~~``, links and ``[^n]`` note references; bullet and numbered
lists (nested); pipe tables; block quotes; rules; figures ``![caption](path)``
with the path relative to the manuscript; caption blocks (a photo still to be
placed) as a paragraph starting "Ảnh: " that the Markdown reader reads back as a
caption block, and that becomes the figure's caption once the editor puts an
image line above it; bylines as plain paragraphs; notes as ``[^n]: ...``; a photo page (a
Word table of photos) as a ``gallery`` block, a ``![caption](path)`` line a photo.

Emphasis is written so that it reads back as emphasis (render/mdinline.py): runs with
the same marks merged, spaces and edge punctuation CommonMark would not let a delimiter
touch moved outside the span, and with ``read_back`` (``publisher import``) every line
checked against the Markdown reader. A title that calls a note is written as the
``# `` heading, where the call can stay.

Lossy, each reported in ``MarkdownText.notes``: emphasis the reader would not read back
(strike-through, then nesting, then all marks of the line dropped, rarely needed), merged table cells (split into
empty cells), tables holding lists or tables (written as one bullet a row),
line breaks inside table cells and photo captions (a comma in a caption), superscripts and subscripts other than digits
(kept as plain text; digits become ¹ ² ³ …), a figure's alt text when it also
has a caption, the dateline style of an agency prefix.

Why not markdownify: the input is the model's small, closed XHTML subset, and
the round trip must be exact through our markdown-it reader. Measured on
markdownify 1.2.3: by default it leaves "1. ", "# " and "- " at the start of a
paragraph and "|" inside cells unescaped (the paragraph comes back as a list, a
heading or a split cell) and "&copy;" as an entity; with ``escape_misc`` it
escapes every "-", "." and "#" in running text ("Lạng Sơn \\- ngày", "2021\\.")
which editors would then see and edit; merged cells are dropped silently, note
references and caption blocks need custom converters anyway, and it brings
beautifulsoup4 and soupsieve. The converter below escapes only where Markdown
would misread the text, using the standard library's HTML parser.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

import yaml

from ..model import Article, Block, html_to_text
from .mdinline import flatten, note_label, write_inline

__all__ = ["MarkdownText", "article_to_markdown", "front_matter"]

CAPTION_MARK = "Ảnh: "
_VOID = {"br", "img", "hr", "col", "wbr"}


ReadBack = Callable[[str], str]


@dataclass
class MarkdownText:
    """The manuscript's text and what could not be carried over exactly."""

    text: str
    notes: list[str] = field(default_factory=list)


# --- a tiny tree of the XHTML fragment --------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)  # _Node or str


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text_of(child) for child in node.children)


# --- escaping -----------------------------------------------------------------------

_LINE_START = re.compile(
    r"^(?:(?P<hash>#{1,6})(?=\s|$)|(?P<quote>>)|(?P<bullet>[-+*])(?=\s|$)"
    r"|(?P<num>\d{1,9})(?P<delim>[.)])(?=\s|$)|(?P<rule>[=-]+\s*$)|(?P<fence>~~~)"
    r"|(?P<caption>Ảnh\s*\d*\s*)(?P<colon>:)|(?P<photo>(?:Hình|Photo|Figure)\s*\d*\s*)(?P<pdelim>[:.]))",
    re.IGNORECASE,
)


def _escape_line_start(line: str) -> str:
    """Escape what would make a line start a heading, list, quote, rule or caption."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group("hash") or match.group("quote") or match.group("bullet") or match.group("fence"):
        return "\\" + line
    if match.group("num"):
        end = match.end("num")
        return line[:end] + "\\" + line[end:]
    if match.group("rule"):
        return "\\" + line
    for name, mark in (("caption", "colon"), ("photo", "pdelim")):
        if match.group(name) is not None:
            end = match.end(name)
            return line[:end] + "\\" + line[end:]
    return line


def _escape_block(text: str) -> str:
    return "\n".join(_escape_line_start(line) for line in text.split("\n"))


# --- inline content (render/mdinline.py) -------------------------------------------


def _note_label(label: str) -> str:
    return note_label(label)


# --- blocks -------------------------------------------------------------------------


class _Writer:
    def __init__(self, article: Article, manuscript_rel: str, read_back: ReadBack | None = None):
        self.article = article
        self.folder = posixpath.dirname(manuscript_rel)
        self.notes: list[str] = []
        self.labels = _labels(article)
        self.read_back = None
        if read_back is not None:
            self.read_back = lambda text: flatten(_parse(read_back(text)), [], {})

    def inline(self, node: _Node, breaks: bool = True) -> str:
        """Inline Markdown of a node's content (with ``breaks`` False, a line break is a space)."""
        return write_inline(flatten(node, self.notes, self.labels), self.notes, self.read_back, breaks)

    def line(self, html: str, breaks: bool = True) -> str:
        return self.line_of(_parse(html), breaks)

    def block(self, block: Block, index: int) -> str:
        kind = block.kind
        if kind == "heading":
            level = min(max(block.level or 2, 2), 4)
            text = self.line(block.html, breaks=False)
            text = re.sub(r"(\s)(#+)$", r"\1\\\2", text)  # a closing "#" sequence would vanish
            return "#" * level + " " + text
        if kind == "figure":
            # Inside "![…]" a line-start escape ("Ảnh\\:") is not needed and would stay in the alt text.
            caption = self.inline(_parse(block.caption or ""), breaks=False)
            if block.caption and block.alt and html_to_text(block.caption) != block.alt.strip():
                self.notes.append(f"figure {block.src}: alt text {block.alt!r} left out (the caption is kept)")
            target = self.image_path(block.src)
            if re.search(r"[\s()<>]", target):
                target = f"<{target}>"
            return f"![{caption}]({target})"
        if kind == "gallery":
            return self.gallery(block)
        if kind == "caption":
            return CAPTION_MARK + self.line(block.html, breaks=False)
        if kind in ("paragraph", "byline"):
            return self.line(block.html)
        if kind == "quote":
            inner = self.blocks_of(_parse(block.html))
            return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        if kind == "list":
            return self.list_of(_first(_parse(block.html), ("ul", "ol")) or _parse(block.html))
        if kind == "table":
            return self.table(_first(_parse(block.html), ("table",)), index)
        if kind == "rule":
            return "* * *"
        self.notes.append(f"block {index + 1} of unknown kind {kind!r} written as a paragraph")
        return self.line(block.html)

    def image_path(self, src: str | None) -> str:
        """An image's path as the manuscript names it: relative to the manuscript's folder."""
        return posixpath.relpath(src or "", self.folder or ".")

    def gallery(self, block: Block) -> str:
        """A photo page (a Word table of photos: readers.docx) as a ``gallery`` block, a photo a line;
        a caption's line breaks become commas (a line of the block holds one photo)."""
        lines = ["```gallery"]
        for item in block.items or []:
            parts = re.split(r"<br\s*/?>", item.get("caption") or "")
            caption = ", ".join(text for text in (self.inline(_parse(part), breaks=False) for part in parts) if text)
            target = self.image_path(item.get("src"))
            if len(parts) > 1:
                self.notes.append(f"photo {target}: the line breaks of its caption written as commas")
            lines.append(f"![{caption}]({target})")
        return "\n".join(lines + ["```"])

    def blocks_of(self, node: _Node, tight: bool = False) -> str:
        """Block-level children (p, lists, quotes, tables, loose text) as Markdown."""
        pieces: list[str] = []
        loose: list = []

        def flush() -> None:
            if loose:
                holder = _Node("p", {}, list(loose))
                text = self.line_of(holder)
                if text:
                    pieces.append(text)
                loose.clear()

        for child in node.children:
            if isinstance(child, _Node) and child.tag in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
                flush()
                text = self.line_of(child)
                if text:
                    pieces.append(text)
            elif isinstance(child, _Node) and child.tag in ("ul", "ol"):
                flush()
                pieces.append(self.list_of(child))
            elif isinstance(child, _Node) and child.tag == "blockquote":
                flush()
                inner = self.blocks_of(child)
                pieces.append("\n".join(("> " + line).rstrip() for line in inner.split("\n")))
            elif isinstance(child, _Node) and child.tag == "table":
                flush()
                pieces.append(self.table(child, -1))
            elif isinstance(child, str) and not child.strip() and not loose:
                continue
            else:
                loose.append(child)
        flush()
        return ("\n" if tight else "\n\n").join(pieces)

    def line_of(self, node: _Node, breaks: bool = True) -> str:
        return _escape_block(self.inline(node, breaks))

    def list_of(self, node: _Node) -> str:
        ordered = node.tag == "ol"
        start = int(node.attrs.get("start") or 1) if ordered and (node.attrs.get("start") or "1").isdigit() else 1
        items = [c for c in node.children if isinstance(c, _Node) and c.tag == "li"]
        lines: list[str] = []
        for number, item in enumerate(items, start=start):
            marker = f"{number}. " if ordered else "- "
            tight = not any(isinstance(c, _Node) and c.tag == "p" for c in item.children)
            body = self.blocks_of(item, tight) or ""
            indent = " " * len(marker)
            parts = body.split("\n")
            lines.append(marker + parts[0])
            lines.extend((indent + part) if part else "" for part in parts[1:])
        return "\n".join(lines)

    def table(self, node: _Node | None, index: int) -> str:
        if node is None:
            return ""
        rows = [row for row in _iter(node) if row.tag == "tr"]
        grid: list[list[str]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan
        simplified = blocky = False
        for row in rows:
            cells = [c for c in row.children if isinstance(c, _Node) and c.tag in ("td", "th")]
            out: list[str] = []
            column = 0
            for cell in cells:
                while pending.get(column):
                    pending[column] -= 1
                    out.append("")
                    column += 1
                if any(isinstance(n, _Node) and n.tag in ("ul", "ol", "table") for n in _iter(cell)):
                    blocky = True
                tags = [n.tag for n in _iter(cell)]
                if "br" in tags or tags.count("p") > 1:
                    simplified = True
                out.append(self.cell(cell))
                column += 1
                span = _span(cell.attrs.get("colspan"))
                rows_span = _span(cell.attrs.get("rowspan"))
                if span > 1 or rows_span > 1:
                    simplified = True
                for extra in range(span):
                    if rows_span > 1:
                        pending[column - 1 + extra] = rows_span - 1
                for _ in range(span - 1):
                    out.append("")
                    column += 1
            while pending.get(column):
                pending[column] -= 1
                out.append("")
                column += 1
            grid.append(out)
        where = f"table {index + 1}" if index >= 0 else "a table"
        if blocky or not grid:
            self.notes.append(f"{where} holds lists or tables: written as one bullet a row")
            return "\n".join("- " + " · ".join(c for c in row if c) for row in grid if any(row))
        if simplified:
            self.notes.append(f"{where}: merged cells or line breaks in cells simplified for a pipe table")
        width = max(len(row) for row in grid)
        grid = [row + [""] * (width - len(row)) for row in grid]
        lines = ["| " + " | ".join(grid[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
        return "\n".join(lines)

    def cell(self, cell: _Node) -> str:
        return self.inline(cell, breaks=False).replace("|", "\\|")


def _iter(node: _Node):
    for child in node.children:
        if isinstance(child, _Node):
            yield child
            yield from _iter(child)


def _first(node: _Node, tags: tuple[str, ...]) -> _Node | None:
    return next((n for n in _iter(node) if n.tag in tags), None)


def _span(value) -> int:
    return int(value) if value and str(value).isdigit() and int(value) > 0 else 1


def _labels(article: Article) -> dict[str, str]:
    labels: dict[str, str] = {}
    used: set[str] = set()
    for number, note in enumerate(article.footnotes, start=1):
        label = _note_label(note.label)
        if label in used:
            label = f"{label}-{number}"
        used.add(label)
        labels[note.label] = label
    return labels


def _plain(html: str | None) -> str | None:
    return html_to_text(html) if html else None


def front_matter(article: Article, source_file: str | None = None, title: bool = True) -> str:
    """The YAML front matter block (with its ``---`` lines); ``title`` False leaves the title out."""
    data: dict = {"title": _plain(article.title) or ""} if title else {}
    if article.subtitle:
        data["subtitle"] = _plain(article.subtitle)
    if len(article.authors) == 1:
        data["author"] = article.authors[0]
    elif article.authors:
        data["authors"] = list(article.authors)
    if article.date:
        data["date"] = article.date  # ISO text; written unquoted below, read back as a date
    if article.summary:
        data["summary"] = article.summary
    if article.meta.get("lang"):
        data["lang"] = article.meta["lang"]
    if source_file:
        data["source_file"] = source_file
    if not data:
        return ""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    text = re.sub(r"^date: '(\d{4}-\d{2}-\d{2})'$", r"date: \1", text, flags=re.MULTILINE)
    return f"---\n{text}---\n"


def article_to_markdown(article: Article, manuscript_rel: str, source_file: str | None = None,
                        read_back: ReadBack | None = None) -> MarkdownText:
    """The article as a Markdown manuscript to be saved at ``manuscript_rel`` (project-relative).

    Figure paths, project-relative in the model, are written relative to the manuscript.
    ``read_back`` (inline Markdown -> the inline XHTML the Markdown reader makes of it)
    checks every line's marks; see render/mdinline.py.
    """
    writer = _Writer(article, manuscript_rel, read_back)
    # A title that calls a note is written as the "# " heading, where the call can stay.
    noted = 'class="noteref"' in article.title
    pieces = [front_matter(article, source_file, title=not noted)]
    if noted:
        pieces.append("# " + writer.line(article.title, breaks=False))
    for index, block in enumerate(article.blocks):
        text = writer.block(block, index)
        if text.strip():
            pieces.append(text)
    if article.footnotes:
        notes = []
        for note in article.footnotes:
            body = writer.line(note.html, breaks=False)
            notes.append(f"[^{writer.labels[note.label]}]: {body}")
        pieces.append("\n".join(notes))
    if any(b.kind == "byline" for b in article.blocks):
        writer.notes.append("byline lines (place, date) written as ordinary paragraphs")
    if "agency" in article.meta.get("guessed", {}):
        writer.notes.append("the agency prefix is written as plain text (no dateline style)")
    return MarkdownText("\n\n".join(p.rstrip("\n") for p in pieces if p) + "\n",
                        list(dict.fromkeys(writer.notes)))
