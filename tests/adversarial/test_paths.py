"""Paths: nothing outside the project is read or embedded; remote images only when allowed."""

from __future__ import annotations

import http.server
import os
import threading
import time
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.cache import cache_dir
from publisher.errors import ConfigError, ManuscriptError

from .helpers import TOML, build_book, epub_entries, png, project

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

SECRET = b"root:x:0:0:SECRET-OUTSIDE-THE-PROJECT"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project with a 'secret' file and a real image in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_bytes(SECRET)
    (folder / "photo.png").write_bytes(png() + SECRET)
    return folder


def _figure(src: str) -> str:
    return f"# Bài\n\n![Ảnh]({src})\n\nChữ.\n"


@pytest.mark.parametrize("src, message", [
    ("../../outside/passwd", "outside the project folder"),
    ("../../../../../../etc/passwd", "outside the project folder"),
    ("ABSOLUTE", "is an absolute path"),
    ("file:///etc/passwd", "file: URLs are never used"),
    ("FILE_URL_OUTSIDE", "file: URLs are never used"),
    ("C:\\Windows\\win.ini", "is an absolute path"),
    ("data:image/png;base64,iVBORw0KGgo=", "data: URLs are never used"),
])
def test_an_image_outside_the_project_is_refused(tmp_path, outside, src, message):
    src = {"ABSOLUTE": str(outside / "photo.png"), "FILE_URL_OUTSIDE": (outside / "photo.png").as_uri()}.get(src, src)
    root = project(tmp_path, _figure(src))
    with pytest.raises(ManuscriptError, match=message) as caught:
        build_book(root)
    assert (caught.value.path, caught.value.line) == ("manuscripts/01-bai.md", 3)
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())


def test_a_symlink_leaving_the_project_is_refused(tmp_path, outside):
    root = project(tmp_path, _figure("../images/photo.png"))
    (root / "images").mkdir()
    os.symlink(outside / "photo.png", root / "images" / "photo.png")
    with pytest.raises(ManuscriptError, match="outside the project folder") as caught:
        build_book(root)
    assert caught.value.line == 3


def test_a_symlinked_manuscript_leaving_the_project_is_not_read(tmp_path, outside):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    os.symlink(outside / "passwd", root / "manuscripts" / "02-secret.md")
    report = build_book(root, ("epub",))
    warning = next(d for d in report.diagnostics if d.code == "outside")
    assert warning.path == "manuscripts/02-secret.md"
    assert all(SECRET not in data for data in epub_entries(report.outputs[0].path).values())


@pytest.mark.parametrize("key, value", [
    ("cover_image", "../outside/photo.png"),
    ("foreword", "../../outside/passwd"),
])
def test_config_files_outside_the_project_are_refused(tmp_path, outside, key, value):
    root = project(tmp_path, "# Bài\n\nChữ.\n", TOML + f'{key} = "{value}"\n')
    with pytest.raises(ConfigError, match=f"book.{key}: .* is outside the project folder") as caught:
        load_config(root)
    assert caught.value.line == 4


def test_parts_globs_cannot_leave_the_manuscripts_folder(tmp_path, outside):
    (outside / "evil.md").write_text("# Evil\n\nx\n", encoding="utf-8")
    toml = TOML + '[[parts]]\ntitle = "P"\nfiles = ["../../outside/*.md"]\n'
    root = project(tmp_path, "# Bài\n\nChữ.\n", toml)
    with pytest.raises(ConfigError, match=r"parts\[0\].files: .* leads outside"):
        load_config(root)


