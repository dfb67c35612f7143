"""Benchmark publisher against pandoc (EPUB) and a single-pass WeasyPrint render (PDF).

Usage: python bench/run.py [--quick] [--sizes 30 100 300] [--repeat 3] [--only text photo roster first]

Every figure is the median of several whole-process runs, measured side by side in one run
(machines here are shared and noisy, so only the ratios are meant to be compared).
Writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent  # the sample book: book.toml, manuscripts/, images/, data/ at the repository's root
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

PUBLISHER = [sys.executable, "-m", "publisher"]
# The same HTML, with the default (print) profile's page rules, in one WeasyPrint pass: the baseline.
SINGLE_PASS = (
    "import sys, weasyprint; "
    "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)
DUMP_HTML = (
    "import sys; from pathlib import Path; from publisher.build import load_book; "
    "from publisher.render.html import render_book; from publisher.pdf import book_html, fixed_columns; "
    "loaded = load_book(sys.argv[1]); profile = loaded.config.profile(); "
    "Path(sys.argv[2]).write_text(book_html(fixed_columns(render_book(loaded.config, loaded.book), profile), profile), "
    "encoding='utf-8')"
)


def timed(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """Run a command to completion; (seconds, peak RSS in MB of it and the children it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def median_run(command, repeat, cwd=None, env=None, before=None) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeat):
        if before:
            before()
        seconds, peak = timed(command, cwd, env)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def sizes_mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 3)


def clear_cache(cache: Path, keep_fonts: bool = True):
    """A function emptying ``cache`` of everything a build keeps, except (``keep_fonts``) the font
    instances, which are made once per machine (publisher.cache.cache_dir() is $PUBLISHER_CACHE/publisher)."""
    def clear():
        folder = cache / "publisher"
        for entry in folder.iterdir() if folder.exists() else ():
            if not (keep_fonts and entry.name == "fonts"):
                shutil.rmtree(entry, ignore_errors=True)
    return clear


def pages(pdf: Path) -> int:
    """The PDF's page count, read in a child process: reading a 1.6 GB PDF here would raise this
    process's resident set, and every command started after it (vfork, then exec) would start
    its peak from there (ru_maxrss keeps the old memory's high-water mark)."""
    found = subprocess.run([sys.executable, "-c", "import sys; from pypdf import PdfReader; "
                            "print(len(PdfReader(sys.argv[1]).pages))", str(pdf)],
                           check=True, capture_output=True, text=True)
    return int(found.stdout)


IMAGE_BYTES = (
    "import sys, pikepdf\n"
    "with pikepdf.open(sys.argv[1]) as pdf:\n"
    "    print(sum(int(o.get('/Length', 0)) for o in pdf.objects\n"
    "              if isinstance(o, pikepdf.Stream) and o.get('/Subtype') == '/Image'))\n"
)


def mb_besides_images(pdf: Path) -> float:
    """The PDF's size without its image streams (what the pages, fonts and structure take), read
    in a child process like ``pages``: two files that differ only in how their photos are encoded
    weigh the same here."""
    found = subprocess.run([sys.executable, "-c", IMAGE_BYTES, str(pdf)], check=True, capture_output=True, text=True)
    return round((pdf.stat().st_size - int(found.stdout)) / 1e6, 3)


