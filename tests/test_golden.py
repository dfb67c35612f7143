"""Golden tests, in Pandoc's habit: for each reader a small project under tests/golden/<reader>/
and the exact JSON ``publisher dump`` prints for it (``expected.json``), compared whole.

When a change to a reader or the normaliser changes the model on purpose, regenerate the
expected files with the one switch, then read the diff before committing::

    PUBLISHER_ACCEPT=1 python -m pytest tests/test_golden.py
    git diff tests/golden/

The Word fixture is written by ``tests/golden/docx/make_docx.py`` (python-docx) and committed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
READERS = ("markdown", "text", "docx")
ACCEPT = os.environ.get("PUBLISHER_ACCEPT") == "1"


@pytest.mark.parametrize("reader", READERS)
def test_dump_matches_the_golden_file(reader, tmp_path):
    source = GOLDEN / reader
    project = tmp_path / reader
    # A copy, so that the run can never change the committed fixture.
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("expected.json", "*.py", "__pycache__"))
    result = run_cli("dump", str(project))
    assert result.returncode == 0, result.stderr
    expected_path = source / "expected.json"
    if ACCEPT:
        expected_path.write_text(result.stdout, encoding="utf-8")
    assert expected_path.is_file(), f"no {expected_path}: run PUBLISHER_ACCEPT=1 python -m pytest tests/test_golden.py"
    expected = expected_path.read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(expected)  # a readable diff of the model first
    assert result.stdout == expected  # then the exact text


def test_every_reader_has_a_golden_manuscript():
    suffixes = {p.suffix for reader in READERS for p in (GOLDEN / reader / "manuscripts").iterdir()}
    assert suffixes == {".md", ".txt", ".docx"}
