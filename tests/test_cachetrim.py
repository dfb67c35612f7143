"""publisher.cachetrim: the cache kept under PUBLISHER_CACHE_MAX_GB, the files used longest ago
removed first, never while another publisher process works with it, never through a link."""

from __future__ import annotations

import os
import time

import pytest

from publisher import cachetrim

from .conftest import make_project, run_cli

DAY = 86400


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "c"))
    root = tmp_path / "c" / "publisher"
    root.mkdir(parents=True)
    return root


def _file(root, name: str, size: int, days_ago: float):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    when = time.time() - days_ago * DAY
    os.utime(path, (when, when))
    return path


@pytest.mark.parametrize("raw, limit", [
    ("", 10 << 30), ("2", 2 << 30), ("0.5", 1 << 29), ("0", None),
    ("mười", 10 << 30), ("-3", 10 << 30), ("nan", 10 << 30), ("inf", int(1e9) << 30),
])
def test_the_limit_comes_from_the_environment(monkeypatch, raw, limit):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, raw)
    assert cachetrim.limit_bytes() == limit


def test_the_files_used_longest_ago_go_first_down_to_four_fifths_of_the_limit(cache, monkeypatch):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1000 / (1 << 30)))  # 1,000 bytes
    old = [_file(cache, f"images/{'ab' if n < 5 else 'cd'}/old-{n}.bin", 100, 30 - n) for n in range(6)]
    # Made long ago, read yesterday: its access time counts as its last use.
    read = _file(cache, "fonts/NotoSerif.ttf", 300, 40)
    os.utime(read, (time.time() - DAY, time.time() - 40 * DAY))
    new = [_file(cache, f"render/cd/new-{n}.bin", 100, 0.01) for n in range(4)]
    trimmed = cachetrim.trim()
    assert (trimmed.size, trimmed.removed_files, trimmed.removed_bytes) == (1300, 5, 500)  # 800 left
    assert not any(p.exists() for p in old[:5]) and old[5].exists()
    assert read.exists() and all(p.exists() for p in new)
    assert not (cache / "images" / "ab").exists()  # an emptied folder goes


def test_nothing_goes_under_the_limit_and_it_is_measured_once_an_hour(cache, monkeypatch):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1000 / (1 << 30)))
    kept = _file(cache, "images/ab/a.bin", 900, 30)
    assert cachetrim.trim().removed_files == 0 and kept.exists()
    _file(cache, "images/ab/b.bin", 700, 20)
    assert cachetrim.trim() is None and kept.exists()  # measured a moment ago
    assert cachetrim.trim(now=time.time() + 3601).removed_files == 1 and not kept.exists()


def test_no_limit_removes_nothing(cache, monkeypatch):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, "0")
    kept = _file(cache, "images/ab/a.bin", 5000, 300)
    assert cachetrim.trim() is None and kept.exists()


def test_nothing_goes_while_another_process_works_with_the_cache(cache, monkeypatch, tmp_path):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1000 / (1 << 30)))
    kept = _file(cache, "images/ab/a.bin", 5000, 30)
    holder = os.open(cache / cachetrim.IN_USE, os.O_RDWR | os.O_CREAT)  # another build's shared lock
    try:
        import fcntl

        fcntl.flock(holder, fcntl.LOCK_SH)
        assert cachetrim.trim() is None and kept.exists()
    finally:
        os.close(holder)
    with cachetrim.in_use():  # this process's own hold does not stop its own trimming
        assert cachetrim.trim().removed_files == 1 and not kept.exists()


def test_a_link_in_the_cache_is_removed_as_a_link_never_followed(cache, monkeypatch, tmp_path):
    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1000 / (1 << 30)))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_bytes(b"y" * 5000)
    (cache / "images").mkdir()
    (cache / "images" / "folder-link").symlink_to(outside)
    (cache / "images" / "file-link").symlink_to(outside / "precious.txt")
    (outside / "inside.bin").write_bytes(b"z" * 9000)
    _file(cache, "render/ab/a.bin", 2000, 30)
    trimmed = cachetrim.trim()
    assert trimmed.size == 2000  # the links' targets are not counted, nor walked into
    assert trimmed.removed_bytes == 2000 and not (cache / "render").exists()
    assert (outside / "precious.txt").read_bytes() == b"y" * 5000  # what the links name is untouched
    assert (outside / "inside.bin").read_bytes() == b"z" * 9000
    # A link that goes is removed as a link: gone from the cache, its target still there.
    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1 / (1 << 30)))
    _file(cache, "render/ab/b.bin", 2000, 0)
    assert cachetrim.trim(now=time.time() + 3601).removed_files == 3
    assert not (cache / "images").exists() and (outside / "precious.txt").read_bytes() == b"y" * 5000
    assert (outside / "inside.bin").exists()


@pytest.mark.slow
def test_a_build_over_the_limit_trims_and_the_next_build_is_the_same_book(tmp_path):
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài một\n\nChữ của bài một, tháng Mười.\n"},
                        '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n')
    env = {"PUBLISHER_CACHE": str(tmp_path / "cache"), cachetrim.LIMIT_ENV: "0.0001"}  # 107 kB
    first = run_cli("build", str(root), env=env)
    assert first.returncode == 0, first.stderr
    assert "not used lately removed from" in first.stdout and "PUBLISHER_CACHE_MAX_GB" in first.stdout
    size = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert size <= 0.8 * 0.0001 * (1 << 30)
    books = {p.name: p.read_bytes() for p in (root / "dist").iterdir()}
    (root / "dist" / "sach-thu.pdf").unlink()  # (else nothing changed: up to date)
    (root / "dist" / "sach-thu.epub").unlink()
    again = run_cli("build", str(root), env=env)
    assert again.returncode == 0, again.stderr
    assert "not used lately" not in again.stdout  # measured within the hour
    assert {p.name: p.read_bytes() for p in (root / "dist").iterdir()} == books


def test_a_command_working_with_the_cache_stops_another_process_trimming_it(cache, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv(cachetrim.LIMIT_ENV, str(1000 / (1 << 30)))
    kept = _file(cache, "images/ab/a.bin", 5000, 30)
    other = [sys.executable, "-c", "from publisher import cachetrim; print(cachetrim.trim())"]
    with cachetrim.in_use():  # as the CLI holds it while any command runs
        held = subprocess.run(other, capture_output=True, text=True, env=os.environ, timeout=60)
    assert held.stdout.strip() == "None" and kept.exists(), held.stderr
    free = subprocess.run(other, capture_output=True, text=True, env=os.environ, timeout=60)
    assert "removed_files=1" in free.stdout and not kept.exists(), free.stderr


@pytest.mark.slow
def test_ctrl_c_while_the_cache_is_trimmed_says_the_book_was_built(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from publisher.cli import app

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cachetrim, "trim", interrupted)
    root = make_project(tmp_path / "p", {"01-bai.md": "# Bài một\n\nChữ của bài một.\n"},
                        '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n')
    result = CliRunner().invoke(app, ["build", str(root), "--format", "epub"])
    assert result.exit_code == 130
    assert "interrupted while the cache was trimmed: the book was built" in result.output
    assert (root / "dist" / "sach-thu.epub").is_file()
