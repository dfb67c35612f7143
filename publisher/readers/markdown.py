"""Read Markdown manuscripts with YAML front matter into Articles.

Supported: front matter (title, subtitle, author/authors, date, summary), the
title as the first ``#`` heading instead, headings, paragraphs, emphasis,
links (http, https, mailto), footnotes, pipe tables, bullet and numbered
lists, block quotes, thematic breaks, figures: an image alone in its paragraph
whose alt text is the caption, or followed by a paragraph starting "Ảnh:" /
"Hình:" / "Photo:" that becomes its caption; a paragraph starting "Ảnh:" with
no image before it is a ``caption`` block (a photo still to be placed, as
``publisher import`` writes the caption lines of text articles). Front matter
``source_file`` (written by ``publisher import``) is kept in ``meta``.
A figure's alt text is the plain text of its description (escapes resolved). Emphasis
CommonMark would print as asterisks (``**Điều 6:**Niên``) is repaired and reported
(readers/emphasis.py). A note may be called from a heading, the title included.
Partial: an image inside running text is dropped with a warning (its alt text
is kept). Unsupported: raw HTML (shown as text, never interpreted), math.

Kỷ yếu pages are fenced blocks (options and data files: readers/datafiles.py)::

    ```gallery per-page=4 title="Những năm đầu"
    ![Lễ công bố quyết định thành lập, tháng 10 năm 1996](../images/anh-tu-lieu/le-cong-bo.jpg)
    ```
    ```gallery folder=../images/anh-tu-lieu captions=captions.yaml
    ```
    ```roster file=../data/lanh-dao.csv columns="Họ và tên,Chức vụ,Nhiệm kỳ" sort=name
    ```
    ```timeline file=../data/moc-lich-su.yaml
    ```

A ``timeline`` block may also hold ``YEAR: event`` lines, or stay empty to show the
front matter's ``timeline:`` list (without such a block that list opens the article).
Any other fenced or indented code is shown as plain text.
"""

from __future__ import annotations

import re
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..errors import Diagnostic, ManuscriptError
from ..model import Article, Block, Footnote, html_to_text, without_notes
from .source import decode_source, resolve_image
from . import frontmatter
from .emphasis import literal_marks, repaired, same_text
from .datafiles import fence_block, finish_timelines, is_content_fence
from .inline import CAPTION_PREFIX, without_caption_label
from . import ReadResult, Source

SUFFIXES = (".md", ".markdown")
FRONT_MATTER_KEYS = frontmatter.KEYS + ("source_file", "timeline")
# "Ảnh: …" under a picture is its caption (inline.CAPTION_PREFIX); "Bảng: …" (or "Bảng 2. …",
# "Table: …") just above a table is its caption; the book numbers it.
TABLE_CAPTION = re.compile(r"^(Bảng|Table)\s*(\d+)?\s*[:.]\s*", re.IGNORECASE)
ORPHAN_CAPTION = re.compile(r"^Ảnh\s*(\d+)?\s*:\s*", re.IGNORECASE)
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


_PARSER: list[MarkdownIt] = []


def _parser() -> MarkdownIt:
    # One for every manuscript: a parse keeps its state in its env, and making the parser
    # (rules, plugins, renderer) took a third as long as parsing an article.
    if not _PARSER:
        _PARSER.append(_new_parser())
    return _PARSER[0]


def _new_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.use(front_matter_plugin).use(footnote_plugin)
    # markdown-it would silently print javascript:, file: and data: links and images as
    # plain text; let them through so that the link and image rules below refuse them
    # with a message naming the line.
    md.validateLink = lambda url: True
    renderer = md.renderer
    renderer.rules["footnote_ref"] = _render_noteref
    renderer.rules["image"] = _render_inline_image
    renderer.rules["link_open"] = _render_link_open
    return md


def _render_noteref(tokens, idx, options, env):
    label = _escape(str(tokens[idx].meta.get("label") or tokens[idx].meta["id"] + 1))
    return f'<a class="noteref" href="#note-{label}">{label}</a>'


def _render_inline_image(tokens, idx, options, env):
    env.setdefault("inline_images", []).append(tokens[idx])
    return _escape(tokens[idx].content)


def _render_link_open(tokens, idx, options, env):
    href = tokens[idx].attrGet("href") or ""
    if not _SAFE_LINK.match(href):
        env.setdefault("unsafe_links", []).append(href)
        return '<a>'
    return f'<a href="{_escape(href)}">'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def inline_html(text: str) -> str:
    """The inline XHTML this reader makes of one line of inline Markdown (note calls resolved).

    ``publisher import`` reads each line it writes back through this, so that no mark it
    writes is printed as a literal asterisk (render/mdinline.py).
    """
    md = _parser()
    refs = {":" + label: -1 for label in _NOTE_CALL.findall(text)}
    env: dict = {"footnotes": {"refs": refs, "list": {}}, "inline_images": [], "unsafe_links": []}
    tokens = md.parseInline(text, env)
    return md.renderer.renderInline(tokens[0].children or [], md.options, env) if tokens else ""


