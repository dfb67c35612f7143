"""`publisher preview`: the page over HTTP, rebuilt on change, errors shown on the page, Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from publisher.commands.preview import Preview

from .conftest import ROOT, make_project

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

ARTICLE = "---\ntitle: Bài đầu tiên\n---\n\nĐoạn văn ban đầu.\n\n![Trụ sở](../images/a.png)\n"
DEADLINE_S = 90  # a bound for every wait, not a speed requirement


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), (30, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "book", {"01-bai.md": ARTICLE}, files={"images/a.png": _png()})


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


class Server:
    """`python -m publisher preview` in a child process on a free loopback port."""

    def __init__(self, root: Path, *args: str):
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publisher", "preview", str(root), "--port", "0", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.log: list[str] = []
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.log.append(line)
            match = re.search(r"Serving the book at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                self.url = match.group(1)
                return
        self.stop()
        raise AssertionError("the preview did not start:\n" + "".join(self.log))

    def version(self) -> dict:
        return json.loads(_get(self.url + "_version")[1])

    def wait(self, predicate, what: str) -> dict:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            state = self.version()
            if predicate(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}: {self.version()}")

    def page_after(self, version: int) -> str:
        self.wait(lambda s: s["version"] > version and not s["building"], f"a rebuild after version {version}")
        return _get(self.url)[1].decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    root = _project(tmp_path)
    running = Server(root)
    yield root, running
    running.stop()


def test_round_trip_over_http(server):
    root, srv = server
    state = srv.wait(lambda s: s["version"] >= 1 and not s["building"], "the first build")
    status, body, kind = _get(srv.url)
    page = body.decode("utf-8")
    assert status == 200 and kind.startswith("text/html")
    assert "Bài đầu tiên" in page and "Đoạn văn ban đầu." in page
    assert "@page" in page and "float: footnote" in page  # the print CSS is applied
    image = re.search(r'<img[^>]*src="([^"]+)"', page).group(1)
    status, data, kind = _get(srv.url + image)
    assert status == 200 and kind == "image/png" and data == (root / "images" / "a.png").read_bytes()
    font = re.search(r'url\("(/_fonts/[^"]+)"\)', page).group(1)
    assert _get(srv.url.rstrip("/") + font)[0] == 200
    # Links to the latest EPUB and PDF, which the preview builds into dist/.
    assert {"sach-thu.epub", "sach-thu.pdf"} <= set(state["outputs"])
    assert '/_dist/sach-thu.epub' in state["links"]
    status, epub, kind = _get(srv.url + "_dist/sach-thu.epub")
    assert status == 200 and kind == "application/epub+zip" and epub[:2] == b"PK"
    # Only the book's own files are served.
    for path in ("book.toml", "manuscripts/01-bai.md", "_dist/../book.toml", "images/../book.toml", "nothing"):
        assert _get(srv.url + path)[0] == 404, path

    article = root / "manuscripts" / "01-bai.md"
    article.write_text(ARTICLE.replace("ban đầu", "đã sửa"), encoding="utf-8")
    page = srv.page_after(state["version"])
    assert "Đoạn văn đã sửa." in page and "Đoạn văn ban đầu." not in page

    version = srv.version()["version"]
    article.write_text("---\ntitle: [hỏng\n---\n\nChữ.\n", encoding="utf-8")
    page = srv.page_after(version)
    assert '<html lang="vi">' in page and "<h1>Không dựng được sách</h1>" in page  # the book's language
    assert "error: manuscripts/01-bai.md:2: front matter" in page
    assert srv.process.poll() is None  # still serving

    version = srv.version()["version"]
    article.write_text(ARTICLE.replace("ban đầu", "lành lại"), encoding="utf-8")
    page = srv.page_after(version)
    assert "Đoạn văn lành lại." in page and "Không dựng được sách" not in page


def test_a_broken_book_toml_shows_on_the_page_and_recovers(tmp_path):
    root = _project(tmp_path)
    srv = Server(root, "--no-outputs")
    try:
        version = srv.wait(lambda s: s["version"] >= 1, "the first build")["version"]
        toml = (root / "book.toml").read_text(encoding="utf-8")
        (root / "book.toml").write_text(toml + "colour = 1\n", encoding="utf-8")
        page = srv.page_after(version)
        assert "error: book.toml:3: book.colour: unknown key" in page
        version = srv.version()["version"]
        (root / "book.toml").write_text(toml.replace("Sách thử", "Sách đã đổi tên"), encoding="utf-8")
        page = srv.page_after(version)
        assert "Sách đã đổi tên" in page
        assert srv.version()["outputs"] == []  # --no-outputs: dist/ left alone
    finally:
        srv.stop()


def test_outputs_folder_changes_do_not_trigger_rebuilds(tmp_path):
    root = _project(tmp_path)
    preview = Preview(root, outputs=False)
    assert preview.rebuild()
    allow = preview.watch_filter()
    from watchfiles import Change

    assert allow(Change.modified, str(root / "manuscripts" / "01-bai.md"))
    assert allow(Change.modified, str(root / "book.toml"))
    assert allow(Change.added, str(root / "images" / "b.jpg"))
    assert not allow(Change.modified, str(root / "dist" / "sach-thu.pdf"))
    assert not allow(Change.modified, str(root / ".git" / "index"))
    assert preview.lookup("/") is not None and preview.lookup("/book.toml") is None


def test_missing_project_and_busy_port_are_one_line_errors(tmp_path):
    from .conftest import run_cli

    result = run_cli("preview", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: no book.toml in {tmp_path}")
    import socket

    root = _project(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_cli("preview", str(root), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert result.stderr.splitlines()[1] == f"hint: choose another port: --port {port + 1}"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)")
def test_headless_chromium_screenshot(server, tmp_path):
    root, srv = server
    srv.wait(lambda s: s["version"] >= 1, "the first build")
    shot = tmp_path / "page.png"
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=900,1300", "--virtual-time-budget=5000",
         f"--screenshot={shot}", srv.url],
        capture_output=True, text=True, timeout=120)
    assert shot.is_file(), result.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        image = image.convert("RGB")
        assert image.size == (900, 1300)
        colours = {colour for _, colour in image.getcolors(maxcolors=1 << 24)}
        bar = image.getpixel((5, 5))
    assert bar == (32, 48, 63)  # the preview bar (#20303f) drew at the top
    assert (255, 255, 255) in colours  # a white sheet of the book
    assert (214, 214, 214) in colours  # the grey desk around it
    assert len(colours) > 200  # text and the picture, not an empty page


@pytest.mark.parametrize("language, heading, hint", [
    ("vi", "Không dựng được sách", "Sửa tệp rồi lưu lại: trang này tự tải lại."),
    ("en", "The book could not be built", "Fix the file and save it: this page reloads by itself."),
])
def test_the_error_page_speaks_the_books_language(tmp_path, language, heading, hint):
    # A broken [book] table elsewhere must not stop the page from finding the language.
    root = make_project(tmp_path, {"01-bai.md": "# Bài\n\nChữ.\n"},
                        f'[book]\ntitle = "Sách"\nlanguage = "{language}"\ncolour = 1\n')
    preview = Preview(root, outputs=False)
    assert preview.rebuild() is False
    page = preview.lookup("/")[0].decode("utf-8")
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page and f"<p>{hint}</p>" in page
    assert "error: book.toml:4: book.colour: unknown key" in page
