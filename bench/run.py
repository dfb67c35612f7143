"""Benchmark publisher against pandoc (EPUB) and a single-pass WeasyPrint render (PDF).

Usage: python bench/run.py [--quick] [--sizes 30 100 300] [--repeat 3]

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
    "from publisher.render.html import render_book; from publisher.pdf import book_html; "
    "loaded = load_book(sys.argv[1]); "
    "Path(sys.argv[2]).write_text(book_html(render_book(loaded.config, loaded.book), loaded.config.profile()), "
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


def pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def bench_size(articles: int, repeat: int, work: Path) -> dict:
    project = synth.make_project(work / f"book-{articles}", articles)
    out = work / f"out-{articles}"
    cache = work / f"cache-{articles}"
    env = {"PUBLISHER_CACHE": str(cache)}
    # Warm the font cache once (static instances are made once per machine, not per build).
    timed(PUBLISHER + ["build", str(project), "--format", "epub", "--out", str(out)], env=env)

    def clear_render_cache():
        # render.fonts.cache_dir() is $PUBLISHER_CACHE/publisher: cold runs lose everything a
        # build keeps (read articles, laid-out runs, processed images, covers) except the font
        # instances, which are made once per machine.
        for folder in (cache / "publisher").iterdir():
            if folder.name != "fonts":
                shutil.rmtree(folder, ignore_errors=True)

    result: dict = {"articles": articles}
    result["epub_s"], rss_epub = median_run(
        PUBLISHER + ["build", str(project), "--format", "epub", "--out", str(out)], repeat, env=env,
        before=clear_render_cache)
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
    result["pdf_vs_single_pass"] = round(result["pdf_s"] / result["single_pass_pdf_s"], 3)
    result["rebuild_one_vs_full"] = round(result["rebuild_one_s"] / result["full_s"], 3)
    for key, value in list(result.items()):
        if isinstance(value, float):
            result[key] = round(value, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 30 only")
    parser.add_argument("--sizes", type=int, nargs="*", default=[30, 100, 300])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    sizes = [30] if args.quick else args.sizes
    results = []
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as folder:
        for size in sizes:
            print(f"N = {size} …", file=sys.stderr)
            results.append(bench_size(size, args.repeat, Path(folder)))
    columns = ["articles", "pages", "epub_s", "pandoc_epub_s", "pdf_s", "single_pass_pdf_s", "full_s",
               "rebuild_one_s", "rebuild_none_s", "startup_s", "peak_rss_mb", "epub_vs_pandoc", "pdf_vs_single_pass",
               "rebuild_one_vs_full", "pdf_mb", "single_pass_pdf_mb"]
    print(" | ".join(columns))
    for row in results:
        print(" | ".join(str(row.get(c)) for c in columns))
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "repeat": args.repeat}
    args.output.write_text(json.dumps({"machine": machine, "results": results}, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")


if __name__ == "__main__":
    main()
