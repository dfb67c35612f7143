"""Photos keep their colour profile in the PDF (pdf.iccbased): a phone's or a camera's wide-gamut
photo prints with the colours it was taken with, not read as sRGB."""

from __future__ import annotations

import collections
import io
import struct

import pikepdf
import pytest
from PIL import Image, ImageCms

from publisher import images
from publisher.pdf import photorefs

from ..conftest import make_project, run_cli

GREEN = (60, 160, 70)  # a leaf green as a wide-gamut camera stores it


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def wide_profile(name: str = "Wide RGB (test)") -> bytes:
    """A version 2 display profile with Adobe RGB (1998) primaries (adapted to D50) and gamma 2.2,
    written here byte by byte: a camera's "Adobe RGB" setting stores its photos in such a space."""
    text = name.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 4 + b"\0" * 4 + b"\0" * 3 + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"  # gamma 563 / 256 = 2.2
    tags = [(b"desc", desc), (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", _xyz(0.6097, 0.3111, 0.0195)), (b"gXYZ", _xyz(0.2053, 0.6257, 0.0609)),
            (b"bXYZ", _xyz(0.1492, 0.0632, 0.7446)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
            (b"cprt", b"text\0\0\0\0No copyright, test data\0")]
    table, body = b"", b""
    at = 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", at + len(body), len(data))
        body += data
    size = at + len(body)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0) + _s15(0.9642) + _s15(1.0) + _s15(0.8249))
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _as_srgb(colour, icc: bytes) -> tuple[int, int, int]:
    pixel = Image.new("RGB", (1, 1), colour)
    return ImageCms.profileToProfile(pixel, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                     ImageCms.createProfile("sRGB")).getpixel((0, 0))


def _photo(size, icc: bytes | None, seed: int = 30, fmt: str = "JPEG") -> bytes:
    """Grain with a band of GREEN over its left half, stored with ``icc``."""
    picture = Image.effect_noise(size, seed).convert("RGB")
    picture.paste(GREEN, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    picture.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}), **({"icc_profile": icc} if icc else {}))
    return out.getvalue()


def test_only_a_profile_other_than_srgb_is_carried():
    wide = wide_profile()
    assert _as_srgb(GREEN, wide)[0] < 20  # the test profile is wide: its green is not sRGB's
    assert images.pdf_colour_profile(wide) == wide
    assert images.pdf_colour_profile(_srgb_profile()) is None  # untagged DeviceRGB means sRGB already
    assert images.pdf_colour_profile(None) is None
    assert images.pdf_colour_profile(wide[:200]) is None  # cut short: littleCMS refuses it
    assert images.pdf_colour_profile(b"\0" * 16 + b"RGB " + b"\xff" * 400) is None  # not a profile
    grey = wide[:16] + b"GRAY" + wide[20:]
    assert images.pdf_colour_profile(grey) is None
    assert images.pdf_colour_profile(wide + b"\0" * images.PROFILE_MAX_BYTES) is None
    assert images.photo_profile(_photo((64, 48), wide)) == wide
    assert images.photo_profile(_photo((64, 48), None)) is None
    assert images.photo_profile(b"not a picture") is None


def _colours(page) -> collections.Counter:
    """The greens a rendered page shows, most common first."""
    return collections.Counter(p for p in page.get_flattened_data() if p[1] > 130 and p[1] > p[0] + 50 and p[1] > p[2] + 50)


