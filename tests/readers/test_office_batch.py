"""Office manuscripts (.doc, .rtf, .odt) converted in one LibreOffice run before they are read
(readers.prepare, libreoffice.convert_ahead): LibreOffice takes a second to start and a fifth of
one for each short document after, and the book is the same as when each is converted alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

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
    real = libreoffice._run_many

    def failing(program, files, *args):  # a run of several that cannot be started
        if len(files) > 1:
            raise OSError("no room for LibreOffice's profile")
        return real(program, files, *args)

    monkeypatch.setattr(libreoffice, "_run_many", failing)
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 4)}
    root = make_project(tmp_path / "book", {}, TOML, files)
    book = pipeline.load_book(root).book
    assert len(book.articles()) == 3 and "kỷ niệm 2 năm" in book.articles()[1].text().replace("\u00a0", " ")


# A LibreOffice of the test's own, first on PATH: it "converts" each file, one after another as
# LibreOffice does, by writing the Word file the test made for it (a temporary file renamed), and
# prints what LibreOffice prints. It hangs on a file holding "TREO" (while writing it) or "NAP"
# (while loading it), or, asked to, after the last one, with a child of its own running, as
# soffice hangs with soffice.bin under it; a file holding "HONG" it cannot load.
FAKE_SOFFICE = """#!{python}
import hashlib, os, pathlib, shutil, subprocess, sys, time
args = sys.argv[1:]
out = pathlib.Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
child = subprocess.Popen(["sleep", "600"])
with open(os.environ["FAKE_PIDS"], "a") as pids:
    pids.write(f"{{os.getpid()}} {{child.pid}}\\n")
for name in args[args.index("--outdir") + 2:]:
    data = pathlib.Path(name).read_bytes()
    if b"HONG" in data:  # a file it cannot load
        print("Error: source file could not be loaded", file=sys.stderr, flush=True)
        continue
    if b"NAP" in data:  # hangs while loading
        time.sleep(600)
    print(f"convert {{name}} -> {{out}}/x.docx using filter : MS Word 2007 XML", flush=True)
    if b"TREO" in data:  # hangs while writing
        time.sleep(600)
    made = pathlib.Path(os.environ["FAKE_MADE"]) / (hashlib.sha256(data).hexdigest() + ".docx")
    shutil.copyfile(made, out / "lu.tmp")
    (out / "lu.tmp").rename(out / (pathlib.Path(name).stem + ".docx"))
if os.environ.get("FAKE_HANG_AT_END"):
    time.sleep(600)
child.kill()
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """The fake LibreOffice on PATH, a Word file made for each speech, its runs' processes."""
    import hashlib
    import sys

    import docx

    bin_dir, made = tmp_path / "bin", tmp_path / "made"
    bin_dir.mkdir()
    made.mkdir()
    program = bin_dir / "soffice"
    program.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    program.chmod(0o755)
    for number in range(1, 6):
        document = docx.Document()
        document.add_heading(f"Bài phát biểu số {number}", level=1)
        document.add_paragraph(f"Kính thưa các đồng chí, hôm nay chúng ta kỷ niệm {number} năm thành lập.")
        document.save(made / (hashlib.sha256(speech(number)).hexdigest() + ".docx"))
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_MADE", str(made))
    monkeypatch.setenv("FAKE_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(libreoffice, "TIMEOUT_SECONDS", 3)
    assert libreoffice.find_soffice() == str(program)
    return tmp_path / "pids"


def test_a_file_that_hangs_libreoffice_is_named_after_one_wait_and_the_rest_are_converted(
        tmp_path, runs, fake_soffice):
    # A hostile or broken .doc on which LibreOffice never finishes: the run of many stops when
    # nothing has come out of it for TIMEOUT_SECONDS, keeps what it converted, goes on with the
    # files after the one it hung on, and that file is named without LibreOffice being run on it
    # again (before: the whole run's timeout, then three minutes more on the file alone).
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 6)}
    files["manuscripts/02-phat-bieu.rtf"] += b"TREO"
    root = make_project(tmp_path / "book", {}, TOML, files)
    started = time.monotonic()
    with pytest.raises(ManuscriptError, match="did not finish converting the file in 3 s") as error:
        pipeline.load_book(root)
    assert time.monotonic() - started < 2 * 3 + 20  # one wait, not two (generous for a loaded machine)
    assert error.value.path == "manuscripts/02-phat-bieu.rtf"
    assert runs == [5, 3]  # all five, stopped on the second; the three after it; none for it alone
    pids = [int(pid) for line in fake_soffice.read_text().splitlines() for pid in line.split()]
    assert len(pids) == 4 and not any(_alive(pid) for pid in pids)  # its children killed with it
    assert len(list((tmp_path / "cache" / "publisher" / "converted").glob("*.docx"))) == 4  # the others kept
    # The mark is used once: the next build runs LibreOffice on the file again, alone (the others
    # are kept), and names it again.
    runs.clear()
    with pytest.raises(ManuscriptError, match="did not finish") as again:
        pipeline.load_book(root)
    assert again.value.path == "manuscripts/02-phat-bieu.rtf" and runs == [1]
    # Mended, the book builds from the kept conversions and the one new.
    (root / "manuscripts/02-phat-bieu.rtf").write_bytes(speech(2))
    runs.clear()
    book = pipeline.load_book(root).book
    assert runs == [1] and [a.title.replace("\u00a0", " ") for a in book.articles()] == [
        f"Bài phát biểu số {n}" for n in range(1, 6)]


