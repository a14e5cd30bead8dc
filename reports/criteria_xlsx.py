"""Criteria tables to and from Excel: one row per criterion (code, text, max, method), bands
on a second sheet. The tree comes from the codes: "I.2" sits under "I"."""
import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from models import scoring, vntext
from models.entities import Target, UnitKind
from models.errors import ValidationError
from models.scoring_calc import (BONUS, DEDUCTION, GROUP, MANUAL, METHODS, PROPORTIONAL,
                                 YESNO)
from models.service import require

from .xlsx_read import ColumnSpec, Problem, column_letter, read_table

SHEET_CRITERIA = "Tiêu chí"
SHEET_BANDS = "Xếp loại"

SPECS = [
    ColumnSpec("code", "Mã", ("Mã tiêu chí", "Số TT", "STT", "TT", "Ký hiệu"), True, "text", 20),
    ColumnSpec("text", "Nội dung tiêu chí", ("Tiêu chí", "Nội dung", "Tên tiêu chí",
                                             "Nội dung chấm điểm"), True, "text", 1000),
    ColumnSpec("max_points", "Điểm tối đa", ("Điểm chuẩn", "Thang điểm", "Điểm", "Điểm tối đa",
                                             "Số điểm"), True, "number"),
    ColumnSpec("method", "Cách chấm", ("Phương pháp", "Cách tính", "Loại"), False, "text", 40),
    ColumnSpec("direction", "Chiều chỉ tiêu", ("Chiều",), False, "text", 40),
    ColumnSpec("repeatable", "Trừ mỗi lần", ("Lặp lại", "Mỗi lần"), False, "text", 20),
    ColumnSpec("target", "Chỉ tiêu", ("Mã chỉ tiêu", "Chỉ tiêu liên kết"), False, "text", 300),
    ColumnSpec("unit_kind", "Loại đơn vị", ("Áp dụng cho", "Đối tượng"), False, "text", 100),
]
BAND_SPECS = [
    ColumnSpec("name", "Xếp loại", ("Tên xếp loại", "Mức"), True, "text", 60),
    ColumnSpec("min_total", "Từ điểm", ("Điểm tối thiểu", "Tổng điểm từ", "Từ"), True, "number"),
    ColumnSpec("floor_pct", "Mỗi tiêu chí tối thiểu (%)", ("Sàn mỗi tiêu chí (%)", "Sàn (%)"),
               False, "number"),
]
METHOD_WORDS = {vntext.fold(v): k for k, v in METHODS.items()}
METHOD_WORDS.update({"tu dong": PROPORTIONAL, "ty le": PROPORTIONAL, "co khong": YESNO,
                     "co/khong": YESNO, "dat/khong dat": YESNO, "tru": DEDUCTION,
                     "diem tru": DEDUCTION, "thuong": BONUS, "diem thuong": BONUS,
                     "nhom": GROUP, "cham tay": MANUAL, "thu cong": MANUAL,
                     "theo chi tieu": PROPORTIONAL})
YES = {"x", "co", "c", "1", "yes", "true"}


@dataclass
class CriteriaImport:
    """What an import read (and, after import, made)."""
    path: str
    nodes: list = field(default_factory=list)
    bands: list = None
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unit_kind: object = None
    criteria_set: object = None
    skipped: int = 0

    def count(self):
        return sum(1 for _ in _walk(self.nodes))

    def summary(self):
        name = os.path.basename(self.path)
        if self.criteria_set is None:
            return (f"Tệp {name}: {self.count()} tiêu chí, {len(self.problems)} lỗi"
                    + (f", {len(self.warnings)} cảnh báo." if self.warnings else "."))
        cs = self.criteria_set
        groups = sum(1 for n, _d in _walk(self.nodes) if n["method"] == GROUP)
        text = (f"Đã nhập bảng tiêu chí '{cs.name}' (năm {cs.year}"
                + (f", {cs.unit_kind.name}" if cs.unit_kind_id else "") + f"): "
                f"{self.count() - groups} tiêu chí trong {groups} nhóm, "
                f"{len(self.bands or [])} mức xếp loại.")
        if self.skipped:
            text += f" Đã bỏ qua {self.skipped} dòng có lỗi."
        if self.warnings:
            text += " Cảnh báo: " + " ".join(self.warnings)
        return text


def _walk(nodes, depth=0):
    for n in nodes:
        yield n, depth
        yield from _walk(n["children"], depth + 1)


def _parent_code(code):
    return code.rsplit(".", 1)[0] if "." in code else None


def _method(text, code, max_points, has_children):
    if text:
        key = vntext.fold(text)
        if key in METHOD_WORDS:
            return METHOD_WORDS[key], None
        return None, (f"Cách chấm '{text}' không rõ; ghi một trong: "
                      + ", ".join(METHODS.values()) + ".")
    if has_children:
        return GROUP, None
    if max_points is not None and max_points < 0:
        return DEDUCTION, None
    head = vntext.fold(code)[:1]
    if head == "t" and code[:1] in "Tt":
        return BONUS, None
    if head == "d" and code[:1] in "Đđ":
        return DEDUCTION, None
    return MANUAL, None


