"""Image preparation: downsampling, recompression, CMYK, the cache, bad images."""

from __future__ import annotations

import io
from pathlib import Path
import zipfile

import pytest
from PIL import Image

from publisher import images
from publisher.errors import ManuscriptError
from publisher.images import ImageSettings, pixels_for, prepare_image, prepare_images

from .conftest import ROOT, huge_jpeg, make_project, run_cli


def photo(path, size=(2000, 1200)) -> None:
    image = Image.new("RGB", size)
    for x in range(0, size[0], 50):  # some detail, so JPEG sizes mean something
        image.paste((x % 255, 80, 255 - x % 255), (x, 0, x + 25, size[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=95)


def test_pixels_for_a_printed_size():
    assert pixels_for((25.4, 50.8), 150) == (150, 300)


def test_downsampled_to_the_largest_size_and_smaller(tmp_path):
    source = tmp_path / "a.jpg"
    photo(source)
    result = prepare_image(source, ImageSettings(max_size=(500, 500), quality=80), tmp_path / "cache")
    with Image.open(result) as image:
        assert image.size == (500, 300) and image.format == "JPEG"
    assert result.stat().st_size < source.stat().st_size
    assert source.read_bytes()  # the original is untouched


def test_max_pixels_for_the_epub(tmp_path):
    source = tmp_path / "a.png"
    Image.new("RGB", (1000, 1000), "red").save(source)
    result = prepare_image(source, ImageSettings(max_pixels=250_000), tmp_path / "cache")
    with Image.open(result) as image:
        assert image.size == (500, 500) and image.format == "PNG"


def test_small_images_are_used_as_they_are(tmp_path):
    source = tmp_path / "a.jpg"
    photo(source, (300, 200))
    assert prepare_image(source, ImageSettings(max_size=(500, 500)), tmp_path / "cache") == source


def test_the_cache_is_used_on_a_rebuild(tmp_path, monkeypatch):
    source = tmp_path / "a.jpg"
    photo(source)
    settings = ImageSettings(max_size=(400, 400))
    first = prepare_image(source, settings, tmp_path / "cache")

    def fail(*args):
        raise AssertionError("processed twice")

    monkeypatch.setattr(images, "_process", fail)
    assert prepare_image(source, settings, tmp_path / "cache") == first
    # Other settings or other bytes are another entry.
    with pytest.raises(AssertionError, match="processed twice"):
        prepare_image(source, ImageSettings(max_size=(300, 300)), tmp_path / "cache")


def test_a_damaged_image_names_the_file(tmp_path):
    source = tmp_path / "images" / "hong.jpg"
    source.parent.mkdir()
    source.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ManuscriptError, match="damaged") as caught:
        prepare_image(source, ImageSettings(max_size=(10, 10)), tmp_path / "cache", rel=lambda p: "images/hong.jpg")
    assert caught.value.path == "images/hong.jpg"


def test_the_decompression_bomb_guard_is_on(tmp_path, monkeypatch):
    source = tmp_path / "big.png"
    Image.new("L", (400, 400)).save(source)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ManuscriptError, match="too large") as caught:
        prepare_image(source, ImageSettings(max_size=(10, 10)), tmp_path / "cache", rel=lambda p: "big.png")
    assert caught.value.path == "big.png"
    # In plain words: the photo's size against the limit, not Pillow's "decompression bomb DOS attack".
    assert ("it has 0.16 megapixels, and publisher takes at most 0.04 megapixels in a JPEG photo and 0.01 in "
            "any other image") in str(caught.value)
    assert "DOS" not in str(caught.value) and "save it as JPEG, or a copy at most 0.01 megapixels" in caught.value.hint


@pytest.mark.parametrize("size", [(120, 100), (180, 120)])  # Pillow warns between its limit and twice it, refuses over
def test_an_image_other_than_jpeg_over_the_guard_is_refused(tmp_path, monkeypatch, size):
    source = tmp_path / "scan.png"
    Image.effect_noise(size, 30).save(source)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    for check in (lambda: images.validate_image(source, tmp_path / "cache"),
                  lambda: prepare_image(source, ImageSettings(max_size=(50, 50)), tmp_path / "cache")):
        with pytest.raises(ManuscriptError, match="too large to process safely"):
            check()


