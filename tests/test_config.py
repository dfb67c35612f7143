"""book.toml: defaults, validation, and errors that name the key and the line."""

from __future__ import annotations

import pytest

from publisher.config import isbn_is_valid, load_config, slugify
from publisher.errors import ConfigError

from .conftest import make_project


def _error(tmp_path, toml: str, manuscripts=None) -> ConfigError:
    make_project(tmp_path, manuscripts or {"01-a.md": "# A\n\nChữ.\n"}, toml)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    return caught.value


def test_minimal_config_gets_defaults(tmp_path):
    make_project(tmp_path, {"01-a.md": "# A\n\nChữ.\n"}, '[book]\ntitle = "Kỷ yếu 30 năm"\n')
    config = load_config(tmp_path)
    assert config.title == "Kỷ yếu 30 năm"
    assert config.language == "vi"
    assert config.trim_mm == (145.0, 205.0)
    assert config.toc == "back"
    assert config.slug == "ky-yeu-30-nam"
    assert config.parts == ()
    assert config.imprint.position == "back"


def test_missing_book_toml(tmp_path):
    with pytest.raises(ConfigError, match="no book.toml"):
        load_config(tmp_path)


def test_toml_syntax_error_names_the_line(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\nsubtitle = "unclosed\n')
    assert error.path == "book.toml" and error.line == 3
    assert "TOML syntax error" in error.message


def test_unknown_key_names_key_and_line(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\n\n[imprint]\nprinter = "X"\ncolour = "red"\n')
    assert error.line == 6
    assert "imprint.colour: unknown key" in error.message


def test_title_missing(tmp_path):
    error = _error(tmp_path, '[book]\nsubtitle = "B"\n')
    assert "missing key title" in error.message
    assert error.line == 1


def test_wrong_type_names_key_and_line(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\ntoc = 3\n')
    assert error.line == 3 and "book.toc: expected a string" in error.message


def test_bad_choice_lists_the_choices(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\ntoc = "middle"\n')
    assert "'front'" in error.message and "'back'" in error.message


def test_parts_file_missing(tmp_path):
    toml = '[book]\ntitle = "A"\n\n[[parts]]\ntitle = "I"\nfiles = ["01-a.md"]\n\n[[parts]]\ntitle = "II"\nfiles = ["09-missing.md"]\n'
    error = _error(tmp_path, toml)
    assert "09-missing.md does not exist" in error.message
    assert error.line == 10


def test_invalid_isbn(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\nisbn = "978-604-0-00000-1"\n')
    assert error.line == 3 and "not a valid ISBN" in error.message


def test_all_problems_reported_together(tmp_path):
    error = _error(tmp_path, '[book]\ntitle = "A"\ntoc = 1\nlanguage = 5\nfoo = 1\n')
    assert len(error.diagnostics) == 3
    assert [d.line for d in error.diagnostics] == sorted(d.line for d in error.diagnostics)


def test_trim_size_as_text_and_bounds(tmp_path):
    make_project(tmp_path, {"01-a.md": "# A\n\nChữ.\n"}, '[book]\ntitle = "A"\ntrim_size = "160x240"\n')
    assert load_config(tmp_path).trim_mm == (160.0, 240.0)
    error = _error(tmp_path, '[book]\ntitle = "A"\ntrim_size = [10, 20]\n')
    assert "not a book page size" in error.message


@pytest.mark.parametrize("isbn, valid", [
    ("978-604-0-00000-0", False),
    ("9786040000000", False),
    ("978-0-306-40615-7", True),
    ("0-306-40615-2", True),
    ("0-306-40615-3", False),
    ("080442957X", True),
    ("12345", False),
])
def test_isbn_check_digit(isbn, valid):
    assert isbn_is_valid(isbn) is valid


def test_slugify_vietnamese():
    assert slugify("Đường về Hà Nội – 30 năm") == "duong-ve-ha-noi-30-nam"
