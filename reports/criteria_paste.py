"""A block of criteria rows pasted from Excel (tab-separated lines) as editor nodes.

Columns as in the criteria workbook: Mã | Nội dung | Điểm tối đa [| Cách chấm]; two
columns are read as Nội dung | Điểm tối đa. A first line of column titles is skipped. The
tree comes from the codes as in ``reports/criteria_xlsx`` ("I.2" under "I"); a code with
criteria under it is a group and its maximum may be left empty (the editor adds it up).
"""
import csv
import io

from models import vntext
from models.errors import ValidationError
from models.scoring_calc import GROUP, PointsError, to_decimal

from .criteria_xlsx import _method, _parent_code

MAX_ROWS = 500


def _rows(text):
    """Cells of each non-empty line, as Excel and LibreOffice put them on the clipboard:
    tab-separated, a cell with a line break or a quote inside double quotes."""
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")),
                        delimiter="\t", quotechar='"')
    rows = []
    for cells in reader:
        cells = [vntext.clean_text(" ".join(c.split())) for c in cells]
        if any(cells):
            rows.append(cells)
    return rows


def _is_header(cells):
    folded = " ".join(vntext.fold(c) for c in cells)
    return "diem" in folded and ("noi dung" in folded or "tieu chi" in folded) and \
        not any(_number(c) for c in cells)


def _number(text):
    try:
        to_decimal(text)
        return True
    except PointsError:
        return False


def parse_pasted_criteria(text):
    """The rows of ``text`` as editor nodes (groups with their children); ValidationError
    naming the pasted line and column when a row cannot be read."""
    rows = _rows(text or "")
    if not rows:
        raise ValidationError("Bộ nhớ tạm không có dòng nào để dán.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"Chỉ dán được tối đa {MAX_ROWS} dòng tiêu chí một lần.")
    first = 1 if _is_header(rows[0]) else 0
    parsed, problems = [], []
    for number, cells in enumerate(rows[first:], start=first + 1):
        if len(cells) >= 3:
            code, body, points, method = cells[0], cells[1], cells[2], \
                (cells[3] if len(cells) > 3 else "")
            points_col = "thứ 3"
        elif len(cells) == 2:
            code, body, points, method = "", cells[0], cells[1], ""
            points_col = "thứ 2"
        else:
            problems.append(f"Dòng {number}: cần ít nhất hai cột (nội dung và điểm tối đa), "
                            "cách nhau bằng phím Tab như khi chép từ Excel.")
            continue
        code = " ".join(code.split()).rstrip(".")
        if not body:
            problems.append(f"Dòng {number}: chưa có nội dung tiêu chí.")
            continue
        mx = None
        if points:
            try:
                mx = to_decimal(points)
            except PointsError as err:
                problems.append(f"Dòng {number}, cột {points_col} (điểm tối đa): {err}")
                continue
        parsed.append(dict(code=code, text=body, max=mx, method=method, number=number))
    if problems:
        raise ValidationError("Không dán được khối tiêu chí: " + problems[0],
                              details=problems, field="criteria")
    codes = [p["code"] for p in parsed]
    by_code, nodes = {}, []
    for p in parsed:
        has_children = bool(p["code"]) and any(_parent_code(c) == p["code"] for c in codes)
        method, err = _method(p["method"], p["code"] or "?", p["max"], has_children)
        if err:
            raise ValidationError(f"Dòng {p['number']}, cột thứ 4 (cách chấm): {err}",
                                  field="criteria")
        if p["max"] is None and method != GROUP:
            raise ValidationError(f"Dòng {p['number']}, cột điểm tối đa: tiêu chí "
                                  f"'{p['text'][:40]}' chưa có điểm tối đa.", field="criteria")
        node = {"code": p["code"], "text": p["text"],
                "max_points": abs(p["max"]) if p["max"] is not None else 0,
                "method": method, "direction": "higher", "repeatable": False,
                "target": None, "children": []}
        parent = _parent_code(p["code"]) if p["code"] else None
        (by_code[parent]["children"] if parent in by_code else nodes).append(node)
        if p["code"]:
            by_code[p["code"]] = node
    return nodes
