"""What the records say happened: awards in force, a subject's history, register, reward fund."""
import datetime
import functools
from collections import defaultdict, namedtuple

from peewee import JOIN, Cast, Expression, Value, fn

from . import collation, settings, vntext
from .bulk import Prepared, contains, like_pattern, read_rows, stream_rows
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, CriteriaSet, Decision,
                       Household, Person, Registration, RegistrationTitle, ScoreSheet, Title,
                       Unit, UnitKind)
from .freeing import free_gradually
from .subjects import subject_kind

IN_FORCE = "issued"   # decisions whose awards count (corrected/revoked ones no longer do)
STATE_NAMES = {"draft": "Dự thảo", "issued": "Đã ban hành", "corrected": "Đã được điều chỉnh",
               "revoked": "Đã bị thu hồi"}
KIND_NAMES = {"award": "Khen thưởng", "amend": "Điều chỉnh", "revoke": "Thu hồi"}


def award_year():
    """SQL expression: the year an award counts for (period year, else decision year)."""
    return fn.COALESCE(Decision.period_year, Decision.year)


def awards_in_force():
    """Query of Award rows (with Decision and Title) of issued decisions still in force."""
    return (Award.select(Award, Decision, Title).join(Decision).switch(Award).join(Title)
            .where(Decision.state == IN_FORCE))


def subject_key(row):
    """('unit'|'person'|'household', id) of a row with the three subject foreign keys."""
    if row.unit_id is not None:
        return (UNIT, row.unit_id)
    if row.person_id is not None:
        return (PERSON, row.person_id)
    return (HOUSEHOLD, row.household_id)


def title_years(*, kinds=("title",), codes=None, year=None, subjects=None):
    """{subject_key: {year: [title names]}} of awards in force (titles only by default).

    ``year``: only awards for that year. ``subjects``: a query of rows (unit, person,
    household) — e.g. the candidates of a movement — whose history alone is read (joined in
    SQL: no list of ids is sent)."""
    query = _titles_query(Title.name, kinds=kinds, codes=codes, year=year, subjects=subjects)
    out = defaultdict(lambda: defaultdict(list))
    for unit, person, household, period, name in read_rows(query):
        key = ((UNIT, unit) if unit is not None else (PERSON, person) if person is not None
               else (HOUSEHOLD, household))
        out[key][period].append(name)
    return out


def title_year_sets(*, subjects=None, keys=None):
    """{subject_key: {years with a title}} (awards in force, as ``title_years``): a list's
    "years in a row" need no title names. ``subjects``: a query of rows (unit, person,
    household) whose history alone is read — for a short list; ``keys``: a set of subject
    keys for a long one — every title award is read in one scan and those kept (an IN filter
    over thousands of subjects probes an index per subject: 20,000 candidates took 1.5–2 s
    in SQLite against 0.2 s for the scan). Years repeat per subject: the sets drop them
    (DISTINCT in SQL cost a temporary B-tree)."""
    query = _titles_query(kinds=("title",), subjects=subjects)
    out = defaultdict(set)
    for unit, person, household, period in read_rows(query):
        key = ((UNIT, unit) if unit is not None else (PERSON, person) if person is not None
               else (HOUSEHOLD, household))
        if keys is None or key in keys:
            out[key].add(period)
    return out


RUN_YEARS = 62        # years one SQL sum carries as bits (an SQLite integer has 63)


def title_runs(*, year, subjects=None):
    """{subject_key: (first, last)}: the consecutive years with a title (awards in force, as
    ``title_years``) ending at ``year`` — or at the year before when ``year`` has none yet
    (its council has not decided) — of every subject that has such a run.

    SQL sums each subject's distinct title years as bits (bit n: ``year`` - n): one row per
    subject instead of one per award, and no per-award Python (84,000 awards held the GIL
    ~0.5 s as year sets). A run as long as the bits is finished from the years themselves.
    ``subjects``: a query of rows (unit, person, household) whose history alone is read —
    for a short list; a long one reads every subject in one scan (an IN filter over
    thousands of subjects probes an index per subject)."""
    bit = Expression(Cast(Value(1), "BIGINT"), "<<", Value(year) - award_year())
    query = (_titles_query(kinds=("title",), subjects=subjects, since=year - RUN_YEARS + 1,
                           until=year)
             .select(Award.unit, Award.person, Award.household, fn.SUM(fn.DISTINCT(bit)))
             .group_by(Award.unit, Award.person, Award.household))
    out, spans, longer = {}, {}, []
    for unit, person, household, mask in read_rows(query):
        span = spans.get(mask)
        if span is None:             # a few patterns over thousands of subjects
            span = spans[mask] = _run_span(int(mask), year)
        if span is not None:
            key = ((UNIT, unit) if unit is not None else (PERSON, person)
                   if person is not None else (HOUSEHOLD, household))
            out[key] = span
            if span[1] - span[0] + 1 >= RUN_YEARS - 1:    # may reach below the bits
                longer.append(key)
    if longer:
        keys = set(longer)
        for key, years in title_year_sets(keys=keys).items():
            run = consecutive_run(years, year if year in years else year - 1)
            out[key] = (run[0], run[-1])
    return out