def _jpeg(path, size, orientation=1):
    """A grainy JPEG of ``size`` with three coloured corners; its EXIF ``orientation``."""
    picture = Image.effect_noise(size, 40).convert("RGB")
    w, h = size
    for colour, box in (((230, 20, 20), (0, 0, w // 4, h // 4)), ((20, 200, 20), (w - w // 4, 0, w, h // 4)),
                        ((20, 20, 230), (0, h - h // 4, w // 4, h))):
        picture.paste(colour, box)
    tags = Image.Exif()
    tags[0x0112] = orientation
    picture.save(path, "JPEG", quality=90, exif=tags.tobytes())
    return path


# Pillow's guard made 10,000 pixels: a JPEG of 150 × 100 is over it (Pillow warns), 180 × 120 over
# twice it (Pillow refuses), 200 × 200 four times it (the most a JPEG may have); none is decoded
# larger than the guard, each at the scale that fits it (a 200-megapixel phone photo at half size).
@pytest.mark.parametrize("size, decoded", [((150, 100), (75, 50)), ((180, 120), (90, 60)), ((200, 200), (100, 100))])
def test_a_jpeg_over_the_guard_is_taken_and_decoded_within_it(tmp_path, monkeypatch, size, decoded):
    source = _jpeg(tmp_path / "anh.jpg", size)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    loaded = []
    load = Image.Image.load

    def watched(image):
        loaded.append(image.size)
        return load(image)

    monkeypatch.setattr(Image.Image, "load", watched)
    images.validate_image(source, tmp_path / "cache")
    # The print's settings (no size wanted) and the EPUB's (smaller): both within the guard.
    whole = prepare_image(source, ImageSettings(), tmp_path / "cache")
    small = prepare_image(source, ImageSettings(max_size=(40, 40)), tmp_path / "cache")
    assert all(w * h <= 10_000 for w, h in loaded) and loaded
    with Image.open(whole) as image:
        assert image.size == decoded and image.getpixel((2, 2))[0] > 150  # the red corner, where it was
    with Image.open(small) as image:
        assert max(image.size) == 40
    from publisher.readers.imagesize import image_size

    assert image_size(source) == size  # its header read all the same (photo pages, check)


def test_a_sideways_jpeg_over_the_guard_is_turned_upright(tmp_path, monkeypatch):
    source = _jpeg(tmp_path / "anh.jpg", (180, 120), orientation=6)  # shown turned a quarter clockwise
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    result = prepare_image(source, ImageSettings(), tmp_path / "cache")
    with Image.open(result) as image:
        assert image.size == (60, 90)
        assert image.getpixel((image.width - 3, 2))[0] > 150  # stored top left, shown top right


def test_a_jpeg_over_four_times_the_guard_is_refused(tmp_path, monkeypatch):
    source = _jpeg(tmp_path / "anh.jpg", (210, 200))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ManuscriptError, match="it has 0.042 megapixels, and publisher takes at most 0.04 "
                                              "megapixels in a JPEG photo") as caught:
        prepare_image(source, ImageSettings(max_size=(40, 40)), tmp_path / "cache", rel=lambda p: "images/anh.jpg")
    assert caught.value.path == "images/anh.jpg"


@pytest.mark.parametrize("size, wanted", [((100, 100), (100, 100)), ((150, 100), (75, 50)), ((201, 199), (50, 49)),
                                          ((400, 400), (100, 100)), ((900, 900), (112, 112))])
def test_the_draft_asked_for_brings_a_jpeg_within_the_guard(monkeypatch, size, wanted):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    # 201 × 199 at half size is 101 × 100, over the guard; 900 × 900 at 1/8 still is: _open refuses it
    assert images._within_guard(size) == wanted


def test_prepare_images_keeps_the_hrefs(tmp_path):
    source = tmp_path / "a.jpg"
    photo(source)
    found = prepare_images({"images/a.jpg": source}, ImageSettings(max_size=(100, 100)), tmp_path / "cache")
    assert list(found) == ["images/a.jpg"] and found["images/a.jpg"] != source


@pytest.mark.slow
def test_epub_images_are_downsampled(tmp_path):
    toml = '[book]\ntitle = "Sách thử"\n[output]\nepub_image_max_pixels = 90000\n'
    buffer = io.BytesIO()
    photo_path = tmp_path / "src.jpg"
    photo(photo_path)
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài\n\n![Ảnh](../images/anh.jpg)\n"}, toml,
                        {"images/anh.jpg": photo_path.read_bytes()})
    result = run_cli("build", str(root), "--format", "epub", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("anh.jpg"))
        buffer.write(epub.read(name))
    with Image.open(buffer) as image:
        assert image.width * image.height <= 90000 and image.size[0] > 300


@pytest.mark.slow
def test_a_phones_200_megapixel_photo_goes_into_the_book_never_decoded_whole(tmp_path):
    """A 200-megapixel shot (16,320 × 12,240, stored sideways) as a Samsung phone saves one: the
    print PDF has its own bytes at its own size, the EPUB a phone-sized copy, and no process of
    the build holds it decoded (600 MB for its pixels alone)."""
    import os
    import subprocess
    import sys

    import pikepdf

    photo = huge_jpeg(16320, 12240, orientation=6)
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài\n\n![Ảnh chụp bằng điện thoại](../images/anh.jpg)\n"},
                        None, {"images/anh.jpg": photo})
    peak = "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); " \
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", peak, sys.executable, "-m", "publisher", "build", str(root)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) < 400 * 1024  # kB: the largest process of the build
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        found = {image.objgen: image for page in pdf.pages for image in page.get_images().values()}  # forms too
        shown = list(found.values())  # (pages share one dictionary of resources)
        assert [(int(i.Width), int(i.Height)) for i in shown] == [(16320, 12240)]
        kept = b"".join(photo[s:s + n] for s, n in images.jpeg_without_exif(io.BytesIO(photo), len(photo)))
        assert shown[0].read_raw_bytes() == kept
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("anh.jpg"))
        with Image.open(io.BytesIO(epub.read(name))) as image:
            assert image.size == (960, 1280)  # upright, phone-sized
    checked = run_cli("check", str(root))
    assert "cannot be read" not in checked.stdout + checked.stderr and "too large" not in checked.stdout


def camera_photo(path, size=(1200, 900), orientation=None) -> None:
    """A JPEG with an EXIF block, as cameras write them; ``orientation`` turns it when shown."""
    image = Image.new("RGB", size)
    image.paste((200, 30, 30), (0, 0, size[0] // 4, size[1]))  # a red band on the stored left edge
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    if orientation:
        exif[0x0112] = orientation
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())


def test_a_photo_stored_sideways_is_turned_upright_once(tmp_path):
    source = tmp_path / "a.jpg"
    camera_photo(source, orientation=6)  # shown turned a quarter clockwise: the red band on top
    result = prepare_image(source, ImageSettings(), tmp_path / "cache")
    assert result != source
    with Image.open(result) as image:
        assert image.size == (900, 1200)
        assert image.getexif().get(0x0112) in (None, 1)
        assert image.getpixel((450, 10))[0] > 150 and image.getpixel((450, 1190))[0] < 60


def test_a_photo_shown_as_stored_is_used_as_it_is(tmp_path):
    source = tmp_path / "a.jpg"
    camera_photo(source)
    assert prepare_image(source, ImageSettings(), tmp_path / "cache") == source


def test_pdf_bytes_drop_only_the_exif_block(tmp_path):
    source = tmp_path / "a.jpg"
    camera_photo(source)
    data = source.read_bytes()
    served = images.pdf_bytes(source)
    assert b"Exif\0\0" in data and b"Exif\0\0" not in served
    assert served.endswith(data[data.index(b"\xff\xda"):])  # the compressed picture untouched
    with Image.open(io.BytesIO(served)) as image:
        assert "exif" not in image.info and image.size == (1200, 900)
    turned = tmp_path / "b.jpg"
    camera_photo(turned, orientation=6)
    assert images.pdf_bytes(turned) == turned.read_bytes()  # WeasyPrint needs its orientation


def test_workers_prepare_the_images_ahead(tmp_path, monkeypatch):
    from publisher.workers import Workers

    sources = {}
    for n in range(3):
        sources[f"images/{n}.jpg"] = tmp_path / f"{n}.jpg"
        photo(sources[f"images/{n}.jpg"], (800 + n * 10, 600))
    settings = ImageSettings(max_size=(200, 200))
    with Workers(2) as workers:
        if not workers.enabled:
            pytest.skip("no fork here")
        assert images.prepare_ahead(sources, [settings], tmp_path / "cache", workers) is None

    def fail(*args):
        raise AssertionError("processed again")

    monkeypatch.setattr(images, "_process", fail)
    found = prepare_images(sources, settings, tmp_path / "cache")
    for href, path in found.items():
        with Image.open(path) as image:
            assert max(image.size) == 200, href


@pytest.mark.slow
def test_the_print_pdf_embeds_the_camera_jpegs_as_they_are(tmp_path):
    import pikepdf

    small, large = tmp_path / "small.jpg", tmp_path / "large.jpg"
    camera_photo(small, (1600, 1200))  # flat: a few kB, embedded the ordinary way
    grain = Image.effect_noise((2400, 1800), 60).convert("RGB")  # over 256 kB: put in by reference
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    grain.save(large, "JPEG", quality=92, exif=exif.tobytes())
    assert large.stat().st_size > images.PLACEHOLDER_MIN_BYTES
    text = "# Bài\n\n![Ảnh nhỏ](../images/small.jpg)\n\n![Ảnh lớn](../images/large.jpg)\n"
    root = make_project(tmp_path / "p", {"01-bai.md": text}, '[book]\ntitle = "Sách thử"\n',
                        {"images/small.jpg": small.read_bytes(), "images/large.jpg": large.read_bytes()})
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        streams = {}
        for page in pdf.pages:
            for stream in page.get_images().values():
                streams.setdefault(int(stream.Width), []).append(stream)
        for width, source in ((1600, small), (2400, large)):
            assert streams.get(width), width
            for stream in streams[width]:  # the camera's bytes: not decoded and re-encoded, no stand-in left
                assert stream.Filter == pikepdf.Name.DCTDecode
                assert stream.read_raw_bytes() == images.pdf_bytes(source)
    # Put in by reference, the file is still the same bytes from another cache (and from this one).
    for cache in ("cache2", "cache"):
        again = run_cli("build", str(root), "--format", "pdf", "--out", str(tmp_path / cache / "out"),
                        env={"PUBLISHER_CACHE": str(tmp_path / cache)})
        assert again.returncode == 0, again.stderr
        assert (tmp_path / cache / "out" / "sach-thu.pdf").read_bytes() == (root / "dist" / "sach-thu.pdf").read_bytes()


def test_a_sideways_camera_photo_goes_into_the_print_pdf_as_it_is_turned_by_the_pdf(tmp_path):
    import pikepdf
    import pypdfium2

    source = tmp_path / "sideways.jpg"
    grain = Image.effect_noise((1600, 1200), 60).convert("RGB")
    grain.paste((220, 20, 20), (0, 0, 300, 1200))  # a red band on the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise: the red band on top
    grain.save(source, "JPEG", quality=92, exif=exif.tobytes())
    assert source.stat().st_size > images.PLACEHOLDER_MIN_BYTES
    # Not decoded and re-encoded for the print PDF (the EPUB's copy is turned upright as before).
    assert prepare_image(source, ImageSettings(turned_in_pdf=True), tmp_path / "c") == source
    text = "# Bài\n\nMột đoạn văn.\n\n![Ảnh chụp dọc](../images/sideways.jpg)\n"
    root = make_project(tmp_path / "p", {"01-bai.md": text}, '[book]\ntitle = "Sách thử"\n',
                        {"images/sideways.jpg": source.read_bytes()})
    result = run_cli("build", str(root), "--format", "pdf", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    pdf_path = root / "dist" / "sach-thu.pdf"
    data = source.read_bytes()
    camera = b"".join(data[s:s + n] for s, n in images.jpeg_without_exif(io.BytesIO(data), len(data)))
    with pikepdf.open(pdf_path) as pdf:
        found = {image.objgen: image for page in pdf.pages for image in page.get_images().values()}
        assert len(found) == 1
        photo = next(iter(found.values()))
        assert photo.read_raw_bytes() == camera and (int(photo.Width), int(photo.Height)) == (1600, 1200)

    def shown(page, test):
        return [y for y in range(page.height) for x in range(0, page.width, 3) if test(page.getpixel((x, y)))]

    pages = [page.render(scale=1).to_pil().convert("RGB") for page in pypdfium2.PdfDocument(pdf_path)]
    with_photo = [p for p in pages if shown(p, lambda c: c[0] > 150 and c[1] < 90 and c[2] < 90)]
    assert len(with_photo) == 1
    red = shown(with_photo[0], lambda c: c[0] > 150 and c[1] < 90 and c[2] < 90)
    grey = shown(with_photo[0], lambda c: 40 < c[0] < 200 and abs(c[0] - c[1]) < 25 and abs(c[1] - c[2]) < 25)
    assert grey and max(red) < sum(grey) / len(grey)  # the band is shown on top, as the camera meant


def _grainy_jpeg(**options) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((640, 480), 50).convert("RGB").save(out, "JPEG", quality=85, **options)
    return out.getvalue()


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"restart_marker_blocks": 4}])
def test_a_jpeg_cut_short_anywhere_is_refused_without_decoding_it(tmp_path, options):
    data = _grainy_jpeg(**options)
    scan = data.index(b"\xff\xda")
    for cut in (20, scan + 3, scan + 20, len(data) // 2, len(data) - 2):
        path = tmp_path / f"cut{cut}.jpg"
        path.write_bytes(data[:cut])
        with pytest.raises(ManuscriptError, match="damaged|not an image") as caught:
            images.validate_image(path, tmp_path / "cache", lambda p: p.name)
        assert caught.value.path == path.name
    whole = tmp_path / "whole.jpg"
    whole.write_bytes(data)
    images.validate_image(whole, tmp_path / "cache", str)


def test_a_whole_jpeg_passes_with_what_phones_append_or_damage_libjpeg_decodes_anyway(tmp_path):
    data = _grainy_jpeg()
    second = _grainy_jpeg()  # a phone's second picture (MPF) after the end of the first
    middle = len(data) // 2
    for name, variant in (("appended.jpg", data + second), ("padded.jpg", data + b"\0" * 64),
                          ("garbled.jpg", data[:middle] + bytes(range(256)).replace(b"\xff", b"") + data[middle + 255:])):
        path = tmp_path / name
        path.write_bytes(variant)
        images.validate_image(path, tmp_path / "cache", str)
        with Image.open(path) as image:
            image.load()  # what the check stands for: libjpeg decodes these (with a warning at most)


# --- formats converted for the outputs: scanners' TIFF, BMP, phones' HEIC ------------------------

HEIC = Path(__file__).resolve().parent / "fixtures" / "sideways.heic"  # tools/make_heic_fixture.py


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_a_phone_heic_photo_becomes_an_upright_jpeg(tmp_path):
    source = tmp_path / "IMG_0001.HEIC"
    source.write_bytes(HEIC.read_bytes())
    assert images.output_suffix(source) == ".jpg"
    result = prepare_image(source, ImageSettings(), tmp_path / "cache")
    assert result.suffix == ".jpg"
    with Image.open(result) as image:
        # Stored 96 x 64 with EXIF Orientation 6: shown 64 x 96, the stored left half (red) on top.
        assert image.format == "JPEG" and image.size == (64, 96)
        red, blue = image.convert("RGB").getpixel((32, 10)), image.convert("RGB").getpixel((32, 85))
        assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]


