"""`publisher import`: text and Word files become Markdown manuscripts that read back the same."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.commands.importer import import_files
from publisher.legacy import encode_tcvn3, encode_vni, surface_to_bytes
from publisher.model import Article, Block, Footnote
from publisher.readers import Source, read
from publisher.readers.inline import escape_text
from publisher.render.markdown import article_to_markdown

from .conftest import run_cli
from .test_encodings import encode_cp1258

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

NEWS = """Thứ tư,  20/10/2021

Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư

LSO-Sáng 20/10, Chi cục Văn thư – Lưu trữ tổ chức lễ kỷ niệm 30 năm thành lập...

LSO-Sáng 20/10, Chi cục Văn thư – Lưu trữ tổ chức lễ kỷ niệm 30 năm thành lập, với sự tham dự của lãnh đạo tỉnh.
Phát biểu tại buổi lễ, đồng chí Phó Chủ tịch UBND tỉnh ghi nhận những đóng góp của đơn vị.
Lãnh đạo Cục trao bằng khen cho các cá nhân
1. Đây không phải danh sách: chỉ là một câu bắt đầu bằng số.
Giá trị *thật* là 50% và [không] có _gạch_ dưới, # không phải tiêu đề.
Ảnh: dòng này là văn bản, không phải chú thích.

