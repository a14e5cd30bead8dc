"""Yearly figures for the annual report: awards by title, subject kind, unit; money; registrations.

Awards count when their decision is in force (issued, not corrected or revoked) and belong to
the year of the results they commend (``Decision.period_year``, else the decision's year).
Plain read-only look-ups, no Qt, no files.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from . import award_method, vntext
from .bulk import read_rows
from .award_history import IN_FORCE, award_year
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Decision, Household,
                       Person, Registration, RegistrationTitle, Title, Unit)

KIND_ORDER = (PERSON, UNIT, HOUSEHOLD)
TITLE_KIND_NAMES = {"title": "Danh hiệu", "form": "Hình thức"}
NO_UNIT = "(Không thuộc đơn vị nào)"


@dataclass
class TitleLine:
    title_id: int
    name: str
    kind: str               # title | form
    subject_kind: str
    registered: int = 0
    awarded: int = 0
    awarded_before: int = 0
    amount: int = 0
    amount_before: int = 0


@dataclass
class UnitLine:
    unit_id: int | None
    name: str
    counts: dict = field(default_factory=lambda: {k: 0 for k in KIND_ORDER})
    amount: int = 0

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class YearFigures:
    year: int
    decisions: int = 0
    awards: int = 0
    paid_awards: int = 0
    amount: int = 0
    by_kind: dict = field(default_factory=lambda: {k: 0 for k in KIND_ORDER})
    amount_by_kind: dict = field(default_factory=lambda: {k: 0 for k in KIND_ORDER})
    registrations: int = 0
    registrations_by_kind: dict = field(default_factory=lambda: {k: 0 for k in KIND_ORDER})
    # issue 18: awards by method (thường xuyên / chuyên đề / đột xuất), count and money
    by_method: dict = field(default_factory=lambda: {k: 0 for k in award_method.METHODS})
    amount_by_method: dict = field(default_factory=lambda: {k: 0 for k in award_method.METHODS})


@dataclass
class AnnualSummary:
    year: int
    current: YearFigures
    previous: YearFigures
    titles: list            # TitleLine, in catalogue order
    units: list             # UnitLine, by name; people by their unit, households by village
    decisions: list         # dicts: number, date, about, count, total


AWARD_GROUP_KEYS = ("year", "decision", "title", "kind", "count", "paid", "amount")


def subject_kind(unit_is_null, person_is_null):
    """person | unit | household from the two 'IS NULL' columns of a grouped row."""
    if not unit_is_null:
        return UNIT
    if not person_is_null:
        return PERSON
    return HOUSEHOLD


def decisions_in_force(years):
    """Query of the ids of the decisions in force whose awards count for ``years``."""
    return Decision.select(Decision.id).where(Decision.state == IN_FORCE,
                                               award_year().in_(list(years)))


def _paid_sums():
    """COUNT, paid count (paid with money) and paid money of a group of awards."""
    paid = Award.paid == True  # noqa: E712
    return (fn.COUNT(Award.id), fn.SUM(Case(None, [(paid & (Award.amount != 0), 1)], 0)),
            fn.SUM(Case(None, [(paid, Award.amount)], 0)))


def _award_groups(years):
    """The awards counted for ``years`` summed in SQL: one row per (year, decision, title,
    subject kind) with its count, its paid count and its paid money. A large commune's year
    is about 40,000 awards: read one by one they took most of the annual report; grouped,
    a few dozen rows come back. The awards are found through their decisions
    (``decision IN (…)``: the decision index reads only those years' awards)."""
    year_of = dict(read_rows(Decision.select(Decision.id, award_year()).where(
        Decision.id.in_(decisions_in_force(years)))))
    if not year_of:
        return []
    keys = (Award.decision, Award.title, Award.unit.is_null(), Award.person.is_null())
    query = (Award.select(*keys, *_paid_sums())
             .where(Award.decision.in_(decisions_in_force(years))).group_by(*keys))
    return [dict(zip(AWARD_GROUP_KEYS, (year_of[d], d, t, subject_kind(un, pn), int(n),
                                        int(p or 0), int(a or 0))))
            for d, t, un, pn, n, p, a in read_rows(query)]


def _unit_groups(year):
    """[(kind, unit id, count, paid money)] of the awards of ``year`` by the unit of their
    subject: a unit itself, a person's work unit, a household's village. Households are
    read as a DISTINCT derived table: SQLite then scans the small (village, id) index once
    and joins through an index it builds on the fly, instead of reading a whole household
    row for each of ~20,000 awards (the server hashes either way)."""
    villages = Household.select(Household.id, Household.village).distinct().alias("villages")
    keys = (Award.unit.is_null(), Award.person.is_null(),
            Case(None, [(Award.unit.is_null(False), Award.unit),
                        (Award.person.is_null(False), Person.unit)], villages.c.village_id))
    count, _paid, amount = _paid_sums()
    query = (Award.select(*keys, count, amount)
             .join(Person, JOIN.LEFT_OUTER, on=(Award.person == Person.id))
             .switch(Award).join(villages, JOIN.LEFT_OUTER, on=(Award.household == villages.c.id))
             .where(Award.decision.in_(decisions_in_force([year]))).group_by(*keys))
    return [(subject_kind(un, pn), uid, int(n), int(a or 0))
            for un, pn, uid, n, a in read_rows(query)]


def year_figures(year, groups=None):
    """The year's totals (decisions, awards by kind and method, money, registrations) from
    ``_award_groups`` rows of ``year`` (read when not given)."""
    if groups is None:
        groups = _award_groups([year])
    groups = [g for g in groups if g["year"] == year]
    fig = YearFigures(year=year)
    decisions = {g["decision"] for g in groups}
    fig.decisions = len(decisions)
    methods = award_method.methods_by_decision(sorted(decisions))
    for g in groups:
        kind, method, n, amount = g["kind"], methods[g["decision"]], g["count"], g["amount"]
        fig.awards += n
        fig.by_kind[kind] += n
        fig.by_method[method] += n
        fig.paid_awards += g["paid"]
        fig.amount += amount
        fig.amount_by_kind[kind] += amount
        fig.amount_by_method[method] += amount
    regs = (Registration.select(Registration.unit.is_null(), Registration.person.is_null(),
                                fn.COUNT(Registration.id))
            .where(Registration.year == year, Registration.state != "returned")
            .group_by(Registration.unit.is_null(), Registration.person.is_null()))
    for unit_is_null, person_is_null, n in read_rows(regs):
        fig.registrations += int(n)
        fig.registrations_by_kind[subject_kind(unit_is_null, person_is_null)] += int(n)
    return fig


def annual_summary(year):
    """Everything the annual report shows for ``year``, with the previous year beside it."""
    groups = _award_groups([year, year - 1])
    current, previous = year_figures(year, groups), year_figures(year - 1, groups)

    titles = {}
    for t in Title.select().order_by(Title.subject_kind, Title.kind.desc(), Title.rank.desc(),
                                     Title.name):
        titles[t.id] = TitleLine(t.id, t.name, t.kind, t.subject_kind)
    reg_counts = (RegistrationTitle.select(RegistrationTitle.title, fn.COUNT(RegistrationTitle.id))
                  .join(Registration)
                  .where(Registration.year == year, Registration.state != "returned")
                  .group_by(RegistrationTitle.title).tuples())
    for title_id, n in reg_counts:
        titles[title_id].registered = n
    for g in groups:
        line = titles[g["title"]]
        if g["year"] == year:
            line.awarded += g["count"]
            line.amount += g["amount"]
        else:
            line.awarded_before += g["count"]
            line.amount_before += g["amount"]
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    title_lines = sorted(
        (t for t in titles.values() if t.registered or t.awarded or t.awarded_before),
        key=lambda t: (order.get(t.subject_kind, 9), t.kind != "title"))

    unit_names = dict(read_rows(Unit.select(Unit.id, Unit.name)))
    by_unit = {}
    for kind, uid, n, amount in _unit_groups(year):
        line = by_unit.get(uid)
        if line is None:
            line = by_unit[uid] = UnitLine(uid, unit_names.get(uid, NO_UNIT))
        line.counts[kind] += n
        line.amount += amount
    per_decision = defaultdict(lambda: [0, 0])
    for g in groups:
        if g["year"] == year:
            per_decision[g["decision"]][0] += g["count"]
            per_decision[g["decision"]][1] += g["amount"]
    unit_lines = sorted(by_unit.values(), key=lambda u: (vntext.text_sort_key(u.name),
                                                         u.unit_id is not None, u.unit_id or 0))

    decisions = []
    if per_decision:
        for d in (Decision.select().where(Decision.id.in_(list(per_decision)))
                  .order_by(Decision.date, Decision.seq)):
            n, total = per_decision[d.id]
            decisions.append({"id": d.id, "number": d.number, "date": d.date, "about": d.about,
                              "count": n, "total": total,
                              "method": award_method.decision_method(d)})
    return AnnualSummary(year=year, current=current, previous=previous, titles=title_lines,
                         units=unit_lines, decisions=decisions)


def latest_year():
    """The newest year with awards in force (else with registrations), or None."""
    year = (Decision.select(fn.MAX(award_year())).where(Decision.state == IN_FORCE).scalar())
    if year is None:
        year = Registration.select(fn.MAX(Registration.year)).scalar()
    return year


def subject_kind_label(kind):
    return SUBJECT_KINDS.get(kind, kind)
