"""Jinja2 templates and stylesheets, built-in or overridden file by file from a project's styles/."""

from __future__ import annotations

from pathlib import Path

import jinja2

BUILTIN = Path(__file__).resolve().parent.parent / "templates"


class Templates:
    """Looks a template or stylesheet up in the project's styles/ first, then the built-in set."""

    def __init__(self, styles_dir: Path | None):
        self.search = [p for p in (styles_dir, BUILTIN) if p is not None]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search]),
            autoescape=True,  # every template, whatever its suffix
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

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