Nguyễn Văn An
"""


def project(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "manuscripts").mkdir(parents=True)
    (root / "book.toml").write_text('[book]\ntitle = "Sách thử"\n', encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_file(path: Path, root: Path):
    return read(Source(path=path, rel=path.relative_to(root).as_posix() if path.is_relative_to(root)
                       else path.name, root=root)).article


def texts(article: Article) -> list[tuple[str, str]]:
    return [("paragraph" if b.kind == "byline" else b.kind, b.text) for b in article.blocks]


# --- text articles ----------------------------------------------------------------


def test_news_article_round_trip(tmp_path):
    root = project(tmp_path)
    source = tmp_path / "inbox" / "Tin kỷ niệm.txt"
    source.write_text(NEWS, encoding="utf-8")
    before = digest(source)
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "written", result.error
    target = root / "manuscripts" / "tin-ky-niem.md"
    assert result.target == "book/manuscripts/tin-ky-niem.md"
    assert digest(source) == before
    text = target.read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư\nauthor: Nguyễn Văn An\n"
        "date: 2021-10-20\nsource_file: ../inbox/Tin kỷ niệm.txt\n---\n\n"
    )
    assert "\nẢnh: Lãnh đạo Cục trao bằng khen cho các cá nhân\n" in text
    assert "\n1\\. Đây không phải" in text and "\nẢnh\\: dòng này" in text
    original = read_file(source, tmp_path)
    imported = read_file(target, root)
    assert texts(imported) == texts(original)
    assert [b.kind for b in imported.blocks].count("caption") == 1
    assert (imported.title, imported.authors, imported.date) == (original.title, original.authors, original.date)
    assert imported.meta["source_file"] == "../inbox/Tin kỷ niệm.txt"
    assert (result.encoding, result.confidence) == ("utf-8", 1.0)
    assert (result.title, result.authors, result.date) == (original.title, ["Nguyễn Văn An"], "2021-10-20")
    assert (result.images, result.captions) == (0, 1)
    assert result.guessed["title"] == "first line" and result.guessed["byline"] == "last line"
    codes = {d.code for d in result.doubts}
    assert {"text-title", "text-date", "text-byline", "text-teaser", "text-caption"} <= codes


SENTENCE = "Chúng tôi về thăm huyện Bảo Thắng, tỉnh Lào Cai, nơi đồng bào sống hòa thuận và khỏe mạnh."


@pytest.mark.parametrize("encoding, data", [
    ("cp1258", encode_cp1258(SENTENCE * 3)),
    ("tcvn3", surface_to_bytes(encode_tcvn3(SENTENCE * 3))),
    ("vni", surface_to_bytes(encode_vni(SENTENCE * 3))),
    ("utf-16-le", b"\xff\xfe" + (SENTENCE * 3).encode("utf-16-le")),
])
def test_legacy_text_becomes_utf8_markdown(tmp_path, encoding, data):
    root = project(tmp_path)
    source = tmp_path / "inbox" / "bai.txt"
    source.write_bytes(data)
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "written", result.error
    assert result.encoding == encoding
    assert 0.6 <= result.confidence <= 1.0
    text = (root / "manuscripts" / "bai.md").read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    body = text.split("---\n", 2)[2]
    assert (SENTENCE * 3) in body.replace("\n", "")


def test_existing_manuscript_is_kept_without_force(tmp_path):
    root = project(tmp_path)
    source = tmp_path / "inbox" / "bai.txt"
    source.write_text(NEWS, encoding="utf-8")
    target = root / "manuscripts" / "bai.md"
    target.write_text("# Bản đã sửa\n\nBiên tập viên đã sửa bài này.\n", encoding="utf-8")
    edited = digest(target)
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "exists" and digest(target) == edited
    [result] = import_files([source], root / "manuscripts", force=True, cwd=tmp_path)
    assert result.status == "written" and digest(target) != edited
    assert not list((root / "manuscripts").glob(".*"))  # no temporary file left


def test_default_folder_is_the_projects_manuscripts_folder(tmp_path):
    root = project(tmp_path)
    (root / "book.toml").write_text('[book]\ntitle = "A"\nmanuscripts = "bai-viet"\n', encoding="utf-8")
    (root / "bai-viet").mkdir()
    source = tmp_path / "inbox" / "bai.txt"
    source.write_text(NEWS, encoding="utf-8")
    [result] = import_files([source], cwd=root)
    assert result.status == "written" and (root / "bai-viet" / "bai.md").is_file()


def test_failures_do_not_stop_the_others(tmp_path):
    root = project(tmp_path)
    good = tmp_path / "inbox" / "tot.txt"
    good.write_text(NEWS, encoding="utf-8")
    markdown = tmp_path / "inbox" / "da-co.md"
    markdown.write_text("# A\n\nB.\n", encoding="utf-8")
    (tmp_path / "inbox" / "anh.jpg").write_bytes(b"\xff\xd8")
    undecodable = tmp_path / "inbox" / "hong.txt"
    undecodable.write_bytes(bytes(range(0x80, 0x100)) * 3)
    results = import_files([tmp_path / "inbox" / "khong-co.txt", markdown, tmp_path / "inbox" / "anh.jpg",
                            undecodable, good], root / "manuscripts", cwd=tmp_path)
    assert [r.status for r in results] == ["failed"] * 4 + ["written"]
    messages = [r.error.message for r in results[:4]]
    assert messages[0] == "the file does not exist"
    assert messages[1].startswith("already a Markdown manuscript")
    assert messages[2] == "cannot import .jpg files"
    assert messages[3].startswith("cannot tell the encoding") and "tried utf-8" in messages[3]
    assert sorted(p.name for p in (root / "manuscripts").iterdir()) == ["tot.md"]


def test_two_sources_with_one_name_are_refused(tmp_path):
    root = project(tmp_path)
    for name in ("Bài 1.txt", "bai-1.txt"):
        (tmp_path / "inbox" / name).write_text(NEWS, encoding="utf-8")
    results = import_files(sorted((tmp_path / "inbox").iterdir()), root / "manuscripts", cwd=tmp_path)
    assert [r.status for r in results] == ["written", "failed"]
    assert "same name bai-1.md" in results[1].error.message


# --- Word files -------------------------------------------------------------------

docx = pytest.importorskip("docx")


def word_file(path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from PIL import Image

    document = docx.Document()
    document.add_paragraph("Lịch sử truyền thống", style="Title")
    document.add_heading("Giai đoạn 1990–2000", 2)
    paragraph = document.add_paragraph("Đơn vị được ")
    paragraph.add_run("thành lập").bold = True
    paragraph.add_run(" năm ")
    paragraph.add_run("1990").italic = True
    paragraph.add_run(" với 12 cán bộ * _ [1].")
    document.add_paragraph("Huân chương Lao động", style="List Bullet")
    document.add_paragraph("Cờ thi đua của Chính phủ", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("STT", "Họ và tên"), ("1", "Nguyễn Văn | An"), ("2", "Trần Thị Bình")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    image.seek(0)
    document.add_picture(image)
    document.add_paragraph("Lễ kỷ niệm 30 năm thành lập", style="Caption")
    document.add_paragraph("Đoàn kết là sức mạnh.", style="Quote")
    legacy = document.add_paragraph()
    legacy.add_run(encode_tcvn3("Huyện Bảo Thắng, ")).font.name = ".VnTime"
    legacy.add_run(encode_vni("tỉnh Lào Cai.")).font.name = "VNI-Times"
    document.add_paragraph("Lạng Sơn, ngày 20 tháng 10 năm 2021").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("Hoàng Văn Nam").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(path)


def test_word_file_round_trip_with_its_image(tmp_path):
    pytest.importorskip("mammoth")
    root = project(tmp_path)
    source = tmp_path / "inbox" / "Lịch sử.docx"
    word_file(source)
    before = digest(source)
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "written", result.error
    assert digest(source) == before
    assert result.encoding == "docx" and result.legacy_fonts == {".VnTime": 1, "VNI-Times": 1}
    assert (result.title, result.authors, result.images, result.captions) == (
        "Lịch sử truyền thống", ["Hoàng Văn Nam"], 1, 0)
    images = list((root / "images").iterdir())
    assert len(images) == 1 and images[0].name.startswith("lich-su-")
    assert result.written_images == [f"images/{images[0].name}"]  # import writes into images/, and says so
    text = (root / "manuscripts" / "lich-su.md").read_text(encoding="utf-8")
    assert f"![Lễ kỷ niệm 30 năm thành lập](../images/{images[0].name})" in text
    assert "| 1 | Nguyễn Văn \\| An |" in text
    assert "Huyện Bảo Thắng, tỉnh Lào Cai." in text
    # The same Article again, read from the Markdown (a byline becomes a paragraph).
    original = read(Source(path=source, rel="x.docx", root=tmp_path / "elsewhere")).article
    imported = read_file(root / "manuscripts" / "lich-su.md", root)
    assert texts(imported) == texts(original)
    assert imported.blocks[[b.kind for b in imported.blocks].index("figure")].src == f"images/{images[0].name}"
    assert "byline lines (place, date) written as ordinary paragraphs" in [d.message for d in result.doubts]


# --- the command line -------------------------------------------------------------


def test_cli_prints_one_line_per_file_and_keeps_sources(tmp_path):
    root = project(tmp_path)
    news = tmp_path / "inbox" / "tin.txt"
    news.write_text(NEWS, encoding="utf-8")
    old = tmp_path / "inbox" / "cu.txt"
    old.write_bytes(surface_to_bytes(encode_tcvn3(SENTENCE * 3)))
    hashes = {p: digest(p) for p in (news, old)}
    result = run_cli("import", "inbox/tin.txt", "inbox/cu.txt", "--into", "book/manuscripts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = next(line for line in lines if line.startswith("inbox/tin.txt"))
    assert first == (
        "inbox/tin.txt -> book/manuscripts/tin.md: utf-8 (confidence 1.00); "
        "title “Lễ kỷ niệm 30 năm thành lập Chi cục Văn thư” (guessed from the first line); "
        "author Nguyễn Văn An (guessed from the last line); date 2021-10-20 (guessed from the date line); "
        "0 images; 1 caption without a photo; 7 to confirm:"
    )
    assert "  info: line 9: short line taken for a photo caption: " \
           "'Lãnh đạo Cục trao bằng khen cho các cá nhân'" in lines
    second = next(line for line in lines if line.startswith("inbox/cu.txt"))
    assert re.match(r"inbox/cu.txt -> book/manuscripts/cu.md: tcvn3 \(confidence (0\.\d\d|1\.00)\); ", second)
    assert {p: digest(p) for p in hashes} == hashes
    again = run_cli("import", "inbox/tin.txt", "--into", "book/manuscripts", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stdout.strip() == "inbox/tin.txt: kept book/manuscripts/tin.md: it exists (use --force to replace it)"
    forced = run_cli("import", "inbox/tin.txt", "--into", "book/manuscripts", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    missing = run_cli("import", "inbox/khong-co.docx", "--into", "book/manuscripts", cwd=tmp_path)
    assert missing.returncode == 3
    assert missing.stderr.strip() == "error: inbox/khong-co.docx: the file does not exist"
    assert "Traceback" not in result.stderr + again.stderr + missing.stderr


def test_help_has_an_example():
    result = run_cli("import", "--help")
    assert result.returncode == 0 and "Example: publisher import" in result.stdout


# --- the Markdown writer ----------------------------------------------------------


def write_and_read(tmp_path: Path, article: Article):
    folder = tmp_path / "manuscripts"
    folder.mkdir(exist_ok=True)
    written = article_to_markdown(article, "manuscripts/x.md")
    path = folder / "x.md"
    path.write_text(written.text, encoding="utf-8")
    return written, read(Source(path=path, rel="manuscripts/x.md", root=tmp_path)).article


def test_markdown_writer_blocks(tmp_path):
    blocks = [
        Block("heading", "Mục #", level=2),
        Block("paragraph", 'a <em>b</em> c<a class="noteref" href="#note-7">7</a> <strong> đậm </strong>'
                           'và <a href="https://vi.wikipedia.org/wiki/A_(b)">liên kết</a> <code>x`y</code>'),
        Block("paragraph", "dòng một<br/>- dòng hai<br/>---"),
        Block("list", "<ul><li>một<ul><li>hai</li></ul></li><li>ba</li></ul>"),
        Block("list", '<ol start="3"><li>ba</li><li>bốn</li></ol>'),
        Block("quote", "<p>Trích dẫn.</p><p>Hai.</p>"),
        Block("caption", "Ảnh chưa có"),
        Block("rule"),
    ]
    article = Article("Tiêu đề: “thử”", "x.txt", blocks, authors=["A B", "C D"], date="2021-10-20",
                      footnotes=[Footnote("7", "Chú <em>thích</em>.")])
    written, back = write_and_read(tmp_path, article)
    assert written.notes == []
    assert "\n## Mục \\#\n" in written.text
    assert "a *b* c[^7] **đậm** và [liên kết](<https://vi.wikipedia.org/wiki/A_(b)>) ``x`y``" in written.text
    assert "dòng một\\\n\\- dòng hai\\\n\\---" in written.text
    assert "- một\n  - hai\n- ba" in written.text and "3. ba\n4. bốn" in written.text
    assert "> Trích dẫn.\n>\n> Hai." in written.text
    assert "\n[^7]: Chú *thích*.\n" in written.text
    assert back.authors == ["A B", "C D"] and back.title == "Tiêu đề: “thử”"
    assert [(b.kind, b.text) for b in back.blocks] == [(b.kind, b.text) for b in blocks]
    assert back.blocks[2].html == "dòng một<br />\n- dòng hai<br />\n---"
    assert back.footnotes[0].html == "Chú <em>thích</em>."


def test_markdown_writer_tables(tmp_path):
    simple = '<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>x|y</td></tr></tbody></table>'
    merged = '<table><tbody><tr><td colspan="2">Gộp</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>'
    nested = '<table><tbody><tr><td><ul><li>a</li></ul></td><td>b</td></tr></tbody></table>'
    article = Article("T", "x.txt", [Block("table", simple), Block("table", merged), Block("table", nested)])
    written, back = write_and_read(tmp_path, article)
    assert "| A | B |\n|---|---|\n| 1 | x\\|y |" in written.text
    assert "| Gộp |  |\n|---|---|\n| 1 | 2 |" in written.text
    assert "\n- a · b\n" in written.text
    assert written.notes == ["table 2: merged cells or line breaks in cells simplified for a pipe table",
                             "table 3 holds lists or tables: written as one bullet a row"]
    assert [b.kind for b in back.blocks] == ["table", "table", "list"]
    assert back.blocks[0].text == "A B 1 x|y"


def test_figure_path_is_relative_to_the_manuscript(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "anh-(1).png").write_bytes(b"")
    article = Article("T", "x", [Block("figure", src="images/anh-(1).png", caption="Ảnh <em>đẹp</em>", alt="đẹp")])
    written, back = write_and_read(tmp_path, article)
    assert "![Ảnh *đẹp*](<../images/anh-(1).png>)" in written.text
    assert (back.blocks[0].src, back.blocks[0].caption) == ("images/anh-(1).png", "Ảnh <em>đẹp</em>")


MARKDOWN_SPECIALS = "#*_-+>=`~[]()!<&;|\\:.1 0Ảnh aăđ\u00a0"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=MARKDOWN_SPECIALS, min_size=1, max_size=30).filter(lambda t: t.strip(" \u00a0")))
def test_any_paragraph_text_comes_back_unchanged(tmp_path, text):
    article = Article("T", "x", [Block("paragraph", escape_text(text)), Block("paragraph", "Cuối.")])
    written, back = write_and_read(tmp_path, article)
    expected = Block("paragraph", escape_text(text)).text
    assert [(b.kind, b.text) for b in back.blocks] == [("paragraph", expected), ("paragraph", "Cuối.")], written.text


def test_office_files_without_libreoffice_say_what_to_install(tmp_path, monkeypatch):
    from publisher.readers import libreoffice

    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    root = project(tmp_path)
    source = tmp_path / "inbox" / "bai.odt"
    source.write_bytes(b"PK\x03\x04 not really an odt")
    [result] = import_files([source], root / "manuscripts", cwd=tmp_path)
    assert result.status == "failed" and result.error.exit_code == 4
    assert result.error.message == "reading .odt files needs LibreOffice, which was not found"
    assert "apt-get install libreoffice-writer" in result.error.hint
    assert not (root / "manuscripts" / "bai.md").exists()


def test_cli_says_which_pictures_it_wrote_into_images(tmp_path):
    pytest.importorskip("mammoth")
    root = project(tmp_path)
    word_file(tmp_path / "inbox" / "Lịch sử.docx")
    result = run_cli("import", "inbox/Lịch sử.docx", "--into", "book/manuscripts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [picture] = (root / "images").iterdir()
    assert f"  wrote images/{picture.name} (a picture from the file)" in result.stdout.splitlines()


def test_word_file_with_legacy_text_in_a_unicode_font(tmp_path):
    """The font says Times New Roman, the letters say TCVN3 and VNI: converted, and listed to confirm."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Báo cáo", 1)
    document.add_paragraph().add_run(encode_tcvn3("Sở Tài chính đã hoàn thành kế hoạch thu năm 2004.")).font.name = \
        "Times New Roman"
    document.add_paragraph().add_run(encode_vni("Ủy ban nhân dân tỉnh giao nhiệm vụ mới.")).font.name = \
        "Times New Roman"
    document.core_properties.title = encode_tcvn3("Bộ Tài chính")
    source = tmp_path / "inbox" / "bao-cao.docx"
    source.parent.mkdir()
    document.save(source)
    [result] = import_files([source], into=tmp_path / "manuscripts")
    text = (tmp_path / "manuscripts" / "bao-cao.md").read_text(encoding="utf-8")
    assert "Sở Tài chính đã hoàn thành kế hoạch thu năm 2004." in text
    assert "Ủy ban nhân dân tỉnh giao nhiệm vụ mới." in text
    assert result.legacy_fonts == {"Times New Roman": 2}
    assert sorted(d.message for d in result.doubts if d.code == "docx-legacy-guess") == [
        "2 runs in the font Times New Roman read as TCVN3 and VNI by their letters and converted to Unicode",
        "the document property title 'Bé Tµi chÝnh' read as TCVN3: 'Bộ Tài chính'",
    ]


