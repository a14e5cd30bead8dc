"""Lists as commune offices make them, to be re-saved by LibreOffice Calc (tests/office.py).

Each builder writes a source workbook with openpyxl; ``saved_by_libreoffice_all`` hands every
source to LibreOffice in ONE call (each call costs seconds) and returns what Calc saved: its
own shared strings, styles, number formats, recomputed formula values.
"""
import datetime
import os

import openpyxl
from openpyxl.styles import Alignment, Font

from models.vntext import unicode_to_tcvn3

from .office import XLSX_FILTER, convert

TITLE = "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"


def _book():
    wb = openpyxl.Workbook()
    return wb, wb.active


def households_form(path):
    """A households list as an office types it: a guide sheet first, a hidden code sheet,
    titles merged over the table, a header with a line break, an STT and an "Ông/Bà" column,
    full birth dates in three number formats, a formula, a TCVN3 cell, totals and signatures."""
    wb, guide = _book()
    guide.title = "Hướng dẫn"
    guide.append(["Điền mỗi hộ một dòng ở trang 'Danh sách hộ'."])
    ws = wb.create_sheet("Danh sách hộ")
    codes = wb.create_sheet("DM")
    for name in ("Thôn Đông Hòa", "Tổ dân phố 1"):
        codes.append([name])
    codes.sheet_state = "hidden"
    ws["A1"] = TITLE
    ws.merge_cells("A1:C1")
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("D1:G1")
    ws["A3"] = "DANH SÁCH HỘ GIA ĐÌNH ĐẠT DANH HIỆU GIA ĐÌNH VĂN HÓA NĂM 2026"
    ws.merge_cells("A3:G3")
    header = ["STT", "Họ và tên\nchủ hộ", "Ông/Bà", "Ngày tháng năm sinh", "Thôn/Tổ dân phố",
              "Địa chỉ", "Ghi chú"]
    for col, text in enumerate(header, start=1):
        cell = ws.cell(5, col, text)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for col in range(1, 8):
        ws.cell(6, col, f"({col})")
    rows = [
        (1, "Nguyễn Văn Hùng", "Ông", datetime.datetime(1970, 3, 15), "dd/mm/yyyy",
         "Thôn Đông Hòa", "Xóm 1"),
        (2, "Trần Thị Lan", "Bà", datetime.datetime(1975, 2, 5), "d/m/yy", "Tổ dân phố 1", 12),
        (3, '=PROPER("lê văn tâm")', "Ông", datetime.datetime(1980, 12, 31), "mm/dd/yyyy",
         "thon dong hoa", "Số 5"),
        (4, unicode_to_tcvn3("Đỗ Thị Nguyệt"), "Bà", 1968, "General", "Thôn Đông Hòa", None),
    ]
    for i, (stt, name, title, born, fmt, village, address) in enumerate(rows, start=7):
        ws.cell(i, 1, stt)
        ws.cell(i, 2, name)
        ws.cell(i, 3, title)
        ws.cell(i, 4, born).number_format = fmt
        ws.cell(i, 5, village)
        ws.cell(i, 6, address)
    ws.cell(10, 2).font = Font(name=".VnTime")
    ws["A11"] = "Tổng cộng: 4 hộ"
    ws.merge_cells("A11:B11")
    ws["E13"] = "Tân Lập, ngày 05 tháng 3 năm 2026"
    ws["B14"] = "NGƯỜI LẬP BIỂU"
    ws["E14"] = "TM. ỦY BAN NHÂN DÂN"
    ws["E15"] = "CHỦ TỊCH"
    ws["B16"] = "(Ký, ghi rõ họ tên)"
    ws["B19"] = "Lê Văn Lập"
    ws["E19"] = "Nguyễn Văn Chủ"
    wb.save(path)


def people_gender_columns(path):
    """People with gender given by which column, "Nam" or "Nữ", holds the birth date."""
    wb, ws = _book()
    ws.title = "Cá nhân"
    ws.append([TITLE])
    ws.append(["DANH SÁCH CÁ NHÂN"])
    ws.append(["STT", "Họ và tên", "Ngày sinh", None, "Chức vụ", "Đơn vị công tác"])
    ws.append([None, None, "Nam", "Nữ", None, None])
    ws.merge_cells("C3:D3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.append([1, "Phan Văn Khải", datetime.datetime(1979, 8, 2), None, "Giáo viên",
               "Trường Tiểu học Tân Lập"])
    ws.append([2, "Vũ Thị Mai", None, "1986", "Kế toán", "Trường Tiểu học Tân Lập"])
    ws.append([3, "Đặng Thị Xuân", None, datetime.datetime(1990, 1, 20), "Văn thư", None])
    for r in (5, 7):
        for c in (3, 4):
            ws.cell(r, c).number_format = "dd/mm/yyyy"
    wb.save(path)


