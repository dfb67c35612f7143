"""Tests for publisher.normalize.typography: what each rule changes and what it must not."""

from __future__ import annotations

import pytest

from publisher.normalize.typography import dashes, ellipsis, nbsp, punctuation_spacing, smart_quotes

NB = "\u00a0"

# Text that no typography rule may change.
UNTOUCHABLE = [
    "Xem http://example.com/a...b--c?x='1'&y=2 ngay.",
    "Trang www.truong-abc.edu.vn/lich-su - mục 2.",
    "Gửi thư tới ban.lien-lac@truong.edu.vn hoặc mailto:a@b.vn.",
    "Doanh thu 6.452,7 tỷ; dân số 1.234.567,89; lúc 7:30; tỷ lệ 0,5.",
    "Giai đoạn 2020-2021, ISBN 978-604-0-12345-6, số 1328-2024/CXBIPH/3-98/ĐHKTQD.",
    "Chương 1 .......... 5",
    "Bắc-Nam, Pháp-Việt, e-mail.",
    "- một\n- hai",
    "v.v. và Tp.HCM, PGS.TS, tệp index.html.",
    "Dòng có hai dấu cách ở cuối  \nđể xuống dòng.",
    "    thụt lề bốn dấu cách",
]


@pytest.mark.parametrize("text", UNTOUCHABLE)
@pytest.mark.parametrize("rule", [smart_quotes, ellipsis, dashes, punctuation_spacing])
def test_rules_leave_alone(text: str, rule) -> None:  # noqa: ANN001
    assert rule(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Hòa bình"', "“Hòa bình”"),
        ('Anh nói "xin chào" rồi đi.', "Anh nói “xin chào” rồi đi."),
        ('Anh nói: "Tôi đọc \'Truyện Kiều\' rồi."', "Anh nói: “Tôi đọc ‘Truyện Kiều’ rồi.”"),
        ('"Ngoài "trong" ngoài"', "“Ngoài ‘trong’ ngoài”"),
        ("“Đã có “sẵn” rồi”", "“Đã có “sẵn” rồi”"),
        ("“Anh nói \"chào\" nhé”", "“Anh nói ‘chào’ nhé”"),
        ("O'Neil, rock'n'roll", "O’Neil, rock’n’roll"),
        ("thập niên '90 và 'ba'", "thập niên ’90 và ‘ba’"),
        ('("trích")', "(“trích”)"),
        ('nói,"chào"', "nói,“chào”"),
        ("không có ngoặc", "không có ngoặc"),
        ("link http://a.vn/?q='x'&r=1 và 'y'", "link http://a.vn/?q='x'&r=1 và ‘y’"),
        ('"http://a.vn/"', "“http://a.vn/”"),  # a URL in quotes ends at the quote
    ],
)
def test_smart_quotes(text: str, expected: str) -> None:
    assert smart_quotes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Và rồi...", "Và rồi…"),
        ("Chờ... đợi", "Chờ… đợi"),
        ("hai .. chấm", "hai .. chấm"),
        ("bốn.... chấm", "bốn.... chấm"),
        ("số 6.452,7", "số 6.452,7"),
    ],
)
def test_ellipsis(text: str, expected: str) -> None:
    assert ellipsis(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội - thủ đô", "Hà Nội – thủ đô"),
        ("Hà Nội -- thủ đô", "Hà Nội – thủ đô"),
        ("Hà Nội--thủ đô", "Hà Nội – thủ đô"),
        ("trang 10--20", "trang 10–20"),
        ("năm 2020 - 2021", "năm 2020 – 2021"),
        ("năm 2020-2021", "năm 2020-2021"),
        ("Bắc-Nam", "Bắc-Nam"),
        ("nhiệt độ -5 độ", "nhiệt độ -5 độ"),
        ("---", "---"),
        ("a --- b", "a --- b"),
        ("Hà Nội – thủ đô", "Hà Nội – thủ đô"),
    ],
)
def test_dashes(text: str, expected: str) -> None:
    assert dashes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xin chào , bạn !", "Xin chào, bạn!"),
        ("Thật sao ?", "Thật sao?"),
        ("Ghi chú : xem", "Ghi chú: xem"),
        ("hết câu .", "hết câu."),
        ("Hà Nội,ngày 5", "Hà Nội, ngày 5"),
        ("một;hai", "một; hai"),
        ("Ghi chú:xem", "Ghi chú: xem"),
        ("kết thúc.Sau đó", "kết thúc. Sau đó"),
        ("Thật sao?Vâng", "Thật sao? Vâng"),
        ("hai  dấu   cách", "hai dấu cách"),
        ("nói:“chào”", "nói: “chào”"),
        ("Và ... rồi", "Và ... rồi"),
        ("giá .5 đồng", "giá .5 đồng"),
        ("6.452,7 và 1.234.567,89 lúc 7:30", "6.452,7 và 1.234.567,89 lúc 7:30"),
        ("PGS.TS.Nguyễn", "PGS.TS.Nguyễn"),
    ],
)
def test_punctuation_spacing(text: str, expected: str) -> None:
    assert punctuation_spacing(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dài 12 km", f"dài 12{NB}km"),
        ("45,8 tỷ đồng", f"45,8{NB}tỷ{NB}đồng"),
        ("1.234 m2 và 30 năm", f"1.234{NB}m2 và 30{NB}năm"),
        ("tăng 15 %", f"tăng 15{NB}%"),
        ("2 triệu USD", f"2{NB}triệu{NB}USD"),
        ("ngày 20 tháng 10 năm 2021", f"ngày{NB}20 tháng{NB}10 năm{NB}2021"),
        ("Điều 27 và Chương IV", f"Điều{NB}27 và Chương{NB}IV"),
        ("TS. Nguyễn Văn A", f"TS.{NB}Nguyễn Văn A"),
        ("PGS.TS. Trần B", f"PGS.TS.{NB}Trần B"),
        ("Th.S Lê C, ThS. Phạm D", f"Th.S{NB}Lê C, ThS.{NB}Phạm D"),
        ("GS. Hà, KS. Lý, BS. Mai", f"GS.{NB}Hà, KS.{NB}Lý, BS.{NB}Mai"),
        ("5 mẹ con", "5 mẹ con"),  # "m" is a unit only as a whole word
        ("có 12 người", "có 12 người"),  # counting nouns are not units
        ("TS. và", "TS. và"),  # a title binds only to a capitalised name
        ("lúc 7:30 sáng", "lúc 7:30 sáng"),
        ("http://a.vn/12 km", "http://a.vn/12 km"),
    ],
)
def test_nbsp(text: str, expected: str) -> None:
    assert nbsp(text) == expected
