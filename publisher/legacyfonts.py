"""Convert text set in legacy Vietnamese fonts (Word runs, spreadsheet cells) to Unicode.

A run typed in a TCVN3 or VNI font holds the CP1252 reading of the legacy bytes
("Tæng côc thuÕ" is TCVN3 for "Tổng cục thuế"). The font name is the first witness
(``encodings.legacy_font_kind`` classifies it by rule); the text is the second: the
scorer that detects the encoding of ``.txt`` files (``encodings.vietnamese_score``)
judges the text as it is, as TCVN3 and as VNI.

How a piece of text is decided (``LegacyText.convert``):
1. pieces of one paragraph (or one cell) in one font form a *segment*, judged together;
2. a segment holding a Vietnamese letter that no legacy byte can stand for (ư, ơ, đ,
   ệ …) is Unicode: nothing in it changes, whatever its font (a correctly written
   Unicode word is never changed);
3. in a legacy font, the font's encoding is used, unless the text reads clearly better
   as it is (Unicode after all) or in the other legacy encoding (a wrong font name);
4. in any other font (unknown, missing, or a Unicode font set over legacy text), the
   text is converted only when TCVN3 or VNI reads clearly better than the text as it is;
5. a segment too short to tell (one word that reads well either way, such as "Bé",
   which is "Bộ" in TCVN3) follows what the rest of the document's text in the same
   font turned out to be.
Words are scored with their case: a wrongly decoded byte often puts a capital inside a
word ("Cá và tôm" read as TCVN3 is "Cỏ vỔ tụm"), which real text never does.
So one file may mix TCVN3 and VNI runs, in named fonts or not. In a Unicode segment,
words that still read as TCVN3 or VNI (legacy text pasted into Unicode text, then all set
in one font) are converted one by one (``repair_words``), when enough of them do.

A VNI letter split across two runs of one segment (base letter in one run, its mark
at the start of the next, because the two were formatted differently) is joined.
Text recognised as TCVN3 only by its score cannot be known to be drawn in capitals
(that needs an ``H`` font name), so it stays as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from . import legacy
from .encodings import MIN_CONFIDENCE, MIN_LEAD, is_vietnamese_syllable, legacy_font_kind, vietnamese_score

__all__ = ["NO_FONT", "LegacyText", "decode_as", "has_unicode_letters", "judge", "reads_as_legacy", "repair_words"]

KINDS = ("tcvn3", "vni")
NO_FONT = "(no font)"  # how text without any font is counted


def decode_as(text: str, kind: str) -> str:
    """Legacy surface text -> NFC Unicode for one kind ("tcvn3", "tcvn3-caps", "vni")."""
    if kind == "vni":
        return legacy.decode_vni(text)
    converted = legacy.decode_tcvn3(text)
    return converted.upper() if kind == "tcvn3-caps" else converted


def has_unicode_letters(text: str) -> bool:
    """True if the text holds a letter or mark no legacy byte can stand for (ư ơ đ ệ …)."""
    for char in text:
        if ord(char) > 0xFF and (char.isalpha() or unicodedata.combining(char)):
            if legacy.surface_to_bytes(char) is None:  # CP1252's Œ š ž … are surface
                return True
    return False


def _score(text: str) -> float:
    return vietnamese_score(text, case=True)


def _scores(text: str) -> dict[str, float]:
    return {"": _score(text), "tcvn3": _score(legacy.decode_tcvn3(text)), "vni": _score(legacy.decode_vni(text))}


def judge(text: str, prior: str | None) -> str | None:
    """The encoding a text in a font of kind ``prior`` is in: "tcvn3", "vni", "" (Unicode),
    or None when the text cannot tell (and ``prior`` is None)."""
    base = (prior or "").removesuffix("-caps")
    if not any(ord(c) > 0x7F for c in text) or has_unicode_letters(text):
        # ASCII reads the same in every encoding (but an H font still draws capitals);
        # a letter beyond one byte is Unicode.
        return base if text.isascii() else ""
    if base and _score(decode_as(text, base)) > 1 - MIN_LEAD:
        return base  # nothing can read clearly better than this: spare the other scores
    scores = _scores(text)

    def clearly(kind: str, over: str) -> bool:
        return scores[kind] >= scores[over] + MIN_LEAD

    if base:
        other = "vni" if base == "tcvn3" else "tcvn3"
        if scores[other] >= MIN_CONFIDENCE and clearly(other, base) and clearly(other, ""):
            return other  # a wrong font name
        return "" if clearly("", base) else base  # Unicode typed in a legacy font, or legacy
    decoded = {kind: decode_as(text, kind) for kind in KINDS}
    distinct = [kind for kind in KINDS if decoded[kind] != text]  # a decoding that changes nothing is no evidence
    if not distinct:
        return ""
    best = max(distinct, key=lambda kind: scores[kind])
    rivals = [kind for kind in distinct if decoded[kind] != decoded[best]]
    if scores[best] >= MIN_CONFIDENCE and clearly(best, "") and all(clearly(best, kind) for kind in rivals):
        return best
    return "" if all(clearly("", kind) for kind in distinct) else None


def reads_as_legacy(text: str) -> tuple[str, str, str] | None:
    """(kind, excerpt, decoded excerpt) when Unicode text still reads as undecoded TCVN3 or
    VNI (mojibake, such as "Bé Tµi chÝnh"), else None.

    Words holding a letter beyond one byte are correct Unicode and are left out. Of the
    rest, at least two must be non-ASCII and longer than one letter, a third of those must be no Vietnamese syllable
    as they are and become one when decoded, and the decoded text must score clearly
    better than the text as it is.
    """
    words = [w for w in text.split() if not has_unicode_letters(w)]
    # One-letter words prove nothing (a lone "Ð" is a look-alike of Đ, not TCVN3 "é").
    candidates = [w for w in words if not w.isascii() and len(_letters(w)) > 1]
    if len(candidates) < 2:
        return None
    kind = judge(" ".join(words), None)
    if not kind:
        return None
    fixed = [
        word
        for word in candidates
        if not is_vietnamese_syllable(_letters(word))
        and is_vietnamese_syllable(_letters(decode_as(word, kind)))
    ]
    if not fixed or 3 * len(fixed) < len(candidates):
        return None
    start = text.index(candidates[0])
    last = candidates[-1]
    end = text.rindex(last) + len(last) if last in text[start:] else -1
    excerpt = text[start:end] if 0 < end - start <= 60 else fixed[0]
    return kind, excerpt, decode_as(excerpt, kind)


_TOKEN = re.compile(r"(\S+)")
_CLAUSE_END = set(",.;:!?…)]”\"")


def repair_words(text: str) -> tuple[str, str | None]:
    """Text with the words that still read as TCVN3 or VNI converted, and which encoding
    (None when nothing was changed).

    Only when ``reads_as_legacy`` finds mojibake in the text. Words holding a Unicode-only
    letter (ư ơ đ ệ …) are correct and cut the text into stretches; in a stretch where a
    word is no syllable as it is but becomes one decoded, every word that decodes to a
    well-formed syllable is converted ("côc" is a syllable, but beside "tæng" it is the
    TCVN3 for "cục"); stretches without such a word are left alone. Punctuation that ends
    a clause ends a stretch too.
    """
    found = reads_as_legacy(text)
    if not found:
        return text, None
    kind = found[0]
    tokens = _TOKEN.split(text)  # words at odd positions, the spaces between at even ones
    stretch: list[int] = []

    def finish() -> None:
        decoded = {i: decode_as(tokens[i], kind) for i in stretch if not tokens[i].isascii()}
        good = {i for i, word in decoded.items() if _plausible(word) and word != tokens[i]}
        if any(not _plausible(tokens[i]) for i in good):
            for i in good:
                tokens[i] = decoded[i]
        stretch.clear()

    for i in range(1, len(tokens), 2):
        if has_unicode_letters(tokens[i]):
            finish()
        else:
            stretch.append(i)
            if tokens[i][-1] in _CLAUSE_END:  # each clause must show its own mojibake
                finish()
    finish()
    repaired = unicodedata.normalize("NFC", "".join(tokens))
    return repaired, kind if repaired != text else None


def _decode_words(text: str, kind: str, cut_before: bool = False, cut_after: bool = False) -> str:
    """Decode a segment's piece word by word, keeping a word that reads well as it is and
    decodes to nothing plausible ("Ngoài" typed in Unicode before pasted TCVN3 would
    become "NgoỔi"). A word cut by the piece's start or end is always decoded."""
    tokens = _TOKEN.split(text)
    last = len(tokens) - 2
    for i in range(1, len(tokens), 2):
        word = tokens[i]
        decoded = decode_as(word, kind)
        cut = (i == 1 and cut_before and not tokens[0]) or (i == last and cut_after and not tokens[-1])
        if cut or word.isascii() or _plausible(decoded) or not _plausible(word):
            tokens[i] = decoded
    return unicodedata.normalize("NFC", "".join(tokens))


