"""The accuracy harness (tools/accuracy.py): every class of legacy-font input reaches 99.5 %.

The harness builds its fixtures from a Unicode reference text, imports them through the
real path (``publisher import``; a roster block for workbooks) and scores the letters
with diacritics, case included. The LibreOffice classes (RTF, .doc) run when soffice is
installed; tests/readers/test_legacy_fonts.py checks them one by one as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("docx")
pytest.importorskip("openpyxl")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import accuracy  # noqa: E402


def test_score_counts_letters_with_diacritics_case_sensitively():
    assert accuracy.score("Bảo Thắng", "Bảo Thắng") == (2, 2)
    assert accuracy.score("Bảo Thắng", "BẢO Thắng") == (1, 2)
    assert accuracy.score("Bảo Thắng", "B¶o Th¾ng") == (0, 2)
    assert accuracy.score("Bảo Thắng ở Lào Cai", "Bảo Lào Cai") == (2, 4)  # lost words count as wrong


@pytest.mark.slow
def test_every_class_reaches_the_threshold(tmp_path):
    results = accuracy.run(tmp_path, include_office=False)
    measured = {name: r["percent"] for name, r in results.items() if "percent" in r}
    assert len(measured) >= 25
    assert {name: p for name, p in measured.items() if p < accuracy.THRESHOLD} == {}