@pytest.mark.parametrize("name, mode, fmt, options, suffix", [
    ("scan.tif", "RGB", "TIFF", {"compression": "tiff_lzw"}, ".jpg"),  # a scanned photograph
    ("decision.tiff", "1", "TIFF", {"compression": "group4"}, ".png"),  # a black-and-white document
    ("grey.tif", "L", "TIFF", {}, ".png"),
    ("logo.bmp", "RGB", "BMP", {}, ".jpg"),
    ("cutout.tif", "RGBA", "TIFF", {}, ".png"),
])
def test_tiff_and_bmp_become_jpeg_or_png_as_output_suffix_says(tmp_path, name, mode, fmt, options, suffix):
    source = tmp_path / name
    source.write_bytes(_encoded(Image.new(mode, (300, 200), "white" if mode != "RGB" else (40, 90, 160)),
                                fmt, **options))
    assert images.output_suffix(source) == suffix
    result = prepare_image(source, ImageSettings(max_pixels=10_000), tmp_path / "cache")
    assert result.suffix == suffix
    with Image.open(result) as image:
        assert image.format == {".jpg": "JPEG", ".png": "PNG"}[suffix]
        assert image.size == (122, 82)  # scaled like any other image
    assert prepare_image(source, ImageSettings(), tmp_path / "cache").suffix == suffix  # converted at any size