def _direction(text):
    key = vntext.fold(text or "")
    if not key or "cao" in key or key == "higher":
        return "higher"
    if "thap" in key or "giam" in key or key == "lower":
        return "lower"
    if "dung" in key or key == "exact":
        return "exact"
    return None


def _merged_problems(table):
    """Merged cells in the data area would hide values: say where they are."""
    out = []
    first = (table.header_row or 0) + (table.header_rows or 1)
    cols = {v: k for k, v in table.columns.items()}
    labels = {s.field: s.label for s in SPECS}
    for (r1, c1, r2, c2) in table.merged:
        if r2 < first:
            continue
        hit = [cols[c] for c in range(c1, c2 + 1) if c in cols]
        if not hit or r1 == r2 and len(hit) == 1:
            continue
        coord = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        out.append(Problem(table.sheet, r1, column_letter(c1), labels[hit[0]],
                           f"Các ô {coord} đang gộp (merge). Hãy bỏ gộp ô và ghi đủ "
                           "giá trị cho từng dòng tiêu chí.", hit[0]))
    return out


def _targets():
    rows = list(Target.select())
    return {vntext.fold(t.code): t for t in rows if t.code}, \
        {vntext.fold(t.name): t for t in rows}


def preview(path, *, sheet=None, progress=None):
    """Read and check a criteria file without writing anything."""
    path = str(path)
    table = read_table(path, SPECS, sheet=sheet or _criteria_sheet(path), progress=progress)
    result = CriteriaImport(path=path)
    result.problems.extend(table.problems)
    if table.problems:
        return result
    result.problems.extend(_merged_problems(table))
    by_code, nodes, bad, seen = {}, [], set(), {}
    codes = [r.values.get("code") for r in table.rows]
    t_codes, t_names = _targets()
    kinds = []
    for row in table.rows:
        problems = list(row.problems)

        def add(fld, message):
            problems.append(Problem(table.sheet, row.number, table.column_letter(fld),
                                    {s.field: s.label for s in SPECS}[fld], message, fld))
        code = (row.values.get("code") or "").strip()
        if isinstance(row.values.get("code"), str):
            code = " ".join(code.split()).rstrip(".")
        mx = row.values.get("max_points")
        if code and code in seen:
            add("code", f"Mã tiêu chí {code} bị trùng với dòng {seen[code]}.")
        seen.setdefault(code, row.number)
        has_children = any(isinstance(c, str) and _parent_code(c.strip().rstrip(".")) == code
                           for c in codes)
        method, err = _method(row.values.get("method"), code or "?", mx, has_children)
        if err:
            add("method", err)
        direction = _direction(row.values.get("direction"))
        if direction is None:
            add("direction", f"Chiều chỉ tiêu '{row.shown.get('direction')}' không rõ; ghi "
                "'Càng cao càng tốt' hoặc 'Càng thấp càng tốt'.")
        if mx is not None and mx != mx.quantize(Decimal("0.01")):
            add("max_points", "Điểm tối đa chỉ có tối đa hai chữ số thập phân.")
        if mx is not None and mx < 0 and method not in (DEDUCTION, None):
            add("max_points", "Điểm tối đa âm chỉ dùng cho điểm trừ.")
        target = None
        if row.values.get("target"):
            key = vntext.fold(row.values["target"])
            target = t_codes.get(key) or t_names.get(key)
            if target is None:
                add("target", f"Không tìm thấy chỉ tiêu '{row.values['target']}'; để trống "
                    "hoặc ghi đúng mã chỉ tiêu của phong trào.")
        if row.values.get("unit_kind"):
            kinds.append((row, row.values["unit_kind"]))
        parent = _parent_code(code) if code else None
        if parent and parent not in by_code and parent in codes:
            add("code", f"Tiêu chí {code} đứng trước nhóm {parent} của nó; hãy đặt nhóm lên trên.")
        node = {"code": code, "text": row.values.get("text") or "",
                "max_points": abs(mx) if mx is not None else None, "method": method,
                "direction": direction or "higher",
                "repeatable": vntext.fold(row.values.get("repeatable") or "") in YES,
                "target": target.id if target else None, "children": [], "_row": row.number}
        if problems:
            result.problems.extend(problems)
            bad.add(code)
            result.skipped += 1
            continue
        if parent and parent in bad:
            bad.add(code)
            result.skipped += 1
            continue
        by_code[code] = node
        (by_code[parent]["children"] if parent in by_code else nodes).append(node)
    result.nodes = nodes
    result.unit_kind = _unit_kind(kinds, table, result)
    result.bands = _read_bands(path, result)
    if nodes:
        total = _content_total(nodes)
        result.warnings = scoring.tree_warnings(nodes, total, _bonus_total(nodes))
    return result


def _criteria_sheet(path):
    from .xlsx_read import sheet_names
    names = sheet_names(path)
    for n in names:
        if vntext.fold(n) == vntext.fold(SHEET_CRITERIA):
            return n
    return None


