"""`publisher check`: each finding with its level, file and line, in text and JSON, and the exit code."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from publisher.commands.check import run_check
from publisher.cli import app
from publisher.legacy import encode_tcvn3, surface_to_bytes

from .conftest import make_project, run_cli
from .test_encodings import encode_cp1258

runner = CliRunner()
GOOD = "---\ntitle: Bài tốt\n---\n\nMột đoạn văn bình thường.\n"


def check_json(root: Path, *options: str) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["check", str(root), "--format", "json", *options])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def only(findings: list[dict], code: str) -> list[dict]:
    return [{k: f[k] for k in ("level", "path", "line", "message")} for f in findings if f["code"] == code]


def png(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "gray").save(data, "PNG")
    return data.getvalue()


def test_a_clean_project_has_no_findings(tmp_path):
    root = make_project(tmp_path, {"01-a.md": GOOD})
    assert check_json(root) == (0, [])
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 0 and result.stdout == "0 errors, 0 warnings, 0 notes\n"


def test_undecodable_bytes_are_an_error_naming_the_line(tmp_path):
    root = make_project(tmp_path, {"01-a.md": GOOD})
    (root / "manuscripts" / "02-b.txt").write_bytes(b"Dong mot\nDong hai\n" + bytes(range(0x80, 0x100)) * 3)
    code, findings = check_json(root)
    assert code == 1
    [finding] = only(findings, "undecodable")
    assert finding["level"] == "error" and finding["path"] == "manuscripts/02-b.txt" and finding["line"] == 3
    assert finding["message"].startswith("cannot tell the encoding") and "tried utf-8 (invalid)" in finding["message"]


@pytest.mark.parametrize("name, data, encoding", [
    ("02-b.txt", encode_cp1258("Tin tức: huyện Bảo Thắng, tỉnh Lào Cai đón nhận Huân chương Lao động hạng Nhì.\n"),
     "cp1258"),
    ("02-b.md", surface_to_bytes(encode_tcvn3("# Tiêu đề\n\nhuyện Bảo Thắng, tỉnh Lào Cai đón nhận huân chương.\n")),
     "tcvn3"),
])
def test_legacy_encoding_is_a_note_with_its_confidence(tmp_path, name, data, encoding):
    root = make_project(tmp_path, {"01-a.md": GOOD})
    (root / "manuscripts" / name).write_bytes(data)
    code, findings = check_json(root)
    [finding] = only(findings, "legacy-encoding")
    assert finding["level"] == "info" and finding["path"] == f"manuscripts/{name}" and finding["line"] is None
    assert finding["message"].startswith(f"converted from {encoding} (confidence ")
    assert code == 0


def test_mixed_tone_styles_are_found_before_normalisation(tmp_path):
    text = "# Bài\n\nHòa bình và hữu nghị.\n\nNước chảy thuỷ chung, sức khỏe dồi dào.\n"
    root = make_project(tmp_path, {"01-a.md": GOOD, "02-b.md": unicodedata.normalize("NFD", text)})
    code, findings = check_json(root)
    assert only(findings, "mixed-tones") == [{
        "level": "warning", "path": "manuscripts/02-b.md", "line": 3,
        "message": "mixed tone-mark styles: old as in 'Hòa' (line 3) and new as in 'thuỷ' (line 5)"}]
    assert code == 0
    assert check_json(root, "--strict")[0] == 1
    # One style alone is not a finding, whichever it is.
    (root / "manuscripts" / "02-b.md").write_text("# Bài\n\nHoà bình, thuỷ chung.\n", encoding="utf-8")
    assert only(check_json(root)[1], "mixed-tones") == []


def test_eth_lookalike_is_a_warning_with_its_line(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# Bài\n\nĐúng.\n\n\u00d0ại hội \u00d0oàn và \u00f0ồng chí.\n"})
    code, findings = check_json(root)
    assert only(findings, "lookalike") == [{
        "level": "warning", "path": "manuscripts/01-a.md", "line": 5,
        "message": "look-alike of Đ/đ: Ð (U+00D0, Icelandic eth), ð (U+00F0, Icelandic eth)"}]
    assert code == 0


def test_every_missing_image_is_an_error(tmp_path):
    text = ("# Bài\n\n![Một](../images/mot.jpg)\n\nChữ.\n\n![Hai](../images/hai.jpg)\n\n![Có](../images/co.png)\n"
            "\n![Ba](../images/)\n")
    root = make_project(tmp_path, {"01-a.md": text}, files={"images/co.png": png(1400, 900)})
    code, findings = check_json(root)
    assert code == 1
    assert only(findings, "missing-image") == [
        {"level": "error", "path": "manuscripts/01-a.md", "line": 3, "message": "image ../images/mot.jpg does not exist"},
        {"level": "error", "path": "manuscripts/01-a.md", "line": 7, "message": "image ../images/hai.jpg does not exist"},
        {"level": "error", "path": "manuscripts/01-a.md", "line": 11,
         "message": "image ../images/ is a folder, not a file: the picture's file name is missing"},
    ]
    assert [f for f in findings if f["level"] == "error"] == [f for f in findings if f["code"] == "missing-image"]


def test_every_damaged_photo_is_an_error_at_once(tmp_path, monkeypatch):
    # A build stops at the first photo it cannot read; check lists them all, in plain words.
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))
    photo = io.BytesIO()
    Image.linear_gradient("L").resize((1400, 1000)).convert("RGB").save(photo, "JPEG", quality=90)
    whole = photo.getvalue()
    text = "# Bài\n\n![Cắt](../images/cat.jpg)\n\n![Rỗng](../images/rong.jpg)\n\n![Rác](../images/rac.jpg)\n\n![Tốt](../images/tot.jpg)\n"
    files = {"images/cat.jpg": whole[:len(whole) // 2], "images/rong.jpg": b"", "images/rac.jpg": b"<html>404</html>",
             "images/tot.jpg": whole}
    root = make_project(tmp_path / "p", {"01-a.md": text}, files=files)
    code, findings = check_json(root)
    assert code == 1
    damaged = "the image is damaged or not an image"
    assert only(findings, "image-damaged") == [
        {"level": "error", "path": "manuscripts/01-a.md", "line": 3,
         "message": f"images/cat.jpg: {damaged}: a truncated JPEG (the file ends before the picture does)"},
        {"level": "error", "path": "manuscripts/01-a.md", "line": 5,
         "message": f"images/rong.jpg: {damaged}: the file is empty (0 bytes)"},
        {"level": "error", "path": "manuscripts/01-a.md", "line": 7,
         "message": f"images/rac.jpg: {damaged}: its bytes are not a picture in any format publisher reads"},
    ]
    assert [f for f in findings if f["level"] == "error"] == [f for f in findings if f["code"] == "image-damaged"]


def test_a_build_names_where_a_damaged_photo_is_shown_and_points_to_check(tmp_path):
    # The build stops at the first damaged photo: its error names the manuscript's line that shows
    # it, as check does, and says that check lists them all.
    text = "# Bài\n\nChữ.\n\n![Rác](../images/rac.jpg)\n\n![Rỗng](../images/rong.jpg)\n"
    root = make_project(tmp_path / "p", {"01-a.md": text},
                        files={"images/rac.jpg": b"<html>404</html>", "images/rong.jpg": b""})
    result = run_cli("build", str(root), "--format", "epub", env={"PUBLISHER_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 3, result.stderr
    first, hint = result.stderr.strip().splitlines()[-2:]
    assert first in (
        "error: manuscripts/01-a.md:5: images/rac.jpg: the image is damaged or not an image: "
        "its bytes are not a picture in any format publisher reads",
        "error: manuscripts/01-a.md:7: images/rong.jpg: the image is damaged or not an image: "
        "the file is empty (0 bytes)")  # whichever the workers reach first
    assert hint.endswith("`publisher check` lists every damaged image of the book at once")
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())


def test_images_too_small_for_print(tmp_path):
    text = "# Bài\n\n![Nhỏ](../images/nho.png)\n\n![Đủ](../images/du.png)\n\n![Đứng](../images/dung.png)\n"
    files = {"images/nho.png": png(800, 600), "images/du.png": png(1323, 900), "images/dung.png": png(1000, 1400)}
    root = make_project(tmp_path, {"01-a.md": text}, files=files)
    code, findings = check_json(root)
    # 145 mm trim less 33 mm of margins: 112 mm wide; 1323 px is 300 dpi there. A portrait
    # image is held to 110 mm high, so 1000×1400 prints 79 mm wide: 322 dpi.
    assert only(findings, "image-resolution") == [{
        "level": "warning", "path": "manuscripts/01-a.md", "line": 3,
        "message": "images/nho.png is 800×600 px: 181 dpi at its printed width of 112 mm; "
                   "print needs 300 dpi, 1323 px wide"}]
    assert code == 0 and check_json(root, "--strict")[0] == 1


def test_captions_without_an_image(tmp_path):
    news = ("Tiêu đề bài báo\n\nĐoạn mở đầu của bài báo có đủ dài.\n"
            "Lãnh đạo Cục trao bằng khen cho các cá nhân\nĐoạn tiếp theo của bài báo.\n\nNguyễn Văn An\n")
    markdown = "# Bài\n\nChữ.\n\nẢnh: Ảnh sẽ bổ sung sau\n"
    root = make_project(tmp_path, {"01-a.txt": news, "02-b.md": markdown})
    code, findings = check_json(root)
    assert [(f["path"], f["line"], f["level"]) for f in only(findings, "caption-without-image")] == [
        ("manuscripts/01-a.txt", 4, "warning"), ("manuscripts/02-b.md", 5, "warning")]
    assert "'Lãnh đạo Cục trao bằng khen cho các cá nhân'" in only(findings, "caption-without-image")[0]["message"]
    assert code == 0


def test_duplicate_titles_and_empty_articles(tmp_path):
    root = make_project(tmp_path, {
        "01-a.md": "---\ntitle: Hòa bình\n---\n\nMột.\n",
        "02-b.md": "\n# Hoà bình\n\nHai.\n",  # the same title once the tones are unified
        "03-c.txt": "\n\n",
    })
    code, findings = check_json(root)
    assert only(findings, "duplicate-title") == [{
        "level": "warning", "path": "manuscripts/02-b.md", "line": 2,
        "message": "the title 'Hòa bình' is also used by manuscripts/01-a.md"}]
    assert only(findings, "empty") == [
        {"level": "warning", "path": "manuscripts/03-c.txt", "line": None, "message": "the article has no text"}]
    assert code == 0


def test_unlisted_and_missing_manuscripts(tmp_path):
    toml = '[book]\ntitle = "A"\n[[parts]]\ntitle = "I"\nfiles = ["01-a.md"]\n'
    root = make_project(tmp_path, {"01-a.md": GOOD, "02-b.md": GOOD.replace("tốt", "khác")}, toml)
    code, findings = check_json(root)
    assert only(findings, "unlisted") == [{
        "level": "warning", "path": "manuscripts/02-b.md", "line": None,
        "message": "manuscripts/02-b.md is not listed in any [[parts]] and is left out"}]
    assert code == 0
    (root / "book.toml").write_text(toml.replace('["01-a.md"]', '["01-a.md", "03-khong-co.md"]'), encoding="utf-8")
    code, findings = check_json(root)
    assert code == 1
    assert [(f["level"], f["path"], f["line"], f["message"]) for f in findings] == [
        ("error", "book.toml", 5, "parts[0].files: 03-khong-co.md does not exist in manuscripts/")]


def test_check_writes_nothing_into_the_project(tmp_path):
    docx = pytest.importorskip("docx")
    pytest.importorskip("mammoth")
    root = make_project(tmp_path, {"01-a.md": GOOD})
    document = docx.Document()
    document.add_paragraph("Bài Word", style="Title")
    document.add_paragraph("\u00d0oạn có chữ Ð giả.")
    data = io.BytesIO(png(300, 200))
    document.add_picture(data)
    document.save(root / "manuscripts" / "02-word.docx")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    findings = [f.to_dict() for f in run_check(root)]
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert [f["message"] for f in only(findings, "image-resolution")] == [
        "image 1 of the document is 300×200 px: 68 dpi at its printed width of 112 mm; "
        "print needs 300 dpi, 1323 px wide"]
    [lookalike] = only(findings, "lookalike")
    assert lookalike["path"] == "manuscripts/02-word.docx" and "“…Ðoạn có chữ Ð giả.…”" in lookalike["message"]


def test_text_format_and_exit_codes_through_the_real_command(tmp_path):
    root = make_project(tmp_path, {"01-a.md": "# Bài\n\n\u00d0ại hội.\n"})
    result = run_cli("check", str(root))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "warning: manuscripts/01-a.md:3: look-alike of Đ/đ: Ð (U+00D0, Icelandic eth) "
        "(the build replaces it with Đ/đ)",
        "0 errors, 1 warning, 0 notes",
    ]
    strict = run_cli("check", str(root), "--strict", "--format", "json")
    assert strict.returncode == 1
    assert json.loads(strict.stdout) == [{
        "level": "warning", "code": "lookalike", "path": "manuscripts/01-a.md", "line": 3,
        "message": "look-alike of Đ/đ: Ð (U+00D0, Icelandic eth)", "hint": "the build replaces it with Đ/đ"}]


def test_text_still_in_a_legacy_encoding_is_a_warning_with_its_line(tmp_path):
    mojibake = encode_tcvn3("Bộ Tài chính")  # "Bé Tµi chÝnh", as a TCVN3 title left unconverted
    root = make_project(tmp_path, {
        "01-bai.md": f"---\ntitle: {mojibake}\n---\n\nMột đoạn văn đúng.\n\nĐoạn hai: tæng côc thuÕ ban hµnh.\n",
        "02-tot.md": GOOD.replace("Bài tốt", "Bài khác") + "\nCá và tôm, café, São Paulo, Müller.\n",
    })
    code, findings = check_json(root)
    assert only(findings, "legacy-text") == [
        {"level": "warning", "path": "manuscripts/01-bai.md", "line": 2,
         "message": "text still in the legacy encoding TCVN3: “Bé Tµi chÝnh” reads “Bộ Tài chính”"},
        {"level": "warning", "path": "manuscripts/01-bai.md", "line": 7,
         "message": "text still in the legacy encoding TCVN3: “tæng côc thuÕ ban hµnh.” reads “tổng cục thuế ban hành.”"},
    ]
    assert all(f["hint"] for f in findings if f["code"] == "legacy-text")
    assert code == 0  # warnings; --strict makes them fatal
    assert check_json(root, "--strict")[0] != 0


def test_legacy_text_pasted_into_unicode_in_a_word_file_is_repaired_by_the_reader(tmp_path):
    docx = pytest.importorskip("docx")
    root = make_project(tmp_path, {"01-bai.md": GOOD})
    document = docx.Document()
    document.add_heading("Báo cáo", 1)
    # Unicode and TCVN3 in one run: the run is Unicode (it holds ư); its TCVN3 words are repaired.
    document.add_paragraph("Trường " + encode_tcvn3("tổng cục thuế ban hành quyết định") + ", hôm nay.")
    document.save(root / "manuscripts" / "02-bao-cao.docx")
    _, findings = check_json(root)
    assert only(findings, "legacy-text") == []
    guesses = [f["message"] for f in findings if f["code"] == "docx-legacy-guess"]
    assert guesses == ["1 runs without a font read as TCVN3 by their letters and converted to Unicode"]


def test_legacy_text_in_a_text_file_names_its_line(tmp_path):
    root = make_project(tmp_path, {"01-bai.md": GOOD})
    text = "Tin mới\n\nĐoạn đúng.\n\nTrường " + encode_tcvn3("tổng cục thuế ban hành quyết định") + ".\n"
    (root / "manuscripts" / "02-tin.txt").write_text(text, encoding="utf-8")
    _, findings = check_json(root)
    [finding] = only(findings, "legacy-text")
    assert (finding["path"], finding["line"]) == ("manuscripts/02-tin.txt", 5)
    assert finding["message"].endswith("reads “tổng cục thuế ban hành quyết định.”")
