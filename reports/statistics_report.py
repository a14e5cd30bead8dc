"""The yearly statistics report upward (biểu 0601.N, 0603.N) as Excel and Word.

The figures come from ``models.statistics_forms`` (the annual report's own award rows); this
module only lays them out: the form's corner lines (biểu số, ban hành theo, ngày nhận báo
cáo, đơn vị báo cáo / nhận báo cáo), the title and year, the two-level header with the
column letters A, B, (C,) 1, 2, … under it, the rows with their mã số, the notes and the
signatures ("Người lập biểu", the chairman). ``form_page`` is the shared data that the Excel
and Word writers draw.
"""
import os

from models import settings, statistics_forms  # noqa: F401
from models.errors import ValidationError

from . import xlsx_print

FONT = xlsx_print.FONT_NAME
LABEL_WIDTH, CODE_WIDTH, UNIT_WIDTH, TOTAL_WIDTH = 46, 7, 13, 10


def _in_sentence(province):
    """'Tỉnh Hà Tĩnh' → 'tỉnh Hà Tĩnh', 'Thành phố Huế' → 'thành phố Huế'."""
    for word in ("Tỉnh ", "Thành phố "):
        if province.startswith(word):
            return word.lower() + province[len(word):]
    return province


def form_page(form, *, year, commune, receiver=None):
    """Everything printed on one form, as data (strings and lists)."""
    sender = f"Ủy ban nhân dân {commune.in_sentence}"
    receiver = receiver or (f"Sở Nội vụ {_in_sentence(commune.province)}"
                            if commune.province else "……")
    letters = ["A", "B"] + (["C"] if form.has_unit_column else [])
    numbered = [form.total_header.split("\n")[-1]] + [str(i) for i in
                                                      range(2, len(form.columns) + 2)]
    return {
        "corner_left": [(f"Biểu số: {form.number}", True), (form.basis, False),
                        (f"Ngày nhận báo cáo: {statistics_forms.DUE}", False)],
        "corner_right": [(f"Đơn vị báo cáo: {sender}", True),
                         (f"Đơn vị nhận báo cáo: {receiver}", True)],
        "title": form.title,
        "subtitle": f"Năm {year}",
        "unit_note": form.unit_note,
        "head_fixed": ["", "Mã số"] + (["Đơn vị tính"] if form.has_unit_column else [])
        + [form.total_header.split("\n")[0]],
        "column_group": form.column_group,
        "columns": list(form.columns),
        "letters": letters + numbered,
        "rows": [{"label": r.label, "code": r.code, "unit": r.unit, "values": list(r.values),
                  "bold": r.bold, "heading": not r.values} for r in form.rows],
        "has_unit_column": form.has_unit_column,
        "notes": list(form.notes),
        "date_line": f"{commune.place_name or '……'}, ngày …… tháng …… năm ……",
        "signers": [("Người lập biểu", "(Ký, họ tên)", ""),
                    ("CHỦ TỊCH", "(Ký, họ tên, đóng dấu)", commune.chairman or "")],
    }


def report_pages(year, receiver=None):
    report = statistics_forms.statistics_report(year)
    commune = settings.commune()
    return report, [(form, form_page(form, year=year, commune=commune, receiver=receiver))
                    for form in report.forms]


# --------------------------------------------------------------------------- Excel

def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side
    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name=FONT, size=12), "bold": Font(name=FONT, size=12, bold=True),
        "italic": Font(name=FONT, size=12, italic=True),
        "title": Font(name=FONT, size=14, bold=True),
        "wrap_center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap_left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "top_left": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "top_center": Alignment(horizontal="center", vertical="top", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _lines(text, width_units, bold=False, size=12):
    return max(1, xlsx_print.line_count(text, xlsx_print.usable_pt(width_units), bold, size))