def read(source: Source) -> ReadResult:
    """Read one Markdown manuscript."""
    diagnostics: list[Diagnostic] = []
    text, _decoded = decode_source(source, diagnostics)
    if not text.strip():
        raise ManuscriptError("the file is empty", source.rel, 1)
    meta, body_start = _front_matter(text, source, diagnostics)
    md = _parser()
    env: dict = {}
    tokens = md.parse(text, env)
    builder = _BlockBuilder(md, env, source, diagnostics)
    _warn_too_deep(tokens, md, source, diagnostics)
    blocks, footnotes, first_heading = builder.build(tokens)
    front = "\n".join(text.split("\n")[1:body_start - 2]) if "timeline" in meta else None
    finish_timelines(blocks, front, source, builder.inline_markdown)
    title = _escape(meta["title"]) if meta.get("title") else first_heading
    if not title:
        raise ManuscriptError(
            "no title: add 'title:' to the front matter or start with a '# Title' line",
            source.rel,
            body_start,
        )
    if not blocks:
        raise ManuscriptError("the article has no text", source.rel, body_start)
    authors = meta.get("authors", [])
    return ReadResult(
        Article(
            title=title,
            source=source.rel,
            blocks=blocks,
            subtitle=_escape(meta["subtitle"]) if meta.get("subtitle") else None,
            authors=authors,
            date=meta.get("date"),
            summary=meta.get("summary"),
            footnotes=footnotes,
            meta={"source_file": meta["source_file"]} if meta.get("source_file") else {},
        ),
        diagnostics,
    )


def _front_matter(text: str, source: Source, diagnostics: list[Diagnostic]) -> tuple[dict, int]:
    """Parse the YAML front matter; a broken one is an error, never body text."""
    lines = text.split("\n")
    block, body = frontmatter.split(lines, source.rel)
    if not block and body == 0:
        return {}, 1
    data = frontmatter.load("\n".join(block), source.rel, 2, "front matter")
    meta = frontmatter.fields(data, block, source.rel, 2, diagnostics, "front matter", FRONT_MATTER_KEYS,
                              raw=("timeline",))
    if "timeline" in meta:
        meta["timeline"] = True  # read again with its line numbers by datafiles.finish_timelines
    return meta, body + 1


