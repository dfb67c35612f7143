"""Runs of pages laid out in parallel and cached make the same book as one pass over the whole HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest

from publisher.build import load_book
from publisher.pdf import RunStats, runs, write_pdf
from publisher.pdf.runs import plan, plan_runs
from publisher.render.html import render_book
from tests.conftest import ROOT, make_project

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

SENTENCE = "Những người làm công tác lưu trữ đã giữ gìn hồ sơ của tỉnh qua bao năm tháng khó khăn. "


def article(number: int, paragraphs: int, photo: bool = False) -> str:
    body = "\n\n".join(SENTENCE * 6 + (f"[^n{k}]" if k % 3 == 0 else "") for k in range(paragraphs))
    notes = "\n".join(f"[^n{k}]: Ghi chú số {k} của bài {number}." for k in range(paragraphs) if k % 3 == 0)
    figure = "\n\n![Trụ sở chi cục](../images/tru-so.jpg)\n" if photo else ""
    return f"---\ntitle: Bài viết số {number}\nauthor: Tác giả {number}\n---\n\n{body}{figure}\n\n{notes}\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """3 parts, 8 articles of different lengths, footnotes and a figure; contents and imprint at the back."""
    base = tmp_path_factory.mktemp("parallel")
    lengths = [3, 9, 5, 14, 2, 7, 11, 4]
    manuscripts = {f"{n:02d}-bai.md": article(n, lengths[n - 1], photo=n == 4) for n in range(1, 9)}
    toml = """
        [book]
        title = "Kỷ yếu thử chia trang"
        slug = "thu"
        date = 2026-10-20
        toc = "back"

        [[parts]]
        title = "Phần một"
        files = ["01-bai.md", "02-bai.md", "03-bai.md"]

        [[parts]]
        title = "Phần hai"
        files = ["04-bai.md", "05-bai.md"]

        [[parts]]
        title = "Phần ba"
        files = ["06-bai.md", "07-bai.md", "08-bai.md"]
        """
    image = ROOT / "images" / "tru-so-chi-cuc.jpg"
    return make_project(base, manuscripts, toml, {"images/tru-so.jpg": image.read_bytes()})


def rendered(project: Path):
    loaded = load_book(project)
    return render_book(loaded.config, loaded.book)


def page_texts(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
    return [subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, count + 1)]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    with pikepdf.open(pdf) as doc:
        pages = {page.objgen: i for i, page in enumerate(doc.pages)}
        found = []
        with doc.open_outline() as tree:
            def walk(items, level):
                for item in items:
                    found.append((level, item.title, pages[item.destination[0].objgen]))
                    walk(item.children, level + 1)
            walk(tree.root, 1)
    return found


def labels(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return [pikepdf.Page(p).label for p in doc.pages]


def link_targets(pdf: Path) -> list[tuple[int, int]]:
    """(page of the link, page its named destination points to) for every internal link."""
    with pikepdf.open(pdf) as doc:
        pages = {page.objgen: i for i, page in enumerate(doc.pages)}
        names = dict(pikepdf.NameTree(doc.Root.Names.Dests).items())
        found = []
        for i, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", []):
                if "/Dest" in annot:
                    found.append((i, pages[names[str(annot.Dest)][0].objgen]))
    return found


@pytest.fixture(scope="module", params=[None, 2], ids=["parts", "articles"])
def weight(request):
    """Runs cut at parts only (the default weight), or at almost every article (weight 2)."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param is not None:
            patch.setattr(plan, "RUN_WEIGHT", request.param)
        yield request.param


def run_holding(project: Path, text: str) -> int:
    """The index of the run whose documents contain ``text``."""
    return next(i for i, run in enumerate(plan_runs(rendered(project)))
                if any(text in d.body for d in run.documents))


