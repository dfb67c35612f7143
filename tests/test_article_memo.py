"""The article memo: an article read before is taken from the cache only while every file it was
read from is unchanged, the manuscript and the project's other files it used (a roster's data
file, a timeline, a gallery's folder and captions, a photo it measured, a text's sidecar)."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from publisher import pipeline as pipeline_module
from publisher.errors import ManuscriptError
from publisher.pipeline import load_book

from .conftest import make_project

TOML = '[book]\ntitle = "Sách thử"\ndate = 2026-10-20\n'


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 140, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def reads(monkeypatch, tmp_path):
    """The manuscripts each load_book reads (not taken from the memo), in a cache of the test's own."""
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    seen: list[str] = []
    real = pipeline_module.read

    def counting(source):
        seen.append(source.rel)
        return real(source)

    monkeypatch.setattr(pipeline_module, "read", counting)
    return seen


def _load(root, reads: list[str]):
    reads.clear()
    return load_book(root)


def _edit(path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _plain(text: str | None) -> str | None:
    """Text as typed: the normaliser binds "năm\u00a02021" with a no-break space."""
    return text.replace("\u00a0", " ") if text else text


def _roster_names(loaded) -> list[str]:
    return [item["cells"][0] for article in loaded.book.articles() for block in article.blocks
            if block.kind == "roster" for item in block.items if "cells" in item]


def test_a_roster_sheet_edited_is_read_again_and_nothing_else(tmp_path, reads):
    root = make_project(tmp_path / "book", {
        "01-danh-sach.md": "# Danh sách\n\n```roster file=../data/can-bo.csv\n```\n",
        "02-bai.md": "# Bài khác\n\nĐoạn văn.\n",
    }, TOML, {"data/can-bo.csv": "Họ và tên,Chức vụ\nNguyễn Văn An,Chi cục trưởng\nTrần Thị Bình,Kế toán\n".encode()})
    first = _load(root, reads)
    assert sorted(reads) == ["manuscripts/01-danh-sach.md", "manuscripts/02-bai.md"]
    assert _roster_names(_load(root, reads)) == _roster_names(first) and reads == []  # all from the memo
    _edit(root / "data" / "can-bo.csv", "Nguyễn Văn An", "Nguyễn Văn Anh")  # a name corrected in the sheet
    again = _load(root, reads)
    assert reads == ["manuscripts/01-danh-sach.md"]
    assert _roster_names(again) == ["Nguyễn Văn Anh", "Trần Thị Bình"]
    (root / "data" / "can-bo.csv").unlink()  # the sheet removed: the error, not the old list
    with pytest.raises(ManuscriptError, match="does not exist"):
        _load(root, reads)


def test_a_timeline_file_edited_is_read_again(tmp_path, reads):
    root = make_project(tmp_path / "book", {"01-moc.md": "# Mốc\n\n```timeline file=../data/moc.yaml\n```\n"},
                        TOML, {"data/moc.yaml": "1996: Thành lập\n".encode()})
    _load(root, reads)
    _edit(root / "data" / "moc.yaml", "1996: Thành lập", "1996: Thành lập Chi cục\n2008: Lũ lớn")
    block = _load(root, reads).book.articles()[0].blocks[-1]
    assert reads == ["manuscripts/01-moc.md"]
    assert [item["year"] for item in block.items] == ["1996", "2008"]


def test_a_gallery_folder_gets_a_photo_and_its_captions_change(tmp_path, reads):
    root = make_project(tmp_path / "book", {"01-anh.md": "# Ảnh\n\n```gallery folder=../anh\n```\n"}, TOML,
                        {"anh/a.jpg": jpeg(400, 300), "anh/captions.yaml": "a.jpg: Lễ kỷ niệm\n".encode()})

    def photos():
        return [(item["src"], _plain(item["caption"])) for item in _load(root, reads).book.articles()[0].blocks[-1].items]

    assert photos() == [("anh/a.jpg", "Lễ kỷ niệm")]
    (root / "anh" / "b.jpg").write_bytes(jpeg(300, 400))  # a photo added to the folder
    assert photos() == [("anh/a.jpg", "Lễ kỷ niệm"), ("anh/b.jpg", None)] and reads
    _edit(root / "anh" / "captions.yaml", "a.jpg: Lễ kỷ niệm", "b.jpg: Đại hội\na.jpg: Lễ kỷ niệm 30 năm")
    assert photos() == [("anh/b.jpg", "Đại hội"), ("anh/a.jpg", "Lễ kỷ niệm 30 năm")] and reads
    assert photos() and reads == []


def test_a_photo_replaced_is_measured_again_and_only_its_article_is_read(tmp_path, reads):
    # A photo outside images/ (the memo once watched images/ only), and one in it: replaced by a
    # portrait of the same name, the figure's shape follows; the article without photos is kept.
    root = make_project(tmp_path / "book", {
        "01-anh.md": "# Ảnh\n\n```gallery\n![Một](../anh/mot.jpg)\n![Hai](../images/hai.jpg)\n```\n",
        "02-bai.md": "# Bài\n\nĐoạn văn.\n",
    }, TOML, {"anh/mot.jpg": jpeg(400, 300), "images/hai.jpg": jpeg(400, 300)})

    def shapes():
        return [item["orientation"] for item in _load(root, reads).book.articles()[0].blocks[-1].items]

    assert shapes() == ["landscape", "landscape"]
    (root / "anh" / "mot.jpg").write_bytes(jpeg(300, 400))
    assert shapes() == ["portrait", "landscape"] and reads == ["manuscripts/01-anh.md"]
    (root / "images" / "hai.jpg").write_bytes(jpeg(300, 400))
    assert shapes() == ["portrait", "portrait"] and reads == ["manuscripts/01-anh.md"]


NEWS = "Tổng kết năm 2021\n\nĐoạn mở đầu của bài viết về công tác lưu trữ trong năm qua.\n"


def test_a_sidecar_added_later_or_edited_is_read(tmp_path, reads):
    root = make_project(tmp_path / "book", {"01-tin.txt": NEWS}, TOML)

    def title():
        return _plain(_load(root, reads).book.articles()[0].title)

    assert title() == "Tổng kết năm 2021"
    (root / "manuscripts" / "01-tin.yaml").write_text("title: Tổng kết công tác năm 2021\n", encoding="utf-8")
    assert title() == "Tổng kết công tác năm 2021" and reads == ["manuscripts/01-tin.txt"]
    _edit(root / "manuscripts" / "01-tin.yaml", "năm 2021", "lưu trữ năm 2021")
    assert title() == "Tổng kết công tác lưu trữ năm 2021" and reads == ["manuscripts/01-tin.txt"]
    assert title() and reads == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_sidecar_that_links_out_of_the_project_is_refused(tmp_path, reads):
    outside = tmp_path / "bi-mat.yaml"
    outside.write_text("title: Nội dung ngoài dự án\n", encoding="utf-8")
    root = make_project(tmp_path / "book", {"01-tin.txt": NEWS}, TOML)
    (root / "manuscripts" / "01-tin.yaml").symlink_to(outside)
    with pytest.raises(ManuscriptError) as error:
        _load(root, reads)
    assert error.value.path == "manuscripts/01-tin.yaml"
    assert "outside the project" in error.value.message and "Nội dung" not in str(error.value)


@pytest.mark.parametrize("data, message", [
    (b"title: " + b"x" * (1 << 20) + b"\n", "at most 1,024 KB"),
    ("title: Tổng kết\n".encode("utf-16"), "not UTF-8"),
], ids=["too-large", "utf-16"])
def test_a_sidecar_too_large_or_not_utf8_is_named(tmp_path, reads, data, message):
    root = make_project(tmp_path / "book", {"01-tin.txt": NEWS}, TOML, {"manuscripts/01-tin.yml": data})
    with pytest.raises(ManuscriptError) as error:
        _load(root, reads)
    assert error.value.path == "manuscripts/01-tin.yml" and message in error.value.message
