"""Kỷ yếu pages in the outputs: a long roster's header on every PDF page, photo pages, timelines."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import zipfile
from xml.etree import ElementTree

import pikepdf
import pytest
from PIL import Image

from publisher.collation import sort_names

from ..conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

X = "{http://www.w3.org/1999/xhtml}"
FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thu"]
GIVENS = ["An", "Bình", "Cúc", "Dũng", "Đạt", "Giang"]
NAMES = [f"{f} {m} {g}" for f, m, g in itertools.islice(itertools.product(FAMILIES, MIDDLES, GIVENS), 0, 180, 2)]
# (file, size, caption): landscape, a portrait pair, two landscapes -> pages of 3 and 2 photos.
PHOTOS = [("mot.jpg", (900, 600), "Ảnh một"), ("hai.jpg", (600, 800), "Ảnh hai"),
          ("ba.jpg", (600, 800), "Ảnh ba"), ("bon.jpg", (900, 600), "Ảnh bốn"),
          ("nam.jpg", (900, 600), "Ảnh năm")]


def _photo(size, shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (shade, 120, 255 - shade)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("kyyeu")
    csv = "Họ và tên,Đơn vị công tác,Nhiệm kỳ\n" + "".join(
        f"{name},Phòng Lưu trữ số {i % 7 + 1},{1996 + i % 30} – {1999 + i % 30}\n" for i, name in enumerate(NAMES))
    gallery = "\n".join(f"![{caption}](../images/anh/{name})" for name, _, caption in PHOTOS)
    files = {"data/ds.csv": csv.encode()}
    files.update({f"images/anh/{name}": _photo(size, 40 * i) for i, (name, size, _) in enumerate(PHOTOS)})
    make_project(root, {
        "01-danh-sach.md": "# Danh sách cán bộ\n\n```roster file=../data/ds.csv sort=name number=TT\n```\n",
        "02-anh.md": f"# Ảnh tư liệu\n\nMở đầu.\n\n```gallery title=\"Những dấu mốc\"\n{gallery}\n```\n",
        "03-moc.md": "---\ntitle: Các mốc lịch sử\ntimeline:\n  - year: 1996\n    event: Thành lập Chi cục\n"
                     "  - year: 9/2008\n    event: Trận lũ lớn trên sông Ngân\n---\n\nCác mốc chính.\n",
        # An introduction of more than a few lines: the photos start a page of their own.
        "04-anh-sau.md": "# Ảnh sau lời dẫn\n\n" + "Lời dẫn dài về những năm tháng khó khăn. " * 12
                         + "\n\n```gallery\n![Ảnh sáu](../images/anh/mot.jpg)\n![Ảnh bảy](../images/anh/bon.jpg)\n```\n",
    }, files=files)
    out = root / "dist"
    result = run_cli("build", str(root), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    return {"pdf": next(p for p in out.glob("*.pdf") if "cover" not in p.name), "epub": next(out.glob("*.epub"))}


def page_texts(pdf) -> list[str]:
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    return [subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def test_the_roster_header_is_repeated_on_every_page_of_a_long_roster(built):
    texts = page_texts(built["pdf"])
    pages = [n for n, text in enumerate(texts) if any(name in text for name in NAMES)]
    assert len(pages) >= 2, "the roster should run over several pages"
    assert pages == list(range(pages[0], pages[-1] + 1))
    found = []
    for n in pages:
        text = re.sub(r"\s+", " ", texts[n])
        header = text.find("TT Họ và tên Đơn vị công tác Nhiệm kỳ")
        rows = [text.find(name) for name in NAMES if name in text]
        assert 0 <= header < min(rows), f"page {n + 1} has no header above its rows"
        # Row groups (40 rows each, for WeasyPrint's speed) are invisible: one header a page.
        assert text.count("TT Họ và tên Đơn vị công tác Nhiệm kỳ") == 1, f"page {n + 1}"
        found += [name for name in NAMES if name in text]
    assert sorted(found) == sorted(NAMES), "every row is printed once"


def test_a_long_roster_is_laid_out_in_row_groups(built):
    with zipfile.ZipFile(built["epub"]) as epub:
        html = next(epub.read(n).decode() for n in epub.namelist() if "Phòng Lưu trữ số" in epub.read(n).decode("utf-8", "ignore"))
    groups = re.findall(r"<tbody>(.*?)</tbody>", html, re.DOTALL)
    assert [g.count("<tr>") for g in groups] == [40, 40, 10]


def test_the_roster_is_sorted_by_given_name_then_middle_then_family(built):
    with zipfile.ZipFile(built["epub"]) as epub:
        page = ElementTree.fromstring(epub.read("EPUB/a-01-danh-sach.xhtml"))
    table = page.find(f".//{X}table[@class='roster']")
    assert [th.text for th in table.findall(f"{X}thead/{X}tr/{X}th")] == ["TT", "Họ và tên", "Đơn vị công tác",
                                                                        "Nhiệm kỳ"]
    rows = [[td.text for td in tr] for tr in table.findall(f"{X}tbody/{X}tr")]
    assert [row[1] for row in rows] == sort_names(NAMES)
    # By hand: given name An first, then middle names Đức < Minh < Thị < Thu < Văn, then family.
    assert [row[1] for row in rows[:3]] == ["Hoàng Đức An", "Lê Đức An", "Nguyễn Đức An"]
    assert rows[0][0] == "1" and rows[-1][0] == str(len(NAMES))


def _words_with_boxes(pdf, page: int) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of every word on a 1-based page, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(word, float(x), float(y)) for x, y, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]


def images_drawn(content, resources) -> list[tuple[int, int]]:
    """The image XObjects a page (or form) draws, as object ids, following the forms it draws."""
    xobjects = resources.get("/XObject") or {}
    found = []
    for operands, operator in pikepdf.parse_content_stream(content):
        if str(operator) != "Do" or str(operands[0]) not in xobjects:
            continue
        xobject = xobjects[str(operands[0])]
        if xobject.get("/Subtype") == "/Image":
            found.append(xobject.objgen)
        elif xobject.get("/Subtype") == "/Form":
            found += images_drawn(xobject, xobject.get("/Resources") or resources)
    return found


def test_photo_pages_hold_a_landscape_row_and_a_portrait_pair(built):
    texts = page_texts(built["pdf"])
    with pikepdf.open(built["pdf"]) as pdf:
        per_page = [images_drawn(page, page.Resources) for page in pdf.pages]
    drawn = [len(images) for images in per_page]
    unique = {image for images in per_page for image in images}
    first = next(n for n, text in enumerate(texts) if "Ảnh một" in text)
    second = next(n for n, text in enumerate(texts) if "Ảnh bốn" in text)
    # The photos open the article: their first page is set under its title and introduction.
    assert "Ảnh tư liệu" in texts[first] and "Mở đầu." in texts[first]
    assert "Những dấu mốc" in texts[first]
    assert all(caption in texts[first] for caption in ("Ảnh một", "Ảnh hai", "Ảnh ba"))
    assert "Ảnh năm" in texts[second] and second == first + 1
    assert (drawn[first], drawn[second]) == (3, 2)
    assert len(unique) == len(PHOTOS)
    # The portraits stand side by side: their captions share a line, "hai" on the left.
    words = _words_with_boxes(built["pdf"], first + 1)
    (hai_x, hai_y), = [(x, y) for w, x, y in words if w == "hai"]
    (ba_x, ba_y), = [(x, y) for w, x, y in words if w == "ba"]
    (mot_y,) = [y for w, _, y in words if w == "một"]
    assert abs(hai_y - ba_y) < 1 and hai_x < ba_x and mot_y < hai_y


def test_photos_after_a_longer_introduction_start_a_page(built):
    texts = page_texts(built["pdf"])
    opening = next(n for n, text in enumerate(texts) if "Ảnh sau lời dẫn" in text and "Lời dẫn dài" in text)
    photos = next(n for n, text in enumerate(texts) if "Ảnh sáu" in text)
    assert photos == opening + 1 and "Lời dẫn dài" not in texts[photos] and "Ảnh bảy" in texts[photos]


def test_the_epub_shows_the_photos_as_a_sequence_of_figures(built):
    with zipfile.ZipFile(built["epub"]) as epub:
        page = ElementTree.fromstring(epub.read("EPUB/a-02-anh.xhtml"))
        figures = page.findall(f".//{X}div[@class='gallery']//{X}figure")
        assert [f.find(f"{X}figcaption").text for f in figures] == [caption for _, _, caption in PHOTOS]
        for figure in figures:
            image = figure.find(f"{X}img")
            assert image.get("alt") and "EPUB/" + image.get("src") in epub.namelist()


def test_the_timeline_from_front_matter(built):
    texts = page_texts(built["pdf"])
    page = next(text for text in texts if "Thành lập Chi cục" in text)
    assert "Trận lũ lớn trên sông Ngân" in page and "9/2008" in page
    with zipfile.ZipFile(built["epub"]) as epub:
        xhtml = ElementTree.fromstring(epub.read("EPUB/a-03-moc.xhtml"))
    timeline = xhtml.find(f".//{X}dl[@class='timeline']")
    assert [dt.text for dt in timeline.iter(f"{X}dt")] == ["1996", "9/2008"]
    assert [dd.text for dd in timeline.iter(f"{X}dd")] == ["Thành lập Chi cục", "Trận lũ lớn trên sông Ngân"]
