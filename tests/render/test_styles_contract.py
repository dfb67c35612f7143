"""The contract between the templates and the PDF engine (publisher/pdf/contract.py), tested
with a styles/ folder that overrides every built-in template.

The overrides change the markup the way a designer may (more class words, attributes in
another order, other attributes, whitespace between a contents entry and its link, comments)
and keep what the contract asks for. The book laid out in runs must then still be the book
one pass makes: one pass numbers the contents with ``target-counter`` and sets the running
heads with ``string-set``, whatever the markup, while the runs get their contents numbers and
running heads from what pdf.contract finds in the HTML.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from publisher.pdf import contract, write_pdf
from publisher.pdf.runs import plan_runs
from publisher.render.templates import BUILTIN
from tests.conftest import make_project

from .test_parallel import article, labels, outline, page_texts, rendered

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

# Changes that keep the contract: (pattern in a built-in template, replacement).
CHANGES = [
    (r'<li class="toc-entry (.*?)"><a href=',
     r'<li data-entry="yes" class="x-entry toc-entry \1 x-last">' + "\n      " + r'<a class="x-link" href='),
    (r'<h1 class="article-title" id=', '<h1 data-kind="title" class="x-title article-title x-big" id='),
    (r'<h1 class="toc-title" id=', '<h1 id=', ),  # the class moves after the id (below)
    (r'<h1 class="tp-title">', '<h1 lang="vi" class="tp-title x-book">'),
]


def overridden(name: str, text: str) -> str:
    """A built-in template changed the way a project's styles/ may change it."""
    for pattern, replacement in CHANGES:
        text = re.sub(pattern, replacement, text)
    if name == "toc.html":
        text = text.replace('-title">{{ labels.contents }}', '-title" class="x-contents toc-title">{{ labels.contents }}')
    if name == "book.html":
        text = text.replace("</head>", '<meta name="x-styles" content="overridden"/>\n</head>')
    return text + "\n<!-- overridden in styles/ -->\n"


def templates() -> list[Path]:
    return sorted(p for p in BUILTIN.iterdir() if p.suffix in (".html", ".xhtml"))


@pytest.fixture(scope="module", params=["back", "front"])
def project(request, tmp_path_factory):
    """Two parts, six articles with notes; the contents at the back or at the front; every template overridden."""
    base = tmp_path_factory.mktemp(f"contract-{request.param}")
    lengths = [9, 5, 14, 3, 11, 6]
    manuscripts = {f"{n:02d}-bai.md": article(n, lengths[n - 1]) for n in range(1, 7)}
    toml = f"""
        [book]
        title = "Kỷ yếu thử giao kèo"
        slug = "giao-keo"
        date = 2026-10-20
        toc = "{request.param}"

        [[parts]]
        title = "Phần một"
        files = ["01-bai.md", "02-bai.md", "03-bai.md"]

        [[parts]]
        title = "Phần hai"
        files = ["04-bai.md", "05-bai.md", "06-bai.md"]
        """
    files = {f"styles/{p.name}": overridden(p.name, p.read_text(encoding="utf-8")).encode() for p in templates()}
    return make_project(base, manuscripts, toml, files)


def test_every_template_is_overridden_and_changed(project):
    for path in templates():
        override = project / "styles" / path.name
        assert override.read_text(encoding="utf-8") != path.read_text(encoding="utf-8"), path.name
    html = {d.kind: d.body for d in rendered(project).documents}
    assert 'class="x-entry toc-entry' in html["toc"] and 'class="x-title article-title x-big"' in html["article"]
    # What the contract reads is still found in the changed markup.
    assert len(contract.toc_targets(html["toc"])) == 8  # 2 parts and 6 articles
    assert contract.book_title(html["titlepage"]) == "Kỷ yếu thử giao kèo"
    assert contract.titles(html["toc"])


def test_runs_make_the_book_one_pass_makes(project, tmp_path):
    book = rendered(project)
    assert len([r for r in plan_runs(book) if r.kind == "body"]) == 2
    single, runs = tmp_path / "single.pdf", tmp_path / "runs.pdf"
    write_pdf(book, single, "print", parallel=False)
    write_pdf(book, runs, "print", parallel=True)
    assert page_texts(runs) == page_texts(single)  # contents numbers, running heads, page numbers
    assert outline(runs) == outline(single)
    assert labels(runs) == labels(single)
    # Each contents entry carries the printed number of the page its outline entry points to.
    page_labels = labels(runs)
    contents = toc_numbers(runs)
    titles = [(title.replace("\xa0", " "), page_labels[index]) for _, title, index in outline(runs)
              if title != "Mục lục"]
    assert len(titles) == 8 and {t: contents.get(t) for t, _ in titles} == dict(titles)
    assert page_labels[0] == "i" and page_labels.index("1") > 0


def toc_numbers(pdf: Path) -> dict[str, str]:
    """Contents entry -> the number printed after its leader, from every page's text."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.replace("\xa0", " ")
    # pdftotext may or may not guess a space between a title and its leader's dots (there is none
    # in the text; it guesses from the gap, and a leader drawn as one string gets none).
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*(\S.*?) ?\.{5,} (\S+)$", text, re.MULTILINE)}
