"""`publisher new`: a scaffolded project builds at once, and no existing file is ever replaced."""

from __future__ import annotations

import re
import subprocess
import tomllib
import zipfile

import pytest

from publisher.config import load_config
from publisher.commands.scaffold import project_files, scaffold

from .conftest import run_cli
from .render.test_epub import epubcheck

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

SECTIONS = ("[book]", "[[contributors]]", "[[parts]]", "[imprint]", "[fonts.body]", "[fonts.heading]",
            "[normalize]", "[output]", "[output.print]", "[cover]", "[security]")


@pytest.fixture(scope="module")
def built_vi(tmp_path_factory):
    """A Vietnamese project made and built with the real CLI."""
    root = tmp_path_factory.mktemp("new") / "ky-yeu"
    made = run_cli("new", str(root), "--title", "Kỷ yếu 20 năm “Ngân Hà”")
    assert made.returncode == 0, made.stderr
    built = run_cli("build", str(root))
    assert built.returncode == 0, built.stderr + built.stdout
    return root, made, built


def test_new_writes_every_part_of_a_project(built_vi):
    root, made, _ = built_vi
    for name in ("book.toml", "README.md", "manuscripts/00-loi-gioi-thieu.md", "manuscripts/01-mot-chang-duong.md",
                 "manuscripts/02-nhung-con-nguoi.md", "images/hoi-truong.jpg", "styles/book.css"):
        assert (root / name).is_file(), name
    assert "Made " in made.stdout and "8 files written" in made.stdout
    config = load_config(root)
    assert config.title == "Kỷ yếu 20 năm “Ngân Hà”"
    assert config.language == "vi" and config.slug == "ky-yeu-20-nam-ngan-ha"
    assert [p.title for p in config.parts] == ["Phần I. Một chặng đường", "Phần II. Những con người"]


def test_book_toml_comments_every_section_in_the_chosen_language(built_vi):
    text = (built_vi[0] / "book.toml").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert re.search(rf"^(# )?{re.escape(section)}$", text, re.MULTILINE), section
    assert "Chịu trách nhiệm xuất bản" in text and "kiểu bỏ dấu" in text
    english = project_files("A", "en", __import__("datetime").date(2026, 1, 1))["book.toml"].decode()
    for section in SECTIONS:
        assert re.search(rf"^(# )?{re.escape(section)}$", english, re.MULTILINE), section
    assert "responsible for publishing" in english and "Chịu" not in english
    # Every key line (commented or not) is a comment-free TOML line once uncommented.
    for line in english.splitlines():
        if re.match(r"#? ?[a-z_]+ = ", line):
            tomllib.loads(re.sub(r"^# ?", "", line).split(" #")[0])


@pytest.mark.slow
def test_the_new_book_builds_and_passes_epubcheck(built_vi):
    root, _, built = built_vi
    epub = root / "dist" / "ky-yeu-20-nam-ngan-ha.epub"
    pdf = root / "dist" / "ky-yeu-20-nam-ngan-ha.pdf"
    assert epub.is_file() and pdf.is_file()
    report = epubcheck(epub)
    assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0, [
        m["message"] for m in report["messages"]]
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        css = next(archive.read(n).decode() for n in names if n.endswith("book.css"))
        assert any(n.endswith("hoi-truong.jpg") for n in names)
    # The project's styles/book.css replaced the built-in one: its colours reach the book.
    assert "#1f3a5f" in css and "CHỈNH Ở ĐÂY" in css
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Hai mươi năm, một chặng đường" in text and "Những con người làm nên đơn vị" in text
    assert "Trân trọng giới thiệu cùng bạn đọc." in text


@pytest.mark.slow
def test_english_project_builds_clean_with_strict(tmp_path):
    root = tmp_path / "book"
    made = run_cli("new", str(root), "--lang", "en", "--title", 'Our "first" book')
    assert made.returncode == 0, made.stderr
    assert load_config(root).title == 'Our "first" book'
    assert (root / "manuscripts" / "00-foreword.md").is_file() and (root / "images" / "hall.jpg").is_file()
    check = run_cli("check", str(root), "--strict")
    assert check.returncode == 0, check.stdout
    assert "0 errors, 0 warnings" in check.stdout
    built = run_cli("build", str(root), "--format", "epub", "--strict")
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(root / "dist" / "our-first-book.epub") as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert "<dc:language>en</dc:language>" in opf


def test_a_non_empty_folder_is_refused_and_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("new", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path} is not empty",
        "hint: choose a new folder, or add --force to add the missing files (existing files are kept)",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_force_adds_missing_files_and_keeps_existing_ones_saying_so(tmp_path):
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "book.toml").write_text('[book]\ntitle = "Của tôi"\n', encoding="utf-8")
    (tmp_path / "manuscripts" / "00-loi-gioi-thieu.md").write_text("# Lời của tôi\n\nChữ.\n", encoding="utf-8")
    result = run_cli("new", str(tmp_path), "--force")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"kept: {tmp_path / 'book.toml'} already exists and was not overwritten",
        f"kept: {tmp_path / 'manuscripts' / '00-loi-gioi-thieu.md'} already exists and was not overwritten",
    ]
    assert "6 files written, 2 existing files kept" in result.stdout
    assert (tmp_path / "book.toml").read_text(encoding="utf-8") == '[book]\ntitle = "Của tôi"\n'
    assert (tmp_path / "manuscripts" / "00-loi-gioi-thieu.md").read_text(encoding="utf-8").startswith("# Lời của tôi")
    assert (tmp_path / "styles" / "book.css").is_file()


def test_scaffold_refuses_a_file_and_an_unknown_language(tmp_path):
    from publisher.errors import PublisherError

    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(PublisherError, match="is a file"):
        scaffold(tmp_path / "f")
    with pytest.raises(PublisherError, match="unknown language 'fr'"):
        scaffold(tmp_path / "new", language="fr")
    bad = run_cli("new", str(tmp_path / "x"), "--lang", "fr")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