def units_wide(path):
    """Units with extra columns far to the right (a very wide sheet), booleans, an error."""
    wb, ws = _book()
    ws.title = "Đơn vị"
    header = ["Tên đơn vị", "Loại đơn vị", "Trực thuộc", "Hoạt động", "Tra cứu"]
    for col, text in enumerate(header, start=1):
        ws.cell(1, col, text)
    ws.cell(1, 700, "Cột phụ xa")
    data = [("Thôn Bắc Sơn", "Thôn", "Cụm thi đua số 1", True),
            ("Trường Mầm non Tân Lập", "Trường học", "Xã Tân Lập", False)]
    for r, (name, kind, parent, active) in enumerate(data, start=2):
        ws.cell(r, 1, name)
        ws.cell(r, 2, kind)
        ws.cell(r, 3, parent)
        ws.cell(r, 4, active)
        ws.cell(r, 5, "=NA()")
        ws.cell(r, 700, r * 1000)
    wb.save(path)


def criteria_table(path):
    from tests.test_criteria_xlsx import ROWS, write
    write(path, ROWS, title_rows=2)


def targets_list(path):
    wb, ws = _book()
    ws.title = "Chỉ tiêu"
    ws.append(["UBND XÃ TÂN LẬP"])
    ws.append(["CHỈ TIÊU THI ĐUA NĂM 2026"])
    ws.append(["STT", "Tên chỉ tiêu", "Chỉ tiêu giao", "ĐVT"])
    ws.append([1, "Giải quyết việc làm trong năm", "1.600", "người"])
    ws.append([2, "Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng", "5,9%", None])
    ws.append([3, "Tỷ lệ che phủ rừng", 50, "%"])
    wb.save(path)


def filled_template(path):
    """The program's own empty households template, filled in as a clerk would."""
    from reports import templates_xlsx
    templates_xlsx.write_template("households", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = [["Phạm Thị Hồng", "Nữ", 1982, "Tổ dân phố 1", "Số 9", None],
            ["Khúc Văn Tài", "Nam", "1968", "Thôn Đông Hòa", None, "mới chuyển đến"]]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value
    wb.save(path)


def bad_cells(path):
    """Row-level faults: #N/A in the required name, a date typed as text that is no date, a
    date serial in a text-formatted cell, the header pasted again inside the data."""
    wb, ws = _book()
    ws.title = "Hộ"
    ws.append(["STT", "Họ và tên chủ hộ", "Giới tính", "Ngày sinh", "Thôn"])
    ws.append([1, "Ngô Văn Ba", "Nam", "02/25/1975", "Thôn Đông Hòa"])
    ws.append([2, "=NA()", "Nữ", datetime.datetime(1980, 1, 1), "Thôn Đông Hòa"])
    ws.append([3, "Lý Thị Tư", "Nữ", "27430", "Thôn Đông Hòa"])
    ws.cell(4, 4).number_format = "@"
    ws.append(["STT", "Họ và tên chủ hộ", "Giới tính", "Ngày sinh", "Thôn"])
    ws.append([4, "Tạ Văn Năm", "Nam", 1966, "Thôn Đông Hòa"])
    ws.cell(3, 4).number_format = "dd/mm/yyyy"
    wb.save(path)


def two_name_columns(path):
    wb, ws = _book()
    ws.append(["STT", "Họ và tên", "Giới tính", "Thôn", "Họ và tên"])
    ws.append([1, "Ngô Văn Ba", "Nam", "Thôn Đông Hòa", "Ngô Thị Vợ"])
    wb.save(path)


BUILDERS = {
    "households_form": households_form,
    "people_gender_columns": people_gender_columns,
    "units_wide": units_wide,
    "criteria": criteria_table,
    "targets": targets_list,
    "filled_template": filled_template,
    "bad_cells": bad_cells,
    "two_name_columns": two_name_columns,
}


def saved_by_libreoffice_all(folder, names=None):
    """{name: path of the .xlsx LibreOffice saved} for every builder, in one soffice call."""
    src = os.path.join(folder, "src")
    os.makedirs(src, exist_ok=True)
    names = list(names or BUILDERS)
    paths = []
    for name in names:
        path = os.path.join(src, f"{name}.xlsx")
        BUILDERS[name](path)
        paths.append(path)
    outs = convert(paths, XLSX_FILTER, os.path.join(folder, "lo"))
    return dict(zip(names, outs))
