"""Prepare the book's images for one output: downsample, recompress, convert to CMYK, turn upright.

Pillow lives behind this module. Every result is cached under ``cache`` by the
hash of the source bytes and the settings, so a rebuild reuses it; the cached
file is written once and renamed into place, so two builds never see half a file.
A photo is decoded once per output, JPEGs at the smallest scale the output needs
(Pillow's draft mode decodes a 4000 × 3000 photo at 1/2, 1/4 or 1/8 size for about that
fraction of the time); ``prepare_ahead`` has the photos a build lacks processed in worker
processes while the build goes on. A photo the camera stored sideways (an EXIF Orientation
other than 1) is turned upright once here, so the PDF never has to decode it; the others
reach the PDF as the camera's own JPEG bytes (``pdf_bytes``). A print PDF that takes its
photos by reference (``ImageSettings.turned_in_pdf``, pdf.photorefs) gets the sideways ones
as they are too: the PDF turns them as it draws them, with no loss and no re-encoding.
A phone's multi-picture JPEG (an HDR gain map or a depth map appended: Pillow's "MPO") is the
JPEG its first picture is (``image_format``, ``jpeg_ranges``). Colours: a JPEG keeps its ICC
profile (pdf.iccbased tags the PDF's image with it); a PNG in a profile other than sRGB (a Mac's
screenshot) is converted to sRGB, since WeasyPrint draws a PNG's pixels without it
(``pdf_colour_profile`` says which profiles are not sRGB).
Pillow's decompression-bomb guard stays on: nothing is decoded larger than
``Image.MAX_IMAGE_PIXELS`` (89.5 megapixels). A JPEG may be stored larger (a phone's 108- or
200-megapixel photo, a stitched panorama: up to ``JPEG_PIXELS_FACTOR`` times the guard), since it
is decoded at half its size or less (draft mode) and goes into the print PDF as its own bytes;
any other image over the guard, or a JPEG over its own limit, is refused with a ManuscriptError
naming the file (``open_image``).

An image in a format that EPUB readers and browsers do not all show (a scanner's TIFF, a BMP,
an iPhone's HEIC, read through pi-heif, an AVIF saved from a news site) is converted for every output, once: to JPEG when it
is a photograph (three colour channels), to PNG otherwise (transparency, grey or black-and-white
scans, palettes); ``output_suffix`` says which, from the file's header, so the documents can
name the converted file (render.html). The file's bytes decide, not its name: a PNG saved as
``anh.jpg`` goes into the outputs as ``.png``, a BMP saved as ``.jpg`` is converted like a BMP.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pi_heif
from PIL import Image, ImageCms, JpegImagePlugin, UnidentifiedImageError

from .cache import known_digest
from .errors import DamagedImage, ManuscriptError
from .safety import MAX_IMAGE_BYTES, MAX_SCAN_BYTES, TooLarge, open_file, read_bytes, write_file

pi_heif.register_heif_opener()  # HEIC / HEIF photos (iPhones save them) open in Pillow like any other

# How many times Pillow's guard a JPEG's stored picture may have: 358 megapixels, room for a
# phone's 200-megapixel photo and a stitched panorama. Decoded at half size, such a JPEG has at
# most the guard's pixels (``_open``); no other format can be decoded smaller.
JPEG_PIXELS_FACTOR = 4
OPTIMIZE_MAX_PIXELS = 25_000_000  # a JPEG encoded larger than this gets the standard Huffman tables (_encode)

VERSION = "5"  # part of the cache key: bump when the processing changes
PROCESSED = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# What every EPUB reader and WeasyPrint show as they are (EPUB 3 core media types); any other
# image is converted (``output_suffix``).
WEB = (".jpg", ".jpeg", ".png", ".gif", ".webp")
SHOWN_AS_IS = (*WEB, ".svg")
# Images converted for the outputs: scanners' TIFF, BMP, phones' HEIC / HEIF, and AVIF, which news
# sites serve and a browser saves (Pillow reads it; EPUB readers need not).
CONVERTED = (".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif")
PHOTO_SUFFIXES = (*WEB, *CONVERTED)  # what a photo may be (a gallery folder takes these)


def image_format(image: Image.Image) -> str | None:
    """Pillow's name for the format of ``image``, a phone's multi-picture JPEG counted as JPEG.

    Pixel (Ultra HDR), Samsung and iPhone cameras append a second picture to their JPEGs (an HDR
    gain map, a depth map) and describe it in an APP2 "MPF" segment; Pillow then opens the file as
    "MPO". Its first picture is an ordinary JPEG, and the one every viewer shows.
    """
    return "JPEG" if image.format == "MPO" else image.format


def open_image(source, formats: tuple[str, ...] | None = None) -> Image.Image:
    """``Image.open`` of ``source`` (a path, bytes, a binary file or an OnDisk scan): its header,
    nothing decoded.

    Pillow's guard against images made to exhaust the memory holds for every format but JPEG,
    which may have ``JPEG_PIXELS_FACTOR`` times its pixels (see the module doc). An image over
    its limit raises Image.DecompressionBombError, with Pillow's wording of the size and the
    limit that ``_refusals`` puts in plain words.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif isinstance(source, OnDisk):
        source = source.open()  # closed with the image's last reference
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit is checked below
        try:
            image = Image.open(source, formats=formats)
        except Image.DecompressionBombError as refused:  # over twice the guard: maybe a JPEG
            if formats is not None and "JPEG" not in formats:
                raise
            if hasattr(source, "seek"):
                source.seek(0)
            try:
                image = JpegImagePlugin.jpeg_factory(source)  # Image.open less its guard: the header only
            except Exception:
                raise refused from None
    limit = _pixel_limit(image)
    pixels = image.width * image.height
    if limit and pixels > limit:
        image.close()
        raise Image.DecompressionBombError(f"Image size ({pixels} pixels) exceeds limit of {limit} pixels")
    return image


