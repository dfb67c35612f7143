"""The layer table of STYLE.md holds: import-linter's "layers" contract in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the publisher package under ``root``, with the repository's contract."""
    program = Path(sys.executable).with_name("lint-imports")
    command = [str(program)] if program.exists() else [sys.executable, "-m", "importlinter.cli"]
    env = dict(os.environ, PYTHONPATH=str(root))  # the package under ``root``, not one installed elsewhere
    return subprocess.run([*command, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)


def test_the_package_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_reader_that_imports_a_renderer_breaks_the_contract(tmp_path):
    # The contract is not empty words: the same check fails on a copy with one forbidden import.
    shutil.copytree(ROOT / "publisher", tmp_path / "publisher",
                    ignore=shutil.ignore_patterns("__pycache__", "scaffold_data", "templates"))
    reader = tmp_path / "publisher" / "readers" / "text.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\nfrom ..render import html  # noqa\n",
                      encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "publisher.readers.text -> publisher.render.html" in result.stdout
