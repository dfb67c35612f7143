"""Preflight: read the built PDFs back and list what a print house would reject, page by page.

``publisher preflight`` (tests/test_preflight.py) opens every PDF of the book in the output
folder (the interiors of each profile and the cover spread) and checks what a prepress
operator's preflight checks:

- ``font-not-embedded``: a font whose program is not in the file;
- ``low-resolution``: an image under 300 dpi at the size it is placed (150 dpi and up is a
  warning, under 150 an error);
- ``rgb-in-cmyk``: RGB images or colours in a PDF whose output intent is CMYK;
- ``ink-limit``: a CMYK colour or image pixel with more than 300 % total ink;
- ``bleed-short``: an image that reaches the trim but stops short of the bleed;
- ``text-past-trim``: text that runs past the trim (a table wider than the page): cut off;
- ``text-near-trim``: text closer than 5 mm to the trim (it may be cut off);
- ``signature``: an interior whose page count is not a multiple of its profile's signature;
- ``imprint``: for a book with an ISBN, the imprint lines the law asks for (Luật Xuất bản
  2012, Thông tư 01/2020/TT-BTTTT: the publishing registration number, the publishing
  decision, the ISBN, the legal-deposit line), in the config and printed in the PDF.

Only the profiles meant for print (with a bleed) are held to the print rules (resolution,
bleed, signature); every PDF is checked for fonts and, when CMYK, for colour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

PT_PER_MM = 72 / 25.4
MIN_DPI = 300
POOR_DPI = 150
MAX_INK = 3.0  # 300 %
TRIM_SAFETY_MM = 5.0


@dataclass(frozen=True)
class Finding:
    """One problem in one built file, on one page when it has one."""

    level: str  # error, warning
    code: str
    path: str
    page: int | None  # 1-based page of the PDF
    label: str | None  # the page's printed number
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path + (f": page {self.page}" + (f" ({self.label})" if self.label and self.label != str(self.page)
                                                     else "") if self.page else "")
        return f"{where}: {self.level}: {self.message}" + (f" ({self.hint})" if self.hint else "")

    def to_dict(self) -> dict:
        return {"level": self.level, "code": self.code, "path": self.path, "page": self.page,
                "label": self.label, "message": self.message, "hint": self.hint}


def built_pdfs(config) -> list[tuple[Path, object | None]]:
    """The book's PDFs in its output folder, each with its profile (None: the cover spread)."""
    out = config.out_dir
    found = []
    for name, profile in config.profiles.items():
        path = out / (f"{config.slug}.pdf" if name == config.default_profile else f"{config.slug}-{name}.pdf")
        if path.is_file():
            found.append((path, profile))
    cover = out / f"{config.slug}-cover.pdf"
    if cover.is_file():
        found.append((cover, None))
    return found


def preflight(config, files: list[tuple[Path, object | None]] | None = None) -> list[Finding]:
    """Every finding in the book's built PDFs (``files``: (path, profile) pairs; default all)."""
    files = built_pdfs(config) if files is None else files
    findings: list[Finding] = []
    for path, profile in files:
        shown = config.rel(path) if path.is_relative_to(config.root) else str(path)
        with pikepdf.open(path) as pdf:
            findings.extend(_check_pdf(pdf, path, shown, profile, config))
    if config.isbn:
        interiors = [p for p, profile in files if profile is not None]
        findings.extend(_check_imprint(config, interiors))
    return findings


def _label(pdf: pikepdf.Pdf, index: int) -> str | None:
    try:
        return pdf.pages[index].label
    except Exception:  # a PDF without page labels
        return None


def _is_cmyk(pdf: pikepdf.Pdf) -> bool:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return False
    profile = intents[0].get("/DestOutputProfile")
    return profile is not None and int(profile.get("/N", 0)) == 4


