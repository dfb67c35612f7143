"""The normaliser's shortcuts change nothing: each step against its rules applied in full,
and the text aligner against difflib."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.normalize import NormalizeOptions, _normalize_nodes, normalize_html
from publisher.normalize import text as character_steps
from publisher.normalize import tones
from publisher.normalize import typography as t
from publisher.normalize.align import opcodes

# Rich in what the shortcuts look for: URLs, addresses, dots, hyphens, colons, quotes,
# numbers, units, labels, titles, look-alike letters.
_PIECES = list("aăbcdđeghiklmnoôơpqrstuưvxyàáạờớủ ĐÐðɖƉ\"'“‘.,;:!?-–…()0123456789IVXC %\u00a0\u0335\u0336\t\n") + [
    "  ", "...", "....", "--", "---", " - ", " -- ", "http://a.vn/x.", "https://b.vn", "www.c.vn", "mailto:d@e.vn",
    "f@g.vn", "@", "://", "hòa", "hoà", "Thuỷ", "thủy", "khoẻ", "quý", "của", "o\u0300a", "x1oa", "hoa2", "uy_", "12 km", "3 triệu đồng", "tỷ USD", "Điều 5", "Chương IV", "Phần C", "Mục L", "Tập XLC", "ngày 20 tháng 10 năm 2021",
    "GS.TS ", "PGS. ", "Th.S Lan", "ThS ", "TS Nam", "kết thúc.Sau", "Tp.HCM", "v.v.", " .", " ,", ":x", "x:y", "nói,“",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _outside(fn, text: str) -> str:
    out, last = [], 0
    for start, end in t._protected_spans(text):
        out += [fn(text[last:start]), text[start:end]]
        last = end
    out.append(fn(text[last:]))
    return "".join(out)


def _spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in t._PROTECTED.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in t._TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def full_ellipsis(text: str) -> str:
    return _outside(lambda s: t._ELLIPSIS.sub("…", s), text)


def full_dashes(text: str) -> str:
    def rules(s: str) -> str:
        s = t._SPACED_HYPHEN.sub(" – ", s)
        s = t._WORD_DOUBLE_HYPHEN.sub(" – ", s)
        return t._DIGIT_DOUBLE_HYPHEN.sub("–", s)

    return _outside(rules, text)


def full_spacing(text: str) -> str:
    def rules(s: str) -> str:
        s = t._SPACE_BEFORE.sub("", s)
        s = t._NO_SPACE_AFTER.sub(r"\1 ", s)
        s = t._COLON_LETTER.sub(": ", s)
        s = t._BEFORE_QUOTE.sub(r"\1 ", s)
        s = t._DOT_LETTER.sub(t._sentence_dot, s)
        return t._MULTI_SPACE.sub(" ", s)

    return _outside(rules, text)


def full_nbsp(text: str) -> str:
    def rules(s: str) -> str:
        s = t._NUMBER_UNIT.sub(rf"\1{t.NBSP}", s)
        s = t._MAGNITUDE_CURRENCY.sub(rf"\1{t.NBSP}", s)
        s = t._LABEL_NUMBER.sub(rf"\1{t.NBSP}", s)
        return t._TITLE_NAME.sub(t._title_space, s)

    return _outside(rules, text)


def full_tone_style(text: str, style: str) -> str:
    import unicodedata

    return tones._CANDIDATE.sub(lambda m: tones._restyle(m, style), unicodedata.normalize("NFC", text))


def full_lookalikes(text: str) -> str:
    text = character_steps._STROKED_D.sub(lambda m: "\u0110" if m.group(1) == "D" else "\u0111", text)
    return text.translate(character_steps._LOOKALIKES)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(texts)
def test_each_step_equals_its_rules_in_full(text: str) -> None:
    assert t._protected_spans(text) == _spans(text)
    assert t.ellipsis(text) == full_ellipsis(text)
    assert t.dashes(text) == full_dashes(text)
    assert t.punctuation_spacing(text) == full_spacing(text)
    assert t.nbsp(text) == full_nbsp(text)
    assert character_steps.fix_lookalikes(text) == full_lookalikes(text)
    for style in ("old", "new"):
        assert tones.apply_tone_style(text, style) == full_tone_style(text, style)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_each_step_equals_its_rules_in_full_on_any_text(text: str) -> None:
    assert t.ellipsis(text) == full_ellipsis(text)
    assert t.dashes(text) == full_dashes(text)
    assert t.punctuation_spacing(text) == full_spacing(text)
    assert t.nbsp(text) == full_nbsp(text)
    assert character_steps.fix_lookalikes(text) == full_lookalikes(text)
    assert tones.apply_tone_style(text, "new") == full_tone_style(text, "new")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_fragment_without_markup_is_normalised_as_its_one_text_node(text: str) -> None:
    fragment = text.replace("<", "").replace("&", "")
    for options in (NormalizeOptions(), NormalizeOptions(tone_style="new", quotes=False)):
        assert normalize_html(fragment, options) == _normalize_nodes(fragment, options)


def _difflib(a: str, b: str) -> list:
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


@settings(max_examples=500, deadline=None)
@given(st.text("ab .", max_size=40), st.text("ab .…", max_size=40))
def test_alignment_is_difflibs_on_unrelated_texts(a: str, b: str) -> None:
    assert opcodes(a, b) == _difflib(a, b)


@settings(max_examples=500, deadline=None)
@given(st.text("abc .,", max_size=60), st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["", " ", "…", "a", "–"]),
                                                    st.integers(0, 3)), max_size=5))
def test_alignment_is_difflibs_on_edited_texts(a: str, edits) -> None:
    b = a
    for at, insert, cut in edits:  # what a normalising step does: small local changes
        at = min(at, len(b))
        b = b[:at] + insert + b[at + cut:]
    assert opcodes(a, b) == _difflib(a, b)


@pytest.mark.slow
def test_alignment_of_a_long_paragraph() -> None:
    a = "Trần Hưng Đạo nói: hòa bình... " * 80 + "kết thúc.Sau đó -- " * 40
    b = a.replace("...", "…").replace(".Sau", ". Sau").replace(" -- ", " – ")
    assert opcodes(a, b) == _difflib(a, b)
