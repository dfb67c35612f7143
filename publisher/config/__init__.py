"""Read book.toml into a frozen BookConfig: defaults, validation, resolved paths.

Every problem is collected (unknown key, wrong type, bad value, missing file)
and reported together, each naming the key and its line, before any
manuscript is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import glob
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .. import safety
from ..errors import ConfigError, Diagnostic
from ..tomlpos import key_line, unclosed_string
from .options import (BOOK, CONTRIBUTOR, COVER, FONT_FACES, FONTS, IMPRINT, NORMALIZE, NORMALIZE_STEP_KEYS, OUTPUT,
                      PART, PDF_VARIANTS, PROFILE, SECURITY, SHEETS, STRINGS, TOP, Key, default, names, section)

CONFIG_NAME = "book.toml"

NORMALIZE_STEPS = names(NORMALIZE_STEP_KEYS)
IMPRINT_FIELDS = names(IMPRINT)
FONT_SLOTS = names(FONT_FACES)
PROFILE_FIELDS = names(PROFILE)


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str = "author"


@dataclass(frozen=True)
class PartSpec:
    title: str
    files: tuple[Path, ...]  # resolved manuscript paths, in order
    line: int | None = None


Imprint = section("Imprint", IMPRINT, "The legal colophon page; each line printed only when given.")
FontFaces = section("FontFaces", FONT_FACES, "Font files for one family; None means the built-in default.")


@dataclass(frozen=True)
class NormalizeConfig:
    tone_style: str = default(NORMALIZE, "tone_style")
    steps: tuple[str, ...] = NORMALIZE_STEPS  # the enabled steps


@dataclass(frozen=True)
class OutputProfile:
    """How one PDF is made: for the print house, for the screen, or for proofreading."""

    # The fields and their defaults are the [output.NAME] keys of options.PROFILE (but base).
    name: str
    bleed_mm: float = default(PROFILE, "bleed_mm")
    crop_marks: bool = default(PROFILE, "crop_marks")
    pdf_variant: str | None = default(PROFILE, "pdf_variant")
    icc_profile: Path | None = None
    signature: int = default(PROFILE, "signature")
    image_dpi: int | None = None  # None: full resolution
    jpeg_quality: int = default(PROFILE, "jpeg_quality")
    tagged: bool = default(PROFILE, "tagged")
    watermark: str | None = None
    show_sources: bool = default(PROFILE, "show_sources")
    sheet: str | None = None  # booklet: the sheet the pages are imposed on, 2-up ("auto": the smallest A size)


DEFAULT_PROFILES = {
    "print": OutputProfile("print"),
    "screen": OutputProfile("screen", bleed_mm=0.0, crop_marks=False, pdf_variant="pdf/ua-1", signature=1,
                            image_dpi=150, jpeg_quality=80, tagged=True),
    "proof": OutputProfile("proof", bleed_mm=0.0, crop_marks=False, pdf_variant=None, signature=1,
                           image_dpi=150, jpeg_quality=80, watermark="BẢN THẢO", show_sources=True),
    "booklet": OutputProfile("booklet", bleed_mm=0.0, crop_marks=False, pdf_variant=None, signature=4,
                             image_dpi=300, jpeg_quality=85, sheet="auto"),
}


# The cover spread: back + spine + front. Neither paper_thickness_mm nor pages_per_inch:
# render.cover.DEFAULT_LEAF_MM, 0.1 mm (80 g/m² uncoated offset). Images are resolved Paths.
CoverConfig = section("CoverConfig", COVER, "The cover spread: back + spine + front.")
SecurityConfig = section("SecurityConfig", SECURITY, "What the build may reach beyond the project folder.")


@dataclass(frozen=True)
class BookConfig:
    """Everything book.toml says, with defaults filled in and paths resolved."""

    root: Path
    title: str
    subtitle: str | None = None
    organisation: str | None = None
    anniversary: str | None = None
    language: str = "vi"
    date: dt.date | None = None
    isbn: str | None = None
    identifier: str | None = None
    slug: str = "book"
    cover_image: Path | None = None
    trim_mm: tuple[float, float] = (145.0, 205.0)
    toc: str = "back"
    manuscripts_dir: Path = Path("manuscripts")
    foreword: Path | None = None
    contributors: tuple[Contributor, ...] = ()
    parts: tuple[PartSpec, ...] = ()
    imprint: Imprint = field(default_factory=Imprint)
    body_font: FontFaces = field(default_factory=FontFaces)
    heading_font: FontFaces = field(default_factory=FontFaces)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    styles_dir: Path | None = None
    out_dir: Path = Path("dist")
    profiles: dict = field(default_factory=lambda: dict(DEFAULT_PROFILES))  # name -> OutputProfile
    default_profile: str = "print"
    epub_image_max_pixels: int = 1280 * 960  # a phone screen; camera photos of about 0.25 MB
    epub_page_list: bool = True  # the printed book's page numbers in the EPUB (render.pagemap)
    cover: CoverConfig = field(default_factory=CoverConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)

    def profile(self, name: str | None = None) -> OutputProfile:
        return self.profiles[name or self.default_profile]

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def rel(self, path: Path) -> str:
        """A path relative to the project, with forward slashes, for messages."""
        try:
            return path.resolve().relative_to(self._real_root).as_posix()
        except ValueError:
            return str(path)

    @functools.cached_property
    def _real_root(self) -> Path:
        return self.root.resolve()  # asked for each manuscript, several times

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.contributors if c.role in ("author", "compiler"))

    def source_datetime(self) -> dt.datetime:
        """The build's timestamp: SOURCE_DATE_EPOCH, else the book's date, else 2000-01-01."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        day = self.date or dt.date(2000, 1, 1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def isbn_is_valid(isbn: str) -> bool:
    """True when ``isbn`` (hyphens and spaces allowed) is an ISBN-10 or ISBN-13 with a right check digit."""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def slugify(text: str) -> str:
    """An ASCII file-name slug: 'Kỷ yếu 30 năm' -> 'ky-yeu-30-nam'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "book"


class _Checker:
    """Collects config problems with the key path and the line in book.toml."""

    def __init__(self, text: str, path: Path):
        self.text = text
        self.path = path
        self.problems: list[Diagnostic] = []

    def fail(self, keys: tuple, message: str, hint: str | None = None) -> None:
        line = key_line(self.text, keys)
        name = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in keys)
        name = name.replace(".[", "[")
        self.problems.append(
            Diagnostic("error", f"{name}: {message}", CONFIG_NAME, line, "config", hint)
        )

    def table(self, data: dict, keys: tuple, allowed: tuple[str, ...]) -> dict:
        for key in data:
            if key not in allowed:
                self.fail(keys + (key,), "unknown key", f"valid keys: {', '.join(allowed)}")
        return data

    def get(self, data: dict, keys: tuple, kind, default=None, choices=None):
        name = keys[-1]
        if name not in data:
            return default
        value = data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (bool not in kinds and isinstance(value, bool))
        if not ok:
            wanted = " or ".join(_type_name(k) for k in kinds)
            self.fail(keys, f"expected {wanted}, got {_type_name(type(value))} {value!r}")
            return default
        if choices and value not in choices:
            self.fail(keys, f"{value!r} is not one of {', '.join(map(repr, choices))}")
            return default
        if isinstance(value, str) and not value.strip():
            self.fail(keys, "must not be empty")
            return default
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        return value

    def key(self, data: dict, keys: tuple, key: Key):
        """The value of one declared key: checked against its type and choices, else its default."""
        if key.kind == STRINGS:
            return self.strings(data, keys + (key.name,)) if key.name in data else key.default
        return self.get(data, keys + (key.name,), key.kind, key.default, key.choices)

    def section(self, data: dict, keys: tuple, declared: tuple[Key, ...]) -> dict:
        """A table of declared keys: unknown keys reported, each value checked or defaulted."""
        table = self.get(data, keys, dict, {}) if len(keys) == 1 else data
        self.table(table, keys, names(declared))
        return {key.name: self.key(table, keys, key) for key in declared}

    def strings(self, data: dict, keys: tuple) -> tuple[str, ...]:
        value = self.get(data, keys, (str, list), default=())
        if isinstance(value, str):
            return (value,)
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(keys, "expected a list of non-empty strings")
            return ()
        return tuple(unicodedata.normalize("NFC", v) for v in value)


def _type_name(kind) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "a list", dict: "a table", dt.date: "a date"}.get(kind, kind.__name__)


def load_config(project_dir: Path | str) -> BookConfig:
    """Read and validate ``project_dir/book.toml``; raise ConfigError listing every problem."""
    root = Path(project_dir).resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"no {CONFIG_NAME} in {root}",
            hint="run publisher in a book project folder, or give the folder: publisher build PATH",
        )
    try:
        raw = safety.read_bytes(safety.project_path(root, CONFIG_NAME), safety.MAX_CONFIG_BYTES)
    except safety.UnsafePath as exc:
        raise ConfigError(f"{CONFIG_NAME} {exc}", CONFIG_NAME) from exc
    except safety.TooLarge as exc:
        raise ConfigError(f"{exc}: {CONFIG_NAME} is a short text file", CONFIG_NAME) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {exc.strerror or exc}", CONFIG_NAME) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("book.toml must be saved as UTF-8", CONFIG_NAME, line) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else None
        if line is None and "(at end of document)" in str(exc):
            line = len(text.splitlines()) or 1
        message = re.sub(r"\s*\(at (line|end of document).*\)", "", str(exc))
        unclosed = unclosed_string(text)
        if unclosed and message.startswith(("Illegal character", "Unterminated string", "Expected \"'\"")):
            line, quote = unclosed
            raise ConfigError(f"TOML syntax error: a string is not closed on line {line}",
                              CONFIG_NAME, line, hint=f"end the value with {quote}") from exc
        raise ConfigError(f"TOML syntax error: {message}", CONFIG_NAME, line) from exc
    check = _Checker(text, path)
    config = _build(root, data, check)
    if check.problems:
        check.problems.sort(key=lambda d: d.line or 0)
        first = check.problems[0]
        more = len(check.problems) - 1
        message = first.message + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        raise ConfigError(message, first.path, first.line, first.hint, check.problems)
    return config


def _build(root: Path, data: dict, check: _Checker) -> BookConfig | None:
    check.table(data, (), TOP)
    book = check.get(data, ("book",), dict, default=None)
    if book is None:
        if "book" not in data:
            check.fail(("book",), "missing the [book] table", 'add:\n[book]\ntitle = "..."')
        book = {}
    check.table(book, ("book",), names(BOOK))
    title = check.get(book, ("book", "title"), str)
    if title is None and "title" not in book and book is not None:
        check.fail(("book",), "missing key title", 'add: title = "Tên cuốn sách"')
    values: dict = {"root": root, "title": title or ""}
    for key in ("subtitle", "organisation", "anniversary", "identifier"):
        values[key] = check.get(book, ("book", key), str)
    values["language"] = check.get(book, ("book", "language"), str, default(BOOK, "language"))
    if values["language"] and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", values["language"]):
        check.fail(("book", "language"), "expected a language code such as vi or en")
    date = check.get(book, ("book", "date"), (dt.date, str))
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            check.fail(("book", "date"), f"{date!r} is not a date like 2026-10-20")
            date = None
    if isinstance(date, dt.datetime):
        date = date.date()
    values["date"] = date
    isbn = check.get(book, ("book", "isbn"), str)
    if isbn and not isbn_is_valid(isbn):
        check.fail(("book", "isbn"), f"{isbn!r} is not a valid ISBN (wrong length or check digit)")
        isbn = None
    values["isbn"] = isbn
    values["slug"] = check.get(book, ("book", "slug"), str) or slugify(title or "book")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", values["slug"]):
        check.fail(("book", "slug"), "use letters, digits, '-', '_' and '.' only")
    values["toc"] = check.key(book, ("book",), _declared(BOOK, "toc"))
    trim = check.key(book, ("book",), _declared(BOOK, "trim_size"))
    values["trim_mm"] = _trim(trim, check)
    manuscripts = check.key(book, ("book",), _declared(BOOK, "manuscripts"))
    values["manuscripts_dir"] = _folder(root, manuscripts, ("book", "manuscripts"), check) or root
    if not values["manuscripts_dir"].is_dir():
        check.fail(("book", "manuscripts"), f"folder {manuscripts}/ does not exist")
    styles = _folder(root, check.key(book, ("book",), _declared(BOOK, "styles")), ("book", "styles"), check)
    values["styles_dir"] = styles if styles and styles.is_dir() else None
    cover = check.get(book, ("book", "cover_image"), str)
    values["cover_image"] = _in_project(root, cover, ("book", "cover_image"), check, image=True)
    foreword = check.get(book, ("book", "foreword"), str)
    values["foreword"] = _in_project(values["manuscripts_dir"], foreword, ("book", "foreword"), check)
    values["contributors"] = _contributors(data, check)
    values["parts"] = _parts(data, values["manuscripts_dir"], check)
    values["imprint"] = _imprint(data, check)
    fonts = check.get(data, ("fonts",), dict, {})
    check.table(fonts, ("fonts",), names(FONTS))
    values["body_font"] = _fonts(root, fonts, "body", check)
    values["heading_font"] = _fonts(root, fonts, "heading", check)
    values["normalize"] = _normalize(data, check)
    output = check.get(data, ("output",), dict, {})
    values["out_dir"] = _folder(root, check.key(output, ("output",), _declared(OUTPUT, "dir")), ("output", "dir"),
                                check, "an output folder outside the project is given on the command line: "
                                "publisher build --out DIR") or root / "dist"
    values["profiles"], values["default_profile"] = _profiles(root, output, check)
    values["epub_image_max_pixels"] = check.key(output, ("output",), _declared(OUTPUT, "epub_image_max_pixels"))
    if values["epub_image_max_pixels"] <= 0:
        check.fail(("output", "epub_image_max_pixels"), "must be a positive number of pixels")
    values["epub_page_list"] = check.key(output, ("output",), _declared(OUTPUT, "epub_page_list"))
    values["cover"] = _cover(root, data, check)
    values["security"] = _security(data, check)
    if check.problems:
        return None
    return BookConfig(**values)


def _declared(table: tuple[Key, ...], name: str) -> Key:
    return next(key for key in table if key.name == name)


def _trim(value, check: _Checker) -> tuple[float, float]:
    keys = ("book", "trim_size")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*[x×]\s*(\d+(?:[.,]\d+)?)\s*(mm)?\s*", value)
        if not match:
            check.fail(keys, f"{value!r} is not a size like '145x205' (millimetres)")
            return tuple(map(float, default(BOOK, "trim_size")))
        value = [float(match.group(1).replace(",", ".")), float(match.group(2).replace(",", "."))]
    if len(value) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        check.fail(keys, "expected [width, height] in millimetres, e.g. [145, 205]")
        return tuple(map(float, default(BOOK, "trim_size")))
    width, height = float(value[0]), float(value[1])
    if not (50 <= width <= 500 and 50 <= height <= 700):
        check.fail(keys, f"{width:g}×{height:g} mm is not a book page size (50–500 × 50–700 mm)")
    elif width < MIN_TRIM_MM[0] or height < MIN_TRIM_MM[1]:
        # print.css takes 33 mm across and 38 mm down for margins, running head and folio:
        # below 90×120 mm the text block would be under ~57×82 mm, too small to set a book in.
        check.fail(keys, f"{width:g}×{height:g} mm is too small for the page margins; "
                   f"the smallest trim size is {MIN_TRIM_MM[0]}×{MIN_TRIM_MM[1]} mm")
    return (width, height)


MIN_TRIM_MM = (90, 120)


def _folder(root: Path, name: str | None, keys: tuple, check: _Checker, hint: str | None = None) -> Path | None:
    """A folder book.toml names, resolved; None (and a problem) when it is not inside the project."""
    if not name:
        return None
    try:
        return safety.project_path(root, name)
    except safety.UnsafePath as exc:
        check.fail(keys, f"{name} {exc}", hint or "use a folder inside the project")
        return None


_KINDS = {"image": safety.MAX_IMAGE_BYTES, "font": safety.MAX_FONT_BYTES, "icc": safety.MAX_ICC_BYTES}


def _in_project(base: Path, name: str | None, keys: tuple, check: _Checker, image: bool = False,
                kind: str | None = None) -> Path | None:
    """An existing file inside the project folder (links followed, and they must stay inside too).

    ``kind`` ("image", "font", "icc"; ``image=True`` is "image") also checks that the
    file's bytes are one, and that it is not larger than such a file can reasonably be.
    """
    if not name:
        return None
    try:
        path = safety.project_path(check.path.parent, name, base)
    except safety.UnsafePath as exc:
        check.fail(keys, f"{name} {exc}", "copy the file into the project")
        return None
    if not path.is_file():
        check.fail(keys, f"file {name} does not exist")
        return None
    kind = "image" if image else kind
    if kind is None:
        return path
    try:
        data = safety.read_bytes(path, _KINDS[kind])
    except OSError as exc:
        check.fail(keys, f"cannot read {name}: {exc.strerror or exc}")
        return None
    problem = _wrong_kind(data, path.suffix.lower(), kind)
    if problem:
        check.fail(keys, f"{name} {problem}")
        return None
    return path


def _wrong_kind(data: bytes, suffix: str, kind: str) -> str | None:
    """Why ``data`` is not a file of ``kind``, or None when it is."""
    if kind == "image":
        if not _looks_like_image(data[:16], suffix):
            return "is not an image (JPEG, PNG, GIF, WebP or SVG)"
        if suffix == ".svg":
            from .svg import UnsafeSvg, check_svg

            try:
                check_svg(data)
            except UnsafeSvg as exc:
                return f"is not a safe SVG drawing: {exc}"
        return None
    if kind == "font":
        if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2"):
            return "is not a font file (TrueType, OpenType or WOFF)"
        return None
    if len(data) < 128 or data[36:40] != b"acsp":
        return "is not an ICC colour profile"
    if data[16:20] != b"CMYK":
        space = data[16:20].decode("ascii", "replace").strip() or "another colour space"
        return f"is an ICC profile for {space}, not a CMYK profile"
    return None


def _looks_like_image(head: bytes, suffix: str) -> bool:
    """True when the first bytes are an image's signature (the suffix is only trusted for SVG)."""
    signatures = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
    if head.startswith(signatures) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return True
    return suffix == ".svg" and head.lstrip().startswith((b"<?xml", b"<svg", b"<!--"))


