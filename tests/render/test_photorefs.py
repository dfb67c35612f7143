"""pdf.photorefs: stand-ins swapped for the camera's bytes, copied from the files as the PDF is written."""

from __future__ import annotations

import errno
import io
import os

import pikepdf
import pytest
from PIL import Image

from publisher import images
from publisher.pdf import photorefs


def _photo(path, size, seed, exif=True):
    picture = Image.effect_noise(size, 40 + seed).convert("RGB")
    options = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = f"Camera {seed}"
        options["exif"] = tags.tobytes()
    picture.save(path, "JPEG", quality=90, **options)
    assert path.stat().st_size > images.PLACEHOLDER_MIN_BYTES
    return path


def _book_with_stand_ins(stand_ins, decoy=None):
    """A PDF as WeasyPrint leaves it: one page a stand-in, the second stand-in shown twice."""
    pdf = pikepdf.new()
    if decoy is not None:  # a small JPEG of the project's, kept as it is: its bytes are the project's choice
        page = pdf.add_blank_page(page_size=(200, 150))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(pikepdf.Stream(
            pdf, decoy, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1, Height=1,
            ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode))))
    for n, path in enumerate(stand_ins + stand_ins[1:]):
        data = path.read_bytes()
        with Image.open(path) as image:
            width, height = image.size
        stream = pdf.make_indirect(pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject,
                                                  Subtype=pikepdf.Name.Image, Width=width, Height=height,
                                                  ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                                                  Filter=pikepdf.Name.DCTDecode))
        page = pdf.add_blank_page(page_size=(200, 150))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))
        page.Contents = pdf.make_stream(b"q 200 0 0 150 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _sound(data: bytes) -> None:
    """qpdf finds nothing wrong, and every offset in the table points at its object."""
    table_at, entries, _ = photorefs._xref(data)
    for number, (offset, in_use) in enumerate(entries):
        if in_use:
            assert data.startswith(b"%d 0 obj" % number, offset), number
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == [] and pdf.get_warnings() == []


@pytest.fixture
def photos(tmp_path):
    cache = tmp_path / "cache"
    files = [_photo(tmp_path / "a.jpg", (900, 700), 1), _photo(tmp_path / "b.jpg", (700, 900), 2, exif=False)]
    found = {}
    stand_ins = []
    for path in files:
        digest, stand_in = images.placeholder(path, cache)
        found[digest] = path
        stand_ins.append(stand_in)
    return files, found, stand_ins


def test_the_photos_bytes_replace_the_stand_ins(photos):
    files, found, stand_ins = photos
    written = io.BytesIO()
    photorefs.expand(_book_with_stand_ins(stand_ins), written, found)
    data = written.getvalue()
    _sound(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        shown = [page.Resources.XObject.Im0 for page in pdf.pages]
        assert [s.read_raw_bytes() for s in shown] == [images.pdf_bytes(f) for f in files + files[1:]]
        assert shown[1].objgen == shown[2].objgen  # a photo shown twice is stored once
        assert b"Exif\0\0" not in shown[0].read_raw_bytes()
        for stream, path in zip(shown, files):
            with Image.open(path) as image:
                assert (int(stream.Width), int(stream.Height)) == image.size
            decoded = Image.open(io.BytesIO(stream.read_raw_bytes()))
            assert decoded.size == image.size
    assert sum(len(images.pdf_bytes(f)) for f in files) < len(data) < sum(f.stat().st_size for f in files) + 20_000


def test_the_same_sources_give_the_same_bytes(photos):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    first, second = io.BytesIO(), io.BytesIO()
    photorefs.expand(book, first, found)
    photorefs.expand(book, second, dict(reversed(found.items())))
    assert first.getvalue() == second.getvalue()


def test_a_mark_written_into_another_stream_is_not_taken(photos):
    files, found, stand_ins = photos
    digest = next(iter(found))
    out = io.BytesIO()  # a real JPEG whose comment looks like a marked stream
    Image.new("RGB", (1, 1)).save(out, "JPEG", comment=b"/Length 84 >>\nstream\npublisher-photo-ref:"
                                  + digest.encode() + b"\nendstream")
    decoy = out.getvalue()
    assert b"/Length 84 >>\nstream\npublisher-photo-ref:" + digest.encode() + b"\nendstream" in decoy
    written = io.BytesIO()
    photorefs.expand(_book_with_stand_ins(stand_ins, decoy=decoy), written, found)
    _sound(written.getvalue())
    with pikepdf.open(io.BytesIO(written.getvalue())) as pdf:
        assert pdf.pages[0].Resources.XObject.Im0.read_raw_bytes() == decoy  # first in the file
        assert pdf.pages[1].Resources.XObject.Im0.read_raw_bytes() == images.pdf_bytes(files[0])


def test_a_pdf_without_stand_ins_is_written_as_it_is(photos):
    files, found, _ = photos
    book = _book_with_stand_ins([files[0]])  # the photo itself, not its stand-in
    written = io.BytesIO()
    photorefs.expand(book, written, found)
    with pikepdf.open(io.BytesIO(written.getvalue())) as pdf:
        assert pdf.pages[0].Resources.XObject.Im0.read_raw_bytes() == files[0].read_bytes()


def test_a_photo_that_shrank_while_written_is_an_error_not_a_short_file(photos, monkeypatch):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    real = images.jpeg_without_exif

    def longer(handle, size):  # as if the file were cut after its ranges were measured
        return real(handle, size)[:-1] + [(real(handle, size)[-1][0], real(handle, size)[-1][1] + 10)]

    monkeypatch.setattr(photorefs, "jpeg_without_exif", longer)
    with pytest.raises(OSError, match="changed while the PDF was written"):
        photorefs.expand(book, io.BytesIO(), found)


@pytest.mark.parametrize("kernel", ["copy_file_range", "refused"])
def test_a_book_written_to_a_file_has_the_bytes_written_to_memory(photos, tmp_path, monkeypatch, kernel):
    """Into a file the photos are copied by the kernel (os.copy_file_range, never through this
    process); where it refuses (another file system, an old kernel) by reading and writing."""
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, found)
    calls = []
    real = os.copy_file_range

    def copy(*args):
        calls.append(args)
        if kernel == "refused":
            raise OSError(errno.EXDEV, "cross-device")
        return real(*args)

    monkeypatch.setattr(os, "copy_file_range", copy)
    with open(tmp_path / "book.pdf", "wb") as handle:
        photorefs.expand(book, handle, found)
    assert (tmp_path / "book.pdf").read_bytes() == in_memory.getvalue()
    assert len(calls) >= (len(found) if kernel == "copy_file_range" else 1)


@pytest.mark.parametrize("writer", ["expand", "ahead"])
def test_a_photo_that_shrank_while_copied_by_the_kernel_is_an_error(photos, tmp_path, monkeypatch, writer):
    """Into a file, by ``expand`` and by the writer that copies the photos ahead of the pages."""
    files, found, stand_ins = photos
    real = images.jpeg_without_exif

    def longer(handle, size):
        ranges = real(handle, size)
        return ranges[:-1] + [(ranges[-1][0], ranges[-1][1] + 10)]

    monkeypatch.setattr(photorefs, "jpeg_without_exif", longer)
    book = _book_with_stand_ins(stand_ins)
    with pytest.raises(OSError, match="changed while the PDF"):
        if writer == "ahead":
            _written_ahead(book, found, tmp_path / "book.pdf")
        else:
            with open(tmp_path / "book.pdf", "wb") as handle:
                photorefs.expand(book, handle, found)


def _sideways(path, orientation):
    """A grainy photo (over the size put in by reference) with three coloured corners as stored,
    and its EXIF ``orientation``; returns the picture as it should be shown."""
    from PIL import ImageOps

    picture = Image.effect_noise((1000, 700), 50).convert("RGB")
    for colour, box in (((230, 20, 20), (0, 0, 250, 175)), ((20, 200, 20), (750, 0, 1000, 175)),
                        ((20, 20, 230), (0, 525, 250, 700))):
        picture.paste(colour, box)
    tags = Image.Exif()
    tags[0x0112] = orientation
    picture.save(path, "JPEG", quality=90, exif=tags.tobytes())
    assert path.stat().st_size > images.PLACEHOLDER_MIN_BYTES
    with Image.open(path) as stored:
        return ImageOps.exif_transpose(stored)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_sideways_photo_is_turned_by_the_pdf_not_re_encoded(tmp_path, orientation):
    import pypdfium2

    path = tmp_path / f"o{orientation}.jpg"
    shown = _sideways(path, orientation)
    digest, stand_in = images.placeholder(path, tmp_path / "cache")
    with Image.open(stand_in) as laid_out:  # laid out at the size it is shown at
        assert laid_out.size == shown.size
    written = io.BytesIO()
    photorefs.expand(_book_with_stand_ins([stand_in]), written, {digest: path})
    _sound(written.getvalue())
    with pikepdf.open(io.BytesIO(written.getvalue())) as pdf:
        photo = next(iter(pdf.pages[0].get_images().values()))  # the camera's bytes, found through the form
        assert photo.read_raw_bytes() == _without_exif(path)
        with Image.open(path) as stored:
            assert (int(photo.Width), int(photo.Height)) == stored.size
    page = pypdfium2.PdfDocument(written.getvalue())[0].render(scale=2).to_pil().convert("RGB")
    for fx, fy in ((0.1, 0.1), (0.9, 0.1), (0.1, 0.9), (0.9, 0.9), (0.5, 0.12), (0.12, 0.5)):
        expected = shown.getpixel((int(fx * (shown.width - 1)), int(fy * (shown.height - 1))))
        got = page.getpixel((int(fx * (page.width - 1)), int(fy * (page.height - 1))))
        if max(expected) - min(expected) > 120:  # a coloured corner (the grain is grey): the same colour
            assert max(range(3), key=lambda c: got[c]) == max(range(3), key=lambda c: expected[c]), (fx, fy)
        else:
            assert max(got) - min(got) < 120, (fx, fy)


@pytest.mark.parametrize("orientation", [1, 6])
def test_a_photo_over_the_guard_is_laid_out_by_a_smaller_stand_in(tmp_path, monkeypatch, orientation):
    """A phone's 200-megapixel photo (here 1000 × 700 under a guard of 200,000 pixels): WeasyPrint
    opens images under Pillow's guard, so its stand-in has half the photo's size (its shape to a
    pixel); the PDF shows the photo's own bytes at the photo's own size."""
    import pypdfium2

    path = tmp_path / f"o{orientation}.jpg"
    shown = _sideways(path, orientation)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 200_000)
    digest, stand_in = images.placeholder(path, tmp_path / "cache")
    with Image.open(stand_in) as laid_out:
        assert laid_out.size == (shown.width // 2, shown.height // 2)
    written = io.BytesIO()
    photorefs.expand(_book_with_stand_ins([stand_in]), written, {digest: path})
    _sound(written.getvalue())
    with pikepdf.open(io.BytesIO(written.getvalue())) as pdf:
        photo = next(iter(pdf.pages[0].get_images().values()))
        assert photo.read_raw_bytes() == _without_exif(path)
        assert (int(photo.Width), int(photo.Height)) == (1000, 700)  # as stored
    page = pypdfium2.PdfDocument(written.getvalue())[0].render(scale=2).to_pil().convert("RGB")
    red = shown.getpixel((5, 5)) if orientation == 1 else shown.getpixel((shown.width - 5, 5))
    corner = (0.05, 0.05) if orientation == 1 else (0.95, 0.05)  # stored top left; orientation 6 shows it top right
    got = page.getpixel((int(corner[0] * page.width), int(corner[1] * page.height)))
    assert red[0] > 150 and got[0] > 150 and got[1] < 100, got


def _without_exif(path) -> bytes:
    data = path.read_bytes()
    kept = b"".join(data[s:s + n] for s, n in images.jpeg_without_exif(io.BytesIO(data), len(data)))
    assert len(kept) < len(data)  # the EXIF block (with the orientation) is left out
    return kept


def _written_ahead(book, found, path) -> bytes:
    """The book written as a build writes it: the photos copied in from the start, the pages after."""
    with open(path, "wb") as handle, photorefs.photos_ahead(handle, found) as ahead:
        ahead.expand(book)
    return path.read_bytes()


def _pages_drawn(data: bytes) -> list[bytes]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [document[i].render(scale=0.5).to_pil().convert("RGB").tobytes() for i in range(len(document))]


def test_the_photos_go_into_the_file_before_the_pages_are_laid_out(photos, tmp_path):
    """The photos' bytes are in the new file before the laid-out pages are handed over (a photo
    book's gigabytes go to disk while WeasyPrint works); the finished file is sound, its photos
    come first and it shows what ``expand``'s file shows."""
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    path = tmp_path / "book.pdf"
    with open(path, "wb") as handle, photorefs.photos_ahead(handle, found) as ahead:
        ahead.copied.result()  # as when the layout takes longer than the copying
        early = path.read_bytes()
        assert all(images.pdf_bytes(f) in early for f in files)
        ahead.expand(book)
    data = path.read_bytes()
    _sound(data)
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, found)
    assert data != in_memory.getvalue()
    assert max(data.index(images.pdf_bytes(f)) for f in files) < data.index(b"/Type /Pages")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        shown = [page.Resources.XObject.Im0 for page in pdf.pages]
        assert [s.read_raw_bytes() for s in shown] == [images.pdf_bytes(f) for f in files + files[1:]]
        assert shown[1].objgen == shown[2].objgen
    assert _pages_drawn(data) == _pages_drawn(in_memory.getvalue())
    assert abs(len(data) - len(in_memory.getvalue())) < 2_000
    again = _written_ahead(book, dict(reversed(found.items())), tmp_path / "again.pdf")
    assert again == data  # the same sources, the same bytes


