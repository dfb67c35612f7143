"""Shared fixtures: the sample book built once, small projects made on the fly, the CLI.

The suite is hermetic: at session start ``HOME`` and ``PUBLISHER_CACHE`` point to fresh
temporary folders (set in ``os.environ``, so every child process inherits them), and
``XDG_CACHE_HOME`` is unset. Nothing a previous run left in ``~/.cache/publisher`` can make a
test pass; a test that needs a warm cache builds it itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import shutil
import tempfile

import pytest

ROOT = Path(__file__).resolve().parents[1]
EPUBCHECK_TIMEOUT = 300
_SESSION_DIRS: list[str] = []


def pytest_configure(config):
    """Give the whole session (and every child process) an empty HOME and cache."""
    home = tempfile.mkdtemp(prefix="publisher-test-home-")
    cache = tempfile.mkdtemp(prefix="publisher-test-cache-")
    _SESSION_DIRS.extend([home, cache])
    os.environ["HOME"] = home
    os.environ["PUBLISHER_CACHE"] = cache
    os.environ.pop("XDG_CACHE_HOME", None)


def pytest_unconfigure(config):
    for folder in _SESSION_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m publisher ARGS` in a child process, as an editor would."""
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    # This checkout's package, wherever the command runs (not an installed copy found from cwd).
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "publisher", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=full_env, timeout=600)


def make_project(base: Path, manuscripts: dict[str, str], toml: str | None = None,
                 files: dict[str, bytes] | None = None) -> Path:
    """A small book project: book.toml plus manuscripts (name -> text) and other files."""
    base.mkdir(parents=True, exist_ok=True)
    (base / "book.toml").write_text(textwrap.dedent(toml or '[book]\ntitle = "Sách thử"\n'), encoding="utf-8")
    folder = base / "manuscripts"
    folder.mkdir(exist_ok=True)
    for name, text in manuscripts.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for name, data in (files or {}).items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return base


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> dict:
    """The repository's sample book built once with the real CLI: paths and the dumped model."""
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("build", str(ROOT), "--out", str(out))
    assert result.returncode == 0, result.stderr + result.stdout
    dump = run_cli("dump", str(ROOT))
    assert dump.returncode == 0, dump.stderr
    epub = next(out.glob("*.epub"))
    pdf = next(p for p in out.glob("*.pdf") if not p.name.endswith("-cover.pdf"))  # the print PDF comes with its cover
    return {"out": out, "epub": epub, "pdf": pdf, "book": json.loads(dump.stdout), "log": result.stdout,
            "cover": pdf.with_name(pdf.stem + "-cover.pdf")}


def huge_jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    """A baseline JPEG of ``width`` × ``height`` pixels made without holding its pixels: one
    16 × 16 block of gradients and grain, repeated with a restart marker after each (which
    resets the decoder, so every copy decodes alike). A 200-megapixel photo's worth in a second,
    about 40 MB, as a phone's 200-megapixel shot is; ``orientation`` goes into an EXIF block."""
    import io
    import struct

    from PIL import Image

    block = Image.merge("RGB", [Image.linear_gradient("L").resize((16, 16)),
                                Image.effect_noise((16, 16), 20).convert("L"),
                                Image.linear_gradient("L").rotate(90).resize((16, 16))])
    out = io.BytesIO()
    block.save(out, "JPEG", quality=60, subsampling="4:2:0")
    small = out.getvalue()
    head, at = bytearray(b"\xff\xd8"), 2
    if orientation != 1:
        tags = Image.Exif()
        tags[0x0112] = orientation
        exif = b"Exif\x00\x00" + tags.tobytes()
        head += b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    while True:  # the small file's segments, its frame's size changed, a restart interval of one block
        marker, length = small[at + 1], int.from_bytes(small[at + 2:at + 4], "big")
        segment = bytearray(small[at:at + 2 + length])
        at += 2 + length
        if marker == 0xC0:
            segment[5:9] = struct.pack(">HH", height, width)
        if marker == 0xDA:
            head += b"\xff\xdd\x00\x04\x00\x01" + segment
            break
        if marker not in (0xE0, 0xE1):
            head += segment
    scan = small[at:small.rindex(b"\xff\xd9")]
    blocks = ((width + 15) // 16) * ((height + 15) // 16)
    restarts = [bytes([0xFF, 0xD0 + k]) for k in range(8)]
    body = b"".join(scan + restarts[k % 8] for k in range(blocks - 1)) + scan
    return bytes(head) + body + b"\xff\xd9"
