"""Convert pre-Unicode Vietnamese text (TCVN3/ABC and VNI-Windows) to Unicode, and back.

Both encodings are 8-bit: a file or a DOCX run in a legacy font holds bytes that a
Windows program shows as CP1252 characters ("B¶o Th¾ng" is TCVN3 for "Bảo Thắng",
"Vieät" is VNI for "Việt"). The functions here work on that *surface* text, one
character per byte, so the same tables serve files (bytes -> surface -> Unicode) and
DOCX runs (surface -> Unicode).

Supported: all 134 Vietnamese letters (67 lower-case + 67 upper-case: the 66 toned or
modified vowels and đ) in VNI; in TCVN3 all 67 lower-case letters and Ă Â Ê Ô Ơ Ư Đ.
TCVN3 (the "VN3" subset of TCVN 5712) has no toned capitals: headings were typed in
lower case and drawn as capitals by the ``.VnTimeH`` fonts, so callers upper-case
those runs (see ``publisher.encodings.convert_legacy_run``).
VNI also decodes what converters and typists wrote beside the table: ``i`` followed by a
plain tone mark ("iù" í, "IÏ" Ị) and "yï" for ỵ (the table has "î"); marks typed in the
other case than their letter ("Aù") are accepted too.
Unsupported: VISCII and VPS (no manuscript seen so far used them).

The tables are written here rather than taken from PyPI ``viparse`` because, measured
against round-trip tests, its VNI table lacks ẳ/Ẳ and several capitals and it has no
encoder; see ``tests/test_encodings.py`` for the checks (TCVN3 is checked against
glibc iconv ``TCVN5712-1``).
"""

from __future__ import annotations

import re
import unicodedata

# --- TCVN3 -----------------------------------------------------------------------

# Bytes 0xA0-0xFF in TCVN 5712 byte order; identical to glibc's TCVN5712-1 for
# these bytes (0xB0-0xB4 are its combining tone marks; NFC composes them later).
# The capitals among them (Ằ at 0xAF …) are TCVN 5712 "VN1" extras that ABC fonts
# rarely used; decoding them like glibc costs nothing and keeps the check exact.
_TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # A0-AF
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0-BF
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0-CF
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0-DF
    "Ổỏõóọồổỗốộờởỡớợù"  # E0-EF
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # F0-FF
)
assert len(_TCVN3_HIGH) == 96

# Bytes 0x80-0x9F keep their CP1252 meaning: the ABC fonts ("VN3") put no letters
# there, and Word's curly quotes and dashes live there in every .VnTime document.
# (glibc's TCVN5712-1 is the fuller "VN1" set with capitals in that range instead.)
TCVN3_DECODE: dict[str, str] = {
    chr(0xA0 + i): _TCVN3_HIGH[i] for i in range(96) if chr(0xA0 + i) != _TCVN3_HIGH[i]
}

# Unicode letter -> surface character. Only unambiguous letters: the combining marks
# and NBSP are left out so encoding plain text never produces them.
TCVN3_ENCODE: dict[str, str] = {
    uni: chr(0xA0 + i) for i, uni in enumerate(_TCVN3_HIGH) if uni.isalpha()
}

# --- VNI-Windows -----------------------------------------------------------------

# A VNI vowel is a base letter followed by one mark character; the mark carries the
# tone, the vowel modifier (â ê ô / ă) or both. Keys: (modifier, tone), where the
# modifier is "" (none), "^" (circumflex) or "(" (breve) and the tone is one of
# "" (ngang), "`" (huyền), "?" (hỏi), "~" (ngã), "'" (sắc), "." (nặng).
_VNI_MARKS: dict[tuple[str, str], str] = {
    ("", "'"): "ù", ("", "`"): "ø", ("", "?"): "û", ("", "~"): "õ", ("", "."): "ï",
    ("^", ""): "â", ("^", "'"): "á", ("^", "`"): "à", ("^", "?"): "å", ("^", "~"): "ã", ("^", "."): "ä",
    ("(", ""): "ê", ("(", "'"): "é", ("(", "`"): "è", ("(", "?"): "ú", ("(", "~"): "ü", ("(", "."): "ë",
}  # fmt: skip

# Letters VNI stores as one character (lower-case; upper-case is the same letter
# upper-cased): ơ ư đ, the i family, which has no Latin-1 base to hang a mark on, and ỵ
# (the published VNI-Windows table, e.g. xvnkb's vni.h, has "î" for ỵ, not "yï").
_VNI_SINGLES = {
    "ơ": "ô", "ư": "ö", "đ": "ñ", "ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î",
}  # fmt: skip

_TONES = {"": "", "`": "\u0300", "?": "\u0309", "~": "\u0303", "'": "\u0301", ".": "\u0323"}
_MODIFIERS = {"": "", "^": "\u0302", "(": "\u0306"}