@pytest.fixture(scope="module")
def builds(book, weight, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    cache = out / "cache"
    book_ = rendered(book)
    paths = {"single": out / "single.pdf", "parallel": out / "parallel.pdf", "again": out / "again.pdf",
             "cached": out / "cached.pdf"}
    results = {"single": write_pdf(book_, paths["single"], "print", parallel=False)}
    results["parallel"] = write_pdf(book_, paths["parallel"], "print", parallel=True)
    results["again"] = write_pdf(book_, paths["again"], "print", parallel=True)
    stats, cold = RunStats(), RunStats()
    write_pdf(book_, out / "cold.pdf", "print", parallel=True, cache=cache, stats=cold)
    results["cached"] = write_pdf(book_, paths["cached"], "print", parallel=True, cache=cache, stats=stats)
    return {"paths": paths, "results": results, "cache": cache, "cached_stats": stats, "cold_stats": cold,
            "out": out, "book": book}


def test_the_book_is_split_into_runs(book):
    runs = plan_runs(rendered(book))
    assert [run.kind for run in runs] == ["front", "body", "body", "body", "tail"]
    assert all(run.right for run in runs)  # each part opens on a right-hand page


def test_parts_are_cut_between_articles_past_the_weight(book):
    runs = plan_runs(rendered(book), weight=2)
    assert [run.kind for run in runs] == ["front"] + ["body"] * 8 + ["tail"]
    # A part opener starts its run; the runs cut between two articles start on either side.
    assert [run.right for run in runs[1:-1]] == [True, False, False, True, False, True, False, False]
    assert [len(run.documents) for run in runs[1:-1]] == [2, 1, 1, 2, 1, 2, 1, 1]
    assert plan_runs(rendered(book), weight=10**6) == plan_runs(rendered(book))


def test_runs_cut_between_articles_start_on_both_sides(builds, weight):
    if weight is None:
        pytest.skip("only parts: every run opens on a right-hand page")
    # Five runs are cut between articles (see above): some start on the left, some on the right.
    assert 0 < len(builds["cold_stats"].left) < 5, builds["cold_stats"].left


@pytest.mark.parametrize("variant", ["parallel", "cached"])
def test_same_pages_as_the_single_pass(builds, variant):
    single, other = builds["paths"]["single"], builds["paths"][variant]
    assert builds["results"][variant].pages == builds["results"]["single"].pages
    assert page_texts(other) == page_texts(single)  # text, running heads, numbers, contents numbers
    assert labels(other) == labels(single)
    assert outline(other) == outline(single)


def test_contents_numbers_and_links_point_at_their_pages(builds):
    single, parallel = builds["paths"]["single"], builds["paths"]["parallel"]
    texts = page_texts(parallel)
    toc = next(t for t in texts if "Mục lục" in t)
    assert "Bài viết số 7" in toc
    assert link_targets(parallel) == link_targets(single)
    assert len(link_targets(parallel)) >= 11  # 3 parts and 8 articles in the contents


def test_padding_and_left_right_parity(builds):
    for name in ("single", "parallel"):
        with pikepdf.open(builds["paths"][name]) as doc:
            assert len(doc.pages) % 4 == 0
    assert builds["results"]["parallel"].padding == builds["results"]["single"].padding
    assert builds["results"]["parallel"].front_pages == builds["results"]["single"].front_pages


def test_fonts_are_embedded_and_the_file_stays_small(builds):
    single, parallel = builds["paths"]["single"], builds["paths"]["parallel"]
    with pikepdf.open(parallel) as doc:
        images = {o.objgen for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
    assert len(images) == 1  # the photo once, not once a run
    fonts = subprocess.run(["pdffonts", str(parallel)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert all(" yes " in line for line in rows)  # every font embedded
    names = [line.split()[0] for line in rows]
    assert len(names) == len(set(names)) >= 3  # each face once for the whole book, not once a run
    single_names = subprocess.run(["pdffonts", str(single)], capture_output=True, text=True,
                                  check=True).stdout.splitlines()[2:]
    assert sorted(names) == sorted(line.split()[0] for line in single_names)
    assert parallel.stat().st_size <= 1.15 * single.stat().st_size


def test_two_parallel_builds_are_byte_identical(builds):
    assert builds["paths"]["parallel"].read_bytes() == builds["paths"]["again"].read_bytes()


def test_a_warm_cache_lays_out_nothing(builds):
    assert builds["cached_stats"].rendered == []
    assert builds["cached_stats"].joined_from_cache
    assert builds["paths"]["cached"].read_bytes() == builds["paths"]["parallel"].read_bytes()


def test_one_changed_article_lays_out_only_its_run(book, builds, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(builds["cache"], cache)
    target = book / "manuscripts" / "05-bai.md"
    original = target.read_text(encoding="utf-8")
    try:  # in place: the cache keys hold the project's paths
        target.write_text(original.replace("khó khăn", "gian khó", 1), encoding="utf-8")
        changed = rendered(book)
    finally:
        target.write_text(original, encoding="utf-8")
    stats = RunStats()
    write_pdf(changed, tmp_path / "warm.pdf", "print", parallel=True, cache=cache, stats=stats)
    # Only the run holding article 5 (the second part, or article 5 alone when runs are cut at
    # articles); the others, the contents and the front matter come from the cache.
    assert stats.rendered == [run_holding(book, "Tác giả 5")]
    assert not stats.joined_from_cache
    write_pdf(changed, tmp_path / "cold.pdf", "print", parallel=False)
    assert page_texts(tmp_path / "warm.pdf") == page_texts(tmp_path / "cold.pdf")
    assert outline(tmp_path / "warm.pdf") == outline(tmp_path / "cold.pdf")
    assert page_texts(tmp_path / "warm.pdf") != page_texts(builds["paths"]["single"])


def test_a_damaged_cache_entry_is_made_again(book, builds, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(builds["cache"], cache)
    for entry in cache.rglob("*.bin"):
        entry.write_bytes(b"not a pdf")
    for entry in list(cache.rglob("*.json"))[:2]:
        entry.write_text("{broken", encoding="utf-8")
    stats = RunStats()
    write_pdf(rendered(book), tmp_path / "again.pdf", "print", parallel=True, cache=cache, stats=stats)
    assert sorted(stats.rendered) == list(range(len(plan_runs(rendered(book)))))
    assert (tmp_path / "again.pdf").read_bytes() == builds["paths"]["parallel"].read_bytes()


def test_one_processor_makes_the_same_bytes(book, builds, tmp_path, monkeypatch):
    """The runs do not depend on the machine: one CPU lays out the same runs one after the other."""
    monkeypatch.setattr(runs, "cpus", lambda: 1)
    stats = RunStats()
    write_pdf(rendered(book), tmp_path / "one.pdf", "print", stats=stats)  # parallel=None: decided by the book
    assert sorted(stats.rendered) == list(range(len(plan_runs(rendered(book)))))
    assert (tmp_path / "one.pdf").read_bytes() == builds["paths"]["parallel"].read_bytes()


def test_how_many_runs_are_laid_out_at_once(book):
    """One more than the processors when the parts open every run and do not share evenly among them."""
    parts, articles = plan_runs(rendered(book), weight=10**6), plan_runs(rendered(book), weight=2)
    assert sum(run.kind == "body" for run in parts) == 3
    assert runs.at_once(parts, 2) == 3  # three parts on two processors: all three at once
    assert runs.at_once(parts, 3) == 3  # one a processor already
    assert runs.at_once(parts, 1) == 1
    assert runs.at_once(articles, 2) == 2  # runs cut between articles wait for the counts before them


def test_three_parts_on_two_processors_are_laid_out_at_once(builds, weight, tmp_path, monkeypatch):
    """Each part opens on a right-hand page, so no run waits for another's page count: on two
    processors the three parts are laid out at once, not two and then the third alone while the
    other processor idles. Here each layout waits until three have begun (20 s at most)."""
    if weight is not None:
        pytest.skip("runs cut between articles are laid out one a processor")
    from publisher.pdf import refill

    render = refill.render

    def held(*args, **kwargs):  # in the workers (forked with this patch)
        (tmp_path / f"begun-{os.getpid()}-{time.monotonic_ns()}").touch()
        for _ in range(400):
            if len(list(tmp_path.glob("begun-*"))) >= 3:
                break
            time.sleep(0.05)
        else:
            (tmp_path / f"alone-{os.getpid()}").touch()
        return render(*args, **kwargs)

    monkeypatch.setattr(runs, "cpus", lambda: 2)
    monkeypatch.setattr(refill, "render", held)
    write_pdf(rendered(builds["book"]), tmp_path / "at-once.pdf", "print", parallel=True)
    assert len(list(tmp_path.glob("begun-*"))) == 5  # the front matter, three parts, the contents
    assert not list(tmp_path.glob("alone-*"))
    assert (tmp_path / "at-once.pdf").read_bytes() == builds["paths"]["parallel"].read_bytes()


def test_the_contents_is_laid_out_while_the_last_run_is_drawn(book, builds, tmp_path, monkeypatch):
    """The contents at the back needs the page numbers of every run, not their drawing: it is handed
    out as soon as the last body run is laid out (worker.Shared.laid_out). Here the last body run's
    drawing is held until the contents has been handed out (30 s at most, else the test fails)."""
    from publisher.pdf.runs import worker
    from publisher.workers import Workers

    plan_ = plan_runs(rendered(book))
    last_body = max(i for i, run in enumerate(plan_) if run.kind == "body")
    handed_out, waited = tmp_path / "contents-handed-out", tmp_path / "waited"
    publish, submit = worker.Shared.publish, Workers.submit

    def held(self, job, anchors):  # in the worker (forked with this patch)
        publish(self, job, anchors)
        if job.number == last_body:
            for _ in range(600):
                if handed_out.exists():
                    break
                time.sleep(0.05)
            waited.write_text(str(handed_out.exists()))

    def watched(self, fn, *args):  # in the build's process
        if args and getattr(args[0], "number", None) == len(plan_) - 1:
            handed_out.touch()
        return submit(self, fn, *args)

    monkeypatch.setattr(worker.Shared, "publish", held)
    monkeypatch.setattr(Workers, "submit", watched)
    write_pdf(rendered(book), tmp_path / "early.pdf", "print", parallel=True)
    assert waited.read_text() == "True"
    assert (tmp_path / "early.pdf").read_bytes() == builds["paths"]["parallel"].read_bytes()