def _contributors(data: dict, check: _Checker) -> tuple[Contributor, ...]:
    items = check.get(data, ("contributors",), list, [])
    found = []
    for index, item in enumerate(items):
        keys = ("contributors", index)
        if not isinstance(item, dict):
            check.fail(keys, "expected a [[contributors]] table with name and role")
            continue
        values = check.section(item, keys, CONTRIBUTOR)
        name, role = values["name"], values["role"]
        if name is None:
            check.fail(keys, "missing key name")
            continue
        found.append(Contributor(name, role))
    return tuple(found)


def _parts(data: dict, manuscripts: Path, check: _Checker) -> tuple[PartSpec, ...]:
    items = check.get(data, ("parts",), list, [])
    resolved = manuscripts.resolve()
    parts = []
    for index, item in enumerate(items):
        keys = ("parts", index)
        if not isinstance(item, dict):
            check.fail(keys, "expected a [[parts]] table with title and files")
            continue
        values = check.section(item, keys, PART)
        title, patterns = values["title"], values["files"]
        if title is None:
            check.fail(keys, "missing key title")
        if not patterns:
            check.fail(keys, "missing key files (paths or globs under the manuscripts folder)")
        files: list[Path] = []
        seen: set[Path] = set()  # a set beside the list: a part of hundreds of files is not quadratic
        for pattern in patterns:
            matches = _expand(manuscripts, pattern)
            outside = [m for m in matches if not m.is_relative_to(resolved)]
            if outside:
                check.fail(keys + ("files",), f"{pattern} leads outside the {manuscripts.name}/ folder")
                matches = [m for m in matches if m not in outside]
            if not matches:
                what = "matches no file" if glob.has_magic(pattern) else "does not exist"
                check.fail(keys + ("files",), f"{pattern} {what} in {manuscripts.name}/")
            for match in matches:
                if match not in seen:
                    seen.add(match)
                    files.append(match)
        parts.append(PartSpec(title or "", tuple(files), key_line(check.text, keys)))
    return tuple(parts)


