"""Outputs are written safely and reproducibly."""

from __future__ import annotations

import pytest

from publisher.errors import OutputError
from publisher.output import atomic_output

from .conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

TEXT = {"01-bai.md": "---\ntitle: Bài\n---\n\nChữ có *nghiêng*.[^1]\n\n[^1]: Chú thích.\n"}


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"previous good file")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as handle:
            handle.write(b"half a new fi")
            raise RuntimeError("renderer crashed")
    assert target.read_bytes() == b"previous good file"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_disk_full_is_a_clear_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    import errno
    import os

    target = tmp_path / "book.epub"
    target.write_bytes(b"old")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="the disk is full; the previous file is kept"):
        with atomic_output(target) as handle:
            handle.write(b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]


def test_a_broken_manuscript_leaves_the_last_good_outputs(tmp_path):
    root = make_project(tmp_path, TEXT)
    assert run_cli("build", str(root)).returncode == 0
    before = {p.name: p.read_bytes() for p in (root / "dist").iterdir()}
    (root / "manuscripts" / "01-bai.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert run_cli("build", str(root)).returncode != 0
    assert {p.name: p.read_bytes() for p in (root / "dist").iterdir()} == before


def test_two_builds_give_identical_bytes(tmp_path):
    root = make_project(tmp_path, TEXT, '[book]\ntitle = "Sách"\ndate = 2026-10-20\n')
    first = tmp_path / "one"
    second = tmp_path / "two"
    assert run_cli("build", str(root), "--out", str(first)).returncode == 0
    assert run_cli("build", str(root), "--out", str(second), env={"TZ": "Asia/Ho_Chi_Minh"}).returncode == 0
    for name in ("sach.epub", "sach.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_source_date_epoch_sets_the_dates(tmp_path):
    import zipfile

    root = make_project(tmp_path, TEXT)
    assert run_cli("build", str(root), "--format", "epub", env={"SOURCE_DATE_EPOCH": "1700000000"}).returncode == 0
    with zipfile.ZipFile(root / "dist" / "sach-thu.epub") as epub:
        assert "2023-11-14T22:13:20Z" in epub.read("EPUB/content.opf").decode()
        assert {i.date_time for i in epub.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_the_sample_book_builds_identically_twice(sample_build, tmp_path):
    again = tmp_path / "again"
    from .conftest import ROOT

    assert run_cli("build", str(ROOT), "--out", str(again)).returncode == 0
    for name in (sample_build["epub"].name, sample_build["pdf"].name):
        assert (again / name).read_bytes() == (sample_build["out"] / name).read_bytes(), name