@pytest.mark.parametrize("name, fmt", [("ban-quet.tif", "TIFF"), ("ban-quet.bmp", "BMP")])
def test_a_scan_over_the_photo_limit_is_decoded_from_disk_never_read_whole(tmp_path, monkeypatch, name, fmt):
    # An archive's master scan saved uncompressed (an A4 page at 600 dpi: 104 MB; 209 MB in 48-bit
    # colour) is over the 100 MB of a photo: taken up to MAX_SCAN_BYTES, and Pillow reads it from the
    # file as it decodes it, where its bytes were held whole beside the pixels. Here in miniature.
    source = tmp_path / name
    source.write_bytes(_encoded(Image.linear_gradient("L").resize((600, 400)).convert("RGB"), fmt))
    size = source.stat().st_size  # 720 kB
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", size // 4)
    monkeypatch.setattr(images, "MAX_SCAN_BYTES", size * 2)
    read_whole = []
    real = images.read_bytes
    monkeypatch.setattr(images, "read_bytes", lambda path, limit: read_whole.append(path) or real(path, limit))
    result = prepare_image(source, ImageSettings(max_size=(300, 300)), tmp_path / "cache")
    with Image.open(result) as image:
        assert image.format == "JPEG" and image.size == (300, 200)
        assert image.convert("L").getpixel((150, 10)) < image.convert("L").getpixel((150, 190))  # the gradient
    assert read_whole == []
    monkeypatch.setattr(images, "MAX_SCAN_BYTES", size // 2)  # over the scans' limit: named, with what to do
    with pytest.raises(ManuscriptError) as error:
        prepare_image(source, ImageSettings(max_size=(200, 200)), tmp_path / "cache")
    assert "too large" in error.value.message and "compressed TIFF (LZW)" in error.value.hint


def _web_photo(size=(900, 600)) -> Image.Image:
    """A photo-like picture (grain over colour bands), as news sites serve them."""
    picture = Image.effect_noise(size, 25).convert("RGB")
    bands = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.blend(picture, bands, 0.5)


def test_a_webp_photo_becomes_a_jpeg_for_a_pdf_and_stays_webp_for_the_epub(tmp_path):
    source = tmp_path / "bao.webp"
    source.write_bytes(_encoded(_web_photo(), "WEBP", quality=80))
    printed = prepare_image(source, ImageSettings(pdf=True, turned_in_pdf=True), tmp_path / "cache")
    with Image.open(printed) as image:  # WeasyPrint embeds a JPEG's bytes; a WebP as raw pixels
        assert image.format == "JPEG" and image.size == (900, 600)
    # The EPUB takes WebP: as it is when small enough, scaled (still WebP) when larger than it wants.
    assert prepare_image(source, ImageSettings(max_pixels=600_000, rgb=True), tmp_path / "cache") == source
    smaller = prepare_image(source, ImageSettings(max_pixels=60_000, quality=75, rgb=True), tmp_path / "cache")
    assert smaller.suffix == ".webp"
    with Image.open(smaller) as image:
        assert image.format == "WEBP" and image.size == (300, 200)
        assert images._webp_lossy(smaller.read_bytes())


@pytest.mark.parametrize("kind", ["lossless", "transparent", "animated"])
def test_a_webp_that_is_not_an_opaque_photo_is_left_as_it_is_for_a_pdf(tmp_path, kind):
    source = tmp_path / "hinh.webp"
    picture = _web_photo((300, 200))
    if kind == "lossless":  # a diagram or a screenshot: no JPEG artefacts wanted
        data = _encoded(picture, "WEBP", lossless=True)
    elif kind == "transparent":  # a logo over the page: JPEG has no transparency
        picture = picture.convert("RGBA")
        picture.putalpha(Image.linear_gradient("L").resize((300, 200)))
        data = _encoded(picture, "WEBP", quality=80)
    else:
        data = _encoded(picture, "WEBP", quality=80, save_all=True,
                        append_images=[picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)], duration=500)
    source.write_bytes(data)
    if kind != "animated":  # (an animation's pictures are inside its frames' chunks: left as it is before)
        assert images._webp_lossy(data) == (kind != "lossless")
    assert prepare_image(source, ImageSettings(pdf=True), tmp_path / "cache") == source
    if kind == "lossless":  # scaled for the EPUB, it stays lossless
        smaller = prepare_image(source, ImageSettings(max_pixels=15_000, rgb=True), tmp_path / "cache")
        assert smaller.suffix == ".webp" and not images._webp_lossy(smaller.read_bytes())