def _pixel_limit(image: Image.Image) -> int:
    """The most pixels ``image`` may have as stored (0: no limit, as Pillow's guard set to None)."""
    guard = Image.MAX_IMAGE_PIXELS or 0
    return guard * JPEG_PIXELS_FACTOR if image_format(image) == "JPEG" else guard


def as_shown(data: bytes, shown, name: str, rel) -> tuple[bytes, str]:
    """The picture ``data`` as Word shows it (``shown``, a readers.docxpictures.Shown): shown
    upright by its EXIF orientation, cropped (the part of each side cut off), flipped, then turned
    a quarter clockwise that many times; and its suffix: a JPEG stays JPEG (quality 95, no chroma
    subsampling: it is encoded once more), anything else becomes PNG. A picture that cannot be
    decoded raises ManuscriptError naming ``name``."""
    from PIL import ImageOps

    image = _open(data, Path(name), rel)
    fmt = image_format(image)
    icc = image.info.get("icc_profile")
    if _orientation(image) != 1:
        image = ImageOps.exif_transpose(image)
    width, height = image.size
    left, top, right, bottom = shown.crop
    box = (round(width * left), round(height * top), round(width * (1 - right)), round(height * (1 - bottom)))
    if box[2] > box[0] and box[3] > box[1] and box != (0, 0, width, height):
        image = image.crop(box)
    if shown.flip_h:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if shown.flip_v:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    turn = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}
    if shown.quarter_turns in turn:  # (Pillow's ROTATE_ turns anticlockwise)
        image = image.transpose(turn[shown.quarter_turns])
    options = {"icc_profile": icc} if icc else {}
    out = io.BytesIO()
    if fmt == "JPEG" and image.mode in ("RGB", "L", "CMYK"):
        image.save(out, "JPEG", quality=95, subsampling="4:4:4", **options)
        return out.getvalue(), ".jpg"
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        image = image.convert("RGBA")
    image.save(out, "PNG", optimize=True, **options)
    return out.getvalue(), ".png"


def metafile_size_mm(data: bytes) -> tuple[float, float] | None:
    """The printed size in millimetres a Windows metafile (EMF, or WMF with its placeable header:
    the drawings Word keeps, readers.metafile) declares in its header, or None when it has none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data), formats=("WMF",)) as header:  # the header only: Pillow cannot draw one
                dpi = header.info.get("dpi")
                dpi = dpi if isinstance(dpi, tuple) else (dpi, dpi)
                size = tuple(v / d * 25.4 for v, d in zip(header.size, dpi))
    except Exception:
        return None
    return size if all(0 < v < 10_000 for v in size) else None  # type: ignore[return-value]


def without_opaque_alpha(png: bytes) -> bytes:
    """A PNG whose alpha channel is opaque everywhere (a drawing on a white page) saved without
    it: a PDF then carries no soft mask for it. Any other PNG is returned as it is."""
    with Image.open(io.BytesIO(png)) as image:
        if image.mode != "RGBA" or image.getchannel("A").getextrema() != (255, 255):
            return png
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


# The suffix of each format every reader shows as it is. A file's bytes decide, not its name: a
# PNG saved as "anh.jpg" (a picture kept from a web page or a chat) is a PNG in the outputs, where
# an EPUB names each image's media type after its suffix (EPUBCheck: OPF-029, PKG-022).
_SHOWN_SUFFIX = {**PROCESSED, "GIF": ".gif"}


def _header_format(path: Path) -> str | None:
    """The format ``path``'s header names (image_format); None when it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open_image(path) as header:
                return image_format(header)
    except Exception:
        return None  # refused, with its reason, when the build reads it (_open)


