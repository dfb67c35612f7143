"""Outputs: interrupted builds (SIGINT, SIGTERM), two builds at once, a full disk.

dist/ must always hold the previous good file or the new complete one, never a
partial one, and the cache must stay usable (a later build gives identical bytes).
"""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.errors import OutputError
from publisher.lock import LOCK_NAME, build_lock

from ..conftest import ROOT, make_project, run_cli
from .helpers import TOML, build_book, png

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

OLD = {"01-mo-dau.md": "# Mở đầu\n\nBản cũ của bài.[^1]\n\n[^1]: Chú thích.\n",
       "02-anh.md": "# Ảnh\n\n![Trụ sở](../images/a.png)\n\nChữ.\n"}
NEW_TEXT = "# Mở đầu\n\nBản mới, dài hơn: " + "hòa bình, độc lập. " * 40 + "\n"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def _env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PUBLISHER_CACHE"] = str(cache)
    return env


def _popen(root: Path, cache: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "publisher", "build", str(root)], cwd=ROOT, env=_env(cache),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def versions(tmp_path):
    """A project built once (the old outputs), then changed; and the new outputs built elsewhere."""
    root = make_project(tmp_path / "book", OLD, TOML, {"images/a.png": png(8, 8)})
    cache = tmp_path / "cache"
    assert run_cli("build", str(root), env={"PUBLISHER_CACHE": str(cache)}).returncode == 0
    old = _files(root / "dist")
    (root / "manuscripts" / "01-mo-dau.md").write_text(NEW_TEXT, encoding="utf-8")
    reference = tmp_path / "reference"
    result = run_cli("build", str(root), "--out", str(reference), env={"PUBLISHER_CACHE": str(tmp_path / "cache2")})
    assert result.returncode == 0, result.stderr
    new = _files(reference)
    assert set(old) == set(new) >= {"sach-thu.epub", "sach-thu.pdf"} and old != new
    return root, cache, old, new


def test_interrupted_builds_never_leave_a_partial_file(versions):
    root, cache, old, new = versions
    shutil.rmtree(cache)  # interruptions then also fall on the font cache being written
    # The signals fall within the time a cold build takes on this machine: a fixed delay let a
    # fast machine finish the first build, and every later one was up to date (nothing to stop).
    started = time.monotonic()
    probe = subprocess.run([sys.executable, "-m", "publisher", "build", str(root), "--out", str(root.parent / "probe")],
                           cwd=ROOT, env=_env(root.parent / "probe-cache"), capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    cold = time.monotonic() - started
    rng = random.Random(20261020)
    outcomes = []
    for attempt in range(8):
        kind = signal.SIGINT if attempt % 2 == 0 else signal.SIGTERM
        process = _popen(root, cache)
        time.sleep(rng.uniform(0.02, 0.9) * cold)
        process.send_signal(kind)
        _, stderr = process.communicate(timeout=120)
        outcomes.append((kind.name, process.returncode))
        now = _files(root / "dist")
        assert set(now) == set(old), (kind.name, process.returncode, sorted(now), stderr)  # no partial or lock file left
        for name, data in now.items():
            assert data in (old[name], new[name]), (kind.name, process.returncode, name)
        if process.returncode in (130, 143):
            assert "the previous output files are kept" in stderr, (kind.name, process.returncode, stderr)
        assert "Traceback" not in stderr or process.returncode not in (0, 130, 143), stderr
        if process.returncode == 0:  # it finished before the signal: the next one stops a whole build again
            shutil.rmtree(cache)
    assert any(code in (130, 143) for _, code in outcomes), outcomes
    final = subprocess.run([sys.executable, "-m", "publisher", "build", str(root)], cwd=ROOT, env=_env(cache),
                           capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert _files(root / "dist") == new  # the cache was not corrupted


def test_a_build_fails_clearly_while_another_holds_the_lock(versions):
    root, cache, old, _ = versions
    with build_lock(root / "dist"):
        result = run_cli("build", str(root), env={"PUBLISHER_CACHE": str(cache)})
    assert result.returncode == 5
    assert f"error: another build of this project is running (pid {os.getpid()}, started" in result.stderr
    assert _files(root / "dist") == old


def test_a_stale_lock_file_is_taken_over(versions):
    root, cache, _, new = versions
    (root / "dist" / LOCK_NAME).write_text("999999999 0\n", encoding="ascii")  # its process is long gone
    result = run_cli("build", str(root), env={"PUBLISHER_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    assert _files(root / "dist") == new


def test_two_builds_at_once_do_not_corrupt_each_other(versions):
    root, cache, _, new = versions
    first, second = _popen(root, cache), _popen(root, cache)
    results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
    for code, stderr in results:
        assert code == 0 or (code == 5 and "another build of this project is running (pid" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    assert _files(root / "dist") == new


def test_disk_full_is_a_clear_error_and_keeps_the_old_outputs(versions, monkeypatch):
    root, cache, old, _ = versions
    monkeypatch.setenv("PUBLISHER_CACHE", str(cache))
    real_fsync = os.fsync

    def full(fd):
        if os.readlink(f"/proc/self/fd/{fd}").rsplit("/", 1)[-1].startswith(".sach-thu"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match=r"could not write sach-thu\.(epub|pdf): the disk is full; the previous file is kept"):
        build_book(root)
    assert _files(root / "dist") == old


def test_a_write_limit_in_a_real_process_keeps_the_old_outputs(versions):
    """The kernel refuses to grow a file past RLIMIT_FSIZE: a real failed write, as on a full disk."""
    root, cache, old, _ = versions

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run([sys.executable, "-m", "publisher", "build", str(root)], cwd=ROOT, env=_env(cache),
                            capture_output=True, text=True, timeout=300, preexec_fn=limit)
    # The EPUB's writer reports "<path>: could not write sach-thu.epub: File too large; the previous file
    # is kept" (exit 5); pdf/onepass.py wraps the same error as "could not write the PDF: [Errno 27] File
    # too large" (the EPUB's cover image, unless it comes from the cache, and the PDF).
    assert result.returncode in (1, 5), result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and "could not write " in first and "File too large" in first
    assert "Traceback" not in result.stderr
    assert _files(root / "dist") == old


def test_a_signal_swallowed_on_the_way_still_keeps_the_previous_file(tmp_path):
    """Python ignores an exception raised in a finaliser ("Exception ignored in ..."): a Ctrl-C
    or SIGTERM landing there must still stop the build before its next file is renamed."""
    from publisher.output import atomic_output, forget_replaced, replaced, request_stop

    target = tmp_path / "sach.pdf"
    target.write_bytes(b"old")
    forget_replaced()
    request_stop(KeyboardInterrupt())  # what the handler records before its raise is swallowed
    try:
        with pytest.raises(KeyboardInterrupt):
            with atomic_output(target) as handle:
                handle.write(b"made after the signal")
        assert target.read_bytes() == b"old" and replaced() == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sach.pdf"]  # no temporary file left
    finally:
        forget_replaced()
