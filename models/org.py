"""Units (a tree with blocs), people and households: the user actions and look-ups."""
import datetime

import peewee

from .db import db
from .entities import (Award, Candidate, Covenant, CovenantMember, Household, Person,
                       Registration, ScoreSheet, Unit, UnitKind)
from .errors import ConflictError, ValidationError
from .service import audit, diff, service, snapshot
from . import collation, vntext
from .org_rows import GENDERS, household_records  # noqa: F401  (main.py list households)
MIN_BIRTH_YEAR = 1900


class DuplicateWarning(ConflictError):
    """A likely duplicate: the caller may repeat the call with ``allow_duplicate=True``."""


# --------------------------------------------------------------------------- validation

def clean_gender(value):
    key = vntext.fold(value or "")
    if key in ("nam", "m", "male", "ong", "ông"):
        return "nam"
    if key in ("nu", "f", "female", "ba"):
        return "nu"
    raise ValidationError("Giới tính phải là Nam hoặc Nữ.", field="gender")


def clean_birth_year(value):
    if value in (None, ""):
        return None
    try:
        year = int(vntext.parse_number(value))
    except (ValidationError, ValueError):
        raise ValidationError(f"Năm sinh '{value}' không phải là số năm.", field="birth_year")
    this_year = datetime.date.today().year
    if year < MIN_BIRTH_YEAR or year > this_year:
        raise ValidationError(
            f"Năm sinh {year} không hợp lệ: phải từ {MIN_BIRTH_YEAR} đến {this_year}.",
            field="birth_year")
    return year


def _text(value, label, *, max_len=300, required=False):
    return vntext.validate_name(value or "", label=label, max_len=max_len, required=required)


# --------------------------------------------------------------------------- units

def _kind(kind):
    if isinstance(kind, UnitKind):
        return kind
    found = UnitKind.get_or_none(UnitKind.code == kind)
    if found is None:
        raise ValidationError(f"Loại đơn vị '{kind}' không có trong danh mục.", field="kind")
    return found


def _check_parent(unit, parent):
    node = parent
    while node is not None:
        if unit is not None and node.get_id() == unit.get_id():
            raise ValidationError("Không thể đặt đơn vị làm cấp trên của chính nó.", field="parent")
        node = node.parent


@service("clerk")
def add_unit(*, actor, name, kind, parent=None, address="", leader_name="", note=""):
    name = vntext.validate_name(name, label="Tên đơn vị")
    kind = _kind(kind)
    if parent is not None and Unit.select().where(
            (Unit.parent == parent) & (Unit.name_key == vntext.fold(name))).exists():
        raise ConflictError(f"Đã có đơn vị '{name}' trong {parent.name}.", field="name")
    unit = Unit.create(name=name, name_key=vntext.fold(name), kind=kind, parent=parent,
                       address=_text(address, "Địa chỉ"), note=_text(note, "Ghi chú", max_len=2000),
                       leader_name=_text(leader_name, "Người đứng đầu", max_len=200))
    audit(actor, "add_unit", unit, new=snapshot(unit))
    return unit


@service("clerk")
def update_unit(*, actor, unit, name=None, kind=None, parent=None, address=None,
                leader_name=None, note=None, reason=None):
    old = snapshot(unit)
    if name is not None:
        unit.name = vntext.validate_name(name, label="Tên đơn vị")
        unit.name_key = vntext.fold(unit.name)
    if kind is not None:
        unit.kind = _kind(kind)
    if parent is not None:
        _check_parent(unit, parent)
        unit.parent = parent
    if address is not None:
        unit.address = _text(address, "Địa chỉ")
    if leader_name is not None:
        unit.leader_name = _text(leader_name, "Người đứng đầu", max_len=200)
    if note is not None:
        unit.note = _text(note, "Ghi chú", max_len=2000)
    unit.save()
    before, after = diff(old, snapshot(unit))
    if after:
        audit(actor, "update_unit", unit, old=before, new=after, reason=reason)
    return unit


@service("clerk")
def set_bloc_officers(*, actor, bloc, head=None, deputy=None):
    """Cụm trưởng / cụm phó of a bloc: both must be members of it."""
    if not bloc.kind.is_bloc:
        raise ValidationError(f"{bloc.name} không phải là cụm/khối thi đua.")
    for role, member in (("Cụm trưởng", head), ("Cụm phó", deputy)):
        if member is not None and member.parent_id != bloc.get_id():
            raise ValidationError(f"{role} phải là đơn vị thuộc {bloc.name}.")
    if head is not None and deputy is not None and head.get_id() == deputy.get_id():
        raise ValidationError("Cụm trưởng và cụm phó phải là hai đơn vị khác nhau.")
    old = snapshot(bloc, ["head", "deputy"])
    bloc.head, bloc.deputy = head, deputy
    bloc.save()
    audit(actor, "set_bloc_officers", bloc, old=old, new=snapshot(bloc, ["head", "deputy"]))
    return bloc


