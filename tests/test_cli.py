"""The command line as an editor meets it: help, version, dump, and one plain line per bad input."""

from __future__ import annotations

import json

import pytest

from .conftest import make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

GOOD = {"01-bai.md": "---\ntitle: Bài một\nauthor: Trần Thị Hạnh\ndate: 2026-03-15\n---\n\nMột đoạn văn.\n"}


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("publisher ")


@pytest.mark.parametrize("command", ["build", "dump", "check"])
def test_every_command_has_help_with_an_example(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_dump_prints_the_normalised_book(tmp_path):
    root = make_project(tmp_path, GOOD)
    result = run_cli("dump", str(root))
    assert result.returncode == 0, result.stderr
    book = json.loads(result.stdout)
    article = book["parts"][0]["articles"][0]
    assert article["title"] == "Bài một"
    assert article["authors"] == ["Trần Thị Hạnh"]
    assert article["date"] == "2026-03-15"
    assert article["source"] == "manuscripts/01-bai.md"
    assert article["blocks"][0]["kind"] == "paragraph"
    assert book["parts"][0]["title"] == ""


def test_build_reports_stages_and_a_summary(tmp_path):
    root = make_project(tmp_path, GOOD)
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr
    assert "read     manuscripts/01-bai.md" in result.stdout
    assert "Built 1 article in" in result.stdout
    assert (root / "dist" / "sach-thu.epub").is_file()
    assert not (root / "dist" / "sach-thu.pdf").exists()


def _bad(tmp_path, manuscripts, toml=None, files=None):
    root = make_project(tmp_path, manuscripts, toml, files)
    result = run_cli("build", str(root))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())
    return result.stderr.splitlines()[0]


def test_missing_book_toml(tmp_path):
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: no book.toml in {tmp_path}")


@pytest.mark.parametrize("toml, message", [
    ('[book]\ntitle = "A\n', "error: book.toml:2: TOML syntax error"),
    ('[book]\ntitle = "A"\ncolour = "red"\n', "error: book.toml:3: book.colour: unknown key"),
    ('[book]\nsubtitle = "B"\n', "error: book.toml:1: book: missing key title"),
    ('[book]\ntitle = "A"\nisbn = "978-604-0-00000-0"\n', "error: book.toml:3: book.isbn: '978-604-0-00000-0' is not a valid ISBN"),
    ('[book]\ntitle = "A"\n[[parts]]\ntitle = "I"\nfiles = ["02-khong-co.md"]\n', "error: book.toml:5: parts[0].files: 02-khong-co.md does not exist"),
])
def test_bad_config_is_one_line_naming_the_line(tmp_path, toml, message):
    assert _bad(tmp_path, GOOD, toml).startswith(message)


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: [A\n---\n\nChữ.\n", "error: manuscripts/01-bai.md:2: front matter"),
    ("", "error: manuscripts/01-bai.md:1: the file is empty"),
    ("---\ntitle: A\n---\n", "error: manuscripts/01-bai.md:4: the article has no text"),
    ("# A\n\n![Ảnh](../images/khong-co.jpg)\n", "error: manuscripts/01-bai.md:3: image ../images/khong-co.jpg does not exist"),
])
def test_bad_manuscript_is_one_line_naming_file_and_line(tmp_path, text, message):
    assert _bad(tmp_path, {"01-bai.md": text}).startswith(message)


def test_undecodable_file_says_which_encodings_were_tried(tmp_path):
    root = make_project(tmp_path, {})
    (root / "manuscripts" / "01-bai.md").write_bytes(b"# A\n\n" + bytes(range(0x80, 0x100)) * 3)
    result = run_cli("build", str(root))
    assert result.returncode == 3
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: manuscripts/01-bai.md:3:")
    assert "UTF-8" in first or "utf-8" in first


def test_strict_turns_warnings_into_errors(tmp_path):
    root = make_project(tmp_path, {"01-bai.md": "---\ntitle: A\ncolour: đỏ\n---\n\nChữ.\n"})
    assert run_cli("build", str(root), "--format", "epub").returncode == 0
    strict = run_cli("build", str(root), "--format", "epub", "--strict", "--out", str(tmp_path / "o"))
    assert strict.returncode == 6
    assert "unknown front matter key 'colour'" in strict.stderr


def test_check_lists_findings_and_exits_1_on_errors(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# A\n\nChữ.\n", "02-b.md": "---\ntitle: [x\n---\n"})
    result = run_cli("check", str(root), "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert findings[0]["level"] == "error" and findings[0]["path"] == "manuscripts/02-b.md"


def test_a_stop_swallowed_in_a_finaliser_prints_no_traceback(monkeypatch):
    """SIGTERM may land in a weakref callback the collector runs: Python then prints "Exception
    ignored … Traceback" (output.request_stop raises the stop again). Only those are silenced."""
    import sys

    from publisher.cli import _Terminated, _terminate_as_interrupt

    class Stopped:
        def __del__(self):
            raise _Terminated()

    class Broken:
        def __del__(self):
            raise ValueError("a real problem")

    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    with _terminate_as_interrupt():
        Stopped()
        Broken()
    assert [type(u.exc_value) for u in seen] == [ValueError]
    assert sys.unraisablehook == seen.append  # put back
