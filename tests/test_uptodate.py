"""publisher.uptodate: a build with nothing changed says so and writes nothing; any change builds."""

from __future__ import annotations

import os

import pytest

from tests.conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds


def _stamps(folder):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}


def test_nothing_changed_writes_nothing_and_any_change_builds_again(tmp_path):
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài một\n\nChữ của bài một.\n"},
                        '[book]\ntitle = "Sách thử"\n')
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache")}
    first = run_cli("build", str(root), env=env)
    assert first.returncode == 0, first.stderr
    assert "Up to date" not in first.stdout
    dist = root / "dist"
    before = _stamps(dist)

    again = run_cli("build", str(root), env=env)
    assert again.returncode == 0, again.stderr
    assert "Up to date: 1 article, nothing changed since the last build" in again.stdout
    rows = [line for line in first.stdout.splitlines() if "│" in line]
    assert [line for line in again.stdout.splitlines() if "│" in line] == rows  # the same files, sizes, pages
    assert _stamps(dist) == before  # not one byte written, not one file replaced

    # Another format is another build; so is the same one once an output is gone.
    other = run_cli("build", str(root), "--format", "epub", env=env)
    assert "Up to date" not in other.stdout
    (dist / "sach-thu.pdf").unlink()
    rebuilt = run_cli("build", str(root), env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Up to date" not in rebuilt.stdout and (dist / "sach-thu.pdf").exists()

    # A new file anywhere in the project (an image no manuscript names yet) builds again.
    (root / "images").mkdir(exist_ok=True)
    (root / "images" / "moi.txt").write_text("ghi chú", encoding="utf-8")
    assert "Up to date" not in run_cli("build", str(root), env=env).stdout
    assert "Up to date" in run_cli("build", str(root), env=env).stdout

    # A manuscript edited to the same size and given back its old time is still seen (change time, inode).
    manuscript = root / "manuscripts" / "01-bai.md"
    info = manuscript.stat()
    manuscript.write_text("# Bài một\n\nChữ của bài mốt.\n", encoding="utf-8")
    assert manuscript.stat().st_size == info.st_size
    os.utime(manuscript, ns=(info.st_atime_ns, info.st_mtime_ns))
    edited = run_cli("build", str(root), env=env)
    assert "Up to date" not in edited.stdout
    from pypdf import PdfReader

    assert "bài mốt" in "".join(page.extract_text() for page in PdfReader(dist / "sach-thu.pdf").pages)


def test_strict_builds_again_to_report_the_warnings(tmp_path):
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài một\n\nXem [tệp](file:///etc/passwd-khong-co).\n"},
                        '[book]\ntitle = "Sách thử"\n')
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache")}
    first = run_cli("build", str(root), "--format", "epub", env=env)
    assert first.returncode == 0 and "passwd-khong-co" in first.stderr
    again = run_cli("build", str(root), "--format", "epub", env=env)
    assert "Up to date" in again.stdout and "passwd-khong-co" in again.stderr  # the warnings, said again
    strict = run_cli("build", str(root), "--format", "epub", "--strict", env=env)
    assert strict.returncode != 0 and "--strict" in strict.stderr