@pytest.mark.parametrize("sideways", [6, 8])
def test_a_sideways_photo_written_ahead_is_turned(tmp_path, sideways):
    path = tmp_path / "turned.jpg"
    _sideways(path, sideways)
    digest, stand_in = images.placeholder(path, tmp_path / "cache")
    book = _book_with_stand_ins([stand_in])
    data = _written_ahead(book, {digest: path}, tmp_path / "book.pdf")
    _sound(data)
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, {digest: path})
    assert data != in_memory.getvalue() and _pages_drawn(data) == _pages_drawn(in_memory.getvalue())


def test_a_book_that_does_not_show_every_photo_is_written_by_expand(photos, tmp_path):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins[:1])  # the second photo is not in the pages
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, found)
    assert _written_ahead(book, found, tmp_path / "book.pdf") == in_memory.getvalue()


def test_a_dictionary_too_long_for_its_room_is_written_by_expand(photos, tmp_path, monkeypatch):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    in_memory = io.BytesIO()
    photorefs.expand(book, in_memory, found)
    monkeypatch.setattr(photorefs, "_SLOT", 40)
    assert _written_ahead(book, found, tmp_path / "book.pdf") == in_memory.getvalue()


def test_photos_written_ahead_where_the_kernel_refuses_to_copy(photos, tmp_path, monkeypatch):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    by_kernel = _written_ahead(book, found, tmp_path / "kernel.pdf")
    calls = []

    def refused(*args):
        calls.append(args)
        raise OSError(errno.EXDEV, "cross-device")

    monkeypatch.setattr(os, "copy_file_range", refused)
    assert _written_ahead(book, found, tmp_path / "read.pdf") == by_kernel
    assert calls


