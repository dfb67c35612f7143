"""Lint a project without building it: every finding with its level, file and line."""

from __future__ import annotations

from pathlib import Path

from .build import load_book
from .errors import Diagnostic, PublisherError


def run_check(project_dir: Path | str) -> list[Diagnostic]:
    """All diagnostics for the project, errors first."""
    try:
        loaded = load_book(project_dir)
        findings = loaded.diagnostics
    except PublisherError as exc:
        findings = exc.diagnostics or [Diagnostic("error", exc.message, exc.path, exc.line, exc.kind, exc.hint)]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda d: (order.get(d.level, 3), d.path or "", d.line or 0))
