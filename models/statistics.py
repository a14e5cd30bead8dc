"""Yearly figures for the annual report: awards by title, subject kind, unit; money; registrations.

Awards count when their decision is in force (issued, not corrected or revoked) and belong to
the year of the results they commend (``Decision.period_year``, else the decision's year).
Plain read-only look-ups, no Qt, no files.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import fn

from . import award_method, vntext
from .bulk import read_rows
from .award_history import IN_FORCE, award_year
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Decision, Household,
                       Person, Registration, RegistrationTitle, Title, Unit)

KIND_ORDER = (PERSON, UNIT, HOUSEHOLD)
TITLE_KIND_NAMES = {"title": "Danh hiệu", "form": "Hình thức"}


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


def _kind_of(row):
    if row["unit"] is not None:
        return UNIT
    if row["person"] is not None:
        return PERSON
    return HOUSEHOLD


AWARD_KEYS = ("id", "unit", "person", "household", "title", "amount", "paid", "decision")


def _award_rows(year):
    query = (Award.select(Award.id, Award.unit, Award.person, Award.household, Award.title,
                          Award.amount, Award.paid, Award.decision)
             .join(Decision)
             .where(Decision.state == IN_FORCE, award_year() == year))
    # read as tuples: peewee's dicts of a large commune's year (about 40,000 awards, read
    # for two years) took most of the annual and statistics exports
    return [dict(zip(AWARD_KEYS, row)) for row in read_rows(query)]


def award_rows(year):
    """The awards counted for ``year`` (dicts: id, unit, person, household, title, amount,
    paid, decision): every count of the year — annual report, statistics forms — starts here."""
    return _award_rows(year)


def kind_of(row):
    """person | unit | household of an award row."""
    return _kind_of(row)


def _year_figures(year, rows):
    fig = YearFigures(year=year)
    fig.decisions = len({r["decision"] for r in rows})
    methods = award_method.methods_by_decision({r["decision"] for r in rows})
    for r in rows:
        kind = _kind_of(r)
        method = methods[r["decision"]]
        fig.awards += 1
        fig.by_kind[kind] += 1
        fig.by_method[method] += 1
        if r["paid"] and r["amount"]:
            fig.paid_awards += 1
            fig.amount += r["amount"]
            fig.amount_by_kind[kind] += r["amount"]
            fig.amount_by_method[method] += r["amount"]
    regs = (Registration.select(Registration.unit, Registration.person)
            .where(Registration.year == year, Registration.state != "returned"))
    for unit, person in read_rows(regs):
        fig.registrations += 1
        fig.registrations_by_kind[UNIT if unit is not None else
                                  PERSON if person is not None else HOUSEHOLD] += 1
    return fig


def _unit_of_subject():
    """(kind, id) → (unit id, unit name) used for the 'by unit' table."""
    units = dict(read_rows(Unit.select(Unit.id, Unit.name)))
    people = dict(read_rows(Person.select(Person.id, Person.unit)))
    homes = dict(read_rows(Household.select(Household.id, Household.village)))

    def lookup(row):
        kind = _kind_of(row)
        if kind == UNIT:
            uid = row["unit"]
        elif kind == PERSON:
            uid = people.get(row["person"])
        else:
            uid = homes.get(row["household"])
        return uid, units.get(uid, "(Không thuộc đơn vị nào)")
    return lookup


def annual_summary(year):
    """Everything the annual report shows for ``year``, with the previous year beside it."""
    rows = _award_rows(year)
    rows_before = _award_rows(year - 1)
    current, previous = _year_figures(year, rows), _year_figures(year - 1, rows_before)

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
    for r in rows:
        line = titles[r["title"]]
        line.awarded += 1
        line.amount += r["amount"] if r["paid"] else 0
    for r in rows_before:
        line = titles[r["title"]]
        line.awarded_before += 1
        line.amount_before += r["amount"] if r["paid"] else 0
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    title_lines = sorted(
        (t for t in titles.values() if t.registered or t.awarded or t.awarded_before),
        key=lambda t: (order.get(t.subject_kind, 9), t.kind != "title"))

    lookup = _unit_of_subject()
    by_unit = {}
    for r in rows:
        uid, name = lookup(r)
        line = by_unit.setdefault(uid, UnitLine(uid, name))
        line.counts[_kind_of(r)] += 1
        line.amount += r["amount"] if r["paid"] else 0
    unit_lines = sorted(by_unit.values(), key=lambda u: vntext.text_sort_key(u.name))

    per_decision = defaultdict(lambda: [0, 0])
    for r in rows:
        per_decision[r["decision"]][0] += 1
        per_decision[r["decision"]][1] += r["amount"] if r["paid"] else 0
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