class _CellStyle:
    """Sets a cell's font, alignment, border and number format, once per combination: the
    next cell with the same ones gets a copy of the first one's style ids (openpyxl looks
    every Font, Alignment and Border it is given up by hashing it, which was a fifth of
    writing a form)."""

    def __init__(self):
        self.done = {}

    def __call__(self, c, font, alignment, border=None, number_format=None):
        from copy import copy
        key = (id(font), id(alignment), id(border), number_format)
        ids = self.done.get(key)
        if ids is not None:
            c._style = copy(ids)
            return
        c.font, c.alignment = font, alignment
        if border is not None:
            c.border = border
        if number_format is not None:
            c.number_format = number_format
        self.done[key] = copy(c._style)


def _sheet(wb, form, page, st):
    from openpyxl.utils import get_column_letter as letter
    ws = wb.create_sheet(title=form.sheet)
    style = _CellStyle()
    fixed = len(page["head_fixed"])
    ncols = fixed + len(page["columns"])
    widths = [LABEL_WIDTH, CODE_WIDTH] + ([UNIT_WIDTH] if page["has_unit_column"] else []) \
        + [TOTAL_WIDTH] + [14] * len(page["columns"])
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[letter(i)].width = w
    last = letter(ncols)
    split = 2 if ncols > 4 else 1                  # corner: left over A..B, right over the rest
    right_from = letter(split + 1)
    left_w = sum(widths[:split])
    right_w = sum(widths[split:])
    row = 1
    for i in range(max(len(page["corner_left"]), len(page["corner_right"]))):
        height = 1
        if i < len(page["corner_left"]):
            text, bold = page["corner_left"][i]
            c = ws.cell(row=row, column=1, value=text)
            style(c, st["bold"] if bold else st["font"], st["top_left"])
            ws.merge_cells(f"A{row}:{letter(split)}{row}")
            height = max(height, _lines(text, left_w, bold))
        if i < len(page["corner_right"]):
            text, bold = page["corner_right"][i]
            c = ws.cell(row=row, column=split + 1, value=text)
            style(c, st["bold"] if bold else st["font"], st["top_center"])
            ws.merge_cells(f"{right_from}{row}:{last}{row}")
            height = max(height, _lines(text, right_w, bold))
        ws.row_dimensions[row].height = height * xlsx_print.LINE_PT
        row += 1
    row += 1
    for text, font in ((page["title"], st["title"]), (page["subtitle"], st["italic"])):
        c = ws.cell(row=row, column=1, value=text)
        style(c, font, st["wrap_center"])
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = _lines(text, sum(widths), True, 14) * 18.75
        row += 1
    if page["unit_note"]:
        c = ws.cell(row=row, column=1, value=page["unit_note"])
        style(c, st["italic"], st["right"])
        ws.merge_cells(f"A{row}:{last}{row}")
        row += 1
    # the two-level header, then the column letters
    head = row
    for j, text in enumerate(page["head_fixed"], 1):
        ws.cell(row=head, column=j, value=text)
        ws.merge_cells(start_row=head, start_column=j, end_row=head + 1, end_column=j)
    ws.cell(row=head, column=fixed + 1, value=page["column_group"])
    if len(page["columns"]) > 1:
        ws.merge_cells(start_row=head, start_column=fixed + 1, end_row=head,
                       end_column=ncols)
    for j, text in enumerate(page["columns"], fixed + 1):
        ws.cell(row=head + 1, column=j, value=text)
    for j, text in enumerate(page["letters"], 1):
        ws.cell(row=head + 2, column=j, value=text)
    for r in range(head, head + 3):
        for j in range(1, ncols + 1):
            style(ws.cell(row=r, column=j), st["bold"], st["wrap_center"], st["border"])
    group_lines = _lines(page["column_group"], sum(widths[fixed:]), True)
    ws.row_dimensions[head].height = group_lines * xlsx_print.LINE_PT + 2
    col_lines = max([_lines(t, widths[fixed + i], True)
                     for i, t in enumerate(page["columns"])] + [1])
    ws.row_dimensions[head + 1].height = col_lines * xlsx_print.LINE_PT + 2
    row = head + 3
    ws.print_title_rows = f"{head}:{head + 2}"
    ws.freeze_panes = f"{letter(fixed + 1)}{row}"
    for line in page["rows"]:
        values = [line["label"], line["code"]] + ([line["unit"]] if page["has_unit_column"]
                                                  else []) + line["values"]
        values += [None] * (ncols - len(values))
        for j, value in enumerate(values, 1):
            c = ws.cell(row=row, column=j, value=value)
            font = st["bold"] if line["bold"] else st["font"]
            if j == 1:
                style(c, font, st["wrap_left"], st["border"])
            elif j <= fixed - 1:
                style(c, font, st["wrap_center"], st["border"])
            else:
                style(c, font, st["right"], st["border"], "#,##0")
        ws.row_dimensions[row].height = _lines(line["label"], LABEL_WIDTH, line["bold"]) \
            * xlsx_print.LINE_PT
        row += 1
    row += 1
    for note in page["notes"]:
        c = ws.cell(row=row, column=1, value=note)
        style(c, st["italic"], st["top_left"])
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = _lines(note, sum(widths)) * xlsx_print.LINE_PT
        row += 1
    row += 1
    c = ws.cell(row=row, column=split + 1, value=page["date_line"])
    style(c, st["italic"], st["wrap_center"])
    ws.merge_cells(f"{right_from}{row}:{last}{row}")
    row += 1
    for k, (title, hint, name) in enumerate(page["signers"]):
        col, end = (1, letter(split)) if k == 0 else (split + 1, last)
        start = letter(col)
        for offset, (text, font) in enumerate(((title, st["bold"]), (hint, st["italic"]),
                                               (name, st["bold"]))):
            r = row + (offset if offset < 2 else 6)
            style(ws.cell(row=r, column=col, value=text), font, st["wrap_center"])
            ws.merge_cells(f"{start}{r}:{end}{r}")
    xlsx_print.page_setup(ws, one_page=True)
    ws.page_setup.fitToHeight = 1          # a form is one sheet of paper
    return ws


