"""Empty Excel templates to fill in for import: the header row and a guide sheet with an example."""
import os

from models.errors import ValidationError

from . import xlsx_print
from .safefile import atomic_output

FONT = "Times New Roman"
BLANK_ROWS = 20                    # empty bordered rows printed under the header, to fill by hand

EXAMPLES = {
    "units": {"name": "Thôn Đông Hòa", "kind": "Thôn", "parent": "Cụm thi đua số 1",
              "leader_name": "Lê Đức Cường", "address": "Thôn Đông Hòa, xã Tân Lập",
              "note": ""},
    "people": {"full_name": "Nguyễn Văn An", "gender": "Nam", "birth_year": "1980",
               "position": "Giáo viên", "unit": "Trường Tiểu học Tân Lập", "note": ""},
    "households": {"head_name": "Phạm Văn Dũng", "gender": "Nam", "birth_year": "1960",
                   "village": "Thôn Đông Hòa", "address": "Xóm 3", "note": ""},
}

HINTS = {
    "gender": "Nam hoặc Nữ",
    "birth_year": "Năm (1960) hoặc ngày sinh (05/02/1960)",
    "village": "Tên thôn/tổ dân phố đã có trong phần mềm",
    "unit": "Tên đơn vị đã có trong phần mềm (để trống nếu không thuộc đơn vị nào)",
    "parent": "Tên đơn vị cấp trên (đã có, hoặc một dòng khác trong tệp)",
    "kind": "Thôn, Tổ dân phố, Trường học, Cơ quan, đơn vị…; để trống thì đoán theo tên",
}

FILE_NAMES = {"units": "mau-nhap-don-vi.xlsx", "people": "mau-nhap-ca-nhan.xlsx",
              "households": "mau-nhap-ho-gia-dinh.xlsx"}
SHEET_NAMES = {"units": "Đơn vị", "people": "Cá nhân", "households": "Hộ gia đình"}


def default_file_name(kind):
    return FILE_NAMES.get(kind, f"mau-nhap-{kind}.xlsx")


def write_template(kind, path):
    """Write the empty template for ``kind`` to ``path`` (safely); returns the path."""
    from .importer import KIND_LABELS, SPECS
    if kind not in SPECS:
        module = _delegate(kind)
        fn = getattr(module, "write_template", None) if module else None
        if fn is None:
            raise ValidationError(f"Chưa có tệp mẫu cho việc nhập {KIND_LABELS.get(kind, kind)}.")
        return fn(path)
    # openpyxl imported here: keeps program start-up fast
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    specs = SPECS[kind]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name=FONT, size=12, bold=True)
    normal = Font(name=FONT, size=12)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wb = Workbook()
    xlsx_print.use_times_as_default_font(wb)
    ws = wb.active
    ws.title = SHEET_NAMES[kind]
    widths = [max(14, min(40, len(spec.label) + 8)) for spec in specs]
    for col, spec in enumerate(specs, start=1):
        cell = ws.cell(1, col, spec.label + (" (*)" if spec.required else ""))
        cell.font, cell.border, cell.fill = bold, border, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
        fmt = "0" if spec.kind in ("year", "int") else "@"
        for row in range(2, 502):
            ws.cell(row, col).number_format = fmt
            if row <= BLANK_ROWS + 1:
                ws.cell(row, col).border = border
    ws.freeze_panes = "A2"
    # Printed, the template is the header and a few bordered rows (not 500 empty ones).
    xlsx_print.page_setup(ws)
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(len(specs))}{BLANK_ROWS + 1}"
    ws.row_dimensions[1].height = xlsx_print.LINE_PT * max(
        xlsx_print.line_count(c.value, xlsx_print.usable_pt(w), bold=True)
        for c, w in zip(ws[1], widths))
    for row in range(2, BLANK_ROWS + 2):
        ws.row_dimensions[row].height = xlsx_print.LINE_PT * 1.5
    guide = wb.create_sheet("Hướng dẫn")
    guide_widths = {"A": 22, "B": 10, "C": 50, "D": 28, "E": 30}
    for letter, width in guide_widths.items():
        guide.column_dimensions[letter].width = width
    xlsx_print.page_setup(guide)
    all_pt = xlsx_print.usable_pt(sum(guide_widths.values()))
    title = guide.cell(1, 1, f"CÁCH ĐIỀN TỆP NHẬP {KIND_LABELS[kind].upper()}")
    title.font = Font(name=FONT, size=14, bold=True)
    lines = [
        f"Điền mỗi {KIND_LABELS[kind]} một dòng ở trang '{SHEET_NAMES[kind]}', bắt đầu từ dòng 2.",
        "Cột có dấu (*) là bắt buộc. Tên cột có thể ghi có dấu hoặc không dấu, chữ hoa hay "
        "chữ thường, hoặc dùng một cách ghi khác trong bảng dưới.",
        "Tệp cũ dùng phông .VnTime (TCVN3) hay VNI-Times vẫn nhập được: phần mềm tự chuyển "
        "sang Unicode. Không để công thức, dòng ẩn hay ô gộp trong vùng dữ liệu.",
    ]
    for i, line in enumerate(lines, start=2):
        cell = guide.cell(i, 1, line)
        cell.font = normal
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.merge_cells(f"A{i}:E{i}")
        guide.row_dimensions[i].height = xlsx_print.LINE_PT * xlsx_print.line_count(line, all_pt)
    header_row = len(lines) + 3
    usable = [xlsx_print.usable_pt(w) for w in guide_widths.values()]
    for col, text in enumerate(("Cột", "Bắt buộc", "Cách ghi khác được chấp nhận", "Ví dụ",
                                "Ghi chú"), start=1):
        cell = guide.cell(header_row, col, text)
        cell.font, cell.border, cell.fill = bold, border, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    guide.print_title_rows = f"{header_row}:{header_row}"
    example = EXAMPLES.get(kind, {})
    for r, spec in enumerate(specs, start=header_row + 1):
        values = (spec.label, "Có" if spec.required else "", "; ".join(spec.synonyms),
                  example.get(spec.field, ""), HINTS.get(spec.field, ""))
        for col, value in enumerate(values, start=1):
            cell = guide.cell(r, col, value)
            cell.font, cell.border = normal, border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[r].height = xlsx_print.LINE_PT * max(
            xlsx_print.line_count(str(v), u) for v, u in zip(values, usable))
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return str(path)


def _delegate(kind):
    try:
        if kind == "criteria":
            from reports import criteria_xlsx as module
        elif kind == "targets":
            from reports import targets_xlsx as module
        else:
            return None
    except ImportError:
        return None
    return module


def write_all(folder):
    """Every own template into ``folder`` (for the README / docs); returns the paths."""
    from .importer import SPECS
    return [write_template(kind, os.path.join(folder, default_file_name(kind)))
            for kind in SPECS]
