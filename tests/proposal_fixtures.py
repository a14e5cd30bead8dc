"""Proposal lists (danh sách đề nghị khen thưởng) laid out the way a school or a thôn sends them.

Title block with the sender and the national motto, the list's title and a "Kèm theo tờ
trình" line, a two-level header with merged cells ("Đề nghị khen thưởng" over "Danh hiệu
thi đua" | "Hình thức khen thưởng"), a column numbering row, group heading rows (I. CÁ
NHÂN …), a totals row and a signature block under the table.
"""
import openpyxl
from openpyxl.styles import Alignment, Font

HEAD = ["STT", "Phân loại", "Họ và tên / Tên tập thể / Chủ hộ", "Chức vụ", "Đơn vị",
        "Đề nghị khen thưởng", None, "Thành tích", "Ghi chú"]
SUB = [None, None, None, None, None, "Danh hiệu thi đua", "Hình thức khen thưởng", None, None]

# The school's list: kind column filled two ways, headings, a new teacher, a new household.
SCHOOL_ROWS = [
    ["I. CÁ NHÂN"],
    [1, "Cá nhân", "Nguyễn Văn An", "Giáo viên", "Trường TH Tân Lập", "LĐTT", None,
     "Hoàn thành xuất sắc nhiệm vụ năm học 2024-2025"],
    [2, "CANHAN", "trần thị bình", "Hiệu trưởng", "Trường Tiểu học Tân Lập", "CSTĐCS", None,
     "Sáng kiến \"Dạy học theo nhóm\" được công nhận cấp xã"],
    [3, "Cá nhân", "Đỗ Thị Hạnh", "Giáo viên", "Trường TH Tân Lập", "Lao động tiên tiến"],
    ["II. TẬP THỂ"],
    [4, "Tập thể", "Trường Tiểu học Tân Lập", None, None, "TTLĐTT"],
    ["III. HỘ GIA ĐÌNH"],
    [5, "HOGIADINH", "Hộ ông Phạm Văn Dũng", None, "Thôn Đông Hòa", "GĐVH"],
    [6, "Hộ gia đình", "Hộ bà Ngô Thị Mai", None, "Đông Hòa", None, "Giấy khen",
     "Hiến 200 m² đất làm đường giao thông nông thôn"],
]


def write_list(path, rows, *, sender="TRƯỜNG TIỂU HỌC TÂN LẬP", head=HEAD, sub=SUB,
               totals=True, signature=True):
    """Write ``rows`` under the office layout; returns the path as str."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách đề nghị"
    width = len(head)
    ws.append(["ỦY BAN NHÂN DÂN XÃ TÂN LẬP", None, None, None, None,
               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append([sender, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.merge_cells("A1:C1")
    ws.merge_cells("A2:C2")
    ws.merge_cells("F1:I1")
    ws.merge_cells("F2:I2")
    ws.append([])
    ws.append(["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"])
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    ws.append(["(Kèm theo Tờ trình số 12/TTr-TH ngày 05/12/2025)"])
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    ws.append([])
    ws.append(head)
    header_row = 7
    if sub is not None:
        ws.append(sub)
        for col, (h, s) in enumerate(zip(head, sub), start=1):
            if s is None and h is not None:
                ws.merge_cells(start_row=header_row, start_column=col, end_row=header_row + 1,
                               end_column=col)
        first = sub.index(next(s for s in sub if s is not None)) + 1
        ws.merge_cells(start_row=header_row, start_column=first, end_row=header_row,
                       end_column=first + 1)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    ws.append([f"({i})" for i in range(1, width + 1)])
    for row in rows:
        ws.append(list(row))
        if len(row) == 1:          # a group heading merged across the table
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            ws.cell(r, 1).font = Font(bold=True)
    if totals:
        n = sum(1 for r in rows if len(r) > 1)
        ws.append([f"Tổng cộng: {n} đề nghị"])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    if signature:
        ws.append([])
        ws.append([None] * 6 + ["Tân Lập, ngày 05 tháng 12 năm 2025"])
        ws.append([None, "NGƯỜI LẬP BIỂU"] + [None] * 4 + ["HIỆU TRƯỞNG"])
        ws.append([None, "(Ký, ghi rõ họ tên)"] + [None] * 4 + ["(Ký tên, đóng dấu)"])
        ws.append([])
        ws.append([None, "Lê Văn Tư"] + [None] * 4 + ["Trần Thị Bình"])
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["H"].width = 40
    wb.save(path)
    return str(path)


def first_data_row(rows=SCHOOL_ROWS):
    """Excel row number of ``rows[0]`` in a list written by ``write_list`` with a sub-header."""
    return 10
