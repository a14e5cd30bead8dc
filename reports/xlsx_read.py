"""Reading lists from Excel files: safe opening, header row found by Vietnamese names, typed cells.

Used by every import (units, people, households, criteria, targets, proposal lists). The API:

- ``read_table(path, specs, sheet=None, progress=None) -> Table``: describe the wanted
  columns with ``ColumnSpec``s; the header row is looked for in the first rows (titles,
  merged cells, two-level headers, line breaks in labels are fine); ``Table.rows`` hold
  parsed ``values``, ``shown`` text (converted from TCVN3/VNI when needed) and ``problems``
  (each a ``Problem`` saying sheet, row and column in Vietnamese); ``Table.problems`` are
  file/sheet-level problems; ``Table.notes`` say what was left out and which sheet was read.
- ``sheet_names(path)``, ``check_file(path)``; ``ExcelFileError`` for unreadable files
  (``SuspiciousFileError`` for zip bombs, ``TooManyRows`` over 200,000 rows).

How it reads: the zip is size-checked first (``xlsx_zip.open_package``, the one place every
workbook opener uses); the sheet XML is streamed with lxml (``xlsx_stream``) using the
workbook's own shared strings and styles, so files saved by Excel and LibreOffice read the
same as our own; rows are turned into ``Row``s as they stream (``xlsx_rows``). Old .xls files
go through xlrd (``xls_read``). Nothing here touches the database.
"""
import os
from itertools import chain, islice

from .xlsx_cells import (CellError, _as_text, _clean_text, capital, fold_header,  # noqa: F401
                         parse_value)
from .xlsx_forms import duplicate_columns
from .xlsx_header import MAX_HEADER_SCAN, _find_header, _is_numbering_row, header_score
from .xlsx_legacy import ENCODING_FONT, ENCODING_NAME, converted_head, legacy_font  # noqa
from .xlsx_rows import read_rows
from .xlsx_stream import MAX_ROWS, TooManyRows, iter_rows, scan_sheet  # noqa: F401
from .xlsx_types import (DEFAULT_MAX_LEN, FORMULA_NO_VALUE, KINDS, ColumnSpec,  # noqa: F401
                         FormulaError, Problem, Row, Table, column_letter)
from .xlsx_zip import (ExcelFileError, SuspiciousFileError, Workbook,  # noqa: F401
                       check_xls_size, open_package)