def _run_span(mask, year):
    """(first, last) year of the run in ``mask`` (bit n: a title in ``year`` - n), else None."""
    end = year
    if not mask & 1:
        mask, end = mask >> 1, year - 1
        if not mask & 1:
            return None
    length = (mask ^ (mask + 1)).bit_length() - 1          # trailing ones
    return (end - length + 1, end)


def run_years(span):
    """The years of a ``title_runs`` span, oldest first ([] for None)."""
    return list(range(span[0], span[1] + 1)) if span else []


def _titles_query(*extra, kinds, codes=None, year=None, subjects=None, since=None,
                  until=None):
    query = (Award.select(Award.unit, Award.person, Award.household, award_year(), *extra)
             .join(Decision).switch(Award).join(Title).where(Decision.state == IN_FORCE))
    if kinds:
        query = query.where(Title.kind.in_(list(kinds)))
    if codes:
        query = query.where(Title.code.in_(list(codes)))
    if year is not None:
        query = query.where(award_year() == year)
    if since is not None:
        query = query.where(award_year().between(since, until))
    if subjects is not None:
        model = subjects.model
        query = query.where(
            Award.unit.in_(subjects.select(model.unit).where(model.unit.is_null(False)))
            | Award.person.in_(subjects.select(model.person).where(model.person.is_null(False)))
            | Award.household.in_(subjects.select(model.household)
                                  .where(model.household.is_null(False))))
    return query


def consecutive_run(years, end):
    """The consecutive years in ``years`` ending at ``end`` (oldest first); [] if end missing."""
    run = []
    year = end
    while year in years:
        run.insert(0, year)
        year -= 1
    return run


def format_run(run):
    if not run:
        return "Chưa có năm nào"
    span = f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0])
    return f"{span} ({len(run)} năm liên tục)"


def upward_qualifiers(*, year, years=None, subject_kind=None):
    """Who has titles in ``years`` (setting ``upward_years``) consecutive years ending at ``year``.

    Returns dicts: kind, kind_label, id, name, place, years (list), titles (text), run_text.
    """
    needed = int(years or settings.get("upward_years") or 2)
    found = []
    history = title_years()
    for key, by_year in history.items():
        if subject_kind and key[0] != subject_kind:
            continue
        run = consecutive_run(set(by_year), year)
        if len(run) >= needed:
            found.append((key, by_year, run))
    infos = subject_infos([key for key, _, _ in found])
    out = []
    for (kind, ident), by_year, run in found:
        info = infos.get((kind, ident))
        if info is None:
            continue
        titles = "; ".join(f"{y}: {', '.join(by_year[y])}" for y in run)
        out.append({"kind": kind, "kind_label": SUBJECT_KINDS[kind], "id": ident,
                    "name": info["name"], "place": info["place"], "years": run,
                    "count": len(run), "titles": titles, "run_text": format_run(run),
                    "sort": vntext.name_sort_key(info["name"])})
    out.sort(key=lambda r: (-r["count"], r["kind"], r.pop("sort")))
    free_gradually(found, history)     # every subject's history: on a reading thread
    return out


# pieces repeat ("Số 12", "Thôn Bắc Trung"): 8,000 households' places fold a few hundred
_fold_piece = functools.lru_cache(maxsize=4096)(vntext.fold)


def join_place(*parts):
    """Parts of an address joined with ', ', each printed once: a household's address that
    already names its village ("Số 131, Thôn Bắc Trung") does not get the village again."""
    out, seen = [], set()
    for part in parts:
        for piece in (part or "").split(","):
            piece = piece.strip()
            key = _fold_piece(piece)
            if piece and key not in seen:
                seen.add(key)
                out.append(piece)
    return ", ".join(out)


