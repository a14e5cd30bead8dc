"""The figures of a periodic review, computed from the records (no text written here).

``figures(movement, start, end, year=None)`` returns a JSON-friendly dict: targets with
actual values and completion (direction-aware; a target without a value or an actual is
"Chưa có số liệu", never 0 %), registrations by state and by title, scoring results by bloc,
awards of decisions issued in the period (counts and money), exemplary models by stage at
the end of the period, covenants signed. Dates are ISO strings so a sent report keeps its
figures as JSON (``Review.snapshot``).
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from peewee import fn

from . import exemplary, vntext
from .award_history import IN_FORCE
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Covenant, CovenantMember,
                       CriteriaSet, Decision, ExemplaryModel, Movement, Registration,
                       RegistrationTitle, ScoreSheet, Target, Title)
from .movements import completion
from .registrations import STATES

NO_DATA = "Chưa có số liệu"


def movement_ids(movement):
    """The movement and, for a main movement, its themed movements."""
    ids = [movement.id]
    if movement.parent_id is None:
        ids += [m for (m,) in Movement.select(Movement.id)
                .where(Movement.parent == movement).tuples()]
    return ids


def _value_text(target):
    if target.value_text:
        return target.value_text
    if target.value is None:
        return ""
    return f"{vntext.format_decimal(target.value)} {target.measure}".strip()


def _actual_text(target):
    if target.actual is None:
        return NO_DATA
    return f"{vntext.format_decimal(target.actual)} {target.measure}".strip()


def targets(movement, year):
    """The movement's targets (of ``year`` and those without a year; all when year is None)."""
    query = Target.select().where(Target.movement == movement).order_by(Target.order, Target.id)
    if year is not None:
        query = query.where(Target.year.is_null() | (Target.year == year))
    rows = []
    for t in query:
        done = completion(t.value, t.actual, t.direction)
        pct = (f"{vntext.format_decimal(done.percent.quantize(Decimal('0.1')))} %"
               if done.percent is not None else "")
        verdict = NO_DATA if done.achieved is None else ("Đạt" if done.achieved else "Chưa đạt")
        rows.append({"code": t.code, "name": t.name, "planned": _value_text(t),
                     "actual": _actual_text(t), "percent": pct if done.achieved is not None
                     else "", "verdict": verdict, "achieved": done.achieved,
                     "direction": t.direction, "year": t.year})
    return rows


def registrations(ids, years):
    """By subject kind and state, and by title (total and accepted)."""
    by_kind = {k: {s: 0 for s in STATES} for k in SUBJECT_KINDS}
    for kind in SUBJECT_KINDS:
        col = getattr(Registration, kind)
        query = (Registration.select(Registration.state, fn.COUNT(Registration.id))
                 .where(Registration.movement.in_(ids), Registration.year.in_(years),
                        col.is_null(False)).group_by(Registration.state))
        for state, n in query.tuples():
            by_kind[kind][state] = n
    kinds = [{"kind": k, "label": SUBJECT_KINDS[k], **by_kind[k],
              "total": sum(by_kind[k].values())} for k in SUBJECT_KINDS]
    titles = {}
    query = (RegistrationTitle.select(Title.name, Title.subject_kind, Registration.state,
                                      fn.COUNT(RegistrationTitle.id))
             .join(Title).switch(RegistrationTitle).join(Registration)
             .where(Registration.movement.in_(ids), Registration.year.in_(years))
             .group_by(Title.id, Registration.state)
             .order_by(Title.subject_kind, Title.rank.desc()))
    for name, kind, state, n in query.tuples():
        entry = titles.setdefault(name, {"title": name, "kind_label": SUBJECT_KINDS.get(kind, kind),
                                         "total": 0, "accepted": 0})
        entry["total"] += n
        if state == "accepted":
            entry["accepted"] += n
    return {"by_kind": kinds, "by_title": list(titles.values()),
            "total": sum(k["total"] for k in kinds)}


def scoring(ids, years):
    """Unit score sheets of the period's years (this movement's tables or general ones),
    grouped by bloc: how many were scored, how many in each band, the best unit."""
    from .scoring_sheets import bloc_map
    blocs = bloc_map()
    query = (ScoreSheet.select(ScoreSheet.unit, ScoreSheet.total, ScoreSheet.band,
                               ScoreSheet.state, CriteriaSet.year)
             .join(CriteriaSet)
             .where(CriteriaSet.year.in_(years), ScoreSheet.unit.is_null(False),
                    CriteriaSet.movement.in_(ids) | CriteriaSet.movement.is_null()))
    from .entities import Unit
    names = dict(Unit.select(Unit.id, Unit.name).tuples())
    groups = defaultdict(lambda: {"units": 0, "finalised": 0, "bands": defaultdict(int),
                                  "best": None})
    many_years = len(years) > 1
    for unit_id, total, band, state, year in query.tuples():
        bloc = blocs.get(unit_id, (None, ""))[1] or "Không thuộc cụm, khối"
        g = groups[(year if many_years else None, bloc)]
        g["units"] += 1
        if state == "finalised":
            g["finalised"] += 1
        if band:
            g["bands"][band] += 1
        if total is not None and (g["best"] is None or total > g["best"][1]):
            g["best"] = (names.get(unit_id, "?"), total)
    rows = []
    for (year, bloc), g in sorted(groups.items(), key=lambda kv: (
            kv[0][0] or 0, vntext.text_sort_key(kv[0][1]))):
        bands = ", ".join(f"{name} {n}" for name, n in sorted(g["bands"].items(),
                                                               key=lambda kv: -kv[1]))
        best = (f"{g['best'][0]} ({vntext.format_decimal(g['best'][1])} điểm)"
                if g["best"] else "")
        rows.append({"year": year, "bloc": bloc, "units": g["units"],
                     "finalised": g["finalised"], "bands": bands or "Chưa xếp loại",
                     "best": best})
    return rows


