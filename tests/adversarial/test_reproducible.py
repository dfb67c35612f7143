"""Reproducibility: byte-identical EPUB and PDF across runs, TZ values, working directories and project paths."""

from __future__ import annotations

import shutil

import pytest

from ..conftest import make_project, run_cli
from .helpers import png

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

MANUSCRIPTS = {"01-bai.md": "---\ntitle: Bài một\nauthor: Trần Văn A\ndate: 2026-03-15\n---\n\n"
                            "Đoạn có chú thích.[^1]\n\n![Trụ sở](../images/a.png)\n\n[^1]: Chú thích.\n",
               "02-bai.md": "# Bài hai 🎉\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"}
TOML = '[book]\ntitle = "Sách tái lập"\ndate = 2026-10-20\n'
NAMES = ("sach-tai-lap.epub", "sach-tai-lap.pdf")


def _same(tmp_path, runs: dict, outs: list[str]) -> None:
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    for file_name in NAMES:
        groups: dict[bytes, list[str]] = {}
        for out in outs:
            groups.setdefault((tmp_path / out / file_name).read_bytes(), []).append(out)
        assert len(groups) == 1, (file_name, list(groups.values()))
        assert str(tmp_path).encode() not in next(iter(groups))  # no absolute path in the output


@pytest.fixture
def root(tmp_path):
    return make_project(tmp_path / "a" / "book", MANUSCRIPTS, TOML, {"images/a.png": png(6, 6)})


def test_outputs_are_byte_identical_across_runs_tz_and_working_directories(tmp_path, root):
    runs = {
        "first": run_cli("build", str(root), "--out", str(tmp_path / "o1"), env={"TZ": "UTC"}),
        "second": run_cli("build", str(root), "--out", str(tmp_path / "o2"), env={"TZ": "UTC"}),
        "tz": run_cli("build", str(root), "--out", str(tmp_path / "o3"), env={"TZ": "Asia/Ho_Chi_Minh"}),
        "tz2": run_cli("build", str(root), "--out", str(tmp_path / "o4"), env={"TZ": "America/Los_Angeles"}),
        "cwd": run_cli("build", "book", "--out", "../o5", cwd=root.parent),
    }
    _same(tmp_path, runs, ["o1", "o2", "o3", "o4", "o5"])


def test_the_epub_is_byte_identical_when_the_project_folder_moves(tmp_path, root):
    copy = tmp_path / "somewhere" / "else entirely" / "sách"
    shutil.copytree(root, copy)
    assert run_cli("build", str(root), "--out", str(tmp_path / "o1"), "--format", "epub").returncode == 0
    assert run_cli("build", str(copy), "--out", str(tmp_path / "o2"), "--format", "epub").returncode == 0
    assert (tmp_path / "o1" / NAMES[0]).read_bytes() == (tmp_path / "o2" / NAMES[0]).read_bytes()


def test_the_pdf_is_byte_identical_when_the_project_folder_moves(tmp_path, root):
    copy = tmp_path / "somewhere" / "else entirely" / "sách"
    shutil.copytree(root, copy)
    assert run_cli("build", str(root), "--out", str(tmp_path / "o1"), "--format", "pdf").returncode == 0
    assert run_cli("build", str(copy), "--out", str(tmp_path / "o2"), "--format", "pdf").returncode == 0
    assert (tmp_path / "o1" / NAMES[1]).read_bytes() == (tmp_path / "o2" / NAMES[1]).read_bytes()
