"""What a PDF build returns, and the choices every pass shares (write options, colour converter)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import OutputProfile


@dataclass
class PdfResult:
    pages: int
    refused: list[str] = field(default_factory=list)  # URLs WeasyPrint was not allowed to fetch
    warnings: list[str] = field(default_factory=list)
    front_pages: int = 0  # pages numbered in roman before the body's page 1
    padding: int = 0  # blank pages added to fill the last signature
    wide: list[dict] = field(default_factory=list)  # tables wider than the text block (pdf.overflow)


def identifier(config) -> str:
    """The identifier the PDF carries (file ID, XMP DocumentID): ISBN, identifier or slug."""
    return config.isbn or config.identifier or config.slug


def colour_converter(profile: OutputProfile):
    """RGB colours to the profile's CMYK (finish.Finish.rgb_to_cmyk); None without a CMYK profile."""
    if not profile.icc_profile:
        return None
    from ..images import rgb_to_cmyk

    return lambda colours: rgb_to_cmyk(colours, profile.icc_profile)


def write_options(config, profile: OutputProfile) -> dict:
    """The write_pdf options of a profile (PDF variant, identifier)."""
    identifier = config.isbn or config.identifier or config.slug
    options: dict = {"pdf_identifier": identifier.encode(), "pdf_tags": profile.tagged}
    from .colour import claims_pdfx

    if profile.pdf_variant and (claims_pdfx(profile) or not profile.pdf_variant.startswith("pdf/x")):
        options["pdf_variant"] = profile.pdf_variant
    elif profile.pdf_variant:  # PDF/X asked for without a printer CMYK profile: an RGB PDF (pdf.colour)
        options["pdf_version"] = "1.6"
    else:
        options["pdf_version"] = "1.7"
    return options
