"""Place tone marks in one style: "old" (hòa, khỏe, thủy) or "new" (hoà, khoẻ, thuỷ).

The two styles differ only in open syllables whose rhyme is oa, oe or uy with no
final consonant. Closed syllables (hoàn, hoạt, khoảng, thuyền, huỳnh) are spelled the
same in both, and after qu or gi the u / i belongs to the consonant (quả, quý, giữa),
so those never change either.
"""

from __future__ import annotations

import functools
import re
import unicodedata

STYLES = ("old", "new", "keep")

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# Initial consonants that may precede oa/oe/uy. q is absent on purpose: "qu" is one
# consonant, so in quý/quỳ the tone sits on the only vowel, y. gi is absent for the
# same reason.
_INITIALS = "ngh|ng|gh|kh|nh|ph|th|tr|ch|[bcdđghklmnprstvx]"
# Combining marks belong to the word: a stray second tone ("ỵ" + U+0309) must keep
# the word out of the rule, not be left behind when the tone moves.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_TARGET = re.compile(rf"(?:{_INITIALS})?(o[ae]|uy)", re.IGNORECASE)


def _toned(letters: str) -> str:
    return "".join(unicodedata.normalize("NFC", c + t) for c in letters for t in ("",) + tuple(_TONE_MARKS))


# Only words ending in o/u + a/e/y (any tone, any case) can change: finding those first
# keeps the per-word analysis off the other 95 % of the text.
_CANDIDATE = re.compile(
    rf"(?<![\w\u0300-\u036f])[^\W\d_]*[{_toned('oOuU')}][{_toned('aAeEyY')}](?![\w\u0300-\u036f])"
)
# How every candidate ends: half of all paragraphs have none, and this search, which starts
# with a character set, is ten times as fast as the candidates' look-behind at every letter.
_CANDIDATE_END = re.compile(rf"[{_toned('oOuU')}][{_toned('aAeEyY')}](?![\w\u0300-\u036f])")


def _split_tone(char: str) -> tuple[str, str]:
    """Return (letter without tone, tone mark or "") for one NFC character."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return bare, tone


def _analyse(word: str) -> tuple[str, str, str, str, str] | None:
    """For a word whose rhyme is open oa/oe/uy, return (initial, v1, v2, tone, style).

    ``style`` is "old" (tone on the first vowel), "new" (on the second) or "" when
    the word has no tone mark; None when the word is not such a syllable.
    """
    if len(word) < 2 or any(unicodedata.combining(c) for c in word):
        return None
    bare = []
    tones = []
    for char in word:
        letter, tone = _split_tone(char)
        bare.append(letter)
        tones.append(tone)
    if _TARGET.fullmatch("".join(bare)) is None:
        return None
    marked = [i for i, tone in enumerate(tones) if tone]
    if len(marked) > 1 or (marked and marked[0] < len(word) - 2):
        return None
    tone = tones[marked[0]] if marked else ""
    style = "" if not marked else ("old" if marked[0] == len(word) - 2 else "new")
    return "".join(bare[:-2]), bare[-2], bare[-1], tone, style


def _restyle(match: re.Match[str], style: str) -> str:
    return _restyled(match.group(0), style)


@functools.lru_cache(maxsize=4096)
def _restyled(word: str, style: str) -> str:
    parts = _analyse(word)
    if parts is None:
        return word
    initial, first, second, tone, current = parts
    if not tone or current == style:
        return word
    if style == "old":
        first += tone
    else:
        second += tone
    return unicodedata.normalize("NFC", initial + first + second)


def apply_tone_style(text: str, style: str = "old") -> str:
    """Move tone marks in open oa/oe/uy syllables to ``style`` ("old", "new" or "keep").

    Returns NFC text (unchanged text for "keep"). Case is kept: HÒA ↔ HOÀ, Thủy ↔ Thuỷ.
    """
    if style not in STYLES:
        raise ValueError(f"unknown tone style {style!r}; choose one of {', '.join(STYLES)}")
    if style == "keep":
        return text
    text = unicodedata.normalize("NFC", text)
    if not _CANDIDATE_END.search(text):
        return text
    return _CANDIDATE.sub(lambda m: _restyle(m, style), text)


def detect_tone_styles(text: str) -> set[str]:
    """Return which tone styles ("old", "new") the text uses; both means it is mixed."""
    found: set[str] = set()
    for word in _CANDIDATE.findall(unicodedata.normalize("NFC", text)):
        parts = _analyse(word)
        if parts and parts[4]:
            found.add(parts[4])
    return found
