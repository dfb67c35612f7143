"""Tests for publisher.collation: Vietnamese word and name order.

Every expected order below is written by hand from the Vietnamese alphabet and the tone
order (none, huyền, hỏi, ngã, sắc, nặng); none is produced by the function under test.
Each test shuffles its input so the expected order cannot come from the input order.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.collation import name_key, sort_names, word_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def by_word(words: list[str]) -> list[str]:
    shuffled = list(words)
    random.Random(1328).shuffle(shuffled)
    shuffled.reverse()  # make sure the input is never already sorted
    return sorted(shuffled, key=word_key)


def by_name(names: list[str], given_words: int = 1) -> list[str]:
    shuffled = list(names)
    random.Random(2024).shuffle(shuffled)
    shuffled.reverse()
    return sort_names(shuffled, given_words=given_words)


# --- word_key: letters and tones -------------------------------------------------------


def test_tones_sort_none_huyen_hoi_nga_sac_nang():
    assert by_word(["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"]) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]


def test_tone_order_is_the_same_on_every_vowel_with_a_modifier():
    assert by_word(["ậ", "ấ", "ẫ", "ẩ", "ầ", "â"]) == ["â", "ầ", "ẩ", "ẫ", "ấ", "ậ"]
    assert by_word(["ự", "ứ", "ữ", "ử", "ừ", "ư"]) == ["ư", "ừ", "ử", "ữ", "ứ", "ự"]


def test_letters_decide_before_tones():
    # a < ă < â whatever the tones: the tone only decides between equal letters.
    assert by_word(["Ăn", "Ấn", "An", "Ạn", "Ân", "Ằn"]) == ["An", "Ạn", "Ăn", "Ằn", "Ân", "Ấn"]
    assert by_word(["Hà", "Hai", "Ha"]) == ["Ha", "Hà", "Hai"]


def test_d_sorts_before_dj_and_dj_before_e():
    assert by_word(["Đức", "Dũng", "Em", "Đào", "Dương", "Duy"]) == [
        "Dũng",
        "Duy",
        "Dương",
        "Đào",
        "Đức",
        "Em",
    ]


def test_a_breve_circumflex():
    assert by_word(["Ân", "Ăn", "An", "Bắc"]) == ["An", "Ăn", "Ân", "Bắc"]
    assert by_word(["Tâm", "Tăng", "Tám", "Tam"]) == ["Tam", "Tám", "Tăng", "Tâm"]


def test_o_circumflex_horn_and_u_horn():
    assert by_word(["Ơn", "Ôn", "On", "Phong"]) == ["On", "Ôn", "Ơn", "Phong"]
    assert by_word(["Tơ", "Tô", "To", "Tố", "Tớ", "Tọ"]) == ["To", "Tọ", "Tô", "Tố", "Tơ", "Tớ"]
    assert by_word(["Tư", "Tú", "Tu", "Từ", "Tuấn"]) == ["Tu", "Tú", "Tuấn", "Tư", "Từ"]


def test_e_and_e_circumflex():
    assert by_word(["Ết", "Et", "Ép", "Êm", "Em"]) == ["Em", "Ép", "Et", "Êm", "Ết"]


def test_whole_alphabet_with_f_j_w_z_at_their_latin_places():
    letters = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
    assert by_word(letters) == letters


def test_syllable_by_syllable_not_tones_over_the_whole_string():
    # ICU would put "Hạ Long" first (its tones decide after all letters); dictionaries
    # compare Hà with Hạ first.
    assert by_word(["Hạ Long", "Hà Nam"]) == ["Hà Nam", "Hạ Long"]
    assert by_word(["Hà Tĩnh", "Hạ Long", "Hà Nam", "Hà Giang"]) == [
        "Hà Giang",
        "Hà Nam",
        "Hà Tĩnh",
        "Hạ Long",
    ]


def test_a_shorter_syllable_and_a_prefix_sort_first():
    assert by_word(["Hai", "Hà", "Ha Long", "Ha"]) == ["Ha", "Ha Long", "Hà", "Hai"]


def test_hyphens_and_punctuation_separate_syllables():
    assert word_key("Hà-Nam")[0] == word_key("Hà Nam")[0]
    assert by_word(["Hạ-Long", "Hà Nam"]) == ["Hà Nam", "Hạ-Long"]


def test_digits_before_letters_and_in_numeric_order():
    assert by_word(["Khóa A", "Khóa 10", "Khóa 2", "Khóa", "Khóa 1"]) == [
        "Khóa",
        "Khóa 1",
        "Khóa 2",
        "Khóa 10",
        "Khóa A",
    ]


def test_icelandic_eth_sorts_as_dj_but_stays_distinct():
    assert word_key("Ðức")[0] == word_key("Đức")[0]
    assert word_key("Ðức") != word_key("Đức")
    assert by_word(["Em", "Ðức", "Dũng"]) == ["Dũng", "Ðức", "Em"]


# --- word_key: finer levels and normalisation ----------------------------------------------


def test_case_is_a_tie_break_lower_before_upper():
    assert by_word(["HÀ", "Hà", "hà"]) == ["hà", "Hà", "HÀ"]
    # Case never outranks a letter or a tone in a later syllable.
    assert by_word(["hà Nam", "Hà Long", "HÀ LONG"]) == ["Hà Long", "HÀ LONG", "hà Nam"]
    assert by_word(["an", "Ân", "ăn", "An"]) == ["an", "An", "ăn", "Ân"]


def test_upper_and_lower_case_are_equal_at_the_letter_level():
    assert word_key("NGUYỄN ĐỨC")[0] == word_key("nguyễn đức")[0]
    assert word_key("NGUYỄN ĐỨC") != word_key("nguyễn đức")


def test_tone_placement_styles_are_equal_at_the_letter_and_tone_level():
    # hòa (old style) and hoà (new style) are one word; they must not split a list.
    assert word_key("Hòa")[0] == word_key("Hoà")[0]
    assert by_word(["Hoạ", "Hoà", "Hoa", "Hòa", "Hoá", "Hóa"]) == [
        "Hoa",
        "Hòa",
        "Hoà",
        "Hóa",
        "Hoá",
        "Hoạ",
    ]
    assert by_word(["Hoà Bình", "Hòa An"]) == ["Hòa An", "Hoà Bình"]


def test_nfd_input_gives_the_nfc_key():
    for text in ["Nguyễn Thị Ánh Tuyết", "Đặng Hữu Phước", "Hạ Long", "ỨNG", "khoẻ"]:
        assert nfd(text) != text
        assert word_key(nfd(text)) == word_key(text)
        assert name_key(nfd(text)) == name_key(text)


def test_nfd_and_nfc_sort_together():
    words = ["Hạ", nfd("Hà"), "Ha", nfd("Há")]
    assert [unicodedata.normalize("NFC", w) for w in by_word(words)] == ["Ha", "Hà", "Há", "Hạ"]


def test_only_identical_texts_have_equal_keys():
    assert word_key("Hà Nam") == word_key("Hà Nam")
    assert word_key("Hà Nam") != word_key("Hà  Nam")
    assert word_key("Khóa 2") != word_key("Khóa 02")
    assert word_key("") == word_key("")


# --- names -------------------------------------------------------------------------------


def test_names_sort_by_given_name_first():
    assert by_name(["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị Cúc"]) == [
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Lê Thị Cúc",
    ]


def test_same_given_name_then_middle_name():
    assert by_name(["Nguyễn Văn An", "Nguyễn Thị An", "Nguyễn An"]) == [
        "Nguyễn An",
        "Nguyễn Thị An",
        "Nguyễn Văn An",
    ]


def test_same_given_and_middle_name_then_family_name():
    assert by_name(["Trần Văn An", "Lê Văn An", "Nguyễn Văn An", "Đỗ Văn An", "Dương Văn An"]) == [
        "Dương Văn An",
        "Đỗ Văn An",
        "Lê Văn An",
        "Nguyễn Văn An",
        "Trần Văn An",
    ]


def test_middle_name_outranks_family_name():
    assert by_name(["Đỗ Thị An", "Trần Bảo An"]) == ["Trần Bảo An", "Đỗ Thị An"]


def test_given_names_d_dj_and_tones():
    assert by_name(["Lê Đức", "Trần Dũng", "Phạm Dung", "Hồ Dụng", "Ngô Duy"]) == [
        "Phạm Dung",
        "Trần Dũng",
        "Hồ Dụng",
        "Ngô Duy",
        "Lê Đức",
    ]


def test_given_names_that_differ_only_in_tone():
    names = ["Trần Thị Hạ", "Lê Thị Há", "Phạm Thị Hã", "Võ Thị Hả", "Đỗ Thị Hà", "Mai Thị Ha"]
    assert by_name(names) == [
        "Mai Thị Ha",
        "Đỗ Thị Hà",
        "Võ Thị Hả",
        "Phạm Thị Hã",
        "Lê Thị Há",
        "Trần Thị Hạ",
    ]


def test_given_names_with_modified_vowels():
    names = ["Lê Văn Ơn", "Trần Ôn", "Phạm On", "Lê Ưng", "Võ Ung", "Mai Ân", "Hồ Ăn", "Đỗ An"]
    assert by_name(names) == [
        "Đỗ An",
        "Hồ Ăn",
        "Mai Ân",
        "Phạm On",
        "Trần Ôn",
        "Lê Văn Ơn",
        "Võ Ung",
        "Lê Ưng",
    ]


def test_two_word_given_names():
    names = ["Phạm Thị Minh Khai", "Lê Văn Minh Khoa", "Trần Bảo Anh", "Ngô Thanh Bình"]
    assert by_name(names, given_words=2) == [
        "Trần Bảo Anh",
        "Phạm Thị Minh Khai",
        "Lê Văn Minh Khoa",
        "Ngô Thanh Bình",
    ]
    # With the default (one given word) the same list sorts by the last word only.
    assert by_name(names) == [
        "Trần Bảo Anh",
        "Ngô Thanh Bình",
        "Phạm Thị Minh Khai",
        "Lê Văn Minh Khoa",
    ]


def test_case_of_a_name_is_only_a_tie_break():
    assert by_name(["NGUYỄN VĂN AN", "nguyễn văn an", "Nguyễn Văn An", "Lê Văn Bình"]) == [
        "nguyễn văn an",
        "Nguyễn Văn An",
        "NGUYỄN VĂN AN",
        "Lê Văn Bình",
    ]
    # Upper-case family name does not outrank a lower-case letter elsewhere.
    assert by_name(["TRẦN An", "Lê an"]) == ["Lê an", "TRẦN An"]


def test_single_word_and_empty_names():
    assert by_name(["Trần An", "Bình", "An", ""]) == ["", "An", "Trần An", "Bình"]


def test_sort_names_returns_the_strings_unchanged():
    names = [nfd("Trần Đức"), "Lê An"]
    assert sort_names(names) == ["Lê An", nfd("Trần Đức")]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "1", True])
def test_given_words_must_be_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="given_words"):
        name_key("Nguyễn Văn An", given_words=bad)


# --- properties ----------------------------------------------------------------------------

BASE_LETTERS = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


@st.composite
def syllables(draw, mixed_case=True, digits=True):
    """A syllable of Vietnamese-alphabet letters with at most one tone, on its first letter."""
    alphabet = BASE_LETTERS + (list("0123456789") if digits else [])
    chars = draw(st.lists(st.sampled_from(alphabet), min_size=1, max_size=4))
    if mixed_case:
        chars = [c.upper() if draw(st.booleans()) else c for c in chars]
    tone = draw(st.sampled_from(TONE_MARKS))
    return unicodedata.normalize("NFC", chars[0] + tone + "".join(chars[1:]))


@st.composite
def vietnamese_texts(draw):
    """Words of random syllables, sometimes decomposed, with spaces or hyphens between."""
    parts = draw(st.lists(syllables(), min_size=0, max_size=3))
    seps = draw(
        st.lists(st.sampled_from([" ", "-", "  "]), min_size=len(parts), max_size=len(parts))
    )
    text = "".join(p + s for p, s in zip(parts, seps)).rstrip()
    return nfd(text) if draw(st.booleans()) else text


def same(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


@pytest.mark.slow
@settings(max_examples=400)
@given(vietnamese_texts(), vietnamese_texts(), vietnamese_texts())
def test_word_key_is_a_total_order(a, b, c):
    ka, kb, kc = word_key(a), word_key(b), word_key(c)
    # Comparable (no TypeError between mixed keys), total and consistent with equality.
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    assert (ka == kb) == same(a, b)
    # Antisymmetric.
    if ka <= kb and kb <= ka:
        assert same(a, b)
    # Transitive.
    if ka <= kb and kb <= kc:
        assert ka <= kc
    if ka < kb and kb < kc:
        assert ka < kc


@pytest.mark.slow
@settings(max_examples=200)
@given(st.lists(vietnamese_texts(), min_size=2, max_size=3).map(" ".join), st.integers(1, 3))
def test_name_key_is_a_total_order(full_name, given_words):
    other = full_name.upper()
    k1, k2 = name_key(full_name, given_words), name_key(other, given_words)
    assert (k1 == k2) == same(full_name, other)
    assert (k1 < k2) + (k1 == k2) + (k1 > k2) == 1


@given(vietnamese_texts())
def test_word_key_ignores_normalisation_form(text):
    assert word_key(nfd(text)) == word_key(unicodedata.normalize("NFC", text))


# --- cross-check with ICU, where PyICU is installed ----------------------------------------


@pytest.fixture(scope="module")
def icu_vi():
    # ImportError too: a PyICU built against a since-removed libicu fails to load.
    icu = pytest.importorskip("icu", exc_type=ImportError)
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return collator


def test_icu_compares_tones_over_the_whole_string(icu_vi):
    # The reason this module builds its key per syllable.
    assert sorted(["Hà Nam", "Hạ Long"], key=icu_vi.getSortKey) == ["Hạ Long", "Hà Nam"]


@settings(max_examples=300, deadline=None)
@given(st.lists(syllables(), min_size=2, max_size=12))
def test_single_syllables_agree_with_icu(icu_vi, words):
    # One syllable, tone on its first letter: ICU's letter, tone and case levels line up
    # with ours, so every pair ICU orders strictly must come out the same way here.
    for a in words:
        for b in words:
            if icu_vi.getSortKey(a) < icu_vi.getSortKey(b):
                assert word_key(a) < word_key(b), (a, b)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(syllables(mixed_case=False), min_size=1, max_size=3), min_size=2, max_size=8)
)
def test_lower_case_phrases_agree_with_icu_per_syllable(icu_vi, phrases):
    # ICU used per syllable (a list of its sort keys) is the dictionary order.
    def icu_key(syls):
        return [icu_vi.getSortKey(s) for s in syls]

    for a in phrases:
        for b in phrases:
            if icu_key(a) < icu_key(b):
                assert word_key(" ".join(a)) < word_key(" ".join(b)), (a, b)
