"""One font per face across the runs: the runs' subsets of a face become one font program,
with one widths array and one ToUnicode map (the program comes from render.fontfiles.pdf_subset)."""

from __future__ import annotations

import re
import zlib
from typing import Callable

import pikepdf

FontProgram = Callable[[str, set[int]], "bytes | None"]

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _widths(array) -> dict[int, object]:
    """A CIDFont's /W array as {glyph id: width}: ``c [w1 w2 …]`` and ``first last w`` entries."""
    items, found, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for k, width in enumerate(items[i + 1]):
                found[first + k] = width
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                found[cid] = items[i + 2]
            i += 3
    return found


def _to_unicode(stream) -> dict[int, str] | None:
    """A ToUnicode CMap's glyph -> text entries (bfchar and bfrange); None when it cannot be read."""
    data = stream.read_bytes()
    found: dict[int, str] = {}
    try:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
            for cid, text in _BFCHAR.findall(block):
                found.setdefault(int(cid, 16), bytes.fromhex(text.decode()).decode("utf-16-be"))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
            if b"[" in block:
                return None  # array ranges: WeasyPrint does not write them
            for first, last, text in _BFRANGE.findall(block):
                start = bytes.fromhex(text.decode()).decode("utf-16-be")
                for k, cid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    found.setdefault(cid, start[:-1] + chr(ord(start[-1]) + k))
    except (ValueError, UnicodeDecodeError):
        return None
    return found


def _cmap(entries: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(entries.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>".encode() for cid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _w_array(widths: dict[int, object]) -> pikepdf.Array:
    """{glyph id: width} as a /W array of ``c [w1 w2 …]`` entries for runs of consecutive ids."""
    out: list = []
    for cid in sorted(widths):
        if out and cid == out[-2] + len(out[-1]):
            out[-1].append(widths[cid])
        else:
            out += [cid, [widths[cid]]]
    return pikepdf.Array([pikepdf.Array(v) if isinstance(v, list) else v for v in out])


def _mergeable(font) -> bool:
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
        return False
    cid = font.DescendantFonts[0]
    return (cid.get("/Subtype") == "/CIDFontType2" and cid.get("/CIDToGIDMap") == "/Identity"
            and "/FontFile2" in cid.FontDescriptor and "/W" in cid)


def merge_fonts(pdf: pikepdf.Pdf, font_program: FontProgram) -> None:
    """Make the runs' fonts of one face a single font: one program, widths and ToUnicode map."""
    holders = []  # resource dictionaries that name fonts
    groups: dict[str, list] = {}
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        resources = obj.get("/Resources")
        if isinstance(resources, pikepdf.Dictionary) and isinstance(resources.get("/Font"), pikepdf.Dictionary):
            holders.append(resources.Font)
    seen: set = set()  # a run's pages share their fonts: each font looked at once
    for fonts in holders:
        for _, font in fonts.items():
            if not isinstance(font, pikepdf.Dictionary) or font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            if _mergeable(font):
                members = groups.setdefault(str(font.BaseFont), [])
                if all(m.objgen != font.objgen for m in members):
                    members.append(font)
    replace = {}
    for name, members in groups.items():
        if len(members) < 2:
            continue
        widths: dict[int, object] = {}
        text: dict[int, str] = {}
        readable = True
        for font in members:  # in book order: the first text of a glyph wins, as in one pass
            for cid, width in _widths(font.DescendantFonts[0].W).items():
                widths.setdefault(cid, width)
            entries = _to_unicode(font.ToUnicode)
            readable = readable and entries is not None
            for cid, value in (entries or {}).items():
                text.setdefault(cid, value)
        program = font_program(name.lstrip("/"), set(widths) | set(text) | {0}) if readable else None
        if not program:
            continue
        keep = members[0]
        descriptor = keep.DescendantFonts[0].FontDescriptor
        boxes = [[float(v) for v in m.DescendantFonts[0].FontDescriptor.FontBBox] for m in members]
        descriptor.FontBBox = pikepdf.Array([min(b[0] for b in boxes), min(b[1] for b in boxes),
                                             max(b[2] for b in boxes), max(b[3] for b in boxes)])
        stream = pikepdf.Stream(pdf, zlib.compress(program, 9))
        stream.Filter = pikepdf.Name.FlateDecode
        stream.Length1 = len(program)
        descriptor.FontFile2 = pdf.make_indirect(stream)
        if "/CIDSet" in descriptor:  # PDF/A-1: the glyph ids present
            bits = bytearray((max(widths) // 8) + 1)
            for cid in widths:
                bits[cid // 8] |= 0x80 >> (cid % 8)
            cidset = pikepdf.Stream(pdf, zlib.compress(bytes(bits), 9))
            cidset.Filter = pikepdf.Name.FlateDecode
            descriptor.CIDSet = pdf.make_indirect(cidset)
        keep.DescendantFonts[0].W = _w_array(widths)
        cmap = pikepdf.Stream(pdf, zlib.compress(_cmap(text), 9))
        cmap.Filter = pikepdf.Name.FlateDecode
        keep.ToUnicode = pdf.make_indirect(cmap)
        for font in members[1:]:
            replace[font.objgen] = keep
    for fonts in holders:
        for key, font in list(fonts.items()):
            if isinstance(font, pikepdf.Dictionary) and font.objgen in replace:
                fonts[key] = replace[font.objgen]
