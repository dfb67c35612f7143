"""All-caps headlines: recognise them, and write them in sentence case the way the article does.

News sites print headlines in capitals ("LỄ KỶ NIỆM 30 NĂM THÀNH LẬP CHI CỤC VĂN THƯ – LƯU
TRỮ"). Lower-casing such a title loses the capitals of names, and Vietnamese names are
several syllables whose words are also common words ("Văn" in "Nguyễn Văn An", "văn" in
"văn bản"), so a word list cannot decide. The article's own text can: the title's words are
matched, longest run first, against runs of words in the body, and each word takes the
case the body gives it *in the middle of a sentence* (a capital at the start of a sentence
says nothing). So "CHI CỤC VĂN THƯ – LƯU TRỮ" becomes "Chi cục Văn thư – Lưu trữ" when
the body writes it so. A word the body does not have is lower-cased, unless it is not a
Vietnamese syllable (UBND, HĐND, XV: acronyms and Roman numerals stay). The first word
gets a capital.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .names import is_syllable

MAX_RUN = 8  # words in one matched run
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;]['’\"”»)\]]*$")
_ROMAN = re.compile(r"^[IVXLCDM]+$")


def is_all_caps(text: str) -> bool:
    """True for a title in capitals: two words or more, every cased letter upper case."""
    words = [w for w in _TOKEN.findall(text) if any(c.isalpha() for c in w)]
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return len(words) >= 2 and len(letters) >= 6 and all(c.isupper() for c in letters)


def _body_words(paragraphs: list[str]) -> list[list[tuple[str, bool | None]]]:
    """Per paragraph: (word, capitalised or None at a sentence start)."""
    found = []
    for text in paragraphs:
        words: list[tuple[str, bool | None]] = []
        start = True
        for piece in text.split():
            for index, match in enumerate(_TOKEN.finditer(piece)):
                word = match.group(0)
                initial = start and index == 0
                words.append((word, None if initial else word[0].isupper()))
            if _TOKEN.search(piece):
                start = bool(_SENTENCE_END.search(piece))
        found.append(words)
    return found


def sentence_case(title: str, paragraphs: list[str]) -> str:
    """``title`` in sentence case, each word cased as ``paragraphs`` (the body) write it."""
    body = _body_words(paragraphs)
    runs: dict[tuple[str, ...], list[list[bool | None]]] = defaultdict(list)
    for words in body:
        folded = [w.casefold() for w, _ in words]
        for start in range(len(words)):
            for length in range(1, min(MAX_RUN, len(words) - start) + 1):
                runs[tuple(folded[start:start + length])].append([c for _, c in words[start:start + length]])
    tokens = list(_TOKEN.finditer(title))
    words = [m.group(0) for m in tokens]
    folded = [w.casefold() for w in words]
    cased: list[str] = []
    index = 0
    while index < len(words):
        length = next((n for n in range(min(MAX_RUN, len(words) - index), 0, -1)
                       if tuple(folded[index:index + n]) in runs), 0)
        if not length:
            cased.append(_alone(words[index]))
            index += 1
            continue
        occurrences = runs[tuple(folded[index:index + length])]
        for offset in range(length):
            votes = [o[offset] for o in occurrences if o[offset] is not None]
            word = words[index + offset]
            if votes:
                cased.append(_capital(word) if sum(votes) * 2 > len(votes) else word.lower())
            else:
                cased.append(_alone(word))
        index += length
    if cased:
        cased[0] = cased[0][0].upper() + cased[0][1:]
    out, last = [], 0
    for match, word in zip(tokens, cased):
        out.append(title[last:match.start()])
        out.append(word)
        last = match.end()
    out.append(title[last:])
    return "".join(out)


def _alone(word: str) -> str:
    """A word the body does not have: acronyms and Roman numerals stay, others lower-cased."""
    if _ROMAN.match(word) or not all(is_syllable(part) for part in re.split(r"[-'’]", word)):
        return word
    return word.lower()


def _capital(word: str) -> str:
    if not is_syllable(word) and word.isupper() and len(word) > 1:
        return word  # an acronym the body also writes in capitals
    return word[0].upper() + word[1:].lower()
