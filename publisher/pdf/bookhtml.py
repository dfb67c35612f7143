"""The whole book as one HTML document for WeasyPrint, styled for an output profile.

The documents are joined into one HTML file; links between documents become
in-page links, and each note moves to its call site as a ``float: footnote``
element so it lands at the foot of the page that cites it.

Page numbers: the front matter (cover, title page, foreword, contents when at the front)
sits on ``front`` pages that count ``frontpage`` (printed in lower-case roman) and leave
``page`` alone, so the body starts at page 1 without resetting a counter (a reset breaks
``target-counter``, WeasyPrint #2114) and the contents' numbers stay right. The blank left
page between front matter and body belongs to no named page and counts as front matter.
Profiles (config.OutputProfile): ``print`` adds bleed, crop marks, PDF/X-4 and padding to
the signature; ``screen`` is tagged (PDF/UA-1) with small images; ``proof`` carries a
watermark, the build date and each article's source file.
"""

from __future__ import annotations

import re

from ..config import OutputProfile
from ..render.html import RenderedBook
from ..render.templates import Templates
from ..render.typeset import WBR, ZWSP
from . import contract

_CROSS_DOC = re.compile(r'href="([A-Za-z0-9_.-]+)\.xhtml(#[^"]*)?"')
_NOTEREF = re.compile(r'<a class="noteref"[^>]*?href="#(fn-[^"]+)"[^>]*>[^<]*</a>')
_NOTES_SECTION = re.compile(r'<section class="footnotes".*?</section>', re.DOTALL)
FRONT_KINDS = ("cover", "halftitle", "titlepage", "imprint", "toc", "foreword")
CROP_MARK_MM = 6.0  # the slug beyond the bleed where WeasyPrint draws the crop marks


def body_start(rendered: RenderedBook) -> str | None:
    """The id of the first body document (part opener or article); the front matter is before it."""
    for doc in rendered.documents:
        if doc.kind not in FRONT_KINDS:
            return doc.id
    return None


