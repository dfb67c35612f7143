"""Office manuscripts (.doc, .rtf, .odt) converted in one LibreOffice run before they are read
(readers.prepare, libreoffice.convert_ahead): LibreOffice takes a second to start and a fifth of
one for each short document after, and the book is the same as when each is converted alone."""

from __future__ import annotations

import pytest

from publisher import pipeline
from publisher.errors import ManuscriptError
from publisher.readers import libreoffice

from ..conftest import make_project

pytestmark = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice is not installed")

TOML = '[book]\ntitle = "Tuyển tập bài phát biểu"\ndate = 2026-10-20\n'


def speech(number: int) -> bytes:
    """A short speech as an RTF file (Word saves them so), its Vietnamese letters as \\u escapes."""
    text = f"Bài phát biểu số {number}"
    body = f"Kính thưa các đồng chí, hôm nay chúng ta kỷ niệm {number} năm thành lập."
    escape = lambda s: "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in s)  # noqa: E731
    return ("{\\rtf1\\ansi {\\b " + escape(text) + "}\\par " + escape(body) + "\\par}").encode("ascii")


@pytest.fixture
def runs(monkeypatch, tmp_path):
    """How many files each LibreOffice run converted, in a cache of the test's own."""
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    counted: list[int] = []
    real = libreoffice._run_many

    def counting(program, files, *args):
        counted.append(len(files))
        return real(program, files, *args)

    monkeypatch.setattr(libreoffice, "_run_many", counting)
    return counted


def test_office_manuscripts_are_converted_in_one_run_and_give_the_same_book(tmp_path, runs, monkeypatch):
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 5)}
    root = make_project(tmp_path / "book", {}, TOML, files)
    together = pipeline.load_book(root).book
    assert runs == [4]  # one run for the four, none when each is read
    titles = [a.title.replace("\u00a0", " ") for a in together.articles()]  # (số\u00a01: bound by the normaliser)
    assert titles == [f"Bài phát biểu số {n}" for n in range(1, 5)]
    assert "kỷ niệm 3 năm thành lập" in together.articles()[2].text().replace("\u00a0", " ")
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache-alone"))
    monkeypatch.setattr(pipeline, "prepare", lambda paths: None)
    runs.clear()
    alone = pipeline.load_book(root).book
    assert runs == [1, 1, 1, 1] and alone.to_dict() == together.to_dict()


def test_a_file_linking_out_is_left_out_of_the_run_and_named_when_it_is_read(tmp_path, runs):
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 4)}
    files["manuscripts/04-lien-ket.rtf"] = (
        '{\\rtf1{\\field{\\*\\fldinst { INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\\\d }}}}').encode("ascii")
    root = make_project(tmp_path / "book", {}, TOML, files)
    with pytest.raises(ManuscriptError, match="INCLUDEPICTURE") as error:
        pipeline.load_book(root)
    assert error.value.path == "manuscripts/04-lien-ket.rtf"
    assert runs == [3]  # the three others in one run; the one linking out never reaches LibreOffice


def test_a_run_that_fails_leaves_each_file_to_be_converted_alone(tmp_path, runs, monkeypatch):
    import subprocess

    real = libreoffice._run_many

    def hanging(program, files, *args):  # a run of several that does not finish in time
        if len(files) > 1:
            raise subprocess.TimeoutExpired("soffice", 1)
        return real(program, files, *args)

    monkeypatch.setattr(libreoffice, "_run_many", hanging)
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 4)}
    root = make_project(tmp_path / "book", {}, TOML, files)
    book = pipeline.load_book(root).book
    assert len(book.articles()) == 3 and "kỷ niệm 2 năm" in book.articles()[1].text().replace("\u00a0", " ")
