"""Sort Vietnamese words and people's names the way Vietnamese dictionaries and rosters do.

The order
---------
Text is compared **syllable by syllable** (a syllable is a run of letters and digits;
spaces, hyphens and punctuation separate syllables). Two syllables compare first letter by
letter in the Vietnamese alphabet, then by tone::

    letters  0-9 (as numbers) < a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z
    tones    none < huyền (à) < hỏi (ả) < ngã (ã) < sắc (á) < nặng (ạ)

so "Hà Nam" < "Hạ Long" (decided on Hà < Hạ) and "Ha" < "Ha Long" < "Hai". Only when every
syllable is equal in letters and tone do the finer levels decide, over the whole string:

1. *variant*: where the tone mark sits (old style "Hòa" before new style "Hoà"), then marks
   that are not Vietnamese (é is e + sắc, but ë, ç, î carry a mark Vietnamese does not use);
2. *case*: letter by letter, lower case before upper case ("ha" < "Ha" < "HA");
3. *identical*: the NFC text itself (spacing, punctuation, "02" vs "2", Ð vs Đ).

The last level makes the key a total order that calls two strings equal only when their NFC
forms are identical. Input is normalised to NFC first, so NFD text gets the same key.

Placement of the letters outside the Vietnamese alphabet: f j w z sit where the Latin alphabet
puts them (as ICU's "vi" collation does); a run of ASCII digits is one element compared by its
numeric value ("Khóa 2" < "Khóa 10") and sorts before any letter; Ð (U+00D0, Icelandic Eth,
often typed for Đ) sorts as đ; other letters (ß, ø, Greek …) sort after z by code point.

Why not ICU
-----------
PyICU with the "vi" collator gets the alphabet and tone order right, but (1) it compares
tones over the whole string, so "Hạ Long" < "Hà Nam", and it orders tones by their position
in the word (it puts "Hoá" before "Hòa"); (2) it has no wheels on PyPI: ``pip install PyICU``
compiles C++ against the system ICU, which needs libicu-dev, pkg-config and a compiler, and
took about a minute here. ``pip install .`` has to be enough for users, so this module is
pure Python. The tests cross-check it against ICU, syllable by syllable, where PyICU is
installed.

Names
-----
``name_key`` sorts rosters by given name, then middle name(s), then family name. The given
name is the last word by default; ``given_words=2`` handles two-syllable given names. The
family name is the first word (a compound surname such as Tôn Thất then counts its second
word as a middle name, which changes nothing for the primary order of given names).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

__all__ = ["word_key", "name_key", "sort_names"]

# The Vietnamese alphabet with f j w z where the Latin alphabet has them (ICU "vi" does the same).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_WEIGHT = {letter: index for index, letter in enumerate(_ALPHABET)}

# Base letter + Vietnamese modifier (breve, circumflex, horn) -> letter of the alphabet.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_MODIFIED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
_MODIFIERS = frozenset({_BREVE, _CIRCUMFLEX, _HORN})

# Tone marks in ICU order: huyền, hỏi, ngã, sắc, nặng (no mark is 0).
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Letters typed by mistake for đ/Đ: Icelandic eth (ð, Ð) and African D (ɖ, Ɖ).
_LOOKALIKE = {"\u00f0": "đ", "\u0256": "đ"}

# Element classes inside a syllable: digits first, then the alphabet, then anything else.
_DIGITS, _LETTER, _OTHER = 0, 1, 2


def _casefold_letter(char: str) -> str:
    lower = char.lower()
    return _LOOKALIKE.get(lower, lower)


# A roster of thousands of names repeats a few hundred given, middle and family names: each is
# worked out once (the levels are tuples, never changed).
@functools.lru_cache(maxsize=16384)
def _levels(text: str) -> tuple[tuple, tuple, tuple, str]:
    """Return the collation levels of ``text``: (syllables, variants, case, NFC text)."""
    nfc = unicodedata.normalize("NFC", text)
    syllables: list[tuple] = []
    variants: list[tuple] = []
    case: list[int] = []

    letters: list[tuple[int, int]] = []  # (class, weight) per element of this syllable
    tones: list[int] = []
    tone_places: list[int] = []
    foreign_marks: list[tuple[int, int]] = []  # (element index, code point)
    base: str | None = None  # lower-case base letter the next combining marks attach to
    digits = ""

    def close_digits() -> None:
        nonlocal digits
        if digits:
            letters.append((_DIGITS, int(digits)))
            digits = ""

    def close_syllable() -> None:
        nonlocal base
        close_digits()
        if letters:
            syllables.append((tuple(letters), tuple(tones)))
            variants.append((tuple(tone_places), tuple(foreign_marks)))
        letters.clear()
        tones.clear()
        tone_places.clear()
        foreign_marks.clear()
        base = None

    for char in unicodedata.normalize("NFD", nfc):
        if unicodedata.combining(char) or unicodedata.category(char).startswith("M"):
            close_digits()  # a mark on a digit ends the number, as in ICU ("1̀0" is 1, 0)
            if not letters:
                continue  # a stray mark with nothing to attach to: identical level only
            place = len(letters) - 1
            if char in _TONE:
                tones.append(_TONE[char])
                tone_places.append(place)
            elif char in _MODIFIERS and base is not None and (base, char) in _MODIFIED:
                modified = _MODIFIED[(base, char)]
                letters[-1] = (_LETTER, _LETTER_WEIGHT[modified])
                base = None  # one modifier per letter; a second one is a foreign mark
            else:
                foreign_marks.append((place, ord(char)))
        elif char in "0123456789":
            digits += char
            base = None
        elif char.isalnum():
            close_digits()
            lower = _casefold_letter(char)
            if lower in _LETTER_WEIGHT:
                letters.append((_LETTER, _LETTER_WEIGHT[lower]))
                base = lower
            else:
                letters.append((_OTHER, ord(lower[0]) if len(lower) == 1 else ord(char)))
                base = None
            case.append(1 if char.isupper() else 0)
        else:
            close_syllable()
    close_syllable()
    return tuple(syllables), tuple(variants), tuple(case), nfc


def word_key(text: str) -> tuple:
    """Return a sort key for ``text`` in Vietnamese dictionary order (see the module doc).

    Keys compare as plain tuples; two keys are equal only when the NFC texts are identical.
    """
    return _levels(text)


def _split_name(full_name: str, given_words: int) -> tuple[str, str, str]:
    """Split a full name into (given, middle, family) strings."""
    words = unicodedata.normalize("NFC", full_name).split()
    if len(words) <= given_words:
        return " ".join(words), "", ""
    given = words[-given_words:]
    rest = words[:-given_words]
    return " ".join(given), " ".join(rest[1:]), rest[0]


def name_key(full_name: str, given_words: int = 1) -> tuple:
    """Return a sort key for a person's name: given name, then middle name(s), then family name.

    ``given_words`` is how many final words form the given name (1 for "Nguyễn Văn An",
    2 for "Lê Thị Minh Khai" filed under "Minh Khai"). Each part is compared with
    ``word_key``, level by level: the given, middle and family names decide by letters and
    tones before any tone placement or case difference is looked at.
    """
    if isinstance(given_words, bool) or not isinstance(given_words, int) or given_words < 1:
        raise ValueError(f"given_words must be a whole number of at least 1, not {given_words!r}")
    parts = [_levels(part) for part in _split_name(full_name, given_words)]
    by_level = tuple(tuple(part[level] for part in parts) for level in range(3))
    return (*by_level, unicodedata.normalize("NFC", full_name))


def sort_names(names: Iterable[str], given_words: int = 1) -> list[str]:
    """Return ``names`` sorted for a roster (see ``name_key``); the strings come back unchanged."""
    return sorted(names, key=lambda name: name_key(name, given_words))