def place_without(place, name):
    """``place`` without any part that is the subject's own name: a collective's address is
    its parent or address, never itself ("Tổ dân phố 1, Xã Tân Lập" → "Xã Tân Lập")."""
    own = vntext.fold(name or "")
    return join_place(*[p for p in (place or "").split(",") if vntext.fold(p.strip()) != own])


def _unit_place(unit, parent_of, is_bloc=lambda node: node.kind.is_bloc):
    """A unit's address (its own name left out), else its nearest parent that is no bloc."""
    place = place_without(unit.address, unit.name)
    if place:
        return place
    node = parent_of(unit)
    while node is not None and is_bloc(node):       # a bloc is no address
        node = parent_of(node)
    return node.name if node is not None else ""


def place_of(obj):
    """Unit or address as a list prints it: a person's unit, a household's village/address."""
    if isinstance(obj, Person):
        return obj.unit.name if obj.unit_id else ""
    if isinstance(obj, Household):
        return join_place(obj.address, obj.village.name if obj.village_id else "")
    if isinstance(obj, Unit):
        return _unit_place(obj, lambda u: u.parent)
    return ""


def _chunks(ids, size=900):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class _UnitNode(namedtuple("_UnitNode", "id name address parent_id is_bloc")):
    """A unit read as a tuple, enough for ``_unit_place``."""
    __slots__ = ()

    @staticmethod
    def bloc(node):
        return node.is_bloc


def units_by_id():
    """{id: Unit} of every unit with its kind (a commune has dozens: read them at once)."""
    return {u.id: u for u in Unit.select(Unit, UnitKind).join(UnitKind)}


def unit_places(units):
    """{unit id: its address as a list prints it} for ``units_by_id()``."""
    return {ident: _unit_place(u, lambda node: units.get(node.parent_id))
            for ident, u in units.items()}


def subject_infos(keys):
    """{(kind, id): {"name", "position", "place", "unit_id", "gender", "sort"}} for many
    subjects in a few queries (lists of thousands of households must not cost a query each).
    "sort": the name's ``collation.name_sort_string`` (stored for people and households):
    plain strings sort thousands of names in milliseconds, tuple keys hold the GIL far longer."""
    wanted = defaultdict(set)
    for kind, ident in keys:
        wanted[kind].add(ident)
    units = {u.id: u for u in Unit.select(Unit, UnitKind).join(UnitKind)}

    def unit_place(u):
        return _unit_place(u, lambda node: units.get(node.parent_id))

    out = {}
    for ident in wanted.get(UNIT, ()):
        u = units.get(ident)
        if u is not None:
            out[(UNIT, ident)] = {"name": u.name, "position": "", "place": unit_place(u),
                                  "unit_id": u.id, "gender": "", "unit_kind": u.kind.code,
                                  "sort": collation.name_sort_string(u.name)}
    for chunk in _chunks(wanted.get(PERSON, ())):        # tuples: no model objects
        for ident, name, position, unit_id, gender, sort in read_rows(
                Person.select(Person.id, Person.full_name, Person.position, Person.unit,
                              Person.gender, Person.sort_key).where(Person.id.in_(chunk))):
            unit = units.get(unit_id)
            out[(PERSON, ident)] = {"name": name, "position": position,
                                    "place": unit.name if unit else "", "unit_id": unit_id,
                                    "gender": gender, "unit_kind": None,
                                    "sort": sort or collation.name_sort_string(name)}
    for chunk in _chunks(wanted.get(HOUSEHOLD, ())):
        for ident, name, address, village_id, gender, sort in read_rows(
                Household.select(Household.id, Household.head_name, Household.address,
                                 Household.village, Household.gender, Household.sort_key)
                .where(Household.id.in_(chunk))):
            village = units.get(village_id)
            place = join_place(address, village.name if village else "")
            out[(HOUSEHOLD, ident)] = {"name": name, "position": "", "place": place,
                                       "unit_id": village_id, "gender": gender,
                                       "unit_kind": None,
                                       "sort": sort or collation.name_sort_string(name)}
    return out


# --------------------------------------------------------------------------- history

