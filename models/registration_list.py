"""Registrations in the order of the printed list, read from the cursor (issue 15: an export of
every registration of a 40,000-household commune never holds them all).

The order is the list's: kind of subject (as the caller gives), newest year first, place
(Vietnamese order), then name (Vietnamese order), ties by id. SQL sorts by everything but
the names — places are few (every place is a unit's name), so their Vietnamese rank goes
into the query as a CASE — and the rows of one place are sorted by name here. Rows are the
dicts of ``registrations.registration_rows``.
"""
from peewee import JOIN, Case, fn

from . import vntext
from .bulk import stream_rows
from .entities import (HOUSEHOLD, PERSON, UNIT, Household, Movement, Person, Registration,
                       RegistrationTitle, Round, Title, Unit)
from .registrations import flat_row

def _place_rank(place_id):
    """CASE giving the Vietnamese rank of the place (a unit's name; none ranks as '')."""
    units = list(Unit.select(Unit.id, Unit.name).tuples())
    keys = sorted({vntext.text_sort_key(name or "") for _, name in units}
                  | {vntext.text_sort_key("")})
    rank = {key: i for i, key in enumerate(keys)}
    whens = [(uid, rank[vntext.text_sort_key(name or "")]) for uid, name in units]
    empty = rank[vntext.text_sort_key("")]
    return Case(place_id, whens, empty) if whens else Case(None, [(place_id.is_null(), empty)],
                                                           empty)


def count_rows(*, year=None, movement=None):
    query = Registration.select(fn.COUNT(Registration.id))
    if year is not None:
        query = query.where(Registration.year == year)
    if movement is not None:
        query = query.where(Registration.movement == movement)
    return query.scalar() or 0


def iter_list_rows(*, kinds, year=None, movement=None, statuses=None):
    """``registration_rows``' dicts in list order (see the module); ``kinds`` orders the
    kinds of subject, e.g. (PERSON, UNIT, HOUSEHOLD); ``statuses`` maps state → label."""
    Parent, Village, PersonUnit = Unit.alias(), Unit.alias(), Unit.alias()
    kind_rank = Case(None, [(Registration.unit.is_null(False), kinds.index(UNIT)),
                            (Registration.person.is_null(False), kinds.index(PERSON))],
                     kinds.index(HOUSEHOLD))
    place_rank = _place_rank(fn.COALESCE(Parent.id, PersonUnit.id, Village.id))
    query = (Registration
             .select(Registration.id, Registration.uuid, Registration.year, Registration.state,
                     Registration.reg_date, Registration.signer, Registration.return_reason,
                     Registration.unit, Registration.person, Registration.household,
                     Movement.name, Unit.name, Parent.name, Person.full_name, Person.position,
                     PersonUnit.name, Household.head_name, Village.name, Round.name,
                     Title.name, kind_rank, place_rank)
             .join(Movement).switch(Registration)
             # a row per title (a registration's rows are consecutive, its best title
             # first): no query per batch of registrations with hundreds of parameters
             .join(RegistrationTitle, JOIN.LEFT_OUTER,
                   on=(RegistrationTitle.registration == Registration.id))
             .join(Title, JOIN.LEFT_OUTER, on=(RegistrationTitle.title == Title.id))
             .switch(Registration)
             .join(Round, JOIN.LEFT_OUTER, on=(Registration.round == Round.id))
             .switch(Registration)
             .join(Unit, JOIN.LEFT_OUTER).join(Parent, JOIN.LEFT_OUTER,
                                                on=(Unit.parent == Parent.id))
             .switch(Registration).join(Person, JOIN.LEFT_OUTER)
             .join(PersonUnit, JOIN.LEFT_OUTER, on=(Person.unit == PersonUnit.id))
             .switch(Registration).join(Household, JOIN.LEFT_OUTER)
             .join(Village, JOIN.LEFT_OUTER, on=(Household.village == Village.id))
             .order_by(kind_rank, Registration.year.desc(), place_rank, Registration.id,
                       Title.rank.desc()))
    if year is not None:
        query = query.where(Registration.year == year)
    if movement is not None:
        query = query.where(Registration.movement == movement)
    group, group_key, titles = [], None, {}
    for row in stream_rows(query):
        key = (row[2], row[-2], row[-1])            # year, kind, place
        if key != group_key and group:
            yield from _sorted_group(group, titles, statuses)
            group, titles = [], {}
        group_key = key
        rid, title = row[0], row[-3]
        if rid in titles:                           # the same registration's next title
            titles[rid].append(title)
            continue
        titles[rid] = [title] if title is not None else []
        group.append(row)
    if group:
        yield from _sorted_group(group, titles, statuses)


def _sorted_group(rows, titles, statuses):
    """One place's rows of one kind and year as dicts, in Vietnamese name order."""
    out = []
    for (rid, uuid, yr, st, rdate, signer, reason, uid, pid, hid, mname, uname, pname,
         fullname, position, person_unit, head, village, round_name, _t, _k, _p) in rows:
        if uid is not None:
            kind_, name, place = UNIT, uname, pname or ""
        elif pid is not None:
            kind_, name, place = PERSON, fullname, person_unit or ""
        else:
            kind_, name, place = HOUSEHOLD, head, village
        out.append(flat_row(rid, uuid, yr, mname, kind_, name, position if pid else "",
                            place, titles.get(rid, []), st, statuses.get(st, st), rdate,
                            signer, reason, round_name))
    sort_key = vntext.text_sort_key if out[0]["kind"] == UNIT else vntext.name_sort_key
    out.sort(key=lambda r: sort_key(r["name"]))
    return out
