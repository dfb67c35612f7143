"""A Word file of photos kept at full size (Microsoft 365's "High fidelity"): an album of 100
camera photos is a 400 MB .docx. Its pictures do not count against the limit on the parts read
into memory, a copy of the package is made on disk with its pictures stored as they are, and
the article is kept in the cache by the file's hash, so a rebuild does not read it again. Its
photos, one under another, are photo pages: one by one, each took a page with half of it empty."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from publisher import cache, pipeline
from publisher.errors import ManuscriptError
from publisher.readers import Source, docxpackage, read
from tests.conftest import make_project

docx = pytest.importorskip("docx")
from docx.shared import Cm  # noqa: E402


def photo(seed: int) -> io.BytesIO:
    data = io.BytesIO()
    Image.effect_noise((600, 400), 40 + seed).convert("RGB").save(data, "JPEG", quality=92)
    data.seek(0)
    return data


def album(path, photos: int = 3) -> int:
    """A Word album of ``photos`` photos, each over its caption; the bytes of its pictures."""
    document = docx.Document()
    document.add_heading("Ảnh tư liệu", 1)
    for index in range(photos):
        document.add_paragraph().add_run().add_picture(photo(index), width=Cm(12))
        document.add_paragraph(f"Ảnh {index + 1}: Lễ kỷ niệm năm {2000 + index}.")
    document.save(path)
    with zipfile.ZipFile(path) as archive:
        return sum(e.file_size for e in archive.infolist() if e.filename.startswith("word/media/"))


def test_pictures_do_not_count_against_the_parts_read_into_memory(tmp_path, monkeypatch):
    path = tmp_path / "anh.docx"
    pictures = album(path)
    with zipfile.ZipFile(path) as archive:
        parts = sum(e.file_size for e in archive.infolist()) - pictures
    monkeypatch.setattr(docxpackage, "MAX_UNCOMPRESSED", parts + 1)  # under parts + pictures
    article = read(Source(path=path, rel="manuscripts/anh.docx", root=tmp_path)).article
    [gallery] = article.blocks
    assert len(gallery.items) == 3


def test_an_album_over_the_pictures_limit_says_how_to_make_it_smaller(tmp_path, monkeypatch):
    path = tmp_path / "anh.docx"
    pictures = album(path)
    monkeypatch.setattr(docxpackage, "MAX_PICTURES", pictures - 1)
    with pytest.raises(ManuscriptError) as caught:
        read(Source(path=path, rel="manuscripts/anh.docx", root=tmp_path))
    assert caught.value.path == "manuscripts/anh.docx"
    assert "its pictures take" in caught.value.message and "Compress Pictures" in caught.value.hint
    assert "damaged" not in caught.value.hint


def test_the_package_copy_is_on_disk_its_pictures_stored_as_they_are(tmp_path):
    path = tmp_path / "anh.docx"
    album(path)
    with zipfile.ZipFile(path) as archive:
        original = {e.filename: archive.read(e.filename) for e in archive.infolist()}
        with docxpackage.with_document(archive, b"<changed/>", tmp_path / "cache") as copy:
            assert getattr(copy, "name", None) is None  # mammoth takes a name for the document's path
            with zipfile.ZipFile(copy) as written:
                entries = {e.filename: e for e in written.infolist()}
                assert written.read(docxpackage.DOCUMENT) == b"<changed/>"
                for name, data in original.items():
                    if name != docxpackage.DOCUMENT:
                        assert written.read(name) == data
                media = [e for n, e in entries.items() if n.startswith("word/media/")]
                assert len(media) == 3 and all(e.compress_type == zipfile.ZIP_STORED for e in media)
    assert list((tmp_path / "cache").iterdir()) == []  # nameless: nothing left behind


def test_a_word_file_too_large_to_key_by_its_bytes_is_kept_by_its_hash(tmp_path, monkeypatch):
    project = make_project(tmp_path / "book", {}, '[book]\ntitle = "Kỷ yếu"\n')
    album(project / "manuscripts" / "anh.docx")
    monkeypatch.setattr(pipeline, "MAX_MANUSCRIPT_BYTES", 1000)  # the album is "large"
    reads = []
    real = pipeline.read_raw
    monkeypatch.setattr(pipeline, "read_raw", lambda config, path: reads.append(path) or real(config, path))
    hashed = []  # the file's hash is remembered by its stamp: a rebuild does not read it whole again
    digest = cache.file_digest
    monkeypatch.setattr(cache, "file_digest", lambda path, limit=None: hashed.append(path) or digest(path, limit))
    first = pipeline.load_book(project).book
    again = pipeline.load_book(project).book
    assert len(reads) == 1  # the second build found the article in the cache
    assert hashed == [project / "manuscripts" / "anh.docx"]
    assert again.articles()[0].blocks == first.articles()[0].blocks
    album(project / "manuscripts" / "anh.docx", photos=4)  # changed: read again
    assert len(pipeline.load_book(project).book.articles()[0].blocks[0].items) == 4 and len(reads) == 2
    assert len(hashed) == 2


def read_blocks(tmp_path, document):
    path = tmp_path / "anh.docx"
    document.save(path)
    result = read(Source(path=path, rel="manuscripts/anh.docx", root=tmp_path))
    return result.article.blocks, result.diagnostics


def test_photos_one_under_another_are_photo_pages_with_their_captions(tmp_path):
    document = docx.Document()
    document.add_heading("Ảnh tư liệu", 1)
    document.add_paragraph("Những hình ảnh dưới đây ghi lại các hoạt động của chi cục qua ba mươi năm.")
    for index in range(5):
        document.add_paragraph().add_run().add_picture(photo(index), width=Cm(12))
        caption = document.add_paragraph(f"Lễ kỷ niệm năm {2000 + index}")
        caption.alignment = 1  # centred under its photo: its caption
    document.add_paragraph("Các bức ảnh do phòng Hành chính lưu giữ.")
    blocks, diagnostics = read_blocks(tmp_path, document)
    assert [b.kind for b in blocks] == ["paragraph", "gallery", "paragraph"]
    gallery = blocks[1]
    assert [item["caption"] for item in gallery.items] == [f"Lễ kỷ niệm năm {2000 + i}" for i in range(5)]
    assert all(item["orientation"] == "landscape" for item in gallery.items)
    assert [(item["page"], item["row"]) for item in gallery.items] == [(0, 0), (0, 1), (1, 2), (1, 3), (2, 4)]
    [note] = [d for d in diagnostics if d.code == "docx-photo-pages"]
    assert note.level == "info" and note.message.startswith("5 pictures one under another set as photo pages")


def test_two_pictures_or_pictures_parted_by_text_stay_in_the_text(tmp_path):
    document = docx.Document()
    document.add_heading("Bài viết", 1)
    for index in range(2):
        document.add_paragraph().add_run().add_picture(photo(index), width=Cm(12))
    document.add_paragraph("Một đoạn văn giữa các ảnh.")
    for index in range(3):
        document.add_paragraph().add_run().add_picture(photo(index + 2), width=Cm(12))
        document.add_paragraph(f"Đoạn văn sau ảnh thứ {index + 1}, kể lại buổi lễ hôm ấy.")
    blocks, diagnostics = read_blocks(tmp_path, document)
    assert [b.kind for b in blocks] == ["figure", "figure", "paragraph"] + ["figure", "paragraph"] * 3
    assert not [d for d in diagnostics if d.code == "docx-photo-pages"]
