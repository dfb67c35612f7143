"""Markup: raw HTML, scripts, event attributes, frames, javascript: links and stylesheets never reach an output."""

from __future__ import annotations

import re

import pikepdf
from lxml import etree

from .helpers import TOML, build_book, epub_entries, pdf_text, project
import pytest

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

HOSTILE = """---
title: "Bài <b>đậm</b> <script>alert(1)</script>"
author: "<img src=x onerror=alert(1)>"
---

Đoạn <script>alert("x")</script> văn <img src="x.png" onerror="alert(2)"> có <b onclick="alert(3)">chữ</b>.

<iframe src="http://127.0.0.1:9/"></iframe>

<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">

<style>@import url("http://127.0.0.1:9/evil.css"); body { background: url(javascript:alert(4)) }</style>

[bấm vào đây](javascript:alert(5)) và [dữ liệu](data:text/html,<script>alert(6)</script>) và [tệp](file:///etc/passwd)

<a href="javascript:alert(7)">liên kết</a> <svg onload="alert(8)"></svg> <object data="x.swf"></object>
"""
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "form", "input", "svg", "img", "frame", "base"}


def _xhtml_files(entries: dict[str, bytes]) -> dict[str, bytes]:
    return {n: d for n, d in entries.items() if n.endswith((".xhtml", ".html", ".htm"))}


def test_no_hostile_markup_reaches_the_epub_or_the_pdf(tmp_path):
    toml = TOML.replace('"Sách thử"', '"Sách <b>đậm</b> & <script>alert(0)</script>"')
    root = project(tmp_path, HOSTILE, toml)
    report = build_book(root)
    epub = next(o.path for o in report.outputs if o.format == "epub")
    pdf = next(o.path for o in report.outputs if o.format == "pdf")
    entries = epub_entries(epub)
    documents = _xhtml_files(entries)
    assert len(documents) >= 4
    for name, data in documents.items():
        tree = etree.fromstring(data)  # every document is well-formed XML
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            if name == "EPUB/cover.xhtml" and tag == "img":  # the cover page shows the packaged cover image
                assert element.get("src") in ("cover.png", "cover.jpg"), element.get("src")
                continue
            assert tag not in FORBIDDEN_TAGS, (name, tag)
            if tag == "link":
                assert element.get("href", "").startswith("css/"), (name, element.get("href"))
            for attribute, value in element.attrib.items():
                local = etree.QName(attribute).localname
                assert not local.lower().startswith("on"), (name, attribute)
                if local in ("href", "src"):
                    assert not re.match(r"\s*(javascript|data|file|vbscript):", value, re.I), (name, value)
    opf = entries["EPUB/content.opf"].decode()
    assert "scripted" not in opf and "remote-resources" not in opf
    assert not [n for n in entries if n.endswith(".js")]
    # The typed markup is shown as text, not lost.
    article = next(d for n, d in documents.items() if n.startswith("EPUB/a-")).decode()
    assert "&lt;script&gt;alert(" in article
    title_page = documents["EPUB/title.xhtml"].decode().replace("\u00a0", " ")  # titles keep their last words together
    assert "Sách &lt;b&gt;đậm&lt;/b&gt; &amp; &lt;script&gt;" in title_page
    assert "<dc:title>Sách &lt;b&gt;đậm&lt;/b&gt; &amp; &lt;script&gt;alert(0)&lt;/script&gt;</dc:title>" in opf
    # The removed links are reported with their line.
    removed = [d for d in report.diagnostics if "removed" in d.message and "link" in d.message]
    assert {d.line for d in removed} == {14}, report.diagnostics
    # The PDF: no JavaScript, no action other than links to http(s)/mailto/internal.
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and "/URI" in action:
                    assert str(action.URI).startswith(("http:", "https:", "mailto:")), str(action.URI)
                if action is not None:
                    assert action.get("/S") != "/JavaScript"
        assert "/JavaScript" not in document.Root.get("/Names", {})
        assert "/OpenAction" not in document.Root or "/JS" not in str(document.Root.OpenAction)
    text = pdf_text(pdf)
    assert "Sách <b>đậm</b>" in text
    assert "<script>alert(" in text


def test_jinja_autoescaping_is_on_for_every_template():
    from publisher.render.templates import Templates

    env = Templates(None).env
    for name in ("article.html", "page.xhtml", "book.html", "x.css", "anything"):
        assert env.autoescape is True or env.autoescape(name), name


def test_an_svg_image_with_scripts_or_links_out_is_refused(tmp_path):
    from publisher.errors import ManuscriptError
    import pytest

    plain = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    for hostile in (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                    b'<image x:href="file:///etc/passwd"/></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://127.0.0.1:9/a.css);</style></svg>'):
        root = project(tmp_path / str(len(hostile)), "# Bài\n\n![Hình](../images/x.svg)\n\nChữ.\n",
                       files={"images/x.svg": hostile})
        with pytest.raises(ManuscriptError, match="image ../images/x.svg is refused: it") as caught:
            build_book(root, ("epub",))
        assert caught.value.line == 3
    root = project(tmp_path / "plain", "# Bài\n\n![Hình](../images/x.svg)\n\nChữ.\n", files={"images/x.svg": plain})
    report = build_book(root, ("epub",))
    assert plain in epub_entries(report.outputs[0].path).values()
