"""The province's statistics across its communes as one workbook: a sheet "Theo xã" (one line
per commune), biểu 0603.N for the whole province, then the same form for each commune.

The forms are laid out by ``reports/statistics_report.py`` (the commune's own report), so the
province's sheets look exactly like what each commune sends."""
import os
from types import SimpleNamespace

from models import province, province_query, settings
from models.errors import ValidationError

from . import statistics_report, xlsx_print


def _office():
    code, name = province.own_province()
    name = name or settings.get("province_name") or ""
    return SimpleNamespace(in_sentence=statistics_report._in_sentence(name) if name else "tỉnh",
                           province=name, place_name="", chairman="")


def _summary_sheet(wb, data, st):
    ws = wb.create_sheet(title="Theo xã")
    heads = ["STT", "Xã, phường", "Tổng số lượt", "Cá nhân", "Tập thể", "Hộ gia đình",
             "Tiền thưởng (đồng)"]
    widths = [6, 40, 12, 12, 12, 12, 18]
    from openpyxl.utils import get_column_letter as letter
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[letter(i)].width = w
    ws.cell(row=1, column=1, value=f"KHEN THƯỞNG CẤP XÃ THEO XÃ — NĂM {data['year']}").font = \
        st["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(heads))
    ws.cell(row=1, column=1).alignment = st["wrap_center"]
    for col, text in enumerate(heads, 1):
        cell = ws.cell(row=3, column=col, value=text)
        cell.font, cell.border, cell.alignment = st["bold"], st["border"], st["wrap_center"]
    rows = data["by_commune"]
    total = {k: sum(r[k] for r in rows) for k in ("awards", "persons", "units", "households",
                                                  "amount")}
    for i, r in enumerate(rows + [dict(commune="Toàn tỉnh", **total)], 1):
        values = [i if i <= len(rows) else "", r["commune"], r["awards"], r["persons"],
                  r["units"], r["households"], r["amount"]]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=3 + i, column=col, value=value)
            cell.border = st["border"]
            cell.font = st["bold"] if i > len(rows) else st["font"]
            if col == 7:
                cell.number_format = "#,##0"
    xlsx_print.page_setup(ws)
    return ws


def write_statistics(path, *, year):
    """The workbook for ``year``; returns the statistics data (models.province_query)."""
    from openpyxl import Workbook      # imported here: start-up speed
    from .safefile import atomic_output
    path = os.path.abspath(str(path))
    if os.path.splitext(path)[1].lower() != ".xlsx":
        raise ValidationError(f"Thống kê toàn tỉnh xuất ra tệp .xlsx (Excel), không xuất được "
                              f"ra '{os.path.basename(path)}'.", field="path")
    data = province_query.statistics(year)
    office = _office()
    st = statistics_report._styles()
    used = {"Theo xã"}
    with atomic_output(path) as tmp:
        wb = Workbook()
        xlsx_print.use_times_as_default_font(wb)
        wb.remove(wb.active)
        _summary_sheet(wb, data, st)
        for name, form in [("Toàn tỉnh", data["total"])] + data["communes"]:
            sheet = _sheet_name(name, used)
            form.sheet = sheet
            page = statistics_report.form_page(form, year=year, commune=office)
            page["corner_right"] = [
                (f"Đơn vị báo cáo: {name}" if name != "Toàn tỉnh"
                 else f"Tổng hợp: {office.province or 'toàn tỉnh'}", True),
                ("Đơn vị nhận báo cáo: Ban Thi đua - Khen thưởng, Sở Nội vụ", True)]
            page["signers"] = [("Người lập biểu", "(Ký, họ tên)", "")]
            statistics_report._sheet(wb, form, page, st)
        wb.save(tmp)
    return data


def _sheet_name(name, used):
    base = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "Xã"
    out, n = base, 2
    while out in used:
        out = f"{base[:26]} {n}"
        n += 1
    used.add(out)
    return out
