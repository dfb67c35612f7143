"""Every fixed word the book prints, in one table per language (Vietnamese and English)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "contents": "Mục lục",
        "foreword": "Lời giới thiệu",
        "notes": "Chú thích",
        "cover": "Bìa",
        "title_page": "Trang tên sách",
        "imprint": "Thông tin xuất bản",
        "author": "Tác giả",
        "compiler": "Biên soạn",
        "editor": "Biên tập",
        "translator": "Dịch",
        "photographer": "Ảnh",
        "illustrator": "Minh họa",
        "responsible_publishing": "Chịu trách nhiệm xuất bản",
        "responsible_content": "Chịu trách nhiệm nội dung",
        "editors": "Biên tập",
        "designer": "Trình bày",
        "proofreaders": "Sửa bản in",
        "publisher": "Đơn vị thực hiện",
        "partner": "Đơn vị liên kết",
        "print_run": "Số lượng in",
        "copies": "bản",
        "trim_size": "Khổ",
        "printer": "In tại",
        "printer_address": "Địa chỉ",
        "registration_number": "Số xác nhận ĐKXB",
        "decision_number": "Quyết định xuất bản số",
        "deposit": "Nộp lưu chiểu",
        "isbn": "ISBN",
        "price": "Giá",
        "not_for_sale": "Sách không bán",
        "preview_error_title": "Không dựng được sách",
        "preview_error_hint": "Sửa tệp rồi lưu lại: trang này tự tải lại.",
        "accessibility_summary": (
            "Sách điện tử có mục lục điều hướng, văn bản có thể đọc lại và phóng to, "
            "mọi hình ảnh đều có chú thích bằng chữ."
        ),
    },
    "en": {
        "contents": "Contents",
        "foreword": "Foreword",
        "notes": "Notes",
        "cover": "Cover",
        "title_page": "Title page",
        "imprint": "Imprint",
        "author": "Author",
        "compiler": "Compiled by",
        "editor": "Edited by",
        "translator": "Translated by",
        "photographer": "Photographs",
        "illustrator": "Illustrations",
        "responsible_publishing": "Publisher in charge",
        "responsible_content": "Responsible for content",
        "editors": "Editors",
        "designer": "Design",
        "proofreaders": "Proofreading",
        "publisher": "Published by",
        "partner": "In association with",
        "print_run": "Print run",
        "copies": "copies",
        "trim_size": "Format",
        "printer": "Printed by",
        "printer_address": "Address",
        "registration_number": "Publication registration no.",
        "decision_number": "Publishing decision no.",
        "deposit": "Legal deposit",
        "isbn": "ISBN",
        "price": "Price",
        "not_for_sale": "Not for sale",
        "preview_error_title": "The book could not be built",
        "preview_error_hint": "Fix the file and save it: this page reloads by itself.",
        "accessibility_summary": (
            "The e-book has a navigable table of contents, reflowable text, "
            "and a text caption for every image."
        ),
    },
}


def labels_for(language: str) -> dict[str, str]:
    """The label table for a language code ("vi", "vi-VN", "en" ...), Vietnamese by default."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["vi"])
