"""Initiatives (sáng kiến): authors, unit, field, effect and scope; the council's recognition.

A recognised initiative counts for the year of its recognition decision: it feeds the
"Chiến sĩ thi đua cơ sở" check of the candidates and the achievement data
(``initiatives_of``).
"""
import datetime

from peewee import JOIN

from . import vntext
from .entities import Initiative, InitiativeAuthor, Person, Unit
from .errors import NotFound, ValidationError
from .service import audit, diff, service, snapshot

PENDING, RECOGNISED, REJECTED = "pending", "recognised", "rejected"
STATE_NAMES = {PENDING: "Chờ công nhận", RECOGNISED: "Đã công nhận", REJECTED: "Không công nhận"}
SCOPES = {"base": "Cơ sở (xã)", "province": "Cấp tỉnh", "nation": "Toàn quốc"}


def get_initiative(ident):
    item = Initiative.get_or_none(Initiative.id == ident)
    if item is None:
        raise NotFound(f"Không có sáng kiến mã {ident}.")
    return item


def _authors(authors):
    people, seen = [], set()
    for p in authors or ():
        person = p if isinstance(p, Person) else Person.get_or_none(Person.id == int(p))
        if person is None:
            raise ValidationError(f"Không có cá nhân mã {p} để ghi là tác giả.", field="authors")
        if person.id not in seen:
            seen.add(person.id)
            people.append(person)
    if not people:
        raise ValidationError("Sáng kiến phải có ít nhất một tác giả; hãy chọn tác giả.",
                              field="authors")
    return people


def _clean(values):
    out = {}
    if "title" in values:
        out["title"] = vntext.validate_name(values["title"], label="Tên sáng kiến", max_len=500,
                                            field="title")
        out["title_key"] = vntext.fold(out["title"])
    if "date" in values:
        out["date"] = vntext.form_date(values["date"], field="date",
                                       label="ngày sáng kiến được đưa vào áp dụng")
        if out["date"] > datetime.date.today():
            raise ValidationError("Ngày áp dụng sáng kiến chưa tới; hãy sửa ngày.", field="date")
    for key, label, size in (("area", "Lĩnh vực", 200), ("council", "Hội đồng công nhận", 200),
                             ("decision_number", "Số quyết định công nhận", 60)):
        if key in values:
            out[key] = vntext.validate_name(values[key] or "", label=label, max_len=size,
                                            required=False, field=key)
    for key in ("effect", "note"):
        if key in values:
            out[key] = vntext.clean_text(values[key] or "")
    if "scope" in values:
        if values["scope"] not in SCOPES:
            raise ValidationError("Phạm vi ảnh hưởng phải là cơ sở, cấp tỉnh hoặc toàn quốc.",
                                  field="scope")
        out["scope"] = values["scope"]
    if "unit" in values:
        unit = values["unit"]
        if unit is not None and not isinstance(unit, Unit):
            unit = Unit.get_or_none(Unit.id == int(unit))
        out["unit"] = unit
    return out


def _set_authors(item, people):
    InitiativeAuthor.delete().where(InitiativeAuthor.initiative == item).execute()
    for order, person in enumerate(people, start=1):
        InitiativeAuthor.create(initiative=item, person=person, order=order)


@service("clerk")
def create_initiative(*, actor, title, authors, date, unit=None, area="", effect="",
                      scope="base", note=""):
    """Record an initiative (waiting for the council's recognition)."""
    people = _authors(authors)
    values = _clean(dict(title=title, date=date, unit=unit, area=area, effect=effect,
                         scope=scope, note=note))
    if values.get("unit") is None and people[0].unit_id:
        values["unit"] = people[0].unit_id
    item = Initiative.create(**values)
    _set_authors(item, people)
    audit(actor, "create_initiative", item,
          new=dict(snapshot(item), authors=[p.id for p in people]))
    return item


