"""Reading lists from Excel files: safe opening, header row found by Vietnamese names, typed cells.

Used by every import (units, people, households, criteria, targets). A caller describes the
columns it wants with a list of ``ColumnSpec`` and calls ``read_table(path, specs)``; it gets
back a ``Table`` whose rows hold parsed values, the text as shown (converted from TCVN3/VNI
when needed) and the problems found, each a ``Problem`` that says sheet, row and column in
Vietnamese. Nothing here touches the database.

How it reads: the sheet XML is streamed once with openpyxl's parser (read-only, cached values
of formulas), which also gives each cell's style → font name for legacy-encoding detection,
the hidden flag of rows and the merged ranges. Text with no legacy font is checked by content.
"""
import datetime
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from models import vntext
from models.errors import UserError

from .xlsx_header import MAX_HEADER_SCAN, _find_header, _is_numbering_row  # noqa: F401
from .xlsx_cells import (CellError, _as_text, _clean_text, capital, fold_header,  # noqa: F401
                         parse_value)

DEFAULT_MAX_LEN = 300
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# A cell that held a formula whose result Excel never saved.
FORMULA_NO_VALUE = object()


class FormulaError(str):
    """A cell showing an Excel error (#N/A, #DIV/0!, #REF! …) instead of a value."""

KINDS = ("text", "name", "int", "year", "number", "money", "date", "gender")


class ExcelFileError(UserError):
    """The file cannot be read as a workbook (not a workbook, protected, damaged, no sheet)."""


@dataclass
class ColumnSpec:
    """One column the caller wants: ``field`` in code, ``label`` and ``synonyms`` as headers.

    kind: text | name | int | year | number (Decimal) | money (int đồng) | date | gender.
    """
    field: str
    label: str
    synonyms: tuple = ()
    required: bool = False
    kind: str = "text"
    max_len: int = DEFAULT_MAX_LEN

    def names(self):
        return (self.label,) + tuple(self.synonyms)


@dataclass
class Problem:
    """A problem found in the file, located as precisely as possible."""
    sheet: str
    row: int | None
    column_letter: str | None
    column_label: str | None
    message: str
    field: str | None = None

    def where(self):
        parts = [f"Trang tính '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column_letter:
            col = f"cột {self.column_letter}"
            if self.column_label:
                col += f" ({self.column_label})"
            parts.append(col)
        elif self.column_label:
            parts.append(f"cột {self.column_label}")
        return ", ".join(parts)

    def __str__(self):
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Row:
    """One data row: parsed ``values`` by field, ``shown`` text by field, its problems."""
    number: int                       # row number in Excel (1-based)
    values: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)
    converted: dict = field(default_factory=dict)   # field → encoding name ("TCVN3", "VNI")
    problems: list = field(default_factory=list)
    hidden: bool = False

    @property
    def ok(self):
        return not self.problems

    def problem_fields(self):
        return {p.field for p in self.problems if p.field}


@dataclass
class Table:
    path: str
    sheet: str
    sheet_names: list
    specs: list
    header_row: int | None = None
    header_rows: int = 1
    columns: dict = field(default_factory=dict)      # field → 1-based column index
    headers: dict = field(default_factory=dict)      # field → header text found in the file
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)      # file/sheet-level problems
    encodings: dict = field(default_factory=dict)     # "TCVN3"/"VNI" → converted cell count

    def column_letter(self, field_name):
        idx = self.columns.get(field_name)
        return column_letter(idx) if idx else None

    def all_problems(self):
        out = list(self.problems)
        for row in self.rows:
            out.extend(row.problems)
        return out

    @property
    def valid_rows(self):
        return [r for r in self.rows if r.ok]


# --------------------------------------------------------------------------- helpers

def column_letter(index):
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def legacy_font(font_name):
    """The font name to convert with when ``font_name`` is a TCVN3/VNI font, else None.

    ".VnTime", ".VnTimeH" (upper case), ".VnArial" → TCVN3; "VNI-Times" → VNI.
    """
    if not font_name:
        return None
    name = font_name.strip()
    low = name.lower()
    if low.startswith(".vn"):
        return name
    if low.startswith("vni"):
        return name if low.startswith("vni-") else "VNI-Times"
    if "tcvn" in low or low.startswith("vn3"):
        return ".VnTime"
    return None


ENCODING_FONT = {"tcvn3": ".VnTime", "vni": "VNI-Times"}
ENCODING_NAME = {"tcvn3": "TCVN3", "vni": "VNI"}