def book_draft(path: Path, parts: int = 4) -> list[str]:
    """A book's draft in one Word file, as offices compile one: a Heading 1 for each article,
    Heading 2 inside them; the articles' titles."""
    import docx

    document = docx.Document()
    titles = [f"Bài {n}: Ba mươi năm xây dựng và trưởng thành phần {n}" for n in range(1, parts + 1)]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    authors = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hữu Chí", "Phạm Thu Hà", "Đỗ Quang Vinh"]
    for n, title in enumerate(titles, start=1):
        document.add_heading(title, 1)
        document.add_paragraph(f"Đoạn mở đầu của bài {n}, kể lại những ngày đầu gian khó.")
        document.add_heading(f"Mục một của bài {n}", 2)
        document.add_paragraph(f"Đoạn thứ hai của bài {n}.")
        if n % 2 == 0:  # the author's name at the end of the article, set right as offices type it
            document.add_paragraph(authors[n % 5]).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(path)
    return titles


def test_a_word_file_holding_a_books_draft_is_named_and_split_into_manuscripts(tmp_path):
    root = project(tmp_path)
    draft = tmp_path / "inbox" / "ky-yeu.docx"
    titles = book_draft(draft)
    article = read_file(draft, tmp_path)
    assert article.title == titles[0] and len(article.meta["parts"]) == 3
    [warning] = [d for d in read(Source(path=draft, rel="inbox/ky-yeu.docx", root=tmp_path)).diagnostics
                 if d.code == "docx-parts"]
    assert warning.level == "warning" and "holds 4 parts" in warning.message
    assert "publisher import --split ky-yeu.docx" in warning.hint
    result = run_cli("import", "--split", "inbox/ky-yeu.docx", "--into", "book/manuscripts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted((root / "manuscripts").glob("*.md"))
    assert [p.name[:11] for p in written] == ["ky-yeu-01-b", "ky-yeu-02-b", "ky-yeu-03-b", "ky-yeu-04-b"]
    assert f"  wrote book/manuscripts/{written[1].name} (“{titles[1]}”)" in result.stdout.splitlines()
    pieces = [read_file(p, root) for p in written]
    assert [p.title for p in pieces] == titles
    assert [p.authors for p in pieces] == [[], ["Lê Hữu Chí"], [], ["Đỗ Quang Vinh"]]  # each its own
    assert [b.text for b in pieces[2].blocks] == ["Đoạn mở đầu của bài 3, kể lại những ngày đầu gian khó.",
                                                  "Mục một của bài 3", "Đoạn thứ hai của bài 3."]
    # Again without --force: nothing is replaced, and the command says which file is in the way.
    again = run_cli("import", "--split", "inbox/ky-yeu.docx", "--into", "book/manuscripts", cwd=tmp_path)
    assert again.returncode != 0 and f"{written[0].name} exists" in again.stderr
    assert "Traceback" not in again.stderr
    # Two Heading 1 after the title are a long article's sections, read as ever.
    short = tmp_path / "inbox" / "hoi-ky.docx"
    book_draft(short, parts=3)
    found = read(Source(path=short, rel="inbox/hoi-ky.docx", root=tmp_path))
    assert "parts" not in found.article.meta and not [d for d in found.diagnostics if d.code == "docx-parts"]


def test_split_parts_keeps_each_articles_notes_and_the_files_byline():
    from publisher.commands.importer import split_parts

    call = '<a class="noteref" href="#note-{0}">{0}</a>'
    article = Article(title="Kỷ yếu", source="manuscripts/ky-yeu.docx", authors=["Ban biên tập"], date="2026-10-20",
                      blocks=[Block("paragraph", "Lời mở đầu" + call.format("1")),
                              Block("heading", "Bài một", level=2), Block("paragraph", "Nội dung" + call.format("2")),
                              Block("heading", "Bài hai", level=2), Block("paragraph", "Khác", caption=None)],
                      footnotes=[Footnote("1", "Chú thích một"), Footnote("2", "Chú thích hai")],
                      meta={"parts": [1, 3], "guessed": {}})
    first, one, two = split_parts(article)
    assert (first.title, first.authors, first.date, [f.label for f in first.footnotes]) == (
        "Kỷ yếu", ["Ban biên tập"], "2026-10-20", ["1"])
    assert (one.title, [b.html for b in one.blocks], [f.label for f in one.footnotes]) == (
        "Bài một", ["Nội dung" + call.format("2")], ["2"])
    assert (two.title, two.footnotes, two.authors) == ("Bài hai", [], [])
    # Nothing before the first Heading 1: no empty first article.
    assert [p.title for p in split_parts(Article(title="T", source="x", blocks=article.blocks[1:],
                                                 meta={"parts": [0, 2]}))] == ["Bài một", "Bài hai"]
