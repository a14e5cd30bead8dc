"""Turning the streamed rows under a header into ``Row``s: typed values, problems, notes.

Rows are consumed one at a time (only the first rows are held, to judge legacy text by
content); values merged down a column are filled in; totals rows and the signature block
under the table are left out and reported as notes; a repeated header row is a problem.
"""
from itertools import chain, islice

from models.errors import Cancelled

from .xlsx_cells import CellError, _as_text, _clean_text, capital, fold_header, parse_value
from .xlsx_forms import MARKS, footer_kind, is_repeated_header, ranges
from .xlsx_legacy import convert, legacy_font, sheet_content_font
from .xlsx_types import FORMULA_NO_VALUE, FormulaError, Problem, Row, column_letter

SAMPLE_ROWS = 400          # rows held back to judge TCVN3/VNI text by content


class _MergedFill:
    """Values merged down a data column (one village for many rows) repeated on each row."""

    def __init__(self, merged, cols, first_data_row):
        self.starts = {}
        for (r1, c1, r2, c2) in merged:
            if r1 >= first_data_row and c1 in cols and r2 > r1:
                self.starts.setdefault(r1, []).append((c1, r2))
        self.active = []

    def apply(self, idx, values):
        if self.active:
            self.active = [(c, r2, top) for c, r2, top in self.active if r2 >= idx]
            for c, _r2, top in self.active:
                values.setdefault(c, top)
        for c, r2 in self.starts.get(idx, ()):
            top = values.get(c)
            if top is not None:
                self.active.append((c, r2, top))


def read_rows(table, rows, fonts, merged, header, progress=None, total=None):
    """Fill ``table.rows`` (and notes) from ``rows``: an iterator of raw rows under the header.

    header: (column → header text as stored, column → folded header text)."""
    specs = [s for s in table.specs if s.field in table.columns]
    cols = [(s, table.columns[s.field], column_letter(table.columns[s.field])) for s in specs]
    wanted = {c for _s, c, _l in cols}
    pair = table.gender_pair
    if pair:
        wanted.update(pair[:2])
    required = [table.columns[s.field] for s in specs if s.required]
    if pair:
        required = [c for c in required if c not in pair[:2]]
    required_set = set(required)
    head = list(islice(rows, SAMPLE_ROWS))
    text_cols = [c for s, c, _l in cols if s.kind in ("text", "name", "gender")]
    sheet_font = sheet_content_font(head, text_cols, fonts)
    legacy_by_style = [legacy_font(f) for f in fonts]
    fill = _MergedFill(merged, wanted, (table.header_row or 0) + table.header_rows)
    state = {"totals": [], "signature": []}
    memo = {s.field: {} for s in specs if s.kind != "name"}      # names are mostly unique
    memo.update({s.field: None for s in specs if s.kind == "name"})
    step = 1000
    for n, (idx, hidden, values) in enumerate(chain(head, rows)):
        if progress is not None and n % step == 0 and \
                progress(min(n, total or n), total or n + 1) is False:
            raise Cancelled()
        if fill.starts or fill.active:
            fill.apply(idx, values)
        if wanted.isdisjoint(values):
            _footer(state, idx, values, required)      # noted if it is one; never data
            continue
        if not values.keys() >= required_set and _footer(state, idx, values, required):
            continue
        if pair:
            values = _pair_values(values, pair, table.columns)
        table.rows.append(_row(table, idx, hidden, values, cols, legacy_by_style,
                               sheet_font, header, memo))
    if progress is not None:
        progress(total or 1, total or 1)
    _notes(table, state)


def _footer(state, idx, values, required):
    """True (and noted) when the row is a totals row or part of the signature block."""
    if state["signature"]:
        state["signature"].append(idx)
        return True
    kind = footer_kind(values, required)
    if kind == "total":
        state["totals"].append(idx)
        return True
    if kind == "signature":
        state["signature"].append(idx)
        return True
    return False


def _notes(table, state):
    sheet = table.sheet
    if state["totals"]:
        table.notes.append(Problem(sheet, None, None, None,
                                   f"Dòng {ranges(state['totals'])} là dòng tổng cộng, "
                                   "không phải dữ liệu: không nhập."))
    if state["signature"]:
        rows = state["signature"]
        span = str(rows[0]) if len(rows) == 1 else f"{rows[0]}–{rows[-1]}"
        table.notes.append(Problem(sheet, None, None, None,
                                   f"Dòng {span} là phần ký tên dưới bảng: không nhập."))