# Letters of proper Vietnamese (and plain Western accents) that legacy text can also show;
# any other character from Latin-1/Latin Extended or cp1252's extra symbols ("¨", "µ", "ø",
# "§", "Ò" in a word…) makes a cell worth a content check of its own.
_VIET_LETTERS = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝăĂđĐĩĨũŨơƠưƯ")
_SUSPECT = re.compile("[" + "".join(
    re.escape(chr(c)) for c in list(range(0x80, 0x250)) + [
        0x152, 0x153, 0x160, 0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC, 0x2013, 0x2014,
        0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026,
        0x2030, 0x2039, 0x203A, 0x20AC, 0x2122]
    if chr(c) not in _VIET_LETTERS) + "]")


def _encoding_of_font(font):
    return "VNI" if font.lower().startswith("vni") else "TCVN3"


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
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise _not_workbook(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_workbook(path, " hoặc tệp đã bị hỏng") from exc
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _not_workbook(path)
    return "xlsx"


def xls_not_supported(path):
    return ExcelFileError(
        f"Tệp {os.path.basename(path)} là bảng tính Excel 97-2003 (.xls). Hãy mở tệp bằng "
        "Excel hoặc LibreOffice và lưu lại dạng .xlsx (Sổ làm việc Excel) rồi nhập lại.")


def open_workbook(path):
    """Open an .xlsx read-only with cached formula values; clear Vietnamese errors otherwise."""
    kind = check_file(path)
    if kind == "xls":
        raise xls_not_supported(path)
    import openpyxl  # imported here: keeps program start-up fast
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ExcelFileError(
            f"Không đọc được tệp {os.path.basename(path)}: tệp Excel bị hỏng hoặc không đúng "
            "định dạng. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nhập lại.") from exc


def sheet_names(path):
    if check_file(path) == "xls":
        from .xls_read import xls_sheet_names
        return xls_sheet_names(path)
    wb = open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# --------------------------------------------------------------------------- streaming

def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        """Marks formula cells that have no cached value (data_only gives None for them)."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = FORMULA_NO_VALUE
            return cell

    return Parser


def _font_map(wb):
    """style id → font name, from the workbook's styles (cheap: one pass over the styles)."""
    fonts = [getattr(f, "name", None) for f in getattr(wb, "_fonts", [])]
    out = []
    for style in getattr(wb, "_cell_styles", []):
        fid = getattr(style, "fontId", 0) or 0
        out.append(fonts[fid] if fid < len(fonts) else None)
    return out


def _stream(wb, ws):
    """(rows, merged): [(row_number, hidden, {col: (value, style_id)})] and merged ranges."""
    try:
        from .xlsx_stream import stream_rows    # lxml: one fast pass
    except ImportError:
        return _stream_openpyxl(wb, ws)
    return stream_rows(wb, ws, formula_no_value=FORMULA_NO_VALUE, formula_error=FormulaError)


def _stream_openpyxl(wb, ws):
    """The same through openpyxl's own parser (used when lxml is missing)."""
    Parser = _parser_class()
    with wb._archive.open(ws._worksheet_path) as src:
        parser = Parser(src, wb.shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats,
                        timedelta_formats=wb._timedelta_formats)
        rows = []
        for idx, cells in parser.parse():
            dims = parser.row_dimensions.get(str(idx))
            hidden = bool(dims) and str(dims.get("hidden", "0")).lower() in ("1", "true")
            values = {}
            for c in cells:
                v = c["value"]
                if c["data_type"] == "e":
                    v = FormulaError(v)
                if v is not None and v != "":
                    values[c["column"]] = (v, c["style_id"])
            if values or hidden:
                rows.append((idx, hidden, values))
        merged = []
        if parser.merged_cells is not None:
            for mc in parser.merged_cells.mergeCell:
                from openpyxl.utils.cell import range_boundaries
                min_col, min_row, max_col, max_row = range_boundaries(mc.ref)
                merged.append((min_row, min_col, max_row, max_col))
    return rows, merged


# --------------------------------------------------------------------------- reading

def _pick_sheet(wb, path, sheet):
    names = list(wb.sheetnames)
    if not names:
        raise ExcelFileError(f"Tệp {os.path.basename(path)} không có trang tính nào.")
    if sheet is None:
        visible = [n for n in names if getattr(wb[n], "sheet_state", "visible") == "visible"]
        return (visible or names)[0], names
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ExcelFileError(f"Tệp chỉ có {len(names)} trang tính.")
        return names[sheet], names
    if sheet in names:
        return sheet, names
    key = fold_header(sheet)
    for n in names:
        if fold_header(n) == key:
            return n, names
    raise ExcelFileError(f"Không có trang tính '{sheet}' trong tệp; các trang có: "
                         + ", ".join(names) + ".")


def _converted_head(raw_rows, fonts):
    """The first rows with titles and headers typed in .VnTime/VNI fonts converted, so that
    headers can match (a copy: data rows are converted, and reported, later)."""
    head = []
    for idx, hidden, values in raw_rows[:MAX_HEADER_SCAN + 2]:
        values = dict(values)
        head.append((idx, hidden, values))
        for col, (v, style_id) in list(values.items()):
            if not isinstance(v, str) or v.isascii():
                continue
            font = legacy_font(fonts[style_id] if style_id < len(fonts) else None)
            if font is None and _SUSPECT.search(v):
                found = vntext.detect_legacy(v)
                font = ENCODING_FONT.get(found) if found else None
            if font is not None:
                values[col] = (vntext.to_unicode(v, font), style_id)
    return head


def _read_xlsx(path, sheet):
    wb = open_workbook(path)
    try:
        name, names = _pick_sheet(wb, path, sheet)
        ws = wb[name]
        try:
            raw_rows, merged = _stream(wb, ws)
        except Exception as exc:
            raise ExcelFileError(
                f"Không đọc được trang tính '{name}' của tệp {os.path.basename(path)}: tệp bị "
                "hỏng. Hãy mở bằng Excel, lưu lại rồi nhập lại.") from exc
        fonts = _font_map(wb)
    finally:
        wb.close()
    return name, names, raw_rows, merged, fonts


def read_table(path, specs, *, sheet=None, progress=None):
    """Read the rows of one sheet as described by ``specs``; see the module docstring.

    Raises ExcelFileError when the file cannot be read at all. Everything else (missing
    columns, empty sheet, bad cells, hidden rows, formulas without values) becomes a
    ``Problem`` in the returned ``Table``.
    """
    path = str(path)
    if check_file(path) == "xls":
        from .xls_read import read_xls
        name, names, raw_rows, merged, fonts = read_xls(path, sheet)
    else:
        name, names, raw_rows, merged, fonts = _read_xlsx(path, sheet)
    table = Table(path=path, sheet=name, sheet_names=names, specs=list(specs))
    if not raw_rows:
        table.problems.append(Problem(name, None, None, None,
                                      "Trang tính trống: không có dòng nào để nhập."))
        return table
    head = _converted_head(raw_rows, fonts)
    found = _find_header(head, specs, merged)
    if found is None:
        table.problems.append(Problem(
            name, None, None, None,
            "Không tìm thấy dòng tiêu đề cột. Dòng tiêu đề cần có các cột: "
            + ", ".join(s.label for s in specs if s.required)
            + ". Hãy tải tệp mẫu để xem cách ghi."))
        return table
    hi, header_rows, columns, texts = found
    table.header_row = raw_rows[hi][0]
    table.header_rows = header_rows
    table.columns = columns
    for fld, col in columns.items():
        v = head[hi][2].get(col) or (head[hi + 1][2].get(col) if header_rows == 2 else None)
        table.headers[fld] = _clean_text(_as_text(v[0])) if v else ""
    for spec in specs:
        if spec.required and spec.field not in columns:
            table.problems.append(Problem(
                name, table.header_row, None, spec.label,
                f"Thiếu cột '{spec.label}' ở dòng tiêu đề (có thể ghi: "
                + ", ".join(f"'{n}'" for n in spec.names()) + ")."))
    if any(p for p in table.problems):
        return table
    start = hi + header_rows
    if start < len(head) and head[start][0] == table.header_row + header_rows \
            and _is_numbering_row(head[start][2]):
        start += 1
    data = raw_rows[start:]
    _fill_merged(data, merged, set(columns.values()), table.header_row + header_rows)
    _read_rows(table, data, fonts, progress)
    if not table.rows and not table.problems:
        table.problems.append(Problem(name, None, None, None,
                                      "Trang tính không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return table


def _fill_merged(data, merged, cols, first_data_row):
    """Cells merged down a column (e.g. one village for many rows) take the top value."""
    if not merged:
        return
    index = {idx: values for idx, _h, values in data}
    for (r1, c1, r2, c2) in merged:
        if r1 < first_data_row or c1 not in cols or r2 == r1:
            continue
        top = index.get(r1, {}).get(c1)
        if top is None:
            continue
        for r in range(r1 + 1, r2 + 1):
            if r in index:
                index[r].setdefault(c1, top)


def _read_rows(table, data, fonts, progress):
    specs = [s for s in table.specs if s.field in table.columns]
    cols = [(s, table.columns[s.field], column_letter(table.columns[s.field])) for s in specs]
    sheet = table.sheet
    # Content detection for text whose font says nothing: decide once per sheet.
    sheet_font = _sheet_content_font(data, cols, fonts)
    legacy_by_style = [legacy_font(f) for f in fonts]
    n_styles = len(legacy_by_style)
    total = len(data)
    step = max(1, total // 100)
    for n, (idx, hidden, values) in enumerate(data):
        if progress is not None and n % step == 0 and progress(n, total) is False:
            from models.errors import Cancelled
            raise Cancelled()
        if not any(c in values for _s, c, _l in cols):
            continue
        row = Row(number=idx, hidden=hidden)
        if hidden:
            row.problems.append(Problem(sheet, idx, None, None,
                                        "Dòng này bị ẩn trong Excel; hãy bỏ ẩn để kiểm tra, "
                                        "hoặc xóa dòng nếu không cần nhập."))
        for spec, col, letter in cols:
            cell = values.get(col)
            if cell is None:
                if spec.required:
                    row.problems.append(Problem(sheet, idx, letter, spec.label,
                                                "Ô bắt buộc đang để trống.", spec.field))
                continue
            value, style_id = cell
            if isinstance(value, FormulaError):
                row.shown[spec.field] = str(value)
                row.problems.append(Problem(
                    sheet, idx, letter, spec.label,
                    f"Ô báo lỗi công thức {value}; hãy sửa công thức hoặc ghi giá trị trong "
                    "Excel rồi nhập lại.", spec.field))
                continue
            if value is FORMULA_NO_VALUE:
                row.shown[spec.field] = "=…"
                row.problems.append(Problem(
                    sheet, idx, letter, spec.label,
                    "Ô chứa công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp bằng Excel, "
                    "lưu lại (hoặc dán giá trị thay cho công thức) rồi nhập lại.", spec.field))
                continue
            if isinstance(value, str):
                if not value.isascii():
                    font = legacy_by_style[style_id] if style_id < n_styles else None
                    font = font or sheet_font
                    if font is None and _SUSPECT.search(value):
                        found = vntext.detect_legacy(value)
                        font = ENCODING_FONT.get(found) if found else None
                    if font is not None:
                        new = vntext.to_unicode(value, font)
                        if new != unicodedata.normalize("NFC", value):
                            enc = _encoding_of_font(font)
                            row.converted[spec.field] = enc
                            table.encodings[enc] = table.encodings.get(enc, 0) + 1
                        value = new
                value = _clean_text(value)
                if not value:
                    if spec.required:
                        row.problems.append(Problem(sheet, idx, letter, spec.label,
                                                    "Ô bắt buộc đang để trống.", spec.field))
                    continue
                shown = value
            else:
                shown = _as_text(value)
            row.shown[spec.field] = shown if len(shown) <= 200 else shown[:200] + "…"
            try:
                row.values[spec.field] = parse_value(spec, value)
            except CellError as err:
                row.problems.append(Problem(sheet, idx, letter, spec.label,
                                            capital(str(err)) + ".", spec.field))
        table.rows.append(row)
    if progress is not None:
        progress(total, total)


def _sheet_content_font(data, cols, fonts, sample=300):
    """A legacy font name when the sheet's text (fonts unknown) reads as TCVN3/VNI by content.

    Short cells say little on their own, so a sample of the column text is judged at once,
    as ``vntext.detect_legacy`` advises; Unicode Vietnamese anywhere in it means no.
    """
    text_cols = [c for s, c, _l in cols if s.kind in ("text", "name", "gender")]
    texts = []
    for _idx, _hidden, values in data:
        for c in text_cols:
            cell = values.get(c)
            if cell is None or not isinstance(cell[0], str) or cell[0].isascii():
                continue
            if legacy_font(fonts[cell[1]] if cell[1] < len(fonts) else None):
                continue
            texts.append(cell[0])
        if len(texts) >= sample:
            break
    if not texts:
        return None
    found = vntext.detect_legacy("\n".join(texts))
    return ENCODING_FONT.get(found) if found else None