def bench_size(articles: int, repeat: int, work: Path) -> dict:
    project = synth.make_project(work / f"book-{articles}", articles)
    out = work / f"out-{articles}"
    cache = work / f"cache-{articles}"
    env = {"PUBLISHER_CACHE": str(cache)}
    # Warm the font cache once (static instances are made once per machine, not per build).
    timed(PUBLISHER + ["build", str(project), "--format", "epub", "--out", str(out)], env=env)

    def clear_render_cache():
        # publisher.cache.cache_dir() is $PUBLISHER_CACHE/publisher: cold runs lose everything a
        # build keeps (read articles, laid-out runs, processed images, covers) except the font
        # instances, which are made once per machine.
        for folder in (cache / "publisher").iterdir():
            if folder.name != "fonts":
                shutil.rmtree(folder, ignore_errors=True)

    result: dict = {"articles": articles}
    result["epub_s"], rss_epub = median_run(
        PUBLISHER + ["build", str(project), "--format", "epub", "--out", str(out)], repeat, env=env,
        before=clear_render_cache)
    # The same EPUB without the printed book's page numbers ([output] epub_page_list = false):
    # built alone, it lays no print pages out.
    config = (project / "book.toml").read_text(encoding="utf-8")
    (project / "book.toml").write_text(config + "\n[output]\nepub_page_list = false\n", encoding="utf-8")
    result["epub_without_page_list_s"], _ = median_run(
        PUBLISHER + ["build", str(project), "--format", "epub", "--out", str(out)], repeat, env=env,
        before=clear_render_cache)
    (project / "book.toml").write_text(config, encoding="utf-8")
    if shutil.which("pandoc"):
        files = sorted(str(p) for p in (project / "manuscripts").glob("*.md"))
        result["pandoc_epub_s"], _ = median_run(
            ["pandoc", "-f", "markdown", "-t", "epub3", "--resource-path", str(project / "manuscripts"),
             "--metadata", "title=Sách thử tốc độ", "-o", str(out / "pandoc.epub"), *files], repeat)
    else:
        print("!! pandoc is not installed (apt-get install pandoc): the EPUB peer is SKIPPED", file=sys.stderr)
        result["pandoc_epub_s"] = None
    result["pdf_s"], rss_pdf = median_run(
        PUBLISHER + ["build", str(project), "--format", "pdf", "--out", str(out)], repeat, env=env,
        before=clear_render_cache)
    result["pages"] = pages(out / "bench.pdf")
    html = work / f"book-{articles}.html"
    subprocess.run([sys.executable, "-c", DUMP_HTML, str(project), str(html)], check=True, env={**os.environ, **env})
    result["single_pass_pdf_s"], rss_single = median_run(
        [sys.executable, "-c", SINGLE_PASS, str(html), project.as_uri() + "/", str(out / "single.pdf")], repeat)
    result["single_pass_pages"] = pages(out / "single.pdf")
    result["pdf_mb"] = round((out / "bench.pdf").stat().st_size / 1e6, 3)
    result["single_pass_pdf_mb"] = round((out / "single.pdf").stat().st_size / 1e6, 3)
    result["full_s"], rss_full = median_run(
        PUBLISHER + ["build", str(project), "--out", str(out)], repeat, env=env, before=clear_render_cache)
    target = project / "manuscripts" / "002-bai.md"
    original = target.read_text(encoding="utf-8")
    flips = iter(range(10**6))

    def change_one():
        # Swap two words of one article: the text changes, the page count does not.
        n = next(flips)
        text = original.replace("năm", "tháng", 1) if n % 2 == 0 else original.replace("năm", "ngày", 1)
        target.write_text(text, encoding="utf-8")

    timed(PUBLISHER + ["build", str(project), "--out", str(out)], env=env)
    result["rebuild_one_s"], rss_one = median_run(
        PUBLISHER + ["build", str(project), "--out", str(out)], repeat, env=env, before=change_one)
    result["rebuild_none_s"], rss_none = median_run(
        PUBLISHER + ["build", str(project), "--out", str(out)], repeat, env=env)
    # Start-up: the interpreter and the command line, what every command pays before its work.
    result["startup_s"], _ = median_run(PUBLISHER + ["--version"], repeat, env=env)
    target.write_text(original, encoding="utf-8")
    result["peak_rss_mb"] = round(max(rss_epub, rss_pdf, rss_full, rss_one, rss_none), 1)
    result["single_pass_peak_rss_mb"] = round(rss_single, 1)
    result["epub_vs_pandoc"] = (round(result["epub_s"] / result["pandoc_epub_s"], 3)
                                if result["pandoc_epub_s"] else None)
    result["epub_without_page_list_vs_pandoc"] = (round(result["epub_without_page_list_s"] / result["pandoc_epub_s"], 3)
                                                  if result["pandoc_epub_s"] else None)
    result["pdf_vs_single_pass"] = round(result["pdf_s"] / result["single_pass_pdf_s"], 3)
    result["rebuild_one_vs_full"] = round(result["rebuild_one_s"] / result["full_s"], 3)
    for key, value in list(result.items()):
        if isinstance(value, float):
            result[key] = round(value, 3)
    return result


BOOKS = {"text": "results", "photo": "photo_book", "roster": "roster_book", "first": "sample_book"}


