"""Fuzzing: readers raise nothing but the project's errors; the normaliser keeps to its rules."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.errors import PublisherError
from publisher.normalize import normalize_text
from publisher.readers import Source, read

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pieces that meet the readers' special cases often: front matter, headings, notes, images, links, HTML.
_MARKUP = st.sampled_from([
    "---\n", "title: ", "author: [", "date: 2026-13-45\n", "# ", "## ", "\n\n", "[^1]", "[^1]: ", "![a](",
    "../x.png)", "http://127.0.0.1:9/a.png", "file:///etc/passwd", "javascript:alert(1)", "<script>", "</p>",
    "| a | b |\n|---|---|\n", "- ", "1. ", "> ", "```\n", "\\", "*", "_", "&#0;", "&#xD800;", "\u202e", "\ufeff",
    "\x01", "\x0c", "\r\n", "\r", "Ảnh: ", "Hình 1. ", "hoà", "Đ", "😀", "\u0301",
])
_TEXT = st.lists(st.one_of(_MARKUP, st.text(max_size=8)), max_size=40).map("".join)


def _read(folder: Path, name: str, data: bytes):
    path = folder / "manuscripts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read(Source(path=path, rel=f"manuscripts/{name}", root=folder))


def _only_publisher_errors(folder: Path, name: str, data: bytes) -> None:
    try:
        result = _read(folder, name, data)
    except PublisherError as exc:
        assert exc.path == f"manuscripts/{name}", exc
        return
    article = result.article
    for text in [article.title] + [b.html for b in article.blocks]:
        text.encode("utf-8")  # nothing unencodable (lone surrogates) gets through


@pytest.mark.parametrize("name", ["bai.md", "bai.txt"])
@SETTINGS
@given(data=st.binary(max_size=400))
def test_readers_on_random_bytes(tmp_path, name, data):
    _only_publisher_errors(tmp_path, name, data)


@pytest.mark.parametrize("name", ["bai.md", "bai.txt"])
@SETTINGS
@given(text=_TEXT, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_readers_on_random_markup(tmp_path, name, text, encoding):
    _only_publisher_errors(tmp_path, name, text.encode(encoding, errors="surrogatepass"))


# "Never changes text outside its rules": the rules touch spacing, punctuation, quotes,
# invisible characters, look-alike letters of đ/Đ and where a tone mark sits; the letters
# and digits themselves, in order, and their tone marks never change.
_LOOKALIKE = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u0256": "\u0111"})
_STROKES = ("\u0335", "\u0336")
_PIECES = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạềếệọộờớủứựỳĐÐ\"'.,;:!?-–…()0123456789 %\n")
                          + ["...", "--", " - ", "TS. ", "12 km", "hoà", "khoẻ", "Thuỷ", "\u0300", "\u200b", "\u00ad"])


def _skeleton(text: str) -> list[str]:
    """Letters and digits, case kept, each with its marks as a sorted set (where a tone sits may move)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LOOKALIKE))
    letters: list[str] = []
    marks: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and char not in _STROKES:
            marks.append(char)
        elif char.isalnum():
            letters.append(char)
    return letters + sorted(marks)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_normaliser_changes_nothing_outside_its_rules(text):
    once = normalize_text(text)
    assert _skeleton(once) == _skeleton(text.replace("d\u0335", "đ").replace("D\u0335", "Đ")
                                          .replace("d\u0336", "đ").replace("D\u0336", "Đ"))
    assert unicodedata.is_normalized("NFC", once)
    assert normalize_text(once) == once
