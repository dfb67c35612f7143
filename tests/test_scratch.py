"""A command's temporary files (publisher.scratch, cachetrim.in_use, workers): kept in the cache
folder and removed when the command ends; none left in the system's temporary folder, neither by
the build's process nor by its workers (WeasyPrint's copies of the book's fonts)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from publisher import cachetrim, scratch, workers

from .conftest import make_project, run_cli


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "c"))
    return tmp_path / "c" / "publisher"


def _left(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_build_leaves_no_temporary_files(tmp_path):
    root = make_project(tmp_path / "p", {
        "01-bai.md": "# Bài một\n\nChữ của bài một, tháng Mười.\n\n" + "Một đoạn văn dài hơn. " * 300,
        "02-bai.md": "# Bài hai\n\nChữ của bài hai.\n",
    }, '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n')
    system_tmp = tmp_path / "tmp"
    system_tmp.mkdir()
    cache = tmp_path / "cache"
    result = run_cli("build", str(root), env={"PUBLISHER_CACHE": str(cache), "TMPDIR": str(system_tmp)})
    assert result.returncode == 0, result.stderr
    assert (root / "dist" / "sach-thu.pdf").exists() and (root / "dist" / "sach-thu.epub").exists()
    # Before: WeasyPrint's font folders of the build's workers and its own, 3 MB each, stayed here.
    assert _left(system_tmp) == []
    assert _left(cache / "publisher" / scratch.TMP) == []


def test_the_block_has_its_own_temporary_folder_and_leaves_tempfile_as_it_was(cache, monkeypatch):
    monkeypatch.setenv("TMPDIR", "/somewhere/else")
    before = tempfile.tempdir
    with cachetrim.in_use():
        inside = Path(tempfile.gettempdir())
        assert inside.parent == cache / scratch.TMP and os.environ["TMPDIR"] == str(inside)
        kept = Path(tempfile.mkdtemp(prefix="weasyprint-"))  # as WeasyPrint makes its font folder
        (kept / "font.ttf").write_bytes(b"x" * 100)
    assert not inside.exists()
    assert tempfile.tempdir == before and os.environ["TMPDIR"] == "/somewhere/else"


def test_folders_left_by_a_killed_command_go_when_no_other_command_runs(cache, tmp_path):
    left = cache / scratch.TMP / "run-killed"
    (left / "weasyprint-x").mkdir(parents=True)
    (left / "weasyprint-x" / "font.ttf").write_bytes(b"x" * 100)
    # Another command works with the cache (it holds the shared lock): its folder may be one of
    # these, so nothing is removed.
    holder = os.open(cache / cachetrim.IN_USE, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_SH)
        with cachetrim.in_use():
            assert left.exists()
    finally:
        os.close(holder)
    with cachetrim.in_use():
        assert not left.exists()
        assert len(os.listdir(cache / scratch.TMP)) == 1  # this block's own


def test_a_command_in_another_process_keeps_its_folder_while_it_runs(cache, tmp_path):
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys, tempfile\nfrom publisher import cachetrim\n"
         "with cachetrim.in_use():\n    print(tempfile.gettempdir(), flush=True)\n    sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        theirs = Path(other.stdout.readline().strip())
        assert theirs.parent == cache / scratch.TMP
        project = make_project(tmp_path / "p", {"01-bai.md": "# Bài một\n\nChữ.\n"})
        result = run_cli("check", str(project))  # a command of its own meanwhile
        assert result.returncode == 0, result.stderr
        with cachetrim.in_use():
            assert theirs.is_dir()
    finally:
        other.communicate("\n", timeout=60)
    assert other.returncode == 0 and not theirs.exists()


def test_a_link_in_place_of_the_temporary_folder_is_not_followed(cache, tmp_path):
    outside = tmp_path / "outside"
    (outside / "run-x").mkdir(parents=True)
    (outside / "run-x" / "precious.txt").write_text("giữ lại")
    cache.mkdir(parents=True)
    (cache / scratch.TMP).symlink_to(outside)
    before = tempfile.gettempdir()
    with cachetrim.in_use():
        assert tempfile.gettempdir() == before  # not under the link's target
    assert (outside / "run-x" / "precious.txt").read_text() == "giữ lại"
    assert scratch.sweep(cache) == 0 and (cache / scratch.TMP).is_symlink()


def _worker_folder() -> str:
    folder = tempfile.gettempdir()
    Path(folder, "weasyprint-font.ttf").write_bytes(b"x" * 100)  # left for the collector, as WeasyPrint does
    return folder


@pytest.mark.skipif(not workers.can_fork(), reason="no forked workers here")
def test_a_worker_removes_its_temporary_folder_as_it_exits(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with workers.pool(2) as pool:
        folders = {Path(pool.submit(_worker_folder).result()) for _ in range(4)}
        assert all(folder.parent == tmp_path and folder.name.startswith("worker-") for folder in folders)
        assert all(folder.is_dir() for folder in folders)
    assert _left(tmp_path) == []
