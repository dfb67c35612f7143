"""The messages an editor reads, asserted exactly through the real command line (issue 11 §4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ROOT, make_project, run_cli

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

ARTICLE = {"01-bai.md": "# Bài\n\nChữ.\n"}


@pytest.mark.parametrize("toml, line, quote", [
    ('[book]\ntitle = "Sách thử\nslug = "x"\n', 2, '"'),
    ("[book]\nsubtitle = 'a'\ntitle = 'Sách thử\n", 3, "'"),
    ('[book]\ntitle = """Sách thử\n', 2, '"""'),
])
def test_an_unclosed_string_in_book_toml_names_its_line(tmp_path, toml, line, quote):
    root = make_project(tmp_path, ARTICLE, toml)
    build = run_cli("build", str(root))
    assert build.returncode == 2
    assert build.stderr.splitlines() == [
        f"error: book.toml:{line}: TOML syntax error: a string is not closed on line {line}",
        f"hint: end the value with {quote}"]
    check = run_cli("check", str(root))
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        f"error: book.toml:{line}: TOML syntax error: a string is not closed on line {line} "
        f"(end the value with {quote})",
        "1 error, 0 warnings, 0 notes"]


@pytest.mark.parametrize("front, line, message", [
    ('title: "Bài một\nauthor: An', 2, "found unexpected end of stream"),
    ("title: [Bài, một\nauthor: An", 2, "expected ',' or ']', but got ':'"),
    ("title: Bài\nauthors: {An: 1\ndate: 2020-01-01", 3, "expected ',' or '}', but got ':'"),
    ("title: Bài: một\nauthor: An", 2, "mapping values are not allowed here"),
])
def test_broken_front_matter_is_reported_on_the_line_of_the_typo(tmp_path, front, line, message):
    root = make_project(tmp_path, {"01-bai.md": f"---\n{front}\n---\n\nChữ.\n"})
    build = run_cli("build", str(root))
    assert build.returncode != 0
    assert build.stderr.splitlines()[0] == f"error: manuscripts/01-bai.md:{line}: front matter: {message}"
    check = run_cli("check", str(root))
    assert check.stdout.splitlines() == [f"error: manuscripts/01-bai.md:{line}: front matter: {message}",
                                         "1 error, 0 warnings, 0 notes"]


def test_check_and_build_print_a_problem_in_the_same_format(tmp_path):
    root = make_project(tmp_path, ARTICLE, '[book]\ntitle = "Sách thử"\ncolour = "đỏ"\n')
    build = run_cli("build", str(root))
    check = run_cli("check", str(root))
    expected = "error: book.toml:3: book.colour: unknown key"
    assert build.stderr.splitlines()[0] == expected
    assert check.stdout.splitlines()[0].startswith(expected + " (valid keys: title, ")
    assert check.stdout.splitlines()[-1] == "1 error, 0 warnings, 0 notes"


def test_counts_are_in_words(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# Bài một\n\n\u00d0ại hội.\n", "02-b.md": "# Bài hai\n\n\u00d0ại.\n"})
    check = run_cli("check", str(root))
    assert check.stdout.splitlines()[-1] == "0 errors, 2 warnings, 0 notes"


def test_the_build_log_and_summary_count_the_same_texts(tmp_path):
    root = make_project(tmp_path, {"00-loi-gioi-thieu.md": "# Lời giới thiệu\n\nChào.\n", **ARTICLE},
                        '[book]\ntitle = "Sách thử"\nforeword = "00-loi-gioi-thieu.md"\n')
    result = run_cli("build", str(root), "--format", "epub", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.endswith("assemble foreword + 1 article") for line in lines), lines
    assert any(line.startswith("Built foreword + 1 article in ") for line in lines), lines


def test_the_summary_shows_paths_relative_to_the_current_folder(tmp_path):
    root = make_project(tmp_path / "sach", ARTICLE)
    inside = run_cli("build", ".", "--format", "epub", cwd=root)
    assert inside.returncode == 0, inside.stderr
    rows = [line.split()[0] for line in inside.stdout.splitlines() if ".epub" in line and not line.startswith("[")]
    assert rows == ["dist/sach-thu.epub"]
    above = run_cli("build", "sach", "--format", "epub", cwd=tmp_path)
    assert [line.split()[0] for line in above.stdout.splitlines() if ".epub" in line and not line.startswith("[")] == ["sach/dist/sach-thu.epub"]
    out = tmp_path / "elsewhere"
    outside = run_cli("build", str(root), "--format", "epub", "--out", str(out), cwd=root,
                      env={"COLUMNS": "300"})  # a long absolute path is not cut by the table
    assert [line.split()[0] for line in outside.stdout.splitlines() if ".epub" in line and not line.startswith("[")] == [
        str(out / "sach-thu.epub")]


def test_a_new_project_points_to_the_guide_command_and_the_command_prints_it(tmp_path):
    made = run_cli("new", str(tmp_path / "sach"), "--title", "Sách thử")
    assert made.returncode == 0, made.stderr
    toml = (tmp_path / "sach" / "book.toml").read_text(encoding="utf-8")
    assert "# Hướng dẫn đầy đủ:         publisher guide   (hướng dẫn đi kèm publisher)" in toml
    assert "docs/huong-dan.md" not in toml
    guide = run_cli("guide", cwd=tmp_path)
    assert guide.returncode == 0
    assert guide.stdout == (ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8")
    english = run_cli("guide", "--lang", "en", "--path", cwd=tmp_path)
    assert Path(english.stdout.strip()).read_text(encoding="utf-8").startswith("# publisher: the user guide")
    unknown = run_cli("guide", "--lang", "fr", cwd=tmp_path)
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines() == ["error: no guide in 'fr'", "hint: languages: vi, en"]
