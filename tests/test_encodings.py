"""Tests for publisher.encodings and publisher.legacy: detection, legacy tables, DOCX runs.

Fixtures are generated from known Unicode text by encoders, so every one of the 134
Vietnamese letters is checked. The TCVN3 table is also checked against glibc iconv
(TCVN5712-1), and VNI against an encoder written here independently of the table.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from publisher import legacy
from publisher.encodings import (
    Decoded,
    convert_legacy_run,
    decode_bytes,
    is_vietnamese_syllable,
    legacy_font_kind,
    vietnamese_score,
)
from publisher.errors import ManuscriptError

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
VOWELS = "aăâeêioôơuưy"
LOWER = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} - set("aeiouy") | {"đ"})
UPPER = [c.upper() for c in LOWER]
SAMPLE = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam\n"
    "Độc lập – Tự do – Hạnh phúc\n"
    "“Trường Đại học Bách khoa” kỷ niệm sáu mươi năm thành lập, người thầy khỏe mạnh.\n"
)


def test_letter_inventory_is_134() -> None:
    assert len(LOWER) == 67 and len(set(LOWER + UPPER)) == 134


# --- encoders used to make fixtures ----------------------------------------------


def encode_cp1258(text: str) -> bytes:
    """Unicode -> Windows-1258: precomposed where the code page has it, else base + tone."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in parts if c in "".join(TONES))
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
            out += (base + tone).encode("cp1258")
    return bytes(out)


