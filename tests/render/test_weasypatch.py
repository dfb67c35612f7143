"""pdf.weasypatch changes WeasyPrint's internals: these tests fail loudly when a new WeasyPrint
changes what is patched (a signature, an attribute, the order of the layout), before the book's
page numbers or fonts go wrong."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

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


def test_the_pages_hook_and_the_note_rule_are_installed_once_and_see_every_page(hooks):
    from weasyprint import layout
    from weasyprint.layout import block

    pages, lines = layout.make_all_pages, block._linebox_layout
    weasypatch.install()
    assert (layout.make_all_pages, block._linebox_layout) == (pages, lines)
    assert pages.publisher_hook and lines.publisher_hook
    seen = []
    hooks.pages_made = seen.append
    try:
        assert len(texts(PAGES)) == 3
    finally:
        hooks.pages_made = None
    assert len(seen) == 1 and len(seen[0]) == 3, "the hook sees the laid-out pages once, before drawing"


LEADERS = """<html lang="vi"><head><style>
@page { size: 120mm 80mm; margin: 10mm; }
body { font-family: "DejaVu Serif", serif; font-size: 10pt; }
li { list-style: none; } a { display: block; color: black; text-decoration: none; }
a::after { content: leader(".") " " attr(data-page); }
</style></head><body><ol>
<li><a data-page="7">Lời nói đầu</a></li>
<li><a data-page="12">Chương một: những ngày đầu thành lập</a></li>
<li><a data-page="128">Một tên bài rất dài, dài đến mức phải xuống dòng mới hết, về bảy mươi năm xây dựng</a></li>
</ol></body></html>"""


def test_a_leader_is_one_text_box_drawn_where_weasyprint_draws_its_dots(hooks, monkeypatch):
    import pypdfium2
    from weasyprint.layout import inline

    weasyprint = import_weasyprint()

    def laid_out():
        document = weasyprint.HTML(string=LEADERS).render()
        leaders = []

        def walk(box):
            if getattr(box, "is_leader", False):
                leaders.append(box)
            for child in getattr(box, "children", ()):
                walk(child)

        for page in document.pages:
            walk(page._page_box)
        text = pypdfium2.PdfDocument(document.write_pdf())[0].get_textpage()
        dots = [text.get_charbox(i)[:2] for i in range(text.count_chars()) if text.get_text_range(i, 1) == "."]
        return leaders, dots

    leaders, merged_dots = laid_out()
    assert len(leaders) == 3 and all(len(box.children) == 1 for box in leaders)
    monkeypatch.setattr(inline, "handle_leader", weasypatch._original(inline.handle_leader))
    boxes, dots = laid_out()
    assert len(boxes[0].children) > 10  # WeasyPrint's own: a box a dot
    assert [len(box.children[0].text) for box in leaders] == [len(box.children) for box in boxes]
    # The same dots in the same places. A viewer advances each dot of one box by the width the
    # PDF's font records (rounded to a thousandth of an em), so the last of 54 dots may sit up
    # to 0.1 pt to the right of where WeasyPrint put its own box.
    assert len(merged_dots) == len(dots) == sum(len(box.children) for box in boxes)
    for (x, y), (x0, y0) in zip(sorted(merged_dots, key=lambda d: (-d[1], d[0])), sorted(dots, key=lambda d: (-d[1], d[0]))):
        assert abs(x - x0) < 0.15 and abs(y - y0) < 0.01


MARKED = ("<style>@page { size: 145mm 205mm; bleed: 9mm; marks: crop cross; background: #fffbe6 }"
          " @page :left { background: #e6f0ff } p { break-after: page }</style>"
          + "".join(f"<p>Trang {i}</p>" for i in range(4)))


def test_the_marks_are_drawn_once_and_every_page_gets_the_same_form(hooks, monkeypatch, tmp_path):
    import pypdfium2
    from weasyprint import draw

    weasyprint = import_weasyprint()

    def drawn():
        data = weasyprint.HTML(string=MARKED).write_pdf()
        pdf = pikepdf.open(io.BytesIO(data))
        found = {}  # WeasyPrint lists every page's form in each page's resources
        for page in pdf.pages:
            for form in page.Resources.get("/XObject", {}).values():
                found[form.objgen] = (form.read_bytes(), repr(form.Resources.get("/ExtGState")),
                                      [float(v) for v in form.BBox])
        forms = [found[k] for k in sorted(found)]
        pdfium = pypdfium2.PdfDocument(data)
        pixels = [pdfium[i].render(scale=0.5).to_pil().tobytes() for i in range(len(pdfium))]
        return forms, pixels

    weasypatch._MARKS.clear()
    forms, pixels = drawn()
    assert len(weasypatch._MARKS) == 1 and next(iter(weasypatch._MARKS.values())) is not None
    monkeypatch.setattr(draw, "draw_background", weasypatch._original(draw.draw_background))
    own_forms, own_pixels = drawn()
    assert len(forms) == 4 and all(form == forms[0] for form in forms)  # one form a page, all alike
    assert forms == own_forms  # and WeasyPrint's own: operators, states, box
    assert pixels == own_pixels  # and the same pages, the page's own background under the marks


STYLED = """<html><head><style>
@font-face { font-family: "Sach"; src: url("%s"); }
@page { size: 100mm 60mm; margin: 12mm; @top-center { content: "Kỷ yếu"; font-family: "Sach"; } }
p { font-family: "Sach"; break-after: page; colour: red; }
</style><style>%s</style></head><body><p>Những người giữ hồ sơ</p><p class="b">trang hai</p></body></html>"""


def test_a_stylesheet_is_parsed_once_a_process_and_read_again_as_it_was(hooks, monkeypatch, tmp_path):
    """The runs of a book share its stylesheet: a second document given the same text gets the
    parse kept from the first (its rules, @page rules, fonts and warnings), and the same pages."""
    import fontpkg
    import weasyprint as wp

    path = Path(fontpkg.path("Noto Serif", weight=400))
    font = path.as_uri()
    weasyprint = import_weasyprint()

    def made(extra: str):
        captured = capture_warnings()
        try:
            data = weasyprint.HTML(string=STYLED % (font, extra), url_fetcher=BookFetcher({font: path})).write_pdf()
        finally:
            release(captured)
        pdf = pikepdf.open(io.BytesIO(data))
        fonts = sorted(str(f.get("/BaseFont"))[8:] for p in pdf.pages for f in p.Resources.Font.values())
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
        return text.decode(), fonts, len(pdf.pages), captured.messages

    weasypatch._STYLESHEETS.clear()
    first = made("p.b { font-size: 14pt; }")
    kept = dict(weasypatch._STYLESHEETS)
    assert len(kept) == 2  # the book's stylesheet and the run's own
    again = made("p.b { font-size: 9pt; }")  # the book's kept, the run's new
    assert weasypatch._STYLESHEETS[next(iter(kept))] is kept[next(iter(kept))]
    monkeypatch.setattr(wp.CSS, "__init__", weasypatch._original(wp.CSS.__init__))
    own_first, own_again = made("p.b { font-size: 14pt; }"), made("p.b { font-size: 9pt; }")
    assert first == own_first and again == own_again  # WeasyPrint's own parse each time
    assert "Những người giữ hồ sơ" in again[0] and "Kỷ yếu" in again[0]
    assert set(again[1]) == {"Sach"}  # the @font-face font, added again to the second document
    assert not any("cannot be loaded" in m for m in first[3] + again[3])
    assert any("colour" in m for m in again[3])  # the stylesheet's warning, again for the second


@pytest.mark.parametrize("rule", ['@import url("file:///etc/hostname");',
                                  "@counter-style so { system: cyclic; symbols: a b; }",
                                  "@layer nen { p { color: red; } }"])
def test_a_stylesheet_that_fetches_or_defines_more_is_parsed_every_time(hooks, rule):
    weasyprint = import_weasyprint()
    weasypatch._STYLESHEETS.clear()
    html = f"<html><head><style>{rule} p {{ color: blue; }}</style></head><body><p>một</p></body></html>"
    weasyprint.HTML(string=html, url_fetcher=BookFetcher({})).render()
    assert weasypatch._STYLESHEETS == {}


PSEUDO = """<html><head><style>
@page { size: 120mm 90mm; margin: 10mm; }
body { font-family: sans-serif; font-size: 9pt; }
li::marker { color: #a00; font-weight: bold; }
h2::before { content: "Phần " attr(data-n) ": "; color: #036; }
h2::after { content: " ✓"; }
h2.dich::before { -weasy-anchor: "dich"; }
.note { float: footnote; }
::footnote-call { color: #060; font-weight: bold; }
::footnote-marker { content: "(" counter(footnote) ") "; }
td { border: 0.5pt solid #555; }
td:nth-child(2)::after { content: " *"; }
</style></head><body>
<h2 data-n="1">Mở đầu</h2><ul><li>Một</li><li>Hai</li></ul>
<p>Lời dẫn<span class="note">Chú thích về lưu trữ.</span> và <a href="#dich">xem đích</a>.</p>
<h2 class="dich" data-n="2">Đích</h2>
<table>%s</table>
</body></html>""" % "".join(f"<tr><td>{i}</td><td>Người thứ {i}</td></tr>" for i in range(120))


def test_pseudo_elements_styles_are_computed_when_asked_and_give_the_same_pdf(hooks, monkeypatch):
    """A pseudo-element's style is computed when the boxes ask for it (128 of the 2,368 that
    WeasyPrint computes here), and the PDF is WeasyPrint's own, byte for byte:
    markers, ::before and ::after with attr(), footnote calls and markers, and an anchor set on a
    pseudo-element that a link points to."""
    from weasyprint import css

    weasyprint = import_weasyprint()
    made: list = []
    original_init = css.ComputedStyle.__init__

    def counting(self, parent_style, cascaded, pseudo_type, *args):
        made.append(pseudo_type)
        original_init(self, parent_style, cascaded, pseudo_type, *args)

    monkeypatch.setattr(css.ComputedStyle, "__init__", counting)
    lazy = weasyprint.HTML(string=PSEUDO).write_pdf()
    lazy_pseudo = sum(p is not None and p[0] != "@" for p in made)  # not the pages' margin boxes
    made.clear()
    with monkeypatch.context() as own:
        own.setattr(css.StyleFor, "set_computed_styles", weasypatch._original(css.StyleFor.set_computed_styles))
        own.setattr(css.StyleFor, "__call__", weasypatch._original(css.StyleFor.__call__))
        eager = weasyprint.HTML(string=PSEUDO).write_pdf()
    eager_pseudo = sum(p is not None and p[0] != "@" for p in made)
    assert lazy == eager
    # Asked for: the 120 cells' ::after, the headings' ::before and ::after, two markers, the note's
    # call and marker; WeasyPrint computes six for each of the 390 elements.
    assert (eager_pseudo, lazy_pseudo) == (2368, 128)
    pdf = pikepdf.open(io.BytesIO(lazy))
    links = [a for p in pdf.pages for a in p.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    assert links and all("/Dest" in a or "/A" in a for a in links)  # the anchor on ::before was collected
    text = subprocess.run(["pdftotext", "-", "-"], input=lazy, capture_output=True, check=True).stdout.decode()
    assert "Phần 1: Mở đầu ✓" in text and "(1)" in text and "Người thứ 7 *" in text and "•" in text
