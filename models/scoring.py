"""Criteria tables (bảng tiêu chí): create, copy, edit as a tree, freeze once used; bands.

Score sheets and their state machine live in ``scoring_sheets.py``; both are re-exported
here so callers use one module: ``from models import scoring``.
A tree is a list of node dicts::

    {"code": "I", "text": "Kinh tế", "max_points": Decimal("25"), "method": "group",
     "direction": "higher", "repeatable": False, "target": None, "children": [...]}

Bands are dicts ``{"name", "min_total", "floor_pct"}``; tie-break is a list of rules
("group:I", "group:II", "penalties").
"""
import json
from decimal import Decimal

from peewee import JOIN

from .bulk import Prepared
from .entities import (Band, CriteriaSet, Criterion, Movement, ScoreSheet, Target,
                       UnitKind)
from .errors import ConflictError, NotFound, ValidationError
from .scoring_calc import (BONUS, DEDUCTION, GROUP, METHODS, PROPORTIONAL, SCORED, BandRule, Crit,
                           PointsError, TableSpec, fmt_points, to_decimal)
from .scoring_calc import parse_points as _calc_parse_points
from .service import audit, service, snapshot

DIRECTIONS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt",
              "exact": "Đúng chỉ tiêu"}
DEFAULT_BANDS = [
    {"name": "Xuất sắc", "min_total": Decimal(90), "floor_pct": Decimal(85)},
    {"name": "Tốt", "min_total": Decimal(80), "floor_pct": None},
    {"name": "Khá", "min_total": Decimal(70), "floor_pct": None},
    {"name": "Trung bình", "min_total": Decimal(50), "floor_pct": None},
    {"name": "Yếu", "min_total": Decimal(0), "floor_pct": None},
]
DEFAULT_TIE_BREAK = ["group:I", "group:II", "penalties"]
TIE_BREAK_LABELS = {"penalties": "ít điểm trừ hơn", "bonus": "nhiều điểm thưởng hơn"}


def _clean(text):
    import unicodedata
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


# --------------------------------------------------------------------------- reading

def criteria_sets(*, year=None):
    query = CriteriaSet.select().order_by(CriteriaSet.year.desc(), CriteriaSet.name)
    if year is not None:
        query = query.where(CriteriaSet.year == year)
    return list(query)


def criteria_set(set_id):
    cs = CriteriaSet.get_or_none(CriteriaSet.id == set_id)
    if cs is None:
        raise NotFound(f"Không có bảng tiêu chí số {set_id}.")
    return cs


# Read at every grid, sheet and export: rendered to SQL once (bulk.Prepared).
_YEARS = Prepared(lambda: CriteriaSet.select(CriteriaSet.year).tuples())
_SETS_OF_YEAR = Prepared(lambda year: CriteriaSet.select(CriteriaSet, UnitKind)
                         .join(UnitKind, JOIN.LEFT_OUTER).where(CriteriaSet.year == year)
                         .order_by(CriteriaSet.id))
_CRITERIA = Prepared(lambda cs_id: Criterion.select().where(Criterion.criteria_set == cs_id)
                     .order_by(Criterion.order, Criterion.id))
_BANDS = Prepared(lambda cs_id: Band.select().where(Band.criteria_set == cs_id))   # cs.bands


def years():
    """Years that have a criteria table, newest first."""
    return sorted({year for (year,) in _YEARS.objects()}, reverse=True)


def sets_of_year(year):
    """The criteria tables of ``year`` in the order they were made (their unit kind read
    with them)."""
    return _SETS_OF_YEAR.objects(year)


def is_frozen(cs):
    """A table used by any score sheet keeps its structure (edit a copy instead)."""
    return ScoreSheet.select().where(ScoreSheet.criteria_set == cs).exists()


def ordered_criteria(cs):
    """[(criterion, depth)] in tree order."""
    rows = _CRITERIA.objects(getattr(cs, "id", cs))
    children = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)
    out = []

    def walk(pid, depth):
        for c in children.get(pid, []):
            out.append((c, depth))
            walk(c.id, depth + 1)
    walk(None, 0)
    return out