def _set_active(actor, obj, active, reason, action):
    old = snapshot(obj, ["active"])
    obj.active = bool(active)
    obj.save()
    audit(actor, action, obj, old=old, new=snapshot(obj, ["active"]), reason=reason)
    return obj


@service("clerk")
def set_unit_active(*, actor, unit, active, reason=""):
    return _set_active(actor, unit, active, reason, "set_unit_active")


def _history_refs(field_name, obj):
    """Human-readable list of what history refers to ``obj`` (for refusals)."""
    checks = [
        (Registration, "đăng ký thi đua"), (ScoreSheet, "phiếu chấm điểm"),
        (Candidate, "danh sách đề nghị"), (Award, "quyết định khen thưởng"),
    ]
    found = []
    for model, label in checks:
        n = model.select().where(getattr(model, field_name) == obj).count()
        if n:
            found.append(f"{n} {label}")
    return found


def _refuse_delete(name, refs):
    raise ConflictError(
        f"Không xóa được {name} vì còn {', '.join(refs)} liên quan. "
        "Hãy dùng 'Ngừng hoạt động' để giữ lại lịch sử.")


@service("clerk")
def delete_unit(*, actor, unit):
    refs = _history_refs("unit", unit)
    extra = [
        (Unit.select().where(Unit.parent == unit).count(), "đơn vị trực thuộc"),
        (Person.select().where(Person.unit == unit).count(), "cá nhân"),
        (Household.select().where(Household.village == unit).count(), "hộ gia đình"),
        (CovenantMember.select().where(CovenantMember.unit == unit).count()
         + Covenant.select().where(Covenant.bloc == unit).count(), "giao ước thi đua"),
    ]
    refs += [f"{n} {label}" for n, label in extra if n]
    if refs:
        _refuse_delete(f"đơn vị '{unit.name}'", refs)
    old = snapshot(unit)
    Unit.update(head=None).where(Unit.head == unit).execute()
    Unit.update(deputy=None).where(Unit.deputy == unit).execute()
    unit.delete_instance()
    audit(actor, "delete_unit", "unit", entity_id=old["id"], old=old)


def units(*, include_inactive=True):
    query = Unit.select(Unit, UnitKind).join(UnitKind)
    if not include_inactive:
        query = query.where(Unit.active == True)  # noqa: E712
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def unit_tree(*, include_inactive=True):
    """[(unit, depth)] in tree order: roots first, children sorted by name."""
    all_units = units(include_inactive=include_inactive)
    children = {}
    for u in all_units:
        children.setdefault(u.parent_id, []).append(u)
    ids = {u.id for u in all_units}
    out = []

    def walk(parent_id, depth):
        for u in children.get(parent_id, []):
            out.append((u, depth))
            walk(u.id, depth + 1)

    walk(None, 0)
    for u in all_units:  # orphans whose parent is filtered out
        if u.parent_id is not None and u.parent_id not in ids:
            out.append((u, 0))
            walk(u.id, 1)
    return out


def villages(*, include_inactive=False):
    query = Unit.select(Unit, UnitKind).join(UnitKind).where(UnitKind.is_village == True)  # noqa
    if not include_inactive:
        query = query.where(Unit.active == True)  # noqa: E712
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def blocs():
    query = Unit.select(Unit, UnitKind).join(UnitKind).where(UnitKind.is_bloc == True)  # noqa
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def bloc_of(unit):
    """The bloc/cluster a unit belongs to (nearest ancestor that is a bloc), or None."""
    node = unit.parent
    while node is not None:
        if node.kind.is_bloc:
            return node
        node = node.parent
    return None


# --------------------------------------------------------------------------- people

def _person_duplicate(full_name, birth_year, unit, exclude=None):
    query = Person.select().where(
        (Person.name_key == vntext.fold(full_name)) & (Person.birth_year == birth_year)
        & (Person.unit == unit))
    if exclude is not None:
        query = query.where(Person.id != exclude.id)
    return query.first()


