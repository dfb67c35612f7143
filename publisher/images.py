"""Prepare the book's images for one output: downsample, recompress, convert to CMYK.

Pillow lives behind this module. Every result is cached under ``cache`` by the
hash of the source bytes and the settings, so a rebuild reuses it; the cached
file is written once and renamed into place, so two builds never see half a file.
Pillow's decompression-bomb guard stays on: an image of more than
``Image.MAX_IMAGE_PIXELS`` pixels is refused with a ManuscriptError naming the file.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, UnidentifiedImageError

from .errors import ManuscriptError
from .safety import MAX_IMAGE_BYTES, TooLarge, read_bytes, write_file

VERSION = "1"  # part of the cache key: bump when the processing changes
PROCESSED = {"JPEG": ".jpg", "PNG": ".png"}


@dataclass(frozen=True)
class ImageSettings:
    """What one output wants from its images."""

    max_size: tuple[int, int] | None = None  # largest width and height in pixels, or None
    max_pixels: int | None = None  # largest width × height, or None
    quality: int = 90  # JPEG quality when an image is re-encoded
    cmyk_profile: Path | None = None  # convert JPEG photos to this CMYK ICC profile

    def key(self) -> str:
        profile = hashlib.sha256(self.cmyk_profile.read_bytes()).hexdigest() if self.cmyk_profile else ""
        return f"{VERSION}|{self.max_size}|{self.max_pixels}|{self.quality}|{profile}"


def pixels_for(size_mm: tuple[float, float], dpi: int) -> tuple[int, int]:
    """The pixel size an image printed at ``size_mm`` needs at ``dpi``."""
    return tuple(max(1, round(v / 25.4 * dpi)) for v in size_mm)  # type: ignore[return-value]


def prepare_images(images: dict[str, Path], settings: ImageSettings, cache: Path,
                   rel=str) -> dict[str, Path]:
    """The same hrefs mapped to processed files (the original where nothing needed doing)."""
    if settings == ImageSettings(quality=settings.quality):
        for path in images.values():  # passed on as they are: checked all the same
            validate_image(path, cache, rel)
        return dict(images)
    key = settings.key()
    return {href: prepare_image(path, settings, cache, rel, key) for href, path in images.items()}


def prepare_image(path: Path, settings: ImageSettings, cache: Path, rel=str, key: str | None = None) -> Path:
    """One image processed for ``settings``; the source file itself when it is already fine."""
    data = _read(path, rel)
    digest = hashlib.sha256(data + b"\0" + (key or settings.key()).encode()).hexdigest()
    for suffix in PROCESSED.values():
        cached = cache / f"{digest[:32]}{suffix}"
        if cached.exists():
            return cached
    marker = cache / f"{digest[:32]}.same"
    if marker.exists():
        return path
    result = _process(data, settings, path, rel)
    cache.mkdir(parents=True, exist_ok=True)
    if result is None:
        _write(marker, b"")
        return path
    fmt, content = result
    cached = cache / f"{digest[:32]}{PROCESSED[fmt]}"
    _write(cached, content)
    return cached


def _write(path: Path, data: bytes) -> None:
    write_file(path, data)


def _read(path: Path, rel) -> bytes:
    try:
        return read_bytes(path.resolve(), MAX_IMAGE_BYTES)
    except TooLarge as exc:
        raise ManuscriptError(f"the image is too large: {exc}", rel(path),
                              hint="save it smaller (a print photo needs a few MB)") from exc
    except OSError as exc:
        raise ManuscriptError(f"cannot read the image: {exc.strerror or exc}", rel(path)) from exc


def validate_image(path: Path, cache: Path, rel=str) -> None:
    """Refuse a damaged, truncated or empty image (ManuscriptError naming it), whichever output
    it goes to; an image found whole is remembered in ``cache`` by its content."""
    if path.suffix.lower() == ".svg":
        return  # checked by publisher.svg where it is named
    data = _read(path, rel)
    marker = cache / f"{hashlib.sha256(data).hexdigest()[:32]}.ok"
    if marker.exists():
        return
    _open(data, path, rel)
    cache.mkdir(parents=True, exist_ok=True)
    _write(marker, b"")


def _open(data: bytes, path: Path, rel) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning (between the limit and twice it) becomes an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.open(io.BytesIO(data)).verify()  # the file's structure and checksums
            image = Image.open(io.BytesIO(data))
            image.load()  # every pixel: a truncated JPEG fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ManuscriptError(f"the image is too large to process safely: {exc}", rel(path),
                              hint="resize it below 90 megapixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ManuscriptError(f"the image is damaged or not an image: {exc}", rel(path),
                              hint="open it in an image editor and save it again as JPEG or PNG") from exc
    return image


def _process(data: bytes, settings: ImageSettings, path: Path, rel) -> tuple[str, bytes] | None:
    """(format, bytes) of the processed image, or None when the source can be used as it is."""
    if path.suffix.lower() == ".svg":
        return None
    image = _open(data, path, rel)
    fmt = image.format if image.format in PROCESSED else "PNG"
    if fmt != image.format and path.suffix.lower() not in (".png",):
        return None  # GIF, WebP …: the href keeps its suffix, so the file is passed on as it is
    scale = 1.0
    width, height = image.size
    if settings.max_size:
        scale = min(scale, settings.max_size[0] / width, settings.max_size[1] / height)
    if settings.max_pixels:
        scale = min(scale, (settings.max_pixels / (width * height)) ** 0.5)
    to_cmyk = settings.cmyk_profile is not None and fmt == "JPEG" and image.mode != "CMYK"
    if scale >= 1 and not to_cmyk:
        return None
    icc = image.info.get("icc_profile")
    exif = image.getexif()
    orientation = exif.get(0x0112)
    if orientation and orientation != 1:  # apply the camera's rotation before resizing
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
        width, height = image.size
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if image.mode == "P":
            image = image.convert("RGBA")
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    options: dict = {}
    if to_cmyk:
        image = _to_cmyk(image, icc, settings.cmyk_profile, path, rel)
        options["icc_profile"] = settings.cmyk_profile.read_bytes()
    elif icc:
        options["icc_profile"] = icc
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=settings.quality, optimize=True, progressive=False,
                   subsampling="4:2:0" if settings.quality < 90 else "4:4:4", **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return fmt, out.getvalue()


def _to_cmyk(image: Image.Image, icc: bytes | None, profile: Path, path: Path, rel) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else ImageCms.createProfile("sRGB")
        target = ImageCms.getOpenProfile(str(profile))
        rgb = image.convert("RGB")
        return ImageCms.profileToProfile(rgb, source, target, renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                         outputMode="CMYK")
    except (ImageCms.PyCMSError, OSError) as exc:
        raise ManuscriptError(f"cannot convert the image to CMYK with {profile.name}: {exc}", rel(path)) from exc


def rgb_to_cmyk(colours: list[tuple[float, float, float]], profile: Path) -> list[tuple[float, float, float, float]]:
    """Vector colours (0–1 RGB) in the CMYK profile's space; neutral greys become black ink only."""
    try:
        transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
                                            "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    except (ImageCms.PyCMSError, OSError) as exc:
        from .errors import ConfigError

        raise ConfigError(f"icc_profile: {profile.name} is not a usable CMYK ICC profile ({exc})", "book.toml",
                          hint="use the profile file your print house gives you") from exc
    result = []
    for r, g, b in colours:
        if abs(r - g) < 1e-3 and abs(g - b) < 1e-3:  # text and rules: one plate, no registration trouble
            result.append((0.0, 0.0, 0.0, round(1 - r, 4)))
            continue
        pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in (r, g, b)))
        c, m, y, k = ImageCms.applyTransform(pixel, transform).getpixel((0, 0))
        result.append(tuple(round(v / 255, 4) for v in (c, m, y, k)))
    return result
