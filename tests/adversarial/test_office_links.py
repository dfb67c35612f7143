"""LibreOffice never loads linked content (issue 12, item 7): an .rtf whose INCLUDEPICTURE field
names a file outside the project, and an HTML file saved as .doc whose image is on a server
this test starts on 127.0.0.1, are refused with a message, and nothing is fetched."""

from __future__ import annotations

import io
import zipfile

import pytest

from publisher.errors import ManuscriptError
from publisher.readers import Source, read
from publisher.readers.libreoffice import find_soffice

from ..conftest import run_cli
from .helpers import TOML, build_book, epub_entries, png, project
from .test_paths import _Server

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

needs_libreoffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
MARK = b"OUTSIDE-THE-PROJECT"


def _rtf_including(uri: str) -> bytes:
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n"
            "{\\pard\\b Bai viet\\par}\n{\\pard Doan van thu nghiem.\\par}\n"
            "{\\pard{\\field{\\*\\fldinst { INCLUDEPICTURE \"" + uri + "\" \\\\* MERGEFORMATINET \\\\d }}"
            "{\\fldrslt {}}}\\par}\n}").encode("ascii")


def _html_doc(url: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'></head><body><h1>Bài viết</h1><p>Đoạn văn thử nghiệm.</p>"
            f"<p><img src=\"{url}\" width=10 height=10></p></body></html>").encode("utf-8")


def _odt_with_linked_image(url: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
               'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:body><office:text>'
               '<text:h text:outline-level="1">Bài viết</text:h><text:p>Đoạn văn thử nghiệm.</text:p>'
               f'<text:p><draw:frame><draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed"/>'
               '</draw:frame></text:p></office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(png(7, 7) + MARK)
    return folder


@needs_libreoffice
def test_an_rtf_including_a_picture_from_outside_is_refused(tmp_path, outside):
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML,
                   {"manuscripts/02-bai.rtf": _rtf_including((outside / "secret.png").as_uri())})
    with pytest.raises(ManuscriptError, match="INCLUDEPICTURE field") as caught:
        build_book(root, ("epub",))
    assert caught.value.path == "manuscripts/02-bai.rtf"
    assert "embed the pictures" in caught.value.hint
    images = root / "images"
    assert not images.exists() or all(MARK not in p.read_bytes() for p in images.rglob("*") if p.is_file())


@needs_libreoffice
@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_a_document_with_a_remote_image_makes_no_request(tmp_path, kind):
    server = _Server()
    try:
        url = server.url + "/tracker.png"
        server.routes["/tracker.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
        data = {"doc": _html_doc, "odt": _odt_with_linked_image, "rtf": _rtf_including}[kind](url)
        root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML, {f"manuscripts/02-bai.{kind}": data})
        for command in ("check", "stats", "dump"):
            result = run_cli(command, str(root), env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
            assert "Traceback" not in result.stderr, result.stderr
            shown = result.stdout + result.stderr
            assert ("1 error" in shown) if command == "stats" else ("links to content outside itself" in shown), \
                (command, shown)
        with pytest.raises(ManuscriptError, match="links to content outside itself"):
            read(Source(root / "manuscripts" / f"02-bai.{kind}", f"manuscripts/02-bai.{kind}", root))
        assert server.requests == []
    finally:
        server.close()


@needs_libreoffice
def test_a_plain_office_document_still_reads(tmp_path):
    rtf = (b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n{\\pard\\b Bai viet\\par}\n"
           b"{\\pard Doan van thu nghiem, voi {\\field{\\*\\fldinst { HYPERLINK \"https://example.org/\" }}"
           b"{\\fldrslt {mot lien ket}}}.\\par}\n}")
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML, {"manuscripts/02-bai.rtf": rtf})
    report = build_book(root, ("epub",))
    assert any(b"Doan van thu nghiem" in data for data in epub_entries(report.outputs[0].path).values())


@pytest.mark.parametrize("data", [
    b"{\\rtf1{\\field{\\*\\fldinst {INCLUDETEXT \"C:\\\\\\\\secret.txt\"}}{\\fldrslt x}}}",
    b"{\\rtf1{\\object\\objautlink\\objw10\\objh10{\\*\\objclass Word.Document}}}",
    b"<html><body><link rel=stylesheet href=//evil.example/x.css></body></html>",
    b"<html><body><p style=\"background: url('http://127.0.0.1:9/x')\">x</p></body></html>",
    "<html><body><img src='file:///etc/passwd'></body></html>".encode("utf-16"),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "\x13 INCLUDEPICTURE \"http://x\" \x14".encode("utf-16-le"),
])
def test_the_check_finds_each_kind_of_link(data):
    from publisher.readers.office_links import refuse_linked_content

    with pytest.raises(ManuscriptError, match="links to content outside itself"):
        refuse_linked_content(data, "manuscripts/x.doc")
