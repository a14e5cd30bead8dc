"""Import of units, people and households from Excel: preview with problems, then one transaction.

``preview(kind, path)`` reads and checks the file without writing anything; ``import_file``
stores either every row (only when the whole file is valid) or, on explicit request
(``only_valid=True``), just the valid rows — all in one transaction with one audit row.
Criteria and targets are imported by ``reports.criteria_xlsx`` / ``reports.targets_xlsx``.
"""
import datetime
import os
import re
from dataclasses import dataclass, field

from models import vntext
from models.bulk import column_db_values
from models.db import db, execute_many
from models.entities import Household, Person, Unit, UnitKind
from models.errors import Cancelled, ValidationError
from models.fields import new_uuid, new_uuids
from models.service import audit, require, service

from .xlsx_read import ColumnSpec, Problem, read_table

BATCH = 500
KIND_LABELS = {"units": "đơn vị", "people": "cá nhân", "households": "hộ gia đình",
               "criteria": "tiêu chí chấm điểm", "targets": "chỉ tiêu"}
OWN_KINDS = ("units", "people", "households")

# Columns per kind: field, header, synonyms (matched accent- and case-insensitively),
# required, kind of value, maximum length. Documented in docs/IMPORT.md.
SPECS = {
    "units": [
        ColumnSpec("name", "Tên đơn vị", ("Tên tập thể", "Đơn vị", "Tên cơ quan, đơn vị",
                                          "Tên thôn, tổ dân phố", "Tên"), True, "name", 200),
        ColumnSpec("kind", "Loại đơn vị", ("Loại", "Loại hình", "Loại tập thể"), False,
                   "text", 100),
        ColumnSpec("parent", "Trực thuộc", ("Đơn vị cấp trên", "Cấp trên", "Cụm, khối thi đua",
                                            "Cụm thi đua", "Khối thi đua", "Thuộc cụm"),
                   False, "text", 200),
        ColumnSpec("leader_name", "Người đứng đầu", ("Trưởng thôn", "Tổ trưởng", "Thủ trưởng",
                                                     "Thủ trưởng đơn vị", "Lãnh đạo"),
                   False, "text", 200),
        ColumnSpec("address", "Địa chỉ", ("Địa điểm", "Trụ sở"), False, "text", 300),
        ColumnSpec("note", "Ghi chú", (), False, "text", 2000),
    ],
    "people": [
        ColumnSpec("full_name", "Họ và tên", ("Họ tên", "Họ và tên cá nhân", "Tên cá nhân",
                                             "Họ, tên"), True, "name", 200),
        ColumnSpec("gender", "Giới tính", ("Nam/Nữ", "Nam, nữ", "Phái", "Ông/Bà", "Ông, bà",
                                            "Ông (bà)"), True, "gender"),
        ColumnSpec("birth_year", "Năm sinh", ("Ngày sinh", "Ngày, tháng, năm sinh",
                                              "Ngày tháng năm sinh", "Sinh năm"),
                   False, "year"),
        ColumnSpec("position", "Chức vụ", ("Chức danh", "Chức vụ, chức danh", "Nghề nghiệp"),
                   False, "text", 200),
        ColumnSpec("unit", "Đơn vị", ("Đơn vị công tác", "Nơi công tác", "Cơ quan, đơn vị",
                                      "Cơ quan", "Thôn, tổ dân phố", "Thôn/Tổ dân phố"),
                   False, "text", 200),
        ColumnSpec("note", "Ghi chú", (), False, "text", 2000),
    ],
    "households": [
        ColumnSpec("head_name", "Chủ hộ", ("Họ và tên chủ hộ", "Họ tên chủ hộ", "Tên chủ hộ",
                                           "Chủ hộ gia đình", "Họ và tên"), True, "name", 200),
        ColumnSpec("gender", "Giới tính", ("Nam/Nữ", "Nam, nữ", "Giới tính chủ hộ", "Ông/Bà",
                                            "Ông, bà", "Ông (bà)"), True, "gender"),
        ColumnSpec("birth_year", "Năm sinh", ("Ngày sinh", "Ngày, tháng, năm sinh",
                                              "Ngày tháng năm sinh", "Sinh năm"),
                   False, "year"),
        ColumnSpec("village", "Thôn/Tổ dân phố", ("Thôn, tổ dân phố", "Thôn", "Tổ dân phố",
                                                  "Thôn/TDP", "TDP", "Thôn, TDP", "Khu phố",
                                                  "Ấp", "Bản", "Xóm"), True, "text", 200),
        ColumnSpec("address", "Địa chỉ", ("Số nhà", "Nơi ở", "Địa chỉ thường trú"), False,
                   "text", 300),
        ColumnSpec("note", "Ghi chú", (), False, "text", 2000),
    ],
}