def crit_info(criterion, group="", depth=0):
    return Crit(id=criterion.id, code=criterion.code, text=criterion.text,
                max_points=criterion.max_points, method=criterion.method, group=group,
                direction=criterion.direction, repeatable=criterion.repeatable,
                target_id=criterion.target_id, depth=depth)


def spec_for(cs):
    """The pure TableSpec of a criteria table (what scoring_calc and the grid use)."""
    leaves, groups = [], []
    top = None
    for c, depth in ordered_criteria(cs):
        if depth == 0:
            top = c.code
        if c.method == GROUP:
            if depth == 0:
                groups.append(crit_info(c, c.code, 0))
            continue
        group = top if depth > 0 else ("" if c.method in (BONUS, DEDUCTION) else c.code)
        if c.method == BONUS and depth == 0:
            group = "+"
        if c.method == DEDUCTION and depth == 0:
            group = "-"
        leaves.append(crit_info(c, group, depth))
    bands = [BandRule(b.name, b.min_total, b.floor_pct) for b in _BANDS.objects(cs.id)]
    return TableSpec(leaves=leaves, bands=bands, total_max=cs.total_max,
                     bonus_max=cs.bonus_max or Decimal(0), tie_break=tie_break_of(cs),
                     groups=groups)


def tie_break_of(cs):
    try:
        rules = json.loads(cs.tie_break or "[]")
    except ValueError:
        rules = []
    return [str(r) for r in rules] if isinstance(rules, list) else []


def tie_break_text(rules):
    """'điểm nhóm I cao hơn, rồi điểm nhóm II cao hơn, rồi ít điểm trừ hơn'."""
    parts = []
    for r in rules:
        if r.startswith("group:"):
            parts.append(f"điểm nhóm {r[6:]} cao hơn")
        else:
            parts.append(TIE_BREAK_LABELS.get(r, r))
    return ", rồi ".join(parts)


def tie_break_short(rules):
    """'nhóm I, nhóm II, điểm trừ' — the form the editor shows and reads back."""
    names = {"penalties": "điểm trừ", "bonus": "điểm thưởng"}
    return ", ".join(f"nhóm {r[6:]}" if r.startswith("group:") else names.get(r, r)
                     for r in rules)


def parse_tie_break(text, group_codes):
    """'nhóm I, nhóm II, điểm trừ' → ["group:I", "group:II", "penalties"]; ValidationError
    naming the part that is not understood."""
    from .vntext import fold
    codes = {fold(c): c for c in group_codes}
    rules = []
    for part in str(text or "").replace(";", ",").split(","):
        key = fold(part).strip()
        if not key:
            continue
        word = key[5:].strip() if key.startswith("nhom ") else key
        if word in codes:
            rules.append(f"group:{codes[word]}")
        elif "tru" in key:
            rules.append("penalties")
        elif "thuong" in key:
            rules.append("bonus")
        else:
            raise ValidationError(
                f"Quy tắc khi bằng điểm: không hiểu '{part.strip()}'. Ghi các nhóm (ví dụ "
                "'nhóm I, nhóm II') và/hoặc 'điểm trừ', 'điểm thưởng', cách nhau bởi dấu phẩy.",
                field="tie_break")
    return rules


def bands_of(cs):
    return [{"name": b.name, "min_total": b.min_total, "floor_pct": b.floor_pct}
            for b in Band.select().where(Band.criteria_set == cs).order_by(Band.order)]


def criteria_tree(cs):
    """The table as the nested node dicts the editor and the Excel export use."""
    nodes, by_id = [], {}
    for c, _depth in ordered_criteria(cs):
        node = {"id": c.id, "code": c.code, "text": c.text, "max_points": c.max_points,
                "method": c.method, "direction": c.direction, "repeatable": c.repeatable,
                "target": c.target_id, "children": []}
        by_id[c.id] = node
        (by_id[c.parent_id]["children"] if c.parent_id else nodes).append(node)
    return nodes


def parse_points(text, criterion):
    """Points typed for ``criterion`` (model or Crit) → Decimal or None; ValidationError."""
    try:
        return _calc_parse_points(text, criterion)
    except PointsError as err:
        raise ValidationError(str(err), field="points")


