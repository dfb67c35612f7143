"""What a build reports: the files it wrote and what it found, counted in the log's words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic


@dataclass
class OutputFile:
    format: str
    path: Path
    size: int
    pages: int | None = None


@dataclass
class BuildReport:
    outputs: list[OutputFile]
    diagnostics: list[Diagnostic]
    articles: int  # the foreword counted in
    seconds: float
    foreword: bool = False
    up_to_date: bool = False  # nothing changed since the last build: nothing was written (publisher.uptodate)

    @property
    def texts(self) -> str:
        """What was built, counted as the log counts it: 'foreword + 15 articles'."""
        return texts_phrase(self.articles - self.foreword, self.foreword)


def texts_phrase(articles: int, foreword: bool) -> str:
    """'foreword + 15 articles', '1 article': the one way the build counts what it assembled."""
    counted = f"{articles} article{'' if articles == 1 else 's'}"
    return f"foreword + {counted}" if foreword else counted
