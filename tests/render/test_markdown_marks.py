"""Every emphasis mark `publisher import` writes reads back as emphasis, never as a literal asterisk.

Each case is written as a manuscript with render.markdown (checked line by line with the
Markdown reader, as `publisher import` does), read back with the Markdown reader, and the
inline structure of the paragraph compared: every letter keeps exactly the marks it had.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from publisher.model import Article, Block, Footnote
from publisher.readers import Source, read
from publisher.readers.inline import escape_text
from publisher.readers.markdown import inline_html
from publisher.render.markdown import _parse, article_to_markdown
from publisher.render.mdinline import flatten


def round_trip(tmp_path: Path, html: str, notes=()):
    article = Article("T", "x.txt", [Block("paragraph", html), Block("paragraph", "Cuối.")],
                      footnotes=[Footnote(label, "Chú thích.") for label in notes])
    written = article_to_markdown(article, "manuscripts/x.md", read_back=inline_html)
    folder = tmp_path / "manuscripts"
    folder.mkdir(exist_ok=True)
    (folder / "x.md").write_text(written.text, encoding="utf-8")
    back = read(Source(path=folder / "x.md", rel="manuscripts/x.md", root=tmp_path)).article
    return written, back.blocks[0].html


def letter_marks(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """(letter, marks) for every letter or digit, note calls and links included."""
    found = []

    def walk(units):
        for unit in units:
            if unit.kind == "c" and unit.value.isalnum():
                found.append((unit.value, tuple(sorted(unit.marks))))
            elif unit.kind == "link":
                walk(unit.inner)
            elif unit.kind in ("note", "code"):  # atoms: present, emphasised or not
                found.append((f"<{unit.kind} {unit.value}>", ()))

    walk(flatten(_parse(html), [], {}))
    return found


def plain(html: str) -> str:
    units = flatten(_parse(html), [], {})
    return "".join(u.value if u.kind == "c" else " " for u in units).split()


CASES = [
    # (model html, Markdown written)
    ("<strong>Điều 6:</strong>Niên hạn sử dụng", "**Điều 6**:Niên hạn sử dụng"),
    ("<strong>Điều 6:</strong> Niên hạn", "**Điều 6:** Niên hạn"),
    ("Theo<strong>“Quy chế”</strong>mới", "Theo“**Quy chế**”mới"),
    ("a<em>b</em>c", "a*b*c"),
    ("x<strong> đậm </strong>y", "x **đậm** y"),
    ("<strong>Một</strong><strong> hai</strong>", "**Một hai**"),
    ("<em>nghiêng <strong>đậm</strong></em>tiếp", "*nghiêng **đậm***tiếp"),
    ("<em>nghiêng</em><strong>đậm</strong>", "*nghiêng***đậm**"),
    ("số<strong>:</strong>5", "số:5"),
    ("(<em>xem</em>)", "(*xem*)"),
    ('<strong><a href="https://a.vn/x">Liên kết</a></strong>sau', "[**Liên kết**](https://a.vn/x)sau"),
    ('Câu<strong>.<a class="noteref" href="#note-1">1</a></strong>Tiếp', "Câu.[^1]Tiếp"),
    ("<em>Ghi chú:</em><br/>dòng sau", "*Ghi chú:*\\\ndòng sau"),
    ('Chú<a class="noteref" href="#note-1">1</a>(trích)', "Chú[^1]\\(trích)"),  # not a link
]


@pytest.mark.parametrize("html, expected", CASES)
def test_marks_next_to_punctuation_and_letters(tmp_path, html, expected):
    written, back = round_trip(tmp_path, html, notes=["1"] if "noteref" in html else ())
    body = written.text.split("---\n", 2)[2].strip().split("\n\n")[0]
    assert body == expected
    assert letter_marks(back) == letter_marks(html)
    assert plain(back) == plain(html)
    assert "*" not in "".join(plain(back))


LETTERS = "aăđêoơưAĐ6"
PUNCT = ".:,;“”()!?-"
SEGMENT = st.text(alphabet=LETTERS + PUNCT + " *_~", min_size=1, max_size=6)
MARKS = st.lists(st.sampled_from(["em", "strong", "s"]), unique=True, max_size=3)
ATOM = st.sampled_from(['<a class="noteref" href="#note-1">1</a>', '<a href="https://a.vn/">ở đây</a>',
                        "<code>m*n</code>", "<br/>"])


@st.composite
def inline_html_fragments(draw):
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        text = escape_text(draw(SEGMENT))
        if draw(st.booleans()) and draw(st.booleans()):
            text += draw(ATOM)
        for tag in draw(MARKS):
            text = f"<{tag}>{text}</{tag}>"
        pieces.append(text)
    return "".join(pieces)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inline_html_fragments())
def test_any_emphasis_reads_back_as_meant(tmp_path, html):
    assume(plain(html))
    written, back = round_trip(tmp_path, html, notes=["1"])
    assert plain(back) == plain(html), written.text
    reduced = [n for n in written.notes if "dropped" in n or "reduced" in n]
    if not reduced:  # only when the writer says so may a letter lose a mark
        assert letter_marks(back) == letter_marks(html), written.text


def test_a_title_calling_a_note_is_written_as_the_heading(tmp_path):
    article = Article('Định mức<a class="noteref" href="#note-1">1</a> chi tiêu', "x.docx",
                      [Block("paragraph", "Văn bản.")], authors=["Lê Văn Tám"], footnotes=[Footnote("1", "Chú.")])
    written = article_to_markdown(article, "manuscripts/x.md", read_back=inline_html)
    assert written.text.startswith("---\nauthor: Lê Văn Tám\n---\n\n# Định mức[^1] chi tiêu\n")
    (tmp_path / "x.md").write_text(written.text, encoding="utf-8")
    back = read(Source(path=tmp_path / "x.md", rel="x.md", root=tmp_path)).article
    assert back.title == 'Định mức<a class="noteref" href="#note-1">1</a> chi tiêu'
    assert [n.html for n in back.footnotes] == ["Chú."]
