"""Which colour a print PDF is in, and whether it may call itself PDF/X.

A PDF/X file names the printing condition it was made for: its output intent is the print
house's CMYK profile (a "printer"-class ICC profile with CMYK data). An sRGB output intent
makes a valid-looking file that a prepress preflight still rejects, so a PDF claims PDF/X
only with a printer-class CMYK profile (``[output.<profile>] icc_profile``); without one it
is an RGB PDF 1.6, and the build says so. The interior and the cover spread get the same
handling: the same ``@color-profile`` rule, output intent and CMYK conversion.
"""

from __future__ import annotations

from pathlib import Path


def is_print_cmyk(path: Path | None) -> bool:
    """Whether ``path`` is an ICC profile of an output device ('prtr') with CMYK data."""
    if path is None:
        return False
    try:
        with open(path, "rb") as handle:
            header = handle.read(128)
    except OSError:
        return False
    return len(header) >= 40 and header[36:40] == b"acsp" and header[12:16] == b"prtr" and header[16:20] == b"CMYK"


def claims_pdfx(profile) -> bool:
    """Whether a profile's PDF is written as PDF/X: it asks for it and has a printer CMYK profile."""
    return bool(profile.pdf_variant and profile.pdf_variant.startswith("pdf/x") and is_print_cmyk(profile.icc_profile))


def colour_note(profile) -> str | None:
    """What the build says about a profile that asks for PDF/X without a CMYK profile (None: nothing)."""
    if profile.pdf_variant and profile.pdf_variant.startswith("pdf/x") and not claims_pdfx(profile):
        why = "no icc_profile" if profile.icc_profile is None else f"{profile.icc_profile.name} is not a printer CMYK profile"
        return f"RGB, not {profile.pdf_variant.upper()}: {why}"
    return None


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def colour_profile_css(profile) -> str:
    """The @color-profile rule that makes WeasyPrint embed the CMYK profile as the output intent."""
    if not profile.icc_profile:
        return ""
    return (f"@color-profile device-cmyk {{ src: url({css_string(profile.icc_profile.resolve().as_uri())}); "
            "components: c, m, y, k; }\n")