def _expand(base: Path, pattern: str) -> list[Path]:
    if glob.has_magic(pattern):
        return sorted(Path(p).resolve() for p in glob.glob(str(base / pattern)) if Path(p).is_file())
    path = (base / pattern).resolve()
    return [path] if path.is_file() else []


def _imprint(data: dict, check: _Checker) -> Imprint:
    values = check.section(data, ("imprint",), IMPRINT)
    if values["print_run"] is not None and values["print_run"] <= 0:
        check.fail(("imprint", "print_run"), "must be a positive number of copies")
    return Imprint(**values)


def _fonts(root: Path, fonts: dict, slot: str, check: _Checker) -> FontFaces:
    table = check.get(fonts, ("fonts", slot), dict, {})
    found = check.section(table, ("fonts", slot), FONT_FACES)
    return FontFaces(**{face: _in_project(root, name, ("fonts", slot, face), check, kind="font")
                        for face, name in found.items()})


def _normalize(data: dict, check: _Checker) -> NormalizeConfig:
    values = check.section(data, ("normalize",), NORMALIZE)
    return NormalizeConfig(values["tone_style"], tuple(s for s in NORMALIZE_STEPS if values[s]))


def _profiles(root: Path, output: dict, check: _Checker) -> tuple[dict, str]:
    """[output.<name>] tables: the built-in print, screen and proof profiles, changed or added to."""
    profiles = dict(DEFAULT_PROFILES)
    for key, table in output.items():
        if key in names(OUTPUT):
            continue
        keys = ("output", key)
        if not isinstance(table, dict):
            check.fail(keys, "unknown key", f"valid keys: {', '.join(names(OUTPUT))}, "
                       "or a profile table such as [output.print]")
            continue
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", key):
            check.fail(keys, "a profile name uses lower-case letters, digits, '-' and '_'")
            continue
        check.table(table, keys, names(PROFILE))
        base_name = check.get(table, keys + ("base",), str, key if key in DEFAULT_PROFILES else "print",
                              tuple(DEFAULT_PROFILES))
        base = DEFAULT_PROFILES[base_name or "print"]
        changes: dict = {"name": key}
        for declared in PROFILE:
            name = declared.name
            if name in ("base", "icc_profile"):
                continue
            value = check.get(table, keys + (name,), declared.kind)  # the base profile's value when absent
            if value is None:
                continue
            if name in ("bleed_mm",) and not 0 <= value <= 20:
                check.fail(keys + (name,), "must be between 0 and 20 mm")
            elif name in ("signature", "image_dpi", "jpeg_quality") and value <= 0:
                check.fail(keys + (name,), "must be a positive number")
            elif name == "sheet" and value not in SHEETS:  # a profile with a sheet is a booklet
                check.fail(keys + (name,), f"{value!r} is not one of {', '.join(SHEETS)}")
            elif name == "pdf_variant" and value not in PDF_VARIANTS:
                check.fail(keys + (name,), f"{value!r} is not one of pdf/x-4, pdf/x-3, pdf/x-1a, pdf/a-2b, "
                           "pdf/a-3b, pdf/ua-1, none")
            else:
                changes[name] = None if value == "none" else (float(value) if name == "bleed_mm" else value)
        icc = check.get(table, keys + ("icc_profile",), str)
        if icc:
            changes["icc_profile"] = _in_project(root, icc, keys + ("icc_profile",), check, kind="icc")
        profiles[key] = dataclasses.replace(base, **changes)
    chosen = check.key(output, ("output",), _declared(OUTPUT, "default_profile"))
    if chosen not in profiles:
        check.fail(("output", "default_profile"), f"no profile named {chosen!r}",
                   f"profiles: {', '.join(profiles)}")
        chosen = default(OUTPUT, "default_profile")
    return profiles, chosen


