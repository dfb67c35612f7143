"""Clean the HTML a project's own templates (styles/*.html) render: no scripts, forms, embeds,
event attributes or links other than http(s), mailto and relative ones reach the outputs.

The built-in templates are part of publisher and are not cleaned (their output is the same
bytes as ever); a template from ``styles/`` is rendered in Jinja's sandbox
(render/templates.py) and its output goes through ``clean`` once. nh3 (the Rust sanitiser
ammonia) does the cleaning, with an allow-list that covers what the built-in templates
write; lxml then writes the result back as XHTML, which both the EPUB (XML) and the PDF
(HTML) read. A whole document (``page.xhtml``, ``book.html``, ``cover-spread.html``) keeps
its skeleton: a fresh prologue (no DOCTYPE subset, so no entities), the head's ``meta``,
``title``, ``style`` and relative stylesheet ``link`` elements only, and a cleaned body.
"""

from __future__ import annotations

import re

import nh3
from lxml import etree
from lxml import html as lxml_html

_SVG = {"svg", "g", "rect", "path", "line", "polyline", "polygon", "circle", "ellipse", "text", "tspan", "defs",
        "title", "desc"}
TAGS = (set(nh3.ALLOWED_TAGS) | {"section", "article", "aside", "nav", "header", "footer", "figure",
                                 "figcaption", "caption", "main", "hgroup"} | _SVG) - {"area", "map"}
_EVERY = {"class", "id", "lang", "xml:lang", "dir", "title", "role", "epub:type", "style", "aria-label",
          "aria-labelledby", "aria-describedby", "aria-hidden"}
_SVG_ATTRIBUTES = {"width", "height", "viewbox", "viewBox", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
                   "rx", "ry", "d", "points", "fill", "stroke", "stroke-width", "transform", "font-size",
                   "font-family", "text-anchor", "xmlns", "version", "preserveaspectratio", "preserveAspectRatio"}
ATTRIBUTES = {
    "*": _EVERY,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start", "reversed", "type"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    **{tag: _SVG_ATTRIBUTES for tag in _SVG},
}
STYLE_PROPERTIES = {"text-align", "vertical-align", "width", "height", "color", "background-color",
                    "font-weight", "font-style", "font-size", "margin", "padding", "border", "display"}
SCHEMES = {"http", "https", "mailto"}
_HEAD_TAGS = {"meta", "title", "style", "link"}
_HEAD_ATTRIBUTES = {"meta": {"charset", "name", "content"}, "link": {"rel", "href", "type"}}
_DOCUMENT = re.compile(r"<html\b([^>]*)>.*?<head\b[^>]*>(.*?)</head\s*>.*?<body\b([^>]*)>(.*)</body\s*>",
                       re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')""")
_KEEP_ON_ROOT = {"xmlns", "xmlns:epub", "lang", "xml:lang", "dir", "class", "id"}


def clean(html: str) -> str:
    """``html`` (a body fragment, or a whole document) without anything active."""
    if _DOCUMENT.search(html):
        return _clean_document(html)
    return clean_fragment(html)


def clean_fragment(html: str) -> str:
    """A body fragment cleaned by nh3 and written as XHTML."""
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=None,
                        strip_comments=True, generic_attribute_prefixes={"data-"},
                        filter_style_properties=STYLE_PROPERTIES, clean_content_tags={"script", "style"})
    return _xhtml(cleaned)


def _xhtml(html: str) -> str:
    if not html.strip():
        return html
    parts = lxml_html.fragments_fromstring(html)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(_escape(part))
        else:
            _open_and_close(part)
            out.append(etree.tostring(part, method="xml", encoding="unicode", with_tail=True))
    return "".join(out)


# HTML's void elements: the only ones that may be written <x/>. Any other empty element is
# written <x></x>: an HTML parser (the PDF's) reads <div/> as an opening tag and would put
# everything after it inside.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _open_and_close(root) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.text is None and len(element) == 0 \
                and etree.QName(element).localname not in _VOID:
            element.text = ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attributes(raw: str) -> str:
    kept = [f"{name}={value}" for name, value in _ATTRIBUTE.findall(raw) if name in _KEEP_ON_ROOT
            and "javascript:" not in value.lower()]
    return "".join(f" {item}" for item in kept)


def _clean_document(html: str) -> str:
    match = _DOCUMENT.search(html)
    root_attrs, head, body_attrs, body = match.groups()
    xml = html.lstrip().startswith("<?xml")
    head = nh3.clean(head, tags=_HEAD_TAGS, attributes=_HEAD_ATTRIBUTES, url_schemes=set(), link_rel=None,
                     strip_comments=True, clean_content_tags={"script"})
    # Only stylesheets by relative links; the head's <style> is CSS (checked where the CSS is read).
    head = re.sub(r"<link\b(?![^>]*rel=\"stylesheet\")[^>]*>", "", head)
    head = re.sub(r"<(meta|link)\b([^>]*?)\s*/?>", r"<\1\2/>", head)  # void elements, as XHTML wants them
    prologue = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' if xml else "<!DOCTYPE html>\n"
    return (f"{prologue}<html{_attributes(root_attrs)}>\n<head>{head}</head>\n"
            f"<body{_attributes(body_attrs)}>{clean_fragment(body)}</body>\n</html>\n")