# --------------------------------------------------------------------------- validation

def _points(value, where, field="max_points"):
    try:
        value = to_decimal(value if value is not None else "")
    except PointsError:
        raise ValidationError(f"{where}: điểm '{value}' không phải là số.", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"{where}: điểm chỉ có tối đa hai chữ số thập phân.", field=field)
    return value


def _walk(nodes, depth=0):
    for n in nodes:
        yield n, depth
        yield from _walk(n.get("children") or [], depth + 1)


def clean_tree(nodes):
    """Validate and normalise a tree; returns (clean nodes, warnings). Raises on errors."""
    errors, seen = [], set()

    def one(node, depth):
        code = _clean(node.get("code"))
        where = f"Tiêu chí {code or '(chưa có mã)'}"
        if not code:
            errors.append("Một tiêu chí chưa có mã (ví dụ I.2).")
        elif code in seen:
            errors.append(f"Mã tiêu chí {code} bị trùng.")
        seen.add(code)
        text = _clean(node.get("text"))
        if not text:
            errors.append(f"{where}: chưa có nội dung.")
        method = node.get("method") or ("group" if node.get("children") else "manual")
        if method not in METHODS:
            errors.append(f"{where}: cách chấm '{method}' không hợp lệ.")
        try:
            mx = abs(_points(node.get("max_points"), where))
        except ValidationError as err:
            errors.append(str(err))
            mx = Decimal(0)
        children = [one(ch, depth + 1) for ch in node.get("children") or []]
        if children and method != GROUP:
            errors.append(f"{where} có tiêu chí con nên phải là nhóm.")
        direction = node.get("direction") or "higher"
        if direction not in DIRECTIONS:
            errors.append(f"{where}: chiều chỉ tiêu '{direction}' không hợp lệ.")
        target = node.get("target")
        if isinstance(target, Target):
            target = target.id
        return {"code": code, "text": text, "max_points": mx, "method": method,
                "direction": direction, "repeatable": bool(node.get("repeatable")),
                "target": target, "children": children}

    clean = [one(n, 0) for n in nodes]
    if errors:
        raise ValidationError("Bảng tiêu chí có lỗi: " + errors[0], details=errors)
    if not clean:
        raise ValidationError("Bảng tiêu chí chưa có tiêu chí nào.")
    return clean, tree_warnings(clean)


def tree_warnings(nodes, total_max=None, bonus_max=None):
    """Group maxima that do not add up (a warning, the user may mean it)."""
    warnings = []
    for node, _d in _walk(nodes):
        if node["method"] == GROUP and node["children"]:
            s = sum((c["max_points"] for c in node["children"] if c["method"] in SCORED
                     or c["method"] == GROUP), Decimal(0))
            if s != node["max_points"]:
                warnings.append(
                    f"Nhóm {node['code']}: tổng điểm các tiêu chí con là {fmt_points(s)}, "
                    f"khác điểm tối đa của nhóm ({fmt_points(node['max_points'])}).")
    content = sum((n["max_points"] for n in nodes if n["method"] in SCORED + (GROUP,)),
                  Decimal(0))
    if total_max is not None and content != Decimal(total_max):
        warnings.append(
            f"Tổng điểm tối đa các nhóm là {fmt_points(content)}, khác tổng điểm của bảng "
            f"({fmt_points(total_max)}).")
    bonus = sum((n["max_points"] for n, _d in _walk(nodes) if n["method"] == BONUS), Decimal(0))
    if bonus_max is not None and bonus and not bonus_max:
        warnings.append(f"Bảng có {fmt_points(bonus)} điểm thưởng nhưng chưa đặt mức "
                        "thưởng tối đa: điểm thưởng sẽ không bị giới hạn.")
    return warnings