def _check_pdf(pdf: pikepdf.Pdf, path: Path, shown: str, profile, config) -> list[Finding]:
    findings: list[Finding] = []
    is_print = profile is None or bool(getattr(profile, "bleed_mm", 0))
    cmyk = _is_cmyk(pdf)

    def add(level, code, index, message, hint=None):
        findings.append(Finding(level, code, shown, None if index is None else index + 1,
                                None if index is None else _label(pdf, index), message, hint))

    fonts_seen: set = set()
    for index, page in enumerate(pdf.pages):
        trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
        bleed = [float(v) for v in page.obj.get("/BleedBox", page.obj.get("/TrimBox", page.obj.MediaBox))]
        for name, font in _fonts(page.obj):
            if font.objgen in fonts_seen:
                continue
            fonts_seen.add(font.objgen)
            if not _embedded(font):
                add("error", "font-not-embedded", index, f"font {name} is not embedded",
                    "embed every font (a system font the PDF only names prints in another face)")
        for placed in _placements(page.obj):
            image, width_pt, height_pt, box = placed
            dpi = _dpi(image, width_pt, height_pt)
            if is_print and dpi is not None and dpi < MIN_DPI:
                add("error" if dpi < POOR_DPI else "warning", "low-resolution", index,
                    f"image {int(image.get('/Width', 0))}×{int(image.get('/Height', 0))} px printed at "
                    f"{width_pt / PT_PER_MM:.0f}×{height_pt / PT_PER_MM:.0f} mm: {dpi:.0f} dpi",
                    f"print needs {MIN_DPI} dpi: a larger original, or print it smaller")
            if cmyk and _colour_space(image) == "RGB":
                add("error", "rgb-in-cmyk", index, "RGB image in a CMYK PDF",
                    "convert the image to the output profile (JPEG photos are; PNG images are not)")
            if cmyk and _colour_space(image) == "CMYK":
                ink = _image_ink(image)
                if ink is not None and ink > MAX_INK:
                    add("warning", "ink-limit", index, f"image with {ink:.0%} total ink (limit {MAX_INK:.0%})",
                        "convert it with the print house's profile, which limits total ink")
            if is_print:
                short = _short_of_bleed(box, trim, bleed)
                if short:
                    add("error", "bleed-short", index, f"image reaches the trim but stops {short:.1f} mm short of "
                        "the bleed", "a full-bleed image must run into the bleed on every side it touches the trim")
        if cmyk:
            rgb, ink = _content_colours(page.obj)
            if rgb:
                add("error", "rgb-in-cmyk", index, f"{rgb} RGB colour setting{'s' * (rgb > 1)} in a CMYK PDF")
            if ink > MAX_INK:
                add("warning", "ink-limit", index, f"a colour with {ink:.0%} total ink (limit {MAX_INK:.0%})")
    if is_print:
        findings.extend(_text_near_trim(path, shown, pdf, bool(getattr(profile, "watermark", None))))
    if profile is not None and getattr(profile, "signature", 0) and len(pdf.pages) % profile.signature:
        add("error", "signature", None, f"{len(pdf.pages)} pages: not a multiple of the signature "
            f"({profile.signature})", "the build pads the page count; a PDF edited since may have lost pages")
    return findings


# --- fonts ---

def _resources_walk(holder, depth: int = 0):
    """(resources, holder) of a page and every form it draws, once each."""
    resources = holder.get("/Resources")
    if resources is None:
        return
    yield resources
    if depth > 8:
        return
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from _resources_walk(xobject, depth + 1)


def _fonts(page):
    for resources in _resources_walk(page):
        for name, font in (resources.get("/Font") or {}).items():
            yield str(font.get("/BaseFont", name)).lstrip("/"), font


def _embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name.Type3:
        return True  # glyphs drawn in the file itself
    if subtype == pikepdf.Name.Type0:
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


# --- images: where they are placed ---

def _multiply(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _placements(holder, ctm=None, depth: int = 0):
    """(image, width pt, height pt, [x0, y0, x1, y1]) of every image the page (or form) draws."""
    ctm = ctm or [1, 0, 0, 1, 0, 0]
    xobjects = (holder.get("/Resources") or {}).get("/XObject") or {}
    stack = []
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == pikepdf.Name.Image:
                corners = [(ctm[4] + x * ctm[0] + y * ctm[2], ctm[5] + x * ctm[1] + y * ctm[3])
                           for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                yield (xobject, math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3]),
                       [min(xs), min(ys), max(xs), max(ys)])
            elif xobject.get("/Subtype") == pikepdf.Name.Form and depth < 8:
                matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                yield from _placements(xobject, _multiply(matrix, ctm), depth + 1)


def _dpi(image, width_pt: float, height_pt: float) -> float | None:
    if width_pt <= 0 or height_pt <= 0 or image.get("/ImageMask"):
        return None
    return min(int(image.Width) / (width_pt / 72), int(image.Height) / (height_pt / 72))


def _colour_space(image) -> str | None:
    space = image.get("/ColorSpace")
    if space is None:
        return None
    if isinstance(space, pikepdf.Array):
        if space[0] == pikepdf.Name.ICCBased:
            return {1: "Gray", 3: "RGB", 4: "CMYK"}.get(int(space[1].get("/N", 0)))
        if space[0] == pikepdf.Name.Indexed:
            base = space[1]
            return "RGB" if base == pikepdf.Name.DeviceRGB else None
        return None
    return {"/DeviceRGB": "RGB", "/DeviceCMYK": "CMYK", "/DeviceGray": "Gray"}.get(str(space))


def _image_ink(image) -> float | None:
    """The total ink of a CMYK image's heaviest areas (sampled at most 256 px wide)."""
    try:
        picture = pikepdf.PdfImage(image).as_pil_image()
    except Exception:
        return None
    if picture.mode != "CMYK":
        return None
    picture.thumbnail((256, 256))
    # Pillow undoes an Adobe JPEG's inversion itself (which the PDF's /Decode [1 0 ...] says).
    inverted = (bool(image.get("/Decode")) and float(image.Decode[0]) == 1
                and image.get("/Filter") != pikepdf.Name.DCTDecode)
    totals = sorted((1020 - sum(pixel) if inverted else sum(pixel)) for pixel in picture.getdata())
    # The ink of the heaviest 0.5 % of the picture: a few JPEG-noise pixels over the limit print fine.
    return totals[int(len(totals) * 0.995)] / 255 if totals else None


def _short_of_bleed(box, trim, bleed) -> float:
    """How many mm an image that reaches the trim stops short of the bleed (0: it does not)."""
    tolerance = 0.5 * PT_PER_MM
    worst = 0.0
    for side, sign in ((0, -1), (1, -1), (2, 1), (3, 1)):
        reach = (box[side] - trim[side]) * sign  # > 0: beyond the trim, towards the bleed
        if reach > -tolerance and bleed[side] != trim[side]:
            missing = (bleed[side] - box[side]) * sign
            if missing > tolerance:
                worst = max(worst, missing / PT_PER_MM)
    return worst


# --- colours in the content ---

def _content_colours(page) -> tuple[int, float]:
    rgb, ink = 0, 0.0
    holders = [page] + [x for resources in _resources_walk(page)
                        for x in (resources.get("/XObject") or {}).values() if x.get("/Subtype") == pikepdf.Name.Form]
    for holder in holders:
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op in ("rg", "RG"):
                rgb += 1
            elif op in ("k", "K"):
                ink = max(ink, sum(float(v) for v in operands))
    return rgb, ink


# --- text near the trim ---

def _text_near_trim(path: Path, shown: str, pdf: pikepdf.Pdf, watermark: bool = False) -> list[Finding]:
    """Text that runs past the trim (an error: it is cut off, or lost off the sheet) and text
    closer than ``TRIM_SAFETY_MM`` to it (a warning: the cut may wander). A page's content never
    goes beyond its trim on purpose: only a proof's watermark does (``watermark``)."""
    import pypdfium2

    findings = []
    safety = TRIM_SAFETY_MM * PT_PER_MM
    document = pypdfium2.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            obj = pdf.pages[index].obj
            trim = [float(v) for v in obj.get("/TrimBox", obj.MediaBox)]
            text = page.get_textpage()
            close, past = [], []
            for char in range(text.count_chars()):
                if text.get_text_range(char, 1).isspace():
                    continue
                left, bottom, right, top = text.get_charbox(char)  # in the PDF's user space
                distance = min(left - trim[0], trim[2] - right, bottom - trim[1], trim[3] - top)
                if distance < 0 and not watermark:
                    past.append((char, text.get_text_range(char, 1)))
                elif 0 <= distance < safety:
                    close.append(distance)
            label = _label(pdf, index)
            if past:
                findings.append(Finding("error", "text-past-trim", shown, index + 1, label,
                                        f"{len(past)} characters run past the trim and are cut off "
                                        f"(“{_excerpt(past)}”)",
                                        "a table or a word wider than the page: show fewer columns "
                                        "(a roster's columns=), or set it smaller in styles/book.css"))
            if close:
                findings.append(Finding("warning", "text-near-trim", shown, index + 1, label,
                                        f"{len(close)} characters {min(close) / PT_PER_MM:.1f} mm from the "
                                        f"trim (keep text {TRIM_SAFETY_MM:g} mm inside)"))
    finally:
        document.close()
    return findings


def _excerpt(chars: list[tuple[int, str]], most: int = 40) -> str:
    """The characters (index on the page, character) as words: a gap in the indexes is a space."""
    text = "".join((" " if n and index != chars[n - 1][0] + 1 else "") + char for n, (index, char) in enumerate(chars))
    return text if len(text) <= most else text[:most - 1] + "…"


# --- the imprint a book with an ISBN must carry ---

def _check_imprint(config, interiors: list[Path]) -> list[Finding]:
    imprint = config.imprint
    required = [("registration_number", "publishing registration number (Số xác nhận ĐKXB)"),
                ("decision_number", "publishing decision (Quyết định xuất bản)"),
                ("deposit", "legal-deposit line (nộp lưu chiểu)")]
    findings = []
    config_file = config.rel(config.config_path)
    for key, what in required:
        if not getattr(imprint, key):
            findings.append(Finding("error", "imprint", config_file, None, None,
                                    f"a book with an ISBN must print its {what}", f"set [imprint] {key}"))
    if not interiors:
        return findings
    import pypdfium2

    for path in interiors:
        document = pypdfium2.PdfDocument(path)
        try:
            text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        finally:
            document.close()
        flat = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
        digits = re.sub(r"\D", "", config.isbn)
        shown = config.rel(path) if path.is_relative_to(config.root) else str(path)
        if digits not in re.sub(r"[\s-]", "", flat):
            findings.append(Finding("error", "imprint", shown, None, None, f"the ISBN {config.isbn} is not printed"))
        for key, what in required:
            value = getattr(imprint, key)
            if value and re.sub(r"\s+", " ", value) not in flat:
                findings.append(Finding("error", "imprint", shown, None, None, f"the {what} is not printed"))
    return findings
