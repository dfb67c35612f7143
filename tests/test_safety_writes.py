"""publisher.safety's writes: a finished file gets the mode any new file would get."""

from __future__ import annotations

import os
import stat

import pytest

from publisher import safety


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_written_file_has_the_mode_open_would_give_it(tmp_path, mask):
    old = os.umask(mask)
    try:
        target = tmp_path / "sach.pdf"
        safety.write_file(target, b"%PDF-1.7\n")
        (tmp_path / "plain").write_bytes(b"")  # what open() gives under the same umask
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE((tmp_path / "plain").stat().st_mode)
    assert target.read_bytes() == b"%PDF-1.7\n"
    assert [p.name for p in tmp_path.iterdir() if safety.PARTIAL in p.name] == []
