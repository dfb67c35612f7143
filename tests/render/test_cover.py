"""The cover: spread geometry read back from the PDF, spine text, fonts, the ISBN barcode
decoded from pixels, the full-bleed photo, and the EPUB cover image under EPUBCheck."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from publisher.build import load_book
from publisher.config import isbn_is_valid
from publisher.render import barcode
from publisher.render.cover import (DEFAULT_LEAF_MM, SPINE_TEXT_MIN_MM, cover_geometry, front_cover_image,
                                    spine_label, spine_width_mm, write_cover_pdf)
from publisher.render.html import render_book
from publisher.pdf import CROP_MARK_MM

from ..conftest import make_project, run_cli
from .test_epub import NS, epubcheck

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

MM = 72 / 25.4
ISBN = "978-604-0-00000-2"  # group 604 (Viet Nam); check digit computed by hand: 68 -> 2
TRIM = (145, 205)
GREEN = (20, 160, 60)



def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _project(base: Path, cover: str = "", isbn: str | None = ISBN, extra: dict | None = None) -> Path:
    toml = f'''
        [book]
        title = "Kỷ yếu 20 năm Trường Tiểu học Hòa Bình"
        subtitle = "Hai mươi năm vun trồng"
        organisation = "Trường Tiểu học Hòa Bình"
        anniversary = "2006–2026"
        date = 2026-05-19
        slug = "ky-yeu"
        {f'isbn = "{isbn}"' if isbn else ""}

        [cover]
        back_text = """Hai mươi năm một mái trường.

        Đoạn thứ hai của bìa sau."""
        {cover}
        '''
    text = "Đoạn văn của bài viết, đủ dài để có vài dòng chữ. " * 30
    return make_project(base, {f"{i:02}-bai.md": f"# Bài số {i}\n\n{text}\n" for i in range(1, 4)},
                        toml, extra)


def _rendered(root: Path):
    loaded = load_book(root)
    return render_book(loaded.config, loaded.book)


def _boxes(path: Path) -> dict[str, list[float]]:
    """Page 1's boxes in millimetres, [x0, y0, x1, y1]."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        assert len(pdf.pages) == 1
        return {name: [float(v) / MM for v in page[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}


def _width(box: list[float]) -> float:
    return box[2] - box[0]


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _raster(path: Path, dpi: int = 300):
    document = pdfium.PdfDocument(str(path))
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("cover")
    return _project(base / "book", 'background_image = "images/nen.png"\nlogo = "images/logo.png"',
                    extra={"images/nen.png": _png((300, 420), GREEN), "images/logo.png": _png((60, 60), (250, 250, 250))})


@pytest.fixture(scope="module")
def rendered(project):
    return _rendered(project)


@pytest.fixture(scope="module")
def thick_cover(rendered, tmp_path_factory) -> Path:
    """A 320-page book on the default paper: a 16 mm spine, wide enough for text."""
    path = tmp_path_factory.mktemp("thick") / "cover.pdf"
    with open(path, "wb") as handle:
        result = write_cover_pdf(rendered, 320, handle)
    assert result.refused == [] and result.warnings == []  # every image and font loaded, no CSS ignored
    return path


# --- spine width ---------------------------------------------------------------------------

def test_spine_width_from_page_count_and_paper(tmp_path):
    config = load_book(_project(tmp_path / "a")).config
    assert DEFAULT_LEAF_MM == 0.1
    assert spine_width_mm(200, config) == pytest.approx(10.0)  # 100 leaves × 0.1 mm
    assert spine_width_mm(201, config) == pytest.approx(10.1)  # an odd page still takes a leaf
    thin = load_book(_project(tmp_path / "b", "paper_thickness_mm = 0.08")).config
    assert spine_width_mm(120, thin) == pytest.approx(4.8)
    ppi = load_book(_project(tmp_path / "c", "pages_per_inch = 500")).config
    assert spine_width_mm(400, ppi) == pytest.approx(400 / 500 * 25.4)


@pytest.mark.parametrize("pages, thickness", [(96, None), (480, "0.065")])
def test_spread_width_is_two_trims_plus_spine_plus_bleed(tmp_path, pages, thickness):
    root = _project(tmp_path / "p", f"paper_thickness_mm = {thickness}" if thickness else "")
    rendered = _rendered(root)
    leaf = float(thickness) if thickness else DEFAULT_LEAF_MM
    spine = pages / 2 * leaf
    bleed = rendered.config.profile("print").bleed_mm
    assert bleed == 3.0
    with open(tmp_path / "cover.pdf", "wb") as handle:
        result = write_cover_pdf(rendered, pages, handle)
    assert result.geometry.spine == pytest.approx(spine)
    boxes = _boxes(tmp_path / "cover.pdf")
    assert _width(boxes["TrimBox"]) == pytest.approx(2 * TRIM[0] + spine, abs=0.02)
    assert _width(boxes["BleedBox"]) == pytest.approx(2 * TRIM[0] + spine + 2 * bleed, abs=0.02)
    # The crop marks sit in a white slug beyond the bleed, as on the interior's pages.
    assert _width(boxes["MediaBox"]) == pytest.approx(2 * TRIM[0] + spine + 2 * (bleed + CROP_MARK_MM), abs=0.02)
    height = boxes["TrimBox"][3] - boxes["TrimBox"][1]
    assert height == pytest.approx(TRIM[1], abs=0.02)
    # The trim box sits inside the bleed box by the bleed on every side.
    assert boxes["TrimBox"][0] - boxes["BleedBox"][0] == pytest.approx(bleed, abs=0.02)
    assert boxes["BleedBox"][3] - boxes["TrimBox"][3] == pytest.approx(bleed, abs=0.02)


def test_cli_cover_spine_follows_the_interior_page_count(tmp_path):
    root = _project(tmp_path / "book", "paper_thickness_mm = 0.5")
    result = run_cli("build", str(root), "--format", "pdf")  # the print profile brings the cover
    assert result.returncode == 0, result.stderr
    with pikepdf.open(root / "dist" / "ky-yeu.pdf") as interior:
        pages = len(interior.pages)
    spine = (pages + 1) // 2 * 0.5
    assert f"spine {spine:g} mm for {pages} pages" in result.stdout
    boxes = _boxes(root / "dist" / "ky-yeu-cover.pdf")
    assert _width(boxes["TrimBox"]) == pytest.approx(2 * TRIM[0] + spine, abs=0.02)


def test_cli_cover_flag_alone_counts_pages_without_writing_the_interior(tmp_path):
    root = _project(tmp_path / "book")
    result = run_cli("build", str(root), "--format", "epub", "--cover")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["ky-yeu-cover.pdf", "ky-yeu.epub"]
    assert "too thin for text" in result.stdout


# --- what is printed on it ---------------------------------------------------------------

def _words(path: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points from the top-left of the MediaBox, in reading order."""
    import re

    xml = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, xml)]


def test_spine_text_runs_top_to_bottom_on_a_thick_spine(thick_cover):
    spine = (3 + TRIM[0]) * MM, (3 + TRIM[0] + 16) * MM  # 320 pages × 0.1 mm a leaf = 16 mm
    on_spine = [w for w in _words(thick_cover) if spine[0] < (w[1] + w[3]) / 2 < spine[1]]
    assert " ".join(w[0] for w in on_spine) == "Kỷ yếu 20 năm Trường Tiểu học Hòa Bình"
    # Rotated clockwise: each word is taller than wide, and the words follow each other downwards.
    assert all(w[4] - w[2] > w[3] - w[1] for w in on_spine if len(w[0]) > 2)
    tops = [w[2] for w in on_spine]
    assert tops == sorted(tops) and tops[0] < tops[-1]


def test_spine_label_adds_the_organisation_unless_the_title_names_it(rendered):
    import dataclasses

    config = rendered.config
    assert spine_label(config) == "Kỷ yếu 20 năm Trường Tiểu học Hòa Bình"
    other = dataclasses.replace(config, title="Hai mươi năm vun trồng")
    assert spine_label(other) == "Hai mươi năm vun trồng — Trường Tiểu học Hòa Bình"


def test_no_spine_text_below_the_threshold(rendered, tmp_path):
    pages = int(SPINE_TEXT_MIN_MM / DEFAULT_LEAF_MM * 2) - 2  # just under the minimum
    with open(tmp_path / "thin.pdf", "wb") as handle:
        result = write_cover_pdf(rendered, pages, handle)
    assert result.geometry.spine < SPINE_TEXT_MIN_MM and result.spine_label is None
    text = " ".join(_text(tmp_path / "thin.pdf").split())
    # The title is on the front only, not a second time on the spine.
    assert text.count("Kỷ yếu 20 năm") == 1


def test_front_and_back_texts(thick_cover):
    text = " ".join(_text(thick_cover).split())
    for expected in ("Hai mươi năm vun trồng", "2006–2026", "TRƯỜNG TIỂU HỌC HÒA BÌNH",
                     "Hai mươi năm một mái trường.", "Đoạn thứ hai của bìa sau.", f"ISBN {ISBN}",
                     "9 786040 000002"):
        assert expected in text, expected


def test_every_font_is_embedded(thick_cover):
    with pikepdf.open(thick_cover) as pdf:
        fonts = []
        for _, font in pdf.pages[0].Resources.Font.items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            fonts.append(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert fonts and all(fonts)


def test_barcode_decodes_to_the_isbn_at_the_bottom_right_of_the_back(thick_cover):
    image = _raster(thick_cover)
    found = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.EAN13]
    assert [r.text for r in found] == ["9786040000002"]
    assert isbn_is_valid(found[0].text)
    # Bottom right of the back cover: the right half of the back panel, its lowest quarter.
    edge = 3 + CROP_MARK_MM  # from the sheet's edge to the trim
    px_per_mm = image.width / (2 * TRIM[0] + 16 + 2 * edge)
    xs = [p.x / px_per_mm - edge for p in (found[0].position.top_left, found[0].position.bottom_right)]
    ys = [p.y / px_per_mm - edge for p in (found[0].position.top_left, found[0].position.bottom_right)]
    assert TRIM[0] / 2 < min(xs) and max(xs) < TRIM[0]
    assert min(ys) > TRIM[1] * 0.75


def test_isbn10_is_drawn_as_its_isbn13(tmp_path):
    assert barcode.isbn13("0-306-40615-2") == "9780306406157"
    rendered = _rendered(_project(tmp_path / "p", isbn="0-306-40615-2"))
    with open(tmp_path / "c.pdf", "wb") as handle:
        write_cover_pdf(rendered, 100, handle)
    assert [r.text for r in zxingcpp.read_barcodes(_raster(tmp_path / "c.pdf"))] == ["9780306406157"]


def test_no_barcode_without_isbn(tmp_path):
    rendered = _rendered(_project(tmp_path / "p", isbn=None))
    with open(tmp_path / "c.pdf", "wb") as handle:
        write_cover_pdf(rendered, 100, handle)
    assert zxingcpp.read_barcodes(_raster(tmp_path / "c.pdf", 200)) == []
    assert "ISBN" not in _text(tmp_path / "c.pdf")


def test_background_photo_runs_into_the_bleed_of_the_front_only(thick_cover):
    image = _raster(thick_cover, 72)
    px = image.width / (2 * TRIM[0] + 16 + 2 * (3 + CROP_MARK_MM))  # pixels per millimetre
    inside = CROP_MARK_MM + 1.5  # 1.5 mm into the 3 mm bleed, from the sheet's edge
    corner = image.getpixel((image.width - 1 - int(inside * px), int(inside * px)))  # the front's top right
    assert corner[1] > corner[0] + 40, corner  # green, under the shade
    back = image.getpixel((int(inside * px), int(inside * px)))  # the back's top left
    assert back[0] > back[1] + 40, back  # the cover's red, not the photo
    slug = image.getpixel((int(CROP_MARK_MM / 2 * px), image.height // 4))  # clear of the marks
    assert min(slug) > 240, slug  # beyond the bleed the sheet stays white for the marks


def test_cover_is_byte_reproducible(rendered, tmp_path):
    outputs = []
    for name in ("one.pdf", "two.pdf"):
        with open(tmp_path / name, "wb") as handle:
            write_cover_pdf(rendered, 200, handle)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_sample_book_gets_a_cover_with_its_back_text(sample_build):
    cover = sample_build["cover"]
    with pikepdf.open(sample_build["pdf"]) as interior:
        pages = len(interior.pages)
    boxes = _boxes(cover)
    assert _width(boxes["TrimBox"]) == pytest.approx(2 * 145 + (pages + 1) // 2 * DEFAULT_LEAF_MM, abs=0.02)
    assert "Ba mươi năm qua" in _text(cover)


# --- the EPUB cover image ------------------------------------------------------------------

def test_front_cover_image_has_the_trim_proportions(rendered):
    from PIL import Image

    art = front_cover_image(rendered)
    assert art.media_type == "image/jpeg"  # over a background photo
    image = Image.open(io.BytesIO(art.data))
    # 1600 px tall, unless the EPUB's pixel budget (epub_image_max_pixels) allows fewer.
    budget = rendered.config.epub_image_max_pixels
    assert image.height == min(1600, round((budget * TRIM[1] / TRIM[0]) ** 0.5)) or abs(
        image.height - (budget * TRIM[1] / TRIM[0]) ** 0.5) <= 2
    assert image.width * image.height <= budget * 1.01
    assert image.width / image.height == pytest.approx(TRIM[0] / TRIM[1], abs=0.01)


def _cover_items(path: Path) -> tuple[list, list, zipfile.ZipFile]:
    archive = zipfile.ZipFile(path)
    opf = ElementTree.fromstring(archive.read("EPUB/content.opf"))
    items = [i for i in opf.find("opf:manifest", NS) if "cover-image" in (i.get("properties") or "").split()]
    metas = [m for m in opf.find("opf:metadata", NS) if m.get("name") == "cover"]
    return items, metas, archive


def test_epub_has_a_cover_image_and_passes_epubcheck(project):
    result = run_cli("build", str(project), "--format", "epub")
    assert result.returncode == 0, result.stderr
    epub = project / "dist" / "ky-yeu.epub"
    items, metas, archive = _cover_items(epub)
    with archive:
        assert len(items) == 1 and items[0].get("media-type") == "image/jpeg"
        assert [m.get("content") for m in metas] == [items[0].get("id")]
        assert archive.read("EPUB/" + items[0].get("href"))[:3] == b"\xff\xd8\xff"
    report = epubcheck(epub)
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == []


def test_sample_epub_cover_image_is_the_rendered_front(sample_build):
    items, metas, archive = _cover_items(sample_build["epub"])
    with archive:
        assert len(items) == 1 and items[0].get("media-type") == "image/png"
        assert metas and metas[0].get("content") == items[0].get("id")
        assert archive.read("EPUB/" + items[0].get("href"))[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_configured_cover_image_is_kept(tmp_path):
    root = _project(tmp_path / "p", extra={"images/bia.png": _png((290, 410), (10, 20, 200))})
    toml = (root / "book.toml").read_text(encoding="utf-8").replace('slug = "ky-yeu"',
                                                                     'slug = "ky-yeu"\ncover_image = "images/bia.png"')
    (root / "book.toml").write_text(toml, encoding="utf-8")
    assert run_cli("build", str(root), "--format", "epub").returncode == 0
    items, _, archive = _cover_items(root / "dist" / "ky-yeu.epub")
    with archive:
        assert [i.get("href") for i in items] == ["images/bia.png"]


def test_an_ean_that_is_no_isbn_is_a_config_error(tmp_path):
    body = "977123456789"  # a valid EAN-13 (serials), not an ISBN
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    root = _project(tmp_path / "p", isbn=body + str(check))
    result = run_cli("build", str(root), "--format", "pdf", "--quiet")
    assert result.returncode == 2, result.stderr
    assert f"error: book.toml: the ISBN {body}{check} does not start with 978 or 979" in result.stderr
    assert not (root / "dist" / "ky-yeu-cover.pdf").exists()