@dataclass
class Preview:
    """What an import would do: the rows read, their problems and likely duplicates."""
    kind: str
    path: str
    table: object                     # xlsx_read.Table
    records: dict = field(default_factory=dict)      # row number → values ready to store
    duplicates: dict = field(default_factory=dict)   # row number → warning text

    @property
    def sheet(self):
        return self.table.sheet

    @property
    def rows(self):
        return self.table.rows

    @property
    def specs(self):
        return self.table.specs

    @property
    def problems(self):
        return self.table.all_problems()

    @property
    def file_problems(self):
        return self.table.problems

    @property
    def valid_rows(self):
        return [r for r in self.table.rows if r.ok]

    @property
    def can_import_all(self):
        return bool(self.table.rows) and not self.problems

    @property
    def converted_cells(self):
        return sum(self.table.encodings.values())

    def describe(self):
        label = KIND_LABELS[self.kind]
        parts = [f"{len(self.rows)} dòng {label}", f"{len(self.valid_rows)} dòng hợp lệ"]
        bad = len(self.rows) - len(self.valid_rows)
        if bad:
            parts.append(f"{bad} dòng có lỗi")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} dòng có thể trùng")
        for enc, n in self.table.encodings.items():
            parts.append(f"{n} ô chuyển từ mã {enc} sang Unicode")
        return " ".join([", ".join(parts) + "."] + [n.message for n in self.table.notes])


@dataclass
class ImportResult:
    kind: str
    path: str
    sheet: str = ""
    imported: int = 0
    skipped: list = field(default_factory=list)     # row numbers left out
    converted: int = 0
    duplicates: int = 0
    notes: list = field(default_factory=list)        # what the reader left out, and why

    def summary(self):
        label = KIND_LABELS.get(self.kind, self.kind)
        text = f"Đã nhập {vntext.format_int(self.imported)} {label} từ tệp " \
               f"{os.path.basename(self.path)}"
        if self.sheet:
            text += f" (trang '{self.sheet}')"
        text += "."
        if self.skipped:
            shown = ", ".join(str(n) for n in self.skipped[:20])
            more = "…" if len(self.skipped) > 20 else ""
            text += f" Bỏ qua {len(self.skipped)} dòng có lỗi (dòng {shown}{more})."
        if self.converted:
            text += f" {self.converted} ô được chuyển từ mã TCVN3/VNI sang Unicode."
        if self.duplicates:
            text += f" {self.duplicates} dòng có thể trùng nhau trong tệp (đã nhập, hãy kiểm tra)."
        for note in self.notes:
            text += " " + note
        return text


# --------------------------------------------------------------------------- resolution

_PLACE_PREFIX = re.compile(r"^(thon|to dan pho|tdp|to|khu pho|ap|ban|xom|khu|lang)\s+")


def _place_key(name):
    return _PLACE_PREFIX.sub("", vntext.fold(name)).strip()


class _Lookup:
    """Finds an existing unit by name: exact folded name first, then without 'Thôn'/'Tổ'."""

    def __init__(self, units):
        self.exact, self.loose, self._seen = {}, {}, {}
        for u in units:
            self.exact.setdefault(vntext.fold(u.name), []).append(u)
            self.loose.setdefault(_place_key(u.name), []).append(u)

    def find(self, name):
        """(unit, None) or (None, "missing" | "ambiguous"); remembered per text (a list
        names the same few villages thousands of times)."""
        hit = self._seen.get(name)
        if hit is None:
            hit = self._seen[name] = self._find(name)
        return hit

    def _find(self, name):
        found = self.exact.get(vntext.fold(name)) or self.loose.get(_place_key(name)) or []
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, "missing"
        return None, "ambiguous"


_KIND_HINTS = [("thon", ("thon",)), ("tdp", ("to dan pho", "tdp", "khu pho")),
               ("truong", ("truong",)), ("tram_y_te", ("tram y te",)),
               ("htx", ("hop tac xa", "htx")), ("cum", ("cum",)), ("khoi", ("khoi",)),
               ("doan_the", ("doan", "hoi", "mat tran", "cong doan")),
               ("co_quan", ("co quan", "ban", "phong", "van phong", "uy ban")),
               ("doanh_nghiep", ("cong ty", "doanh nghiep"))]


def _unit_kind(text, name, kinds):
    by_key = {}
    for k in kinds:
        by_key.setdefault(vntext.fold(k.name), k)
        by_key.setdefault(vntext.fold(k.code), k)
    if text:
        key = vntext.fold(text)
        if key in by_key:
            return by_key[key]
        for k in kinds:
            kname = vntext.fold(k.name)
            if kname.startswith(key) or key.startswith(kname.split(",")[0]):
                return k
        return None
    folded = vntext.fold(name)
    codes = {k.code: k for k in kinds}
    for code, words in _KIND_HINTS:
        if code in codes and any(folded == w or folded.startswith(w + " ") for w in words):
            return codes[code]
    return None


def _add_problem(preview, row, fld, message):
    table = preview.table
    spec = next((s for s in table.specs if s.field == fld), None)
    row.problems.append(Problem(table.sheet, row.number, table.column_letter(fld),
                                spec.label if spec else None, message, fld))


def _resolve_households(preview):
    villages = list(Unit.select(Unit, UnitKind).join(UnitKind)
                    .where(UnitKind.is_village == True))  # noqa: E712
    lookup = _Lookup(villages)
    existing = set(db.execute_sql(
        "SELECT name_key, birth_year, village_id FROM household").fetchall())
    seen = {}
    for row in preview.rows:
        v = row.values
        village = None
        if "village" in v:
            village, why = lookup.find(v["village"])
            if village is None:
                _add_problem(preview, row, "village", (
                    f"Không có thôn/tổ dân phố '{v['village']}' trong danh sách đơn vị; hãy "
                    "thêm ở trang Đơn vị & cá nhân hoặc sửa tên cho đúng.") if why == "missing"
                    else f"Có nhiều thôn/tổ dân phố tên '{v['village']}'; hãy ghi rõ tên.")
        if not row.ok:
            continue
        key = (vntext.fold(v["head_name"]), v.get("birth_year"), village.id)
        if key in existing:
            _add_problem(preview, row, "head_name",
                         f"Đã có hộ {v['head_name']} ở {village.name} trong dữ liệu (trùng họ "
                         "tên, năm sinh, thôn); bỏ dòng này nếu đã nhập trước đây.")
            continue
        if key in seen:
            preview.duplicates[row.number] = (f"Có thể trùng với dòng {seen[key]} (cùng họ tên, "
                                              "năm sinh, thôn).")
        else:
            seen[key] = row.number
        preview.records[row.number] = {
            "head_name": v["head_name"], "name_key": key[0], "gender": v["gender"],
            "birth_year": v.get("birth_year"), "village": village.id,
            "address": v.get("address", ""), "note": v.get("note", "")}


def _resolve_people(preview):
    lookup = _Lookup(list(Unit.select()))
    existing = set(db.execute_sql(
        "SELECT name_key, birth_year, unit_id FROM person").fetchall())
    seen = {}
    for row in preview.rows:
        v = row.values
        unit = None
        if v.get("unit"):
            unit, why = lookup.find(v["unit"])
            if unit is None:
                _add_problem(preview, row, "unit", (
                    f"Không có đơn vị '{v['unit']}' trong danh sách; hãy thêm đơn vị trước "
                    "hoặc sửa tên cho đúng.") if why == "missing"
                    else f"Có nhiều đơn vị tên '{v['unit']}'; hãy ghi rõ tên.")
        if not row.ok:
            continue
        key = (vntext.fold(v["full_name"]), v.get("birth_year"), unit.id if unit else None)
        if key in existing:
            _add_problem(preview, row, "full_name",
                         f"Đã có {v['full_name']} (cùng năm sinh, cùng đơn vị) trong dữ liệu; "
                         "bỏ dòng này nếu đã nhập trước đây.")
            continue
        if key in seen:
            preview.duplicates[row.number] = (f"Có thể trùng với dòng {seen[key]} (cùng họ tên, "
                                              "năm sinh, đơn vị).")
        else:
            seen[key] = row.number
        preview.records[row.number] = {
            "full_name": v["full_name"], "name_key": key[0], "gender": v["gender"],
            "birth_year": v.get("birth_year"), "position": v.get("position", ""),
            "unit": unit.id if unit else None, "note": v.get("note", "")}


def _resolve_units(preview):
    kinds = list(UnitKind.select())
    lookup = _Lookup(list(Unit.select(Unit, UnitKind).join(UnitKind)))
    in_file = {}
    for row in preview.rows:
        if "name" in row.values:
            in_file.setdefault(vntext.fold(row.values["name"]), row.number)
    seen = {}
    for row in preview.rows:
        v = row.values
        kind = None
        if "name" in v:
            kind = _unit_kind(v.get("kind"), v["name"], kinds)
            if kind is None:
                _add_problem(preview, row, "kind", (
                    f"Không có loại đơn vị '{v['kind']}' trong danh mục; dùng một trong: "
                    + ", ".join(k.name for k in kinds) + ".") if v.get("kind") else
                    "Không đoán được loại đơn vị từ tên; hãy thêm cột 'Loại đơn vị'.")
        parent_id, parent_row = None, None
        if v.get("parent"):
            pkey = vntext.fold(v["parent"])
            if pkey in in_file and in_file[pkey] != row.number:
                parent_row = in_file[pkey]
            else:
                parent, why = lookup.find(v["parent"])
                if parent is None:
                    _add_problem(preview, row, "parent", (
                        f"Không có đơn vị cấp trên '{v['parent']}' trong dữ liệu hay trong tệp."
                        if why == "missing" else f"Có nhiều đơn vị tên '{v['parent']}'."))
                else:
                    parent_id = parent.id
        if not row.ok:
            continue
        key = (vntext.fold(v["name"]), parent_id, parent_row)
        if parent_row is None and lookup.exact.get(key[0]) and any(
                u.parent_id == parent_id for u in lookup.exact[key[0]]):
            _add_problem(preview, row, "name",
                         f"Đã có đơn vị '{v['name']}' (cùng cấp trên) trong dữ liệu.")
            continue
        if key in seen:
            preview.duplicates[row.number] = f"Có thể trùng với dòng {seen[key]}."
        else:
            seen[key] = row.number
        preview.records[row.number] = {
            "name": v["name"], "name_key": key[0], "kind": kind.id, "parent": parent_id,
            "parent_row": parent_row, "leader_name": v.get("leader_name", ""),
            "address": v.get("address", ""), "note": v.get("note", "")}
    # A unit under a parent row that has problems cannot be stored either.
    changed = True
    while changed:
        changed = False
        for number, rec in list(preview.records.items()):
            if rec["parent_row"] is not None and rec["parent_row"] not in preview.records:
                row = next(r for r in preview.rows if r.number == number)
                _add_problem(preview, row, "parent",
                             f"Đơn vị cấp trên ở dòng {rec['parent_row']} có lỗi; hãy sửa dòng đó.")
                del preview.records[number]
                changed = True


RESOLVERS = {"units": _resolve_units, "people": _resolve_people,
             "households": _resolve_households}


# --------------------------------------------------------------------------- entry points

def _check_kind(kind):
    if kind not in KIND_LABELS:
        raise ValidationError(f"Không nhập được loại '{kind}'; chọn một trong: "
                              + ", ".join(KIND_LABELS) + ".")


def _scaled(progress, lo, hi):
    if progress is None:
        return None

    def inner(done, total):
        frac = done / total if total else 1
        return progress(int(lo + (hi - lo) * frac), 100)
    return inner


def preview(kind, path, *, sheet=None, progress=None):
    """Read and check ``path`` for ``kind`` without writing anything."""
    _check_kind(kind)
    if kind not in OWN_KINDS:
        module = _delegate_module(kind)
        fn = getattr(module, "preview", None) or getattr(module, f"preview_{kind}", None)
        if fn is None:
            raise ValidationError(f"Chưa có xem trước cho việc nhập {KIND_LABELS[kind]}.")
        return fn(path, sheet=sheet, progress=progress)
    table = read_table(path, SPECS[kind], sheet=sheet, progress=progress)
    result = Preview(kind=kind, path=str(path), table=table)
    if not table.problems:
        RESOLVERS[kind](result)
    return result


def _delegate_module(kind):
    # Imported lazily: those modules belong to the criteria and targets areas.
    if kind == "criteria":
        from reports import criteria_xlsx
        return criteria_xlsx
    from reports import targets_xlsx
    return targets_xlsx


def import_file(*, kind, path, actor, only_valid=False, sheet=None, progress=None):
    """Import ``path``: every row when the whole file is valid, or only the valid rows when
    ``only_valid`` (the user confirmed). Raises ValidationError listing the problems otherwise.
    """
    _check_kind(kind)
    require(actor, "clerk")
    if kind == "criteria":
        from reports.criteria_xlsx import import_criteria
        return import_criteria(path, actor=actor, only_valid=only_valid, progress=progress)
    if kind == "targets":
        from reports.targets_xlsx import import_targets
        return import_targets(path, actor=actor, only_valid=only_valid, progress=progress)
    pv = preview(kind, path, sheet=sheet, progress=_scaled(progress, 0, 60))
    name = os.path.basename(str(path))
    if pv.file_problems:
        raise ValidationError(
            f"Không nhập được tệp {name}: " + "; ".join(str(p) for p in pv.file_problems),
            details=[str(p) for p in pv.file_problems])
    problems = pv.problems
    if problems and not only_valid:
        raise ValidationError(
            f"Tệp {name} có {len(problems)} lỗi ở {len(pv.rows) - len(pv.valid_rows)} dòng; "
            "chưa nhập gì. Hãy sửa tệp rồi nhập lại (hoặc chọn chỉ nhập các dòng hợp lệ).",
            details=[str(p) for p in problems])
    if not pv.records:
        raise ValidationError(f"Tệp {name} không có dòng hợp lệ nào để nhập; chưa nhập gì.",
                              details=[str(p) for p in problems])
    count = _store(actor=actor, preview=pv, progress=_scaled(progress, 60, 100))
    return ImportResult(kind=kind, path=str(path), sheet=pv.sheet, imported=count,
                        skipped=[r.number for r in pv.rows if not r.ok],
                        converted=pv.converted_cells, duplicates=len(pv.duplicates),
                        notes=[n.message for n in pv.table.notes])