def output_suffix(path: Path) -> str:
    """The suffix of the file the outputs get for the image ``path``: its own when every reader
    shows it, else ".jpg" for a photograph and ".png" for anything else (see the module doc).
    A file whose bytes are not what its suffix says gets the suffix of what they are."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return suffix
    if suffix in WEB:
        kind = _header_format(path)
        if kind is None or _SHOWN_SUFFIX.get(kind) == (".jpg" if suffix == ".jpeg" else suffix):
            return suffix
        if kind in _SHOWN_SUFFIX:
            return _SHOWN_SUFFIX[kind]
    return PROCESSED[_converted_format(path)]


def _converted_format(path: Path, image: Image.Image | None = None) -> str:
    """JPEG for an image of three colour channels (a photograph) or CMYK; PNG for the rest."""
    if image is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with open_image(path) as header:  # the header only, as readers.imagesize reads it
                    mode = header.mode
        except Exception:
            return "JPEG"  # refused, with its reason, when the build reads it (_open)
    else:
        mode = image.mode
    return "JPEG" if mode in ("RGB", "YCbCr", "CMYK") else "PNG"


@dataclass(frozen=True)
class ImageSettings:
    """What one output wants from its images."""

    max_size: tuple[int, int] | None = None  # largest width and height in pixels, or None
    max_pixels: int | None = None  # largest width × height, or None
    quality: int = 90  # JPEG quality when an image is re-encoded
    cmyk_profile: Path | None = None  # convert JPEG photos to this CMYK ICC profile
    # A sideways camera JPEG that pdf.photorefs can take by reference is left as it is: the PDF
    # turns it with a matrix (lossless), where turning it here decodes and re-encodes 12 megapixels.
    turned_in_pdf: bool = False
    # A CMYK photo (from a print house's files, an earlier book) converted to sRGB: screens and
    # EPUB readers show RGB, and some show a CMYK JPEG in wrong colours or not at all.
    rgb: bool = False
    # For a PDF: WeasyPrint embeds any picture but a JPEG as its raw pixels, so a photo saved
    # from a news site as WebP (lossy, opaque) becomes a JPEG: a tenth of the bytes (``_webp``).
    pdf: bool = False

    def key(self) -> str:
        profile = hashlib.sha256(self.cmyk_profile.read_bytes()).hexdigest() if self.cmyk_profile else ""
        turned = "|turned-in-pdf" if self.turned_in_pdf else ""  # the others keep their cache keys
        rgb = "|rgb" if self.rgb else ""
        pdf = "|pdf" if self.pdf else ""
        return f"{VERSION}|{self.max_size}|{self.max_pixels}|{self.quality}|{profile}{turned}{rgb}{pdf}"


def pixels_for(size_mm: tuple[float, float], dpi: int) -> tuple[int, int]:
    """The pixel size an image printed at ``size_mm`` needs at ``dpi``."""
    return tuple(max(1, round(v / 25.4 * dpi)) for v in size_mm)  # type: ignore[return-value]


def prepare_images(images: dict[str, Path], settings: ImageSettings, cache: Path, rel=str) -> dict[str, Path]:
    """The same hrefs mapped to processed files (the original where nothing needed doing)."""
    key = settings.key()
    return {href: prepare_image(path, settings, cache, rel, key) for href, path in images.items()}


def prepare_ahead(images: dict[str, Path], settings: list[ImageSettings], cache: Path, workers) -> None:
    """Hand the images the cache lacks for any of ``settings`` (one a output) to ``workers`` (a
    workers.Workers) and return at once: prepare_images, once they are done, finds them in the
    cache. An image converted for the outputs (a HEIC …) is decoded once for all of them: decoding
    a phone's 12-megapixel HEIC takes a second, ten times what the rest of its processing takes."""
    if not workers.enabled:
        return
    keyed = [(s, s.key()) for s in settings]
    jobs: list[tuple[Path, list[tuple[ImageSettings, str]]]] = []
    for path in dict.fromkeys(images.values()):
        try:
            wanted = [(s, key) for s, key in keyed if _cached(path, cache, key) is None]
        except OSError:
            continue  # the build reports it when it reads the image itself
        if path.suffix.lower() in CONVERTED:
            jobs += [(path, wanted)] if wanted else []
        else:  # a JPEG is decoded at the scale each output needs (draft mode): one job each
            jobs += [(path, [one]) for one in wanted]
    if len(jobs) < 2:
        return  # not worth a worker: the build does it
    size = max(1, min(8, len(jobs) // (workers.count * 3)))  # small chunks: the workers finish together
    for start in range(0, len(jobs), size):
        workers.submit(_prepare_chunk, jobs[start:start + size], cache)


def _prepare_chunk(jobs: list[tuple[Path, list[tuple[ImageSettings, str]]]], cache: Path) -> None:
    """A worker's job: process and cache each image for each settings; a failure is left for the
    build to report."""
    for path, wanted in jobs:
        try:
            decoded = _open(_read(path, str), path, str) if len(wanted) > 1 else None
            for settings, key in wanted:
                prepare_image(path, settings, cache, str, key, decoded)
        except Exception:
            pass


def _content_digest(path: Path, cache: Path) -> str:
    """The sha256 of a file's bytes, remembered under its path, size, times and inode: a rebuild
    does not read hundreds of megabytes of photos again to find them in the cache."""
    return known_digest(path.resolve(), cache / "stamps")


def _cached(path: Path, cache: Path, key: str) -> Path | None:
    """The file to use for ``path`` when the cache knows it for ``key`` (maybe ``path`` itself)."""
    name = hashlib.sha256(f"{_content_digest(path, cache)}|{key}".encode()).hexdigest()[:32]
    for suffix in PROCESSED.values():
        cached = cache / f"{name}{suffix}"
        if cached.exists():
            return cached
    if (cache / f"{name}.same").exists():
        return path
    return None


def prepare_image(path: Path, settings: ImageSettings, cache: Path, rel=str, key: str | None = None,
                  decoded: Image.Image | None = None) -> Path:
    """One image processed for ``settings``; the source file itself when it is already fine.
    ``decoded``: the image already decoded at full size (used for a converted format)."""
    key = key or settings.key()
    try:
        found = _cached(path, cache, key)
        if found is not None:
            return found
    except OSError as exc:
        raise ManuscriptError(f"cannot read the image: {exc.strerror or exc}", rel(path)) from exc
    data = _read(path, rel)
    # The file's digest as _cached found it (by its stamp): a 5 MB photo is not hashed again.
    content = _content_digest(path, cache)
    digest = hashlib.sha256(f"{content}|{key}".encode()).hexdigest()
    marker = cache / f"{digest[:32]}.same"
    result = _process(data, settings, path, rel, decoded)
    cache.mkdir(parents=True, exist_ok=True)
    if result is None:  # passed on as it is (maybe known from its header alone): checked all the same
        validate_image(path, cache, rel, data, content)
        _write(marker, b"")
        return path
    fmt, content = result
    cached = cache / f"{digest[:32]}{PROCESSED[fmt]}"
    _write(cached, content)
    return cached


def _write(path: Path, data: bytes) -> None:
    write_file(path, data)


@dataclass(frozen=True)
class OnDisk:
    """A scan saved uncompressed (TIFF, BMP), read from disk as Pillow decodes it rather than held
    whole beside its decoded pixels: 104 MB less at the peak for an A4 page at 600 dpi."""

    path: Path

    def open(self):
        return open_file(self.path, MAX_SCAN_BYTES)


SCANS = (".tif", ".tiff", ".bmp")  # formats a scanner saves uncompressed


def _read(path: Path, rel) -> bytes | OnDisk:
    """The image's bytes; for a TIFF or BMP (up to MAX_SCAN_BYTES), the file to decode from."""
    scan = path.suffix.lower() in SCANS
    try:
        if scan:
            with open_file(path.resolve(), MAX_SCAN_BYTES):  # there, a regular file, not too large
                return OnDisk(path.resolve())
        return read_bytes(path.resolve(), MAX_IMAGE_BYTES)
    except TooLarge as exc:
        hint = ("save it as a compressed TIFF (LZW) or a JPEG at 300 dpi: the print needs no more" if scan
                else "save it smaller (a print photo needs a few MB)")
        raise ManuscriptError(f"the image is too large: {exc}", rel(path), hint=hint) from exc
    except OSError as exc:
        raise ManuscriptError(f"cannot read the image: {exc.strerror or exc}", rel(path)) from exc


def validate_image(path: Path, cache: Path, rel=str, data: bytes | None = None, digest: str | None = None) -> None:
    """Refuse a damaged, truncated or empty image (ManuscriptError naming it), whichever output
    it goes to; an image found whole is remembered in ``cache`` by its content (``digest``,
    the sha256 of ``data`` when the caller has it)."""
    if path.suffix.lower() == ".svg":
        return  # checked by publisher.svg where it is named
    data = _read(path, rel) if data is None else data
    marker = cache / f"{(digest or hashlib.sha256(data).hexdigest())[:32]}.ok"
    if marker.exists():
        return
    with _refusals(path, rel):  # the file's structure and checksums, and the size guard
        open_image(data).verify()
    if data[:3] == b"\xff\xd8\xff":
        _check_jpeg(data, path, rel)
    else:  # every block of the picture decoded (a PNG's checksums read): a damaged one fails here
        _open(data, path, rel)
    cache.mkdir(parents=True, exist_ok=True)
    _write(marker, b"")


def _check_jpeg(data: bytes, path: Path, rel) -> None:
    """Refuse a truncated JPEG (opened already, by validate_image): its segments must be whole
    up to the picture and the picture must end with the end-of-image marker.

    Decoding finds no more: libjpeg decodes damaged picture data with a warning, and fails
    only when the data runs out (a photo cut short in a copy or a download). The marker
    cannot occur inside the picture data (a 0xFF there is always followed by 0x00 or a restart
    number), so the first one after the first scan is where the picture ends; bytes after it
    (a phone's second picture) are the file's business. Decoding a camera photo even at 1/8
    scale took 0.054 s; this is a search through its bytes.
    """
    scan = _first_scan(data)
    if scan is None or data.find(b"\xff\xd9", scan) < 0:
        what = "its headers are cut short" if scan is None else "the file ends before the picture does"
        raise DamagedImage(f"the image is damaged or not an image: a truncated JPEG ({what})", rel(path),
                           hint="copy the photo again from the camera or the original folder")


def _first_scan(data: bytes) -> int | None:
    """Where the first scan's picture data starts, after whole segments with a frame header; None: no such scan."""
    at, frame = 2, False
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes before a marker
            at += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            at += 2
            continue
        end = at + 2 + int.from_bytes(data[at + 2:at + 4], "big")
        if end > len(data) or end < at + 4:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = True
        if marker == 0xDA:
            return end if frame else None
        at = end
    return None


def _open(data: bytes, path: Path, rel, settings: ImageSettings | None = None) -> Image.Image:
    """The decoded image; a JPEG at the smallest draft scale that still covers what ``settings``
    keep, and at least at the scale that brings it within Pillow's guard (a 200-megapixel photo
    at half size: 50 megapixels)."""
    with _refusals(path, rel):
        open_image(data).verify()  # the file's structure and checksums
        image = open_image(data)
        if image_format(image) == "JPEG" and image.mode in ("RGB", "L", "CMYK"):
            wanted = _within_guard(image.size)
            if settings is not None:
                scale = _scale(_upright(image.size, _orientation(image)), settings)
                wanted = tuple(min(a, max(1, math.ceil(v * scale))) for a, v in zip(wanted, image.size))
            if wanted != image.size:  # draft() keeps at least this size, so the resize below still does the work
                image.draft(image.mode, wanted)
        guard = Image.MAX_IMAGE_PIXELS
        if guard and image.width * image.height > guard:  # never decoded larger than the guard
            raise Image.DecompressionBombError(
                f"Image size ({image.width * image.height} pixels) exceeds limit of {guard} pixels")
        image.load()
    return image


def _within_guard(size: tuple[int, int]) -> tuple[int, int]:
    """The size to ask JPEG's draft mode for so that it decodes at most Pillow's guard of pixels:
    ``size`` itself when it is within, else the size at 1/2, 1/4 or 1/8 (``_reduction``; rounded
    down, as draft() compares)."""
    reduction = _reduction(size)
    return size if reduction == 1 else (max(1, size[0] // reduction), max(1, size[1] // reduction))


def _reduction(size: tuple[int, int]) -> int:
    """1, 2, 4 or 8: the least that a JPEG of ``size`` is divided by, as draft mode decodes it, to
    have at most Pillow's guard of pixels (8 when none is enough: _open then refuses it)."""
    guard = Image.MAX_IMAGE_PIXELS
    for reduction in (1, 2, 4, 8):
        # libjpeg's scaled picture is the size divided, rounded up
        if not guard or math.ceil(size[0] / reduction) * math.ceil(size[1] / reduction) <= guard:
            return reduction
    return 8


@contextlib.contextmanager
def _refusals(path: Path, rel):
    """Pillow's errors on opening or decoding an image, as a ManuscriptError naming it."""
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning (between the limit and twice it) becomes an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # In plain words, not Pillow's ("could be decompression bomb DOS attack"): the editor's
        # picture is most likely a huge scan or panorama, or a phone's photo saved as PNG.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"it has {int(found.group(1)) / 1e6:.3g} megapixels, and " if found else ""
        guard = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
        jpeg = guard * JPEG_PIXELS_FACTOR
        raise ManuscriptError(f"the image is too large to process safely: {size}publisher takes at most "
                              f"{jpeg:.3g} megapixels in a JPEG photo and {guard:.3g} in any other image "
                              "(a guard against files made to exhaust the memory)", rel(path),
                              hint=f"save it as JPEG, or a copy at most {guard:.3g} megapixels large, and use "
                              "that (a photo printed across a page needs about 10)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DamagedImage(f"the image is damaged or not an image: {_why(path, exc)}", rel(path),
                          hint="open it in an image editor and save it again as JPEG or PNG") from exc


def _why(path: Path, exc: Exception) -> str:
    """Pillow's reason in plain words: "cannot identify image file <_io.BytesIO object at 0x…>"
    names an object in memory, not the file."""
    if not isinstance(exc, UnidentifiedImageError):
        return str(exc)
    with contextlib.suppress(OSError):
        if path.stat().st_size == 0:
            return "the file is empty (0 bytes)"
    return "its bytes are not a picture in any format publisher reads"


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112) or 1)
    except (ValueError, TypeError, OSError, SyntaxError):
        return 1


def _upright(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The size as shown: EXIF orientations 5 to 8 turn the picture a quarter."""
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _scale(size: tuple[int, int], settings: ImageSettings) -> float:
    width, height = size
    scale = 1.0
    if settings.max_size:
        scale = min(scale, settings.max_size[0] / width, settings.max_size[1] / height)
    if settings.max_pixels:
        scale = min(scale, (settings.max_pixels / (width * height)) ** 0.5)
    return scale


def _process(data: bytes, settings: ImageSettings, path: Path, rel,
             decoded: Image.Image | None = None) -> tuple[str, bytes] | None:
    """(format, bytes) of the processed image, or None when the source can be used as it is."""
    if path.suffix.lower() == ".svg":
        return None
    if path.suffix.lower() not in SHOWN_AS_IS:
        return _convert(data, settings, path, rel, decoded)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            header = open_image(data)
    except Exception:
        header = None  # _open names the problem
    if header is not None and image_format(header) not in _SHOWN_SUFFIX:
        header.close()  # a BMP or TIFF under a web suffix: converted as its own suffix would have it
        return _convert(data, settings, path, rel, decoded)
    if header is not None:  # nothing to do is known from the header alone: no decoding
        with header:
            kind = image_format(header)
            if kind == "WEBP":
                return _webp(data, header, settings, path, rel)
            fmt = kind if kind in PROCESSED else "PNG"
            if fmt != kind:
                return None  # GIF: its href has its suffix (output_suffix), so the file is passed on as it is
            orientation = _orientation(header)
            to_cmyk = settings.cmyk_profile is not None and fmt == "JPEG" and header.mode != "CMYK"
            to_rgb = settings.rgb and header.mode == "CMYK"
            by_reference = settings.turned_in_pdf and referable(header, len(data))
            # A PNG in a colour space other than sRGB (a Mac's screenshot, in its display's
            # profile) is converted to sRGB: WeasyPrint draws a PNG's pixels without its profile.
            profiled = fmt == "PNG" and _png_profile(header) is not None
            deep = header.mode in DEEP_MODES  # a 16-bit grey scan: WeasyPrint draws it wrong (_eight_bits)
            # A JPEG over Pillow's guard (a 200-megapixel photo) is decoded smaller for WeasyPrint,
            # which opens images under the guard, unless it goes into the PDF by reference.
            huge = header.width * header.height > (Image.MAX_IMAGE_PIXELS or math.inf)
            if (_scale(_upright(header.size, orientation), settings) >= 1 and not to_cmyk and not to_rgb and not profiled
                    and not deep
                    and (orientation == 1 or by_reference) and (not huge or by_reference)):
                if header.format != "MPO" or by_reference:  # pdf.photorefs leaves out the pictures appended
                    return None
                # The first picture as the camera wrote it, without the ones appended (a gain map
                # doubles an EPUB's photo): its bytes copied, not decoded.
                return "JPEG", _first_picture(data, exif=True)
    image = _open(data, path, rel, settings)
    kind = image_format(image)
    fmt = kind if kind in PROCESSED and kind != "WEBP" else "PNG"
    if fmt != kind and path.suffix.lower() not in (".png",):
        return None
    return _encode(image, fmt, settings, path, rel)


def _webp(data: bytes, header: Image.Image, settings: ImageSettings, path: Path, rel) -> tuple[str, bytes] | None:
    """A WebP image (``header`` opened): a lossy one without transparency (a photo saved from a
    news site) as JPEG for a PDF (``ImageSettings.pdf``); any still WebP larger than the output
    wants, scaled down as WebP (the EPUB's href keeps its suffix); else None, as it is. An
    animated one is left as it is: a PDF shows its first picture, a reading system plays it."""
    if getattr(header, "n_frames", 1) > 1:
        return None
    lossy = _webp_lossy(data)
    if settings.pdf and lossy and header.mode == "RGB":
        return _encode(_open(data, path, rel, settings), "JPEG", settings, path, rel)
    if _scale(header.size, settings) < 1:
        return _encode(_open(data, path, rel, settings), "WEBP", settings, path, rel, lossless=not lossy)
    return None


def _webp_lossy(data: bytes) -> bool:
    """Whether a WebP file's picture is lossy (a "VP8 " chunk, as photos are saved) rather than
    lossless ("VP8L": drawings and screenshots). The chunks are read from the RIFF header on;
    an extended file ("VP8X") names its picture's chunk after its alpha and profile chunks."""
    at = 12
    while at + 8 <= len(data):
        chunk, size = data[at:at + 4], int.from_bytes(data[at + 4:at + 8], "little")
        if chunk in (b"VP8 ", b"VP8L"):
            return chunk == b"VP8 "
        at += 8 + size + (size & 1)  # chunks are padded to an even length
    return False


def _convert(data: bytes, settings: ImageSettings, path: Path, rel,
             decoded: Image.Image | None = None) -> tuple[str, bytes]:
    """An image in a format not shown as it is (TIFF, BMP, HEIC …), as JPEG or PNG (``output_suffix``)."""
    image = decoded if decoded is not None else _open(data, path, rel, settings)
    fmt = _converted_format(path, image)
    if image.mode in DEEP_MODES:
        image = _eight_bits(image)
    if fmt == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")  # e.g. a 32-bit float TIFF: PNG has no such mode
    return _encode(image, fmt, settings, path, rel)


def _encode(image: Image.Image, fmt: str, settings: ImageSettings, path: Path, rel,
            lossless: bool = False) -> tuple[str, bytes]:
    """The decoded ``image`` turned upright, scaled for ``settings`` and encoded as ``fmt``
    (a WebP ``lossless`` as its source was)."""
    to_cmyk = settings.cmyk_profile is not None and fmt == "JPEG" and image.mode != "CMYK"
    icc = image.info.get("icc_profile")
    orientation = _orientation(image)
    if orientation != 1:  # apply the camera's rotation before resizing
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
    if image.mode in DEEP_MODES:
        image = _eight_bits(image)
    # The scale from the size as shown: the draft may already have shrunk the decoded picture.
    width, height = image.size
    scale = _scale((width, height), settings)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if image.mode == "P":
            image = image.convert("RGBA")
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    options: dict = {}
    if settings.rgb and image.mode == "CMYK":
        image, icc = _to_srgb(image, icc), None
    if to_cmyk:
        image = _to_cmyk(image, icc, settings.cmyk_profile, path, rel)
        options["icc_profile"] = settings.cmyk_profile.read_bytes()
    elif fmt == "PNG" and _png_profile(image) is not None:
        image = _to_srgb(image, icc)  # a PNG's profile is lost in the PDF (pdf.iccbased tags JPEGs only)
    elif icc:
        options["icc_profile"] = icc
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        # Optimised Huffman tables (a few per cent smaller) hold every coefficient of the picture
        # in memory: 400 MB for a 200-megapixel photo at half size, so not for such a picture.
        optimize = image.width * image.height <= OPTIMIZE_MAX_PIXELS
        image.save(out, "JPEG", quality=settings.quality, optimize=optimize, progressive=False,
                   subsampling="4:2:0" if settings.quality < 90 else "4:4:4", **options)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=settings.quality, lossless=lossless, method=4, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return fmt, out.getvalue()


def pdf_bytes(path: Path) -> bytes:
    """The bytes the PDF embeds for an image file: a JPEG shown as stored loses its EXIF block.

    WeasyPrint applies a JPEG's EXIF orientation by decoding the photo, and re-encodes every
    JPEG that carries EXIF at all (even "as stored"); without the block, it embeds the
    camera's bytes as they are (DCTDecode). A photo that must be turned keeps its EXIF: a
    build serves none (prepare_image turns it upright first, or pdf.photorefs takes it by
    reference and the PDF turns it); should one reach WeasyPrint, it turns it.
    """
    data = path.read_bytes()
    if not data.startswith(b"\xff\xd8"):
        return data
    try:
        with open_image(data) as image:
            if image_format(image) != "JPEG" or _orientation(image) != 1:
                return data
    except Exception:
        return data  # WeasyPrint reports what it cannot read
    return _first_picture(data, exif=False)


def jpeg_without_exif(handle, size: int) -> list[tuple[int, int]]:
    """(offset, length) ranges of a JPEG file (``handle``, ``size`` bytes) that make it without its
    EXIF block and without the pictures a phone appends to it (``jpeg_ranges``)."""
    return jpeg_ranges(handle, size, exif=False)


def jpeg_ranges(handle, size: int, exif: bool) -> list[tuple[int, int]]:
    """(offset, length) ranges of a JPEG file (``handle``, ``size`` bytes) that make its first
    picture alone: without the EXIF block unless ``exif``, and, in a multi-picture file
    (``image_format``), without the "MPF" segment and the pictures after the first.

    Only the header segments are read (a few kB): the picture itself, from the scan on, is one
    range, so a writer can copy it from the file without holding it (pdf.photorefs). A
    multi-picture file is searched for the end of its first picture: the first end-of-image
    marker after the scan (the marker never occurs inside the picture data, see _check_jpeg).
    """
    ranges, at, appended = [(0, 2)], 2, False

    def keep(start: int, length: int) -> None:
        if ranges[-1][0] + ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], ranges[-1][1] + length)
        else:
            ranges.append((start, length))

    while at + 4 <= size:
        handle.seek(at)
        head = handle.read(10)
        if len(head) < 4 or head[0] != 0xFF:
            break
        marker = head[1]
        if marker == 0xDA or not 0xC0 <= marker <= 0xFE:  # the picture itself (or odd bytes): all the rest
            break
        end = min(size, at + 2 + int.from_bytes(head[2:4], "big"))
        if marker == 0xE2 and head[4:8] == b"MPF\0":
            appended = True
        elif exif or not (marker == 0xE1 and head[4:10] == b"Exif\0\0"):
            keep(at, end - at)
        at = end
    if at < size:
        keep(at, (_picture_end(handle, at, size) if appended else size) - at)
    return ranges


def _first_picture(data: bytes, exif: bool) -> bytes:
    """The JPEG ``data`` cut to ``jpeg_ranges``: its first picture alone, with or without its EXIF block."""
    return b"".join(data[start:start + length] for start, length in jpeg_ranges(io.BytesIO(data), len(data), exif))


def _picture_end(handle, at: int, size: int) -> int:
    """Where the first picture of a multi-picture JPEG ends: after the first end-of-image marker from ``at``."""
    handle.seek(at)
    tail = b""
    while at < size:
        block = handle.read(min(_SEARCH_BLOCK, size - at))
        if not block:
            break
        found = (tail + block).find(b"\xff\xd9")
        if found >= 0:
            return at - len(tail) + found + 2
        tail, at = block[-1:], at + len(block)
    return size  # no end found: the file as it is (WeasyPrint and the PDF reader stop where they can)


_SEARCH_BLOCK = 1 << 20


def _png_profile(image: Image.Image) -> bytes | None:
    """The RGB profile other than sRGB a PNG (or an image becoming one) carries, else None."""
    return pdf_colour_profile(image.info.get("icc_profile")) if image.mode in ("RGB", "RGBA", "P", "PA") else None


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """``image`` converted from its profile ``icc`` to sRGB: an RGB, RGBA or palette image (a PNG in
    a display's profile) with its transparency kept; a CMYK one (a print house's photo) through
    its press profile, or by Pillow's plain conversion when it has none or a damaged one (its
    numbers are then all there is)."""
    if image.mode == "CMYK":
        mode, source = "RGB", image
    else:
        mode = "RGBA" if image.mode in ("RGBA", "PA") or "transparency" in image.info else "RGB"
        source = image.convert(mode)
    converted = None
    try:
        if icc:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                converted = ImageCms.profileToProfile(
                    source, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"),
                    renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        if image.mode != "CMYK":
            raise
    converted = converted or source.convert(mode)
    # littleCMS's sRGB profile carries the day it was made: the image keeps none (sRGB is what an
    # untagged PNG or JPEG means), so the same sources give the same bytes.
    converted.info.pop("icc_profile", None)
    return converted


DEEP_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")  # Pillow's modes of grey in 16 or 32 bits


def _eight_bits(image: Image.Image) -> Image.Image:
    """A grey image of 16 (or 32) bits a sample, as a scanner saves one, in 8 bits: WeasyPrint
    writes a 16-bit PNG's samples into the PDF as if they were 8 bits (the picture drawn half
    its height, dark, the rest blank), and 8 bits are all a page or a screen shows. A sample's
    range is the one its mode holds (0 to 65,535), or, for 32 bits, the highest sample."""
    image = image.convert("I") if image.mode != "I" else image
    low, high = image.getextrema()
    top = 65535 if high <= 65535 and image.info.get("bits", 16) <= 16 else max(high, 1)
    scaled = image.point(lambda v: v * 255 / top + 0.5) if top > 255 else image
    out = scaled.convert("L")
    out.info.update({k: v for k, v in image.info.items() if k in ("dpi", "exif", "icc_profile")})
    return out


def _to_cmyk(image: Image.Image, icc: bytes | None, profile: Path, path: Path, rel) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else ImageCms.createProfile("sRGB")
        target = ImageCms.getOpenProfile(str(profile))
        rgb = image if image.mode == "RGB" else image.convert("RGB")  # no copy of 50 megapixels
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


# A photo's own ICC profile larger than this is not carried into a PDF (a phone's Display P3
# takes 536 bytes, a camera's Adobe RGB 560; a profile of megabytes is a printer's, not a photo's).
PROFILE_MAX_BYTES = 256 * 1024


def photo_profile(source) -> bytes | None:
    """The ICC profile a JPEG (its bytes, or a binary file) carries in its headers, or None.
    Only the headers are read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open_image(source) as image:
                return image.info.get("icc_profile") if image_format(image) == "JPEG" and image.mode == "RGB" else None
    except Exception:
        return None


def pdf_colour_profile(icc: bytes | None) -> bytes | None:
    """The profile a PDF must tag an RGB photo with (an ICCBased colour space) for its colours to
    print as they were taken, or None when untagged DeviceRGB is right.

    PDF readers and RIPs take DeviceRGB numbers as sRGB, and WeasyPrint writes every image as
    DeviceRGB whatever profile the file carries. For a phone's Display P3 or a camera's Adobe
    RGB photo that dulls the colours (a green that Adobe RGB stores as 60, 160, 70 is 0, 161,
    60 in sRGB). A profile that means sRGB (any of its many copies), that is not an RGB
    profile, that littleCMS cannot use, or that is too large, gives None.
    """
    if not icc or len(icc) > PROFILE_MAX_BYTES or len(icc) < 132 or icc[16:20] != b"RGB ":
        return None
    return bytes(icc) if _differs_from_srgb(bytes(icc)) else None


def _pixels(image: Image.Image):
    """The pixels of ``image`` in order (Pillow 12 renamed getdata)."""
    return image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()


@functools.lru_cache(maxsize=16)
def _differs_from_srgb(icc: bytes) -> bool:
    """Whether colours through ``icc`` come out of sRGB different (a 5 × 5 × 5 grid, by more than 3 of 255)."""
    steps = (0, 64, 128, 191, 255)
    grid = [(r, g, b) for r in steps for g in steps for b in steps]
    samples = Image.new("RGB", (len(grid), 1))
    samples.putdata(grid)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            converted = ImageCms.profileToProfile(samples, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                                  ImageCms.createProfile("sRGB"),
                                                  renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    except Exception:  # a damaged or hostile profile: the photo is shown as untagged, as before
        return False
    return any(abs(a - b) > 3 for old, new in zip(grid, _pixels(converted)) for a, b in zip(old, new))


PLACEHOLDER_MIN_BYTES = 256 * 1024  # smaller JPEGs go into the PDF the ordinary way
_MARK = b"publisher-photo:"


def referable(image: Image.Image, size: int) -> bool:
    """Whether a photo (opened, ``size`` bytes) can go into a PDF by reference (``placeholder``):
    a large baseline JPEG in RGB or grey, its EXIF orientation a known one."""
    return (size >= PLACEHOLDER_MIN_BYTES and image_format(image) == "JPEG" and image.mode in ("RGB", "L")
            and _orientation(image) in range(1, 9) and not image.info.get("progressive")
            and "transparency" not in image.info)


def placeholder(path: Path, cache: Path) -> tuple[str, Path] | None:
    """(content digest, a stand-in JPEG) for a large RGB or grey JPEG (``referable``), else None.

    The stand-in has the photo's shape as shown (turned upright by its EXIF orientation) and its
    colour mode, so it is laid out exactly like it, but is only the JPEG headers (under 1 kB,
    never decoded), with the digest, the orientation and the photo's stored size in a comment:
    the PDF is laid out, cached and joined with stand-ins, and pdf.photorefs puts the camera's
    bytes in at the end, read from disk as the file is written (a book of 400 photos never holds
    them all). A photo over Pillow's guard (a phone's 200-megapixel shot) gets a stand-in of half
    its size or less, which WeasyPrint opens; its shape is the photo's to a pixel.
    """
    try:
        stat = path.stat()
        if stat.st_size < PLACEHOLDER_MIN_BYTES or path.suffix.lower() not in (".jpg", ".jpeg"):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open_image(path) as image:
                if not referable(image, stat.st_size):
                    return None
                orientation = _orientation(image)
                stored, mode = image.size, image.mode
        digest = _content_digest(path, cache)
    except Exception:
        return None  # the ordinary way reports what is wrong with it
    # "-3": the comment carries the stored size since; a stand-in kept from before is not read.
    target = cache / f"{digest[:32]}.stand-in-3.jpg"
    if not target.exists():
        reduction = _reduction(stored)
        size = _upright(tuple(max(1, math.ceil(v / reduction)) for v in stored), orientation)
        comment = _MARK + digest.encode("ascii") + b"/%d/%dx%d" % (orientation, *stored)
        data = _headers_only(mode, size)
        cache.mkdir(parents=True, exist_ok=True)
        _write(target, data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:])
    return digest, target


def _headers_only(mode: str, size: tuple[int, int]) -> bytes:
    """A JPEG of ``size`` pixels in ``mode`` that is its headers alone (up to the scan's) and the
    end marker: nothing decodes a stand-in. Made from a one-block picture with the frame's size
    set: a flat picture of a photo's size takes a second and 190 kB of scan data to make."""
    out = io.BytesIO()
    Image.new(mode, (16, 16), 128 if mode == "L" else (128, 128, 128)).save(out, "JPEG", quality=5)
    data = bytearray(out.getvalue())
    frame = data.index(b"\xff\xc0")  # baseline: height and width after the length and the precision
    data[frame + 5:frame + 9] = size[1].to_bytes(2, "big") + size[0].to_bytes(2, "big")
    scan = data.index(b"\xff\xda")
    return bytes(data[:scan + 2 + int.from_bytes(data[scan + 2:scan + 4], "big")]) + b"\xff\xd9"


def placeholder_digest(data: bytes) -> tuple[str, int, tuple[int, int]] | None:
    """The digest, EXIF orientation and stored (width, height) a stand-in JPEG (``placeholder``)
    carries, or None for any other bytes."""
    if data[:4] != b"\xff\xd8\xff\xfe" or data[6:6 + len(_MARK)] != _MARK:
        return None
    found = re.match(rb"([0-9a-f]{64})/([1-8])/(\d{1,5})x(\d{1,5})", data[6 + len(_MARK):6 + len(_MARK) + 80])
    if not found:
        return None
    return found.group(1).decode("ascii"), int(found.group(2)), (int(found.group(3)), int(found.group(4)))