def clean_bands(bands):
    out, names = [], set()
    for i, b in enumerate(bands, start=1):
        name = _clean(b.get("name"))
        if not name:
            raise ValidationError(f"Xếp loại thứ {i} chưa có tên.", field="bands")
        if name in names:
            raise ValidationError(f"Xếp loại '{name}' bị trùng.", field="bands")
        names.add(name)
        mn = _points(b.get("min_total"), f"Xếp loại {name}", "bands")
        floor = b.get("floor_pct")
        floor = None if floor in (None, "") else _points(floor, f"Xếp loại {name}", "bands")
        if floor is not None and not 0 <= floor <= 100:
            raise ValidationError(f"Xếp loại {name}: sàn mỗi tiêu chí phải từ 0 đến 100 %.",
                                  field="bands")
        out.append({"name": name, "min_total": mn, "floor_pct": floor})
    out.sort(key=lambda b: b["min_total"], reverse=True)
    return out


def _write_tree(cs, nodes):
    order = [0]

    def write(node, parent):
        order[0] += 1
        c = Criterion.create(criteria_set=cs, parent=parent, order=order[0], code=node["code"],
                             text=node["text"], max_points=node["max_points"],
                             method=node["method"], direction=node["direction"],
                             repeatable=node["repeatable"], target=node["target"])
        for ch in node["children"]:
            write(ch, c)
    for n in nodes:
        write(n, None)


def _write_bands(cs, bands):
    Band.delete().where(Band.criteria_set == cs).execute()
    for i, b in enumerate(bands):
        Band.create(criteria_set=cs, order=i, **b)


def _kind(unit_kind):
    if unit_kind is None or isinstance(unit_kind, UnitKind):
        return unit_kind
    kind = UnitKind.get_or_none(UnitKind.code == unit_kind)
    if kind is None:
        raise ValidationError(f"Loại đơn vị '{unit_kind}' không có trong danh mục.",
                              field="unit_kind")
    return kind


def _year(year):
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(f"Năm '{year}' không hợp lệ.", field="year")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"Năm {year} không hợp lệ.", field="year")
    return year


# --------------------------------------------------------------------------- actions

@service("clerk")
def create_criteria_set(*, actor, name, year, criteria, movement=None, unit_kind=None,
                        total_max=100, bonus_max=0, bands=None, tie_break=None):
    """A new table from a node tree; ``.warnings`` on the result lists sums that differ."""
    name = _clean(name)
    if not name:
        raise ValidationError("Hãy đặt tên cho bảng tiêu chí.", field="name")
    nodes, _ = clean_tree(criteria)
    bands = clean_bands(DEFAULT_BANDS if bands is None else bands)
    total_max = _points(total_max, "Tổng điểm", "total_max")
    bonus_max = _points(bonus_max or 0, "Điểm thưởng tối đa", "bonus_max")
    cs = CriteriaSet.create(
        name=name, year=_year(year), movement=movement, unit_kind=_kind(unit_kind),
        total_max=total_max, bonus_max=bonus_max,
        tie_break=json.dumps(DEFAULT_TIE_BREAK if tie_break is None else list(tie_break),
                             ensure_ascii=False))
    _write_tree(cs, nodes)
    _write_bands(cs, bands)
    audit(actor, "create_criteria_set", cs, new={**snapshot(cs), "criteria": len(list(
        _walk(nodes)))})
    cs.warnings = tree_warnings(nodes, total_max, bonus_max)
    return cs


def _matching_target(target_id, movement, year):
    """In a copy for another movement/year, link to the target with the same code there."""
    if target_id is None:
        return None
    old = Target.get_or_none(Target.id == target_id)
    if old is None or movement is None:
        return target_id
    query = Target.select().where((Target.movement == movement) & (Target.code == old.code))
    match = (query.where(Target.year == year).first() or query.first()) if old.code else None
    return match.id if match else (target_id if old.movement_id == movement.id else None)


@service("clerk")
def copy_criteria_set(*, actor, source, year=None, movement=..., name=None):
    """Copy a table (e.g. last year's) with its tree and bands; the copy is editable."""
    year = source.year if year is None else _year(year)
    movement = source.movement if movement is ... else movement
    nodes = criteria_tree(source)
    for node, _d in _walk(nodes):
        node["target"] = _matching_target(node["target"], movement, year)
    name = _clean(name) or (source.name if year != source.year else f"{source.name} (bản sao)")
    cs = CriteriaSet.create(name=name, year=year, movement=movement,
                            unit_kind=source.unit_kind, total_max=source.total_max,
                            bonus_max=source.bonus_max, tie_break=source.tie_break,
                            copied_from=source)
    _write_tree(cs, clean_tree(nodes)[0])
    _write_bands(cs, bands_of(source))
    audit(actor, "copy_criteria_set", cs, new={**snapshot(cs), "source": source.id})
    return cs


