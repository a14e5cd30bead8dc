"""Registrations read for lists, counts and choosers (the read side of
models/registrations.py, which re-exports these names): their states, flat rows for the
tables and exports, counts by place, title and kind, and the units a clerk registers."""
import datetime

from peewee import JOIN, fn

from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Household, Movement, Person,
                       Registration, RegistrationTitle, Round, Title, Unit, UnitKind)
from . import vntext

DRAFT, SUBMITTED, ACCEPTED, RETURNED = "draft", "submitted", "accepted", "returned"
STATES = {DRAFT: "Nháp", SUBMITTED: "Đã gửi", ACCEPTED: "Đã duyệt", RETURNED: "Trả lại"}

def registration_rows(*, year=None, movement=None, state=None, kind=None):
    """Flat rows for tables and exports (fast for 20,000 households: a few joined queries)."""
    return list(iter_registration_rows(year=year, movement=movement, state=state, kind=kind))


def iter_registration_rows(*, year=None, movement=None, state=None, kind=None):
    """``registration_rows`` one at a time, for a reader that keeps something smaller of
    each (the Đăng ký table): neither peewee's cache of the query's rows nor the list of
    dicts is held beside what the reader builds (on the 40,000-household demo those were
    ~36 MB more at each reading of the page, on top of the rows it still shows)."""
    Parent = Unit.alias()
    Village = Unit.alias()
    query = (Registration
             .select(Registration.id, Registration.uuid, Registration.year, Registration.state,
                     Registration.reg_date, Registration.signer, Registration.return_reason,
                     Registration.unit, Registration.person, Registration.household,
                     Movement.name, Unit.name, Parent.name, Person.full_name, Person.position,
                     Household.head_name, Village.name, Household.address, Round.name)
             .join(Movement).switch(Registration)
             .join(Round, JOIN.LEFT_OUTER, on=(Registration.round == Round.id))
             .switch(Registration)
             .join(Unit, JOIN.LEFT_OUTER).join(Parent, JOIN.LEFT_OUTER,
                                                on=(Unit.parent == Parent.id))
             .switch(Registration).join(Person, JOIN.LEFT_OUTER)
             .switch(Registration).join(Household, JOIN.LEFT_OUTER)
             .join(Village, JOIN.LEFT_OUTER, on=(Household.village == Village.id))
             .order_by(Registration.unit.is_null(), Registration.person.is_null(),
                       Registration.id))
    if year is not None:
        query = query.where(Registration.year == year)
    if movement is not None:
        query = query.where(Registration.movement == movement)
    if state is not None:
        query = query.where(Registration.state == state)
    if kind is not None:
        query = query.where(getattr(Registration, kind).is_null(False))
    titles = {}
    tq = (RegistrationTitle.select(RegistrationTitle.registration, Title.name)
          .join(Title).order_by(Title.rank.desc()))
    if year is not None:
        tq = tq.switch(RegistrationTitle).join(Registration).where(Registration.year == year)
    for rid, name in tq.tuples():
        titles.setdefault(rid, []).append(name)
    person_units = dict(Person.select(Person.id, Unit.name).join(Unit).tuples())
    for (rid, uuid, yr, st, rdate, signer, reason, uid, pid, hid, mname, uname, pname,
         fullname, position, head, village, address, round_name) in query.tuples().iterator():
        if uid is not None:
            kind_, name, place = UNIT, uname, pname or ""
        elif pid is not None:
            kind_, name, place = PERSON, fullname, person_units.get(pid, "")
        else:
            kind_, name, place = HOUSEHOLD, head, village
        yield flat_row(rid, uuid, yr, mname, kind_, name, position if pid else "",
                       place, titles.get(rid, []), st, STATES.get(st, st), rdate,
                       signer, reason, round_name)


def flat_row(rid, uuid, year, movement, kind, name, position, place, titles, state,
             state_label, reg_date, signer, reason, round_name):
    """One registration as the tables, exports and list documents read it."""
    if isinstance(reg_date, str):                 # (a raw cursor gives the stored text)
        reg_date = datetime.date.fromisoformat(reg_date)
    return {"id": rid, "uuid": uuid, "year": year, "movement": movement, "kind": kind,
            "kind_label": SUBJECT_KINDS[kind], "name": name, "position": position or "",
            "place": place or "", "titles": ", ".join(titles), "state": state,
            "state_label": state_label, "reg_date": reg_date.isoformat() if reg_date else None,
            "signer": signer, "return_reason": reason, "round": round_name or ""}


