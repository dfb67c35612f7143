"""Tests for publisher.normalize.tones: old/new tone placement on oa, oe, uy."""

from __future__ import annotations

import pytest

from publisher.normalize.tones import apply_tone_style, detect_tone_styles

# (old, new): open syllables ending in oa, oe, uy.
PAIRS = [
    ("hòa", "hoà"), ("hóa", "hoá"), ("họa", "hoạ"), ("hỏa", "hoả"), ("tòa", "toà"), ("tỏa", "toả"),
    ("thỏa", "thoả"), ("lòa", "loà"), ("lõa", "loã"), ("xóa", "xoá"), ("khóa", "khoá"), ("góa", "goá"),
    ("đóa", "đoá"), ("ngõa", "ngoã"), ("ngọa", "ngoạ"), ("nhòa", "nhoà"), ("òa", "oà"), ("chòa", "choà"),
    ("khỏe", "khoẻ"), ("xòe", "xoè"), ("lòe", "loè"), ("nhòe", "nhoè"), ("hòe", "hoè"), ("tròe", "troè"),
    ("chóe", "choé"), ("xõe", "xoẽ"), ("thủy", "thuỷ"), ("tụy", "tuỵ"), ("lũy", "luỹ"), ("lụy", "luỵ"),
    ("hủy", "huỷ"), ("thùy", "thuỳ"), ("túy", "tuý"), ("ngụy", "nguỵ"), ("ủy", "uỷ"), ("khủy", "khuỷ"),
    ("xúy", "xuý"), ("trụy", "truỵ"), ("nhụy", "nhuỵ"), ("Thủy", "Thuỷ"), ("Hòa", "Hoà"), ("HÒA", "HOÀ"),
    ("KHỎE", "KHOẺ"), ("THỦY", "THUỶ"), ("Khỏe", "Khoẻ"), ("ĐÓA", "ĐOÁ"), ("Ủy", "Uỷ"), ("ỦY", "UỶ"),
]  # fmt: skip

# Spelled the same in both styles.
UNCHANGED = (
    "hoàn hoạt toàn đoạn khoảng quyết thuyền huỳnh quả quý quỳ giữa quỹ quà quạ quyển quýt "
    "hoài ngoài toại khoái loay hoáy ngoáy khuya khuỷu hoằng hoặc ngoặc xoắn thoắt khoẻo ngoẹo "
    "thuế huệ tuệ quế của mùa lúa rùa múa "
    "hoa khoe thuy tuy uy toa hòan khoăn loạn hoạn toán xoáy hoạch khuếch tuyết chuyện nguyễn "
    "giỏi giữ già giáo giày "
    "Hoàn HOÀN Quý QUỲ GIỮA"
).split()


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_old_and_new(old: str, new: str) -> None:
    assert apply_tone_style(new, "old") == old
    assert apply_tone_style(old, "new") == new
    assert apply_tone_style(old, "old") == old
    assert apply_tone_style(new, "new") == new
    assert apply_tone_style(old, "keep") == old and apply_tone_style(new, "keep") == new


@pytest.mark.parametrize("word", UNCHANGED)
@pytest.mark.parametrize("style", ["old", "new"])
def test_never_changes(word: str, style: str) -> None:
    assert apply_tone_style(word, style) == word


def test_word_list_is_large_enough() -> None:
    assert len(PAIRS) * 2 + len(UNCHANGED) >= 100


def test_in_sentence() -> None:
    text = "Hoà bình, khoẻ mạnh; thuỷ thủ quý hoàn toàn. Uỷ ban HOÀ giải."
    assert apply_tone_style(text, "old") == "Hòa bình, khỏe mạnh; thủy thủ quý hoàn toàn. Ủy ban HÒA giải."
    assert apply_tone_style(apply_tone_style(text, "old"), "new") == text


def test_nfd_input() -> None:
    import unicodedata

    assert apply_tone_style(unicodedata.normalize("NFD", "hoà"), "old") == "hòa"


@pytest.mark.parametrize(
    ("text", "styles"),
    [
        ("hòa bình và khỏe mạnh", {"old"}),
        ("hoà bình và khoẻ mạnh", {"new"}),
        ("hòa bình và khoẻ mạnh", {"old", "new"}),
        ("hoàn toàn quý giữa hoa", set()),
    ],
)
def test_detect(text: str, styles: set[str]) -> None:
    assert detect_tone_styles(text) == styles


def test_unknown_style() -> None:
    with pytest.raises(ValueError):
        apply_tone_style("hòa", "modern")
