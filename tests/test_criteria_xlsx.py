"""Criteria tables from and to Excel: round trip, and bad files reported by row and column."""
from decimal import Decimal as D

import openpyxl
import pytest

from models import scoring
from models.demo_scoring import village_table
from models.entities import CriteriaSet
from models.errors import UserError, ValidationError
from reports.criteria_xlsx import export_criteria_xlsx, import_criteria

HEADER = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Cách chấm"]
ROWS = [
    ["I", "Kinh tế", 25, "Nhóm"],
    ["I.1", "Thu nhập bình quân", 10, "Chấm tay"],
    ["I.2", "Giảm hộ nghèo", 10, "Theo chỉ tiêu"],
    ["I.3", "Mô hình sản xuất giỏi", 5, "Có/Không"],
    ["II", "Văn hóa", 75, None],
    ["II.1", "Gia đình văn hóa", "75", None],
    ["T.1", "Thưởng mô hình mới", 5, None],
    ["Đ.1", "Không đăng ký thi đua", -8, None],
]


def write(path, rows, header=HEADER, title_rows=0, merge=None, sheet_title="Tiêu chí"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    for i in range(title_rows):
        ws.append([f"BẢNG CHẤM ĐIỂM {i}"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_import_builds_tree_infers_methods_and_default_kind(tmp_path, clerk):
    path = write(tmp_path / "Bảng thôn 2026.xlsx", ROWS, title_rows=2)
    result = import_criteria(path, actor=clerk, year=2026)
    cs = result.criteria_set
    assert cs.name == "Bảng thôn 2026" and cs.year == 2026 and cs.unit_kind.code == "thon"
    tree = scoring.criteria_tree(cs)
    assert [n["code"] for n in tree] == ["I", "II", "T.1", "Đ.1"]
    assert [c["method"] for c in tree[0]["children"]] == ["manual", "proportional", "yesno"]
    assert tree[1]["children"][0]["method"] == "manual"          # blank → manual
    assert (tree[2]["method"], tree[3]["method"], tree[3]["max_points"]) == (
        "bonus", "deduction", D(8))
    assert cs.total_max == D(100) and cs.bonus_max == D(5)
    assert "15 tiêu chí" not in result.summary() and "trong 2 nhóm" in result.summary()


def test_blank_rows_are_skipped(tmp_path, clerk):
    rows = ROWS[:2] + [[None, None, None, None]] * 2 + ROWS[2:]
    result = import_criteria(write(tmp_path / "c.xlsx", rows), actor=clerk)
    assert result.count() == len(ROWS)


def test_missing_column_is_named(tmp_path, clerk):
    path = write(tmp_path / "c.xlsx", [r[:2] + r[3:] for r in ROWS],
                 header=["Mã", "Nội dung tiêu chí", "Cách chấm"])
    with pytest.raises(UserError) as err:
        import_criteria(path, actor=clerk)
    assert "Thiếu cột 'Điểm tối đa'" in str(err.value)
    assert CriteriaSet.select().count() == 0


def test_bad_cells_say_sheet_row_and_column(tmp_path, clerk):
    rows = [list(r) for r in ROWS]
    rows[1][2] = "mười"              # row 3: not a number
    rows[2][3] = "Bốc thăm"          # row 4: unknown method
    rows[3][1] = None                # row 5: text missing
    rows[5][0] = "I.1"               # row 7: duplicate code
    with pytest.raises(ValidationError) as err:
        import_criteria(write(tmp_path / "c.xlsx", rows), actor=clerk)
    details = "\n".join(err.value.details)
    assert "Trang tính 'Tiêu chí', dòng 3, cột C (Điểm tối đa)" in details
    assert "dòng 4, cột D (Cách chấm)" in details and "Bốc thăm" in details
    assert "dòng 5, cột B (Nội dung tiêu chí)" in details
    assert "dòng 7, cột A (Mã)" in details and "trùng" in details
    assert CriteriaSet.select().count() == 0


def test_merged_cells_are_reported(tmp_path, clerk):
    path = write(tmp_path / "c.xlsx", ROWS, merge="C3:C4")
    with pytest.raises(ValidationError) as err:
        import_criteria(path, actor=clerk)
    assert any("C3:C4" in d and "gộp" in d and "dòng 3" in d for d in err.value.details)


def test_only_valid_skips_bad_rows_and_their_children(tmp_path, clerk):
    rows = [list(r) for r in ROWS]
    rows[0][2] = "x"                 # group I broken → I.1..I.3 skipped too
    result = import_criteria(write(tmp_path / "c.xlsx", rows), actor=clerk, only_valid=True)
    assert [n["code"] for n in scoring.criteria_tree(result.criteria_set)] == [
        "II", "T.1", "Đ.1"]
    assert result.skipped == 4 and "bỏ qua 4 dòng" in result.summary()


def test_group_sums_that_differ_warn(tmp_path, clerk):
    rows = [list(r) for r in ROWS]
    rows[0][2] = 30
    result = import_criteria(write(tmp_path / "c.xlsx", rows), actor=clerk)
    assert any("Nhóm I" in w for w in result.warnings)
    assert "Cảnh báo" in result.summary()


def test_not_a_workbook(tmp_path, clerk):
    path = tmp_path / "c.xlsx"
    path.write_text("không phải Excel")
    with pytest.raises(UserError):
        import_criteria(path, actor=clerk)


def test_export_then_import_round_trip(tmp_path, clerk):
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng thôn", year=2025, unit_kind="tdp",
                                     criteria=village_table(), total_max=100, bonus_max=10)
    path = export_criteria_xlsx(cs, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["Tiêu chí"]
    assert ws["A5"].value == "Mã" and ws["A6"].value == "I"
    back = import_criteria(path, actor=clerk, year=2026).criteria_set

    def shape(nodes):
        return [(n["code"], n["text"], n["max_points"], n["method"], n["direction"],
                 n["repeatable"], shape(n["children"])) for n in nodes]
    assert shape(scoring.criteria_tree(back)) == shape(scoring.criteria_tree(cs))
    assert scoring.bands_of(back) == scoring.bands_of(cs)
    assert back.unit_kind.code == "tdp" and back.bonus_max == D(10)
