"""All 134 Vietnamese letters (both cases) survive every face the default theme uses,
in the PDF's extracted text and in the EPUB's fonts."""

from __future__ import annotations

import io
import subprocess
import unicodedata
import zipfile

import pytest

from ..conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

BASES = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
LOWER = [unicodedata.normalize("NFC", b + t) for b in BASES for t in TONES] + ["đ"]
LETTERS = LOWER + [c.upper() for c in LOWER]
# The 134 letters outside ASCII, as the usual count goes.
NON_ASCII = [c for c in LETTERS if ord(c) > 127]
RUN = " ".join(LETTERS)


def _png() -> bytes:
    """A real 1x1 PNG, written by Pillow so its checksums are right (a hand-typed one was not)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def test_there_are_134_non_ascii_letters():
    assert len(NON_ASCII) == 134 and len(set(NON_ASCII)) == 134


def test_every_face_gives_back_every_letter(tmp_path):
    styles = {
        "heading (sans bold)": f"## {RUN}",
        "body (serif regular)": RUN,
        "italic (serif italic)": f"*{RUN}*",
        "bold (serif bold)": f"**{RUN}**",
        "bold italic (serif bold italic)": f"***{RUN}***",
        "caption (sans regular)": f"![{RUN}](../images/a.png)",
    }
    body = "\n\n".join(f"{text}" for text in styles.values())
    root = make_project(tmp_path / "book", {"01-chu.md": f"# Chữ cái\n\n{body}\n"},
                        '[book]\ntitle = "Chữ cái"\n[normalize]\nnbsp = false\n', files={"images/a.png": PNG})
    result = run_cli("build", str(root), "--format", "all")
    assert result.returncode == 0, result.stderr
    pdf = root / "dist" / "chu-cai.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # Layout decides where the extractor sees spaces between single letters, so the letters
    # are compared with white space removed: each face must give back the whole run, in order.
    flat = "".join(text.split())
    run = "".join(LETTERS)
    assert flat.count(run) >= len(styles), [c for c in LETTERS if flat.count(c) < len(styles)]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    for face in ("Book-Serif ", "Book-Serif-Italic", "Book-Serif-Bold ", "Book-Serif-Bold-Italic",
                 "Book-Sans ", "Book-Sans-Bold"):
        assert face.strip() in fonts, face
    assert "Oblique" not in fonts, "a synthetic slant means a face is missing"
    from fontTools.ttLib import TTFont
    from io import BytesIO

    with zipfile.ZipFile(root / "dist" / "chu-cai.epub") as epub:
        for name in [n for n in epub.namelist() if n.endswith(".ttf")]:
            cmap = TTFont(BytesIO(epub.read(name))).getBestCmap()
            missing = [c for c in LETTERS if ord(c) not in cmap]
            assert not missing, f"{name} lacks {missing}"
