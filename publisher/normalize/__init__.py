"""Normalise text: an ordered registry of named ``str -> str`` steps, each switchable.

``normalize_text`` runs the steps on plain text; ``normalize_html`` runs them on the
text of a small XHTML fragment, leaving markup, attribute values and code alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, fields
from html.parser import HTMLParser

from publisher.normalize.align import opcodes as _opcodes
from publisher.normalize.text import fix_lookalikes, nfc, strip_invisibles
from publisher.normalize.tones import STYLES, apply_tone_style, detect_tone_styles
from publisher.normalize.typography import dashes, ellipsis, nbsp, punctuation_spacing, smart_quotes

__all__ = [
    "STEPS",
    "NormalizeOptions",
    "apply_tone_style",
    "detect_tone_styles",
    "normalize_html",
    "normalize_text",
]


@dataclass(frozen=True)
class NormalizeOptions:
    """Which steps run (all by default) and the tone-mark style ("old", "new", "keep")."""

    nfc: bool = True
    lookalikes: bool = True
    invisibles: bool = True
    tone_style: str = "old"  # "keep" switches the step off
    ellipsis: bool = True
    quotes: bool = True
    dashes: bool = True
    spacing: bool = True
    nbsp: bool = True

    def __post_init__(self) -> None:
        if self.tone_style not in STYLES:
            raise ValueError(f"tone_style must be one of {', '.join(STYLES)}, not {self.tone_style!r}")


# Order matters: characters are fixed before words are looked at, the ellipsis is
# made before spacing would take the space out of " ...", and no-break spaces come
# last because spacing only works on ordinary spaces.
STEPS: dict[str, Callable[[str, NormalizeOptions], str]] = {
    "nfc": lambda text, _: nfc(text),
    "lookalikes": lambda text, _: fix_lookalikes(text),
    "invisibles": lambda text, _: strip_invisibles(text),
    "tone_style": lambda text, options: apply_tone_style(text, options.tone_style),
    "ellipsis": lambda text, _: ellipsis(text),
    "quotes": lambda text, _: smart_quotes(text),
    "dashes": lambda text, _: dashes(text),
    "spacing": lambda text, _: punctuation_spacing(text),
    "nbsp": lambda text, _: nbsp(text),
}
assert list(STEPS) == [f.name for f in fields(NormalizeOptions)]


def normalize_text(text: str, options: NormalizeOptions | None = None) -> str:
    """Run every enabled step, in registry order, on plain text (tone style "keep" = off)."""
    options = options or NormalizeOptions()
    for name, step in STEPS.items():
        if getattr(options, name):
            text = step(text, options)
    return text


# --- XHTML fragments ------------------------------------------------------------

# Text inside these is never touched. Inline elements let a run of text continue
# across them (so quotes pair across "<em>word</em>"); any other tag ends the run.
_VERBATIM = {"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg"}
_INLINE = {"a", "abbr", "b", "cite", "dfn", "em", "i", "mark", "q", "s", "small", "span",
           "strong", "sub", "sup", "time", "u"}  # fmt: skip


class _Tokenizer(HTMLParser):
    """Split a fragment into markup (kept byte for byte) and text nodes (kept raw)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tokens: list[tuple[str, str]] = []  # (kind, raw): "text", "verbatim", "inline", "break"
        self._verbatim_depth = 0

    def _text(self, raw: str) -> None:
        kind = "verbatim" if self._verbatim_depth else "text"
        if self.tokens and self.tokens[-1][0] == kind:
            self.tokens[-1] = (kind, self.tokens[-1][1] + raw)
        else:
            self.tokens.append((kind, raw))

    def _tag(self, tag: str, raw: str, delta: int) -> None:
        if tag in _VERBATIM:
            self._verbatim_depth = max(0, self._verbatim_depth + delta)
            kind = "break"
        else:
            kind = "inline" if tag in _INLINE else "break"
        self.tokens.append((kind, raw))

    def handle_starttag(self, tag, attrs):  # noqa: ANN001 - HTMLParser's signature
        self._tag(tag, self.get_starttag_text() or "", +1)

    def handle_startendtag(self, tag, attrs):  # noqa: ANN001
        self.tokens.append(("break", self.get_starttag_text() or ""))

    def handle_endtag(self, tag):  # noqa: ANN001
        self._tag(tag, f"</{tag}>", -1)

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("break", f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("break", f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(("break", f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(("break", f"<![{data}]>"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _split_like(original: list[str], result: str) -> list[str]:
    """Cut ``result`` into as many pieces as ``original`` has, at the matching places.

    Node boundaries are mapped through a character alignment of the joined original
    with the result; text a step inserted at a boundary goes to the node before it.
    """
    joined = "".join(original)
    # Fast paths: most paragraphs are one text node, and most runs need no change.
    if len(original) == 1:
        return [result]
    if joined == result:
        return list(original)
    opcodes = _opcodes(joined, result)  # difflib's alignment, found faster

    def mapped(offset: int) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= offset < i2:
                if tag == "equal":
                    return j1 + (offset - i1)
                target = min(j1 + (offset - i1), j2)
                # A space added in front of the next node's text ("nói,<em>“xin")
                # belongs before the tag: it was inserted, not replaced.
                while target < j2 and result[target].isspace() and not joined[offset].isspace():
                    target += 1
                return target
        return len(result)

    cuts, offset = [], 0
    for piece in original[:-1]:
        offset += len(piece)
        cuts.append(max(mapped(offset), cuts[-1] if cuts else 0))
    return [result[a:b] for a, b in zip([0, *cuts], [*cuts, len(result)])]


def normalize_html(fragment: str, options: NormalizeOptions | None = None) -> str:
    """Normalise the text nodes of an XHTML fragment; markup and code stay as they are."""
    options = options or NormalizeOptions()
    if "<" not in fragment and "&" not in fragment:  # one text node (most paragraphs): no parsing
        return _escape(normalize_text(fragment, options))
    return _normalize_nodes(fragment, options)


def _normalize_nodes(fragment: str, options: NormalizeOptions) -> str:
    parser = _Tokenizer()
    parser.feed(fragment)
    parser.close()
    tokens = parser.tokens
    out = [raw for _, raw in tokens]
    run: list[int] = []  # indices of the text tokens in the current run

    def flush() -> None:
        if run:
            texts = [html.unescape(tokens[i][1]) for i in run]
            pieces = _split_like(texts, normalize_text("".join(texts), options))
            for index, piece in zip(run, pieces):
                out[index] = _escape(piece)
            run.clear()

    for index, (kind, _) in enumerate(tokens):
        if kind == "text":
            run.append(index)
        elif kind != "inline":
            flush()
    flush()
    return "".join(out)
