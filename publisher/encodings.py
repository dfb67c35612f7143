"""Decode manuscript bytes once: detect the encoding, convert legacy Vietnamese, NFC.

Every reader gets its text from ``decode_bytes`` so that nothing downstream sees
anything but NFC text with "\\n" line endings.

Detection, in order:
1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. strict UTF-8 (pure ASCII is reported as "utf-8");
3. UTF-16 without a BOM, if every other byte is NUL;
4. otherwise each 8-bit candidate (Windows-1258, TCVN3, VNI) decodes the bytes and
   the result is scored by how Vietnamese it looks: the share of its non-ASCII words
   that are valid Vietnamese syllables, with stray symbols and control characters
   counted against it. The best score wins if it is high enough and clearly ahead;
   otherwise the file is undecidable and ``ManuscriptError`` says what was tried.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass

from publisher import legacy
from publisher.errors import ManuscriptError

__all__ = [
    "Decoded",
    "convert_legacy_run",
    "decode_bytes",
    "is_vietnamese_syllable",
    "legacy_font_kind",
    "vietnamese_score",
]

# A winner needs at least this score, and this lead over a candidate whose text differs.
MIN_CONFIDENCE = 0.6
MIN_LEAD = 0.1

LEGACY_CANDIDATES = ("cp1258", "tcvn3", "vni")


@dataclass(frozen=True)
class Decoded:
    """Text of a manuscript (NFC, "\\n" line ends) and how it was obtained."""

    text: str
    encoding: str
    confidence: float  # 1.0 for a BOM or valid UTF-8; the Vietnamese score otherwise
    converted: bool  # True when the bytes were in an 8-bit legacy encoding


# --- Vietnamese-ness ------------------------------------------------------------

_INITIAL = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
# Vowel clusters without tone marks; permissive on purpose (it scores decodings, it
# does not spell-check), so "ăn"-style restrictions on finals are not modelled. Clusters
# that end in a glide (ai, au, uôi …) never take a final consonant: "laùng" (a VNI
# "Lạng" read as TCVN3) is no syllable.
_OPEN_VOWELS = (
    "iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyu "
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu"
).split()
_VOWELS = "uyê iê oa oă oe oo uâ uê uô uơ uy ươ yê a ă â e ê i o ô ơ u ư y".split()
_FINAL = r"(?:ch|nh|ng|[cmnpt])?"
_SYLLABLE = re.compile(f"{_INITIAL}(?:(?:{'|'.join(_OPEN_VOWELS)})|(?:{'|'.join(_VOWELS)}){_FINAL})")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_WORD = re.compile(r"[^\W\d_]+")
# Non-ASCII characters that are not letters yet are normal in Vietnamese prose.
_PROSE_SYMBOLS = set("\u00a0“”‘’–—…«»•°§©®±×·€")


def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` (any case, NFC or NFD) is spelled like one Vietnamese syllable."""
    return _is_syllable(word.lower())


@functools.lru_cache(maxsize=65536)  # words repeat: scoring a long document asks again and again
def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(decomposed.count(mark) for mark in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str, case: bool = False) -> float:
    """Share of the non-ASCII words that are Vietnamese syllables, penalising junk.

    ASCII words are left out: every 8-bit candidate decodes them identically, so they
    cannot tell candidates apart, and leaving them out keeps English names from
    diluting the score. Returns 1.0 when there is nothing non-ASCII to judge.
    With ``case``, a word must also be lower case, capitalised or all capitals: a
    legacy byte read wrongly often yields a capital inside a word ("vỔ").
    """
    valid = words = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            words += 1
            valid += is_vietnamese_syllable(word) and (
                not case or word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()))
    junk = sum(1 for c in text if (c < " " or c > "~") and _is_junk(c))  # printable ASCII is never junk
    total = words + junk
    return 1.0 if total == 0 else valid / total


@functools.lru_cache(maxsize=4096)
def _is_junk(char: str) -> bool:
    if unicodedata.category(char) == "Cc":
        return char not in "\t\n\r\f"
    return not (char.isascii() or char.isalpha() or char in _PROSE_SYMBOLS)


