"""Keep every footnote on the page of its call: one WeasyPrint layout rule switched off.

WeasyPrint 70 (weasyprint/layout/block.py, ``_linebox_layout``): when a paragraph's next
line does not fit and the widows and orphans rules forbid breaking before it, the notes
already placed on the page are moved to the next page ("reported") to make room for the
line. A note then lands a page after its call (the sample's folio 5, two notes of the
30-article benchmark book). That option is taken away here: the paragraph breaks where the
widows and orphans rules allow instead, and ``footnote-policy: line`` (print.css) carries
a call's line over to the next page with its note when the note does not fit under it.

The change is made to the function's source, which must hold the line it replaces: a
WeasyPrint without it is left as it is (tests/render/test_notes.py then fails on a book
whose note slips, which tells).
"""

from __future__ import annotations

import inspect
import textwrap

_REPORT_LOOP = "while report and context.current_page_footnotes:"


def keep_notes_with_calls() -> bool:
    """Install the change once per process; whether it is in place."""
    from weasyprint.layout import block

    if getattr(block._linebox_layout, "publisher_notes", False):
        return True
    source = inspect.getsource(block._linebox_layout)
    if _REPORT_LOOP not in source:
        return False
    # `while False:` runs the loop's `else:` branch: the ordinary break between lines.
    code = compile(textwrap.dedent(source.replace(_REPORT_LOOP, "while False:")), block.__file__, "exec")
    exec(code, vars(block))  # noqa: S102 - WeasyPrint's own code, one condition changed
    block._linebox_layout.publisher_notes = True
    return True
