"""Live preview (`publisher preview`): serve the book on localhost and rebuild it on every change.

The page is the book as one HTML page (render.html.one_page, with the print CSS) plus a small
screen stylesheet that lays each document out as a sheet of the trim size, a bar with links
to the latest EPUB and PDF in the output folder, and a script that polls ``/_version`` and
reloads the page when a rebuild finishes. A broken manuscript or book.toml shows the error
(file:line: message) on the page; the server keeps running and recovers on the next save.

Only the book's own files are served: the page, its images and fonts (by the names the
renderer gave them) and the two output files; nothing else under the project is reachable.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from ..config import CONFIG_NAME
from ..errors import ConfigError, PublisherError
from ..labels import labels_for

Report = Callable[[str, str], None]
POLL_MS = 1000

CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                 ".webp": "image/webp", ".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf",
                 ".woff": "font/woff", ".woff2": "font/woff2", ".epub": "application/epub+zip",
                 ".pdf": "application/pdf"}

_SCREEN_CSS = """
/* publisher preview: the print CSS shown on a screen, one sheet per document */
html {{ background: #d6d6d6; }}
body {{ width: {width}mm; margin: 4em auto 2em; }}
.doc {{ background: #fff; box-sizing: border-box; min-height: {height}mm; padding: 18mm 16mm 20mm;
  margin: 0 0 8mm; box-shadow: 0 1px 5px rgba(0, 0, 0, .35); overflow: visible; }}
.footnote {{ font-size: .8em; color: #555; }}
.footnote::before {{ content: " ["; }}
.footnote::after {{ content: "]"; }}
#publisher-bar {{ position: fixed; top: 0; left: 0; right: 0; z-index: 10; margin: 0; padding: .5em 1em;
  background: #20303f; color: #fff; font: 13px/1.4 sans-serif; text-indent: 0; text-align: left; }}
#publisher-bar a {{ color: #9fd0ff; text-decoration: underline; margin-left: 1em; }}
#publisher-error {{ background: #fff; border-left: 6px solid #b00020; padding: 1em 1.5em; margin: 5em auto;
  width: 46em; max-width: 90%; font: 15px/1.5 sans-serif; }}
#publisher-error pre {{ white-space: pre-wrap; font: 14px/1.5 monospace; color: #b00020; }}
"""

_SCRIPT = """
(function () {
  var version = %d, outputs = null;
  var top = sessionStorage.getItem("publisher-scroll");
  if (top !== null) { window.scrollTo(0, +top); sessionStorage.removeItem("publisher-scroll"); }
  function poll() {
    fetch("/_version", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.version !== version) {
        sessionStorage.setItem("publisher-scroll", String(window.scrollY));
        location.reload();
        return;
      }
      if (JSON.stringify(d.outputs) !== outputs) {
        outputs = JSON.stringify(d.outputs);
        document.getElementById("publisher-outputs").innerHTML = d.links;
      }
      setTimeout(poll, %d);
    }).catch(function () { setTimeout(poll, %d); });
  }
  setTimeout(poll, %d);
})();
"""


@dataclass
class _State:
    """What the server hands out; replaced as a whole under the lock after each rebuild."""

    version: int = 0
    page: str = ""
    files: dict[str, Path] = field(default_factory=dict)  # URL path -> file (images, fonts)
    outputs: list[Path] = field(default_factory=list)
    building: bool = False


class Preview:
    """Builds the preview page for one project and keeps the latest result."""

    def __init__(self, project_dir: Path | str, outputs: bool = True, report: Report | None = None):
        self.root = Path(project_dir).resolve()
        self.build_outputs = outputs
        self.report = report or (lambda kind, text: None)
        self.lock = threading.Lock()
        self.state = _State()
        self.out_dir = self.root / "dist"
        self.title = self.root.name

    # -- building -------------------------------------------------------------------------
    def rebuild(self) -> bool:
        """Rebuild the page (and then the EPUB and PDF); True when the book built."""
        started = time.perf_counter()
        with self.lock:
            self.state.building = True
        try:
            page, files, count = self._render()
            ok = True
            self.report("rebuilt", f"{count} articles in {time.perf_counter() - started:.1f} s")
        except PublisherError as exc:
            page, files, ok = self._error_page(exc), {}, False
            self.report("error", str(exc))
        except Exception as exc:  # a bug must not stop the preview; show it and keep watching
            page, files, ok = self._error_page(PublisherError(f"internal error: {type(exc).__name__}: {exc}")), {}, False
            self.report("error", f"internal error: {type(exc).__name__}: {exc}")
        with self.lock:
            self.state = _State(self.state.version + 1, page, files, self._existing_outputs(), ok)
        if ok and self.build_outputs:
            self._write_outputs()
        with self.lock:
            self.state.building = False
            self.state.outputs = self._existing_outputs()
        return ok

    def _render(self) -> tuple[str, dict[str, Path], int]:
        from ..pipeline import load_book
        from ..render.html import one_page, render_book

        loaded = load_book(self.root)
        config = loaded.config
        self.out_dir, self.title = config.out_dir, config.title
        rendered = render_book(config, loaded.book)
        page = one_page(rendered)
        files = {f"/{href}": path for href, path in rendered.images.items()}
        for index, font in enumerate(rendered.fonts):
            url = f"/_fonts/{index}{font.path.suffix.lower()}"
            page = page.replace(font.path.as_uri(), url)
            files[url] = font.path
        width, height = (f"{v:g}" for v in config.trim_mm)
        css = _SCREEN_CSS.format(width=width, height=height)
        return self._wrap(page, css), files, len(loaded.book.articles())

    def _write_outputs(self) -> None:
        from ..build import build

        try:
            report = build(self.root, formats=("epub", "pdf"))
        except PublisherError as exc:
            self.report("error", f"the EPUB and PDF were not rebuilt: {exc}")
            return
        self.report("outputs", ", ".join(self._rel(o.path) for o in report.outputs))

    def _existing_outputs(self) -> list[Path]:
        return sorted(p for p in self.out_dir.glob("*") if p.suffix in (".epub", ".pdf") and p.is_file()) \
            if self.out_dir.is_dir() else []

    def _rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- pages ----------------------------------------------------------------------------
    def _bar(self) -> str:
        return (f'<div id="publisher-bar">publisher preview · {html.escape(self.title)}'
                f'<span id="publisher-outputs">{self.links()}</span></div>')

    def links(self) -> str:
        """The bar's links to the output files, newest build first in the folder."""
        with self.lock:
            outputs, building = list(self.state.outputs), self.state.building
        items = []
        for path in outputs:
            stat = path.stat() if path.exists() else None
            if stat is None:
                continue
            when = time.strftime("%H:%M:%S", time.localtime(stat.st_mtime))
            items.append(f'<a href="/_dist/{html.escape(path.name)}">{html.escape(path.name)}</a>'
                         f" ({stat.st_size // 1024} KB, {when})")
        if building and self.build_outputs:
            items.append(" building the EPUB and PDF…")
        return "".join(items) or " (no EPUB or PDF yet: run publisher build)"

    def _wrap(self, page: str, css: str) -> str:
        version = self.state.version + 1
        script = _SCRIPT % (version, POLL_MS, 2 * POLL_MS, POLL_MS)
        head = f"<style>{css}</style>\n<script>{script}</script>\n</head>"
        page = page.replace("</head>", head, 1)
        return page.replace("<body>", "<body>\n" + self._bar(), 1)

    def _error_page(self, exc: PublisherError) -> str:
        lines = "\n".join(html.escape(line) for line in _error_lines(exc))
        css = _SCREEN_CSS.format(width=145, height=205)
        language = _book_language(self.root)
        words = labels_for(language)
        page = (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8"/>\n'
                f"<title>publisher preview: {html.escape(words['preview_error_title'])}</title>\n</head>\n<body>\n"
                f'<div id="publisher-error"><h1>{html.escape(words["preview_error_title"])}</h1>\n'
                f"<pre>{lines}</pre>\n<p>{html.escape(words['preview_error_hint'])}</p></div>\n"
                "</body>\n</html>\n")
        return self._wrap(page, css)

    # -- serving --------------------------------------------------------------------------
    def version_json(self) -> bytes:
        with self.lock:
            state = self.state
            data = {"version": state.version, "building": state.building,
                    "outputs": [p.name for p in state.outputs]}
        data["links"] = self.links()
        return json.dumps(data).encode("utf-8")

    def lookup(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type for a URL path, or None."""
        with self.lock:
            state = self.state
        if path in ("/", "/index.html"):
            return state.page.encode("utf-8"), "text/html; charset=utf-8"
        if path == "/_version":
            return self.version_json(), "application/json"
        if path.startswith("/_dist/"):
            file = next((p for p in state.outputs if p.name == path[len("/_dist/"):]), None)
        else:
            file = state.files.get(path)
        if file is None or not file.is_file():
            return None
        return file.read_bytes(), CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")

    def watch_filter(self):
        """A watchfiles filter: every change in the project except the outputs and hidden files."""
        import watchfiles

        preview = self

        class _Filter(watchfiles.DefaultFilter):
            def __call__(self, change, path: str) -> bool:
                target = Path(path)
                for folder in (preview.out_dir, preview.root / "dist"):
                    if target == folder or folder in target.parents:
                        return False
                rel = target.relative_to(preview.root).parts if preview.root in target.parents else ()
                if any(part.startswith(".") for part in rel):
                    return False
                return super().__call__(change, path)

        return _Filter()


def _book_language(root: Path) -> str:
    """The book's language even when book.toml is broken elsewhere: its [book] language, else vi."""
    import tomllib

    try:
        language = tomllib.loads((root / CONFIG_NAME).read_text(encoding="utf-8-sig"))["book"]["language"]
    except (OSError, ValueError, KeyError, TypeError):
        return "vi"
    return language if isinstance(language, str) and language.strip() else "vi"


def _error_lines(exc: PublisherError) -> list[str]:
    lines = [f"error: {exc}"]
    if exc.hint:
        lines.append(f"hint: {exc.hint}")
    lines += [str(d) for d in exc.diagnostics if d.level == "error" and d.message not in str(exc)]
    return lines


def _handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        server_version = "publisher-preview"

        def do_GET(self):  # noqa: N802 (the http.server API)
            found = preview.lookup(unquote(urlsplit(self.path).path))
            if found is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            body, kind = found
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # requests are not news
            pass

    return Handler


def serve(project_dir: Path | str, host: str = "127.0.0.1", port: int = 8000, outputs: bool = True,
          report: Report | None = None, stop: threading.Event | None = None) -> None:
    """Serve the preview until ``stop`` is set (or the process is interrupted)."""
    import watchfiles

    root = Path(project_dir).resolve()
    if not (root / CONFIG_NAME).is_file():
        raise ConfigError(f"no {CONFIG_NAME} in {root}",
                          hint="give a book project folder: publisher preview PATH (or make one: publisher new PATH)")
    preview = Preview(root, outputs, report)
    try:
        server = ThreadingHTTPServer((host, port), _handler(preview))
    except OSError as exc:
        raise PublisherError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint=f"choose another port: --port {port + 1 if port else 8000}") from exc
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="preview-http", daemon=True)
    thread.start()
    stop = stop or threading.Event()
    try:
        actual_host, actual_port = server.server_address[:2]
        (report or (lambda k, t: None))("serving", f"http://{actual_host}:{actual_port}/")
        preview.rebuild()
        for changes in watchfiles.watch(root, watch_filter=preview.watch_filter(), stop_event=stop,
                                        debounce=400, raise_interrupt=True):
            names = sorted({preview._rel(Path(p)) for _, p in changes if Path(p).exists()}) or ["(deleted files)"]
            (report or (lambda k, t: None))("changed", ", ".join(names[:5]) + (" …" if len(names) > 5 else ""))
            preview.rebuild()
    finally:
        server.shutdown()
        server.server_close()
