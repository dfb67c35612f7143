"""Diacritic accuracy of legacy-font conversion, per class of input.

Builds Word, RTF, .doc and Excel fixtures from a Unicode reference text written for
this project (encoded with ``publisher.legacy``'s TCVN3 and VNI encoders, in the font
names real files carry), runs the real import path on each (``publisher import`` for
documents, a ``roster`` block for workbooks), and scores what came out: of the
reference's letters that carry a diacritic (every non-ASCII letter, đ included), the
share that come out identical, case included. Words are aligned with difflib, so a
lost or garbled word counts its letters as wrong.

    python tools/accuracy.py            # the table, as in the README
    python tools/accuracy.py --json     # the numbers
    python tools/accuracy.py --keep DIR # keep the fixtures and the imported Markdown

The RTF and .doc classes need LibreOffice (``soffice``); without it they are left out
and the table says so. ``tests/test_accuracy.py`` runs this and requires every class
to reach ``THRESHOLD``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from publisher.legacy import encode_tcvn3, encode_vni  # noqa: E402

THRESHOLD = 99.5  # per cent, every class

# Original sentences written for this harness. TCVN3 has no toned capitals, so these keep
# capitals to plain letters and Ă Â Ê Ô Ơ Ư Đ; CAPITALS adds toned capitals for VNI.
REFERENCE = [
    "Sáng ngày 12 tháng 3 năm 2004, Sở Tài chính tỉnh Bắc Giang tổ chức hội nghị tổng kết "
    "công tác quản lý ngân sách nhà nước.",
    "Ông Nguyễn Văn Hoàn, Giám đốc Sở, cho biết toàn ngành đã hoàn thành kế hoạch thu, còn "
    "hoạt động kiểm tra được duy trì thường xuyên, đúng quy định.",
    "Những khoản chi quý giá được ưu tiên cho trường học vùng sâu, nơi học sinh phải lội suối "
    "từ sáng sớm đến tối khuya.",
    "Chị Lê Thị Thủy kể rằng mỗi mùa mưa lũ, cán bộ kho bạc lại giúp dân di chuyển tài sản, "
    "giữ gìn từng cuốn sổ sách cũ.",
    "Quả quýt, chè xanh và gạo nếp của huyện Lục Ngạn đã có mặt ở nhiều tỉnh thành, đem lại "
    "nguồn thu ổn định cho hàng nghìn hộ gia đình.",
    "Đoàn công tác ghi nhận những nỗ lực bền bỉ của người lao động; họ khỏe mạnh, yêu nghề và "
    "luôn sẵn sàng nhận nhiệm vụ mới.",
    "Theo ý kiến của các chuyên gia kỹ thuật, tỷ lệ hộ nghèo đã giảm, dù kỳ họp trước nhiều "
    "người lo kinh tế sẽ ngã quỵ vì thiên tai.",
    "Bên lũy tre làng, ngõ nhỏ ẩm ướt sau cơn mưa, tiếng ễnh ương vọng lên; ở đó ông bà ta đã "
    "sống, đã giữ đất, giữ nghề dệt thổ cẩm.",
    "Ngoài ra, sở còn đề xuất bãi bỏ 4 thủ tục rườm rà, rút ngắn thời gian giải quyết hồ sơ "
    "xuống còn 5 ngày làm việc.",
    "Trưởng phòng Kế hoạch kiến nghị tăng cường ứng dụng tin học, thay dần phông chữ cũ bằng "
    "bảng mã thống nhất; ai nấy đều đồng tình.",
]
CAPITALS = [
    "Ủy ban nhân dân tỉnh giao Sở Tài chính chủ trì, phối hợp với các ngành liên quan.",
    "Ở vùng cao, Ấp Đông và Ấp Tây đã hoàn thành đường bê tông; Ý chí tự lực là truyền thống "
    "quý báu.",
    "ĐỔI MỚI, SÁNG TẠO, HỘI NHẬP: BƯỚC ĐƯỜNG 30 NĂM CỦA NGÀNH TÀI CHÍNH TỈNH.",
]
HEADING = "tổng kết công tác năm 2004 của sở tài chính tỉnh bắc giang"  # typed lower case, drawn in .VnTimeH
ROSTER = [
    ("TT", "Họ và tên", "Chức vụ", "Quê quán"),
    ("1", "Nguyễn Văn Hoàn", "Giám đốc", "Lục Ngạn"),
    ("2", "Lê Thị Thủy", "Phó Giám đốc", "Yên Thế"),
    ("3", "Trần Quý Khuya", "Trưởng phòng Kế hoạch", "Hiệp Hòa"),
    ("4", "Phạm Thị Giúp", "Kế toán trưởng", "Việt Yên"),
    ("5", "Đỗ Minh Toàn", "Chuyên viên kỹ thuật", "Lạng Giang"),
    ("6", "Vũ Thị Ngọc Quỳnh", "Thủ quỹ", "Tân Yên"),
]

TCVN3_FONTS = (".VnTime", "VNTime", "VnTime", ".VnArial", "VNSTCVN3", ".VnTime (Ds)")
VNI_FONTS = ("VNI-Times", "VNI-Helve", "VNSVNI2", "VNI-Times (Ds)")
UNKNOWN_FONT = "Times New Roman"

Run = tuple[str, "str | None"]  # (text in its encoding, direct font or None)


# --- scoring ---------------------------------------------------------------------------------

_WORDS = re.compile(r"[^\W_]+")


def marked(text: str) -> int:
    """How many letters with a diacritic (non-ASCII letters) the text holds."""
    return sum(1 for c in text if c.isalpha() and not c.isascii())


def score(reference: str, output: str) -> tuple[int, int]:
    """(correct, total) letters with diacritics of ``reference`` found in ``output``."""
    ref = _WORDS.findall(unicodedata.normalize("NFC", reference))
    out = _WORDS.findall(unicodedata.normalize("NFC", output))
    total = sum(marked(w) for w in ref)
    correct = 0
    matcher = difflib.SequenceMatcher(None, ref, out, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            correct += sum(marked(w) for w in ref[i1:i2])
        elif op == "replace":
            for a, b in zip(ref[i1:i2], out[j1:j2]):
                if len(a) == len(b):
                    correct += sum(1 for x, y in zip(a, b) if x == y and x.isalpha() and not x.isascii())
    return correct, total


# --- fixtures --------------------------------------------------------------------------------


def split_runs(text: str, font: str | None, rng: random.Random, encode: Callable[[str], str]) -> list[Run]:
    """One paragraph as 1-4 runs cut at random places (inside words too), encoded."""
    surface = encode(text)
    cuts = sorted(rng.sample(range(1, len(surface)), rng.randint(0, 3)))
    pieces = [surface[a:b] for a, b in zip([0, *cuts], [*cuts, len(surface)])]
    return [(piece, font) for piece in pieces if piece]


def write_docx(path: Path, paragraphs: list[list[Run]], *, heading: list[Run] | None = None,
               normal_font: str | None = None, default_font: str | None = None,
               paragraph_style: tuple[str, str] | None = None, character_style: str | None = None,
               title: str | None = None, heading_caps: bool = False) -> None:
    """A Word file: each paragraph a list of runs with direct fonts; fonts may instead come
    from the Normal style, the document defaults, a paragraph style based on another
    (``paragraph_style=(font, "basedOn")``) or a character style. ``heading_caps`` sets
    the heading's runs in All Caps."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    document = docx.Document()
    if normal_font:
        document.styles["Normal"].font.name = normal_font
    if default_font:
        fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
            qn("w:rPr")).find(qn("w:rFonts"))
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]
        fonts.set(qn("w:ascii"), default_font)
        fonts.set(qn("w:hAnsi"), default_font)
    style_name = None
    if paragraph_style:
        base = document.styles.add_style("Base VN", WD_STYLE_TYPE.PARAGRAPH)
        base.font.name = paragraph_style[0]
        body = document.styles.add_style("Body VN", WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = base
        style_name = "Body VN"
    if character_style:
        document.styles.add_style("Legacy text", WD_STYLE_TYPE.CHARACTER).font.name = character_style
    if heading:
        paragraph = document.add_paragraph(style="Heading 1")
        for text, font in heading:
            run = paragraph.add_run(text)
            run.font.name = font
            run.font.all_caps = heading_caps or None
    for runs in paragraphs:
        paragraph = document.add_paragraph(style=style_name)
        for text, font in runs:
            run = paragraph.add_run(text)
            if font:
                run.font.name = font
            if character_style:
                run.style = "Legacy text"
    if title:
        document.core_properties.title = title
    document.save(path)


def write_xlsx(path: Path, rows: list[tuple[str, ...]], fonts: Callable[[int, int], str | None],
               encode: Callable[[int, int, str], str]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sach"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, int(value) if value.isdigit() else encode(r, c, value))
            font = fonts(r, c)
            if font:
                cell.font = Font(name=font)
    workbook.save(path)


def _rtf_escape(surface: str) -> str:
    out = []
    for char in surface:
        code = char.encode("cp1252")[0] if ord(char) > 0x7F else ord(char)
        out.append(chr(code) if 0x20 <= code < 0x7F and char not in "\\{}" else f"\\'{code:02x}")
    return "".join(out)


def write_rtf(path: Path, paragraphs: list[str], font: str) -> None:
    """An RTF file whose only font is the default (``\\deff0``): no run names a font."""
    body = "".join(f"\\pard {_rtf_escape(encode_tcvn3(text))}\\par\n" for text in paragraphs)
    path.write_text(f"{{\\rtf1\\ansi\\ansicpg1252\\deff0{{\\fonttbl{{\\f0\\fnil\\fcharset0 {font};}}}}\n{body}}}",
                    encoding="ascii")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(source: Path, suffix: str, folder: Path) -> Path:
    """``soffice --headless --convert-to`` with a private profile; the converted file."""
    profile = folder / "lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", suffix, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    return folder / f"{source.stem}.{suffix}"


# --- classes ---------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    build: Callable[[Path], Path]  # folder -> the source file to import
    expected: str  # the Unicode text the import must give
    needs_soffice: bool = False


def _tcvn3_paragraphs(font: str | None, seed: int) -> list[list[Run]]:
    rng = random.Random(seed)
    return [split_runs(text, font, rng, encode_tcvn3) for text in REFERENCE]


def _vni_paragraphs(font: str | None, seed: int, texts: list[str] | None = None) -> list[list[Run]]:
    rng = random.Random(seed)
    return [split_runs(text, font, rng, encode_vni) for text in (texts or REFERENCE + CAPITALS)]


def _vni_variants(text: str) -> str:
    """VNI as some converters and typists wrote it: i + tone mark, y + dot mark for ỵ."""
    surface = encode_vni(text)
    for single, pair in (("í", "iù"), ("ì", "iø"), ("æ", "iû"), ("ó", "iõ"), ("ò", "iï"), ("î", "yï"),
                         ("Í", "IÙ"), ("Ì", "IØ"), ("Æ", "IÛ"), ("Ó", "IÕ"), ("Ò", "IÏ"), ("Î", "YÏ")):
        surface = surface.replace(single, pair)
    return surface


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def _docx_case(name: str, paragraphs: list[list[Run]], expected: list[str], **options) -> Case:
    def build(folder: Path) -> Path:
        path = folder / f"{_file_name(name)}.docx"
        write_docx(path, paragraphs, **options)
        return path

    return Case(name, build, "\n".join(expected))


def cases() -> list[Case]:
    found: list[Case] = []
    for seed, font in enumerate(TCVN3_FONTS):
        found.append(_docx_case(f"tcvn3 {font}", _tcvn3_paragraphs(font, seed), REFERENCE))
    found.append(_docx_case(".VnTimeH heading", _tcvn3_paragraphs(".VnTime", 9), [HEADING.upper(), *REFERENCE],
                            heading=[(encode_tcvn3(HEADING), ".VnTimeH")]))
    found.append(_docx_case("tcvn3 heading in All Caps", _tcvn3_paragraphs(".VnTime", 10),
                            [HEADING.upper(), *REFERENCE], heading=[(encode_tcvn3(HEADING), ".VnTime")],
                            heading_caps=True))
    for seed, font in enumerate(VNI_FONTS, start=20):
        found.append(_docx_case(f"vni {font}", _vni_paragraphs(font, seed), REFERENCE + CAPITALS))
    variants = [[(_vni_variants(text), "VNI-Times")] for text in REFERENCE + CAPITALS]
    found.append(_docx_case("vni i/y + tone mark", variants, REFERENCE + CAPITALS))
    found.append(_docx_case("font in Normal style", _tcvn3_paragraphs(None, 30), REFERENCE, normal_font=".VnTime"))
    found.append(_docx_case("font in docDefaults", _tcvn3_paragraphs(None, 31), REFERENCE, default_font="VNTime"))
    found.append(_docx_case("font via basedOn", _vni_paragraphs(None, 32), REFERENCE + CAPITALS,
                            paragraph_style=("VNI-Times", "Base VN")))
    found.append(_docx_case("font in character style", _tcvn3_paragraphs(None, 33), REFERENCE,
                            character_style=".VnArial"))
    found.append(_docx_case("tcvn3, Unicode font name", _tcvn3_paragraphs(UNKNOWN_FONT, 40), REFERENCE))
    found.append(_docx_case("vni, no font", _vni_paragraphs(None, 41), REFERENCE + CAPITALS))
    mixed = [_tcvn3_paragraphs(".VnTime", 50)[i] if i % 2 else _vni_paragraphs("VNI-Times", 51, [text])[0]
             for i, text in enumerate(REFERENCE)]
    found.append(_docx_case("mixed tcvn3 + vni", mixed, REFERENCE))
    within = []
    for text in REFERENCE:  # one paragraph, TCVN3 and VNI runs alternating word by word
        words = text.split(" ")
        within.append([(encode_tcvn3(w) + " ", ".VnTime") if i % 2 else (encode_vni(w) + " ", "VNI-Times")
                       for i, w in enumerate(words)])
    found.append(_docx_case("mixed in one paragraph", within, REFERENCE))
    unknown_mixed = [[(encode_tcvn3(text), UNKNOWN_FONT)] if i % 2 else [(encode_vni(text), UNKNOWN_FONT)]
                     for i, text in enumerate(REFERENCE)]
    found.append(_docx_case("mixed, Unicode font name", unknown_mixed, REFERENCE))
    pasted = []  # Unicode text with TCVN3 pasted after its first comma, all in one Unicode font
    for text in REFERENCE:
        head, _, tail = text.partition(", ")
        pasted.append([(head + ", " + encode_tcvn3(tail), UNKNOWN_FONT)])
    found.append(_docx_case("tcvn3 pasted into Unicode", pasted, REFERENCE))
    unicode_runs = [[(text, ".VnTime")] for text in REFERENCE]
    found.append(_docx_case("Unicode in a legacy font", unicode_runs, REFERENCE))
    found.append(_docx_case("tcvn3 title property", _tcvn3_paragraphs(".VnTime", 60),
                            ["Báo cáo tổng kết năm 2004", *REFERENCE], title=encode_tcvn3("Báo cáo tổng kết năm 2004")))
    found.extend(_spreadsheet_cases())
    found.extend(_office_cases())
    return found


def _spreadsheet_cases() -> list[Case]:
    expected = "\n".join(" ".join(row) for row in ROSTER)

    def case(name: str, fonts: Callable[[int, int], str | None], encode: Callable[[int, int, str], str]) -> Case:
        def build(folder: Path) -> Path:
            path = folder / f"{_file_name(name)}.xlsx"
            write_xlsx(path, ROSTER, fonts, encode)
            return path

        return Case(name, build, expected)

    return [
        case("xlsx .VnTime cells", lambda r, c: ".VnTime", lambda r, c, v: encode_tcvn3(v)),
        case("xlsx VNI-Times cells", lambda r, c: "VNI-Times", lambda r, c, v: encode_vni(v)),
        case("xlsx mixed cells", lambda r, c: ".VnTime" if (r + c) % 2 else "VNI-Times",
             lambda r, c, v: encode_tcvn3(v) if (r + c) % 2 else encode_vni(v)),
        case("xlsx unknown font", lambda r, c: "Arial", lambda r, c, v: encode_tcvn3(v) if r % 2 else encode_vni(v)),
    ]


def _office_cases() -> list[Case]:
    def rtf(folder: Path) -> Path:
        path = folder / "default-font.rtf"
        write_rtf(path, REFERENCE, "VNTime")
        return path

    def doc(folder: Path) -> Path:
        source = folder / "vni-doc.docx"
        write_docx(source, _vni_paragraphs("VNI-Times", 70))
        converted = convert_with_soffice(source, "doc", folder / "doc")
        return converted

    return [Case("rtf, \\deff VNTime", rtf, "\n".join(REFERENCE), True),
            Case(".doc, VNI-Times", doc, "\n".join(REFERENCE + CAPITALS), True)]


# --- the import path -------------------------------------------------------------------------


def imported_text(source: Path, project: Path) -> str:
    """What ``publisher import`` (documents) or a roster block (workbooks) gives."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "book.toml").write_text('[book]\ntitle = "Đo độ chính xác"\n', encoding="utf-8")
    manuscripts = project / "manuscripts"
    manuscripts.mkdir(parents=True, exist_ok=True)
    if source.suffix.lower() in (".xlsx", ".xls"):
        return _roster_text(source, project, manuscripts)
    from publisher.commands.importer import import_files

    [result] = import_files([source], into=manuscripts, force=True)
    if result.status != "written":
        raise RuntimeError(f"{source.name}: {result.error}")
    markdown = (project / result.target).read_text(encoding="utf-8") if not Path(result.target).is_absolute() \
        else Path(result.target).read_text(encoding="utf-8")
    return re.sub(r"[*_\\]", "", markdown)  # emphasis marks and escapes around cut runs


def _roster_text(source: Path, project: Path, manuscripts: Path) -> str:
    from publisher.readers import Source, read

    data = project / "data"
    data.mkdir(exist_ok=True)
    target = data / source.name
    shutil.copyfile(source, target)
    manuscript = manuscripts / "01-danh-sach.md"
    manuscript.write_text(f"# Danh sách\n\n```roster file=../data/{source.name}\n```\n", encoding="utf-8")
    article = read(Source(path=manuscript, rel="manuscripts/01-danh-sach.md", root=project)).article
    [block] = [b for b in article.blocks if b.kind == "roster"]
    return "\n".join(" ".join(row) for row in [block.columns] + [item["cells"] for item in block.items])


def run(work: Path, include_office: bool | None = None) -> dict[str, dict]:
    """Build every class in ``work``, import it, and score it: name -> {correct, total, percent}."""
    if include_office is None:
        include_office = soffice() is not None
    results: dict[str, dict] = {}
    for number, case in enumerate(cases()):
        if case.needs_soffice and not include_office:
            results[case.name] = {"skipped": "LibreOffice (soffice) is not installed"}
            continue
        folder = work / f"{number:02d}"
        folder.mkdir(parents=True)
        source = case.build(folder)
        try:
            output, error = imported_text(source, folder / "project"), None
        except Exception as exc:  # a class that cannot be imported at all scores 0
            output, error = "", f"{exc.__class__.__name__}: {exc}"
        correct, total = score(case.expected, output)
        results[case.name] = {"correct": correct, "total": total, "percent": round(100 * correct / total, 2)}
        if error:
            results[case.name]["error"] = error
    return results


def table(results: dict[str, dict]) -> str:
    lines = ["| class | letters with diacritics | correct | accuracy |", "| --- | ---: | ---: | ---: |"]
    for name, result in results.items():
        if "skipped" in result:
            lines.append(f"| {name} | – | – | skipped: {result['skipped']} |")
        else:
            error = f" ({result['error'][:60]})" if "error" in result else ""
            lines.append(f"| {name} | {result['total']} | {result['correct']} | {result['percent']:.2f} %{error} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", type=Path, help="build the fixtures in this folder and keep them")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        results = run(options.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="publisher-accuracy-") as folder:
            results = run(Path(folder))
    print(json.dumps(results, ensure_ascii=False, indent=2) if options.json else table(results))
    measured = [r for r in results.values() if "percent" in r]
    return 0 if all(r["percent"] >= THRESHOLD for r in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
