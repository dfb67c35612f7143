"""Every footnote is printed on the page of its call: the sample book and the benchmark's book."""

from __future__ import annotations

import sys

from tests.conftest import ROOT, run_cli
from tests.render.notecheck import misplaced, notes
import pytest

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not


def test_every_note_is_on_its_calls_page_in_the_sample(sample_build):
    assert len(notes(sample_build["epub"])) >= 8
    assert misplaced(sample_build["epub"], sample_build["pdf"]) == []


def test_every_note_is_on_its_calls_page_in_the_benchmark_book(tmp_path):
    """30 generated articles: two of their notes used to slip to the next page (WeasyPrint moved
    them to make room for a widow line; pdf.weasypatch)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import make_project
    finally:
        sys.path.remove(str(ROOT / "bench"))
    project = make_project(tmp_path / "book", 30)
    result = run_cli("build", str(project), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    epub = next((tmp_path / "out").glob("*.epub"))
    pdf = next(p for p in (tmp_path / "out").glob("*.pdf") if not p.name.endswith("-cover.pdf"))
    assert len(notes(epub)) >= 25
    assert misplaced(epub, pdf) == []