@pytest.mark.slow
def test_a_book_of_webp_photos_saved_from_news_sites(tmp_path):
    """The print PDF embeds a WebP photo as a JPEG (a tenth of its raw pixels), a lossless WebP
    drawing as it was; the EPUB keeps both WebP and passes EPUBCheck."""
    import pikepdf

    from .render.test_epub import epubcheck

    files = {"images/bao.webp": _encoded(_web_photo((1600, 1067)), "WEBP", quality=80),
             "images/so-do.webp": _encoded(_web_photo((400, 300)), "WEBP", lossless=True)}
    root = make_project(tmp_path / "book", {"01.md": "# Bài báo\n\n![Ảnh từ báo điện tử](../images/bao.webp)\n\n"
                                            "![Sơ đồ](../images/so-do.webp)\n"}, None, files)
    result = run_cli("build", str(root))
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        found = {image.objgen: image for page in pdf.pages for image in page.get_images().values()}
        filters = sorted((int(i.Width), str(i.get("/Filter"))) for i in found.values())
        assert filters == [(400, "/FlateDecode"), (1600, "/DCTDecode")]
    assert (root / "dist" / "sach-thu.pdf").stat().st_size < 1_500_000  # the photo's raw pixels alone: 5 MB
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        assert sorted(n.rsplit("/", 1)[-1] for n in epub.namelist() if n.endswith(".webp")) == ["bao.webp", "so-do.webp"]
    report = epubcheck(root / "dist" / "sach-thu.epub")
    assert [m for m in report["messages"] if m["severity"] in ("ERROR", "WARNING", "FATAL")] == []