@service("clerk")
def _store(*, actor, preview, progress=None):
    """Write the preview's records in one transaction (the decorator) with one audit row."""
    records = [preview.records[n] for n in sorted(preview.records)]
    now = datetime.datetime.now().replace(microsecond=0)
    if preview.kind == "units":
        count = _store_units([(n, preview.records[n]) for n in sorted(preview.records)], now)
    else:
        model = Household if preview.kind == "households" else Person
        if model is Household:
            names = ("head_name", "name_key", "gender", "birth_year", "village", "address",
                     "note")
        else:
            names = ("full_name", "name_key", "gender", "birth_year", "position", "unit",
                     "note")
        fields = [model.uuid] + [model._meta.fields[n] for n in names] + [model.created_at]
        # Column by column: one list per field, each value converted as its field would
        # (bulk.column_db_values: already-clean NFC text and ints pass through as they are).
        columns = [new_uuids(len(records))] + [[r[n] for r in records] for n in names] \
            + [_Same([now] * len(records))]
        fields, columns = _with_defaults(model, fields, columns, records)
        columns = [[f.db_value(c[0])] * len(c) if isinstance(c, _Same) and c
                   else column_db_values(f, c) for f, c in zip(fields, columns)]
        rows = list(zip(*columns))
        total = len(rows)
        # Batches of plain parameter rows through the connection: the same INSERT that
        # insert_many() writes, without building 100,000 SQL value nodes (3× faster).
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
               f'VALUES ({", ".join("?" * len(fields))})')
        for start in range(0, total, BATCH):
            execute_many(sql, rows[start:start + BATCH])
            if progress is not None and progress(min(total, start + BATCH), total) is False:
                raise Cancelled()
        count = total
    table = preview.table
    audit(actor, f"import_{preview.kind}", {"units": "unit", "people": "person",
                                            "households": "household"}[preview.kind],
          new={"file": os.path.basename(preview.path), "sheet": table.sheet, "count": count,
               "skipped_rows": [r.number for r in table.rows if not r.ok],
               "converted_cells": preview.converted_cells})
    return count


def _sort_string(kind, text):
    """The stored Vietnamese sort key of a name, when the schema has such a column."""
    return _sort_function(kind)(text)


def _sort_function(kind):
    """``_sort_string(kind, ·)`` looked up once (20,000 rows: one import, not one per row)."""
    try:
        from models import collation
    except ImportError:
        return lambda text: ""
    return collation.name_sort_string if kind == "name" else collation.text_sort_string


class _Same(list):
    """A column holding one value on every row: converted once."""


def _with_defaults(model, fields, columns, records):
    """Add the columns the raw insert would otherwise leave out: ``sort_key`` computed from
    the name, every other column with a default (as insert_many would fill it)."""
    given = {f.name for f in fields}
    extra_fields, extra_values = [], []
    for name, f in model._meta.fields.items():
        if name in given or f.primary_key:
            continue
        if name == "sort_key":
            key = "head_name" if model is Household else "full_name"
            extra_fields.append(f)
            sort_string = _sort_function("name")
            extra_values.append([sort_string(r[key]) for r in records])
        elif f.default is not None:
            if callable(f.default):
                extra_values.append([f.default() for _ in records])
            else:
                extra_values.append(_Same([f.default] * len(records)))
            extra_fields.append(f)
    return fields + extra_fields, columns + extra_values


def _store_units(numbered, now):
    """Units one by one (few rows): parents named in the same file are created first."""
    created_ids = {}
    pending = list(numbered)
    while pending:
        rest = []
        for row_no, r in pending:
            if r["parent_row"] is not None and r["parent_row"] not in created_ids:
                rest.append((row_no, r))
                continue
            parent = r["parent"] if r["parent_row"] is None else created_ids[r["parent_row"]]
            extra = ({"sort_key": _sort_string("text", r["name"])}
                     if "sort_key" in Unit._meta.fields else {})
            unit = Unit.create(uuid=new_uuid(), name=r["name"], name_key=r["name_key"],
                               kind=r["kind"], parent=parent, leader_name=r["leader_name"],
                               address=r["address"], note=r["note"], created_at=now, **extra)
            created_ids[row_no] = unit.id
        if len(rest) == len(pending):
            raise ValidationError("Các đơn vị trong tệp trực thuộc lẫn nhau thành vòng tròn "
                                  "(hoặc trực thuộc một dòng có lỗi); hãy sửa cột 'Trực thuộc'.")
        pending = rest
    return len(created_ids)
