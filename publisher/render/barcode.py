"""The ISBN as an EAN-13 barcode (SVG), drawn by python-barcode.

python-barcode lives behind this module only. The bars are drawn without the
library's own text: its SVG text would be set in whatever font the SVG
renderer finds, so the cover template prints the digits itself in the book's
font (``human_readable``) and the line "ISBN 978-…" above the bars.

Size: the EAN-13 nominal module is 0.33 mm (magnification 100 %); the bars
are shortened to 20 mm from the nominal 22.85 mm, as book covers usually do,
which scanners and the tests' decoder read without trouble. The quiet zones
(11 modules on the left, 7 on the right) are part of the drawing, so the white
box behind the bars never eats into them.
"""

from __future__ import annotations

import io
import re

MODULE_MM = 0.33
BAR_HEIGHT_MM = 20.0
QUIET_LEFT_MODULES = 11
QUIET_RIGHT_MODULES = 7


class BarcodeInputError(ValueError):
    """The ISBN cannot be drawn as an EAN-13 (an ISBN-13 must start with 978 or 979)."""


def isbn13(isbn: str) -> str:
    """The 13 digits of an ISBN-10 or ISBN-13 (hyphens and spaces allowed); ISBN-10 gains 978."""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        body = "978" + digits[:9]
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
        return body + str((10 - total % 10) % 10)
    if re.fullmatch(r"\d{13}", digits):
        return digits
    raise BarcodeInputError(f"{isbn!r} is not an ISBN-10 or ISBN-13")


def human_readable(isbn: str) -> str:
    """The digits printed under an EAN-13: '9 786040 000002'."""
    digits = isbn13(isbn)
    return f"{digits[0]} {digits[1:7]} {digits[7:]}"


def ean13_svg(isbn: str, module_mm: float = MODULE_MM, height_mm: float = BAR_HEIGHT_MM) -> str:
    """An inline ``<svg>`` element (no XML prologue) with the ISBN's EAN-13 bars and quiet zones."""
    from barcode import EAN13
    from barcode.errors import BarcodeError
    from barcode.writer import SVGWriter

    digits = isbn13(isbn)
    if digits[:3] not in ("978", "979"):
        raise BarcodeInputError(f"the ISBN {isbn} does not start with 978 or 979")
    try:
        # EAN13, not the library's ISBN13: that one still rejects 979-12 (Italy, since 2020).
        # no_checksum: the config has already validated the check digit, and it is kept as given.
        code = EAN13(digits, writer=SVGWriter(), no_checksum=True)
    except BarcodeError as exc:
        raise BarcodeInputError(f"the ISBN {isbn} cannot be drawn as an EAN-13: {exc}") from exc
    if code.get_fullcode() != digits:  # never expected: the bars must say exactly the ISBN
        raise BarcodeInputError(f"the barcode library encoded {code.get_fullcode()} for {digits}")
    buffer = io.BytesIO()
    code.write(buffer, options={
        "write_text": False,
        "module_width": module_mm,
        "module_height": height_mm,
        # The library pads both sides with one quiet_zone (in mm): the wider, left one.
        "quiet_zone": QUIET_LEFT_MODULES * module_mm,
        "background": "white",
        "foreground": "black",
        "margin_top": 0,
        "margin_bottom": 0,
    })
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]
    # style="fill:black;" -> fill="black": inline in HTML, WeasyPrint reads style attributes as
    # HTML CSS and warns about every SVG property in them; presentation attributes say the same.
    svg = re.sub(r'style="fill:\s*([#\w]+);?"', r'fill="\1"', svg)
    # Drop the generator comment: it names the library version, which would make
    # the cover's bytes change with an upgrade that draws the same bars.
    return re.sub(r"\s*<!--.*?-->", "", svg, flags=re.DOTALL).strip()
