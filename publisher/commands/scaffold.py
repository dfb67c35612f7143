"""Scaffold a new book project (`publisher new`): book.toml, manuscripts, images, styles, README.

The project's files are package data under ``publisher/scaffold_data/``: one folder per
language (``vi``, ``en``) plus ``common`` for what both share (the example picture).
Placeholders ``{{TITLE}}``, ``{{SLUG}}``, ``{{DATE}}`` (TOML values), ``{{TITLE_TEXT}}``
(plain text) and ``{{BUILTIN_CSS}}`` (the built-in book.css at scaffold time) are filled
in when the files are written.

Existing files are never overwritten: into a non-empty folder nothing is written unless
``force`` is given, and then every file that already exists is skipped and reported.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import slugify
from ..errors import PublisherError

PACKAGE = Path(__file__).resolve().parent.parent
DATA = PACKAGE / "scaffold_data"
BUILTIN_TEMPLATES = PACKAGE / "templates"
LANGUAGES = ("vi", "en")
DEFAULT_TITLES = {"vi": "Kỷ yếu 20 năm thành lập", "en": "Twenty years together"}
# The example picture has no words on it, so both languages share it under their own name.
PICTURE = {"vi": "images/hoi-truong.jpg", "en": "images/hall.jpg"}


@dataclass
class ScaffoldReport:
    """What `new` did: the files written and the existing files it left alone."""

    root: Path
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _toml_string(text: str) -> str:
    # A JSON string of printable text is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def project_files(title: str, language: str, today: dt.date) -> dict[str, bytes]:
    """Every file of a new project: relative path -> content."""
    if language not in LANGUAGES:
        raise PublisherError(f"unknown language {language!r}", hint=f"choose one of {', '.join(LANGUAGES)}")
    builtin_css = (BUILTIN_TEMPLATES / "book.css").read_text(encoding="utf-8").rstrip("\n")
    values = {
        "{{TITLE}}": _toml_string(title),
        "{{SLUG}}": _toml_string(slugify(title)),
        "{{DATE}}": today.isoformat(),
        "{{TITLE_TEXT}}": title,
        "{{BUILTIN_CSS}}": builtin_css,
    }
    files: dict[str, bytes] = {}
    base = DATA / language
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        text = path.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        files[rel.removesuffix(".in")] = text.encode("utf-8")
    files[PICTURE[language]] = (DATA / "common" / "images" / "example.jpg").read_bytes()
    files[".gitignore"] = (DATA / "common" / "gitignore").read_bytes()
    return dict(sorted(files.items()))


def scaffold(target: Path | str, title: str | None = None, language: str = "vi", force: bool = False,
             today: dt.date | None = None) -> ScaffoldReport:
    """Write a new project into ``target``; refuse a non-empty folder unless ``force``."""
    root = Path(target)
    if root.exists() and not root.is_dir():
        raise PublisherError(f"{root} is a file, not a folder", hint="give a new folder name")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise PublisherError(
            f"{root} is not empty",
            hint="choose a new folder, or add --force to add the missing files (existing files are kept)",
        )
    files = project_files(title or DEFAULT_TITLES.get(language, DEFAULT_TITLES["en"]), language,
                          today or dt.date.today())
    report = ScaffoldReport(root)
    try:
        for rel, content in files.items():
            path = root / rel
            if path.exists() or path.is_symlink():
                report.skipped.append(rel)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as handle:  # "x": never replace a file that appeared meanwhile
                handle.write(content)
            report.written.append(rel)
    except OSError as exc:
        raise PublisherError(f"could not write the project: {exc}", str(root)) from exc
    return report