def test_a_stylesheet_cannot_make_the_pdf_read_a_file(tmp_path, outside):
    """A project's styles/ may override the CSS, but not load anything by a URL with a scheme."""
    from publisher.errors import PublisherError

    for css, line in ((f'html {{ background: url("{(outside / "photo.png").as_uri()}"); }}\n', 1),
                      ('p { color: red; }\n@import url("http://127.0.0.1:9/x.css");\n', 2)):
        root = project(tmp_path / str(len(css)), "# Bài\n\nChữ.\n", files={"styles/print.css": css.encode()})
        with pytest.raises(PublisherError, match="may not @import or load a url") as caught:
            build_book(root, ("pdf",))
        assert (caught.value.path, caught.value.line) == ("styles/print.css", line)
        assert not (root / "dist").exists() or not list((root / "dist").glob("*.pdf"))


# --- remote images, from a server on 127.0.0.1 only ---

class _Server:
    def __init__(self):
        self.requests: list[str] = []
        self.routes: dict[str, tuple] = {}
        self.drip = 0.0  # seconds between bytes of the body: a slow sender
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):
                server.requests.append(self.path)
                status, headers, body, delay = server.routes.get(self.path, (404, {}, b"", 0))
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    if server.drip:
                        for index in range(len(body)):
                            self.wfile.write(body[index:index + 1])
                            self.wfile.flush()
                            time.sleep(server.drip)
                    else:
                        self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    """A server on 127.0.0.1, which the address rule lets through for this test only."""
    import publisher.remote

    running = _Server()
    monkeypatch.setattr(publisher.remote, "ALLOWED_FOR_TESTS",
                        frozenset({("127.0.0.1", running.httpd.server_address[1])}))
    yield running
    running.close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    # Font instances are made once per cache: share the session's (hermetic) one for speed.
    fonts = cache_dir() / "fonts"
    monkeypatch.setenv("PUBLISHER_CACHE", str(folder))
    if fonts.is_dir():
        (folder / "publisher").mkdir(parents=True)
        os.symlink(fonts, folder / "publisher" / "fonts")
    return folder


REMOTE_ON = TOML + "[security]\nallow_remote_images = true\nremote_timeout_s = 1\nremote_max_bytes = 2000\n"


def test_a_remote_image_is_not_fetched_by_default(tmp_path, server):
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    root = project(tmp_path, _figure(server.url + "/a.png"))
    with pytest.raises(ManuscriptError, match="remote images are not fetched") as caught:
        build_book(root)
    assert caught.value.line == 3 and "allow_remote_images" in caught.value.hint
    assert server.requests == []


def test_a_remote_image_is_fetched_when_allowed_and_cached(tmp_path, server, cache):
    image = png(5, 5)
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, image, 0)
    root = project(tmp_path, _figure(server.url + "/a.png"), REMOTE_ON)
    report = build_book(root, ("epub",))
    images = [data for name, data in epub_entries(report.outputs[0].path).items() if name.startswith("EPUB/images/")]
    assert len(images) == 1 and images[0][:8] == image[:8]
    assert server.requests == ["/a.png"]
    build_book(root, ("epub",))
    assert server.requests == ["/a.png"], "the second build uses the cached copy"


@pytest.mark.parametrize("route, message", [
    ((200, {"Content-Length": "999999"}, png() + b"\0" * 3000, 0), "remote_max_bytes"),
    ((200, {}, png() + b"\0" * 3000, 0), "remote_max_bytes"),  # no Content-Length: counted while reading
    ((200, {"Content-Type": "image/png"}, png(), 3), "remote_timeout_s"),
    ((200, {"Content-Type": "image/png"}, b"<html><script>alert(1)</script></html>", 0), "did not send an image"),
    ((404, {}, b"", 0), "404"),
    ((302, {"Location": "file:///etc/passwd"}, b"", 0), "302"),
])
def test_remote_limits(tmp_path, server, cache, route, message):
    server.routes["/a.png"] = route
    root = project(tmp_path, _figure(server.url + "/a.png"), REMOTE_ON)
    with pytest.raises(ManuscriptError, match=message) as caught:
        build_book(root, ("epub",))
    assert (caught.value.path, caught.value.line) == ("manuscripts/01-bai.md", 3)
    assert not list((cache / "publisher" / "remote").glob("*")) if (cache / "publisher" / "remote").exists() else True