def test_the_photos_thread_leaves_signals_to_the_main_thread(photos, tmp_path, monkeypatch):
    """It copies while the runs' workers are forked (with Ctrl-C blocked in the main thread)."""
    import signal

    files, found, stand_ins = photos
    masks = []
    real = photorefs._copy_to

    def copy(*args):
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return real(*args)

    monkeypatch.setattr(photorefs, "_copy_to", copy)
    _written_ahead(_book_with_stand_ins(stand_ins), found, tmp_path / "book.pdf")
    assert len(masks) == 2 and all({signal.SIGINT, signal.SIGTERM} <= mask for mask in masks)


def test_a_layout_that_fails_stops_the_copying(photos, tmp_path):
    """Nothing writes into the file once the block is left: the build then removes it."""
    files, found, _ = photos
    with pytest.raises(RuntimeError, match="layout"), open(tmp_path / "book.pdf", "wb") as handle:
        with photorefs.photos_ahead(handle, found) as ahead:
            raise RuntimeError("layout")
    assert ahead.copied.done()


def test_a_book_written_into_memory_is_expand(photos):
    files, found, stand_ins = photos
    book = _book_with_stand_ins(stand_ins)
    expected, written = io.BytesIO(), io.BytesIO()
    photorefs.expand(book, expected, found)
    with photorefs.photos_ahead(written, found) as ahead:
        assert ahead.copied is None
        ahead.expand(book)
    assert written.getvalue() == expected.getvalue()