def _joined(before: str, after: str) -> bool:
    """True when two adjacent pieces cut one word (no space between them)."""
    return bool(before) and bool(after) and not before[-1].isspace() and not after[0].isspace()


def _plausible(word: str) -> bool:
    """A well-formed syllable in a normal case (lower, capitalised or all capitals)."""
    letters = _letters(word)
    return bool(letters) and is_vietnamese_syllable(letters) and (
        letters.islower() or letters.isupper() or (letters[0].isupper() and letters[1:].islower()))


def _letters(word: str) -> str:
    return "".join(c for c in word if c.isalpha() or unicodedata.combining(c))


@dataclass
class _Piece:
    text: str
    font: str | None
    group: object


@dataclass
class LegacyText:
    """Collects pieces of text with their fonts, then converts them all at once.

    ``add`` returns the piece's index; ``convert`` returns each piece's text, in Unicode.
    ``converted`` counts the pieces converted per font name, ``detected`` maps the fonts
    whose text was recognised by its score rather than by the name to the encodings found.
    """

    pieces: list[_Piece] = field(default_factory=list)
    converted: Counter = field(default_factory=Counter)
    detected: dict[str, set[str]] = field(default_factory=dict)

    def add(self, text: str, font: str | None, group: object) -> int:
        self.pieces.append(_Piece(text, font, group))
        return len(self.pieces) - 1

    def _segments(self) -> list[list[int]]:
        segments: list[list[int]] = []
        for index, piece in enumerate(self.pieces):
            previous = self.pieces[index - 1] if segments else None
            if previous is not None and (previous.group, previous.font) == (piece.group, piece.font):
                segments[-1].append(index)
            else:
                segments.append([index])
        return segments

    def convert(self) -> list[str]:
        segments = self._segments()
        verdicts: list[str | None] = []
        for segment in segments:
            font = self.pieces[segment[0]].font
            text = "".join(self.pieces[i].text for i in segment)
            verdicts.append(judge(text, legacy_font_kind(font)))
        by_font = self._font_verdicts(segments, verdicts)
        out = [unicodedata.normalize("NFC", piece.text) for piece in self.pieces]
        for segment, verdict in zip(segments, verdicts):
            font = self.pieces[segment[0]].font
            if verdict is None:
                verdict = by_font.get(font, "")
            if not verdict:
                for i in segment:  # Unicode, but legacy text may have been pasted into it
                    out[i], kind = repair_words(out[i])
                    if kind:
                        self.converted[font or NO_FONT] += 1
                        self.detected.setdefault(font or NO_FONT, set()).add(kind)
                continue
            kind = legacy_font_kind(font)
            if verdict == "tcvn3" and kind == "tcvn3-caps":
                verdict = kind
            if (kind or "").removesuffix("-caps") != verdict.removesuffix("-caps"):
                self.detected.setdefault(font or NO_FONT, set()).add(verdict.removesuffix("-caps"))
            texts = [self.pieces[i].text for i in segment]
            if verdict == "vni":
                texts = _join_split_marks(texts)
            for n, (i, text) in enumerate(zip(segment, texts)):
                # A word cut by a run boundary is judged by its whole, not by its halves.
                cut_before = n > 0 and _joined(texts[n - 1], text)
                cut_after = n + 1 < len(texts) and _joined(text, texts[n + 1])
                out[i] = _decode_words(text, verdict, cut_before, cut_after)
                if out[i] != self.pieces[i].text:
                    self.converted[font or NO_FONT] += 1
        return out

    def _font_verdicts(self, segments: list[list[int]], verdicts: list[str | None]) -> dict:
        """For each font with undecided segments: what all its other legacy-looking text is."""
        undecided = {self.pieces[s[0]].font for s, v in zip(segments, verdicts) if v is None}
        found: dict[str | None, str] = {}
        for font in undecided:
            text = " ".join(
                self.pieces[i].text
                for segment, verdict in zip(segments, verdicts)
                if self.pieces[segment[0]].font == font and verdict != ""
                for i in segment
            )
            found[font] = judge(text, legacy_font_kind(font)) or ""
        return found


def _join_split_marks(texts: list[str]) -> list[str]:
    """Move a VNI mark that starts a piece onto the base letter ending the piece before."""
    texts = list(texts)
    for i in range(1, len(texts)):
        if texts[i] and texts[i - 1] and legacy.is_vni_pair(texts[i - 1][-1] + texts[i][0]):
            texts[i - 1] += texts[i][0]
            texts[i] = texts[i][1:]
    return texts