def test_a_book_takes_heic_and_tiff_photos_and_names_what_it_leaves_out(tmp_path):
    from .render.test_epub import epubcheck

    scan = _encoded(Image.new("RGB", (600, 400), (90, 60, 30)), "TIFF", compression="tiff_lzw")
    files = {"images/g/a.jpg": _encoded(Image.new("RGB", (600, 400), (200, 200, 40)), "JPEG"),
             "images/g/b.heic": HEIC.read_bytes(), "images/g/c.tif": scan, "images/g/d.CR2": b"raw",
             # A picture saved from a news site as AVIF.
             "images/g/e.avif": _encoded(Image.effect_noise((600, 400), 30).convert("RGB"), "AVIF", quality=70),
             "images/g/Thumbs.db": b"", "images/scan.tiff": scan,
             # What a Mac leaves on a USB stick: an AppleDouble file beside each photo, .DS_Store.
             "images/g/._a.jpg": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X" + bytes(4000),
             "images/g/.DS_Store": b"\x00\x00\x00\x01Bud1" + bytes(2000)}
    root = make_project(tmp_path / "book", {"01.md": """\
        ---
        title: Ảnh tư liệu
        ---

        Ảnh chụp bằng điện thoại và ảnh quét.

        ```gallery folder=../images/g
        ```

        ![Ảnh quét năm 1996](../images/scan.tiff)
        """}, '[book]\ntitle = "Ảnh"\nslug = "anh"\ndate = 2026-10-20\n', files)
    result = run_cli("build", str(root), "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr + result.stdout
    output = result.stdout + result.stderr
    assert "manuscripts/01.md:7" in output and "d.CR2" in output
    assert "Thumbs.db" not in output and "._a.jpg" not in output and ".DS_Store" not in output
    with zipfile.ZipFile(tmp_path / "dist" / "anh.epub") as epub:
        names = [n for n in epub.namelist() if n.startswith("EPUB/images/")]
    assert sorted(names) == ["EPUB/images/g-a.jpg", "EPUB/images/g-b.jpg", "EPUB/images/g-c.jpg",
                             "EPUB/images/g-e.jpg", "EPUB/images/scan.jpg"]
    report = epubcheck(tmp_path / "dist" / "anh.epub")
    assert [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []
    import pikepdf

    with pikepdf.open(tmp_path / "dist" / "anh.pdf") as pdf:
        found = {x.objgen: (int(x.Width), int(x.Height)) for page in pdf.pages
                 for x in page.get_images().values()}
        sizes = sorted(found.values())
    assert sizes == [(64, 96), (600, 400), (600, 400), (600, 400), (600, 400)]  # the HEIC upright


def test_a_converted_photo_is_decoded_once_for_every_output_ahead(tmp_path, monkeypatch):
    from publisher.workers import Workers

    sources = {"images/a.heic": tmp_path / "a.heic", "images/b.jpg": tmp_path / "b.jpg"}
    sources["images/a.heic"].write_bytes(HEIC.read_bytes())
    photo(sources["images/b.jpg"], (800, 600))
    outputs = [ImageSettings(max_size=(40, 40), quality=75), ImageSettings(quality=90)]  # an EPUB, a print PDF
    cache = tmp_path / "cache"
    decodes = []
    original = images._open

    def counted(data, path, rel, settings=None):
        decodes.append(path.name)
        return original(data, path, rel, settings)

    monkeypatch.setattr(images, "_open", counted)
    # What the workers run (tested in this process, where the decodes can be counted).
    jobs = []

    class Recording:
        enabled, count = True, 2

        def submit(self, function, *args):
            jobs.append((function, args))

    images.prepare_ahead(sources, outputs, cache, Recording())
    for function, args in jobs:
        function(*args)
    assert decodes.count("a.heic") == 1 and decodes.count("b.jpg") == 1  # the JPEG only for the EPUB's size
    monkeypatch.setattr(images, "_process", lambda *args: pytest.fail("processed again"))
    small, full = (prepare_images(sources, settings, cache) for settings in outputs)
    with Image.open(small["images/a.heic"]) as image:
        assert image.format == "JPEG" and max(image.size) == 40
    with Image.open(full["images/a.heic"]) as image:
        assert image.format == "JPEG" and image.size == (64, 96)
    assert full["images/b.jpg"] == sources["images/b.jpg"]  # the camera's JPEG as it is, for print
    with Workers(2) as workers:  # and through real worker processes: nothing left to do
        if workers.enabled:
            images.prepare_ahead(sources, outputs, cache, workers)


def phone_photo(path, size=(1600, 1200), orientation=1, seed=40) -> bytes:
    """A phone's multi-picture JPEG (Ultra HDR, a depth map): a second picture appended after the
    first and an APP2 "MPF" segment describing both; Pillow opens it as "MPO". Returns the
    appended picture's bytes as they are in the file."""
    picture = Image.effect_noise(size, seed).convert("RGB")
    picture.paste((200, 40, 40), (0, 0, size[0] // 4, size[1]))
    gain = Image.effect_noise((size[0] // 4, size[1] // 4), 5).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Phone"
    exif[0x0112] = orientation
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, "MPO", save_all=True, append_images=[gain], quality=92, exif=exif.tobytes())
    data = path.read_bytes()
    with Image.open(path) as image:
        assert image.format == "MPO" and image.n_frames == 2
        appended = data[image._MpoImageFile__mpoffsets[1]:]
    assert appended.startswith(b"\xff\xd8") and len(appended) > 2000
    return appended


def _first_picture(path) -> bytes:
    data = path.read_bytes()
    return b"".join(data[s:s + n] for s, n in images.jpeg_ranges(io.BytesIO(data), len(data), exif=True))


def test_a_phone_photos_appended_picture_is_left_out(tmp_path):
    source = tmp_path / "phone.jpg"
    appended = phone_photo(source)
    first = _first_picture(source)
    assert appended not in first and b"MPF\0" not in first and first.endswith(b"\xff\xd9")
    with Image.open(source) as phone, Image.open(io.BytesIO(first)) as alone:
        assert alone.format == "JPEG" and alone.getexif().get(0x010F) == "Phone"
        assert alone.tobytes() == phone.tobytes()  # the same first picture, not decoded and re-encoded
    served = images.pdf_bytes(source)  # into the PDF: without its EXIF block either
    assert appended not in served and b"Exif\0\0" not in served
    with Image.open(io.BytesIO(served)) as alone:
        assert alone.format == "JPEG" and alone.size == (1600, 1200)
    plain = tmp_path / "camera.jpg"
    camera_photo(plain)
    assert _first_picture(plain) == plain.read_bytes()  # an ordinary JPEG: every byte kept


def test_a_phone_photo_is_scaled_for_the_epub_like_any_jpeg(tmp_path):
    source = tmp_path / "phone.jpg"
    phone_photo(source)
    scaled = prepare_image(source, ImageSettings(max_pixels=640 * 480), tmp_path / "cache")
    with Image.open(scaled) as image:
        assert image.format == "JPEG" and image.size == (640, 480)
    # Nothing to scale: the first picture only, its bytes as the phone wrote them.
    kept = prepare_image(source, ImageSettings(), tmp_path / "cache")
    assert kept != source and kept.read_bytes() == _first_picture(source)


def test_a_sideways_phone_photo_is_measured_as_shown(tmp_path):
    from publisher.readers.imagesize import image_size

    source = tmp_path / "phone.jpg"
    phone_photo(source, orientation=6)
    assert image_size(source) == (1200, 1600)


@pytest.mark.slow
def test_a_phone_photo_goes_into_the_book_without_its_appended_picture(tmp_path):
    import pikepdf

    source = tmp_path / "phone.jpg"
    appended = phone_photo(source, (2400, 1800))
    assert source.stat().st_size > images.PLACEHOLDER_MIN_BYTES
    text = "# Bài\n\nMột đoạn văn.\n\n![Ảnh điện thoại](../images/phone.jpg)\n"
    root = make_project(tmp_path / "p", {"01-bai.md": text}, '[book]\ntitle = "Sách thử"\n',
                        {"images/phone.jpg": source.read_bytes()})
    result = run_cli("build", str(root), env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        shown = {image.objgen: image for page in pdf.pages for image in page.get_images().values()}
        assert len(shown) == 1
        photo = next(iter(shown.values()))
        # Put in by reference: the phone's own bytes of the first picture, not decoded and re-encoded.
        assert photo.read_raw_bytes() == images.pdf_bytes(source)
    assert appended not in (root / "dist" / "sach-thu.pdf").read_bytes()
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        data = epub.read("EPUB/images/phone.jpg")
    with Image.open(io.BytesIO(data)) as image:  # scaled to fit a phone, as a plain JPEG
        assert image.format == "JPEG" and image.size[0] * image.size[1] <= 1280 * 960
    assert len(data) < source.stat().st_size / 3


CMYK_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian libgs-common


def _cmyk_photo(path, size=(600, 400), profile: bytes | None = None) -> None:
    """A CMYK JPEG as a print house's files hold them: a red half and a blue half."""
    image = Image.new("CMYK", size, (0, 255, 255, 0))  # red: magenta and yellow
    image.paste((255, 255, 0, 0), (size[0] // 2, 0, size[0], size[1]))  # blue: cyan and magenta
    image.save(path, "JPEG", quality=95, **({"icc_profile": profile} if profile else {}))


@pytest.mark.parametrize("profiled", [False, True], ids=["untagged", "press-profile"])
@pytest.mark.parametrize("small", [False, True], ids=["scaled", "as-large-as-allowed"])
def test_a_cmyk_photo_is_rgb_in_the_epub_and_cmyk_in_the_print_pdf(tmp_path, profiled, small):
    if profiled and not CMYK_ICC.exists():
        pytest.skip("libgs-common's CMYK profile is not installed")
    source = tmp_path / "in-an.jpg"
    _cmyk_photo(source, profile=CMYK_ICC.read_bytes() if profiled else None)
    epub = ImageSettings(max_pixels=600 * 400 if small else 300 * 200, rgb=True)
    with Image.open(prepare_image(source, epub, tmp_path / "cache")) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and "icc_profile" not in image.info
        red, blue = image.getpixel((5, 5)), image.getpixel((image.width - 5, 5))
    assert red[0] > 180 and red[1] < 90 and red[2] < 90, red
    assert blue[2] > 120 and blue[0] < 90 and blue[1] < 90, blue
    with Image.open(prepare_image(source, ImageSettings(max_pixels=300 * 200), tmp_path / "cache")) as image:
        assert image.mode == "CMYK"  # the print PDF keeps the print house's inks


@pytest.mark.parametrize("name, fmt", [("scan.png", "PNG"), ("scan.tif", "TIFF")])
def test_a_16_bit_grey_scan_is_drawn_whole_in_the_pdf(tmp_path, name, fmt):
    """A scanner's 16-bit grey scan: WeasyPrint alone draws its samples as 8-bit ones (the picture
    half its height and dark); publisher gives every output 8 bits, the same picture."""
    import pikepdf
    from pikepdf import PdfImage

    ramp = Image.linear_gradient("L").resize((320, 240)).convert("I")  # black at the top, white at the foot
    source = tmp_path / name
    ramp.point(lambda v: v * 257).convert("I;16").save(source, fmt)
    root = make_project(tmp_path / "p", {"01-bai.md": f"# Bài\n\n![Ảnh quét](../images/{name})\n"},
                        '[book]\ntitle = "Sách thử"\n', {f"images/{name}": source.read_bytes()})
    result = run_cli("build", str(root), env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "sach-thu.pdf") as pdf:
        found = {s.objgen: s for page in pdf.pages for s in page.get_images().values() if int(s.Width) == 320}
        [drawn] = [PdfImage(s).as_pil_image() for s in found.values()]
    expected = ramp.convert("L")
    assert drawn.size == expected.size and drawn.mode == "L"
    assert max(abs(a - b) for a, b in zip(drawn.tobytes(), expected.tobytes())) <= 1
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        [picture] = [n for n in epub.namelist() if "/images/" in n and "scan" in n]
        with Image.open(io.BytesIO(epub.read(picture))) as shown:
            assert shown.mode == "L" and abs(shown.getpixel((160, 120)) - expected.getpixel((160, 120))) <= 1


def _photo_like(size=(1600, 1200)) -> Image.Image:
    return Image.linear_gradient("L").resize(size).convert("RGB")


@pytest.mark.parametrize("name, fmt, size, suffix", [
    ("tai-ve.jpg", "PNG", (1600, 1200), ".png"),  # a picture kept from a web page: PNG under .jpg, scaled down
    ("nho.jpg", "PNG", (300, 200), ".png"),  # the same, small enough to go in as it is
    ("anh.png", "JPEG", (300, 200), ".jpg"),
    ("zalo.jpg", "WEBP", (1600, 1200), ".webp"),
    ("dong.jpg", "GIF", (300, 200), ".gif"),
    ("may-quet.jpg", "BMP", (300, 200), ".jpg"),  # a scanner's BMP under .jpg: converted like a BMP
    ("scan.jpeg", "TIFF", (300, 200), ".jpg"),
    ("dung.jpeg", "JPEG", (300, 200), ".jpeg"),  # named right: its own suffix
])
def test_an_image_whose_name_lies_goes_out_under_the_suffix_of_its_bytes(tmp_path, name, fmt, size, suffix):
    # An EPUB names each image's media type after its suffix: PNG bytes as .jpg fail EPUBCheck
    # (OPF-029, PKG-022). The bytes the outputs get must be what the suffix says, for every output.
    source = tmp_path / name
    source.write_bytes(_encoded(_photo_like(size), fmt))
    assert images.output_suffix(source) == suffix
    # (A PDF names no media type, and gets a lossy WebP as JPEG whatever its name: _webp.)
    pdf = [] if fmt == "WEBP" else [ImageSettings(pdf=True)]
    for settings in [ImageSettings(max_size=(1280, 960), quality=75), ImageSettings(), *pdf]:
        result = prepare_image(source, settings, tmp_path / "cache")
        with Image.open(result) as image:
            assert image.format == {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP",
                                    ".gif": "GIF"}[suffix], (settings, result)


@pytest.mark.slow
def test_a_book_of_misnamed_pictures_passes_epubcheck(tmp_path):
    from .render.test_epub import epubcheck

    files = {f"images/anh/{name}": _encoded(_photo_like(size), fmt) for name, fmt, size in [
        ("01-tai-ve.jpg", "PNG", (1600, 1200)), ("02-zalo.jpg", "WEBP", (900, 600)),
        ("03-dong.jpg", "GIF", (300, 200)), ("04-may-quet.jpg", "BMP", (900, 600)),
        ("05-anh.png", "JPEG", (900, 600))]}
    files["images/bia.jpg"] = _encoded(_photo_like((1400, 1000)), "PNG")
    root = make_project(tmp_path / "p", {"01-anh.md": "# Ảnh\n\n![Bìa cũ](../images/bia.jpg)\n\nChữ.\n\n"
                                         "```gallery folder=../images/anh\n```\n"},
                        '[book]\ntitle = "Sách ảnh"\ndate = 2026-10-20\n', files=files)
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr
    epub = root / "dist" / "sach-anh.epub"
    with zipfile.ZipFile(epub) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("EPUB/images/"))
    assert names == ["EPUB/images/anh-01-tai-ve.png", "EPUB/images/anh-02-zalo.webp", "EPUB/images/anh-03-dong.gif",
                     "EPUB/images/anh-04-may-quet.jpg", "EPUB/images/anh-05-anh.jpg", "EPUB/images/bia.png"]
    report = epubcheck(epub)
    assert [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
            if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []
