"""What the adversarial tests share: tiny projects, builds, and reading the outputs back."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

from publisher.build import build

from ..conftest import make_project

TOML = '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n'


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG (grey pixels), made by hand so the tests need no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A small file that claims a huge image: a header and one compressed run of zeros."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def project(tmp_path: Path, body: str, toml: str = TOML, files: dict | None = None, name: str = "01-bai.md") -> Path:
    return make_project(tmp_path / "book", {name: body}, toml, files)


def build_book(root: Path, formats=("epub", "pdf"), out: Path | None = None):
    return build(root, formats, out or root / "dist")


def epub_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as epub:
        return {name: epub.read(name) for name in epub.namelist()}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def docx_bytes(text: str = "Đoạn văn thử nghiệm.") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Bài viết", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
