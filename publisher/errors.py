"""Errors and diagnostics: what went wrong, where (file and line), and what to do.

Only the CLI formats and prints these; every other module raises or returns them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the input: a level, a place and a message in plain words."""

    level: str  # "error", "warning" or "info"
    message: str
    path: str | None = None
    line: int | None = None
    code: str = ""
    hint: str | None = None

    @property
    def where(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""

    def __str__(self) -> str:
        """``level: path:line: message (hint)``, the one format every command prints."""
        prefix = f"{self.where}: " if self.where else ""
        text = f"{self.level}: {prefix}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


class PublisherError(Exception):
    """An error the editor can act on. Carries the file and line when known."""

    exit_code = 1
    kind = "error"

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
        diagnostics: list[Diagnostic] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        self.diagnostics = list(diagnostics or [])

    def __str__(self) -> str:
        where = ""
        if self.path and self.line:
            where = f"{self.path}:{self.line}: "
        elif self.path:
            where = f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(PublisherError):
    """book.toml is missing, malformed or has a wrong value."""

    exit_code = 2
    kind = "config"


class ManuscriptError(PublisherError):
    """A manuscript cannot be read (encoding, front matter, structure)."""

    exit_code = 3
    kind = "manuscript"


class DamagedImage(ManuscriptError):
    """An image file is damaged, empty or not an image: a build stops at the first, while
    ``publisher check`` lists them all."""


class DependencyError(PublisherError):
    """An optional program or package is needed and missing."""

    exit_code = 4
    kind = "dependency"


class OutputError(PublisherError):
    """An output file could not be written (disk full, permissions, lock)."""

    exit_code = 5
    kind = "output"


class StrictModeError(PublisherError):
    """Warnings were found and --strict makes them fatal."""

    exit_code = 6
    kind = "strict"