def _decision_filter(movement, ids):
    """Decisions that belong to the review: the movement's own (and its themed movements');
    for a main movement also the decisions outside any movement (sudden awards)."""
    cond = Decision.movement.in_(ids)
    if movement.parent_id is None and movement.kind == "regular":
        cond = cond | Decision.movement.is_null()
    return cond


def awards(movement, ids, start, end):
    """Awards of decisions issued (still in force) and dated in the period."""
    query = (Award.select(Title.name, Title.subject_kind, fn.COUNT(Award.id),
                          fn.COALESCE(fn.SUM(Award.amount), 0))
             .join(Decision).switch(Award).join(Title)
             .where(Decision.state == IN_FORCE, Decision.date >= start, Decision.date <= end,
                    _decision_filter(movement, ids))
             .group_by(Title.id).order_by(Title.subject_kind, Title.rank.desc()))
    order = {PERSON: 0, UNIT: 1, HOUSEHOLD: 2}
    rows = [{"title": name, "kind": kind, "kind_label": SUBJECT_KINDS.get(kind, kind),
             "count": n, "amount": int(amount)} for name, kind, n, amount in query.tuples()]
    rows.sort(key=lambda r: (order.get(r["kind"], 9), -r["count"]))
    decisions = (Decision.select(fn.COUNT(Decision.id))
                 .where(Decision.state == IN_FORCE, Decision.date >= start,
                        Decision.date <= end, _decision_filter(movement, ids)).scalar()) or 0
    return {"rows": rows, "decisions": decisions, "count": sum(r["count"] for r in rows),
            "amount": sum(r["amount"] for r in rows)}


def models(ids, start, end):
    """Exemplary models as they stood at the end of the period: counts by stage and a list
    (models discovered after the period are left out)."""
    history = exemplary.stage_history(ids)
    names = {m.id: m for m in ExemplaryModel.select().where(ExemplaryModel.id.in_(
        list(history) or [0]))}
    counts = {s: 0 for s in exemplary.STAGES}
    rows = []
    from .entities import ModelReplication
    reps = defaultdict(int)
    for mid, n in (ModelReplication.select(ModelReplication.model, fn.COUNT(ModelReplication.id))
                   .where(ModelReplication.model.in_(list(history) or [0]),
                          ModelReplication.date <= end)
                   .group_by(ModelReplication.model).tuples()):
        reps[mid] = n
    for mid, dates in history.items():
        stage = exemplary.stage_at(dates, end)
        if stage is None or mid not in names:
            continue
        counts[stage] += 1
        m = names[mid]
        rows.append({"name": m.name, "kind_label": exemplary.KINDS.get(m.kind, m.kind),
                     "area": m.area, "stage": stage, "stage_label": exemplary.STAGE_NAMES[stage],
                     "discovered": dates[exemplary.DISCOVERED].isoformat(),
                     "new": start <= dates[exemplary.DISCOVERED] <= end,
                     "replicated_units": reps.get(mid, 0)})
    rows.sort(key=lambda r: (-exemplary.STAGES.index(r["stage"]), vntext.text_sort_key(r["name"])))
    return {"by_stage": [{"stage": s, "label": exemplary.STAGE_NAMES[s], "count": counts[s]}
                         for s in exemplary.STAGES],
            "rows": rows, "total": sum(counts.values()),
            "new": sum(1 for r in rows if r["new"])}


def covenants(ids, years, start, end):
    """Bloc covenants of the movement (or of the years, without a movement) signed in the
    period, and those of the period's years not signed yet."""
    from .entities import Unit
    query = (Covenant.select(Covenant.id, Unit.name, Covenant.signed_date, Covenant.year)
             .join(Unit, on=(Covenant.bloc == Unit.id))
             .where(Covenant.year.in_(years),
                    Covenant.movement.in_(ids) | Covenant.movement.is_null())
             .order_by(Covenant.year, Unit.name))
    members = dict(CovenantMember.select(CovenantMember.covenant, fn.COUNT(CovenantMember.id))
                   .group_by(CovenantMember.covenant).tuples())
    rows = []
    for cid, bloc, signed, year in query.tuples():
        if signed is not None and not (start <= signed <= end):
            continue
        rows.append({"bloc": bloc, "year": year, "members": members.get(cid, 0),
                     "signed": signed.isoformat() if signed else None})
    return rows


def figures(movement, start, end, year=None):
    """Every section's figures for ``movement`` over [start, end] (see module docstring)."""
    ids = movement_ids(movement)
    years = [year] if year is not None else list(range(start.year, end.year + 1))
    return {
        "movement": movement.name, "start": start.isoformat(), "end": end.isoformat(),
        "years": years,
        "targets": targets(movement, year),
        "registrations": registrations(ids, years),
        "scoring": scoring(ids, years),
        "awards": awards(movement, ids, start, end),
        "models": models(ids, start, end),
        "covenants": covenants(ids, years, start, end),
        "computed_on": datetime.date.today().isoformat(),
    }
