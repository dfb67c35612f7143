"""Jinja2 templates and stylesheets, built-in or overridden file by file from a project's styles/.

Compiling the templates takes a build about a quarter of a second: one Environment is
shared by every Templates of the same folders in a process (it recompiles a template
whose file changed), and compiled templates are kept in the cache between builds.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import jinja2

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


def _environment(search: list[Path]) -> jinja2.Environment:
    from ..cache import digest
    from ..cache import cache_dir

    # The compiled code depends on the options and on jinja2's version, which the keys of
    # the bytecode cache leave out: they name the folder.
    folder = cache_dir() / "templates" / digest(jinja2.__version__, repr(sorted(_OPTIONS.items())))[:16]
    key = (tuple(str(p) for p in search), folder)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = jinja2.Environment(loader=jinja2.FileSystemLoader(list(key[0])),
                                                bytecode_cache=_KeptBytecode(folder), **_OPTIONS)
    return _ENVIRONMENTS[key]


class Templates:
    """Looks a template or stylesheet up in the project's styles/ first, then the built-in set."""

    def __init__(self, styles_dir: Path | None):
        self.search = [p for p in (styles_dir, BUILTIN) if p is not None]
        self.env = _environment(self.search)

    def render(self, name: str, **context) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateError as exc:
            from ..errors import PublisherError

            where = getattr(exc, "filename", None) or name
            raise PublisherError(f"template error: {exc}", where, getattr(exc, "lineno", None)) from exc

    def text(self, name: str) -> str:
        """A static file (a stylesheet) from the first folder that has it."""
        for folder in self.search:
            path = folder / name
            if path.is_file():
                return path.read_text(encoding="utf-8")
        raise FileNotFoundError(name)

    def overridden(self) -> list[str]:
        """Names of the built-in files the project replaces."""
        if len(self.search) < 2:
            return []
        own = self.search[0]
        return sorted(p.name for p in own.iterdir() if (BUILTIN / p.name).is_file())
