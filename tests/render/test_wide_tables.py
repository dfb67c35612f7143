"""A table wider than the text block is a build warning naming its file and line."""

from __future__ import annotations

import pytest

from publisher.pdf import RunStats, write_pdf
from tests.conftest import make_project, run_cli
from tests.render.test_parallel import rendered
from tests.render.test_roster_runs import text_article

pytestmark = pytest.mark.slow  # whole builds

HEADINGS = "Họ và tên,Ngày sinh,Quê quán,Chức vụ,Đơn vị,Ngày vào ngành,Ngày nghỉ hưu,Điện thoại,Ghi chú"
WIDE = (f"# Danh sách\n\nNhững người đã công tác.\n\n```roster number=TT\n{HEADINGS}\n"
        "Nguyễn Văn An,02/01/1967,Bạch Vân,Chuyên viên,Phòng Hành chính,03/08/1987,02/01/2027,0912345678,Đảng viên\n"
        "Trần Thị Bình,11/12/1975,Ngân Khê,Lưu trữ viên,Kho Lưu trữ,15/09/1998,11/12/2030,0987654321,\n```\n")
NARROW = ("# Lãnh đạo\n\nCác thời kỳ.\n\n```roster\nHọ và tên,Chức vụ,Thời gian\n"
          "Nguyễn Hữu Tường,Chi cục trưởng,10/1996 – 12/2008\n```\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    toml = """
        [book]
        title = "Sách thử"
        slug = "thu"
        date = 2026-10-20

        [[parts]]
        title = "Phần một"
        files = ["01-bai.md", "02-danh-sach.md"]

        [[parts]]
        title = "Phần hai"
        files = ["03-lanh-dao.md", "04-bai.md"]
        """
    return make_project(tmp_path_factory.mktemp("wide"), {"01-bai.md": text_article(1), "02-danh-sach.md": WIDE,
                                                           "03-lanh-dao.md": NARROW, "04-bai.md": text_article(4)},
                        toml)


def test_the_wide_table_is_found_in_one_pass_and_in_runs(project, tmp_path):
    book = rendered(project)
    one = write_pdf(book, tmp_path / "one.pdf", "print", parallel=False)
    stats = RunStats()
    runs = write_pdf(book, tmp_path / "runs.pdf", "print", parallel=True, stats=stats)
    assert len(stats.rendered) >= 2  # laid out in runs indeed
    assert one.wide == runs.wide and len(one.wide) == 1  # the narrow roster is not
    table = one.wide[0]
    assert table["doc"] == "a-02-danh-sach" and table["header"] == "TT · " + HEADINGS.replace(",", " · ")
    assert table["over_mm"] > 10


def test_the_build_warns_with_the_file_and_line_and_again_when_nothing_changed(project):
    for _ in range(2):  # the second build recalls the first's report
        result = run_cli("build", str(project), "--format", "pdf")
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if "wider than the text block" in line]
        assert len(warnings) == 1, result.stderr
        assert warnings[0].startswith("warning: manuscripts/02-danh-sach.md:5: a table (“TT · Họ và tên · ")
        assert "columns=" in warnings[0]
