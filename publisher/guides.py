"""Find the installed user guides (docs/guide.md, docs/huong-dan.md), for `publisher guide`.

A pip install ships them as package data under ``publisher/docs/`` (pyproject maps the
repository's ``docs/`` folder there); a source checkout reads ``docs/`` directly.
"""

from __future__ import annotations

from pathlib import Path

from .errors import PublisherError

GUIDE_FILES = {"vi": "huong-dan.md", "en": "guide.md"}


def guide_path(language: str = "vi") -> Path:
    """The guide for ``language`` (vi or en) as installed, else in the source checkout."""
    name = GUIDE_FILES.get(language.split("-")[0].lower())
    if name is None:
        raise PublisherError(f"no guide in {language!r}", hint=f"languages: {', '.join(GUIDE_FILES)}")
    package = Path(__file__).resolve().parent
    for folder in (package / "docs", package.parent / "docs"):
        if (folder / name).is_file():
            return folder / name
    raise PublisherError(f"the guide {name} is not installed", hint="reinstall publisher: pip install publisher")