def test_a_run_that_hangs_after_its_last_file_keeps_every_result(tmp_path, runs, fake_soffice, monkeypatch):
    monkeypatch.setenv("FAKE_HANG_AT_END", "1")
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 4)}
    root = make_project(tmp_path / "book", {}, TOML, files)
    book = pipeline.load_book(root).book
    assert runs == [3] and len(book.articles()) == 3
    pids = [int(pid) for line in fake_soffice.read_text().splitlines() for pid in line.split()]
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)


def test_a_file_that_cannot_be_loaded_before_the_one_that_hangs_is_not_taken_for_it(tmp_path, runs, fake_soffice):
    # LibreOffice gives up on the third file (an "Error:" line, no result) and hangs loading the
    # fourth: the fourth is named, the third is converted again alone and its own problem named.
    files = {f"manuscripts/{n:02d}-phat-bieu.rtf": speech(n) for n in range(1, 6)}
    files["manuscripts/03-phat-bieu.rtf"] += b"HONG"
    files["manuscripts/04-phat-bieu.rtf"] += b"NAP"
    root = make_project(tmp_path / "book", {}, TOML, files)
    with pytest.raises(ManuscriptError) as error:
        pipeline.load_book(root)
    # All five, stopped on the fourth; then the third alone (named for what it is) and the fifth
    # alone (one file is no run of many); the fourth named from its mark, LibreOffice not run.
    assert runs == [5, 1, 1]
    converted = tmp_path / "cache" / "publisher" / "converted"
    assert len(list(converted.glob("*.docx"))) == 3 and not list(converted.glob("*.hung"))  # (the mark used)
    assert error.value.path == "manuscripts/03-phat-bieu.rtf" and "could not convert" in str(error.value)


@pytest.mark.parametrize("printed, made, hung", [
    ("", [False, False], 0),  # hung while starting, or loading the first
    ("convert /t/manuscript-0.rtf -> /t/docx/manuscript-0.docx using filter : x\n", [False, False], 0),
    ("convert /t/manuscript-0.rtf -> x\n", [True, False], 1),  # written; hung loading the next
    ("convert /t/manuscript-0.rtf -> x\nError: source file could not be loaded\n", [True, False, False], 2),
    ("convert /t/manuscript-0.rtf -> x\nError: Please verify input parameters\n", [False, False], 1),
    ("Warning: failed to launch javaldx\nconvert /t/manuscript-1.rtf -> x\n", [True, True, False], 2),
    ("something else entirely\n", [True, True, False], 2),  # another LibreOffice's words: after the results
    ("convert /t/manuscript-1.rtf -> x\n", [True, True], None),  # every file done: it hung closing
    ("convert /t/manuscript.rtf -> x\n", [False], 0),  # a run of one
])
def test_the_file_a_run_hung_on_is_told_from_what_it_printed(printed, made, hung):
    assert libreoffice._hung_on(printed, made) == hung
