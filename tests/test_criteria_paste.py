"""Criteria rows pasted from a spreadsheet: the text is made by LibreOffice Calc (its
tab-separated export is what it puts on the clipboard), not by us."""
from decimal import Decimal

import openpyxl
import pytest

from models.errors import ValidationError
from reports.criteria_paste import parse_pasted_criteria
from tests.office import convert, needs_libreoffice


@needs_libreoffice()
def test_block_saved_by_libreoffice_as_tab_separated_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Mã", "Nội dung tiêu chí", "Điểm tối đa"],
                ["I", "Công tác chuyên môn", None],
                ["I.1", "Hoàn thành chỉ tiêu\nđược giao (có \"nghị quyết\")", 60],
                ["I.2", "Thu ngân sách", 20.5],
                ["Đ.1", "Vi phạm an toàn giao thông", -5]):
        ws.append(row)
    src = tmp_path / "bang.xlsx"
    wb.save(src)
    # 9 = tab, 34 = '"', 76 = UTF-8: Calc's own "Text CSV" export with tabs
    out = convert([src], 'txt:Text - txt - csv (StarCalc):9,34,76', tmp_path / "lo")[0]
    text = open(out, encoding="utf-8").read()
    assert '"' in text and "\t" in text           # Calc quoted the cell with a line break
    nodes = parse_pasted_criteria(text)
    assert [n["code"] for n in nodes] == ["I", "Đ.1"]
    group = nodes[0]
    assert group["method"] == "group"
    first = group["children"][0]
    assert first["text"] == 'Hoàn thành chỉ tiêu được giao (có "nghị quyết")'
    assert first["max_points"] == Decimal(60)
    assert group["children"][1]["max_points"] == Decimal("20.5")
    assert nodes[1]["method"] == "deduction" and nodes[1]["max_points"] == Decimal(5)


def test_without_codes_and_bad_rows_named():
    nodes = parse_pasted_criteria("Tham gia hiến máu\t5\r\nGiữ gìn vệ sinh\t10,5\r\n")
    assert [(n["code"], n["max_points"]) for n in nodes] == [("", Decimal(5)),
                                                            ("", Decimal("10.5"))]
    with pytest.raises(ValidationError) as err:
        parse_pasted_criteria("I.1\tThu nhập\t30\nI.2\tNgân sách\tnăm")
    assert "Dòng 2" in str(err.value) and "điểm tối đa" in str(err.value)
    with pytest.raises(ValidationError) as err:
        parse_pasted_criteria("chỉ một cột")
    assert "hai cột" in str(err.value)
    with pytest.raises(ValidationError):
        parse_pasted_criteria("\n\n")
