"""Import a commune's targets (chỉ tiêu) from an Excel list, problems by sheet/row/column."""
import datetime
import os
from dataclasses import dataclass, field

from models import movements as mv
from models import vntext
from models.db import db
from models.entities import Movement
from models.errors import ValidationError
from models.service import require
from .xlsx_read import ColumnSpec, Problem, read_table

SPECS = [
    ColumnSpec("code", "STT", ("Số TT", "TT", "Số thứ tự", "Mã")),
    ColumnSpec("name", "Chỉ tiêu", ("Tên chỉ tiêu", "Nội dung", "Nội dung chỉ tiêu",
                                    "Chỉ tiêu thi đua"), required=True, max_len=1000),
    ColumnSpec("value", "Giá trị", ("Chỉ tiêu giao", "Kế hoạch", "Mức chỉ tiêu", "Giá trị chỉ tiêu",
                                    "Chỉ tiêu năm", "Mục tiêu"), max_len=300),
    ColumnSpec("measure", "Đơn vị tính", ("ĐVT", "Đơn vị", "Đơn vị đo"), max_len=60),
    ColumnSpec("direction", "Chiều đánh giá", ("Chiều", "Đánh giá", "Hướng")),
    ColumnSpec("group", "Nhóm", ("Lĩnh vực", "Nhóm chỉ tiêu")),
    ColumnSpec("actual", "Thực hiện", ("Kết quả", "Kết quả thực hiện", "Thực hiện năm")),
]
DIRECTION_WORDS = {"cao": "higher", "tang": "higher", "cang cao cang tot": "higher",
                   "thap": "lower", "giam": "lower", "cang thap cang tot": "lower",
                   "dung": "exact", "bang": "exact", "dat dung": "exact"}


@dataclass
class TargetsImport:
    path: str
    sheet: str = ""
    rows: list = field(default_factory=list)        # dicts ready for movements.add_targets
    problems: list = field(default_factory=list)
    movement: object = None
    created: int = 0
    skipped: int = 0

    def summary(self):
        name = os.path.basename(self.path)
        if self.movement is None:
            return f"Tệp {name}: {len(self.rows)} chỉ tiêu đọc được, {len(self.problems)} lỗi."
        text = (f"Đã nhập {self.created} chỉ tiêu vào phong trào '{self.movement.name}' "
                f"từ tệp {name}.")
        if self.skipped:
            text += f" Đã bỏ qua {self.skipped} dòng có lỗi."
        return text


def _direction(text, name, value_text):
    key = vntext.fold(text or "")
    if not key:
        return mv.guess_direction(name, value_text)
    for word, direction in DIRECTION_WORDS.items():
        if key == word or key.startswith(word):
            return direction
    raise ValueError("chiều đánh giá phải là 'cao hơn tốt hơn', 'thấp hơn tốt hơn' hoặc "
                     "'đạt đúng'")


def _row(table, row):
    """A dict for add_targets, or a Problem list for this row."""
    v = row.values
    problems = []

    def problem(fld, message):
        spec = next(s for s in SPECS if s.field == fld)
        problems.append(Problem(table.sheet, row.number, table.column_letter(fld), spec.label,
                                message, fld))
    name = v.get("name") or ""
    value_text = v.get("value") or ""
    parsed = None
    if not value_text and ":" in name:                # "(10) Giải quyết việc làm: 1.600 người"
        try:
            parsed = mv.parse_target_line(name)
        except ValueError as err:
            problem("name", str(err))
    out = parsed or dict(code=v.get("code") or "", name=name, value=None, measure="",
                         value_text=value_text, group="", direction="")
    if v.get("code"):
        out["code"] = str(v["code"])
    if parsed is None and value_text:
        try:
            out["value"] = mv.parse_value(value_text)
            out["measure"] = vntext.parse_number_with_unit(
                value_text.lstrip("≥≤<>= "))[1] if not v.get("measure") else ""
        except (ValidationError, Exception):
            problem("value", f"'{value_text}' không phải là số; hãy ghi như 85%, 1.600 hoặc "
                    "9,48.")
    if v.get("measure"):
        out["measure"] = v["measure"]
    try:
        out["direction"] = _direction(v.get("direction"), out["name"], out["value_text"])
    except ValueError as err:
        problem("direction", str(err))
    out["group"] = v.get("group") or out.get("group") or mv.guess_group(out["name"])
    if v.get("actual"):
        try:
            out["actual"] = mv.parse_value(v["actual"])
        except ValidationError:
            problem("actual", f"'{v['actual']}' không phải là số; hãy ghi như 85%, 1.600.")
    out.pop("warning", None)
    out.pop("line_no", None)
    return out, problems


def preview(path, *, sheet=None, progress=None):
    """Read the file without storing anything: TargetsImport with rows and problems."""
    table = read_table(path, SPECS, sheet=sheet, progress=progress)
    result = TargetsImport(path=str(path), sheet=table.sheet, problems=list(table.problems))
    for row in table.rows:
        if row.problems:
            result.problems.extend(row.problems)
            result.skipped += 1
            continue
        values, problems = _row(table, row)
        if problems:
            result.problems.extend(problems)
            result.skipped += 1
        else:
            result.rows.append(values)
    return result


def _default_movement():
    year = datetime.date.today().year
    found = (Movement.select().where((Movement.year_from <= year) & (Movement.year_to >= year)
                                     & Movement.parent.is_null())
             .order_by(Movement.year_from.desc(), Movement.id).first())
    if found is None:
        raise ValidationError(f"Chưa có phong trào nào của năm {year}; hãy tạo phong trào ở "
                              "trang 'Phong trào' rồi nhập chỉ tiêu.")
    return found


def import_targets(path, *, actor, movement=None, only_valid=False, progress=None, sheet=None):
    """Import a targets list into ``movement`` (default: this year's main movement).

    Nothing is stored when the file has problems, unless ``only_valid`` (then the good rows
    are stored). Raises ValidationError with one detail line per problem.
    """
    require(actor, "clerk")
    result = preview(path, sheet=sheet, progress=progress)
    fname = os.path.basename(str(path))
    if result.problems and (not only_valid or not result.rows):
        raise ValidationError(
            f"Tệp {fname} có {len(result.problems)} lỗi; chưa nhập gì. Lỗi đầu tiên: "
            f"{result.problems[0]}", details=[str(p) for p in result.problems])
    if not result.rows:
        raise ValidationError(f"Tệp {fname} không có chỉ tiêu nào để nhập.")
    movement = movement or _default_movement()
    actuals = [r.pop("actual", None) for r in result.rows]
    with db.atomic():                      # targets and their actuals land together
        saved = mv.add_targets(actor=actor, movement=movement, rows=result.rows)
        for target, actual in zip(saved, actuals):
            if actual is not None:
                mv.set_actual(actor=actor, target=target, actual=actual)
    result.movement, result.created = movement, len(saved)
    return result