def _unit_kind(kinds, table, result):
    if not kinds:
        return None
    row, text = kinds[0]
    key = vntext.fold(text)
    for kind in UnitKind.select():
        if key in (vntext.fold(kind.name), vntext.fold(kind.code)):
            return kind
    result.problems.append(Problem(table.sheet, row.number, table.column_letter("unit_kind"),
                                   "Loại đơn vị", f"Loại đơn vị '{text}' không có trong danh "
                                   "mục (ví dụ: Thôn, Tổ dân phố, Trường học).", "unit_kind"))
    return None


def _read_bands(path, result):
    from .xlsx_read import sheet_names
    names = [n for n in sheet_names(path) if vntext.fold(n) == vntext.fold(SHEET_BANDS)]
    if not names:
        return None
    table = read_table(path, BAND_SPECS, sheet=names[0])
    result.problems.extend(table.all_problems())
    if table.problems:
        return None
    return [{"name": r.values.get("name"), "min_total": r.values.get("min_total"),
             "floor_pct": r.values.get("floor_pct")} for r in table.valid_rows]


def _content_total(nodes):
    return sum((n["max_points"] for n in nodes if n["method"] in (GROUP, MANUAL, PROPORTIONAL,
                                                                    YESNO)), Decimal(0))


def _bonus_total(nodes):
    return sum((n["max_points"] for n, _d in _walk(nodes) if n["method"] == BONUS), Decimal(0))


def import_criteria(path, *, actor, movement=None, year=None, unit_kind=None, only_valid=False,
                    progress=None, name=None):
    """Import a criteria table; raises ValidationError listing problems by sheet/row/column.

    With no movement/year given the table goes to the current year (and its movement);
    the kind of unit comes from a 'Loại đơn vị' column, else thôn.
    """
    require(actor, "clerk")
    result = preview(path, progress=progress)
    fname = os.path.basename(str(path))
    if result.problems and (not only_valid or not result.nodes):
        raise ValidationError(
            f"Tệp {fname} có {len(result.problems)} lỗi; chưa nhập gì. Lỗi đầu tiên: "
            f"{result.problems[0]}", details=[str(p) for p in result.problems])
    year = year or datetime.date.today().year
    if movement is None:
        movement = scoring.movement_of_year(year)
    kind = unit_kind or result.unit_kind or "thon"
    name = name or os.path.splitext(fname)[0].replace("_", " ")
    cs = scoring.create_criteria_set(
        actor=actor, name=name, year=year, movement=movement, unit_kind=kind,
        criteria=result.nodes, total_max=_content_total(result.nodes),
        bonus_max=_bonus_total(result.nodes), bands=result.bands)
    result.criteria_set = cs
    result.warnings = cs.warnings
    return result


def export_criteria_xlsx(criteria_set, path):
    """The table as a workbook that ``import_criteria`` reads back unchanged."""
    from .xlsxdoc import Column, SheetSpec, write_workbook
    cs = criteria_set
    targets = {t.id: t for t in Target.select()}
    rows = []
    for node, depth in _walk(scoring.criteria_tree(cs)):
        mx = node["max_points"]
        t = targets.get(node["target"])
        rows.append([node["code"], ("    " * depth) + node["text"],
                     -mx if node["method"] == DEDUCTION else mx,
                     METHODS[node["method"]],
                     scoring.DIRECTIONS[node["direction"]] if node["method"] == PROPORTIONAL
                     else "", "x" if node["repeatable"] else "",
                     (t.code or t.name) if t else "",
                     cs.unit_kind.name if cs.unit_kind_id else ""])
    columns = [Column("Mã", 8), Column("Nội dung tiêu chí", 60, wrap=True),
               Column("Điểm tối đa", 12, "decimal"), Column("Cách chấm", 16),
               Column("Chiều chỉ tiêu", 20), Column("Trừ mỗi lần", 10),
               Column("Chỉ tiêu", 16), Column("Loại đơn vị", 18)]
    bands = [[b["name"], b["min_total"], b["floor_pct"]] for b in scoring.bands_of(cs)]
    info = (f"Năm {cs.year}; tổng {vntext.format_decimal(cs.total_max)} điểm, thưởng tối đa "
            f"{vntext.format_decimal(cs.bonus_max)} điểm")
    tie = scoring.tie_break_text(scoring.tie_break_of(cs))
    sheets = [
        SheetSpec(title=SHEET_CRITERIA, heading=cs.name.upper(), columns=columns, rows=rows,
                  subtitle=info),
        SheetSpec(title=SHEET_BANDS, heading="XẾP LOẠI",
                  subtitle=f"Bằng điểm thì xếp trên: {tie}" if tie else cs.name,
                  columns=[Column("Xếp loại", 20), Column("Từ điểm", 12, "decimal"),
                           Column("Mỗi tiêu chí tối thiểu (%)", 16, "decimal")], rows=bands),
    ]
    return write_workbook(str(path), sheets)
