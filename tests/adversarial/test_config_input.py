"""Config: every field's wrong type, negative sizes, a too small trim, a bad ISBN, a cover that is not an image.

The wrong-type cases are generated from a table of every book.toml field and its type.
"""

from __future__ import annotations

import pytest

from publisher.config import IMPRINT_FIELDS, NORMALIZE_STEPS, PROFILE_FIELDS, load_config
from publisher.errors import ConfigError

from ..conftest import make_project, run_cli

STR, INT, BOOL, NUMBER, LIST, DATE = "str", "int", "bool", "number", "list", "date"
WRONG = {STR: "12", INT: '"12"', BOOL: '"yes"', NUMBER: '"3"', LIST: "12", DATE: "true"}

# (table header or None for [book], dotted prefix, key, kind)
FIELDS = [("[book]", "book", k, STR) for k in (
    "subtitle", "organisation", "anniversary", "language", "isbn", "identifier", "slug",
    "cover_image", "toc", "manuscripts", "foreword", "styles")]
FIELDS += [("[book]", "book", "title", STR), ("[book]", "book", "date", DATE), ("[book]", "book", "trim_size", LIST)]
FIELDS += [("[[contributors]]", "contributors[0]", k, STR) for k in ("name", "role")]
FIELDS += [("[[parts]]", "parts[0]", "title", STR), ("[[parts]]", "parts[0]", "files", LIST)]
IMPRINT_KINDS = {"editors": LIST, "proofreaders": LIST, "print_run": INT, "not_for_sale": BOOL}
FIELDS += [("[imprint]", "imprint", k, IMPRINT_KINDS.get(k, STR)) for k in IMPRINT_FIELDS]
FIELDS += [("[fonts.body]", "fonts.body", k, STR) for k in ("regular", "italic", "bold", "bold_italic")]
FIELDS += [("[fonts.heading]", "fonts.heading", k, STR) for k in ("regular", "bold")]
FIELDS += [("[normalize]", "normalize", "tone_style", STR)] + [("[normalize]", "normalize", k, BOOL) for k in NORMALIZE_STEPS]
FIELDS += [("[output]", "output", "dir", STR), ("[output]", "output", "default_profile", STR),
           ("[output]", "output", "epub_image_max_pixels", INT)]
PROFILE_KINDS = {"bleed_mm": NUMBER, "crop_marks": BOOL, "signature": INT, "image_dpi": INT, "jpeg_quality": INT,
                 "tagged": BOOL, "show_sources": BOOL}
FIELDS += [("[output.print]", "output.print", k, PROFILE_KINDS.get(k, STR)) for k in PROFILE_FIELDS]
FIELDS += [("[cover]", "cover", k, NUMBER) for k in ("paper_thickness_mm", "pages_per_inch")]
FIELDS += [("[cover]", "cover", k, STR) for k in ("back_text", "background_image", "logo")]
FIELDS += [("[security]", "security", "allow_remote_images", BOOL), ("[security]", "security", "remote_timeout_s", NUMBER),
           ("[security]", "security", "remote_max_bytes", INT)]


def _toml(header: str, key: str, value: str) -> str:
    head = '[book]\ntitle = "Sách"\n'
    if header == "[book]":
        return head.replace('title = "Sách"\n', "") + f"{key} = {value}\n" + ('title = "Sách"\n' if key != "title" else "")
    extra = {"[[contributors]]": 'name = "A"\n', "[[parts]]": 'title = "P"\nfiles = ["01.md"]\n'}.get(header, "")
    extra = "\n".join(line for line in extra.splitlines() if not line.startswith(key + " ")) + "\n"
    return head + f"{header}\n{extra.strip()}\n{key} = {value}\n".replace("\n\n", "\n")