@service("clerk")
def add_person(*, actor, full_name, gender, birth_year=None, position="", unit=None, note="",
               allow_duplicate=False):
    full_name = vntext.validate_name(full_name, label="Họ và tên", field="full_name")
    gender = clean_gender(gender)
    birth_year = clean_birth_year(birth_year)
    if not allow_duplicate:
        twin = _person_duplicate(full_name, birth_year, unit)
        if twin is not None:
            raise DuplicateWarning(
                f"Đã có {twin.full_name}, sinh năm {birth_year or '?'}, "
                f"thuộc {unit.name if unit else 'cùng đơn vị'}. Có phải là cùng một người không? "
                "Nếu là hai người khác nhau, hãy xác nhận để vẫn thêm.", field="full_name")
    person = Person.create(full_name=full_name, name_key=vntext.fold(full_name),
                           sort_key=collation.name_sort_string(full_name), gender=gender,
                           birth_year=birth_year, position=_text(position, "Chức vụ", max_len=200),
                           unit=unit, note=_text(note, "Ghi chú", max_len=2000))
    audit(actor, "add_person", person, new=snapshot(person))
    return person


@service("clerk")
def update_person(*, actor, person, full_name=None, gender=None, birth_year=..., position=None,
                  unit=..., note=None, allow_duplicate=False, reason=None):
    old = snapshot(person)
    if full_name is not None:
        person.full_name = vntext.validate_name(full_name, label="Họ và tên", field="full_name")
        person.name_key = vntext.fold(person.full_name)
        person.sort_key = collation.name_sort_string(person.full_name)
    if gender is not None:
        person.gender = clean_gender(gender)
    if birth_year is not ...:
        person.birth_year = clean_birth_year(birth_year)
    if position is not None:
        person.position = _text(position, "Chức vụ", max_len=200)
    if unit is not ...:
        person.unit = unit
    if note is not None:
        person.note = _text(note, "Ghi chú", max_len=2000)
    if not allow_duplicate:
        twin = _person_duplicate(person.full_name, person.birth_year, person.unit, exclude=person)
        if twin is not None:
            raise DuplicateWarning(
                f"Đã có {twin.full_name}, sinh năm {person.birth_year or '?'} ở cùng đơn vị. "
                "Hãy xác nhận nếu đây là hai người khác nhau.", field="full_name")
    person.save()
    before, after = diff(old, snapshot(person))
    if after:
        audit(actor, "update_person", person, old=before, new=after, reason=reason)
    return person


@service("clerk")
def set_person_active(*, actor, person, active, reason=""):
    return _set_active(actor, person, active, reason, "set_person_active")


@service("clerk")
def delete_person(*, actor, person):
    refs = _history_refs("person", person)
    if refs:
        _refuse_delete(f"'{person.full_name}'", refs)
    old = snapshot(person)
    person.delete_instance()
    audit(actor, "delete_person", "person", entity_id=old["id"], old=old)


# --------------------------------------------------------------------------- households

def _check_village(village):
    if village is None:
        raise ValidationError("Hãy chọn thôn/tổ dân phố của hộ.", field="village")
    if not village.kind.is_village:
        raise ValidationError(f"{village.name} không phải là thôn/tổ dân phố.", field="village")


@service("clerk")
def add_household(*, actor, head_name, gender, village, birth_year=None, address="", note="",
                  allow_duplicate=False):
    head_name = vntext.validate_name(head_name, label="Tên chủ hộ", field="head_name")
    gender = clean_gender(gender)
    birth_year = clean_birth_year(birth_year)
    _check_village(village)
    address = _text(address, "Địa chỉ")
    if not allow_duplicate:
        twin = Household.select().where(
            (Household.name_key == vntext.fold(head_name)) & (Household.village == village)
            & (Household.birth_year == birth_year)).first()
        if twin is not None:
            raise DuplicateWarning(
                f"Đã có hộ {twin.head_name} ở {village.name}. Hãy xác nhận nếu là hộ khác.",
                field="head_name")
    household = Household.create(head_name=head_name, name_key=vntext.fold(head_name),
                                 sort_key=collation.name_sort_string(head_name),
                                 gender=gender, birth_year=birth_year, village=village,
                                 address=address, note=_text(note, "Ghi chú", max_len=2000))
    audit(actor, "add_household", household, new=snapshot(household))
    return household