def subject_history(subject):
    """Every registration, score and award of one subject, grouped by year (newest first).

    Returns ``[{"year": Y, "registrations": [...], "scores": [...], "awards": [...]}]``.
    """
    kind = subject_kind(subject)
    field = kind
    years = defaultdict(lambda: {"registrations": [], "scores": [], "awards": []})
    regs = (Registration.select().where(getattr(Registration, field) == subject)
            .order_by(Registration.year))
    state_names = {"draft": "Nháp", "submitted": "Đã gửi", "accepted": "Đã duyệt",
                   "returned": "Trả lại"}
    for reg in regs:
        titles = [rt.title.name for rt in RegistrationTitle.select(RegistrationTitle, Title)
                  .join(Title).where(RegistrationTitle.registration == reg)]
        years[reg.year]["registrations"].append({
            "movement": reg.movement.name, "titles": ", ".join(titles),
            "state": state_names.get(reg.state, reg.state),
            "date": vntext.format_date(reg.reg_date)})
    sheets = (ScoreSheet.select(ScoreSheet, CriteriaSet).join(CriteriaSet)
              .where(getattr(ScoreSheet, field) == subject))
    for sheet in sheets:
        years[sheet.criteria_set.year]["scores"].append({
            "criteria_set": sheet.criteria_set.name,
            "total": sheet.total if sheet.total is not None else sheet.self_total,
            "band": sheet.band, "rank": sheet.rank, "state": sheet.state})
    awards = (Award.select(Award, Decision, Title).join(Decision).switch(Award).join(Title)
              .where(getattr(Award, field) == subject)
              .where(Decision.state != "draft").order_by(Decision.date))
    for award in awards:
        d = award.decision
        years[d.period_year or d.year]["awards"].append({
            "title": award.title.name, "number": d.number, "date": vntext.format_date(d.date),
            "register_no": award.register_no, "amount": award.amount, "paid": award.paid,
            "state": STATE_NAMES.get(d.state, d.state), "in_force": d.state == IN_FORCE})
    return [{"year": y, **years[y]} for y in sorted(years, reverse=True)]


_FIND_UNITS = Prepared(lambda pattern, limit: Unit.select(Unit.id, Unit.name).where(
    contains(Unit.name_key, pattern)).limit(limit))
_UNIT_NODES = Prepared(lambda: Unit.select(Unit.id, Unit.name, Unit.address, Unit.parent,
                                           UnitKind.is_bloc).join(UnitKind))
_FIND_PEOPLE = Prepared(lambda pattern, limit: Person.select(
    Person.id, Person.full_name, Person.sort_key, Unit.name).join(Unit, JOIN.LEFT_OUTER)
    .where(contains(Person.name_key, pattern)).limit(limit))
_FIND_HOUSEHOLDS = Prepared(lambda pattern, limit: Household.select(
    Household.id, Household.head_name, Household.sort_key, Household.address, Unit.name)
    .join(Unit, JOIN.LEFT_OUTER).where(contains(Household.name_key, pattern)).limit(limit))


def search_subjects(text, *, limit=200):
    """Units, people and households whose name matches ``text`` accent-insensitively."""
    key = vntext.fold(text or "")
    if not key:
        return []
    # Run at each keystroke, so near its SELECTs: SQL rendered once, tuples with the unit or
    # village joined in SQL, the places of matched units only, and people and households
    # ordered by their stored sort strings (``collation.name_sort_string`` orders as
    # ``vntext.name_sort_key``; a tuple key per row made a keystroke 3.4× its SELECTs).
    pattern = like_pattern(key)
    out = []
    found = _FIND_UNITS.rows(pattern, limit)
    if found:
        nodes = {row[0]: _UnitNode(*row) for row in _UNIT_NODES.rows()}
        for ident, name in found:
            out.append((name, collation.name_sort_string(name), UNIT, ident, _unit_place(
                nodes[ident], lambda node: nodes.get(node.parent_id),
                is_bloc=_UnitNode.bloc)))
    for ident, name, sort, unit in _FIND_PEOPLE.rows(pattern, limit):
        out.append((name, sort or collation.name_sort_string(name), PERSON, ident, unit or ""))
    for ident, name, sort, address, village in _FIND_HOUSEHOLDS.rows(pattern, limit):
        out.append((name, sort or collation.name_sort_string(name), HOUSEHOLD, ident,
                    join_place(address, village or "")))
    typed = text.strip().lower()
    out.sort(key=lambda r: (not r[0].lower().startswith(typed), r[1]))
    return [{"kind": kind, "kind_label": SUBJECT_KINDS[kind], "id": ident, "name": name,
             "place": place} for name, _, kind, ident, place in out[:limit]]


# --------------------------------------------------------------------------- register & fund

def register_rows(*, year=None, search=None, title_id=None, include_superseded=True):
    """The register (sổ vàng): awards of non-draft decisions, in register order."""
    return list(iter_register_rows(year=year, search=search, title_id=title_id,
                                   include_superseded=include_superseded))


