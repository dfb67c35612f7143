"""Manuscripts read by worker processes: the same Book, diagnostics and errors as read one by one."""

from __future__ import annotations

import pytest

from publisher import pipeline as pipeline_module
from publisher.pipeline import MIN_PARALLEL_READ, load_book
from publisher.errors import ManuscriptError
from publisher.workers import Workers, can_fork

from .conftest import make_project

pytestmark = pytest.mark.skipif(not can_fork(), reason="workers are forked")

TOML = '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n'
COUNT = MIN_PARALLEL_READ + 13


def _article(number: int) -> str:
    extra = ""
    if number % 7 == 0:
        extra = "mood: vui\n"  # an unknown key: a warning naming its line
    link = "[trang](javascript:alert(1))" if number % 11 == 0 else "[trang](https://example.vn)"
    return (f"---\ntitle: Bài số {number}\nauthor: Tác giả {number}\n{extra}---\n\n"
            f'Đoạn văn "thứ nhất" của bài {number}... hòa bình -- độc lập, 12 km.[^1]\n\n'
            f"## Mục {number}\n\nĐoạn {link} thứ hai ,có lỗi  khoảng trắng.\n\n[^1]: Chú thích của bài {number}.\n")


def _project(tmp_path, broken: dict[int, str] | None = None):
    texts = {f"{n:03d}-bai.md": (broken or {}).get(n, _article(n)) for n in range(1, COUNT + 1)}
    return make_project(tmp_path / "book", texts, TOML)


def _read_in_workers(root, started: bool = True):
    with Workers(2) as workers:
        loaded = load_book(root, workers=workers)
        assert (workers._pool is not None) == started  # whether the workers read
    return loaded


def test_parallel_reading_gives_the_same_book_and_diagnostics(tmp_path, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "serial"))
    serial = load_book(root)
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "parallel"))
    parallel = _read_in_workers(root)
    assert parallel.book.to_dict() == serial.book.to_dict()
    assert parallel.diagnostics == serial.diagnostics
    assert any(d.line for d in serial.diagnostics if d.level == "warning")
    # What the workers read is kept: the next read takes it from the article cache, here.
    again = _read_in_workers(root, started=False)
    assert again.book.to_dict() == serial.book.to_dict() and again.diagnostics == serial.diagnostics
    assert list((tmp_path / "parallel" / "publisher" / "articles").rglob("*.bin"))


def test_an_error_in_one_manuscript_names_its_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    broken = {17: "---\ntitle: Bài hỏng\nauthor: [Lan\n---\n\nChữ.\n", 40: "---\ntitle: x\n"}
    root = _project(tmp_path, broken)
    with pytest.raises(ManuscriptError) as serial:
        load_book(root)
    with pytest.raises(ManuscriptError) as parallel:
        _read_in_workers(root)
    assert parallel.value.path == serial.value.path == "manuscripts/017-bai.md"
    assert parallel.value.line == serial.value.line and parallel.value.line >= 2
    assert str(parallel.value) == str(serial.value)
    assert "(and 1 more manuscript error)" in parallel.value.message
    assert parallel.value.diagnostics == serial.value.diagnostics


def test_a_worker_that_breaks_is_replaced_by_reading_here(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = _project(tmp_path)
    serial = load_book(root, workers=None)

    def crash(config, paths, memo, raw):
        import os

        os._exit(3)  # the worker dies without answering

    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache2"))
    monkeypatch.setattr(pipeline_module, "_read_chunk", crash)
    loaded = _read_in_workers(root)
    assert loaded.book.to_dict() == serial.book.to_dict() and loaded.diagnostics == serial.diagnostics


def test_few_manuscripts_are_read_here(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = make_project(tmp_path / "small", {"01.md": _article(1), "02.md": _article(2)}, TOML)
    with Workers(2) as workers:
        load_book(root, workers=workers)
        assert workers._pool is None


def _word_file(path, number: int) -> None:
    import docx

    document = docx.Document()
    document.add_heading(f"Bài số {number}", 1)
    document.add_paragraph(f"Đoạn văn của bài {number}, viết trong Word.")
    document.save(path)


@pytest.mark.parametrize("words, started", [(3, False), (4, True)])
def test_a_few_word_files_are_enough_reading_for_the_workers(tmp_path, monkeypatch, words, started):
    # A Word file costs ten Markdown ones to read (its pictures taken out): four of them are read
    # by the workers, where four Markdown manuscripts are read here.
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    root = make_project(tmp_path / "book", {}, TOML)
    for number in range(1, words + 1):
        _word_file(root / "manuscripts" / f"{number:02d}-bai.docx", number)
    serial = load_book(root)
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache2"))
    parallel = _read_in_workers(root, started=started)
    assert parallel.book.to_dict() == serial.book.to_dict() and len(parallel.book.articles()) == words
