"""Tests for publisher.normalize.text: NFC, đ look-alikes, invisible characters."""

from __future__ import annotations

import unicodedata

import pytest

from publisher.normalize.text import fix_lookalikes, nfc, strip_invisibles


def test_nfc() -> None:
    assert nfc(unicodedata.normalize("NFD", "Nguyễn Đức Thắng")) == "Nguyễn Đức Thắng"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u00d0ại học", "Đại học"),
        ("\u00f0i", "đi"),
        ("\u0189\u0256", "Đđ"),
        ("d\u0335i D\u0336ÀI", "đi ĐÀI"),
        ("Đại đi", "Đại đi"),  # already right
        ("Dd", "Dd"),  # plain d is not touched
    ],
)
def test_fix_lookalikes(text: str, expected: str) -> None:
    assert fix_lookalikes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Việt\u200bNam", "ViệtNam"),
        ("Bách\u00adkhoa", "Báchkhoa"),
        ("\ufeffĐầu\ufeff", "Đầu"),
        ("a\u200cb\u200dc", "abc"),
        ("12\u00a0km", "12\u00a0km"),  # no-break space kept
        ("a\u2060b", "a\u2060b"),  # word joiner kept
        ("\U0001f468\u200d\U0001f469", "\U0001f468\u200d\U0001f469"),  # emoji sequence kept
    ],
)
def test_strip_invisibles(text: str, expected: str) -> None:
    assert strip_invisibles(text) == expected