def write_xlsx(path, *, year, receiver=None):
    """Both forms of ``year`` as one workbook (a sheet per form); returns the report."""
    from openpyxl import Workbook
    from .safefile import atomic_output
    report, pages = report_pages(year, receiver)
    st = _styles()
    with atomic_output(path) as tmp:
        wb = Workbook()
        xlsx_print.use_times_as_default_font(wb)
        wb.remove(wb.active)
        for form, page in pages:
            _sheet(wb, form, page, st)
        wb.save(tmp)
    return report


def export_statistics(*, path, year=None, receiver=None):
    """The statistics report for ``year`` to ``path``: .xlsx or .docx by its extension."""
    year = int(year) if year else statistics_forms.default_year()
    path = os.path.abspath(str(path))
    ext = os.path.splitext(path)[1].lower()
    if ext == ".docx":
        from .statistics_docx import write_docx
        write_docx(path, year=year, receiver=receiver)
    elif ext == ".xlsx":
        write_xlsx(path, year=year, receiver=receiver)
    else:
        raise ValidationError(f"Báo cáo thống kê xuất ra tệp .xlsx (Excel) hoặc .docx (Word), "
                              f"không xuất được ra '{os.path.basename(path)}'.", field="path")
    return path


def check_against_annual(report):
    """Lines where the forms disagree with the annual report's totals ([] when they agree)."""
    awards = report.forms[1]
    problems = []
    if awards.value("01") != report.awards:
        problems.append(f"Tổng số lượt khen thưởng {awards.value('01')} ≠ {report.awards}")
    for kind, code in statistics_forms.KIND_CODES.items():
        if awards.value(code) != report.by_kind[kind]:
            problems.append(f"Mã số {code}: {awards.value(code)} ≠ {report.by_kind[kind]}")
    methods = sum(awards.value(c) for c in ("11", "12", "13"))
    if methods != report.awards:
        problems.append(f"Cộng theo phương thức {methods} ≠ {report.awards}")
    return problems