def _compose(base: str, modifier: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + _MODIFIERS[modifier] + _TONES[tone])


# Spellings that the table does not produce but real files hold: converters and hand
# typing put the plain tone marks after i (as after every other vowel), and "yï" for ỵ.
# They decode; the encoder keeps to the table.
_VNI_ALTERNATIVES = {"i" + mark: _compose("i", "", tone) for (modifier, tone), mark in _VNI_MARKS.items()
                     if not modifier and tone} | {"yï": "ỵ"}


def _build_vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Return (surface -> Unicode, Unicode -> surface) for every VNI letter, both cases."""
    decode: dict[str, str] = {}
    for base, modifiers in (("a", "^("), ("e", "^"), ("o", "^"), ("u", ""), ("y", "")):
        for modifier in ("", *modifiers):
            for tone in _TONES:
                if (modifier, tone) in _VNI_MARKS and (base, tone) != ("y", "."):  # ỵ is "î"
                    decode[base + _VNI_MARKS[modifier, tone]] = _compose(base, modifier, tone)
    for tone in _TONES:  # ơ and ư: a one-character base plus a tone mark
        for letter in ("ơ", "ư"):
            surface = _VNI_SINGLES[letter] + _VNI_MARKS.get(("", tone), "")
            decode[surface] = _compose(letter, "", tone)
    for letter, surface in _VNI_SINGLES.items():
        decode.setdefault(surface, letter)
    decode = {k: v for k, v in decode.items() if k != v}  # ì í decode to themselves
    decode |= {k.upper(): v.upper() for k, v in decode.items()}
    encode = {v: k for k, v in decode.items()} | {"ì": "ì", "í": "í", "Ì": "Ì", "Í": "Í"}
    for surface, letter in _VNI_ALTERNATIVES.items():  # after the encoder: decode only
        decode[surface] = letter
        decode[surface.upper()] = letter.upper()
    return decode, encode


VNI_DECODE, VNI_ENCODE = _build_vni_tables()

# Marks typed in the other case than their base ("Aù" for Á) are accepted too: the
# base letter decides the case, because old keyboard drivers were not consistent.
_VNI_PAIRS: dict[str, str] = {}
for _surface, _uni in VNI_DECODE.items():
    if len(_surface) == 2:
        _VNI_PAIRS[_surface] = _uni
        _VNI_PAIRS.setdefault(_surface[0] + _surface[1].swapcase(), _uni)
_VNI_SINGLE_DECODE = {k: v for k, v in VNI_DECODE.items() if len(k) == 1}


def is_vni_pair(surface: str) -> bool:
    """True if two surface characters are one VNI letter (a base and its mark)."""
    return surface in _VNI_PAIRS


# --- conversion ------------------------------------------------------------------


def bytes_to_surface(data: bytes) -> str:
    """Show bytes the way Windows did: CP1252, and Latin-1 for its five unassigned bytes."""
    return "".join(_BYTE_SURFACE[b] for b in data)


_BYTE_SURFACE = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]


def surface_to_bytes(text: str) -> bytes | None:
    """Inverse of ``bytes_to_surface``; None if a character has no single-byte form."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            out.append(ord(char))
    return bytes(out)


def decode_tcvn3(surface: str) -> str:
    """TCVN3 surface text -> NFC Unicode. Characters outside the table pass through."""
    return unicodedata.normalize("NFC", surface.translate(_TCVN3_TRANS))


_TCVN3_TRANS = str.maketrans(TCVN3_DECODE)


def decode_vni(surface: str) -> str:
    """VNI surface text -> NFC Unicode, longest match first (base + mark before singles)."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(_vni_letter, surface))


# One regular expression, pairs before single characters: the alternation is tried in this
# order at each position, which is "longest match first", in C rather than a Python loop.
_VNI_TABLE = _VNI_PAIRS | _VNI_SINGLE_DECODE
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TABLE, key=len, reverse=True)))


def _vni_letter(match: re.Match) -> str:
    return _VNI_TABLE[match.group()]


# Typographic characters both encodings leave at their CP1252 places.
_CP1252_PUNCTUATION = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022"


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 surface text. Raises ValueError for a letter TCVN3 cannot hold."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[char])
        elif ord(char) > 0x7F and char not in _CP1252_PUNCTUATION:
            raise ValueError(f"TCVN3 cannot encode {char!r}")
        else:
            out.append(char)
    return "".join(out)


def encode_vni(text: str) -> str:
    """Unicode -> VNI surface text. Raises ValueError for a letter VNI cannot hold."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in VNI_ENCODE:
            out.append(VNI_ENCODE[char])
        elif ord(char) > 0x7F and char not in _CP1252_PUNCTUATION:
            raise ValueError(f"VNI cannot encode {char!r}")
        else:
            out.append(char)
    return "".join(out)