def bench_photo_book(photos: int, articles: int, repeat: int, work: Path, store: Path) -> dict:
    """The photo book: EPUB + print PDF cold, one WeasyPrint pass, the screen PDF, one caption changed."""
    project = synth.make_photo_project(work / "photo-book", store, photos, articles)
    out, cache = work / "photo-out", work / "photo-cache"
    env = {"PUBLISHER_CACHE": str(cache)}
    build = PUBLISHER + ["build", str(project), "--out", str(out)]
    cold = clear_cache(cache)
    timed(build + ["--format", "epub"], env=env)  # the font instances, once
    result: dict = {"photos": photos, "articles": articles,
                    "source_mb": round(sum(p.stat().st_size for p in (project / "images").iterdir()) / 1e6, 1)}
    result["epub_s"], rss_epub = median_run(build + ["--format", "epub"], repeat, env=env, before=cold)
    result["epub_mb"] = sizes_mb(out / "bench.epub")
    result["epub_mb_per_photo"] = round(result["epub_mb"] / photos, 3)
    result["pdf_s"], rss_pdf = median_run(build + ["--format", "pdf"], repeat, env=env, before=cold)
    result["pages"] = pages(out / "bench.pdf")
    result["print_pdf_mb"] = sizes_mb(out / "bench.pdf")
    html = work / "photo-book.html"
    subprocess.run([sys.executable, "-c", DUMP_HTML, str(project), str(html)], check=True, env={**os.environ, **env})
    result["single_pass_pdf_s"], rss_single = median_run(
        [sys.executable, "-c", SINGLE_PASS, str(html), project.as_uri() + "/", str(out / "single.pdf")], repeat)
    result["single_pass_pdf_mb"] = sizes_mb(out / "single.pdf")
    result["single_pass_pages"] = pages(out / "single.pdf")
    # The same book besides the photos' own bytes (camera JPEGs here, re-encoded at quality 75 by
    # the one pass): whether cutting the book into runs and joining them added anything.
    result["print_pdf_mb_besides_photos"] = mb_besides_images(out / "bench.pdf")
    result["single_pass_pdf_mb_besides_photos"] = mb_besides_images(out / "single.pdf")
    result["screen_pdf_s"], rss_screen = median_run(build + ["--format", "pdf", "--profile", "screen"], repeat,
                                                     env=env, before=cold)
    result["screen_pdf_mb"] = sizes_mb(out / "bench-screen.pdf")
    result["full_s"], rss_full = median_run(build, repeat, env=env, before=cold)
    gallery = project / "manuscripts" / "005-bai.md"
    original = gallery.read_text(encoding="utf-8")
    caption = next(line for line in original.splitlines() if line.startswith("!["))
    flips = iter(range(10**6))

    def change_caption():  # one word of one gallery caption: the same pages
        word = ("mới", "cũ")[next(flips) % 2]
        gallery.write_text(original.replace(caption, caption.replace("![", f"![{word} ", 1)), encoding="utf-8")

    timed(build, env=env)
    result["rebuild_caption_s"], rss_caption = median_run(build, repeat, env=env, before=change_caption)
    gallery.write_text(original, encoding="utf-8")
    result["peak_rss_mb"] = round(max(rss_epub, rss_pdf, rss_screen, rss_full, rss_caption), 1)
    # Which build it was: the peak of each (the build process or any of its workers).
    result["peak_rss_mb_by_build"] = {name: round(value, 1) for name, value in (
        ("epub", rss_epub), ("pdf", rss_pdf), ("screen_pdf", rss_screen), ("full", rss_full),
        ("rebuild_caption", rss_caption))}
    result["single_pass_peak_rss_mb"] = round(rss_single, 1)
    result["pdf_vs_single_pass"] = round(result["pdf_s"] / result["single_pass_pdf_s"], 3)
    result["rebuild_caption_vs_full"] = round(result["rebuild_caption_s"] / result["full_s"], 3)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def bench_roster_book(rows: int, repeat: int, work: Path) -> dict:
    """The sample book plus a roster of ``rows`` rows, against a text book of about as many pages."""
    project = synth.make_roster_project(work / "roster-book", SAMPLE, rows)
    out, cache = work / "roster-out", work / "roster-cache"
    env = {"PUBLISHER_CACHE": str(cache)}
    cold = clear_cache(cache)
    build = PUBLISHER + ["build", "--format", "pdf", "--out", str(out)]
    timed(PUBLISHER + ["build", str(SAMPLE), "--format", "epub", "--out", str(out)], env=env)  # font instances
    result: dict = {"rows": rows}
    result["pdf_s"], rss = median_run(build + [str(project)], repeat, env=env, before=cold)
    slug = next(line.split('"')[1] for line in (project / "book.toml").read_text(encoding="utf-8").splitlines()
                if line.startswith("slug"))
    result["pages"] = pages(out / f"{slug}.pdf")
    result["pdf_s_per_page"] = result["pdf_s"] / result["pages"]
    # A text book of about as many pages (synth makes about 3.1 pages an article).
    text = synth.make_project(work / "roster-text", max(1, round(result["pages"] / 3.1)))
    result["text_pdf_s"], rss_text = median_run(build + [str(text)], repeat, env=env, before=cold)
    result["text_pages"] = pages(out / "bench.pdf")
    result["text_pdf_s_per_page"] = result["text_pdf_s"] / result["text_pages"]
    result["per_page_vs_text"] = result["pdf_s_per_page"] / result["text_pdf_s_per_page"]
    # The same rows as three rosters in one article (one per period, as the row limit's hint asks).
    split = synth.make_roster_project(work / "roster-three", SAMPLE, rows, blocks=3)
    result["three_blocks_pdf_s"], rss_three = median_run(build + [str(split)], repeat, env=env, before=cold)
    result["three_blocks_pages"] = pages(out / f"{slug}.pdf")
    result["three_blocks_vs_one"] = result["three_blocks_pdf_s"] / result["pdf_s"]
    result["peak_rss_mb"] = round(max(rss, rss_three), 1)
    result["text_peak_rss_mb"] = round(rss_text, 1)
    return {k: round(v, 4 if k.endswith("per_page") else 3) if isinstance(v, float) else v
            for k, v in result.items()}


