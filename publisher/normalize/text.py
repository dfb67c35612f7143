"""Character-level clean-ups: NFC, look-alike letters for đ/Đ, invisible characters."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    """Compose the text to Unicode NFC (Word, macOS and Unikey may give NFD)."""
    return unicodedata.normalize("NFC", text)


# Letters that look like đ/Đ but are not: Icelandic eth (from Latin-1 keyboards and
# TCVN3 text read as Latin-1), African D with tail, and d/D overlaid with a
# combining stroke (U+0335 short, U+0336 long), which some PDF exports produce.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u0256": "\u0111"})
_STROKED_D = re.compile("([dD])[\u0335\u0336]")
# Any character either rule works on: most text has none, and str.translate is slow on long text.
_LOOKALIKE_CHARS = re.compile("[\u00d0\u00f0\u0189\u0256\u0335\u0336]")


def fix_lookalikes(text: str) -> str:
    """Replace Ð ð Ɖ ɖ and d + combining stroke with the Vietnamese Đ / đ."""
    if not _LOOKALIKE_CHARS.search(text):
        return text
    text = _STROKED_D.sub(lambda m: "\u0110" if m.group(1) == "D" else "\u0111", text)
    return text.translate(_LOOKALIKES)


# Zero-width space and no-break space (BOM), soft hyphen: invisible, and they break
# search, sorting and PDF text extraction. ZWNJ/ZWJ go too, except before a symbol or
# a variation selector, where they hold an emoji sequence together. U+00A0 and
# U+2060 (word joiner) stay: they are deliberate no-break instructions.
_INVISIBLE = re.compile("[\u200b\u00ad\ufeff]|[\u200c\u200d](?![\ufe0f\U0001f000-\U0001faff\u2600-\u27bf])")


def strip_invisibles(text: str) -> str:
    """Remove zero-width spaces/joiners, U+FEFF and soft hyphens; keep no-break spaces."""
    return _INVISIBLE.sub("", text)