class _BlockBuilder:
    """Turns the markdown-it token stream into Blocks and Footnotes."""

    def __init__(self, md: MarkdownIt, env: dict, source: Source, diagnostics: list[Diagnostic]):
        self.md = md
        self.env = env
        self.source = source
        self.diagnostics = diagnostics
        self.captioned: set[int] = set()

    def inline(self, token: Token) -> str:
        self.env["inline_images"] = []
        self.env["unsafe_links"] = []
        html = self.md.renderer.renderInline(token.children or [], self.md.options, self.env)
        line = token.map[0] + 1 if token.map else None
        if literal_marks(html):
            html = self._repair_emphasis(token, html, line)
        for image in self.env["inline_images"]:
            self.warn(line, f"image {image.attrGet('src')} inside running text is not shown;"
                      " put it alone in its own paragraph to make a figure")
        for href in self.env["unsafe_links"]:
            self.warn(line, f"link {href!r} removed: only http, https and mailto links are kept")
        return html.strip()

    def _repair_emphasis(self, token: Token, html: str, line: int | None) -> str:
        """Emphasis CommonMark would print as asterisks, repaired (readers/emphasis.py)."""
        fixed = repaired(token.content)
        if fixed is None:
            return html
        tokens = self.md.parseInline(fixed, self.env)
        again = self.md.renderer.renderInline(tokens[0].children or [], self.md.options, self.env)
        if literal_marks(again) < literal_marks(html) and same_text(again, html):
            self.diagnostics.append(Diagnostic(
                "info", "emphasis marks that CommonMark would print as text were read as emphasis",
                self.source.rel, line, "markdown-emphasis",
                "put a space after a closing ** that follows punctuation, or the punctuation outside"))
            return again
        return html

    def inline_markdown(self, text: str) -> str:
        """Inline Markdown (a caption, an event) as inline XHTML."""
        return self.md.renderInline(text, {"inline_images": [], "unsafe_links": []}).strip()

    def warn(self, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("warning", message, self.source.rel, line, "markdown"))

    def render(self, tokens: list[Token], kind: str = "", line: int | None = None) -> str:
        self.env["inline_images"] = []
        self.env["unsafe_links"] = []
        html = self.md.renderer.render(tokens, self.md.options, self.env).strip()
        for image in self.env["inline_images"]:
            self.warn(line, f"image {image.attrGet('src')} inside a {kind} is not shown (its alt text is kept);"
                      " put it alone in its own paragraph to make a figure")
        for href in self.env["unsafe_links"]:
            self.warn(line, f"link {href!r} removed: only http, https and mailto links are kept")
        return html

    def build(self, tokens: list[Token]) -> tuple[list[Block], list[Footnote], str | None]:
        blocks: list[Block] = []
        footnotes: list[Footnote] = []
        first_heading: str | None = None
        i = 0
        while i < len(tokens):
            token = tokens[i]
            end = _closing(tokens, i)
            line = token.map[0] + 1 if token.map else None
            kind = token.type
            if kind == "heading_open":
                html = self.inline(tokens[i + 1])
                level = int(token.tag[1])
                if level == 1 and first_heading is None and not blocks:
                    first_heading = html
                else:
                    blocks.append(Block("heading", html, line, level=max(2, min(level, 4))))
            elif kind == "paragraph_open":
                self._paragraph(tokens[i + 1], line, blocks)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                blocks.append(Block("list", self.render(tokens[i : end + 1], "list", line), line))
            elif kind == "blockquote_open":
                blocks.append(Block("quote", self.render(tokens[i + 1 : end], "quote", line), line))
            elif kind == "table_open":
                blocks.append(self._table(tokens[i : end + 1], line, blocks))
            elif kind == "hr":
                blocks.append(Block("rule", "", line))
            elif kind == "fence" and is_content_fence(token.info):
                blocks.append(fence_block(token.info, token.content, self.source, line,
                                          self.inline_markdown, self.diagnostics))
            elif kind in ("fence", "code_block"):
                blocks.append(Block("paragraph", _escape(token.content.strip()).replace("\n", "<br/>"), line))
            elif kind == "footnote_open":
                footnotes.append(self._footnote(tokens[i : end + 1], token))
            elif kind == "html_block":
                blocks.append(Block("paragraph", _escape(token.content.strip()), line))
            i = end + 1 if kind not in ("footnote_block_open",) else i + 1
        return blocks, footnotes, first_heading

    def _paragraph(self, inline: Token, line: int | None, blocks: list[Block]) -> None:
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            image = children[0]
            src = resolve_image(self.source, image.attrGet("src") or "", line)
            caption = self.md.renderer.renderInline(image.children or [], self.md.options, self.env)
            # The alt text is the description's plain text, escapes resolved (token.content is
            # the raw source: "Ảnh\\: …").
            alt = html_to_text(without_notes(caption)) or None
            blocks.append(Block("figure", "", line, src=src, alt=alt, caption=caption.strip() or None))
            return
        html = self.inline(inline)
        previous = blocks[-1] if blocks else None
        match = CAPTION_PREFIX.match(inline.content)
        if previous and previous.kind == "figure" and match and id(previous) not in self.captioned:
            # "![alt](x.jpg)" then "Ảnh: caption": the paragraph is the caption.
            previous.caption = without_caption_label(html)
            self.captioned.add(id(previous))
            return
        if ORPHAN_CAPTION.match(inline.content):
            # "Ảnh: caption" with no image before it: a photo the editor has yet to place.
            blocks.append(Block("caption", ORPHAN_CAPTION.sub("", html, count=1), line))
            return
        blocks.append(Block("paragraph", html, line))

    def _table(self, tokens: list[Token], line: int | None, blocks: list[Block]) -> Block:
        html = self.render(tokens, "table", line)
        previous = blocks[-1] if blocks else None
        if previous is not None and previous.kind == "paragraph" and TABLE_CAPTION.match(previous.text):
            # The caption paragraph ends right above the table: it becomes the table's <caption>.
            blocks.pop()
            caption = TABLE_CAPTION.sub("", previous.html, count=1)
            html = html.replace("<table>", f"<table>\n<caption>{caption}</caption>", 1)
        return Block("table", html, line)

    def _footnote(self, tokens: list[Token], opening: Token) -> Footnote:
        label = str(opening.meta.get("label") or opening.meta["id"] + 1)
        paragraphs = [self.inline(t) for t in tokens if t.type == "inline"]
        line = next((t.map[0] + 1 for t in tokens if t.map), None)
        return Footnote(label, " ".join(p for p in paragraphs if p), line)


def _warn_too_deep(tokens: list[Token], md: MarkdownIt, source: Source, diagnostics: list[Diagnostic]) -> None:
    """markdown-it stops at ``maxNesting`` levels (about 10 nested lists or 20 quotes) and leaves
    the deeper text out: say so, at the line where the nesting got too deep."""
    limit = md.options.get("maxNesting", 20) - 1
    # A container opened at the last level and closed at once: what it held was dropped.
    cut = next((i for i, t in enumerate(tokens[:-1]) if t.nesting == 1 and t.level >= limit
                and tokens[i + 1].nesting == -1), None)
    if cut is None:
        return
    line = next((t.map[0] + 1 for t in reversed(tokens[: cut + 1]) if t.map), None)
    diagnostics.append(Diagnostic(
        "warning", "lists nested 10 levels deep, or quotes 20, are cut there: the deeper text "
        "(and what follows in the same list or quote) is left out", source.rel, line, "markdown", "nest them less deeply"))


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token closing the one at ``start`` (itself when it has no children)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1
