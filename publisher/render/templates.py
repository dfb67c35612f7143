"""Jinja2 templates and stylesheets, built-in or overridden file by file from a project's styles/.

A project's templates are untrusted: when styles/ overrides any template, every template is
rendered in Jinja's ImmutableSandboxedEnvironment (no ``__globals__``, no imports, no
changing what the build passes in) and everything rendered is cleaned by render/sanitize.py. Files in styles/ are read only when they stay inside it (a symbolic link
out is refused) and are not larger than safety.MAX_STYLE_BYTES; a stylesheet there may not
``@import`` or load a ``url()`` with a scheme (http:, file:, data: ...).

Compiling the templates takes a build about a quarter of a second: one Environment is
shared by every Templates of the same folders in a process (it recompiles a template
whose file changed), and compiled templates are kept in the cache between builds.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import safety

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
_OPTIONS = dict(
    autoescape=True,  # every template, whatever its suffix
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_ENVIRONMENTS: dict[tuple[tuple[str, ...], Path], jinja2.Environment] = {}


class _KeptBytecode(jinja2.BytecodeCache):
    """Compiled templates in a cache folder, written atomically; a damaged one is compiled again.

    (jinja2's FileSystemBytecodeCache writes in place, so a build running at the same time
    could read half a file and fail.)
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = (self.folder / f"{bucket.key}.bin").read_bytes()
        except OSError:
            return
        try:
            bucket.bytecode_from_string(data)  # checks jinja2's and Python's versions and the source
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # A cache that cannot be written is only slower: never fail a build for it.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            with os.fdopen(handle, "wb") as out:
                out.write(bucket.bytecode_to_string())
            os.replace(temporary, self.folder / f"{bucket.key}.bin")
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)


class _StylesLoader(jinja2.FileSystemLoader):
    """Templates from a project's styles/ folder: inside it, links followed only within it, size-limited."""

    def get_source(self, environment: jinja2.Environment, template: str):
        folder = Path(self.searchpath[0])
        path = _own_file(folder, template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        text = _read_own(folder, path, template)
        mtime = path.stat().st_mtime
        return text, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime


def _own_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` when it exists; a link leading out of ``folder`` is an error."""
    candidate = folder / name
    if not os.path.lexists(candidate):
        return None
    try:
        path = safety.project_path(folder, name)
    except safety.UnsafePath as exc:
        raise _error(f"styles/{name} {exc}".replace("project folder", "styles/ folder"), folder, name) from exc
    return path if path.is_file() else None


def _read_own(folder: Path, path: Path, name: str) -> str:
    try:
        return safety.read_bytes(path, safety.MAX_STYLE_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(f"styles/{name} must be saved as UTF-8", folder, name) from exc
    except OSError as exc:
        raise _error(f"cannot read styles/{name}: {exc}", folder, name) from exc


def _error(message: str, folder: Path, name: str, line: int | None = None):
    from ..errors import PublisherError

    return PublisherError(message, f"styles/{name}", line)


_CSS_LOADS = re.compile(r"@import|url\(\s*['\"]?\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _check_css(text: str, folder: Path, name: str) -> str:
    match = _CSS_LOADS.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise _error("a stylesheet in styles/ may not @import or load a url() with a scheme "
                     "(http:, file:, data: ...)", folder, name, line)
    return text


def _environment(search: list[Path], sandboxed: bool) -> jinja2.Environment:
    from ..cache import digest
    from ..cache import cache_dir

    # The compiled code depends on the options, the environment's kind (a sandbox compiles
    # differently) and on jinja2's version, which the keys of the bytecode cache leave out:
    # they name the folder.
    kind = ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment
    folder = cache_dir() / "templates" / digest(jinja2.__version__, repr(sorted(_OPTIONS.items())),
                                                kind.__name__ if sandboxed else "")[:16]
    key = (tuple(str(p) for p in search), folder, sandboxed)
    if key not in _ENVIRONMENTS:
        loaders = [_StylesLoader(str(p)) if p != BUILTIN else jinja2.FileSystemLoader(str(p)) for p in search]
        _ENVIRONMENTS[key] = kind(loader=jinja2.ChoiceLoader(loaders) if len(loaders) > 1 else loaders[0],
                                  bytecode_cache=_KeptBytecode(folder), **_OPTIONS)
        from .headings import heading_rows
        from .photopages import caption_lines
        from .rosteralign import align_tokens
        from .typeset import keep_last_words

        _ENVIRONMENTS[key].filters["keep_last_words"] = keep_last_words
        _ENVIRONMENTS[key].filters["heading_rows"] = heading_rows
        _ENVIRONMENTS[key].filters["caption_lines"] = caption_lines
        _ENVIRONMENTS[key].filters["align_tokens"] = align_tokens
    return _ENVIRONMENTS[key]


class Templates:
    """Looks a template or stylesheet up in the project's styles/ first, then the built-in set."""

    def __init__(self, styles_dir: Path | None):
        self.search = [p for p in (styles_dir, BUILTIN) if p is not None]
        self.own = set(self.overridden())
        self.sandboxed = any(n.endswith((".html", ".xhtml")) for n in self.own)
        self.env = _environment(self.search, self.sandboxed)

    def render(self, name: str, **context) -> str:
        try:
            html = self.env.get_template(name).render(**context)
        except jinja2.TemplateError as exc:
            from ..errors import PublisherError

            where = getattr(exc, "filename", None) or (f"styles/{name}" if name in self.own else name)
            raise PublisherError(f"template error: {safety.shorten(exc)}", where, getattr(exc, "lineno", None)) from exc
        if self.sandboxed:  # a project's template, or one that includes it: nothing active may reach the outputs
            from .sanitize import clean

            html = clean(html)
        return html

    def text(self, name: str) -> str:
        """A static file (a stylesheet) from the first folder that has it."""
        for folder in self.search:
            if folder == BUILTIN:
                path = folder / name
                if path.is_file():
                    return path.read_text(encoding="utf-8")
                continue
            path = _own_file(folder, name)
            if path is not None:
                return _check_css(_read_own(folder, path, name), folder, name)
        raise FileNotFoundError(name)

    def overridden(self) -> list[str]:
        """Names of the built-in files the project replaces."""
        if len(self.search) < 2:
            return []
        own = self.search[0]
        return sorted(p.name for p in own.iterdir() if (BUILTIN / p.name).is_file())