@service("clerk")
def update_criteria_set(*, actor, criteria_set, name=None, criteria=None, bands=None,
                        total_max=None, bonus_max=None, tie_break=None, unit_kind=...,
                        movement=..., year=None):
    """Edit a table. Only the name may change once a score sheet uses it."""
    cs = criteria_set
    old = {**snapshot(cs), "criteria": criteria_tree(cs), "bands": bands_of(cs)}
    structural = any(v is not None for v in (criteria, bands, total_max, bonus_max, tie_break,
                                             year)) or unit_kind is not ... or movement is not ...
    if structural and is_frozen(cs):
        raise ConflictError(
            f"Bảng tiêu chí '{cs.name}' đã được dùng để chấm điểm nên không sửa được cấu trúc. "
            "Hãy tạo bản sao (nút 'Sao chép') rồi sửa bản sao.")
    if name is not None:
        cs.name = _clean(name)
        if not cs.name:
            raise ValidationError("Hãy đặt tên cho bảng tiêu chí.", field="name")
    if total_max is not None:
        cs.total_max = _points(total_max, "Tổng điểm", "total_max")
    if bonus_max is not None:
        cs.bonus_max = _points(bonus_max, "Điểm thưởng tối đa", "bonus_max")
    if tie_break is not None:
        cs.tie_break = json.dumps(list(tie_break), ensure_ascii=False)
    if unit_kind is not ...:
        cs.unit_kind = _kind(unit_kind)
    if movement is not ...:
        cs.movement = movement
    if year is not None:
        cs.year = _year(year)
    cs.save()
    nodes = None
    if criteria is not None:
        nodes, _ = clean_tree(criteria)
        Criterion.delete().where(Criterion.criteria_set == cs).execute()
        _write_tree(cs, nodes)
    if bands is not None:
        _write_bands(cs, clean_bands(bands))
    new = {**snapshot(cs), "criteria": criteria_tree(cs), "bands": bands_of(cs)}
    changed_old = {k: old[k] for k in new if old.get(k) != new[k]}
    changed_new = {k: new[k] for k in new if old.get(k) != new[k]}
    if changed_new:
        audit(actor, "update_criteria_set", cs, old=changed_old, new=changed_new)
    cs.warnings = tree_warnings(nodes or criteria_tree(cs), cs.total_max, cs.bonus_max)
    return cs


@service("clerk")
def delete_criteria_set(*, actor, criteria_set):
    cs = criteria_set
    if is_frozen(cs):
        raise ConflictError(f"Bảng tiêu chí '{cs.name}' đã có phiếu chấm điểm nên không xóa được.")
    old = {**snapshot(cs), "criteria": criteria_tree(cs)}
    cs.delete_instance(recursive=False)
    audit(actor, "delete_criteria_set", "criteria_set", entity_id=old["id"], old=old)


def criteria_set_warnings(cs):
    return tree_warnings(criteria_tree(cs), cs.total_max, cs.bonus_max)


def describe_method(crit):
    text = METHODS.get(crit.method, crit.method)
    if crit.method == PROPORTIONAL and getattr(crit, "direction", "higher") == "lower":
        text += " (càng thấp càng tốt)"
    if crit.method == DEDUCTION and getattr(crit, "repeatable", False):
        text += " (mỗi lần)"
    return text


def movement_of_year(year):
    """A regular movement covering ``year`` (for attaching imported tables), or None."""
    return (Movement.select().where((Movement.year_from <= year) & (Movement.year_to >= year))
            .order_by(Movement.kind, Movement.id).first())


from .scoring_sheets import *  # noqa: E402,F401,F403  (one import point for callers)
