"""Commendation decisions: drafts, recipients, money, numbering, issue, amend/revoke, register.

A decision moves draft → issued. An issued decision never changes again here: every
mutating function refuses it; a correction or revocation is a new decision that refers to
it (``amend_decision``/``revoke_decision``), and issuing that one marks the old one
"corrected" or "revoked".
"""
import datetime
import json

from peewee import fn

from . import catalogue, collation, fund, rewards, settings, versioning, vntext
from .award_history import (IN_FORCE, KIND_NAMES, STATE_NAMES, awards_in_force,  # noqa: F401
                            fund_totals, place_of, register_rows, subject_history,
                            subject_infos, subject_key, upward_qualifiers)
from .bulk import insert_rows
from .freeing import free_gradually
from .db import db, execute_many
from .decision_lists import (GROUP_ORDER, GROUPS, UNPAID_NOTE, decision_rows,  # noqa: F401
                             decisions, recipient_groups, summary, titles_for)
from .entities import SUBJECT_KINDS, UNIT, Award, AwardOccasion, Candidate, Decision, Title
from .errors import Cancelled, ConflictError, NotFound, ValidationError
from .fields import new_uuid
from .service import audit, diff, service, snapshot
from .subjects import display_name, subject_fields, subject_kind, subject_of
from .decision_text import (check_movement_period, default_about,  # noqa: F401
                            default_achievement, default_bases, format_number, label,
                            movement_phrase, signature_lines)



# --------------------------------------------------------------------------- helpers

def get_decision(decision_id):
    decision = Decision.get_or_none(Decision.id == decision_id)
    if decision is None:
        raise NotFound(f"Không có quyết định mã {decision_id}.")
    return decision


def _require_draft(decision):
    state = Decision.select(Decision.state).where(Decision.id == decision.id).scalar()
    if state is None:
        raise NotFound("Quyết định này không còn trong dữ liệu.")
    if state != "draft":
        raise ConflictError(
            f"{label(decision)} đã ban hành ({STATE_NAMES.get(state, state).lower()}), không "
            "sửa được. Muốn sửa hay hủy, hãy lập quyết định điều chỉnh hoặc thu hồi.")
    # fresh: a failed earlier call may have left the caller's object changed in memory;
    # it keeps the version the caller loaded, so saving it is refused when another clerk
    # changed the draft (or its list) meanwhile (issue 20)
    return versioning.fresh_copy(decision)


def _saved(caller, decision):
    """The caller's object follows the version this action wrote (its next save is ours)."""
    if caller is not None and caller is not decision:
        caller.version = decision.version
    return decision


def _date(value):
    if value is None:
        raise ValidationError("Hãy nhập ngày quyết định.", field="date")
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return vntext.parse_date(value, field="date")


def _seq(value, year, exclude_id=None):
    if value in (None, ""):
        return None
    try:
        seq = int(str(value).split("/")[0].strip())
    except ValueError:
        raise ValidationError(f"Số quyết định '{value}' phải là một số (ví dụ 12).",
                              field="number")
    if seq <= 0:
        raise ValidationError("Số quyết định phải lớn hơn 0.", field="number")
    clash = Decision.select().where(Decision.year == year, Decision.seq == seq)
    if exclude_id is not None:
        clash = clash.where(Decision.id != exclude_id)
    clash = clash.first()
    if clash is not None:
        raise ConflictError(
            f"Số {format_number(seq)} năm {year} đã dùng cho {label(clash).lower()}"
            f"{' (dự thảo)' if clash.state == 'draft' else ''}. Hãy chọn số khác.",
            field="number")
    return seq


def next_seq(year):
    """The next free number of ``year`` (after every number used or reserved by a draft)."""
    top = Decision.select(fn.MAX(Decision.seq)).where(Decision.year == year).scalar()
    return (top or 0) + 1


def _lines(value, label_text):
    if isinstance(value, str):
        value = value.splitlines()
    out = [vntext.clean_text(v).rstrip(";.") for v in (value or [])]
    return [v for v in out if v]