@pytest.mark.parametrize("header, prefix, key, kind", FIELDS, ids=[f"{p}.{k}" for _, p, k, _ in FIELDS])
def test_every_field_with_a_wrong_type_is_an_error_naming_key_and_line(tmp_path, header, prefix, key, kind):
    toml = _toml(header, key, WRONG[kind])
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ.\n"}, toml)
    line = [n for n, text in enumerate(toml.splitlines(), 1) if text.startswith(f"{key} = {WRONG[kind]}")][-1]
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    problems = [(d.message, d.line) for d in caught.value.diagnostics]
    assert any(m.startswith(f"{prefix}.{key}: ") and "expected" in m and ln == line for m, ln in problems), \
        (toml, problems)


@pytest.mark.parametrize("table, key, value, message", [
    ("imprint", "print_run", "-500", "positive"),
    ("security", "remote_max_bytes", "-1", "positive"),
    ("security", "remote_timeout_s", "-0.5", "positive"),
    ("security", "remote_timeout_s", "0", "positive"),
    ("cover", "paper_thickness_mm", "-0.1", "0.03–1 mm"),
    ("cover", "pages_per_inch", "-300", "100–1500"),
    ("output.print", "bleed_mm", "-3", "between 0 and 20"),
    ("output.print", "signature", "-4", "positive"),
    ("output.print", "image_dpi", "0", "positive"),
    ("output.print", "jpeg_quality", "-1", "positive"),
    ("output", "epub_image_max_pixels", "-1", "positive"),
])
def test_negative_and_zero_sizes_are_errors(tmp_path, table, key, value, message):
    toml = f'[book]\ntitle = "Sách"\n[{table}]\n{key} = {value}\n'
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ.\n"}, toml)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(root)
    assert caught.value.line == 4 and caught.value.message.startswith(f"{table}.{key}: ")


@pytest.mark.parametrize("trim, message", [
    ("[-145, 205]", "not a book page size"),
    ("[0, 0]", "not a book page size"),
    ("[80, 200]", "too small for the page margins"),
    ("[145, 110]", "too small for the page margins"),
    ('"89x119"', "too small for the page margins"),
    ("[145]", "expected \\[width, height\\]"),
    ('["a", "b"]', "expected \\[width, height\\]"),
])
def test_trim_sizes_too_small_for_the_margins(tmp_path, trim, message):
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ.\n"}, f'[book]\ntitle = "Sách"\ntrim_size = {trim}\n')
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(root)
    assert caught.value.line == 3


def test_the_smallest_trim_size_builds(tmp_path):
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ " * 50 + "\n"}, '[book]\ntitle = "Sách"\ntrim_size = [90, 120]\n')
    assert load_config(root).trim_mm == (90.0, 120.0)


@pytest.mark.parametrize("isbn", ["978-604-0-00000-1", "0-306-40615-3", "978604000000", "ISBN 978-0-306-40615-7x"])
def test_a_bad_isbn_is_an_error(tmp_path, isbn):
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ.\n"}, f'[book]\ntitle = "Sách"\nisbn = "{isbn}"\n')
    result = run_cli("check", str(root))
    with pytest.raises(ConfigError, match="not a valid ISBN") as caught:
        load_config(root)
    assert caught.value.line == 3 and result.returncode == 1 and "book.toml:3" in result.stdout


@pytest.mark.parametrize("key", ["cover_image", "cover.background_image", "cover.logo"])
@pytest.mark.parametrize("data", [b"I am a text file pretending to be a JPEG\n", b"", b"PK\x03\x04 a zip"])
def test_a_cover_image_that_is_not_an_image(tmp_path, key, data):
    table, _, name = key.rpartition(".")
    toml = '[book]\ntitle = "Sách"\n' + (f'cover_image = "images/bia.jpg"\n' if not table else
                                          f'[cover]\n{name} = "images/bia.jpg"\n')
    root = make_project(tmp_path, {"01.md": "# Bài\n\nChữ.\n"}, toml, {"images/bia.jpg": data})
    with pytest.raises(ConfigError, match="is not an image") as caught:
        load_config(root)
    assert caught.value.message.startswith(f"{'book.' if not table else ''}{key}: ")
