"""Apply the text normaliser to a whole Article: titles, names, blocks, captions and notes."""

from __future__ import annotations

from ..config import NORMALIZE_STEPS, BookConfig
from ..model import Article
from . import NormalizeOptions, normalize_html, normalize_text


def options_from_config(config: BookConfig) -> NormalizeOptions:
    """The steps book.toml's [normalize] table turns on, and the tone style."""
    style = config.normalize.tone_style
    switches = {step: step in config.normalize.steps for step in NORMALIZE_STEPS}
    return NormalizeOptions(tone_style=style, **switches)


def normalize_article(article: Article, options: NormalizeOptions) -> Article:
    """The article with every text normalised in place (markup and code untouched)."""
    article.title = normalize_html(article.title, options)
    if article.subtitle:
        article.subtitle = normalize_html(article.subtitle, options)
    if article.summary:
        article.summary = normalize_text(article.summary, options)
    article.authors = [normalize_text(name, options) for name in article.authors]
    for block in article.blocks:
        if block.html:
            block.html = normalize_html(block.html, options)
        if block.caption:
            block.caption = normalize_html(block.caption, options)
        if block.alt:
            block.alt = normalize_text(block.alt, options)
        if block.columns:
            block.columns = [normalize_html(heading, options) for heading in block.columns]
        for item in block.items or []:  # gallery photos, roster rows, timeline entries
            for key in ("year", "html", "caption", "section"):
                if item.get(key):
                    item[key] = normalize_html(item[key], options)
            if item.get("alt"):
                item["alt"] = normalize_text(item["alt"], options)
            if item.get("cells"):
                item["cells"] = [normalize_html(cell, options) for cell in item["cells"]]
    for note in article.footnotes:
        note.html = normalize_html(note.html, options)
    return article
