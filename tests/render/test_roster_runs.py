"""A long roster: columns measured once, laid out in several runs, the same book as one pass."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from publisher.errors import ManuscriptError
from publisher.pdf import RunStats, rosters, write_pdf
from publisher.pdf.runs import plan_runs
from publisher.pdf.weasy import BOOK_BASE, BookFetcher
from tests.conftest import make_project
from tests.render.test_parallel import labels, link_targets, outline, page_texts, rendered

pytestmark = pytest.mark.slow  # whole builds

ROWS = 700
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương".split()
MIDDLE = "Văn Thị Minh Hữu Đức Thanh Ngọc Quang Thu Kim Xuân Bích Hoài Mạnh".split()
GIVEN = "An Anh Bình Chi Cường Dũng Hà Hải Hạnh Hiền Hoa Hòa Hùng Hương Khánh Lan Linh Long Mai Nam Yến".split()
UNITS = ("Phòng Hành chính – Tổng hợp", "Phòng Nghiệp vụ", "Kho Lưu trữ lịch sử", "Tổ Tu bổ – Phục chế",
         "Trung tâm Số hóa và Công nghệ thông tin lưu trữ", "Đội Bảo vệ kho")


def roster_csv(rows: int) -> str:
    rng = random.Random(15)
    lines = ["Họ và tên,Ngày sinh,Ngày vào ngành,Đơn vị"]
    for _ in range(rows):
        # Names of two to five words and units of one to three lines: rows of different heights.
        name = " ".join([rng.choice(FAMILY), *rng.sample(MIDDLE, rng.randint(0, 3)), rng.choice(GIVEN)])
        born = rng.randint(1940, 2000)
        lines.append(f"{name},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born},"
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born + 25},{rng.choice(UNITS)}")
    return "\n".join(lines) + "\n"


def text_article(number: int) -> str:
    words = "Những người làm công tác lưu trữ đã giữ gìn hồ sơ của tỉnh qua bao năm tháng. " * 40
    return f"---\ntitle: Bài viết số {number}\n---\n\n{words}\n\n{words}\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Two parts; the roster article between two others, with a lead-in and a closing paragraph."""
    roster = ("---\ntitle: Danh sách cán bộ qua các thời kỳ\n---\n\n"
              "Danh sách dưới đây ghi lại những người đã công tác tại chi cục, xếp theo tên.\n\n"
              "```roster file=../data/can-bo.csv sort=name number=TT\n```\n\n"
              "Danh sách được lập từ hồ sơ của phòng Tổ chức.\n")
    manuscripts = {"01-bai.md": text_article(1), "02-danh-sach.md": roster, "03-bai.md": text_article(3),
                   "04-bai.md": text_article(4)}
    toml = """
        [book]
        title = "Kỷ yếu thử danh sách"
        slug = "ds"
        date = 2026-10-20
        toc = "back"

        [[parts]]
        title = "Phần một"
        files = ["01-bai.md", "02-danh-sach.md", "03-bai.md"]

        [[parts]]
        title = "Phần hai"
        files = ["04-bai.md"]
        """
    return make_project(tmp_path_factory.mktemp("roster"), manuscripts, toml,
                        {"data/can-bo.csv": roster_csv(ROWS).encode()})


@pytest.fixture(scope="module")
def small_chunks():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rosters, "CHUNK_PAGES", 8)
        yield


