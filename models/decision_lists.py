"""Read-only views of decisions: the list for `list decisions`, the attached list grouped
I/II/III, totals and the titles a subject may get."""
from peewee import fn

from . import catalogue, vntext
from .award_history import join_place, place_without, subject_key
from .entities import HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Decision, Title
from .subjects import subject_kind

GROUPS = ((PERSON, "I. Cá nhân"), (UNIT, "II. Tập thể"), (HOUSEHOLD, "III. Hộ gia đình"))
GROUP_ORDER = {kind: i for i, (kind, _) in enumerate(GROUPS)}
UNPAID_NOTE = "Nhận tiền ở danh hiệu cao hơn"


def decisions(*, year=None, state=None):
    query = Decision.select().order_by(Decision.date.desc(), Decision.seq.desc(nulls="LAST"),
                                       Decision.id.desc())
    if year:
        query = query.where(Decision.year == year)
    if state:
        query = query.where(Decision.state == state)
    return list(query)


def decision_rows(search=None):
    """Rows for `list decisions`: id, uuid, number, date (iso), state, counts and total."""
    counts = dict(Award.select(Award.decision, fn.COUNT(Award.id))
                  .group_by(Award.decision).tuples())
    key = vntext.search_key(search) if search else ""
    rows = []
    for d in decisions():
        if key and key not in vntext.fold(f"{d.number} {d.about} {d.signer_name}"):
            continue
        rows.append({"id": d.id, "uuid": d.uuid, "number": d.number,
                     "date": d.date.isoformat(), "state": d.state,
                     "recipient_count": counts.get(d.id, 0), "total_amount": d.total,
                     "kind": d.kind, "about": d.about})
    return rows


def recipient_groups(decision):
    """The attached list: [(group label, [row dict])] for I/II/III, non-empty groups only.

    Read as plain tuples, so a list of 20,000 households comes back in well under a second."""
    query = (Award.select(Award.id, Award.unit, Award.person, Award.household,
                          Award.display_name, Award.position, Award.place, Title.name,
                          Title.kind, Award.achievement, Award.amount, Award.paid, Award.note,
                          Award.register_no)
             .join(Title).where(Award.decision == decision).order_by(Award.order, Award.id))
    grouped = {kind: [] for kind, _ in GROUPS}
    for (ident, unit, person, household, name, position, place, title, title_kind,
         achievement, amount, paid, note, register_no) in query.tuples():
        kind = UNIT if unit is not None else PERSON if person is not None else HOUSEHOLD
        subject = unit if unit is not None else person if person is not None else household
        if not paid:
            note = f"{note}; {UNPAID_NOTE}" if note else UNPAID_NOTE
        grouped[kind].append({"id": ident, "name": name, "position": position,
                              "place": (place_without(place, name) if kind == UNIT
                                        else join_place(place)),
                              "title": title, "title_kind": title_kind,
                              "achievement": achievement, "amount": amount,
                              "paid": bool(paid), "note": note, "register_no": register_no,
                              "kind": kind, "subject": subject})
    return [(heading, grouped[kind]) for kind, heading in GROUPS if grouped[kind]]


def summary(decision):
    """Counts per group, total and total in words (for Điều 1/2 and the preview).

    ``counts`` are people, collectives and households — one person with two titles counts
    once; ``award_counts`` are the rows of the list."""
    groups = recipient_groups(decision)
    subjects = {kind: set() for kind, _ in GROUPS}
    award_counts = {kind: 0 for kind, _ in GROUPS}
    for _, rows in groups:
        for r in rows:
            subjects[r["kind"]].add(r["subject"])
            award_counts[r["kind"]] += 1
    counts = {kind: len(ids) for kind, ids in subjects.items()}
    total = sum(r["amount"] for _, rows in groups for r in rows)
    return {"counts": counts, "award_counts": award_counts, "total": total,
            "total_text": vntext.format_money(total),
            "total_words": vntext.money_in_words(total) if total else "Không đồng",
            "groups": groups}


def subject_label(row):
    """'Cá nhân' / 'Tập thể' / 'Hộ gia đình' of a row with subject keys."""
    return SUBJECT_KINDS[subject_key(row)[0]]


def titles_for(subject):
    """Titles and forms that may be given to ``subject`` (for the editor's chooser)."""
    kind = subject_kind(subject)
    unit_kind = subject.kind.code if kind == UNIT else None
    return [t for t in catalogue.titles(subject_kind=kind)
            if catalogue.title_allows(t, subject_kind=kind, unit_kind_code=unit_kind)]