def _cover(root: Path, data: dict, check: _Checker) -> CoverConfig:
    values = check.section(data, ("cover",), COVER)
    thickness, ppi = values["paper_thickness_mm"], values["pages_per_inch"]
    if thickness is not None and not 0.03 <= thickness <= 1:
        check.fail(("cover", "paper_thickness_mm"), "a sheet of paper is 0.03–1 mm thick")
    if ppi is not None and not 100 <= ppi <= 1500:
        check.fail(("cover", "pages_per_inch"), "expected 100–1500 pages per inch")
    if thickness is not None and ppi is not None:
        check.fail(("cover", "pages_per_inch"), "give paper_thickness_mm or pages_per_inch, not both")
    values["paper_thickness_mm"] = float(thickness) if thickness is not None else None
    values["pages_per_inch"] = float(ppi) if ppi is not None else None
    for image in ("background_image", "logo"):
        values[image] = _in_project(root, values[image], ("cover", image), check, image=True)
    return CoverConfig(**values)


def _security(data: dict, check: _Checker) -> SecurityConfig:
    values = check.section(data, ("security",), SECURITY)
    if values["remote_timeout_s"] <= 0:
        check.fail(("security", "remote_timeout_s"), "must be a positive number of seconds")
    if values["remote_max_bytes"] <= 0:
        check.fail(("security", "remote_max_bytes"), "must be a positive number of bytes")
    values["remote_timeout_s"] = float(values["remote_timeout_s"])
    return SecurityConfig(**values)
