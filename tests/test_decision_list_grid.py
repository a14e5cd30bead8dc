"""The decision's attached list is drawn by grid_table.GridTable (issue 15: reportlab's
Table took 5.8× a bare canvas). Its pages must read exactly as reportlab's Table laid them
out (tests/decision_list_reference.py): the same page count and the same text on every
page as poppler's pdftotext -layout reads it, and the same pixels as Ghostscript draws
them — with section headings, wrapped names and titles, a word longer than its column,
the position column or not, money or not, and the last rows kept with the total in words
wherever the list ends on its page."""
import re

import pytest

from reports import decision_pdf, pdfdoc

from . import decision_list_reference as reference
from .helpers import gs_pages, pdf_pages, pdf_text

TITLES = ["Lao động tiên tiến", "Giấy khen của Chủ tịch Ủy ban nhân dân xã",
          "Gia đình văn hóa", "Chiến sĩ thi đua cơ sở"]
PLACES = ["Thôn Đông Hòa", "Hợp tác xã Nông nghiệp Thượng Thịnh 2", "", "Xóm\u00a0Bãi Bồi"]


def _content(people, units, households, *, money=True, position=True, start_no=1):
    groups = []
    for heading, n in (("I. Cá nhân", people), ("II. Tập thể", units),
                       ("III. Hộ gia đình (ở các thôn, tổ dân phố của xã)", households)):
        if n:
            groups.append((heading, [{
                "name": (f"Nguyễn Thị Ánh Ngọc {i}" if i % 5 else f"Trần {i}")
                if i % 17 != 3 else "Nguyễn" + "ễ" * 30,
                "position": ("Trưởng ban công tác Mặt trận" if i % 4 == 1 else "")
                if position else "",
                "place": PLACES[i % len(PLACES)], "title": TITLES[i % len(TITLES)],
                "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước "
                               "năm 2025" if i % 3 else "",
                "amount": (710_000 + 1000 * i) if money else 0, "note": "" if i % 7 else "Truy tặng",
                "no": str(start_no + i)} for i in range(n)]))
    columns = decision_pdf.list_columns(money=money, position=position)
    keys = [c[0] for c in columns]
    rows, sections = [], []
    for heading, group in groups:
        sections.append(len(rows))
        rows.append([heading] + [""] * (len(keys) - 1))
        rows += [["{:,}".format(r[k]).replace(",", ".") if k == "amount" else r[k]
                  for k in keys] for r in group]
    if money:
        total = sum(710_000 + 1000 * i for _, g in groups for i in range(len(g)))
        rows.append(["", "Tổng cộng"] + [""] * (len(keys) - 4)
                    + ["{:,}".format(total).replace(",", "."), ""])
    columns = decision_pdf.fit_number_columns(columns, rows, sections)
    return {"heading": "DANH SÁCH", "verb": "Khen thưởng 12 cá nhân",
            "attached_to": "(Kèm theo Quyết định số 7/QĐ-UBND ngày 15/01/2026)",
            "columns": columns, "rows": rows, "sections": sections, "total_row": money,
            "total_words": "Tổng số tiền bằng chữ: Một trăm triệu đồng." if money else ""}


def _both(tmp_path, content, name):
    portrait = [pdfdoc.para("QUYẾT ĐỊNH", "title")]
    grid = tmp_path / f"{name}-grid.pdf"
    decision_pdf.build_mixed(grid, portrait, decision_pdf.list_flowables(content))
    ref = reference.build(tmp_path / f"{name}-ref.pdf", portrait,
                          reference.list_flowables(content), content["columns"])
    return grid, ref


def _pages(path):
    return pdf_text(path, layout=True).split("\f")


@pytest.mark.parametrize("people,units,households,money,position", [
    (40, 6, 90, True, True),          # three sections over several pages
    (0, 0, 150, True, False),         # households only, no position column
    (25, 3, 0, False, True),          # no money: no amount column, no total
    (7, 0, 0, True, True),            # one short page
])
def test_list_reads_as_reportlabs_table(tmp_path, people, units, households, money,
                                        position):
    content = _content(people, units, households, money=money, position=position)
    grid, ref = _both(tmp_path, content, "list")
    assert pdf_pages(grid) == pdf_pages(ref) >= 2
    assert _pages(grid) == _pages(ref)
    text = pdf_text(grid, layout=True)
    assert "Nguyễnễễễ" in text and "Bãi Bồi" in text
    for page in _pages(grid)[1:-1]:
        assert "Hình thức" in page                       # the column header on every page


def test_the_end_of_the_list_wherever_it_falls_on_its_page(tmp_path):
    """Lists ending at every height of their last page: the last rows, the total and the
    total in words move on together exactly as KeepTogether moved them."""
    seen_moves = 0
    for households in range(14, 40):
        content = _content(0, 0, households)
        grid, ref = _both(tmp_path, content, f"end{households}")
        pages = _pages(grid)
        assert pages == _pages(ref), households
        last = pages[-2]
        assert "Tổng số tiền bằng chữ" in last and "Tổng cộng" in last
        numbers = re.findall(r"^\s{0,4}(\d+)\s", last, re.M)
        assert len(numbers) >= decision_pdf.KEEP_LAST, (households, numbers)
        assert numbers[-1] == str(households), households
        seen_moves += pdf_pages(grid) > 2
    assert seen_moves                      # some lengths do spill onto a further page


def test_big_numbers_stay_on_one_line(tmp_path):
    """Five-digit row numbers and a total in the billions fit their columns: their
    columns take what they lack from "Thành tích"."""
    content = _content(0, 0, 12, start_no=39_990)
    content["rows"][-1][-2] = "42.600.000.000"
    content["columns"] = decision_pdf.fit_number_columns(
        decision_pdf.list_columns(position=True), content["rows"], content["sections"])
    widths = {c[0]: c[2] for c in content["columns"]}
    assert widths["amount"] > 22 and widths["no"] > 11
    assert sum(widths.values()) == pytest.approx(decision_pdf.LIST_WIDTH_MM)
    grid, ref = _both(tmp_path, content, "big")
    text = pdf_text(grid, layout=True)
    assert "42.600.000.000" in text and "40001" in text
    assert _pages(grid) == _pages(ref)


def test_ghostscript_draws_the_same_pages(tmp_path):
    grid, ref = _both(tmp_path, _content(30, 4, 40), "gs")
    mine, theirs = gs_pages(grid, tmp_path / "g"), gs_pages(ref, tmp_path / "r")
    assert len(mine) == len(theirs) > 2
    for a, b in zip(mine, theirs):
        assert len(a) == len(b)
        differ = sum(1 for x, y in zip(a, b) if abs(x - y) > 64)
        assert differ < len(a) // 2000, differ       # anti-aliasing at most
