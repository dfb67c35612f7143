"""A build interrupted while its workers read the manuscripts and draw the cover: it stops
cleanly (no traceback, no worker left running) and the next build is whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.pipeline import MIN_PARALLEL_READ
from publisher.workers import can_fork

from ..conftest import ROOT, make_project, run_cli
from .helpers import TOML

pytestmark = [pytest.mark.skipif(not can_fork(), reason="workers are forked"), pytest.mark.slow]


def _running_builds(root: Path) -> list[int]:
    """Processes whose command line names the project: the build and its forked workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
                state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
            except (OSError, StopIteration):
                continue
            if str(root).encode() in command and "zombie" not in state:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("kind", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_while_workers_read(tmp_path, kind):
    text = "---\ntitle: Bài {n}\n---\n\n" + "Đoạn văn hòa bình, độc lập -- tự do... " * 60 + "\n"
    count = MIN_PARALLEL_READ * 3
    root = make_project(tmp_path / "book", {f"{n:03d}.md": text.format(n=n) for n in range(count)}, TOML)
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PUBLISHER_PARALLEL")}
    env["PUBLISHER_CACHE"] = str(tmp_path / "cache")
    process = subprocess.Popen([sys.executable, "-m", "publisher", "build", str(root), "--format", "epub"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until the first manuscripts come back from the workers, then interrupt.
    assert process.stdout.readline()  # config
    assert "read" in process.stdout.readline()
    process.send_signal(kind)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == (130 if kind == signal.SIGINT else 143), stderr
    assert "Traceback" not in stderr, stderr
    assert "the previous output files are kept" in stderr
    assert not (root / "dist").is_dir() or not list((root / "dist").iterdir())
    deadline = time.monotonic() + 10
    while _running_builds(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running_builds(root) == []  # no worker left behind
    result = run_cli("build", str(root), "--format", "epub", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert (root / "dist" / "sach-thu.epub").is_file()
