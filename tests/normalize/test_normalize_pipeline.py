"""Tests for publisher.normalize: the step registry, normalize_text, normalize_html, properties."""

from __future__ import annotations

import unicodedata
import xml.dom.minidom

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.normalize import STEPS, NormalizeOptions, normalize_html, normalize_text

NB = "\u00a0"


def test_registry_order_and_switches() -> None:
    assert list(STEPS) == [
        "nfc", "lookalikes", "invisibles", "tone_style", "ellipsis", "quotes", "dashes", "spacing", "nbsp",
    ]  # fmt: skip
    assert NormalizeOptions().tone_style == "old"
    with pytest.raises(ValueError):
        NormalizeOptions(tone_style="modern")


MESSY = 'Ðại học\u200b "Bách khoa" , 12 km -- hoà bình...'


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (NormalizeOptions(), f"Đại học “Bách khoa”, 12{NB}km – hòa bình…"),
        (NormalizeOptions(tone_style="new"), f"Đại học “Bách khoa”, 12{NB}km – hoà bình…"),
        (NormalizeOptions(tone_style="keep", quotes=False), f'Đại học "Bách khoa", 12{NB}km – hoà bình…'),
        (NormalizeOptions(lookalikes=False, invisibles=False, nbsp=False),
         "Ðại học\u200b “Bách khoa”, 12 km – hòa bình…"),
        (NormalizeOptions(ellipsis=False, dashes=False, spacing=False),
         f"Đại học “Bách khoa” , 12{NB}km -- hòa bình..."),
    ],
)  # fmt: skip
def test_normalize_text_switches(options: NormalizeOptions, expected: str) -> None:
    assert normalize_text(MESSY, options) == expected


def test_all_off_changes_nothing() -> None:
    off = NormalizeOptions(**{name: False for name in STEPS if name != "tone_style"}, tone_style="keep")
    assert normalize_text(MESSY, off) == MESSY


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<p>"<em>Hòa bình</em>" nhé</p>', "<p>“<em>Hòa bình</em>” nhé</p>"),
        ('Tôi nói,<strong>"xin</strong> chào"', "Tôi nói, <strong>“xin</strong> chào”"),
        ('<a href="http://x.vn/a--b?c=1&amp;d=&quot;2&quot;" title="a -- b ...">hoà -- bình</a>',
         '<a href="http://x.vn/a--b?c=1&amp;d=&quot;2&quot;" title="a -- b ...">hòa – bình</a>'),
        ('<p>A &amp; B &lt;tag&gt; "x"</p>', "<p>A &amp; B &lt;tag&gt; “x”</p>"),
        ('<p>mã <code>a -- b "x" ...</code> và <pre>y  ,  z</pre></p>',
         '<p>mã <code>a -- b "x" ...</code> và <pre>y  ,  z</pre></p>'),
        ("dòng một ...<br/>dòng hai", "dòng một …<br/>dòng hai"),
        ('công dân<sup><a class="noteref" href="#n1">1</a></sup> , ok',
         'công dân<sup><a class="noteref" href="#n1">1</a></sup>, ok'),
        ("12&#160;km và 5 km", f"12{NB}km và 5{NB}km"),
        ("<!-- \"ghi chú\" -- -->x", "<!-- \"ghi chú\" -- -->x"),
    ],
)  # fmt: skip
def test_normalize_html(fragment: str, expected: str) -> None:
    assert normalize_html(fragment) == expected


def test_normalize_html_stays_well_formed() -> None:
    fragment = '<p>"Tom &amp; Jerry" &lt; <em>hoà</em> -- <a href="u?a=1&amp;b=2">x</a><br/></p>'
    xml.dom.minidom.parseString(f"<div>{normalize_html(fragment)}</div>")


# --- properties -----------------------------------------------------------------------

VIETNAMESE_WORDS = (
    "người việt nam trường đại học bách khoa kỷ niệm sáu mươi năm thành lập thầy cô giáo sinh viên "
    "hòa bình khỏe mạnh thủy thủ quý giữa hoàn toàn thuyền huỳnh quyết đoạn khoảng nghiêng xoong"
).split()

# Pieces rather than characters, so the rules' triggers (dots, hyphens, quotes, units,
# titles, URLs, numbers, combining marks) meet each other often.
_PIECES = list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạềếệọộờớủứựỳ ĐÐ\"'.,;:!?-–…()0123456789 %\u200b\u00ad\u00a0\n") + [
    "...", "--", " - ", "http://a.vn/x", "a@b.vn", "TS. ", " km", "12 km", "6.452,7", "\u0300", "\u0323",
    "hoà", "khoẻ", "Thuỷ", "quý", "ngày 20 tháng 10", "Điều ",
]
vietnamese_text = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(vietnamese_text)
def test_idempotent_and_nfc(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_idempotent_on_any_text(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=12))
def test_clean_text_is_unchanged(words: list[str]) -> None:
    text = " ".join(words).capitalize() + "."
    assert normalize_text(text) == text


@settings(max_examples=200, deadline=None)
@given(vietnamese_text, vietnamese_text)
def test_html_idempotent(a: str, b: str) -> None:
    from html import escape

    fragment = f"<p>{escape(a, quote=False)}<em>{escape(b, quote=False)}</em></p>"
    once = normalize_html(fragment)
    assert normalize_html(once) == once