def bench_first_build(repeat: int, work: Path) -> dict:
    """The sample book (EPUB + PDF) with an empty cache, against a cache holding only the font instances."""
    project = work / "sample-book"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in ("manuscripts", "images", "data"):
        shutil.copytree(SAMPLE / name, project / name)
    shutil.copyfile(SAMPLE / "book.toml", project / "book.toml")
    out, cache = work / "sample-out", work / "sample-cache"
    env = {"PUBLISHER_CACHE": str(cache)}
    build = PUBLISHER + ["build", str(project), "--out", str(out)]
    result: dict = {}
    result["first_build_s"], rss_first = median_run(build, repeat, env=env, before=clear_cache(cache, False))
    result["cold_build_s"], rss_cold = median_run(build, repeat, env=env, before=clear_cache(cache))
    result["first_vs_cold"] = result["first_build_s"] / result["cold_build_s"]
    result["peak_rss_mb"] = max(rss_first, rss_cold)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="N = 30 only, a photo book of 40 photos, a roster of 1,000 rows")
    parser.add_argument("--sizes", type=int, nargs="*", default=[30, 100, 300])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=BOOKS, default=list(BOOKS),
                        help="which books to measure (the others keep their figures in the output file)")
    parser.add_argument("--photos", type=int, help="photos in the photo book (default 400, 40 with --quick)")
    parser.add_argument("--rows", type=int, help="rows of the roster (default 5000, 1000 with --quick)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "publisher-bench",
                        help="where the generated photos are kept between runs (made once: about 1 s each)")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    # What an editor's machine does: Python keeps compiled bytecode (a shell that says otherwise
    # would make every measured process compile publisher and its libraries again).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    sizes = [30] if args.quick else args.sizes
    photos = args.photos or (40 if args.quick else 400)
    rows = args.rows or (1000 if args.quick else 5000)
    # The roster book has 5,000 rows; another size is kept beside it, under its own key.
    roster_key = "roster_book" if args.rows in (None, 5000) else f"roster_book_{rows}_rows"
    previous = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    report = {key: value for key, value in previous.items() if key != "machine"}  # figures not measured again kept
    args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="run-", dir=args.work) as folder:
        work = Path(folder)
        if "text" in args.only:
            results = []
            for size in sizes:
                print(f"N = {size} …", file=sys.stderr)
                results.append(bench_size(size, args.repeat, work))
            report["results"] = results
        if "photo" in args.only:
            print(f"photo book: {photos} photos …", file=sys.stderr)
            report["photo_book"] = bench_photo_book(photos, max(10, round(photos * 60 / 400)) if photos < 400 else 60,
                                                    args.repeat, work, args.work)
        if "roster" in args.only:
            print(f"roster book: {rows} rows …", file=sys.stderr)
            report[roster_key] = bench_roster_book(rows, args.repeat, work)
        if "first" in args.only:
            print("sample book: first build and cold build …", file=sys.stderr)
            report["sample_book"] = bench_first_build(args.repeat, work)
    columns = ["articles", "pages", "epub_s", "epub_without_page_list_s", "pandoc_epub_s", "pdf_s", "single_pass_pdf_s", "full_s",
               "rebuild_one_s", "rebuild_none_s", "startup_s", "peak_rss_mb", "epub_vs_pandoc", "epub_without_page_list_vs_pandoc",
               "pdf_vs_single_pass",
               "rebuild_one_vs_full", "pdf_mb", "single_pass_pdf_mb"]
    if "text" in args.only:
        print(" | ".join(columns))
        for row in report["results"]:
            print(" | ".join(str(row.get(c)) for c in columns))
    for book, key in BOOKS.items():
        if book != "text" and book in args.only:
            key = roster_key if book == "roster" else key
            print(key, json.dumps(report[key], ensure_ascii=False))
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "repeat": args.repeat, "load_average": [round(v, 2) for v in os.getloadavg()],
               "measured": sorted(args.only)}
    args.output.write_text(json.dumps({"machine": machine, **report}, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")

if __name__ == "__main__":
    main()
