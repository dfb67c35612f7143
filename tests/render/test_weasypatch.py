"""pdf.weasypatch changes WeasyPrint's internals: these tests fail loudly when a new WeasyPrint
changes what is patched (a signature, an attribute, the order of the layout), before the book's
page numbers or fonts go wrong."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest

from publisher.pdf import weasypatch
from publisher.pdf.weasy import BookFetcher, capture_warnings, import_weasyprint, release

PAGES = """<html><head><style>
@page { size: 100mm 60mm; margin: 15mm; @bottom-center { content: "trang " counter(page); } }
p { break-after: page; font-family: sans-serif; }
</style></head><body><p>một</p><p>hai</p><p>ba</p></body></html>"""


@pytest.fixture
def hooks():
    weasypatch.install()
    yield weasypatch.HOOKS
    weasypatch.HOOKS.page_offset = weasypatch.HOOKS.font_subset = None


def texts(html: str, fetcher=None) -> list[str]:
    weasyprint = import_weasyprint()
    raw = io.BytesIO()
    weasyprint.HTML(string=html, url_fetcher=fetcher).render().write_pdf(raw)
    with pikepdf.open(io.BytesIO(raw.getvalue())) as pdf:
        count = len(pdf.pages)
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-", "-"], input=raw.getvalue(),
                           capture_output=True, check=True).stdout.decode() for i in range(1, count + 1)]


def test_what_the_patches_assume_holds_for_the_installed_weasyprint():
    assert weasypatch.assumptions() == [], (
        "WeasyPrint changed what publisher/pdf/weasypatch.py patches: review the wrappers there")


def test_installing_twice_wraps_once(hooks):
    from weasyprint import layout
    from weasyprint.pdf import fonts

    margin, clean = layout.make_margin_boxes, fonts.Font.clean
    weasypatch.install()
    assert (layout.make_margin_boxes, fonts.Font.clean) == (margin, clean)
    assert margin.publisher_hook and clean.publisher_hook


def test_the_page_numbers_wait_for_the_offset_after_every_page_is_laid_out(hooks):
    asked = []

    def offset(laid_out):
        asked.append(laid_out)
        return 40

    hooks.page_offset = offset
    pages = texts(PAGES)
    assert [p.split()[-1] for p in pages] == ["41", "42", "43"]
    # Asked once a margin box, and every page was already laid out when the first was made.
    assert asked == [3, 3, 3]


def test_without_hooks_weasyprint_numbers_as_usual(hooks):
    assert [p.split()[-1] for p in texts(PAGES)] == ["1", "2", "3"]


def test_each_subset_font_is_reported_with_its_source(hooks):
    found = {}
    hooks.font_subset = found.__setitem__
    texts(PAGES)
    assert found, "Font.clean was not called while the PDF was written"
    for name, record in found.items():
        assert name and not name.startswith("/")  # the PDF font name, without its slash
        assert set(record) == {"sha256", "hinting", "plain"}
        assert len(record["sha256"]) == 64 and isinstance(record["plain"], bool)


def test_a_refused_url_is_a_warning_not_a_failure():
    """BookFetcher._fail_on_errors: WeasyPrint reads it and logs the refusal instead of raising."""
    fetcher = BookFetcher({})
    captured = capture_warnings()
    try:
        pages = texts('<p>ảnh</p><img src="file:///etc/hostname"/>', fetcher)
    finally:
        release(captured)
    assert len(pages) == 1
    assert fetcher.refused == ["file:///etc/hostname"]
    assert any("publisher does not fetch" in m or "hostname" in m for m in captured.messages)
