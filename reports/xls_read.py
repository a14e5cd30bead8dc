"""Old Excel 97-2003 (.xls) files through xlrd, in the same raw form the .xlsx reader produces.

Old lists (often in TCVN3 fonts) are usually .xls. xlrd (maintained for .xls only) gives the
cells with their cached formula results, each cell's font (formatting_info), hidden rows and
merged ranges. Without xlrd the user is told to save the file as .xlsx.
"""
import datetime
import os

from .xlsx_read import (ExcelFileError, FormulaError, fold_header, xls_not_supported)


def _xlrd():
    try:
        import xlrd  # optional dependency, imported only for .xls files
    except ImportError:
        return None
    return xlrd


def _open(path):
    xlrd = _xlrd()
    if xlrd is None:
        raise xls_not_supported(path)
    name = os.path.basename(path)
    try:
        return xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ExcelFileError(
                f"Tệp {name} được đặt mật khẩu. Hãy mở tệp bằng Excel, gỡ mật khẩu rồi lưu lại "
                "và nhập lại.") from exc
        raise ExcelFileError(f"Không đọc được tệp {name}: tệp Excel bị hỏng hoặc không đúng "
                             "định dạng. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nhập lại."
                             ) from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for damaged files
        raise ExcelFileError(f"Không đọc được tệp {name}: tệp bị hỏng. Hãy mở bằng Excel, lưu "
                             "lại dạng .xlsx rồi nhập lại.") from exc


def xls_sheet_names(path):
    book = _open(path)
    try:
        return list(book.sheet_names())
    finally:
        book.release_resources()


def xls_sheets(path):
    """(all sheet names, the visible ones)."""
    book = _open(path)
    try:
        names = list(book.sheet_names())
        visible = [n for i, n in enumerate(names) if book.sheet_by_index(i).visibility == 0]
        return names, visible
    finally:
        book.release_resources()


def _choose(book, path, sheet):
    names = list(book.sheet_names())
    if not names:
        raise ExcelFileError(f"Tệp {os.path.basename(path)} không có trang tính nào.")
    if sheet is None:
        for i, n in enumerate(names):
            if book.sheet_by_index(i).visibility == 0:
                return n, names
        return names[0], names
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ExcelFileError(f"Tệp chỉ có {len(names)} trang tính.")
        return names[sheet], names
    for n in names:
        if n == sheet or fold_header(n) == fold_header(sheet):
            return n, names
    raise ExcelFileError(f"Không có trang tính '{sheet}' trong tệp; các trang có: "
                         + ", ".join(names) + ".")


def read_xls(path, sheet=None):
    """(sheet name, sheet names, rows, merged ranges, fonts by style id) like the .xlsx reader.

    rows: [(row number, hidden, {column: (value, style id)})], 1-based like Excel.
    """
    xlrd = _xlrd()
    book = _open(path)
    try:
        name, names = _choose(book, path, sheet)
        sh = book.sheet_by_name(name)
        fonts = [book.font_list[xf.font_index].name if xf.font_index < len(book.font_list)
                 else None for xf in book.xf_list]
        rows = []
        for r in range(sh.nrows):
            info = sh.rowinfo_map.get(r)
            hidden = bool(info is not None and info.hidden)
            values = {}
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                ctype, v = cell.ctype, cell.value
                if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or v == "":
                    continue
                if ctype == xlrd.XL_CELL_NUMBER and float(v).is_integer():
                    v = int(v)
                elif ctype == xlrd.XL_CELL_DATE:
                    try:
                        v = xlrd.xldate_as_datetime(v, book.datemode)
                    except (ValueError, OverflowError):
                        v = FormulaError("#NGÀY?")
                    if isinstance(v, datetime.datetime) and v.time() == datetime.time(0):
                        v = v.date()
                elif ctype == xlrd.XL_CELL_BOOLEAN:
                    v = bool(v)
                elif ctype == xlrd.XL_CELL_ERROR:
                    v = FormulaError(xlrd.error_text_from_code.get(v, "#LỖI"))
                values[c + 1] = (v, sh.cell_xf_index(r, c))
            if values or hidden:
                rows.append((r + 1, hidden, values))
        merged = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells]
    finally:
        book.release_resources()
    return name, names, rows, merged, fonts
