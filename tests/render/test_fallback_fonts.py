"""The emoji and symbol fallback fonts come with publisher, each with its OFL licence."""

from __future__ import annotations

import sys

from fontTools.ttLib import TTFont

from publisher.render import fallback


def test_each_vendored_font_has_its_licence_naming_its_copyright():
    fonts = sorted(fallback.VENDORED.glob("*.ttf"))
    assert [f.name for f in fonts] == ["NotoEmoji[wght].ttf", "NotoSansSymbols[wght].ttf"]
    for path in fonts:
        font = TTFont(path, lazy=True)
        copyright_ = str(font["name"].getName(0, 3, 1, 0x409))
        assert "SIL Open Font License, Version 1.1" in str(font["name"].getName(13, 3, 1, 0x409))
        licence = (fallback.VENDORED / f"OFL-{path.name.split('[')[0]}.txt").read_text(encoding="utf-8")
        assert licence.startswith(copyright_) and "SIL OPEN FONT LICENSE Version 1.1" in licence
        # Monochrome outlines: a colour or bitmap emoji font cannot be embedded faithfully in print.
        assert "glyf" in font and not {"COLR", "CBDT", "sbix", "SVG "} & set(font.keys())


def test_the_fallbacks_need_no_other_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "manimgx_fonts", None)  # importing it would fail
    chosen = fallback.choose({"🎉", "☥"})  # ☥: in Noto Sans Symbols, not in Noto Emoji
    assert {role for role, _, _ in chosen.values()} == {"emoji", "symbols"}
    for role in ("emoji", "symbols"):
        source = fallback._source(next(w for r, _, w in fallback.FALLBACKS if r == role))
        assert source.parent == fallback.VENDORED