def _register_query(*, year=None, title_id=None, include_superseded=True, columns=None):
    query = (Award.select(*(columns or (
                Award.id, Award.register_year, Award.register_no, Award.display_name,
                Award.unit, Award.person, Award.household, Award.place, Award.position,
                Title.name, Award.achievement, Decision.number, Decision.date, Award.amount,
                Award.paid, Decision.id, Decision.state, award_year())))
             .join(Decision).switch(Award).join(Title)
             .where(Decision.state != "draft", Award.register_no.is_null(False)))
    if year:        # the year the titles are for (a January decision may be for last year)
        query = query.where(award_year() == year)
    if title_id:
        query = query.where(Award.title == title_id)
    if not include_superseded:
        query = query.where(Decision.state == IN_FORCE)
    return query


def register_count(*, year=None, title_id=None, include_superseded=True):
    """How many rows ``iter_register_rows`` gives without a search (for progress)."""
    return _register_query(year=year, title_id=title_id,
                           include_superseded=include_superseded,
                           columns=(fn.COUNT(Award.id),)).scalar() or 0


def iter_register_rows(*, year=None, search=None, title_id=None, include_superseded=True):
    """``register_rows`` one row at a time, read from the cursor in register order (SQL):
    an export of the whole register never holds it."""
    query = _register_query(year=year, title_id=title_id,
                            include_superseded=include_superseded)
    key = vntext.search_key(search) if search else ""
    places, dates = {}, {}          # repeated values are worked out once (80,000 rows)
    for (ident, reg_year, reg_no, name, unit, person, household, place, position, title,
         achievement, number, date, amount, paid, decision_id, state, period) in stream_rows(
            query.order_by(Award.register_year, Award.register_no)):
        if key and key not in vntext.fold(f"{name} {place} {number}"):
            continue
        kind = UNIT if unit is not None else PERSON if person is not None else HOUSEHOLD
        if date not in dates:
            dates[date] = datetime.date.fromisoformat(date) if isinstance(date, str) else date
        shown = places.get((place, name if kind == UNIT else None))
        if shown is None:
            if len(places) > 50_000:          # bounded: addresses repeat, names do not
                places.clear()
            shown = places[(place, name if kind == UNIT else None)] = (
                place_without(place, name) if kind == UNIT else join_place(place))
        yield {
            "id": ident, "register_year": reg_year, "register_no": reg_no, "name": name,
            "kind": kind, "kind_label": SUBJECT_KINDS[kind], "place": shown,
            "period": period, "position": position, "title": title, "achievement": achievement,
            "number": number, "date": dates[date], "amount": amount, "paid": bool(paid),
            "decision_id": decision_id, "state": STATE_NAMES.get(state, state)}


def award_years():
    """Years awards are for (periods) of decisions that are not drafts, newest first."""
    query = (Decision.select(award_year()).where(Decision.state != "draft").distinct()
             .tuples())
    return sorted((y for (y,) in query if y), reverse=True)


def fund_totals(*, year=None):
    """Reward fund: {"by_decision": [...], "by_title": [...], "by_year": [...]} (paid money)."""
    base = (Award.select().join(Decision).where(Decision.state == IN_FORCE, Award.paid == True))  # noqa: E712
    if year:
        base = base.where(Decision.year == year)
    by_decision = (base.select(Decision.id, Decision.number, Decision.date,
                               fn.COUNT(Award.id).alias("n"), fn.SUM(Award.amount).alias("s"))
                   .group_by(Decision.id).order_by(Decision.date, Decision.seq))
    by_title = (base.select(Title.name, Title.subject_kind, fn.COUNT(Award.id).alias("n"),
                            fn.SUM(Award.amount).alias("s"))
                .switch(Award).join(Title).group_by(Title.id).order_by(Title.subject_kind, Title.rank.desc()))
    by_year = (base.select(Decision.year, fn.COUNT(Award.id).alias("n"),
                           fn.SUM(Award.amount).alias("s"))
               .group_by(Decision.year).order_by(Decision.year))
    return {
        "by_decision": [{"id": r.decision.id, "number": r.decision.number,
                         "date": r.decision.date, "count": r.n, "total": r.s or 0}
                        for r in by_decision],
        "by_title": [{"title": r.title.name, "kind_label": SUBJECT_KINDS[r.title.subject_kind],
                      "count": r.n, "total": r.s or 0} for r in by_title],
        "by_year": [{"year": r.decision.year, "count": r.n, "total": r.s or 0}
                    for r in by_year],
    }


def today():
    return datetime.date.today()