def _signer(name, title):
    name = vntext.clean_text(name)
    title = vntext.clean_text(title or "CHỦ TỊCH").upper()
    if title not in ("CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        raise ValidationError("Người ký phải là Chủ tịch hoặc Phó Chủ tịch.", field="signer_title")
    return name, title


# --------------------------------------------------------------------------- drafts

def _movement_of(decision):
    return decision.movement if decision.movement_id else None


def _check_date(date, kind):
    if kind != "revoke":
        rewards.base_salary_for(date)


@service("clerk")
def create_draft(*, actor, date, movement=None, meeting=None, period_year=None, number=None,
                 about=None, signer_name=None, signer_title="CHỦ TỊCH", on_behalf=None,
                 bases=None, proposer=None, recipients=None):
    """A new draft decision with the defaults of the settings, movement and meeting."""
    date = _date(date)
    _check_date(date, "award")
    period_year = int(period_year or (meeting.year if meeting is not None else date.year))
    check_movement_period(movement, period_year)
    name, title = _signer(settings.get("chairman") if signer_name is None else signer_name,
                          signer_title)
    decision = Decision.create(
        year=date.year, period_year=period_year, seq=_seq(number, date.year), date=date,
        movement=movement, meeting=meeting, kind="award",
        about=vntext.clean_text(about) or default_about(movement, period_year),
        signer_name=name, signer_title=title,
        on_behalf=settings.get("signer_on_behalf") if on_behalf is None else bool(on_behalf),
        bases=json.dumps(_lines(bases, "") if bases is not None
                         else default_bases(movement, meeting), ensure_ascii=False),
        proposer=vntext.clean_text(proposer) if proposer is not None
        else settings.get("decision_proposer") or "",
        recipients=json.dumps(_lines(recipients, "") if recipients is not None
                              else list(settings.get("decision_recipients") or []),
                              ensure_ascii=False))
    if decision.seq:
        decision.number = format_number(decision.seq)
        decision.save()
    audit(actor, "create_decision", decision, new=snapshot(decision))
    return decision


EDITABLE = ("date", "number", "about", "signer_name", "signer_title", "on_behalf", "bases",
            "proposer", "recipients", "period_year", "movement", "meeting", "reason")


@service("clerk")
def update_draft(*, actor, decision, **changes):
    """Change a draft's header fields; amounts follow a new date's base salary. Refused
    (StaleRecord) when another clerk changed the draft since ``decision`` was loaded."""
    caller, decision = decision, _require_draft(decision)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    old = snapshot(decision)
    if "date" in changes:
        decision.date = _date(changes["date"])
        _check_date(decision.date, decision.kind)
        if decision.date.year != decision.year:
            decision.year = decision.date.year
            if "number" not in changes and decision.seq:
                changes["number"] = decision.seq
    if "number" in changes:
        decision.seq = _seq(changes["number"], decision.year, exclude_id=decision.id)
        decision.number = format_number(decision.seq) if decision.seq else ""
    for key in ("about", "proposer", "reason"):
        if key in changes:
            setattr(decision, key, vntext.clean_text(changes[key]))
    if "signer_name" in changes or "signer_title" in changes:
        decision.signer_name, decision.signer_title = _signer(
            changes.get("signer_name", decision.signer_name),
            changes.get("signer_title", decision.signer_title))
    if "on_behalf" in changes:
        decision.on_behalf = bool(changes["on_behalf"])
    for key in ("bases", "recipients"):
        if key in changes:
            setattr(decision, key, json.dumps(_lines(changes[key], key), ensure_ascii=False))
    for key in ("period_year", "movement", "meeting"):
        if key in changes:
            setattr(decision, key, changes[key])
    if "period_year" in changes or "movement" in changes:
        check_movement_period(decision.movement if decision.movement_id else None,
                              int(decision.period_year or decision.year))
    decision.save()
    _recompute(decision)
    before, after = diff(old, snapshot(decision))
    if after:
        audit(actor, "update_decision", decision, old=before, new=after)
    return _saved(caller, decision)


@service("clerk")
def delete_draft(*, actor, decision):
    decision = _require_draft(decision)
    old = snapshot(decision)
    Award.delete().where(Award.decision == decision).execute()
    decision.delete_instance()
    audit(actor, "delete_decision", "decision", entity_id=old["id"], old=old)


# --------------------------------------------------------------------------- recipients

def _in_force_clash(subject, title, period_year, exclude=()):
    if exclude and _has_occasion(exclude[0]):
        return None            # a sudden or themed award commends its own achievement
    query = (awards_in_force().where(Award.title == title)
             .where(getattr(Award, subject_kind(subject)) == subject)
             .where(fn.COALESCE(Decision.period_year, Decision.year) == period_year)
             .where(Decision.id.not_in(AwardOccasion.select(AwardOccasion.decision))))
    if exclude:
        query = query.where(Decision.id.not_in(list(exclude)))
    return query.first()


def _has_occasion(decision_id):
    """Sudden and themed decisions (issue 18) commend an achievement of their own: neither
    the "once per title and period" check nor "only the highest title paid" spans them."""
    return AwardOccasion.select().where(AwardOccasion.decision == decision_id).exists()


def _no_list_on_revoke(decision):
    if decision.kind == "revoke":
        raise ValidationError("Quyết định thu hồi không kèm danh sách khen thưởng; muốn khen "
                              "lại hãy lập quyết định điều chỉnh hoặc quyết định mới.")


def _add(decision, subject, title, *, achievement=None, candidate=None, position=None,
         place=None, note=""):
    _no_list_on_revoke(decision)
    kind = subject_kind(subject)
    unit_kind = subject.kind.code if kind == UNIT else None
    if not catalogue.title_allows(title, subject_kind=kind, unit_kind_code=unit_kind):
        raise ValidationError(
            f"'{title.name}' không dành cho {SUBJECT_KINDS[kind].lower()} "
            f"'{display_name(subject)}'.", field="title")
    twin = (Award.select().where(Award.decision == decision, Award.title == title)
            .where(getattr(Award, kind) == subject).first())
    if twin is not None:
        raise ConflictError(f"'{display_name(subject)}' đã có trong quyết định này với "
                            f"'{title.name}'; mỗi đối tượng chỉ ghi một lần cho một hình thức.")
    period = decision.period_year or decision.year
    exclude = [decision.id] + ([decision.amends_id] if decision.amends_id else [])
    clash = _in_force_clash(subject, title, period, exclude)
    if clash is not None:
        raise ConflictError(f"'{display_name(subject)}' đã được tặng '{title.name}' năm {period} "
                            f"tại {label(clash.decision)}.")
    order = (Award.select(fn.MAX(Award.order)).where(Award.decision == decision).scalar() or 0)
    return Award.create(
        decision=decision, order=order + 1, title=title, candidate=candidate,
        display_name=display_name(subject),
        position=vntext.clean_text(position if position is not None
                                   else getattr(subject, "position", "")),
        place=vntext.clean_text(place if place is not None else place_of(subject)),
        achievement=vntext.clean_text(achievement) if achievement
        else default_achievement(_movement_of(decision), period, title),
        note=vntext.clean_text(note), **subject_fields(subject))


@service("clerk")
def add_recipient(*, actor, decision, subject, title, achievement=None, position=None,
                  place=None, note=""):
    """Add one recipient; refused twice for the same title, or when already awarded."""
    caller, decision = decision, _require_draft(decision)
    versioning.touch(decision)
    award = _add(decision, subject, title, achievement=achievement, position=position,
                 place=place, note=note)
    _recompute(decision)
    audit(actor, "add_recipient", award, new=snapshot(award))
    _saved(caller, decision)
    return Award.get_by_id(award.id)


@service("clerk")
def add_candidates(*, actor, decision, candidates=None, meeting=None, progress=None):
    """Add candidates (or every candidate that passed ``meeting``'s vote); skips those already
    in the decision and those already awarded the same title for the period. In bulk: a list
    of thousands of households costs a few queries. ``candidates`` may be Candidate rows or
    ``candidates.CandRecord``s. Returns the number added."""
    caller, decision = decision, _require_draft(decision)
    versioning.touch(decision)
    _no_list_on_revoke(decision)
    if candidates is None:
        from .council import passed_records
        if meeting is None:
            raise ValidationError("Hãy chọn cuộc họp bình xét hoặc các đối tượng cần thêm.")
        candidates = passed_records(meeting)
    candidates = list(candidates)
    period = decision.period_year or decision.year
    present = {_key(u, p, h) + (t,) for u, p, h, t in
               Award.select(Award.unit, Award.person, Award.household, Award.title)
               .where(Award.decision == decision).tuples()}
    awarded = {key + (title_id,) for key, title_id in _others_in_force(decision, Award.title)}
    titles = {t.id: t for t in Title.select()}
    keyed = [(getattr(c, "key", None) or subject_key(c), c) for c in candidates]
    infos = subject_infos([k for k, _ in keyed])
    # by name as plain strings, in runs (one C sort of 19,000 tuple keys held the GIL —
    # and a window waiting for it — 0.2–0.4 s), then grouped by kind (stable)
    no_info = collation.name_sort_string("")
    keyed = collation.sorted_gently(
        keyed, lambda kc: infos[kc[0]]["sort"] if kc[0] in infos else no_info)
    groups = [[] for _ in GROUP_ORDER]
    for kc in keyed:
        groups[GROUP_ORDER[kc[0][0]]].append(kc)
    keyed = [kc for group in groups for kc in group]
    order = (Award.select(fn.MAX(Award.order)).where(Award.decision == decision).scalar() or 0)
    movement = _movement_of(decision)
    own = _own_achievements([cand.id for _, cand in keyed])
    rows = []
    for subject, cand in keyed:
        kind, ident = subject
        key = (kind, ident, cand.title_id)
        info = infos.get((kind, ident))
        title = titles[cand.title_id]
        if key in present or key in awarded or info is None:
            continue
        if not catalogue.title_allows(title, subject_kind=kind, unit_kind_code=info["unit_kind"]):
            continue
        present.add(key)
        order += 1
        rows.append({"uuid": new_uuid(), "decision": decision.id, "order": order,
                     "title": title.id, "candidate": cand.id, "display_name": info["name"],
                     "position": info["position"], "place": info["place"],
                     "achievement": own.get(cand.id)
                     or default_achievement(movement, period, title),
                     "note": "", "unit": None, "person": None,
                     "household": None, kind: ident})
    added = len(rows)
    if insert_rows(Award, rows, progress=progress) < added:
        raise Cancelled()
    # freed in pieces, not all at once on return (40 ms of the GIL at 40,000 households)
    free_gradually(rows, groups, keyed, candidates, infos, own, present, awarded)
    _recompute(decision)
    audit(actor, "add_candidates", decision, new={"added": added})
    _saved(caller, decision)
    return added


def _own_achievements(ids):
    """{candidate id: achievement} of candidates that carry their own (from a proposal list)."""
    out = {}
    for start in range(0, len(ids), 500):
        out.update(Candidate.select(Candidate.id, Candidate.achievement)
                   .where(Candidate.id.in_(ids[start:start + 500]),
                          Candidate.achievement != "").tuples())
    return out


REC_FIELDS = ("display_name", "position", "place", "achievement", "note")


@service("clerk")
def update_recipient(*, actor, award, decision=None, **changes):
    """Edit how a recipient is printed (name, position, place, achievement, note).
    ``decision``: the draft as the clerk loaded it (its version is checked)."""
    caller = decision
    decision = _require_draft(decision if decision is not None else award.decision)
    if caller is not None:        # the list the clerk saw: changed meanwhile → refused
        versioning.touch(decision)
    award = Award.get_by_id(award.id)
    old = snapshot(award)
    for key, value in changes.items():
        if key not in REC_FIELDS:
            raise ValidationError(f"Không sửa được trường {key} của người được khen.")
        value = vntext.clean_text(value)
        if key == "display_name" and not value:
            raise ValidationError("Tên người/tập thể được khen không được để trống.",
                                  field="display_name")
        setattr(award, key, value)
    award.save()
    before, after = diff(old, snapshot(award))
    if after:
        audit(actor, "update_recipient", award, old=before, new=after)
    _saved(caller, decision)
    return award


@service("clerk")
def remove_recipient(*, actor, award, decision=None):
    """``decision``: the draft as the clerk loaded it (its version is checked)."""
    caller = decision
    decision = _require_draft(decision if decision is not None else award.decision)
    if caller is not None:        # the list the clerk saw: changed meanwhile → refused
        versioning.touch(decision)
    old = snapshot(award)
    award.delete_instance()
    _recompute(decision)
    audit(actor, "remove_recipient", "award", entity_id=old["id"], old=old)
    _saved(caller, decision)


def _key(unit, person, household):
    if unit is not None:
        return ("unit", unit)
    if person is not None:
        return ("person", person)
    return ("household", household)


def _others_in_force(decision, *fields):
    """(subject key, *fields) of awards in force for the same period in OTHER decisions
    (the decision this one amends excluded), as plain tuples."""
    period = decision.period_year or decision.year
    exclude = [decision.id] + ([decision.amends_id] if decision.amends_id else [])
    if _has_occasion(decision.id):
        return []
    query = (Award.select(Award.unit, Award.person, Award.household, *fields)
             .join(Decision).switch(Award).join(Title)
             .where(Decision.state == IN_FORCE, Decision.id.not_in(exclude))
             .where(fn.COALESCE(Decision.period_year, Decision.year) == period)
             .where(Decision.id.not_in(AwardOccasion.select(AwardOccasion.decision))))
    return [(_key(*row[:3]),) + tuple(row[3:]) for row in query.tuples()]


def _recompute(decision):
    """Amounts on the decision date; only the highest title paid per subject and period."""
    awards = [(ident, _key(u, p, h), amount, bool(paid), coef, multiple, rank)
              for ident, u, p, h, amount, paid, coef, multiple, rank in (
                  Award.select(Award.id, Award.unit, Award.person, Award.household,
                               Award.amount, Award.paid, Title.coefficient, Title.multiple,
                               Title.rank)
                  .join(Title).where(Award.decision == decision).tuples())]
    if decision.kind == "revoke":
        Decision.update(total=0).where(Decision.id == decision.id).execute()
        decision.total = 0
        return 0
    before = bool(settings.get("multiples_before_rounding"))
    base = rewards.base_salary_for(decision.date) if any(
        a[4] is not None for a in awards) else 0
    amounts = [rewards.title_amount(a[4], a[5], base, multiples_before_rounding=before)
               for a in awards]
    items = [{"subject": a[1], "rank": a[6], "amount": amt} for a, amt in zip(awards, amounts)]
    keys = {i["subject"] for i in items}
    locked = []
    if keys:
        for key, rank, amount, paid in _others_in_force(decision, Title.rank, Award.amount,
                                                        Award.paid):
            if paid and key in keys:
                locked.append({"subject": key, "rank": rank, "amount": amount, "locked": True})
    paid = rewards.select_paid(locked + items)[len(locked):]
    total = 0
    changed = []
    for award, amount, is_paid in zip(awards, amounts, paid):
        amount = amount if is_paid else 0
        if award[2] != amount or award[3] != is_paid:
            changed.append((amount, bool(is_paid), award[0]))
        total += amount
    if changed:
        execute_many(
            f"UPDATE {Award._meta.table_name} SET amount = ?, paid = ? WHERE id = ?", changed)
    free_gradually(awards, amounts, items, keys, locked, paid, changed)   # as add_candidates
    Decision.update(total=total).where(Decision.id == decision.id).execute()
    decision.total = total
    return total


# --------------------------------------------------------------------------- issue

@service("leader")
def issue_decision(*, actor, decision, signer_name=None, on_date=None, fund_reason=None):
    """Issue a draft: number, money, register numbers, its reward-fund entry; immutable from
    then on. Beyond the fund's balance it raises fund.FundOverdraft unless ``fund_reason``.
    Refused (StaleRecord) when the draft changed since ``decision`` was loaded."""
    caller, decision = decision, _require_draft(decision)
    old = snapshot(decision)
    if on_date is not None:
        decision.date = _date(on_date)
        if decision.date.year != decision.year:
            decision.year, decision.seq = decision.date.year, None
    if signer_name is not None:
        decision.signer_name = vntext.clean_text(signer_name)
    awards = list(Award.select(Award.id, Award.unit, Award.person, Award.household,
                               Award.title, Award.order, Award.display_name,
                               Award.achievement)
                  .where(Award.decision == decision).tuples())
    if not awards and decision.kind != "revoke":
        raise ValidationError("Quyết định chưa có ai được khen thưởng; hãy thêm người, tập thể "
                              "hoặc hộ gia đình trước khi ban hành.")
    if not vntext.clean_text(decision.signer_name):
        raise ValidationError("Hãy ghi họ tên người ký quyết định (Chủ tịch hoặc Phó Chủ tịch).",
                              field="signer_name")
    if decision.amends_id:
        target = Decision.get_by_id(decision.amends_id)
        if target.state != IN_FORCE:
            raise ConflictError(f"{label(target)} đã {STATE_NAMES[target.state].lower()}; "
                                "không điều chỉnh hay thu hồi thêm được.")
    _check_date(decision.date, decision.kind)
    if decision.seq is None:
        decision.seq = next_seq(decision.year)
    else:
        _seq(decision.seq, decision.year, exclude_id=decision.id)
    decision.number = format_number(decision.seq)
    period = decision.period_year or decision.year
    mine = {_key(*a[1:4]) + (a[4],): a for a in awards}
    for key, title_id, title_name, number, date in _others_in_force(
            decision, Award.title, Title.name, Decision.number, Decision.date):
        award = mine.get(key + (title_id,))
        if award is not None:
            raise ConflictError(f"'{award[6]}' đã được tặng '{title_name}' năm {period} tại "
                                f"Quyết định số {number} ngày {vntext.format_date(date)}.")
    decision.save()
    _recompute(decision)
    top = (Award.select(fn.MAX(Award.register_no))
           .where(Award.register_year == decision.year).scalar() or 0)
    movement = _movement_of(decision)
    titles = {t.id: t for t in Title.select()}
    numbered = []
    awards_title = {a[0]: a[4] for a in awards}
    for ident, u, p, h, _, order, name, achievement in sorted(
            awards, key=lambda a: (GROUP_ORDER[_key(*a[1:4])[0]], a[5], a[0])):
        top += 1
        if not name:
            name = display_name(subject_of(Award.get_by_id(ident)))
        fallback = achievement or default_achievement(movement, period,
                                                      titles[awards_title[ident]])
        numbered.append((decision.year, top, name, fallback, ident))
    execute_many(
        f"UPDATE {Award._meta.table_name} SET register_year = ?, register_no = ?, "
        "display_name = ?, achievement = ? WHERE id = ?", numbered)
    fund.entry_for_issue(actor, decision, fund_reason)
    decision.state = IN_FORCE
    decision.issued_at = datetime.datetime.now().replace(microsecond=0)
    decision.issued_by = actor.username
    decision.save()
    if decision.amends_id:
        new_state = "revoked" if decision.kind == "revoke" else "corrected"
        Decision.update(state=new_state).where(Decision.id == decision.amends_id).execute()
        audit(actor, f"{new_state}_by_decision", "decision", entity_id=decision.amends_id,
              old={"state": IN_FORCE}, new={"state": new_state, "by": decision.id})
    before, after = diff(old, snapshot(decision))
    audit(actor, "issue_decision", decision, old=before, new=after)
    return _saved(caller, decision)


def _follow_up(actor, decision, date, reason, kind):
    decision = Decision.get_by_id(decision.id)
    state = decision.state
    if state != IN_FORCE:
        raise ConflictError(f"Chỉ điều chỉnh hoặc thu hồi được quyết định đang có hiệu lực; "
                            f"{label(decision)} là {STATE_NAMES.get(state, state).lower()}.")
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do điều chỉnh hoặc thu hồi.", field="reason")
    date = _date(date)
    if date < decision.date:
        raise ValidationError("Ngày của quyết định mới không được trước ngày quyết định cũ.",
                              field="date")
    _check_date(date, kind)
    verb = "thu hồi" if kind == "revoke" else "điều chỉnh"
    new = Decision.create(
        year=date.year, period_year=decision.period_year or decision.year, date=date, kind=kind,
        amends=decision, movement=decision.movement_id, meeting=decision.meeting_id,
        about=f"Về việc {verb} {label(decision)}", reason=reason,
        signer_name=decision.signer_name, signer_title=decision.signer_title,
        on_behalf=decision.on_behalf,
        bases=json.dumps(default_bases(decision.movement, None, decision), ensure_ascii=False),
        proposer=decision.proposer, recipients=decision.recipients)
    audit(actor, f"{kind}_decision_draft", new, new=snapshot(new), reason=reason)
    return new


@service("clerk")
def amend_decision(*, actor, decision, date, reason):
    """A draft that corrects an issued decision; starts with a copy of its recipients."""
    new = _follow_up(actor, decision, date, reason, "amend")
    for occ in AwardOccasion.select().where(AwardOccasion.decision == decision):  # issue 18
        AwardOccasion.create(decision=new, method=occ.method, event_date=occ.event_date,
                             place=occ.place, description=occ.description, round=occ.round_id)
    for i, a in enumerate(decision.awards.order_by(Award.order, Award.id)):
        Award.create(decision=new, order=i + 1, unit=a.unit_id, person=a.person_id,
                     household=a.household_id, candidate=a.candidate_id, title=a.title_id,
                     display_name=a.display_name, position=a.position, place=a.place,
                     achievement=a.achievement, note=a.note)
    _recompute(new)
    return new


@service("clerk")
def revoke_decision(*, actor, decision, date, reason):
    """A draft that revokes an issued decision (no recipients of its own)."""
    return _follow_up(actor, decision, date, reason, "revoke")