def _near(a, b, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A book with three photos: a large (by reference) and a small wide-gamut photo, and a large
    sRGB one; its print PDF and its screen PDF."""
    base = tmp_path_factory.mktemp("profiles")
    wide = wide_profile()
    photos = {"images/large.jpg": _photo((1600, 1200), wide), "images/small.jpg": _photo((400, 300), wide, 31),
              "images/srgb.jpg": _photo((1600, 1200), _srgb_profile(), 32),
              "images/screen.png": _photo((300, 200), wide, 33, "PNG")}  # a Mac's screenshot
    assert len(photos["images/large.jpg"]) > images.PLACEHOLDER_MIN_BYTES > len(photos["images/small.jpg"])
    text = ("# Ảnh\n\nMột đoạn văn.\n\n![Ảnh lớn](../images/large.jpg)\n\n![Ảnh nhỏ](../images/small.jpg)\n\n"
            "![Ảnh sRGB](../images/srgb.jpg)\n\n![Ảnh chụp màn hình](../images/screen.png)\n")
    root = make_project(base / "p", {"01-anh.md": text}, files=photos)
    env = {"PUBLISHER_CACHE": str(base / "cache")}
    for args in (("--format", "pdf"), ("--format", "pdf", "--profile", "screen"),
                 ("--format", "pdf", "--out", str(base / "again"))):
        result = run_cli("build", str(root), *args, env=env)
        assert result.returncode == 0, result.stderr + result.stdout
    return {"root": root, "wide": wide, "photos": photos, "print": root / "dist" / "sach-thu.pdf",
            "screen": root / "dist" / "sach-thu-screen.pdf", "again": base / "again" / "sach-thu.pdf"}


def _spaces(path) -> dict[tuple[int, int], tuple]:
    """The images of the PDF by object: (colour space, the profile's bytes or None, the profile's object, the bytes)."""
    found = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                space = image.ColorSpace
                icc = space[1].read_bytes() if isinstance(space, pikepdf.Array) else None
                name = str(space[0]) if isinstance(space, pikepdf.Array) else str(space)
                found[image.objgen] = (name, icc, space[1].objgen if icc else None, image.read_raw_bytes())
    return found


@pytest.mark.parametrize("output", ["print", "screen"])
def test_a_wide_gamut_photo_keeps_its_profile_in_the_pdf(built, output):
    spaces = _spaces(built[output])
    assert len(spaces) == 4
    wide = [entry for entry in spaces.values() if entry[0] == "/ICCBased"]
    assert len(wide) == 2 and all(entry[1] == built["wide"] for entry in wide)
    assert wide[0][2] == wide[1][2]  # one profile stream, shared
    # The sRGB photo as before, and the screenshot, its pixels converted to sRGB (a PNG is decoded).
    assert [entry[0] for entry in spaces.values()].count("/DeviceRGB") == 2
    if output == "print":  # the large photo is still the camera's bytes, put in by reference
        camera = images.pdf_bytes(built["root"] / "images" / "large.jpg")
        assert [entry[0] for entry in spaces.values() if entry[3] == camera] == ["/ICCBased"]


@pytest.mark.parametrize("output", ["print", "screen"])
def test_a_wide_gamut_photo_is_shown_in_its_own_colours(built, output):
    import pypdfium2

    expected = _as_srgb(GREEN, built["wide"])
    assert not _near(expected, GREEN, 20)  # shown as sRGB numbers, the green would be far off
    shown = collections.Counter()
    for page in pypdfium2.PdfDocument(built[output]):
        shown.update(_colours(page.render(scale=1).to_pil().convert("RGB")))
    as_taken = sum(count for colour, count in shown.items() if _near(colour, expected))
    as_numbers = sum(count for colour, count in shown.items() if _near(colour, GREEN))
    # The wide-gamut photos' and the screenshot's green as taken, the sRGB photo's as its numbers
    # say: a green shown as the wide numbers read as sRGB would count with the sRGB photo's.
    assert as_taken > as_numbers > 5_000, shown.most_common(4)
    assert as_taken + as_numbers > 0.95 * sum(shown.values())


def test_the_same_photos_give_the_same_bytes(built):
    assert built["again"].read_bytes() == built["print"].read_bytes()


def test_a_photo_put_in_by_reference_gets_its_profile(tmp_path):
    """pdf.photorefs tags the camera's bytes it puts in place of a stand-in, written ahead or in one go."""
    from .test_photorefs import _book_with_stand_ins, _written_ahead

    path = tmp_path / "wide.jpg"
    path.write_bytes(_photo((1200, 900), wide_profile()))
    digest, stand_in = images.placeholder(path, tmp_path / "cache")
    book = _book_with_stand_ins([stand_in])
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, {digest: path})
    ahead = _written_ahead(book, {digest: path}, tmp_path / "book.pdf")
    for data in (in_memory.getvalue(), ahead):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            photo = pdf.pages[0].Resources.XObject.Im0
            assert photo.ColorSpace[0] == pikepdf.Name.ICCBased
            assert photo.ColorSpace[1].read_bytes() == wide_profile()


def test_a_screenshot_in_another_profile_is_converted_to_srgb(tmp_path):
    """A PNG's profile does not reach the PDF (WeasyPrint decodes PNGs): its pixels are converted."""
    source = tmp_path / "screen.png"
    source.write_bytes(_photo((300, 200), wide_profile(), fmt="PNG"))
    result = images.prepare_image(source, images.ImageSettings(), tmp_path / "cache")
    assert result != source
    with Image.open(result) as converted:
        assert converted.format == "PNG" and "icc_profile" not in converted.info
        assert _near(converted.getpixel((10, 10)), _as_srgb(GREEN, wide_profile()), 2)
    plain = tmp_path / "plain.png"
    plain.write_bytes(_photo((300, 200), _srgb_profile(), fmt="PNG"))
    assert images.prepare_image(plain, images.ImageSettings(), tmp_path / "cache") == plain  # sRGB: as it is