__all__ = ["read_table", "sheet_names", "check_file", "open_workbook", "ColumnSpec", "Table",
           "Row", "Problem", "ExcelFileError", "SuspiciousFileError", "TooManyRows",
           "FormulaError", "FORMULA_NO_VALUE", "column_letter", "fold_header", "KINDS",
           "DEFAULT_MAX_LEN", "MAX_ROWS", "CellError", "capital", "parse_value",
           "legacy_font", "ENCODING_FONT", "ENCODING_NAME"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


# --------------------------------------------------------------------------- opening

def _not_workbook(path, extra=""):
    return ExcelFileError(
        f"Tệp {os.path.basename(path)} không phải là bảng tính Excel (.xlsx){extra}. "
        "Hãy chọn đúng tệp Excel, hoặc mở tệp bằng Excel và lưu lại dạng .xlsx.")


def check_file(path):
    """Raise ExcelFileError with a clear message unless ``path`` looks like a readable .xlsx.

    Returns "xlsx" or "xls" (an old binary workbook, readable only if xlrd is installed).
    """
    path = str(path)
    if not os.path.exists(path):
        raise ExcelFileError(f"Không tìm thấy tệp {path}.")
    if os.path.isdir(path):
        raise ExcelFileError(f"{path} là một thư mục; hãy chọn một tệp Excel.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ExcelFileError(f"Không đọc được tệp {path}: {exc.strerror or exc}.") from exc
    if not head:
        raise ExcelFileError(f"Tệp {os.path.basename(path)} trống (0 byte); hãy chọn tệp khác.")
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as fh:
            blob = fh.read(4 * 1024 * 1024)
        if "EncryptionInfo".encode("utf-16-le") in blob or \
                "EncryptedPackage".encode("utf-16-le") in blob:
            raise ExcelFileError(
                f"Tệp {os.path.basename(path)} được đặt mật khẩu. Hãy mở tệp bằng Excel, gỡ mật "
                "khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa trống) "
                "rồi lưu lại và nhập lại.")
        check_xls_size(path)
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise _not_workbook(path)
    with open_package(path) as zf:
        names = set(zf.namelist())
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _not_workbook(path)
    return "xlsx"


def xls_not_supported(path):
    return ExcelFileError(
        f"Tệp {os.path.basename(path)} là bảng tính Excel 97-2003 (.xls). Hãy mở tệp bằng "
        "Excel hoặc LibreOffice và lưu lại dạng .xlsx (Sổ làm việc Excel) rồi nhập lại.")


def open_workbook(path):
    """An opened, size-checked .xlsx (``xlsx_zip.Workbook``); close it when done."""
    if check_file(path) == "xls":
        raise xls_not_supported(path)
    return Workbook(path)


def sheet_names(path):
    if check_file(path) == "xls":
        from .xls_read import xls_sheet_names  # xlrd only for old files
        return xls_sheet_names(path)
    with Workbook(path) as book:
        return book.worksheet_names()


# --------------------------------------------------------------------------- choosing a sheet

def _named(book, path, sheet):
    sheets = book.sheets
    if not sheets:
        raise ExcelFileError(f"Tệp {os.path.basename(path)} không có trang tính nào.")
    if isinstance(sheet, int):
        if not 0 <= sheet < len(sheets):
            raise ExcelFileError(f"Tệp chỉ có {len(sheets)} trang tính.")
        found = sheets[sheet]
    else:
        found = next((s for s in sheets if s.name == sheet), None) or next(
            (s for s in sheets if fold_header(s.name) == fold_header(sheet)), None)
        if found is None:
            raise ExcelFileError(f"Không có trang tính '{sheet}' trong tệp; các trang có: "
                                 + ", ".join(s.name for s in sheets) + ".")
    if found.kind != "worksheet" or not found.path or found.path not in book.names:
        raise ExcelFileError(f"Trang '{found.name}' là biểu đồ hoặc trang đặc biệt, không có "
                             "bảng dữ liệu; hãy chọn trang tính có danh sách.")
    return found


def _candidates(book, path):
    """Worksheets that may hold the list: visible ones first, hidden ones only if no other."""
    sheets = [s for s in book.sheets if s.kind == "worksheet" and s.path in book.names]
    if not sheets:
        others = ", ".join(f"'{s.name}'" for s in book.sheets)
        raise ExcelFileError(
            f"Tệp {os.path.basename(path)} không có trang tính dữ liệu nào"
            + (f" (chỉ có biểu đồ: {others})" if others else "")
            + ". Hãy chọn tệp có bảng danh sách.")
    visible = [s for s in sheets if s.visible]
    return visible or sheets


def _best_sheet(names, all_names, head_of, specs):
    """(name, note): of the candidate sheets, the one whose header matches ``specs`` best
    (the first one when it has every required column); the note says which sheet was read
    when the workbook has others."""
    required = {s.field for s in specs if s.required}
    best = None
    for n, name in enumerate(names):
        head, fonts = head_of(name)
        found = _find_header(converted_head(head, fonts), specs, []) if head else None
        score = header_score(found[2], specs) if found else -1
        has_all = found is not None and required <= set(found[2])
        if best is None or (score > best[0] and (has_all or not best[2])):
            best = (score, name, has_all)
        if has_all and n == 0:
            break
    name = best[1]
    note = None
    if len(all_names) > 1:
        skipped = [n for n in all_names if n != name]
        note = (f"Đã đọc trang '{name}' (trang có dòng tiêu đề phù hợp nhất); bỏ qua "
                + ", ".join(f"'{n}'" for n in skipped) + ".")
    return name, note


def _choose(book, path, specs):
    candidates = {s.name: s for s in _candidates(book, path)}

    def head_of(name):
        rows = iter_rows(book, candidates[name], formula_no_value=FORMULA_NO_VALUE,
                         formula_error=FormulaError)
        head = list(islice(rows, MAX_HEADER_SCAN + 2))
        rows.close()
        return head, book.fonts
    name, note = _best_sheet(list(candidates), book.worksheet_names(), head_of, specs)
    return candidates[name], note


def _read_xls(path, specs, sheet):
    from .xls_read import read_xls, xls_sheets  # xlrd only for old files
    note = None
    if sheet is None:
        names, visible = xls_sheets(path)
        cache = {}

        def head_of(name):
            cache[name] = read_xls(path, name)
            return cache[name][2][:MAX_HEADER_SCAN + 2], cache[name][4]
        sheet, note = _best_sheet(visible or names, names, head_of, specs)
        found = cache[sheet]
    else:
        found = read_xls(path, sheet)
    return found, note


# --------------------------------------------------------------------------- reading

def read_table(path, specs, *, sheet=None, progress=None):
    """Read the rows of one sheet as described by ``specs``; see the module docstring.

    Raises ExcelFileError when the file cannot be read at all (also when it is a zip bomb
    or has more than 200,000 rows). Everything else (missing columns, empty sheet, bad
    cells, hidden rows, formulas without values) becomes a ``Problem`` in the ``Table``.
    """
    path = str(path)
    if check_file(path) == "xls":
        (name, names, raw_rows, merged, fonts), note = _read_xls(path, specs, sheet)
        if len(raw_rows) > MAX_ROWS:
            from .xlsx_stream import too_many_rows
            raise too_many_rows(name)
        table = Table(path=path, sheet=name, sheet_names=names, specs=list(specs))
        if note:
            table.notes.append(Problem(name, None, None, None, note))
        _fill(table, iter(raw_rows), merged, fonts, len(raw_rows), progress)
        return table
    with Workbook(path) as book:
        if sheet is None:
            chosen, note = _choose(book, path, specs)
        else:
            chosen, note = _named(book, path, sheet), None
        table = Table(path=path, sheet=chosen.name, sheet_names=book.worksheet_names(),
                      specs=list(specs))
        if note:
            table.notes.append(Problem(chosen.name, None, None, None, note))
        try:
            merged, total = scan_sheet(book, chosen)
            rows = iter_rows(book, chosen, formula_no_value=FORMULA_NO_VALUE,
                             formula_error=FormulaError)
            _fill(table, rows, merged, book.fonts, total, progress)
        except ExcelFileError:
            raise
        except Exception as exc:      # damaged XML inside the zip
            raise ExcelFileError(
                f"Không đọc được trang tính '{chosen.name}' của tệp {os.path.basename(path)}: "
                "nội dung bên trong tệp bị hỏng. Hãy mở bằng Excel hoặc LibreOffice, lưu lại "
                "rồi nhập lại.") from exc
    return table


def _fill(table, rows, merged, fonts, total, progress):
    name, specs = table.sheet, table.specs
    table.merged = merged
    raw = list(islice(rows, MAX_HEADER_SCAN + 2))
    if not raw:
        table.problems.append(Problem(name, None, None, None,
                                      "Trang tính trống: không có dòng nào để nhập."))
        return
    head = converted_head(raw, fonts)       # a converted copy, for matching the header
    found = _find_header(head, specs, merged)
    if found is None:
        table.problems.append(Problem(
            name, None, None, None,
            "Không tìm thấy dòng tiêu đề cột. Dòng tiêu đề cần có các cột: "
            + ", ".join(s.label for s in specs if s.required)
            + ". Hãy tải tệp mẫu để xem cách ghi."))
        return
    hi, header_rows, columns, texts, extra = found
    table.header_row = head[hi][0]
    table.header_rows = header_rows
    table.columns = columns
    if extra["pair"]:
        table.gender_pair = extra["pair"]
    labels = {s.field: s.label for s in specs}
    for fld, col in columns.items():
        v = head[hi][2].get(col) or (head[hi + 1][2].get(col) if header_rows == 2 else None)
        table.headers[fld] = _clean_text(_as_text(v[0])) if v else ""
    for row_texts, row_no in ((texts, table.header_row),
                              (extra["sub_texts"], table.header_row + 1)):
        for fld, c1, c2 in duplicate_columns(row_texts, columns, specs):
            table.problems.append(Problem(
                name, row_no, f"{column_letter(c1)}, {column_letter(c2)}", labels[fld],
                f"Hai cột {column_letter(c1)} và {column_letter(c2)} đều có tiêu đề "
                f"'{labels[fld]}'; phần mềm không biết lấy cột nào. Hãy đổi tên hoặc xóa một "
                "cột rồi nhập lại."))
    for spec in specs:
        if spec.required and spec.field not in columns:
            table.problems.append(Problem(
                name, table.header_row, None, spec.label,
                f"Thiếu cột '{spec.label}' ở dòng tiêu đề (có thể ghi: "
                + ", ".join(f"'{n}'" for n in spec.names()) + ")."))
    if table.problems:
        return
    start = hi + header_rows
    if start < len(head) and head[start][0] == table.header_row + header_rows \
            and _is_numbering_row(head[start][2]):
        start += 1
    header_texts = {c: texts[c] for c in set(columns.values()) if c in texts}
    header_raw = {c: raw[hi][2][c][0] for c in header_texts if c in raw[hi][2]}
    read_rows(table, chain(raw[start:], rows), fonts, merged, (header_raw, header_texts),
              progress, total)
    if not table.rows and not table.problems:
        table.problems.append(Problem(name, None, None, None,
                                      "Trang tính không có dòng dữ liệu nào dưới dòng tiêu đề."))
