"""`stats`, `check`, `dump` and `build` never write into the project.

The project holds a Word file with a picture (which the .docx reader extracts) and a
Markdown article with a remote image served from 127.0.0.1 (allowed by book.toml). The
whole tree (every path, every file's bytes and modification time, every folder's
modification time) is the same before and after the commands; the extracted picture
lives in the cache and still reaches the EPUB and the PDF.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import threading
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from .conftest import ROOT, make_project

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

docx = pytest.importorskip("docx")


def png(size: tuple[int, int], color: str) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", size, color).save(data, "PNG")
    return data.getvalue()


WORD_PICTURE = png((60, 40), "navy")
REMOTE_PICTURE = png((30, 20), "orange")


def run_cli(*args: str, env: dict | None = None):
    """conftest.run_cli, with this file's server on 127.0.0.1 let through the remote-image address
    rule (publisher.remote.ALLOWED_FOR_TESTS: only code in the process can set it, never a project)."""
    import subprocess
    import sys

    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    full_env.update(env or {})
    code = ("import sys, publisher.remote as remote; "
            f"remote.ALLOWED_FOR_TESTS = frozenset({{('127.0.0.1', {_PORT[0]})}}); "
            "sys.argv[0] = 'publisher'; from publisher.cli import main; main()")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          env=full_env, timeout=600)


_PORT = [0]


@pytest.fixture
def server():
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            requests.append(self.path)
            found = self.path == "/anh.png"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(REMOTE_PICTURE) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(REMOTE_PICTURE)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    _PORT[0] = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


def word_file(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Ngày hội truyền thống", style="Title")
    document.add_paragraph("Cán bộ và nhân viên chụp ảnh lưu niệm trước hội trường.")
    document.add_picture(io.BytesIO(WORD_PICTURE))
    document.add_paragraph("Ảnh tập thể năm 2021", style="Caption")
    document.add_paragraph("Buổi lễ kết thúc trong không khí ấm áp.")
    document.save(path)


def project(base: Path, url: str) -> Path:
    toml = ('[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n\n'
            "[security]\nallow_remote_images = true\nremote_timeout_s = 5\n")
    remote = f"---\ntitle: Ảnh từ xa\n---\n\nĐoạn văn đầu.\n\n![Ảnh từ xa]({url}/anh.png)\n\nĐoạn văn cuối.\n"
    local = "---\ntitle: Ảnh trong dự án\n---\n\nĐoạn văn.\n\n![Hội trường](../images/hoi-truong.png)\n"
    root = make_project(base, {"01-tu-xa.md": remote, "02-trong-du-an.md": local}, toml,
                        {"images/hoi-truong.png": png((50, 50), "green")})
    word_file(root / "manuscripts" / "03-word.docx")
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root``: a file's bytes and mtime, a folder's mtime (a file made and
    removed again changes it)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            stat = path.lstat()
            rel = path.relative_to(root).as_posix()
            found[rel] = (stat.st_mtime_ns, None if path.is_dir() else path.read_bytes())
    found["."] = (root.stat().st_mtime_ns, None)
    return found


def test_stats_check_and_dump_leave_the_project_unchanged(tmp_path, server):
    url, requests = server
    root = project(tmp_path / "book", url)
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache")}
    before = snapshot(root)

    stats = run_cli("stats", str(root), "--format", "json", env=env)
    assert stats.returncode == 0, stats.stderr
    check = run_cli("check", str(root), "--format", "json", env=env)
    dump = run_cli("dump", str(root), env=env)
    assert dump.returncode == 0, dump.stderr

    assert snapshot(root) == before
    assert not (root / "images").joinpath("03-word").exists() and sorted(os.listdir(root / "images")) == [
        "hoi-truong.png"]
    # stats: the remote image is allowed, so that article is read and counted, not "unreadable"
    rows = {a["source"]: a for part in json.loads(stats.stdout)["parts"] for a in part["articles"]}
    assert rows["manuscripts/01-tu-xa.md"]["errors"] == 0
    assert rows["manuscripts/01-tu-xa.md"]["images"] == 1 and rows["manuscripts/01-tu-xa.md"]["words"] > 0
    assert rows["manuscripts/03-word.docx"]["images"] == 1
    assert not [f for f in json.loads(check.stdout) if f["level"] == "error"], check.stdout
    assert requests == ["/anh.png"], "fetched once, then taken from the cache"
    # dump: the Word picture is a file in the cache, byte for byte
    book = json.loads(dump.stdout)
    figures = [b for part in book["parts"] for a in part["articles"] for b in a["blocks"] if b["kind"] == "figure"]
    word = next(Path(b["src"]) for b in figures if "word" in Path(b["src"]).name)
    assert word.is_relative_to(tmp_path / "cache") and word.read_bytes() == WORD_PICTURE


def test_a_remote_image_that_is_not_allowed_is_an_error_and_nothing_is_written(tmp_path, server):
    url, requests = server
    root = project(tmp_path / "book", url)
    (root / "book.toml").write_text('[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n', encoding="utf-8")
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache")}
    before = snapshot(root)
    stats = run_cli("stats", str(root), "--format", "json", env=env)
    check = run_cli("check", str(root), "--format", "json", env=env)
    dump = run_cli("dump", str(root), env=env)
    assert snapshot(root) == before
    assert requests == []
    rows = {a["source"]: a for part in json.loads(stats.stdout)["parts"] for a in part["articles"]}
    assert rows["manuscripts/01-tu-xa.md"]["errors"] == 1
    assert any("remote images are not fetched" in f["message"] for f in json.loads(check.stdout))
    assert dump.returncode != 0 and "manuscripts/01-tu-xa.md:7" in dump.stderr


def test_a_word_picture_reaches_the_epub_and_the_pdf_from_the_cache(tmp_path, server):
    url, _ = server
    root = project(tmp_path / "book", url)
    out = tmp_path / "dist"
    before = snapshot(root)
    result = run_cli("build", str(root), "--out", str(out), "--profile", "screen",
                     env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr + result.stdout
    assert snapshot(root) == before  # the outputs went to --out; nothing was extracted into images/
    with zipfile.ZipFile(next(out.glob("*.epub"))) as epub:
        pictures = [epub.read(n) for n in epub.namelist() if n.startswith("EPUB/images/")]
    sizes = sorted(Image.open(io.BytesIO(data)).size for data in pictures)
    assert sizes == [(30, 20), (50, 50), (60, 40)]
    with pikepdf.open(next(out.glob("*.pdf"))) as pdf:
        shown = sorted((int(image.Width), int(image.Height)) for page in pdf.pages
                       for image in page.get_images().values())
    assert (60, 40) in shown and (30, 20) in shown and (50, 50) in shown


def test_a_kept_article_whose_extracted_picture_left_the_cache_is_read_again(tmp_path, monkeypatch):
    from publisher.pipeline import load_book

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = make_project(tmp_path / "book", {}, '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n')
    word_file(root / "manuscripts" / "03-word.docx")

    def picture() -> Path:
        [article] = load_book(root).book.articles()
        return Path(next(b.src for b in article.blocks if b.kind == "figure"))

    first = picture()
    assert first.read_bytes() == WORD_PICTURE
    assert list((tmp_path / "cache" / "publisher" / "articles").rglob("*.bin"))  # the article was kept
    first.unlink()  # someone cleared part of the cache
    assert picture() == first and first.read_bytes() == WORD_PICTURE