@service("clerk")
def update_initiative(*, actor, initiative, authors=None, **changes):
    """Change an initiative's fields (and its authors, at least one)."""
    item = Initiative.get_by_id(initiative.id)
    allowed = {"title", "date", "unit", "area", "effect", "scope", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    old = snapshot(item)
    for key, value in _clean(changes).items():
        setattr(item, key, value)
    item.save()
    before, after = diff(old, snapshot(item))
    if authors is not None:
        people = _authors(authors)
        had = [a.person_id for a in item.authors.order_by(InitiativeAuthor.order)]
        if had != [p.id for p in people]:
            _set_authors(item, people)
            before["authors"], after["authors"] = had, [p.id for p in people]
    if after:
        audit(actor, "update_initiative", item, old=before, new=after)
    return item


@service("leader")
def recognise_initiative(*, actor, initiative, recognised=True, council="", number="",
                         date=None):
    """The council's verdict with its decision (number, date): recognised or not."""
    item = Initiative.get_by_id(initiative.id)
    old = snapshot(item)
    day = vntext.form_date(date, label="ngày quyết định công nhận", field="decision_date")
    if day < item.date:
        raise ValidationError("Ngày công nhận không được trước ngày áp dụng sáng kiến.",
                              field="decision_date")
    if day > datetime.date.today():
        raise ValidationError("Ngày quyết định công nhận chưa tới; hãy sửa ngày.",
                              field="decision_date")
    values = _clean(dict(council=council, decision_number=number))
    if recognised and not values["decision_number"]:
        raise ValidationError("Hãy nhập số quyết định công nhận sáng kiến.",
                              field="decision_number")
    item.council = values["council"]
    item.decision_number = values["decision_number"]
    item.decision_date = day
    item.state = RECOGNISED if recognised else REJECTED
    item.save()
    audit(actor, "recognise_initiative", item, old=old, new=snapshot(item))
    return item


@service("clerk")
def delete_initiative(*, actor, initiative):
    item = Initiative.get_by_id(initiative.id)
    old = dict(snapshot(item), authors=[a.person_id for a in item.authors])
    item.delete_instance(recursive=True)
    audit(actor, "delete_initiative", "initiative", entity_id=old["id"], old=old)


# --------------------------------------------------------------------------- look-ups

def recognised_people(year):
    """{person id: [initiative title, …]} of initiatives recognised in ``year``."""
    out = {}
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    query = (InitiativeAuthor.select(InitiativeAuthor.person, Initiative.title)
             .join(Initiative)
             .where(Initiative.state == RECOGNISED, Initiative.decision_date >= start,
                    Initiative.decision_date <= end))
    for person_id, title in query.tuples():
        out.setdefault(person_id, []).append(title)
    return out


def initiatives_of(person, years=None):
    """The recognised initiatives a person authored (in ``years``, an iterable of years, or
    every year): dicts title, year, date, number, council, scope, area, effect, co_authors."""
    pid = person if isinstance(person, int) else person.id
    wanted = set(years) if years is not None else None
    ids = [i for (i,) in InitiativeAuthor.select(InitiativeAuthor.initiative)
           .where(InitiativeAuthor.person == pid).tuples()]
    if not ids:
        return []
    out = []
    for item in (Initiative.select().where(Initiative.id.in_(ids),
                                           Initiative.state == RECOGNISED)
                 .order_by(Initiative.decision_date, Initiative.id)):
        year = item.decision_date.year if item.decision_date else None
        if wanted is not None and year not in wanted:
            continue
        names = [a.person.full_name for a in
                 item.authors.join(Person).order_by(InitiativeAuthor.order)]
        out.append({"id": item.id, "title": item.title, "year": year,
                    "date": item.decision_date, "number": item.decision_number,
                    "council": item.council, "scope": SCOPES[item.scope], "area": item.area,
                    "effect": item.effect, "authors": names,
                    "co_authors": [n for n in names if n != _name(pid)]})
    return out


def _name(pid):
    return Person.select(Person.full_name).where(Person.id == pid).scalar()


def initiative_rows(*, year=None, search=None):
    """Flat rows for the table and `list initiatives`."""
    authors = {}
    for init_id, name in (InitiativeAuthor.select(InitiativeAuthor.initiative, Person.full_name)
                          .join(Person).order_by(InitiativeAuthor.order).tuples()):
        authors.setdefault(init_id, []).append(name)
    query = (Initiative.select(Initiative, Unit.name.alias("unit_name"))
             .join(Unit, JOIN.LEFT_OUTER).order_by(Initiative.date.desc(), Initiative.id.desc()))
    if year is not None:
        query = query.where((Initiative.date.year == year)
                            | (Initiative.decision_date.year == year))
    rows = []
    for item in query.objects():
        names = authors.get(item.id, [])
        row = {"id": item.id, "uuid": item.uuid, "title": item.title,
               "authors": ", ".join(names), "unit": item.unit_name or "",
               "date": item.date, "area": item.area, "effect": item.effect,
               "scope": SCOPES.get(item.scope, item.scope), "state": item.state,
               "state_label": STATE_NAMES.get(item.state, item.state),
               "council": item.council, "decision_number": item.decision_number,
               "decision_date": item.decision_date}
        if search and vntext.fold(search) not in vntext.fold(
                f"{item.title} {row['authors']} {row['unit']} {item.area}"):
            continue
        rows.append(row)
    return rows