def _pair_values(values, pair, columns):
    """Gender from which of the "Nam" / "Nữ" columns is filled; the birth date from it."""
    nam, nu, gender_field, birth_field = pair
    values = dict(values)
    a, b = values.pop(nam, None), values.pop(nu, None)
    if a is not None and b is not None:
        values[nam] = (_BOTH, 0)
        return values
    cell, gender = (a, "Nam") if a is not None else (b, "Nữ") if b is not None else (None, None)
    if cell is None:
        return values
    values[("gender", nam)] = (gender, 0)
    text = cell[0]
    if not (isinstance(text, str) and fold_header(text) in MARKS or text is True or text == 1):
        values[("birth", nam if a is not None else nu)] = cell
    return values


_BOTH = FormulaError("Nam+Nữ")


def _cell(spec, value, font, sheet_font):
    """(parsed value, shown text, encoding converted from, error message) of one cell;
    parsed is _EMPTY for a blank cell. Pure: the same cell text gives the same answer."""
    if isinstance(value, FormulaError):
        return None, str(value), None, (f"Ô báo lỗi công thức {value}; hãy sửa công thức hoặc "
                                         "ghi giá trị trong Excel rồi nhập lại.")
    if value is FORMULA_NO_VALUE:
        return None, "=…", None, ("Ô chứa công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp "
                                  "bằng Excel, lưu lại (hoặc dán giá trị thay cho công thức) "
                                  "rồi nhập lại.")
    enc = None
    if isinstance(value, str):
        if not value.isascii() or getattr(value, "runs", None):
            value, enc = convert(value, font, sheet_font)
        value = _clean_text(value)
        if not value:
            return _EMPTY, "", enc, ("Ô bắt buộc đang để trống." if spec.required else None)
        shown = value
    else:
        shown = _as_text(value)
    shown = shown if len(shown) <= 200 else shown[:200] + "…"
    try:
        return parse_value(spec, value), shown, enc, None
    except CellError as err:
        return None, shown, enc, capital(str(err)) + "."


_EMPTY = object()
_MEMO_TYPES = (str, int, float)
MEMO_SIZE = 20000          # distinct texts remembered per column (villages, genders, years)


def _row(table, idx, hidden, values, cols, legacy_by_style, sheet_font, header, memo):
    sheet = table.sheet
    row = Row(number=idx, hidden=hidden)
    if hidden:
        row.problems.append(Problem(sheet, idx, None, None,
                                    "Dòng này bị ẩn trong Excel; hãy bỏ ẩn để kiểm tra, "
                                    "hoặc xóa dòng nếu không cần nhập."))
    if header[1] and is_repeated_header(values, header[0], header[1]):
        row.problems.append(Problem(
            sheet, idx, None, None,
            f"Dòng tiêu đề cột lặp lại (đã có ở dòng {table.header_row}); hãy xóa dòng này "
            "(có thể danh sách bị dán hai lần) rồi nhập lại."))
        return row
    n_styles = len(legacy_by_style)
    pair = table.gender_pair
    for spec, col, letter in cols:
        fld = spec.field
        if pair and fld == pair[2]:
            cell = values.get(("gender", col))
            if cell is None and values.get(col, (None,))[0] is _BOTH:
                row.problems.append(Problem(
                    sheet, idx, f"{letter}, {column_letter(pair[1])}", "Nam/Nữ",
                    "Cả hai cột Nam và Nữ đều có giá trị; chỉ ghi ngày sinh vào một cột.", fld))
                continue
        elif pair and fld == pair[3]:
            cell = next(((v, k[1]) for k, v in values.items()
                         if isinstance(k, tuple) and k[0] == "birth"), None)
            if cell is None:
                continue
            cell, bcol = cell
            letter = column_letter(bcol)
        else:
            cell = values.get(col)
        if cell is None:
            if spec.required:
                row.problems.append(Problem(sheet, idx, letter, spec.label,
                                            "Ô bắt buộc đang để trống.", fld))
            continue
        value, style_id = cell
        cache = memo[fld] if type(value) in _MEMO_TYPES else None
        found = cache.get(cell) if cache is not None else None
        if found is None:
            font = legacy_by_style[style_id] if style_id < n_styles else None
            found = _cell(spec, value, font, sheet_font)
            if cache is not None and len(cache) < MEMO_SIZE:
                cache[cell] = found
        parsed, shown, enc, error = found
        if enc:
            row.converted[fld] = enc
            table.encodings[enc] = table.encodings.get(enc, 0) + 1
        if parsed is _EMPTY:
            if error:
                row.problems.append(Problem(sheet, idx, letter, spec.label, error, fld))
            continue
        row.shown[fld] = shown
        if error:
            row.problems.append(Problem(sheet, idx, letter, spec.label, error, fld))
        else:
            row.values[fld] = parsed
    return row