@service("clerk")
def update_household(*, actor, household, head_name=None, gender=None, birth_year=...,
                     village=None, address=None, note=None, reason=None):
    old = snapshot(household)
    if head_name is not None:
        household.head_name = vntext.validate_name(head_name, label="Tên chủ hộ",
                                                   field="head_name")
        household.name_key = vntext.fold(household.head_name)
        household.sort_key = collation.name_sort_string(household.head_name)
    if gender is not None:
        household.gender = clean_gender(gender)
    if birth_year is not ...:
        household.birth_year = clean_birth_year(birth_year)
    if village is not None:
        _check_village(village)
        household.village = village
    if address is not None:
        household.address = _text(address, "Địa chỉ")
    if note is not None:
        household.note = _text(note, "Ghi chú", max_len=2000)
    household.save()
    before, after = diff(old, snapshot(household))
    if after:
        audit(actor, "update_household", household, old=before, new=after, reason=reason)
    return household


@service("clerk")
def set_household_active(*, actor, household, active, reason=""):
    return _set_active(actor, household, active, reason, "set_household_active")


@service("clerk")
def delete_household(*, actor, household):
    refs = _history_refs("household", household)
    if refs:
        _refuse_delete(f"hộ '{household.head_name}'", refs)
    old = snapshot(household)
    household.delete_instance()
    audit(actor, "delete_household", "household", entity_id=old["id"], old=old)


# --------------------------------------------------------------------------- listing

def _matches(query, model, search):
    if search:
        for word in vntext.search_key(search).split():
            query = query.where(model.name_key.contains(word))
    return query


def list_people(*, search=None, unit=None, include_inactive=True):
    """People in Vietnamese name order (given name first)."""
    query = Person.select(Person, Unit).join(Unit, peewee.JOIN.LEFT_OUTER)
    query = _matches(query, Person, search)
    if unit is not None:
        query = query.where(Person.unit == unit)
    if not include_inactive:
        query = query.where(Person.active == True)  # noqa: E712
    return list(query.order_by(Person.sort_key))


def list_households(*, search=None, village=None, include_inactive=True):
    """Households in Vietnamese name order of the head."""
    query = Household.select(Household, Unit).join(Unit)
    query = _matches(query, Household, search)
    if village is not None:
        query = query.where(Household.village == village)
    if not include_inactive:
        query = query.where(Household.active == True)  # noqa: E712
    return list(query.order_by(Household.sort_key))


def list_units(*, search=None):
    query = Unit.select(Unit, UnitKind).join(UnitKind)
    query = _matches(query, Unit, search)
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def _village_names():
    return {u.id: (u.name, u.name_key) for u in Unit.select(Unit.id, Unit.name, Unit.name_key)}


def _limit_sql(limit):
    """The SQL that keeps the first ``limit`` rows (None: all)."""
    return "" if limit is None else f" LIMIT {int(limit)}"


def household_rows(limit=None):
    """All households as plain tuples for the big table, in Vietnamese name order: fast,
    no model objects. (id, head_name, search_key, gender, birth_year, village name,
    address, active); search_key is already folded (head's name and village).
    ``limit``: only the first rows of that order (the first screenful of a long list).

    The covering index on (sort_key, id, …) lets SQLite return them in order in one scan;
    ties of names go by id, so the first rows are those of the whole list.
    """
    units = _village_names()
    rows = db.execute_sql(
        "SELECT id, head_name, name_key, gender, birth_year, village_id, address, active "
        "FROM household ORDER BY sort_key, id" + _limit_sql(limit)).fetchall()
    names = {k: v[0] for k, v in units.items()}
    keys = {k: v[1] for k, v in units.items()}
    return [(i, n, f"{k} {keys.get(v, '')}", g, y, names.get(v, ""), a, act)
            for i, n, k, g, y, v, a, act in rows]


def person_rows(limit=None):
    """All people as tuples in name order: (id, full_name, search_key, gender, birth_year,
    unit name, position, active); search_key is folded (name and unit). ``limit``: as
    ``household_rows``."""
    units = _village_names()
    rows = db.execute_sql(
        "SELECT id, full_name, name_key, gender, birth_year, unit_id, position, active "
        "FROM person ORDER BY sort_key, id" + _limit_sql(limit)).fetchall()
    names = {k: v[0] for k, v in units.items()}
    keys = {k: v[1] for k, v in units.items()}
    return [(i, n, f"{k} {keys.get(u, '')}", g, y, names.get(u), p, act)
            for i, n, k, g, y, u, p, act in rows]


def counts():
    return {
        "units": Unit.select().count(),
        "people": Person.select().count(),
        "households": Household.select().count(),
    }


def get_unit(unit_id):
    return Unit.get_by_id(unit_id)


def get_person(person_id):
    return Person.get_by_id(person_id)


def get_household(household_id):
    return Household.get_by_id(household_id)
