"""The cover: the print spread (back + spine + front, with bleed) and the EPUB cover image.

Both come from one design (templates/cover-spread.html, which includes the
book's front cover, cover.html, as its front panel; colours and type in
cover.css). The spread is one PDF page: its TrimBox is the closed-up cover,
2 × trim width + spine by the trim height, and its BleedBox adds the print
profile's bleed all round; with crop marks, the MediaBox adds a white slug
beyond the bleed for them and for the fold marks at the spine's edges, as
the interior does. The PDF is made and finished like the print interior.

Spine width = leaves × paper thickness, a leaf being two pages. Give either
``[cover] paper_thickness_mm`` (one leaf) or ``pages_per_inch`` (the printer's
PPI: pages, not leaves, per inch of book block). The default, 0.1 mm a leaf,
is 80 g/m² uncoated offset (about 500 PPI); ask the print house for the
paper's caliper and set it, since the cover paper and glue are not added.

Spine text (title — organisation, or the title alone when it already names
the organisation) runs top to bottom, the tops of the letters towards the
front cover: the way Vietnamese books, like Western ones, read on a shelf.
Spines thinner than SPINE_TEXT_MIN_MM (5 mm: 100 pages on the default paper)
get none: a line of 6–7 pt type needs about 3 mm, and the fold may drift up
to 1 mm either way. The type is sized to fit the spine's width and length.

The EPUB cover image is the front panel alone, rendered by WeasyPrint and
rasterised by pypdfium2, which lives behind this module only. Both are imported only
when a cover is drawn: render.coverstore keeps drawn covers between builds.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from ..config import BookConfig
from ..errors import ConfigError
from . import barcode
from .fonts import FontFile
from .html import RenderedBook
from .templates import Templates

DEFAULT_LEAF_MM = 0.1  # 80 g/m² uncoated offset
SPINE_TEXT_MIN_MM = 5.0
SPINE_MARGIN_MM = 12.0  # clear of the head and tail of the spine
MAX_SPINE_FONT_MM = 4.2  # about 12 pt
MIN_SPINE_FONT_MM = 1.8  # about 5 pt
AVERAGE_ADVANCE_EM = 0.6  # a generous average letter width of bold Noto Sans with Vietnamese marks
COVER_IMAGE_HEIGHT_PX = 1600


@dataclass(frozen=True)
class CoverGeometry:
    """Sizes of the cover sheet in millimetres."""

    trim_w: float
    trim_h: float
    spine: float
    bleed: float
    pages: int
    slug: float = 0.0  # white margin beyond the bleed that holds the crop and fold marks

    @property
    def width(self) -> float:
        """The closed-up cover's width (the TrimBox): back + spine + front."""
        return 2 * self.trim_w + self.spine

    @property
    def media_width(self) -> float:
        return self.width + 2 * self.bleed

    @property
    def front_x(self) -> float:
        return self.trim_w + self.spine

    @property
    def spine_text(self) -> bool:
        return self.spine >= SPINE_TEXT_MIN_MM


@dataclass
class CoverResult:
    geometry: CoverGeometry
    spine_label: str | None  # the text printed on the spine, None when it is too thin
    refused: list[str] = field(default_factory=list)  # URLs WeasyPrint was not allowed to fetch
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's, e.g. an image it could not read


@dataclass(frozen=True)
class CoverImage:
    data: bytes
    media_type: str
    extension: str  # ".png" or ".jpg"


def spine_width_mm(pages: int, config: BookConfig) -> float:
    """The spine's width for ``pages`` interior pages on the configured paper, to 0.01 mm."""
    cover = config.cover
    if cover.pages_per_inch:
        width = pages / cover.pages_per_inch * 25.4
    else:
        width = math.ceil(pages / 2) * (cover.paper_thickness_mm or DEFAULT_LEAF_MM)
    return round(width, 2)


def cover_geometry(config: BookConfig, pages: int) -> CoverGeometry:
    """The spread's geometry: trim size from the book, bleed from the print profile."""
    from ..pdf import CROP_MARK_MM

    trim_w, trim_h = config.trim_mm
    profile = config.profile("print")
    slug = CROP_MARK_MM if profile.crop_marks else 0.0
    return CoverGeometry(trim_w, trim_h, spine_width_mm(pages, config), profile.bleed_mm, pages, slug)


def spine_label(config: BookConfig) -> str:
    """'Title — Organisation', or the title alone when it already names the organisation."""
    title = config.title
    organisation = config.organisation
    if organisation and organisation.casefold() not in title.casefold():
        return f"{title} — {organisation}"
    return title


def spine_font_mm(label: str, geometry: CoverGeometry) -> float:
    """A type size that fits the label on the spine in one line."""
    room = geometry.trim_h - 2 * SPINE_MARGIN_MM
    by_length = room / (AVERAGE_ADVANCE_EM * max(len(label), 1))
    return max(MIN_SPINE_FONT_MM, min(geometry.spine * 0.5, MAX_SPINE_FONT_MM, by_length))


def _fit_spine_label(config: BookConfig, geometry: CoverGeometry) -> tuple[str | None, float]:
    if not geometry.spine_text:
        return None, MIN_SPINE_FONT_MM
    label = spine_label(config)
    size = spine_font_mm(label, geometry)
    if label != config.title and size < min(geometry.spine * 0.5, 2.5):
        # Too long for a readable size: the title alone.
        label = config.title
        size = spine_font_mm(label, geometry)
    return label, size


