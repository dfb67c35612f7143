"""Decide which manuscripts make the book, in which order, and what is left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import BookConfig
from .errors import Diagnostic, ManuscriptError
from .safety import bad_name
from .readers import suffixes


@dataclass(frozen=True)
class PartPlan:
    title: str
    files: tuple[Path, ...]


@dataclass
class Plan:
    """The book's manuscripts in reading order."""

    foreword: Path | None
    parts: list[PartPlan]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def files(self) -> list[Path]:
        found = [self.foreword] if self.foreword else []
        for part in self.parts:
            found.extend(part.files)
        return found


def manuscript_files(config: BookConfig) -> list[Path]:
    """Every manuscript under the manuscripts folder, in file-name order."""
    known = set(suffixes())
    found = [
        p.resolve()
        for p in config.manuscripts_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in known and not _hidden(p, config.manuscripts_dir)
    ]
    # A link that leads out of the manuscripts folder is never read (see links_out).
    inside = config.manuscripts_dir.resolve()
    found = [p for p in found if p.is_relative_to(inside)]
    return sorted(found, key=lambda p: p.relative_to(inside).as_posix())


def links_out(config: BookConfig) -> list[Path]:
    """Manuscript-like symbolic links in the manuscripts folder that lead outside it."""
    known = set(suffixes())
    inside = config.manuscripts_dir.resolve()
    return sorted(p for p in config.manuscripts_dir.rglob("*")
                  if p.is_symlink() and p.suffix.lower() in known and not p.resolve().is_relative_to(inside))


def _hidden(path: Path, base: Path) -> bool:
    return any(part.startswith((".", "_")) for part in path.relative_to(base).parts)


def collect(config: BookConfig) -> Plan:
    """The reading plan: [[parts]] as listed, or every manuscript in file-name order."""
    available = manuscript_files(config)
    for path in available:
        shown = bad_name(path)
        if shown:
            raise ManuscriptError("the file name is not UTF-8 text (written by an old system?)",
                                  bad_name(path.relative_to(config.root.resolve())) or shown,
                                  hint="rename the file, with Vietnamese letters typed again")
    foreword = config.foreword
    diagnostics: list[Diagnostic] = [
        Diagnostic("warning", "a link to a file outside the manuscripts folder is not read",
                   link.relative_to(config.root).as_posix(), None, "outside", "copy the file into the folder instead")
        for link in links_out(config)
    ]
    if config.parts:
        used: dict[Path, str] = {}
        parts = []
        for spec in config.parts:
            files = []
            for path in spec.files:
                if path == foreword:
                    continue
                if path in used:
                    diagnostics.append(Diagnostic(
                        "warning", f"{config.rel(path)} is listed in '{used[path]}' and again in "
                        f"'{spec.title}'; it is used once, in the first", "book.toml", spec.line, "collect"))
                    continue
                used[path] = spec.title
                files.append(path)
            parts.append(PartPlan(spec.title, tuple(files)))
        for path in available:
            if path not in used and path != foreword:
                diagnostics.append(Diagnostic(
                    "warning", f"{config.rel(path)} is not listed in any [[parts]] and is left out",
                    config.rel(path), None, "unlisted", "add it to a part's files in book.toml"))
    else:
        parts = [PartPlan("", tuple(p for p in available if p != foreword))]
    return Plan(foreword, parts, diagnostics)