def book_html(rendered: RenderedBook, profile: OutputProfile | None = None, only: list | None = None,
              extra_css: str = "") -> str:
    """The whole book as one HTML document for WeasyPrint, styled for ``profile`` when given.

    ``only`` keeps a run of the documents (pdf.runs lays runs out one by one);
    ``extra_css`` goes after every other rule.
    """
    config = rendered.config
    notes = {n.id: n.html for a in rendered.book.articles() for n in a.footnotes}
    documents = []
    start = body_start(rendered)
    front_ids: list[str] = []
    in_front = True
    keep = None if only is None else {doc.id for doc in only}
    for doc in rendered.documents:
        if not doc.pdf:  # the cover is printed apart; the PDF opens on the half-title
            continue
        if keep is not None and doc.id not in keep:
            in_front = in_front and doc.id != start
            if in_front:
                front_ids.append(doc.id)
            continue
        in_front = in_front and doc.id != start
        if in_front:
            front_ids.append(doc.id)
        body = _CROSS_DOC.sub(lambda m: f'href="{m.group(2) or "#doc-" + m.group(1)}"', doc.body)
        body = _NOTES_SECTION.sub("", body)
        body = _NOTEREF.sub(lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body)
        # A break opportunity in a long address as the character WeasyPrint makes of <wbr>: the
        # address stays one text box, which lays out faster and as pdf.rosters counts its lines.
        body = body.replace(WBR, ZWSP)
        documents.append(type(doc)(doc.id, doc.kind, doc.title, body, doc.toc_level, doc.landmark))
    from ..render.typeset import book_title_css  # openers: no running head (print.css)

    font_css = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in rendered.fonts
    )
    # Contents entries that point into the front matter show its roman number.
    front_css = "".join(
        f'.toc-entry a[href="#{i}"]::after, .toc-entry a[href="#doc-{i}"]::after {{ content: leader(".") " " '
        f"target-counter(attr(href url), frontpage, lower-roman); }}\n"
        for i in front_ids
    )
    css = (rendered.stylesheets["book.css"] + "\n" + rendered.stylesheets["print.css"] + "\n" + front_css
           + (profile_css(rendered, profile) if profile else "") + book_title_css(config))
    values = dict(
        config=config,
        lang=config.language,
        authors=list(config.authors),
        keywords="",
        created=config.source_datetime().strftime("%Y-%m-%dT%H:%M:%SZ"),
        font_css=font_css,
        trim=[f"{v:g}" for v in config.trim_mm],
        documents=documents,
        body_start=start if keep is None else (None if only[0].id in front_ids else only[0].id),
    )
    templates = Templates(config.styles_dir)
    html = templates.render("book.html", css=css, **values)
    if extra_css:
        # In a <style> of its own after the book's: the book's stylesheet is then the same text in
        # every run, which WeasyPrint parses once a process (pdf.weasypatch). The same cascade:
        # later rules of equal weight win, whichever <style> holds them.
        if "</head>" in html:
            html = html.replace("</head>", f"<style>\n{extra_css}</style>\n</head>", 1)
        else:  # a project's own template without one
            html = templates.render("book.html", css=css + extra_css, **values)
    if keep is not None:  # a body run opens its bodymatter at once: no empty frontmatter box
        html = contract.EMPTY_FRONTMATTER.sub("", html, count=1)
    if profile and profile.watermark:
        mark = f'<div class="watermark" aria-hidden="true">{_escape(profile.watermark)}</div>'
        html = html.replace("<body>", "<body>\n" + mark, 1)
    return html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def profile_css(rendered: RenderedBook, profile: OutputProfile) -> str:
    """The @page and element rules one output profile adds to print.css."""
    config = rendered.config
    rules = []
    slug = CROP_MARK_MM if profile.crop_marks else 0.0
    if profile.bleed_mm or slug:
        # WeasyPrint draws crop marks from the sheet's edge to half the CSS bleed: with the
        # slug added they stop CROP_MARK_MM / 2 short of the trim, outside the real bleed.
        marks = "marks: crop cross;" if profile.crop_marks else ""
        rules.append(f"@page {{ bleed: {profile.bleed_mm + slug:g}mm; {marks} }}")
    bleed = profile.bleed_mm
    rules.append(f".full-bleed img {{ margin: -{bleed:g}mm; width: calc(100% + {2 * bleed:g}mm); "
                 f"height: calc({config.trim_mm[1]:g}mm + {2 * bleed:g}mm); }}")
    if profile.icc_profile:
        from .colour import colour_profile_css

        rules.append(colour_profile_css(profile))
    if profile.watermark or profile.show_sources:
        stamp = " · ".join(x for x in (profile.watermark, config.source_datetime().date().isoformat()) if x)
        rules.append(
            "@page { @bottom-left { content: " + _css_string(stamp) + "; font-family: \"Book Sans\"; "
            "font-size: 6.5pt; color: #555; vertical-align: top; padding-top: 4mm; } }")
    if profile.show_sources:
        rules.append(
            "@page { @bottom-right { content: string(source, last); font-family: \"Book Sans\"; font-size: 6.5pt; white-space: nowrap; "
            "color: #555; vertical-align: top; padding-top: 4mm; } }\n"
            "@page :blank { @bottom-right { content: none; } } @page front:blank { @bottom-right { content: none; } }\n"
            "@page body:blank { @bottom-right { content: none; } }\n"
            ".doc { string-set: source \"\"; }\n"
            ".doc-article .article, .doc-foreword .article { string-set: source attr(data-source); }")
    if profile.watermark:
        rules.append(
            ".watermark { position: fixed; top: 45%; left: -15%; width: 130%; text-align: center; "
            "transform: rotate(-50deg); font-family: \"Book Sans\"; font-weight: bold; font-size: 40pt; "
            "letter-spacing: 0.1em; color: rgba(200, 0, 0, 0.18); z-index: -1; }")
    return "\n".join(rules) + "\n"