@pytest.fixture(scope="module")
def builds(project, small_chunks, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    book = rendered(project)
    stats = RunStats()
    results = {"single": write_pdf(book, out / "single.pdf", "print", parallel=False),
               "runs": write_pdf(book, out / "runs.pdf", "print", parallel=True, stats=stats)}
    return {"out": out, "results": results, "stats": stats, "book": book}


def pixels(pdf: Path, first: int, last: int) -> list[bytes]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return [document[i].render(scale=0.6).to_pil().tobytes() for i in range(first, last)]


def test_a_long_roster_gets_its_columns_once_and_is_cut_into_runs(builds, project):
    book = rosters.fixed_columns(builds["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    assert 'style="table-layout: fixed"' in doc.body and doc.body.count("<col ") == 5
    chunks = rosters.plan_chunks(book, book.config.profile("print"))[doc.id]
    assert len(chunks) >= 3
    assert chunks[0].first == (0, 0) and chunks[-1].sentinel is None
    assert all(a.sentinel == b.first and a.first < b.first for a, b in zip(chunks, chunks[1:]))
    assert chunks[-1].body.endswith(doc.body[doc.body.rindex("</table>"):].split("</div>", 1)[1])
    runs = plan_runs(book, chunks={doc.id: chunks})
    assert sum(run.continued for run in runs) == len(chunks) - 1
    assert not builds["stats"].rosters_again  # every stretch ended where one pass breaks the page


def test_the_runs_make_the_same_book_as_one_pass(builds):
    single, runs = builds["out"] / "single.pdf", builds["out"] / "runs.pdf"
    assert builds["results"]["runs"].pages == builds["results"]["single"].pages > 40
    texts = page_texts(runs)
    assert texts == page_texts(single)  # rows, running heads, numbers, the contents' numbers
    assert labels(runs) == labels(single) and outline(runs) == outline(single)
    assert link_targets(runs) == link_targets(single)
    # The roster's pages drawn alike: columns, borders, the header row repeated on each page.
    first = next(i for i, t in enumerate(texts) if "Danh sách dưới đây" in t)
    last = next(i for i, t in enumerate(texts) if "Danh sách được lập" in t)
    assert last - first > 25
    assert pixels(runs, first, last + 1) == pixels(single, first, last + 1)
    assert all("Họ và tên" in t for t in texts[first:last + 1])
    # The running heads go on over the roster's pages, as one pass prints them (first-except):
    # the chapter on right-hand pages, the book's title on left-hand ones.
    heads = ["Danh sách cán bộ" in t.split("\n")[0] or "Kỷ yếu thử danh sách" in t.split("\n")[0]
             for t in texts[first + 1:last + 1]]
    assert all(heads)


def test_a_prediction_that_fails_lays_the_roster_out_again_in_one_run(builds, project, monkeypatch, tmp_path):
    original = rosters._predict

    def off_by_one(*args):
        tops = original(*args)
        # Every page from the tenth on opens a row later than one pass opens it.
        return tops[:10] + [t + 1 if t and t > 0 else t for t in tops[10:]]

    monkeypatch.setattr(rosters, "_predict", off_by_one)
    stats = RunStats()
    cache = tmp_path / "cache"
    write_pdf(builds["book"], tmp_path / "again.pdf", "print", parallel=True, stats=stats, cache=cache)
    assert stats.rosters_again and not stats.rosters_in_one_run
    assert page_texts(tmp_path / "again.pdf") == page_texts(builds["out"] / "single.pdf")
    # The failure is kept: the next build lays the roster out in one run at once.
    later = RunStats()
    write_pdf(builds["book"], tmp_path / "later.pdf", "print", parallel=True, stats=later, cache=cache)
    assert later.rosters_in_one_run and not later.rosters_again
    assert (tmp_path / "later.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()


def test_a_roster_too_long_for_one_piece_whose_breaks_are_not_known_is_a_message(builds, monkeypatch, tmp_path):
    monkeypatch.setattr(rosters, "WHOLE_ROWS", ROWS - 1)
    where = "manuscripts/02-danh-sach.md:7: roster: 700 rows laid out in one piece"
    # Rows whose heights do not follow one rule: no page break predicted, no run cut.
    with monkeypatch.context() as patch:
        patch.setattr(rosters, "_predict", lambda *args: None)
        with pytest.raises(ManuscriptError) as caught:
            write_pdf(builds["book"], tmp_path / "none.pdf", "print", parallel=True)
    assert str(caught.value).startswith(f"{where} (its page breaks could not be worked out ahead)")
    assert caught.value.hint == "put at most 699 rows in an article: one article per period or unit"
    # A prediction that the laid-out runs prove wrong: the roster is not laid out again in one piece.
    original = rosters._predict
    monkeypatch.setattr(rosters, "_predict", lambda *args: [t + 1 if t and t > 0 else t for t in original(*args)])
    with pytest.raises(ManuscriptError, match="could not be worked out ahead"):
        write_pdf(builds["book"], tmp_path / "wrong.pdf", "print", parallel=True, cache=tmp_path / "cache")
    with pytest.raises(ManuscriptError, match="could not be worked out ahead"):  # the failure kept in the cache
        write_pdf(builds["book"], tmp_path / "wrong.pdf", "print", parallel=True, cache=tmp_path / "cache")
    # One pass: the tagged screen PDF, or PUBLISHER_PARALLEL=0.
    with pytest.raises(ManuscriptError, match=r"\(the screen PDF is tagged \(PDF/UA\): made in one pass\)"):
        write_pdf(builds["book"], tmp_path / "screen.pdf", "screen")
    monkeypatch.setenv("PUBLISHER_PARALLEL", "0")
    with pytest.raises(ManuscriptError, match=r"\(PUBLISHER_PARALLEL=0\)"):
        write_pdf(builds["book"], tmp_path / "one.pdf", "print")


def test_a_long_layout_tells_how_many_pages_are_laid_out(builds, monkeypatch, tmp_path):
    from publisher.pdf.runs import schedule

    monkeypatch.setattr(schedule, "PROGRESS_EVERY", 0.0)  # a line at every run finished
    lines: list[str] = []
    stats = RunStats()
    result = write_pdf(builds["book"], tmp_path / "told.pdf", "print", parallel=True, stats=stats,
                       progress=lines.append)
    told = [re.fullmatch(r"([\d,]+) pages laid out \((\d+) of (\d+) runs\)", line) for line in lines]
    assert told and all(told), lines
    pages, done, total = zip(*((int(m[1].replace(",", "")), int(m[2]), int(m[3])) for m in told))
    assert list(pages) == sorted(pages) and list(done) == sorted(done) and set(total) == {len(stats.rendered)}
    assert done[-1] == total[-1] and pages[-1] == result.pages - (result.padding or 0) > 40
    assert (tmp_path / "told.pdf").read_bytes() == (builds["out"] / "runs.pdf").read_bytes()


def test_a_run_that_would_hold_too_many_rows_is_a_message(two_rosters, monkeypatch, tmp_path):
    # The second roster not predicted: the last run would hold it whole, from the first one's end.
    original, calls = rosters._predict, []

    def first_only(*args):
        calls.append(1)
        return original(*args) if len(calls) == 1 else None

    monkeypatch.setattr(rosters, "_predict", first_only)
    monkeypatch.setattr(rosters, "WHOLE_ROWS", ROWS - 1)
    with pytest.raises(ManuscriptError) as caught:
        write_pdf(two_rosters["book"], tmp_path / "x.pdf", "print", parallel=True)
    # The second roster's block, and the rows of the last run: more than the second roster's own.
    found = re.match(r"manuscripts/02-can-bo\.md:14: roster: ([\d,]+) rows laid out in one piece \(its page "
                     r"breaks could not be worked out ahead\)", str(caught.value))
    assert found and ROWS < int(found[1].replace(",", "")) < ROWS + 430, str(caught.value)
    assert len(calls) == 2 and not (tmp_path / "x.pdf").exists()


def test_the_columns_measured_once_are_those_weasyprint_gives_the_whole_table(builds, project, monkeypatch,
                                                                              tmp_path):
    monkeypatch.setattr(rosters, "LONG_ROSTER", 10**9)  # WeasyPrint's own table layout, every row measured
    auto = tmp_path / "auto.pdf"
    write_pdf(builds["book"], auto, "print", parallel=False)
    assert page_texts(auto) == page_texts(builds["out"] / "single.pdf")


def test_short_rosters_and_other_markup_are_left_alone(builds):
    book = builds["book"]
    short = book.documents[0].body  # any document without a long roster
    assert rosters.fixed_columns(book, None).documents[0].body == short
    other = ('<div class="roster-block"><table class="roster wide"><thead><tr><th>A</th></tr></thead><tbody>'
             + "<tr><td>x</td></tr>" * 300 + "</tbody></table></div>")
    from dataclasses import replace

    changed = replace(book, documents=[replace(book.documents[0], body=other)])
    assert rosters.fixed_columns(changed, None).documents[0].body == other


def test_the_measures_and_predictions_are_kept_in_the_cache(builds, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    write_pdf(builds["book"], tmp_path / "first.pdf", "print", parallel=True, cache=cache)

    def no_probe(*args):
        raise AssertionError("a roster was measured again")

    monkeypatch.setattr(rosters, "_render", no_probe)
    stats = RunStats()
    write_pdf(builds["book"], tmp_path / "again.pdf", "print", parallel=True, cache=cache, stats=stats)
    assert stats.joined_from_cache
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def built_both_ways(tmp_path_factory, name: str, manuscripts: dict, title: str, files: dict,
                    parallel: bool | None = True) -> dict:
    """A book (no parts, the contents at the back) built in one pass and in runs (``parallel``:
    write_pdf's, None: as it decides)."""
    toml = f"""
        [book]
        title = "{title}"
        slug = "{name}"
        date = 2026-10-20
        toc = "back"
        """
    project = make_project(tmp_path_factory.mktemp(name), manuscripts, toml, files)
    out = tmp_path_factory.mktemp(f"{name}-out")
    book = rendered(project)
    stats = RunStats()
    write_pdf(book, out / "single.pdf", "print", parallel=False)
    write_pdf(book, out / "runs.pdf", "print", parallel=parallel, stats=stats)
    return {"out": out, "book": book, "stats": stats}


def same_book(built: dict, pages: int, marker: str) -> None:
    """The runs made the one pass's book: texts, labels, outline, links; pixels about ``marker``."""
    assert not built["stats"].rosters_again  # every cut where one pass breaks the page
    single, parallel = built["out"] / "single.pdf", built["out"] / "runs.pdf"
    texts = page_texts(parallel)
    assert texts == page_texts(single) and len(texts) > pages
    assert labels(parallel) == labels(single) and outline(parallel) == outline(single)
    assert link_targets(parallel) == link_targets(single)
    at = next(i for i, t in enumerate(texts) if marker in t)
    assert pixels(parallel, max(0, at - 2), at + 10) == pixels(single, max(0, at - 2), at + 10)


@pytest.fixture(scope="module")
def roster_first(tmp_path_factory, small_chunks):
    """A book without parts whose body opens with the roster: its first run is the body's first."""
    roster = ("---\ntitle: Danh sách cán bộ\n---\n\n"
              "```roster file=../data/can-bo.csv sort=name number=TT\n```\n")
    return built_both_ways(tmp_path_factory, "dst", {"01-danh-sach.md": roster, "02-bai.md": text_article(2)},
                           "Kỷ yếu danh sách trước", {"data/can-bo.csv": roster_csv(ROWS).encode()})


def test_a_roster_that_opens_the_body_is_cut_into_runs_too(roster_first):
    book = rosters.fixed_columns(roster_first["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    chunks = rosters.plan_chunks(book, book.config.profile("print"))[doc.id]
    runs = plan_runs(book, chunks={doc.id: chunks})
    first = next(run for run in runs if run.kind == "body")
    assert first.documents[0].id == doc.id and first.right  # the body opens on a right-hand page
    assert sum(run.continued for run in runs) == len(chunks) - 1 >= 2
    assert len(roster_first["stats"].rendered) == len(runs)
    same_book(roster_first, 40, "Họ và tên")


@pytest.fixture(scope="module")
def two_rosters(tmp_path_factory, small_chunks):
    """One document with two long rosters (one per period, as the row limit's hint asks) and text
    between and after them."""
    article = ("---\ntitle: Cán bộ qua hai thời kỳ\n---\n\nDanh sách thời kỳ đầu, xếp theo tên.\n\n"
               "```roster file=../data/dau.csv sort=name number=TT title=\"Thời kỳ 1996–2010\"\n```\n\n"
               "Những người vào ngành từ năm 2011 được ghi dưới đây.\n\n## Thời kỳ sau\n\n"
               "```roster file=../data/sau.csv sort=name number=TT\n```\n\n"
               "Hai danh sách được lập từ hồ sơ của phòng Tổ chức.\n")
    files = {"data/dau.csv": roster_csv(430).encode(), "data/sau.csv": roster_csv(ROWS).encode()}
    return built_both_ways(tmp_path_factory, "hds", {"01-bai.md": text_article(1), "02-can-bo.md": article,
                                                     "03-bai.md": text_article(3)}, "Kỷ yếu hai danh sách", files)


def test_a_document_with_several_long_rosters_is_cut_in_each(two_rosters):
    book = rosters.fixed_columns(two_rosters["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    assert len(rosters.parse(doc.body)) == 2
    chunks = rosters.plan_chunks(book, book.config.profile("print"))[doc.id]
    assert {chunk.first[0] for chunk in chunks} == {0, 1}  # runs open in both rosters
    # The run that goes from the first roster into the second holds the text between them.
    across = next(c for c, d in zip(chunks, chunks[1:]) if c.first[0] == 0 and d.first[0] == 1)
    assert "Những người vào ngành" in across.body and "Thời kỳ sau" in across.body
    same_book(two_rosters, 60, "Những người vào ngành")


def assert_cut_as_one_pass(built: dict, marker: str):
    """The book's one roster article cut into 3 runs or more, the first row of every page as its
    layout gives it, and the same book as one pass (every run ended where one pass breaks the
    page); the roster's document, its columns fixed."""
    book = rosters.fixed_columns(built["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    assert len(rosters.plan_chunks(book, book.config.profile("print")).get(doc.id, [])) >= 3
    assert_predicted_as_laid_out(book, doc, 1)
    same_book(built, 40, marker)
    return doc


def assert_predicted_as_laid_out(book, doc, count: int) -> None:
    """The first row of every page of ``doc`` (its ``count`` long rosters) as predicted, against the
    document laid out as the book's passes lay it out (pdf.refill, with its pictures)."""
    from weasyprint.formatting_structure import boxes

    from publisher.pdf import book_html, import_weasyprint, refill

    profile = book.config.profile("print")
    predicted = rosters._predict_all(book, profile, doc, rosters.parse(doc.body))
    files = {f.path.resolve().as_uri(): f.path for f in book.fonts}
    files.update({BOOK_BASE + href: path for href, path in book.images.items()})
    laid_out = refill.render(import_weasyprint(), book_html(book, profile, [doc]), base_url=BOOK_BASE,
                             url_fetcher=BookFetcher(files))
    tables: list = []  # the rosters' <table> elements, in order

    def rows(box, table=None):
        if isinstance(box, boxes.TableBox):
            table = box.element
        if isinstance(box, boxes.TableRowBox) and box.element is not None and box.element.get("data-row"):
            yield table, int(box.element.get("data-row"))
        for child in getattr(box, "children", ()) or ():
            yield from rows(child, table)

    pages = []  # (roster, row) of each page
    for page in laid_out.pages:
        found = list(rows(page._page_box))
        tables.extend(table for table, _ in found if table not in tables)
        pages.append([(tables.index(table), row) for table, row in found])
    assert len(tables) == count and len(predicted) > 40
    # Each page's first row of the roster the prediction names (the page where the first roster
    # ends may open with its last row, which came over with the lead-in).
    first = [t and next((row for k, row in rows if k == t[0]), None) for t, rows in zip(predicted, pages)]
    assert first == [t and abs(t[1]) for t in predicted]


@pytest.fixture(scope="module")
def lead_in(tmp_path_factory, small_chunks):
    """Two long rosters, the second introduced by a paragraph right above it, which the book's
    passes keep with the roster's first rows (pdf.refill marks it): with 201 rows in the first,
    the page breaks of the second are other than those of the paragraph left at a page's foot."""
    article = ("---\ntitle: Cán bộ qua hai thời kỳ\n---\n\n"
               "```roster file=../data/dau.csv sort=name number=TT\n```\n\n"
               "Thời kỳ thứ hai: những người vào ngành từ năm 2011, xếp theo tên.\n\n"
               "```roster file=../data/sau.csv sort=name number=TT\n```\n")
    files = {"data/dau.csv": roster_csv(201).encode(), "data/sau.csv": roster_csv(ROWS).encode()}
    return built_both_ways(tmp_path_factory, "hdl", {"01-bai.md": text_article(1), "02-can-bo.md": article},
                           "Kỷ yếu hai danh sách", files)


def test_the_pages_after_a_lead_in_are_predicted_as_the_book_lays_them_out(lead_in):
    book = rosters.fixed_columns(lead_in["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    assert '<p class="lead-in">' not in doc.body and len(rosters.parse(doc.body)) == 2
    profile = book.config.profile("print")
    assert_predicted_as_laid_out(book, doc, 2)
    chunks = rosters.plan_chunks(book, profile)[doc.id]
    assert {chunk.first[0] for chunk in chunks} == {0, 1}
    same_book(lead_in, 50, "Thời kỳ thứ hai")  # every run ended where one pass breaks the page


@pytest.fixture(scope="module")
def figure_above(tmp_path_factory, small_chunks):
    """A picture, then the paragraph introducing the roster: the roster's first page holds fewer rows."""
    import io as _io

    from PIL import Image

    picture = _io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 120, 150)).save(picture, "JPEG")
    article = ("---\ntitle: Danh sách cán bộ\n---\n\nẢnh tập thể chi cục năm 2025.\n\n"
               "![Tập thể chi cục](../images/tap-the.jpg)\n\n"
               "Những người đã công tác tại chi cục, xếp theo tên.\n\n"
               "```roster file=../data/can-bo.csv sort=name number=TT\n```\n")
    files = {"data/can-bo.csv": roster_csv(ROWS).encode(), "images/tap-the.jpg": picture.getvalue()}
    return built_both_ways(tmp_path_factory, "dsa", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách có ảnh", files)


def test_the_pages_after_a_picture_are_predicted_with_the_picture(figure_above):
    book = rosters.fixed_columns(figure_above["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    assert "<img" in doc.body[:doc.body.index('class="roster"')]
    assert_predicted_as_laid_out(book, doc, 1)
    same_book(figure_above, 40, "Ảnh tập thể chi cục")  # every run ended where one pass breaks the page


@pytest.fixture(scope="module")
def blank_first(tmp_path_factory, small_chunks):
    """A roster in the file's order whose first 100 rows have no unit (of one to three lines after)."""
    lines = roster_csv(ROWS).splitlines()
    rows = [lines[0]] + [line.rsplit(",", 1)[0] + "," if n < 100 else line for n, line in enumerate(lines[1:])]
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dsb", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": ("\n".join(rows) + "\n").encode()})


def test_a_column_blank_in_the_first_rows_is_predicted_too(blank_first):
    doc = assert_cut_as_one_pass(blank_first, "Danh sách cán bộ")
    assert "<td></td></tr>" in doc.body[:doc.body.index("</tbody>")]  # the first group's units blank


def marked_csv(first: int) -> str:
    """The roster with a column of marks from row ``first`` on, each row's taller or lower than a
    line of the book's font: a ✓ alone on its line (a symbols font), words after it, an arrow
    (a font that reaches higher and lower than the book's)."""
    rng = random.Random(16)
    lines = roster_csv(ROWS).splitlines()
    marks = ["✓", "✓ Đảng viên", "→ Sở Nội vụ", "→"]
    return "\n".join([lines[0] + ",Ghi chú"] + [line + "," + (rng.choice(marks) if n >= first else "")
                                                for n, line in enumerate(lines[1:])]) + "\n"


@pytest.fixture(scope="module", params=[30, 100], ids=["marks-in-first-rows", "marks-after-first-rows"])
def marked(request, tmp_path_factory, small_chunks):
    """A column of marks in fallback fonts, in the file's order: from row 30 (among the rows the
    height model learns from: before, it gave up), or from row 100 (after them: before, it
    predicted every row a line of the book's font, and pages broke elsewhere)."""
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv number=TT\n```\n"
    return built_both_ways(tmp_path_factory, f"dsv{request.param}",
                           {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": marked_csv(request.param).encode()})


def test_rows_with_lines_in_a_fallback_font_are_predicted(marked):
    assert_cut_as_one_pass(marked, "Họ và tên")


def test_a_line_of_a_fallback_font_is_a_kind_of_its_own(marked):
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = marked["book"].fonts
    faces = "".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.resolve().as_uri()}"); '
                    f"font-weight: {f.weight}; font-style: {f.style}; }}" for f in fonts)
    html = ("<table style='width: 40pt; font-family: \"Book Serif\", \"Book Symbols Extra\"'>"
            "<tr><td>Đảng</td><td>✓ Đảng viên</td></tr></table>")
    fetcher = BookFetcher({f.path.resolve().as_uri(): f.path for f in fonts})
    config = FontConfiguration()
    document = HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=faces, url_fetcher=fetcher, font_config=config)], font_config=config)
    cells = [box for box in rosters._walk(document.pages[0]._page_box) if type(box).__name__ == "TableCellBox"]
    text = next(b for b in rosters._walk(cells[0]) if type(b).__name__ == "TextBox")
    lines = rosters._line_counter([(text.style, cells[1].width)] * 2)
    word, = lines(0, "Đảng")
    mark, *rest = lines(1, "✓ Đảng viên")  # the ✓ on a line of its own: the space after it left out
    assert mark != word and rest == [word] * len(rest) and rest
    assert lines.samples[1] == {mark: "✓", word: "Đảng"}


def titled_csv() -> str:
    """The roster with titles before some names ("ThS Nguyễn …") and a column of notes ("Hệ số
    4,98", "Công tác 32 năm"): the normaliser binds each with a no-break space, where no line
    may break."""
    rng = random.Random(17)
    lines = roster_csv(ROWS).splitlines()
    titles = ["", "", "TS", "ThS", "KS", "PGS.TS"]
    rows = [lines[0] + ",Ghi chú"]
    for line in lines[1:]:
        title = rng.choice(titles)
        note = rng.choice([f"Hệ số {rng.randint(2, 9)},{rng.randint(10, 99)} ± 0,1",
                           f"Công tác {rng.randint(5, 40)} năm, nghỉ hưu", ""])
        rows.append((f"{title} {line}" if title else line) + f',"{note}"')
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def titled(tmp_path_factory, small_chunks):
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dst", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": titled_csv().encode()})


def test_no_break_spaces_in_cells_are_predicted(titled):
    """Before, a cell's text was split at no-break spaces too (Python's ``str.split``), so its
    lines were counted as if it could break there: the roster was not cut."""
    doc = assert_cut_as_one_pass(titled, "Họ và tên")
    assert all(bound in doc.body for bound in ("ThS\u00a0", "số\u00a0", "\u00a0năm"))


@pytest.fixture(scope="module")
def addresses(tmp_path_factory, small_chunks):
    """The roster with a column of e-mail addresses, some long: each breaks at its punctuation
    (render.typeset.breakable), where the PDF has a zero-width space."""
    rng = random.Random(19)
    lines = roster_csv(ROWS).splitlines()
    rows = [lines[0] + ",Thư điện tử"] + [
        line + "," + rng.choice([f"can.bo.{n}.phong.hanh.chinh@chicucvanthuluutru.bachvan.gov.vn", f"cb{n}@bv.vn", ""])
        for n, line in enumerate(lines[1:])]
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv sort=name number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dse", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": ("\n".join(rows) + "\n").encode()})


def test_addresses_broken_at_their_punctuation_are_predicted(addresses):
    doc = assert_cut_as_one_pass(addresses, "Danh sách cán bộ")
    assert "<wbr/>@chicucvanthuluutru" in doc.body


@pytest.fixture(scope="module")
def spaced_rows(tmp_path_factory, small_chunks):
    """A project's book.css with separate borders (2pt between rows) and every unit of two lines or
    more: no row of one line, and a space between rows, for the height model to learn."""
    css = (Path(rosters.__file__).parent.parent / "templates" / "book.css").read_text(encoding="utf-8")
    css += "\ntable.roster { border-collapse: separate; border-spacing: 0 2pt; }\n"
    unit = "Phòng Hành chính – Tổng hợp và Quản lý hồ sơ tài liệu lưu trữ lịch sử của tỉnh"
    lines = roster_csv(ROWS).splitlines()
    rows = [lines[0]] + [line.rsplit(",", 1)[0] + "," + unit for line in lines[1:]]
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv sort=name number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dsk", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": ("\n".join(rows) + "\n").encode(),
                                                 "styles/book.css": css.encode()})


def test_rows_with_space_between_and_none_of_one_line_are_predicted(spaced_rows):
    assert_cut_as_one_pass(spaced_rows, "Danh sách cán bộ")


@pytest.fixture(scope="module")
def upper_names(tmp_path_factory, small_chunks):
    """A project's book.css that sets the names in capitals (``text-transform``), as many rolls of
    honour do: a name in capitals is wider, and more of them take two lines."""
    css = (Path(rosters.__file__).parent.parent / "templates" / "book.css").read_text(encoding="utf-8")
    css += "\ntable.roster td:nth-child(2) { text-transform: uppercase; }\n"
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv sort=name number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dsu", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": roster_csv(ROWS).encode(),
                                                 "styles/book.css": css.encode()})


def test_names_set_in_capitals_are_predicted(upper_names):
    """Before, the lines were counted in the text as written, not as set (in capitals)."""
    assert_cut_as_one_pass(upper_names, "Danh sách cán bộ")
    texts = page_texts(upper_names["out"] / "runs.pdf")
    assert any("NGUYỄN" in t for t in texts)


def test_the_last_rows_kept_together_are_those_of_the_last_group(builds):
    """print.css keeps a group's last three rows together: in a last group shorter than the
    others (700 rows: 680 to 699) they are rows 697 to 699, not where a full group has them.
    Before, every group was taken for the first one: the names in capitals (above) ended the
    roster's last page one row late."""
    book = rosters.fixed_columns(builds["book"], None)
    doc = next(d for d in book.documents if 'class="roster"' in d.body)
    roster = rosters.parse(doc.body)[0]
    profile = book.config.profile("print")
    pages = rosters._probe_pages(book, profile, doc, roster, roster.before, rosters._START_ROWS)
    seen = {r: box for _, rows in pages for r, box in rows}
    after = rosters._after(roster, seen, lambda body: rosters._render(book, rosters._probe_html(book, profile, doc,
                                                                                                 body)))
    assert len(roster.rows) == ROWS == 700
    assert [r for r in range(640, 700) if after[r]] == [640, 641, 677, 678, 680, 681, 697, 698]


@pytest.fixture(scope="module")
def roster_only(tmp_path_factory, small_chunks):
    """A book of one article, a long roster: a single body run, yet laid out in runs."""
    roster = ("---\ntitle: Danh sách cán bộ\n---\n\n"
              "```roster file=../data/can-bo.csv sort=name number=TT\n```\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rosters, "CUT_ROWS", ROWS)  # the book's size alone would not make it parallel
        yield built_both_ways(tmp_path_factory, "dsm", {"01-danh-sach.md": roster}, "Kỷ yếu một danh sách",
                              {"data/can-bo.csv": roster_csv(ROWS).encode()}, parallel=None)


def test_a_book_of_one_long_roster_is_laid_out_in_runs(roster_only):
    assert plan_runs(roster_only["book"]) is None  # one body run: the book alone is not cut
    assert len(roster_only["stats"].rendered) >= 4  # the front matter, three stretches or more, the contents
    same_book(roster_only, 40, "Danh sách cán bộ")


@pytest.fixture(scope="module")
def two_row_header(tmp_path_factory, small_chunks):
    """An office's staff list: a title line, a heading merged over two columns (readers.tableshape)."""
    lines = roster_csv(ROWS).splitlines()
    office = ["DANH SÁCH CÁN BỘ QUA CÁC THỜI KỲ,,,", "Họ và tên,Thời gian công tác,,Đơn vị", ",Từ,Đến,"] + lines[1:]
    article = "---\ntitle: Danh sách cán bộ\n---\n\n```roster file=../data/can-bo.csv number=TT\n```\n"
    return built_both_ways(tmp_path_factory, "dsh", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {"data/can-bo.csv": ("\n".join(office) + "\n").encode()})


def test_a_roster_with_a_two_row_header_is_cut_into_runs_too(two_row_header):
    doc = assert_cut_as_one_pass(two_row_header, "Danh sách cán bộ")
    head = doc.body[doc.body.index("<thead>"):doc.body.index("</thead>")]
    assert head.count("<tr>") == 2 and 'colspan="2"' in head and 'scope="colgroup"' in head
    assert ">Thời gian công tác</th>" in head and ">Từ</th>" in head and ">Đến</th>" in head
    single = page_texts(two_row_header["out"] / "single.pdf")
    shown = [t for t in single if "Thời gian công tác" in t]
    assert len(shown) > 5 and all("Từ" in t and "Đến" in t for t in shown)  # repeated on every page of it


def sectioned_csv() -> str:
    """The roster's rows in thirteen units, each under its heading as offices type it: a Roman
    numeral and the unit in capitals, alone on its line or padded with empty fields."""
    lines = roster_csv(ROWS).splitlines()
    units = ["LÃNH ĐẠO CỤC", "PHÒNG HÀNH CHÍNH – TỔNG HỢP", "PHÒNG NGHIỆP VỤ", "KHO LƯU TRỮ LỊCH SỬ", "TỔ TU BỔ",
             "TRUNG TÂM SỐ HÓA", "ĐỘI BẢO VỆ KHO", "CHI CỤC CỬA KHẨU", "ĐỘI KIỂM SOÁT", "PHÒNG TỔ CHỨC",
             "VĂN PHÒNG", "PHÒNG THANH TRA", "CÁN BỘ NGHỈ HƯU"]
    sizes = [5, 17, 33, 61, 48, 72, 29, 90, 66, 41, 87, 55, ROWS]  # headings in the first groups and all through
    out, at = [lines[0]], 1
    for number, (unit, size) in enumerate(zip(units, sizes)):
        out.append(f"{SECTION_NUMBERS[number]}. {unit}" + (",,," if number % 2 else ""))
        out.extend(lines[at:at + size])
        at += size
    return "\n".join(out) + "\n"


SECTION_NUMBERS = "I II III IV V VI VII VIII IX X XI XII XIII".split()


@pytest.fixture(scope="module")
def sections(tmp_path_factory, small_chunks):
    """A staff list in units, each under its heading (readers.tableshape), sorted by name within each."""
    article = ("---\ntitle: Danh sách cán bộ theo đơn vị\n---\n\n"
               "```roster file=../data/can-bo.csv sort=name number=TT\n```\n")
    return built_both_ways(tmp_path_factory, "dsu", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách theo đơn vị", {"data/can-bo.csv": sectioned_csv().encode()})


def test_a_roster_in_sections_is_cut_into_runs_too(sections):
    doc = assert_cut_as_one_pass(sections, "Danh sách cán bộ theo đơn vị")
    assert doc.body.count('<tr class="roster-section"') == 13 and 'colspan="5"' in doc.body
    texts = page_texts(sections["out"] / "single.pdf")
    for number in SECTION_NUMBERS:
        # Each heading once, over the first row of its unit on the same page (never alone at a page's foot).
        [page] = [t for t in texts if re.search(rf"^{number}\. ", t, re.MULTILINE)]
        assert re.search(rf"^{number}\. [^\n]+\n\s*\d+\s", page, re.MULTILINE), number
    # The numbering runs on through the units; the names are sorted within each.
    rows = [cells for cells in re.findall(r"<tr[^>]*>(.*?)</tr>", doc.body) if "<td>" in cells]
    assert [re.search(r"<td>(\d+)</td>", row).group(1) for row in rows] == [str(n) for n in range(1, ROWS + 1)]


def word_staff_list() -> bytes:
    """The staff list of ``roster_csv`` typed as a Word table (STT, then its columns), a unit's
    heading merged across the table before every 100 rows: as offices send it."""
    import io

    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Danh sách cán bộ trong bảng Word", 1)
    document.add_paragraph("Danh sách dưới đây ghi lại những người đã công tác tại chi cục.")
    lines = roster_csv(ROWS).splitlines()
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["STT", *lines[0].split(",")]):
        cell.text = text
    for number, line in enumerate(lines[1:], start=1):
        if number % 100 == 1:
            cells = table.add_row().cells
            cells[0].merge(cells[4]).text = f"{SECTION_NUMBERS[number // 100]}. ĐƠN VỊ THỨ {number // 100 + 1}"
        for cell, text in zip(table.add_row().cells, [str(number), *line.split(",")]):
            cell.text = text
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


@pytest.fixture(scope="module")
def word_table(tmp_path_factory, small_chunks):
    """A Word file whose table of 700 rows is the staff list (readers.longtables: set as a roster)."""
    return built_both_ways(tmp_path_factory, "dsw", {"01-bai.md": text_article(1)}, "Kỷ yếu danh sách Word",
                           {"manuscripts/02-danh-sach.docx": word_staff_list()})


def test_a_staff_list_typed_as_a_word_table_is_cut_into_runs_too(word_table):
    doc = assert_cut_as_one_pass(word_table, "Danh sách cán bộ trong bảng Word")
    assert doc.body.count('<tr class="roster-section"') == 7
    texts = page_texts(word_table["out"] / "single.pdf")
    # Every row, in the Word file's order, and printed (a long name goes on to a second line of its cell).
    names = [line.split(",")[0] for line in roster_csv(ROWS).splitlines()[1:]]
    rows = [cells for cells in re.findall(r"<tr[^>]*>(.*?)</tr>", doc.body) if "<td>" in cells]
    assert [re.findall(r"<td>(.*?)</td>", row)[1] for row in rows] == names
    # (in the order the page draws its text: a layout's order puts a cell's second line after the dates)
    drawn = subprocess.run(["pdftotext", "-raw", str(word_table["out"] / "single.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    text, at = " ".join(drawn.split()), 0
    for name in names:
        at = text.index(name, at) + len(name)
    pages = [t for t in texts if re.search(r"^\s*\d+\s", t, re.MULTILINE) and "Ngày vào" in t]
    assert len(pages) >= 20 and all("Họ và tên" in t and "Đơn vị" in t for t in pages)


@pytest.fixture(scope="module")
def aligned(tmp_path_factory, small_chunks):
    """A staff list typed as a Markdown table (readers.longtables): its numbers to the right and
    its dates centred, as the table's ``---:`` and ``:---:`` say."""
    people = [line.split(",") for line in roster_csv(ROWS).splitlines()[1:]]
    table = ["| STT | Họ và tên | Ngày sinh | Ngày vào ngành | Đơn vị |", "|---:|---|:---:|:---:|---|"]
    table += [f"| {n} | {name} | {born} | {joined} | {unit} |"
              for n, (name, born, joined, unit) in enumerate(people, start=1)]
    article = "---\ntitle: Danh sách cán bộ\n---\n\n" + "\n".join(table) + "\n"
    return built_both_ways(tmp_path_factory, "dsa", {"01-bai.md": text_article(1), "02-danh-sach.md": article},
                           "Kỷ yếu danh sách", {})


def words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(text, left, right) of each word of a page, as pdftotext places it."""
    found = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    return [(text, float(left), float(right)) for left, right, text in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', found)]


def test_a_roster_keeps_its_columns_alignment_and_is_cut_into_runs(aligned):
    doc = assert_cut_as_one_pass(aligned, "Danh sách cán bộ")
    assert '<table class="roster" data-align="r1 c3 c4" style="table-layout: fixed">' in doc.body
    texts = page_texts(aligned["out"] / "runs.pdf")
    pages = [n for n, text in enumerate(texts, start=1) if "Ngày sinh" in text]
    assert len(pages) > 20
    lengths = set()
    for page in pages[:3] + pages[len(pages) // 2:len(pages) // 2 + 2]:
        found = words(aligned["out"] / "runs.pdf", page)
        numbers = [(t, left, right) for t, left, right in found if re.fullmatch(r"\d{1,3}", t) and left < 150]
        lengths |= {len(t) for t, _, _ in numbers}
        assert len(numbers) > 10
        assert max(r for _, _, r in numbers) - min(r for _, _, r in numbers) < 0.5  # one right edge
        head = next(i for i, (t, _, _) in enumerate(found) if t == "Ngày" and found[i + 1][0] == "sinh")
        middle = (found[head][1] + found[head + 1][2]) / 2
        dates = [(left + right) / 2 for t, left, right in found if re.fullmatch(r"\d\d/\d\d/\d{4}", t)]
        born = [centre for centre in dates if centre < middle + 25]  # not the next column's
        assert len(born) > 10 and all(abs(centre - middle) < 0.5 for centre in born)  # centred under its heading
    assert lengths == {1, 2, 3}  # numbers of one, two and three digits
