"""Align a text with its normalised form: difflib's opcodes, found with fast substring searches.

``opcodes(a, b)`` equals ``SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``
exactly. Without junk, SequenceMatcher's building block, ``find_longest_match``, is
defined by its result alone: the longest common substring, the one that starts first in
``a``, and of those the one that starts first in ``b``. difflib finds it by dynamic
programming over every pair of equal characters, which is quadratic in Python; here it is
found with ``str`` searches in C, which is fast for a text and its normalised form (they
share long stretches). The rest of SequenceMatcher (recursion, merging) is reused as is.
"""

from __future__ import annotations

from difflib import Match, SequenceMatcher


class _Matcher(SequenceMatcher):
    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        within = b[blo:bhi]
        best_i, size = alo, 0
        i = alo
        while i + size < ahi:  # a longer match may still start at i
            if a[i:i + size + 1] in within:
                # The longest match starting at i: a[i:i+m] occurs for every m up to it.
                good, limit = size + 1, min(ahi - i, len(within))
                step = 1
                while good + step <= limit and a[i:i + good + step] in within:
                    good += step
                    step *= 2
                bad = min(good + step, limit + 1)
                while bad - good > 1:
                    middle = (good + bad) // 2
                    if a[i:i + middle] in within:
                        good = middle
                    else:
                        bad = middle
                best_i, size = i, good
            i += 1
        if not size:
            return Match(alo, blo, 0)
        return Match(best_i, blo + within.find(a[best_i:best_i + size]), size)


def opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """How to turn ``a`` into ``b``: difflib's (tag, i1, i2, j1, j2) list, without junk heuristics."""
    return _Matcher(None, a, b, autojunk=False).get_opcodes()
