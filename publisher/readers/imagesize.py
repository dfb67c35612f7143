"""Read a photo's displayed size from its file header, without decoding it.

Photo pages need only to know whether a photo is landscape or portrait. Pillow's
``Image.open`` reads the header only (the pixels are decoded on first use, which never comes
here), so this costs one small read per file. A JPEG's EXIF orientation (5–8: turned a
quarter) swaps width and height, as a viewer shows it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .. import images  # it registers pi-heif: Pillow then opens HEIC headers too

__all__ = ["image_size"]

# What a photo page takes (the last three converted by publisher.images); anything else reads as unknown.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "HEIF", "AVIF")
_ORIENTATION = 0x0112  # the EXIF tag; 5–8 mean the picture is shown turned a quarter


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels as the photo is shown, or None for an unknown or broken file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a huge or odd header is an answer (None), not a warning
            with images.open_image(path, formats=FORMATS) as image:  # a 200-megapixel JPEG too
                width, height = image.size
                orientation = image.getexif().get(_ORIENTATION, 1) if images.image_format(image) == "JPEG" else 1
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return (width, height) if width > 0 and height > 0 else None