def state_counts_by_place(*, year, movement=None):
    """[{place, kind, draft, submitted, accepted, returned, total}]: households by thôn,
    people by unit, units by bloc (grouped in SQL: fast on 20,000 households)."""
    Place = Unit.alias()
    plans = [(HOUSEHOLD, Household, Household.village), (PERSON, Person, Person.unit),
             (UNIT, Unit, Unit.parent)]
    counts = {}
    for kind, model, place_col in plans:
        query = (Registration.select(Place.name, Registration.state, fn.COUNT(Registration.id))
                 .join(model, on=(getattr(Registration, kind) == model.id))
                 .join(Place, JOIN.LEFT_OUTER, on=(place_col == Place.id))
                 .where(Registration.year == year)
                 .group_by(Place.id, Registration.state))
        if movement is not None:
            query = query.where(Registration.movement == movement)
        for place, state, n in query.tuples():
            key = (kind, place or "(không rõ)")
            entry = counts.setdefault(key, {"place": key[1], "kind": kind,
                                            "kind_label": SUBJECT_KINDS[kind],
                                            **{st: 0 for st in STATES}, "total": 0})
            entry[state] += n
            entry["total"] += n
    order = {HOUSEHOLD: 0, PERSON: 1, UNIT: 2}
    return sorted(counts.values(),
                  key=lambda e: (order[e["kind"]], vntext.text_sort_key(e["place"])))


def title_counts(*, year, movement=None):
    """[{title, kind, kind_label, draft, submitted, accepted, returned, total}] for one year."""
    query = (RegistrationTitle
             .select(Title.name, Title.subject_kind, Registration.state,
                     fn.COUNT(RegistrationTitle.id))
             .join(Title).switch(RegistrationTitle).join(Registration)
             .where(Registration.year == year)
             .group_by(Title.id, Registration.state).order_by(Title.subject_kind, Title.rank.desc()))
    if movement is not None:
        query = query.where(Registration.movement == movement)
    out = {}
    for name, kind, state, n in query.tuples():
        entry = out.setdefault((kind, name), {"title": name, "kind": kind,
                                              "kind_label": SUBJECT_KINDS.get(kind, kind),
                                              **{s: 0 for s in STATES}, "total": 0})
        entry[state] += n
        entry["total"] += n
    return list(out.values())


def subject_counts(*, year):
    """{kind: {state: n}} of registrations in a year."""
    out = {k: {s: 0 for s in STATES} for k in SUBJECT_KINDS}
    # one pass over the year's rows (not one per kind): a row has exactly one subject
    is_unit, is_person = Registration.unit.is_null(False), Registration.person.is_null(False)
    for state, unit, person, n in (
            Registration.select(Registration.state, is_unit, is_person,
                                fn.COUNT(Registration.id))
            .where(Registration.year == year)
            .group_by(Registration.state, is_unit, is_person).tuples()):
        out[UNIT if unit else PERSON if person else HOUSEHOLD][state] = n
    return out


def unit_kind_code(unit):
    return UnitKind.get_by_id(unit.kind_id).code


def registration_years():
    """Years that have a movement, newest first (for the year filter)."""
    years = set()
    for a, b in Movement.select(Movement.year_from, Movement.year_to).tuples():
        years.update(range(a, b + 1))
    return sorted(years, reverse=True) or [datetime.date.today().year]


def registrable_units():
    """Collectives that register (not blocs, not the commune itself), in name order."""
    query = (Unit.select(Unit, UnitKind).join(UnitKind)
             .where((UnitKind.is_bloc == False) & (UnitKind.code != "xa")  # noqa: E712
                    & (Unit.active == True)))  # noqa: E712
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def units_with_members():
    """Units that have active people (for bulk registration of members), with counts.

    The commune itself comes first when people are attached to it directly: its cán bộ,
    công chức register too (Lao động tiên tiến, Chiến sĩ thi đua cơ sở)."""
    counts = dict(Person.select(Person.unit, fn.COUNT(Person.id))
                  .where((Person.active == True) & Person.unit.is_null(False))  # noqa: E712
                  .group_by(Person.unit).tuples())
    commune = [u for u in Unit.select(Unit, UnitKind).join(UnitKind)
               .where((UnitKind.code == "xa") & (Unit.active == True))  # noqa: E712
               if u.id in counts]
    return [(u, counts[u.id]) for u in commune + registrable_units() if u.id in counts]


def villages_with_households():
    counts = dict(Household.select(Household.village, fn.COUNT(Household.id))
                  .where(Household.active == True)  # noqa: E712
                  .group_by(Household.village).tuples())
    return [(u, counts[u.id]) for u in registrable_units() if u.id in counts]


def blocs():
    query = (Unit.select(Unit, UnitKind).join(UnitKind).where(UnitKind.is_bloc == True))  # noqa
    return sorted(query, key=lambda u: vntext.text_sort_key(u.name))


def bloc_members(bloc):
    return sorted(Unit.select().where((Unit.parent == bloc) & (Unit.active == True)),  # noqa
                  key=lambda u: vntext.text_sort_key(u.name))