# --- byte-level decoding -------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ALIASES = {
    "tcvn3": "tcvn3", "tcvn": "tcvn3", "abc": "tcvn3", "vn3": "tcvn3", "tcvn5712": "tcvn3",
    "vni": "vni", "vni-windows": "vni",
    "cp1258": "cp1258", "windows-1258": "cp1258",
}  # fmt: skip


def _finish(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _decode_as(data: bytes, encoding: str) -> str:
    """Decode with one named encoding; raises UnicodeDecodeError on a bad byte."""
    if encoding == "tcvn3":
        return legacy.decode_tcvn3(legacy.bytes_to_surface(data))
    if encoding == "vni":
        return legacy.decode_vni(legacy.bytes_to_surface(data))
    return data.decode(encoding)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            # utf-8-sig strips its own BOM; the UTF-16/32 codecs named -le/-be do not.
            return (data if name == "utf-8-sig" else data[len(bom) :]), name
    return data, None


def _looks_utf16(data: bytes) -> str | None:
    """Name the byte order of BOM-less UTF-16, or None.

    Text files hold no NUL bytes, but UTF-16 puts one in the high byte of every ASCII
    character (spaces, digits, punctuation): a third of the high bytes at least, even
    in Vietnamese, whose toned letters have high byte 0x1E.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    pairs = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd > 0.3 * pairs and even < 0.02 * pairs:
        return "utf-16-le"
    if even > 0.3 * pairs and odd < 0.02 * pairs:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str, hint: str | None = None) -> Decoded:
    """Decode a manuscript's bytes to NFC text, detecting the encoding unless ``hint`` names it.

    Raises ManuscriptError (with ``path`` and the line of the first bad byte where known)
    when the hinted encoding does not fit or no candidate is clearly right.
    """
    if hint:
        return _decode_hinted(data, path, hint)
    body, bom_name = _strip_bom(data)
    if bom_name:
        try:
            return Decoded(_finish(body.decode(bom_name)), bom_name, 1.0, False)
        except UnicodeDecodeError as exc:
            raise ManuscriptError(
                f"the file starts with a {bom_name} byte-order mark but is not valid {bom_name}",
                path=path,
                line=_line_of(body, exc.start),
            ) from exc
    try:
        return Decoded(_finish(data.decode("utf-8")), "utf-8", 1.0, False)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return Decoded(_finish(data.decode(utf16)), utf16, 0.9, False)
        except UnicodeDecodeError:
            pass
    return _detect_legacy(data, path, utf8_error)


def _decode_hinted(data: bytes, path: str, hint: str) -> Decoded:
    name = _ALIASES.get(hint.strip().lower().replace("_", "-"))
    if name is None:
        try:
            name = codecs.lookup(hint).name
        except LookupError:
            raise ManuscriptError(
                f"unknown encoding {hint!r}",
                path=path,
                hint="use utf-8, utf-16, cp1258, tcvn3, vni or a Python codec name",
            ) from None
        if name == "utf-8":
            name = "utf-8-sig"  # a hinted UTF-8 file may still start with a BOM
    try:
        text = _finish(_decode_as(data, name))
    except UnicodeDecodeError as exc:
        raise ManuscriptError(
            f"not valid {hint}: byte 0x{data[exc.start]:02X} cannot be decoded",
            path=path,
            line=_line_of(data, exc.start),
        ) from exc
    converted = name in LEGACY_CANDIDATES
    return Decoded(text, name, vietnamese_score(text) if converted else 1.0, converted)


def _detect_legacy(data: bytes, path: str, utf8_error: UnicodeDecodeError) -> Decoded:
    scored: list[tuple[float, str, str]] = []
    failures: list[str] = []
    for name in LEGACY_CANDIDATES:
        try:
            text = _finish(_decode_as(data, name))
        except UnicodeDecodeError as exc:
            failures.append(f"{name} (byte 0x{data[exc.start]:02X} undefined)")
            continue
        scored.append((vietnamese_score(text), name, text))
    scored.sort(key=lambda item: -item[0])
    bad = utf8_error.start
    tried = ", ".join(
        ["utf-8 (invalid)"] + [f"{name} (score {score:.2f})" for score, name, _ in scored] + failures
    )
    where = f"first non-UTF-8 byte 0x{data[bad]:02X} at line {_line_of(data, bad)}"
    if scored:
        best_score, best_name, best_text = scored[0]
        rivals = [s for s, _, text in scored[1:] if text != best_text]
        if best_score >= MIN_CONFIDENCE and (not rivals or best_score - rivals[0] >= MIN_LEAD):
            return Decoded(best_text, best_name, round(best_score, 3), True)
    raise ManuscriptError(
        f"cannot tell the encoding ({where}); tried {tried}",
        path=path,
        line=_line_of(data, bad),
        hint="save the file as UTF-8, or set its encoding explicitly",
    )


# --- DOCX runs in legacy fonts -------------------------------------------------


# Font names are classified by rule, not looked up in a list: real files carry every
# spelling of the same families (".VnTime", "VNTime", "VnTimeH", ".VnArial (Ds)",
# "VNI-Times", "VNI Helve", "VNSTCVN3", "VNSVNI2" …).
_PARENTHESISED = re.compile(r"\s*\([^()]*\)\s*")  # "(Ds)" and similar tags
_STYLE_WORDS = re.compile(r"(?:[\s_-]+(?:bold|italic|regular|normal|narrow|condensed|black))+$", re.IGNORECASE)
_TCVN3_TAG = re.compile(r"tcvn(?!6909)|vn3|abc(?=\d|$)")  # TCVN 6909 is the Unicode standard
_VNI_TAG = re.compile(r"^vni[a-z0-9]|^vnsvni")
# ABC (TCVN3) families: ".Vn" + name, or "Vn"/"VN" + name without the dot (RTF, Mac).
_TCVN3_FAMILY = re.compile(r"^\.?vn(?!i(?:[\W_]|$)|s|f[\W_])[a-z]", re.IGNORECASE)


def legacy_font_kind(font_name: str | None) -> str | None:
    """"tcvn3", "tcvn3-caps" (.VnTimeH and other "H" fonts), "vni", or None for a Unicode font.

    Rules: a name tagged TCVN3/ABC (``VNSTCVN3``) or VNI (``VNI-…``, ``VNI …``,
    ``VNSVNI2``) says so; otherwise a family ``.Vn…`` or ``Vn…``/``VN…`` is TCVN3 (but not
    ``VNI``, the ``VNS…`` series or the Unicode ``VNF-…`` fonts); a TCVN3 family whose
    name ends in ``H`` draws capitals. A parenthesised tag such as ``(Ds)`` and style
    words (Bold, Italic …) are ignored.
    """
    name = _PARENTHESISED.sub(" ", font_name or "").strip().strip("\"'").strip()
    family = _STYLE_WORDS.sub("", name)
    compact = re.sub(r"[^a-z0-9]", "", family.lower())
    if not compact:
        return None
    # The H fonts draw lower-case bytes as capitals: TCVN3 has no toned capitals.
    caps = compact.endswith("h")
    if _VNI_TAG.search(compact):
        return "vni"
    if _TCVN3_TAG.search(compact) or _TCVN3_FAMILY.match(family):
        return "tcvn3-caps" if caps else "tcvn3"
    return None


def convert_legacy_run(text: str, font_name: str | None) -> str | None:
    """Convert one DOCX run's text set in a legacy font; None if the font is not legacy.

    The run's characters are the CP1252 (or, for CP1252's five holes, Latin-1)
    reading of the legacy bytes, and the legacy tables are keyed by exactly that
    reading, so the conversion needs no round trip through bytes. Characters beyond
    one byte (real Unicode typed into a legacy-font run) pass through unchanged.
    """
    kind = legacy_font_kind(font_name)
    if kind is None:
        return None
    if kind == "vni":
        converted = legacy.decode_vni(text)
    else:
        converted = legacy.decode_tcvn3(text)
        if kind == "tcvn3-caps":
            converted = converted.upper()
    return _finish(converted)