# VNI written out by hand from the VNI-Windows layout, independently of legacy.py.
_VNI_TONE = {"": "", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0301": "ù", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0301": "á", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0301": "é", "\u0323": "ë"}
_VNI_I = {"\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0301": "í", "\u0323": "ò"}


def encode_vni_independent(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        upper = char.isupper()
        low = char.lower()
        parts = unicodedata.normalize("NFD", low)
        tone = next((c for c in parts if c in _VNI_TONE and c), "")
        base = parts[0]
        if low == "đ":
            code = "ñ"
        elif low == "ỵ":  # a single character in the published table, like the i family
            code = "î"
        elif base == "i" and tone:
            code = _VNI_I[tone]
        elif "\u031b" in parts:  # horn: ơ ư are single characters, tone mark follows
            code = {"o": "ô", "u": "ö"}[base] + _VNI_TONE[tone]
        elif "\u0302" in parts:
            code = base + _VNI_CIRCUMFLEX[tone]
        elif "\u0306" in parts:
            code = base + _VNI_BREVE[tone]
        elif base in "aeiouy" and tone:
            code = base + _VNI_TONE[tone]
        else:
            code = low
        out.append(code.upper() if upper else code)
    return "".join(out)


# --- tables -------------------------------------------------------------------------


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trip_every_letter(letter: str) -> None:
    surface = encode_vni_independent(letter)
    assert legacy.encode_vni(letter) == surface
    assert legacy.decode_vni(surface) == letter


@pytest.mark.parametrize("letter", LOWER + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
def test_tcvn3_round_trip_letters_it_has(letter: str) -> None:
    assert legacy.decode_tcvn3(legacy.encode_tcvn3(letter)) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capitals_through_h_font(letter: str) -> None:
    typed = legacy.encode_tcvn3(letter.lower())  # headings were typed in lower case
    assert convert_legacy_run(typed, ".VnTimeH") == letter


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_agrees_with_glibc_iconv() -> None:
    for byte in range(0xA0, 0x100):
        result = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True, check=True
        )
        expected = unicodedata.normalize("NFC", result.stdout.decode())
        assert legacy.decode_tcvn3(legacy.bytes_to_surface(bytes([byte]))) == expected, hex(byte)


@pytest.mark.parametrize(
    ("surface", "expected", "decode"),
    [
        ("B¶o Th¾ng", "Bảo Thắng", legacy.decode_tcvn3),
        ("nhµ n\u00adíc, Th«ng t\u00ad", "nhà nước, Thông tư", legacy.decode_tcvn3),
        ("\u201cB¶o\u201d \u2013 ®i", "\u201cBảo\u201d \u2013 đi", legacy.decode_tcvn3),  # CP1252 punctuation kept
        ("Vieät Nam", "Việt Nam", legacy.decode_vni),
        ("ngöôøi ñi", "người đi", legacy.decode_vni),
        ("Ñaø Naüng, saün coù", "Đà Nẵng, sẵn có", legacy.decode_vni),
        ("cheát vì Chi phí", "chết vì Chi phí", legacy.decode_vni),
        ("AÙnh Aùnh", "Ánh Ánh", legacy.decode_vni),  # mark in either case
        ("ÑAÏI HOÏC", "ĐẠI HỌC", legacy.decode_vni),
    ],
)
def test_known_legacy_strings(surface: str, expected: str, decode) -> None:  # noqa: ANN001
    assert decode(surface) == expected


def test_surface_bytes_round_trip_all_bytes() -> None:
    data = bytes(range(256))
    assert legacy.surface_to_bytes(legacy.bytes_to_surface(data)) == data
    assert legacy.surface_to_bytes("ệ") is None


# --- decode_bytes -------------------------------------------------------------------


def _tcvn3_bytes(text: str) -> bytes:
    return legacy.surface_to_bytes(legacy.encode_tcvn3(text))


def _vni_bytes(text: str) -> bytes:
    return legacy.surface_to_bytes(legacy.encode_vni(text))


LOWER_SAMPLE = SAMPLE.replace("Cộng", "cộng").replace("Độc", "độc").replace("Đại", "đại")


@pytest.mark.parametrize(
    ("data", "encoding", "converted", "expected"),
    [
        (SAMPLE.encode("utf-8"), "utf-8", False, SAMPLE),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig", False, SAMPLE),
        (SAMPLE.encode("utf-16"), "utf-16-le", False, SAMPLE),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16-be", False, SAMPLE),
        (SAMPLE.encode("utf-16-le"), "utf-16-le", False, SAMPLE),
        (b"plain ASCII\n", "utf-8", False, "plain ASCII\n"),
        (encode_cp1258(SAMPLE), "cp1258", True, SAMPLE),
        (_tcvn3_bytes(LOWER_SAMPLE), "tcvn3", True, LOWER_SAMPLE),
        (_vni_bytes(SAMPLE), "vni", True, SAMPLE),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom-le", "utf16-bom-be", "utf16-nobom", "ascii", "cp1258", "tcvn3", "vni"],
)
def test_decode_bytes_detects(data: bytes, encoding: str, converted: bool, expected: str) -> None:
    decoded = decode_bytes(data, "bai.txt")
    assert decoded == Decoded(expected, encoding, decoded.confidence, converted)
    assert decoded.confidence >= 0.9


@pytest.mark.parametrize("word", ["Việt", "Hòa", "Đà Nẵng", "khỏe", "người"])
@pytest.mark.parametrize("encoder", [encode_cp1258, _vni_bytes], ids=["cp1258", "vni"])
def test_decode_short_texts(word: str, encoder) -> None:  # noqa: ANN001
    assert decode_bytes(encoder(word), "x.txt").text == word


def test_text_is_nfc_with_newlines() -> None:
    nfd = unicodedata.normalize("NFD", "Việt\r\nNam\rxưa")
    decoded = decode_bytes(nfd.encode("utf-8"), "x.txt")
    assert decoded.text == "Việt\nNam\nxưa"


def test_cp1258_decodes_to_nfc() -> None:
    assert decode_bytes(b"Vi\xea\xf2t Nam", "x.txt").text == "Việt Nam"


@pytest.mark.parametrize(
    ("hint", "data", "expected"),
    [
        ("tcvn3", _tcvn3_bytes("bảo thắng"), "bảo thắng"),
        ("VNI", _vni_bytes("Việt"), "Việt"),
        ("windows-1258", encode_cp1258("Việt"), "Việt"),
        ("utf-8", b"\xef\xbb\xbfabc", "abc"),
        ("latin-1", b"caf\xe9", "café"),
    ],
)
def test_hint_forces_encoding(hint: str, data: bytes, expected: str) -> None:
    assert decode_bytes(data, "x.txt", hint=hint).text == expected


def test_hint_that_does_not_fit_names_line() -> None:
    with pytest.raises(ManuscriptError) as info:
        decode_bytes(b"one\ntwo\nth\xffree", "x.txt", hint="utf-8")
    assert info.value.line == 3 and info.value.path == "x.txt"


def test_unknown_hint() -> None:
    with pytest.raises(ManuscriptError, match="unknown encoding"):
        decode_bytes(b"abc", "x.txt", hint="klingon")


def test_random_bytes_are_undecidable() -> None:
    import random

    data = bytes(random.Random(7).randrange(256) for _ in range(400))
    with pytest.raises(ManuscriptError) as info:
        decode_bytes(data, "rac.txt")
    message = str(info.value)
    for name in ("utf-8", "cp1258", "tcvn3", "vni"):
        assert name in message
    assert info.value.line == 1 and info.value.path == "rac.txt"


def test_tie_is_undecidable_and_names_line() -> None:
    # 0xF2 alone is ò in cp1258, ũ in TCVN3 and ị in VNI: all three are syllables.
    with pytest.raises(ManuscriptError, match="cannot tell the encoding") as info:
        decode_bytes(b"ok\nok\n\xf2\n", "x.txt")
    assert info.value.line == 3


# --- scoring --------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["người", "nghiêng", "khuỷu", "giữa", "quốc", "HOÀ", "thuyền", "oái", "xoong"])
def test_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["Bờo", "ñaø", "strong", "viêịt", "hóà", "µ"])
def test_not_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_score_ignores_ascii_and_punctuation() -> None:
    assert vietnamese_score("Hello world “ok”") == 1.0
    assert vietnamese_score("B¶o Th¾ng") < 0.5


# --- DOCX runs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "kind"),
    [
        (".VnTime", "tcvn3"), (".VnArial", "tcvn3"), (".VnTimeH", "tcvn3-caps"), (".VnArialH", "tcvn3-caps"),
        ("VNI-Times", "vni"), ("VNI-Helve", "vni"), ("Times New Roman", None), ("", None), (None, None),
        ("Vni", None),
    ],
)  # fmt: skip
def test_legacy_font_kind(font: str | None, kind: str | None) -> None:
    assert legacy_font_kind(font) == kind


@pytest.mark.parametrize(
    ("text", "font", "expected"),
    [
        ("B¶o Th¾ng", ".VnTime", "Bảo Thắng"),
        ("®¹i häc b¸ch khoa", ".VnTimeH", "ĐẠI HỌC BÁCH KHOA"),
        ("Vieät Nam", "VNI-Times", "Việt Nam"),
        ("B¶o Th¾ng", "Times New Roman", None),
        ("Vieät ✓", "VNI-Helve", "Việt ✓"),  # characters beyond one byte pass through
    ],
)
def test_convert_legacy_run(text: str, font: str, expected: str | None) -> None:
    assert convert_legacy_run(text, font) == expected


def test_convert_legacy_run_whole_sample() -> None:
    assert convert_legacy_run(legacy.encode_vni(SAMPLE), "VNI-Times") == SAMPLE
    assert convert_legacy_run(legacy.encode_tcvn3(LOWER_SAMPLE), ".VnTime") == LOWER_SAMPLE
    assert convert_legacy_run(legacy.encode_tcvn3(LOWER_SAMPLE), ".VnTimeH") == LOWER_SAMPLE.upper()
