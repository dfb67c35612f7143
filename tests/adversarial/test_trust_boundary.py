"""The project folder is untrusted (issue 12, items 1, 3, 4, 5, 6 and 8): nothing is written
outside it or through a planted link, nothing outside it is read, its templates cannot run
code or put active content into the outputs, and its SVGs are parsed, not pattern-matched."""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from publisher.config import load_config
from publisher.errors import ConfigError, ManuscriptError, PublisherError
from publisher.commands.importer import import_files

from ..conftest import run_cli
from .helpers import TOML, build_book, epub_entries, pdf_text, png, project

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

SECRET = b"SECRET-OUTSIDE-THE-PROJECT"


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_bytes(SECRET)
    (folder / "photo.png").write_bytes(png(6, 6) + SECRET)
    (folder / "font.ttf").write_bytes(b"\x00\x01\x00\x00" + SECRET)
    (folder / "cmyk.icc").write_bytes(b"\x00" * 16 + b"CMYK" + b"\x00" * 16 + b"acsp" + SECRET * 8)
    (folder / "styles").mkdir()
    (folder / "styles" / "epub.css").write_bytes(b"/* " + SECRET + b" */ p { color: red }")
    (folder / "manuscripts").mkdir()
    (folder / "manuscripts" / "01-x.md").write_bytes(b"# Outside\n\n" + SECRET + b"\n")
    return folder


def _docx_with_image(image: bytes) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Bài có ảnh", level=1)
    document.add_paragraph("Đoạn văn.")
    document.add_picture(io.BytesIO(image))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- 1. the Word image writer, 3. import ----------------------------------------------------------

@pytest.mark.parametrize("planted", ["temporary", "final"])
def test_a_planted_link_in_images_is_never_written_through(tmp_path, outside, planted):
    image = png(9, 9)
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML, {"manuscripts/02-anh.docx": _docx_with_image(image)})
    name = f"anh-{hashlib.sha1(image).hexdigest()[:10]}.png"
    (root / "images").mkdir()
    link = root / "images" / (f".{name}.tmp" if planted == "temporary" else name)
    os.symlink(outside / "victim.txt", link)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "anh.docx").write_bytes(_docx_with_image(image))
    for attempt in ("build", "import"):
        try:
            if attempt == "build":
                build_book(root, ("epub",))
            else:
                import_files([inbox / "anh.docx"], root / "manuscripts", force=True, cwd=tmp_path)
        except PublisherError:
            pass  # refusing is fine; writing through the link is not
        assert (outside / "victim.txt").read_bytes() == SECRET, attempt
        assert link.is_symlink()


def test_import_never_writes_through_a_symlinked_manuscript(tmp_path, outside):
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tin.txt").write_text("Tin mới\n\nĐoạn văn của tin.\n", encoding="utf-8")
    os.symlink(outside / "victim.txt", root / "manuscripts" / "tin.md")
    for force in (False, True):
        [result] = import_files([inbox / "tin.txt"], root / "manuscripts", force=force, cwd=tmp_path)
        assert result.status == "failed", result
        assert "symbolic link" in result.error.message and result.error.path == "inbox/tin.txt"
        assert (outside / "victim.txt").read_bytes() == SECRET
    result = run_cli("import", str(inbox / "tin.txt"), "--into", str(root / "manuscripts"), "--force")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "symbolic link" in result.stdout + result.stderr
    assert (outside / "victim.txt").read_bytes() == SECRET