def cover_html(rendered: RenderedBook, geometry: CoverGeometry, mode: str = "spread",
               marks: bool = False) -> tuple[str, list]:
    """The cover sheet as HTML, and the files (fonts, images) it loads."""
    return sheet_html(rendered.config, rendered.fonts, rendered.labels, geometry, mode, marks)


def sheet_html(config: BookConfig, fonts: list[FontFile], labels: dict[str, str], geometry: CoverGeometry,
               mode: str = "spread", marks: bool = False) -> tuple[str, list]:
    """``cover_html`` from what it needs of the rendered book: its config, fonts and labels."""
    files = [f.path for f in fonts]

    def image_url(src: str) -> str:
        path = (config.root / src).resolve()
        files.append(path)
        return path.as_uri()

    label, font_mm = _fit_spine_label(config, geometry) if mode == "spread" else (None, MIN_SPINE_FONT_MM)
    code = None
    if mode == "spread" and config.isbn:
        try:
            code = {"svg": barcode.ean13_svg(config.isbn), "digits": barcode.human_readable(config.isbn)}
        except barcode.BarcodeInputError as exc:
            raise ConfigError(str(exc), config.rel(config.config_path), hint="check [book] isbn") from exc
    back_text = config.cover.back_text or ""
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", back_text) if p.strip()]
    font_css = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.resolve().as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in fonts
    )
    templates = Templates(config.styles_dir)
    html = templates.render(
        "cover-spread.html",
        config=config,
        lang=config.language,
        labels=labels,
        created=config.source_datetime().strftime("%Y-%m-%dT%H:%M:%SZ"),
        font_css=font_css,
        css=templates.text("cover.css"),
        g=geometry,
        mm=lambda value: f"{value:.3f}mm",
        mode=mode,
        marks=marks,
        spine_label=label,
        spine_font_mm=font_mm,
        barcode=code,
        back_paragraphs=paragraphs,
        image_url=image_url,
        doc_id="cover",
        sheet=True,
    )
    return html, files


def write_cover_pdf(rendered: RenderedBook, pages: int, target) -> CoverResult:
    """Write the print spread for a book of ``pages`` interior pages into ``target``."""
    config = rendered.config
    profile = config.profile("print")
    geometry = cover_geometry(config, pages)
    html, files = cover_html(rendered, geometry, "spread", marks=profile.crop_marks)
    return draw_cover_pdf(config, pages, html, files, target)


def draw_cover_pdf(config: BookConfig, pages: int, html: str, files: list, target) -> CoverResult:
    """``write_cover_pdf`` once its HTML is made (render.coverstore keeps the result)."""
    from ..pdf import write_html_pdf
    from ..pdf import import_weasyprint

    import_weasyprint()

    profile = config.profile("print")
    geometry = cover_geometry(config, pages)
    # Made and finished like the print interior: PDF variant, output intent, boxes, CMYK.
    result = write_html_pdf(html, config, files, target, profile, (geometry.width, geometry.trim_h))
    label, _ = _fit_spine_label(config, geometry)
    return CoverResult(geometry, label, result.refused, result.warnings)


def front_cover_image(rendered: RenderedBook) -> CoverImage:
    """The front cover alone as an image for the EPUB: PNG, or JPEG over a background photo."""
    config = rendered.config
    return draw_front_cover(config, *front_cover_html(config, rendered.fonts, rendered.labels))


def front_cover_html(config: BookConfig, fonts: list[FontFile], labels: dict[str, str]) -> tuple[str, list]:
    """The front panel alone at trim size, as HTML, and the files it loads."""
    trim_w, trim_h = config.trim_mm
    return sheet_html(config, fonts, labels, _FrontOnly(trim_w, trim_h, 0.0, 0.0, 0), "front")


def draw_front_cover(config: BookConfig, html: str, files: list) -> CoverImage:
    """The front cover image from its HTML (``front_cover_html``): WeasyPrint, then pypdfium2."""
    import pypdfium2
    from PIL import Image

    from ..pdf import write_html_pdf
    from ..pdf import import_weasyprint

    import_weasyprint()
    buffer = io.BytesIO()
    write_html_pdf(html, config, files, buffer)
    document = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        page = document[0]
        width_pt, height_pt = page.get_size()
        # As tall as COVER_IMAGE_HEIGHT_PX, within the EPUB's pixel budget.
        scale = min(COVER_IMAGE_HEIGHT_PX / height_pt,
                    math.sqrt(config.epub_image_max_pixels / (width_pt * height_pt)))
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    photo = bool(config.cover.background_image)
    if photo:
        image.save(out, "JPEG", quality=88, optimize=True)
        return CoverImage(out.getvalue(), "image/jpeg", ".jpg")
    # A flat typographic design needs few colours: 128, undithered, keep the lettering's
    # anti-aliasing and make the file about a third of a full-colour PNG.
    image.quantize(128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return CoverImage(out.getvalue(), "image/png", ".png")


@dataclass(frozen=True)
class _FrontOnly(CoverGeometry):
    """The front panel alone: the page is one trim wide and the panel starts at its left edge."""

    @property
    def width(self) -> float:
        return self.trim_w

    @property
    def front_x(self) -> float:
        return 0.0
