"""Read a built book back and find each footnote's call and text in the PDF (tests' helper).

The EPUB gives, for every note, the word its call follows and the note's first words; the
PDF's text, page by page (pdftotext), tells on which page each appears.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

_NOTEREF = re.compile(r'<a class="noteref"[^>]*href="#(fn-[^"]+)"[^>]*>')
_NOTE = re.compile(r'<aside class="footnote" id="(fn-[^"]+)".*?</a>(.*?)</aside>', re.DOTALL)


def _text(html: str) -> str:
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ").split())


def pdf_pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [" ".join(page.replace("\u00a0", " ").split()) for page in out.split("\f")]


def notes(epub: Path) -> list[dict]:
    """Every note in reading order: its number in the article, the call's context, its text."""
    found = []
    with zipfile.ZipFile(epub) as book:
        names = [n for n in book.namelist() if n.endswith(".xhtml")]
        for name in sorted(names):
            xhtml = book.read(name).decode("utf-8")
            texts = {m.group(1): _text(m.group(2)) for m in _NOTE.finditer(xhtml)}
            order = list(texts)
            body = xhtml.split('<section class="footnotes"')[0]
            for match in _NOTEREF.finditer(body):
                # The word the call follows (the cut's tag debris stripped; the call sticks to it).
                before = re.sub(r"^[^<]*>", "", body[max(0, match.start() - 400):match.start()])
                tail = before.rsplit(">", 1)[-1] if not before.endswith(">") else before
                words = _text(before).split()
                word = words[-1] if words and not tail[-1:].isspace() else ""
                number = order.index(match.group(1)) + 1
                found.append({"file": name, "id": match.group(1), "number": number,
                              "call": f"{word}{number}", "text": " ".join(texts[match.group(1)].split()[:8])})
    return found


def misplaced(epub: Path, pdf: Path) -> list[str]:
    """Notes whose text is not on the page of their call (an empty list: every note is home)."""
    pages = pdf_pages(pdf)
    problems = []
    for note in notes(epub):
        where = [i for i, page in enumerate(pages) if f"{note['number']}. {note['text']}" in page]
        if not where:
            problems.append(f"{note['id']}: note text not found in the PDF: {note['text']!r}")
            continue
        page = pages[where[0]]
        if not re.search(re.escape(note["call"]) + r"(?!\d)", page):
            problems.append(f"{note['id']}: text on PDF page {where[0] + 1}, call {note['call']!r} not there")
    return problems