# --- 4. the output folder --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["../out", "ABSOLUTE", "dist-link"])
def test_an_output_folder_outside_the_project_needs_the_command_line(tmp_path, outside, value):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    os.symlink(outside, root / "dist-link")
    value = str(outside) if value == "ABSOLUTE" else value
    (root / "book.toml").write_text(TOML + f'[output]\ndir = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"output.dir: .*(outside the project|absolute path)") as caught:
        load_config(root)
    assert caught.value.line == 5 and "--out" in caught.value.hint
    assert sorted(p.name for p in outside.iterdir()) == ["cmyk.icc", "font.ttf", "manuscripts", "photo.png",
                                                         "styles", "victim.txt"]


def test_a_symlinked_dist_is_refused(tmp_path, outside):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    os.symlink(outside, root / "dist")
    with pytest.raises(ConfigError, match="output.dir: dist leads outside the project folder through a symbolic link"):
        load_config(root)
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not list(outside.glob("*.epub"))


def test_an_outside_folder_given_on_the_command_line_is_used(tmp_path):
    root = project(tmp_path, "# Bài\n\nChữ.\n")
    out = tmp_path / "elsewhere"
    result = run_cli("build", str(root), "--format", "epub", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "sach-thu.epub").is_file()


# --- 5. templates in styles/ ------------------------------------------------------------------------

PAYLOAD = '{{ self.__init__.__globals__.__builtins__.__import__("os").popen("touch %s; id").read() }}'


@pytest.mark.parametrize("expression", [
    PAYLOAD,
    '{{ cycler.__init__.__globals__.os.system("touch %s") }}',
    '{{ article.__class__.__mro__[1].__subclasses__() }}{{ "%s" }}',
    '{% set x = labels.update({"a": "%s"}) %}',
])
def test_a_template_in_styles_cannot_run_python(tmp_path, expression):
    marker = tmp_path / "ran"
    article = "<article>" + expression.replace("%s", str(marker)) + "{{ article.title }}</article>\n"
    root = project(tmp_path, "# Bài\n\nChữ.\n", TOML, {"styles/article.html": article.encode()})
    with pytest.raises(PublisherError, match="template error: .*(unsafe|not safely|immutable)") as caught:
        build_book(root, ("epub",))
    assert caught.value.path.endswith("article.html")
    assert not marker.exists()
    assert not (root / "dist").exists() or not list((root / "dist").glob("*.epub"))


ACTIVE = ('<article onclick="steal()"><script>alert(1)</script><h1>{{ article.title }}</h1>'
          '<a href="javascript:alert(2)">j</a><a href="https://example.org/">ok</a>'
          '<iframe src="https://example.org/"></iframe><form action="https://example.org/"><input name="q"/></form>'
          '<object data="x.swf"></object><embed src="x.swf"/><img src="x.png" onerror="alert(3)"/>'
          '<p style="background:url(https://example.org/t.png)">&nbsp;Chữ.</p>'
          '{% for block in article.blocks %}{{ block.html | safe }}{% endfor %}</article>\n')
PAGE = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [<!ENTITY s "&#60;script&#62;">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{{ lang }}" '
        'onload="x()">\n<head>\n<meta charset="utf-8"/>\n<title>{{ title }}</title>\n'
        '<script src="https://example.org/a.js"></script>\n<meta http-equiv="refresh" content="0;url=https://example.org"/>\n'
        '<link rel="stylesheet" type="text/css" href="css/book.css"/>\n</head>\n'
        '<body class="doc doc-{{ kind }}" onload="y()">\n{{ body | safe }}<script>z()</script>\n</body>\n</html>\n')


def test_active_content_from_a_template_never_reaches_the_outputs(tmp_path):
    root = project(tmp_path, "# Bài\n\nChữ của bài.\n", TOML,
                   {"styles/article.html": ACTIVE.encode(), "styles/page.xhtml": PAGE.encode()})
    report = build_book(root, ("epub", "pdf"))
    epub = report.outputs[0].path
    documents = {n: d for n, d in epub_entries(epub).items() if n.endswith(".xhtml")}
    for name, data in documents.items():
        etree.fromstring(data)  # still well-formed XHTML
        text = data.decode("utf-8").lower()
        for bad in ("<script", "onclick", "onload", "onerror", "javascript:", "<iframe", "<form", "<input",
                    "<object", "<embed", "http-equiv", "example.org/t.png", "<!entity", "a.js"):
            assert bad not in text, (name, bad)
    article = next(d for n, d in documents.items() if "Chữ của bài".encode() in d).decode()
    assert 'href="https://example.org/"' in article  # ordinary links stay
    assert "Chữ của bài." in pdf_text(next(o.path for o in report.outputs if o.format == "pdf"))


def test_built_in_templates_are_rendered_as_before():
    """The sample book has no template of its own: its outputs are the ones EPUBCheck and the PDF tests read."""
    from publisher.render.templates import Templates

    from ..conftest import ROOT

    config = load_config(ROOT)
    assert not Templates(config.styles_dir).sandboxed


# --- 6. paths book.toml names ------------------------------------------------------------------------

@pytest.mark.parametrize("toml, key", [
    ('manuscripts = "OUTSIDE/manuscripts"\n', "book.manuscripts"),
    ('manuscripts = "../outside/manuscripts"\n', "book.manuscripts"),
    ('styles = "../outside/styles"\n', "book.styles"),
    ('styles = "OUTSIDE/styles"\n', "book.styles"),
    ('[fonts.body]\nregular = "OUTSIDE/font.ttf"\n', "fonts.body.regular"),
    ('[fonts.body]\nregular = "../outside/font.ttf"\n', "fonts.body.regular"),
    ('[output.print]\nicc_profile = "OUTSIDE/cmyk.icc"\n', "output.print.icc_profile"),
    ('[output.print]\nicc_profile = "../outside/cmyk.icc"\n', "output.print.icc_profile"),
    ('[cover]\nlogo = "../outside/photo.png"\n', "cover.logo"),
])
def test_a_path_in_book_toml_outside_the_project_is_refused(tmp_path, outside, toml, key):
    toml = toml.replace("OUTSIDE", str(outside))
    body = TOML + toml if toml.startswith("[") else TOML.replace("date =", toml + "date =")
    root = project(tmp_path, "# Bài\n\nChữ.\n", body)
    (root / "outside").mkdir(exist_ok=True)
    with pytest.raises(ConfigError, match=rf"{re.escape(key)}: .*(outside the project folder|absolute path)"):
        load_config(root)


@pytest.mark.parametrize("link, target", [
    ("styles", "styles"),
    ("styles/epub.css", "styles/epub.css"),
    ("fonts", "."),
])
def test_a_symlink_out_of_the_project_is_never_read(tmp_path, outside, link, target):
    toml = TOML + ('[fonts.body]\nregular = "fonts/font.ttf"\n' if link == "fonts" else "")
    root = project(tmp_path, "# Bài\n\nChữ.\n", toml)
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, root / link)
    try:
        report = build_book(root, ("epub",))
    except PublisherError as exc:
        assert "symbolic link" in exc.message or "outside the project" in exc.message, exc
        assert "Traceback" not in str(exc)
        return
    assert all(SECRET not in data for data in epub_entries(report.outputs[0].path).values())


