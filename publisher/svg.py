"""Check an SVG drawing before it goes into a book: a safe subset of SVG, nothing active, nothing remote.

An SVG is copied into the EPUB as it is, where a reading system may run what it holds.
It is parsed with lxml without loading a DTD, resolving entities or reaching the network,
so entity tricks (a script spelt ``&#60;script&#62;`` inside an ``<!ENTITY>``, an
external entity reading a file) cannot hide anything from the check. Refused:

- a DOCTYPE (so no entity declarations at all), processing instructions;
- any element outside the static-drawing subset of SVG (``ALLOWED``) and a few editor
  namespaces (Inkscape, Sodipodi, RDF metadata): no ``script`` in any namespace, no
  ``foreignObject``, ``iframe``, animation elements or XHTML;
- event attributes (``on*``); links (``href``, ``xlink:href``) other than ``#id`` inside
  the drawing and embedded raster images (``data:image/png``, jpeg, gif, webp);
- in styles: ``url()`` other than ``url(#id)``, ``@import``, ``expression(``, ``javascript:``.
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
EDITOR_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
}
ALLOWED = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "switch", "view", "a",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath", "style", "marker", "pattern", "clipPath", "mask",
    "linearGradient", "radialGradient", "stop", "filter", "feBlend", "feColorMatrix",
    "feComponentTransfer", "feComposite", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG",
    "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "feTurbulence",
}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
_STYLE_BAD = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, recover=False)


class UnsafeSvg(ValueError):
    """The SVG is refused; the message says what was found, in plain words."""


def check_svg(data: bytes) -> None:
    """Raise UnsafeSvg unless ``data`` is a well-formed SVG within the safe subset."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise UnsafeSvg("it declares a DOCTYPE or entities")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafeSvg(f"it is not well-formed XML ({str(exc)[:120]})") from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeSvg("it declares a DOCTYPE or entities")
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace != SVG_NS:
        raise UnsafeSvg("its root element is not <svg> in the SVG namespace")
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            raise UnsafeSvg(f"it holds a processing instruction <?{node.target}?>")
        if isinstance(node, etree._Entity):
            raise UnsafeSvg(f"it uses the entity &{node.name};")
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node)
        if name.localname.lower() == "script" or (name.namespace == SVG_NS and name.localname not in ALLOWED):
            raise UnsafeSvg(f"it contains a <{name.localname}> element")
        if name.namespace != SVG_NS and name.namespace not in EDITOR_NS:
            raise UnsafeSvg(f"it contains a <{name.localname}> element from another vocabulary ({name.namespace})")
        for key, value in node.attrib.items():
            _check_attribute(etree.QName(key).localname, value)
        if name.localname == "style" and node.text:
            _check_style(node.text)


def _check_attribute(name: str, value: str) -> None:
    if name.lower().startswith("on"):
        raise UnsafeSvg(f"it has an event attribute {name}=")
    if name == "href" or name.lower() == "src":
        link = value.strip()
        if not (link.startswith("#") or _DATA_IMAGE.match(link)):
            raise UnsafeSvg(f"it links to {link[:80]!r}; only #id links and embedded PNG/JPEG/GIF/WebP images are kept")
    if name == "style" or "url(" in value.lower():
        _check_style(value)


def _check_style(text: str) -> None:
    if _STYLE_BAD.search(text):
        raise UnsafeSvg("its styles import files or run code")
    for match in _URL.finditer(text):
        if not match.group(2).strip().startswith("#"):
            raise UnsafeSvg(f"its styles load {match.group(2).strip()[:80]!r}")
