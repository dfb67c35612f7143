"""Every key book.toml accepts, declared once: its type, default and what it does.

In the habit of MkDocs' ``config_options``: the loader (``publisher.config``) takes the
allowed keys, the types it checks and the defaults it fills in from these tables, and the
simple sections' frozen dataclasses are made from them, so a key is never listed twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

STRINGS = "strings"  # a kind: one string or a list of non-empty strings, read as a tuple


@dataclass(frozen=True)
class Key:
    """One key of a table: the TOML type(s) it takes, its default, its choices and its doc."""

    name: str
    kind: object  # a type, a tuple of types, or STRINGS
    default: object = None
    doc: str = ""
    choices: tuple | None = None


def names(keys: tuple[Key, ...]) -> tuple[str, ...]:
    return tuple(key.name for key in keys)


def default(keys: tuple[Key, ...], name: str):
    return next(key.default for key in keys if key.name == name)


def section(class_name: str, keys: tuple[Key, ...], doc: str, fields: dict | None = None) -> type:
    """A frozen dataclass with one field a key (the key's default), plus ``fields`` {name: default}."""
    spec = [(key.name, object, dataclasses.field(default=key.default)) for key in keys]
    spec += [(name, object, dataclasses.field(default=value)) for name, value in (fields or {}).items()]
    made = dataclasses.make_dataclass(class_name, spec, frozen=True, namespace={"__doc__": doc})
    made.__module__ = "publisher.config"
    return made


TOC_POSITIONS = ("front", "back")
IMPRINT_POSITIONS = ("back", "front")
TONE_STYLES = ("old", "new", "keep")
CONTRIBUTOR_ROLES = ("author", "editor", "compiler", "translator", "photographer", "illustrator")
SHEETS = ("auto", "A5", "A4", "A3", "A2")  # a profile with a sheet is a booklet (publisher.booklet)
PDF_VARIANTS = ("none", "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/a-2b", "pdf/a-3b", "pdf/ua-1")

TOP = ("book", "contributors", "parts", "imprint", "fonts", "normalize", "output", "cover", "security")

BOOK = (
    Key("title", str, None, "the book's title (required)"),
    Key("subtitle", str, None, "a line under the title"),
    Key("organisation", str, None, "the school or organisation the book celebrates"),
    Key("anniversary", str, None, "the occasion, e.g. '30 năm thành lập'"),
    Key("language", str, "vi", "a language code such as vi or en: labels, hyphenation, EPUB metadata"),
    Key("date", (dt.date, str), None, "the publication date, 2026-10-20; also the build's timestamp"),
    Key("isbn", str, None, "ISBN-10 or ISBN-13, with a right check digit"),
    Key("identifier", str, None, "the EPUB identifier when there is no ISBN"),
    Key("slug", str, None, "the output file names (default: from the title)"),
    Key("cover_image", str, None, "an image in the project for the front cover"),
    Key("trim_size", (list, str), [145, 205], "the page size in millimetres, [width, height] or '145x205'"),
    Key("toc", str, "back", "where the contents go", TOC_POSITIONS),
    Key("manuscripts", str, "manuscripts", "the folder of manuscripts"),
    Key("foreword", str, None, "a manuscript printed before the contents, as the foreword"),
    Key("styles", str, "styles", "a folder of CSS and template overrides"),
)

CONTRIBUTOR = (
    Key("name", str, None, "the person's name (required)"),
    Key("role", str, "author", "what they did", CONTRIBUTOR_ROLES),
)

PART = (
    Key("title", str, None, "the part's title (required)"),
    Key("files", STRINGS, (), "manuscripts or globs under the manuscripts folder, in order (required)"),
)

IMPRINT = (
    Key("responsible_publishing", str, None, "Chịu trách nhiệm xuất bản"),
    Key("responsible_content", str, None, "Chịu trách nhiệm nội dung"),
    Key("editors", STRINGS, (), "Biên tập"),
    Key("designer", str, None, "Trình bày"),
    Key("proofreaders", STRINGS, (), "Sửa bản in"),
    Key("publisher", str, None, "Nhà xuất bản: printed at the top of the imprint"),
    Key("publisher_address", str, None, "the publisher's address, under its name"),
    Key("partner", str, None, "Đơn vị liên kết"),
    Key("print_run", int, None, "Số lượng in: copies printed"),
    Key("printer", str, None, "In tại"),
    Key("printer_address", str, None, "the printer's address"),
    Key("registration_number", str, None, "Số xác nhận ĐKXB"),
    Key("decision_number", str, None, "Quyết định xuất bản số"),
    Key("deposit", str, None, "Nộp lưu chiểu"),
    Key("price", str, None, "Giá"),
    Key("not_for_sale", bool, False, "print 'Sách không bán' instead of a price"),
    Key("position", str, "back", "the imprint page at the front or the back", IMPRINT_POSITIONS),
    Key("labels", str, None, "the imprint's label language (default: the book's)"),
)

FONT_FACES = tuple(Key(face, str, None, f"a font file for the {face.replace('_', ' ')} face")
                   for face in ("regular", "italic", "bold", "bold_italic"))
FONTS = (Key("body", dict, {}, "the body text's faces"), Key("heading", dict, {}, "the headings' faces"))

NORMALIZE_STEP_KEYS = (
    Key("lookalikes", bool, True, "Ð/ð and other look-alikes become Đ/đ"),
    Key("invisibles", bool, True, "zero-width and other invisible characters are removed"),
    Key("quotes", bool, True, "straight quotes become curly ones"),
    Key("ellipsis", bool, True, "three dots become …"),
    Key("dashes", bool, True, "-- and spaced hyphens become dashes"),
    Key("spacing", bool, True, "spaces around punctuation are put right"),
    Key("nbsp", bool, True, "no-break spaces where a line must not break"),
)
NORMALIZE = (Key("tone_style", str, "old", "where the tone mark goes: hòa (old), hoà (new), keep",
                 TONE_STYLES),) + NORMALIZE_STEP_KEYS

OUTPUT = (
    Key("dir", str, "dist", "the output folder"),
    Key("default_profile", str, "print", "the PDF profile `publisher build` uses"),
    Key("epub_image_max_pixels", int, 1280 * 960, "images in the EPUB are scaled down to this many pixels"),
    Key("epub_page_list", bool, True, "the EPUB marks where each printed page begins (an EPUB built alone "
        "lays the print pages out for it)"),
)

PROFILE = (
    Key("base", str, None, "the built-in profile this one starts from (print, screen, proof)"),
    Key("bleed_mm", (int, float), 3.0, "bleed around the trim, 0–20 mm"),
    Key("crop_marks", bool, True, "crop marks in the bleed"),
    Key("pdf_variant", str, "pdf/x-4", "the PDF standard, or none", PDF_VARIANTS),
    Key("icc_profile", str, None, "a CMYK ICC profile: colours become device-cmyk"),
    Key("signature", int, 4, "the page count is padded to a multiple of this"),
    Key("image_dpi", int, None, "images are downsampled to this resolution at printed size"),
    Key("jpeg_quality", int, 90, "JPEG quality of downsampled images"),
    Key("tagged", bool, False, "PDF/UA structure tags"),
    Key("watermark", str, None, "a word across every page"),
    Key("show_sources", bool, False, "each article's source file in the margin"),
    Key("sheet", str, None, "booklet: the sheet pages are imposed on, 2-up", SHEETS),
)

COVER = (
    Key("paper_thickness_mm", (int, float), None, "one leaf (two pages), 0.03–1 mm: the spine's width"),
    Key("pages_per_inch", (int, float), None, "or the paper's pages per inch, 100–1500"),
    Key("back_text", str, None, "the text on the back cover"),
    Key("background_image", str, None, "an image in the project behind the whole spread"),
    Key("logo", str, None, "an image in the project on the spine and the back"),
)

SECURITY = (
    Key("allow_remote_images", bool, False, "fetch http(s) images a manuscript names"),
    Key("remote_timeout_s", (int, float), 10.0, "seconds to wait for one remote image"),
    Key("remote_max_bytes", int, 10 * 1024 * 1024, "the largest remote image, in bytes"),
)

TABLES = {"book": BOOK, "contributors": CONTRIBUTOR, "parts": PART, "imprint": IMPRINT, "fonts": FONTS,
          "normalize": NORMALIZE, "output": OUTPUT, "cover": COVER, "security": SECURITY}