def test_a_gallery_photo_or_captions_file_linked_out_is_refused(tmp_path, outside):
    gallery = "# Ảnh\n\n```gallery folder=../images/anh\n```\n"
    for name, target in (("b.png", "photo.png"), ("captions.yaml", "victim.txt")):
        root = project(tmp_path / name, gallery, TOML, {"images/anh/a.png": png()})
        os.symlink(outside / target, root / "images" / "anh" / name)
        with pytest.raises(ManuscriptError, match="outside the project folder") as caught:
            build_book(root, ("epub",))
        assert (caught.value.path, caught.value.line) == ("manuscripts/01-bai.md", 3)


def test_preview_answers_only_to_a_local_host_name_and_serves_no_outside_font(tmp_path, outside):
    from ..test_preview import Server

    toml = TOML + f'[fonts.body]\nregular = "{outside / "font.ttf"}"\n'
    root = project(tmp_path, "# Bài\n\nChữ.\n", toml)
    server = Server(root, "--no-outputs")
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))

        def get(path: str, host: str) -> tuple[int, bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            return response.status, response.read()

        server.wait(lambda s: s["version"] >= 1 and not s["building"], "the first build")
        status, page = get("/", f"127.0.0.1:{port}")
        assert status == 200 and b"fonts.body.regular" in page  # the error is shown on the page
        for path in ("/_fonts/0.ttf", "/_fonts/0", "/_fonts/1.ttf"):
            status, body = get(path, f"127.0.0.1:{port}")
            assert status == 404 and SECRET not in body
        assert get("/", f"attacker.example:{port}")[0] == 403  # DNS rebinding
        assert get("/_version", "attacker.example")[0] == 403
        assert get("/", f"localhost:{port}")[0] == 200
    finally:
        server.stop()


# --- 8. SVG ------------------------------------------------------------------------------------------

HOSTILE_SVG = [
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg">&s;</svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<a xlink:href="&#106;&#97;vascript:alert(1)"><rect width="5" height="5"/></a></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/t.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(&#104;ttps://example.org/t)"/></svg>',
]


@pytest.mark.parametrize("svg", HOSTILE_SVG, ids=range(len(HOSTILE_SVG)))
def test_a_hostile_svg_beside_a_manuscript_is_refused(tmp_path, svg):
    root = project(tmp_path, "# Bài\n\n![Hình](../images/x.svg)\n\nChữ.\n", TOML, {"images/x.svg": svg})
    with pytest.raises(ManuscriptError, match="image ../images/x.svg is refused") as caught:
        build_book(root, ("epub",))
    assert caught.value.line == 3


@pytest.mark.parametrize("svg", HOSTILE_SVG[:3], ids=range(3))
def test_a_hostile_svg_inside_a_word_file_is_refused(tmp_path, svg):
    data = _docx_with_image(png(4, 4))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            name = item.filename
            if name.startswith("word/media/"):
                name, content = re.sub(r"\.png$", ".svg", name), svg
            elif name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                content = content.replace(b".png", b".svg").replace(b'Extension="png" ContentType="image/png"',
                                                                    b'Extension="svg" ContentType="image/svg+xml"')
            target.writestr(name, content)
    root = project(tmp_path, "# Mở đầu\n\nChữ.\n", TOML, {"manuscripts/02-hinh.docx": out.getvalue()})
    with pytest.raises(ManuscriptError, match="an SVG image in the document is refused") as caught:
        build_book(root, ("epub",))
    assert caught.value.path == "manuscripts/02-hinh.docx"


def test_a_plain_svg_drawing_is_still_used(tmp_path):
    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
           b'<rect width="40" height="20" fill="#336"/><text x="2" y="15">Hi</text></svg>')
    root = project(tmp_path, "# Bài\n\n![Hình](../images/x.svg)\n\nChữ.\n", TOML, {"images/x.svg": svg})
    report = build_book(root, ("epub",))
    assert svg in epub_entries(report.outputs[0].path).values()
