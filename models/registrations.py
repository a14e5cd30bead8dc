"""Registrations (đăng ký thi đua) with titles, commitments and states; bulk registration; covenants."""
import datetime
from dataclasses import dataclass

from .db import insert_ids
from .catalogue import title_allows
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Commitment, Household, Person,
                       Registration, RegistrationTitle, Round, Target, Title)
from .errors import Cancelled, ConflictError, NotFound, ValidationError
from .fields import new_uuid
from .movements import check_in_period, parse_value, year_in_period
from .service import audit, service, snapshot
from .subjects import display_name, subject_fields, subject_kind, subject_of
from . import versioning, vntext
from .registration_reads import (  # noqa: F401 - re-exported: callers use models.registrations
    ACCEPTED, DRAFT, RETURNED, STATES, SUBMITTED, bloc_members, blocs, flat_row,
    iter_registration_rows,
    registrable_units, registration_rows, registration_years, state_counts_by_place,
    subject_counts, title_counts, unit_kind_code, units_with_members, villages_with_households,
)
from .covenants import (  # noqa: F401 - re-exported: callers use models.registrations
    covenant_members, covenant_rows, covenants, delete_covenant, find_covenant, get_covenant,
    save_covenant,
)

EDITABLE = (DRAFT, RETURNED, SUBMITTED)
BATCH = 500


# --------------------------------------------------------------------------- checks

def get_registration(registration_id):
    found = Registration.get_or_none(Registration.id == registration_id)
    if found is None:
        raise NotFound(f"Không có đăng ký thi đua số {registration_id}.")
    return found


def _reg_date(movement, value):
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.date):
        value = vntext.parse_date(value, field="reg_date")
    check_in_period(movement, value, "Ngày đăng ký", "reg_date")
    return value


def allowed_titles(subject):
    """Active titles/forms the catalogue allows for this subject (kind and unit kind)."""
    kind = subject_kind(subject)
    code = subject.kind.code if kind == UNIT else None
    return [t for t in Title.select().where(Title.active == True)  # noqa: E712
            .order_by(Title.rank.desc(), Title.name)
            if title_allows(t, subject_kind=kind, unit_kind_code=code)]


def _titles(subject, titles):
    kind = subject_kind(subject)
    code = subject.kind.code if kind == UNIT else None
    out = []
    for t in titles or ():
        if not isinstance(t, Title):
            found = Title.get_or_none(Title.code == t) if isinstance(t, str) \
                else Title.get_or_none(Title.id == t)
            if found is None:
                raise NotFound(f"Không có danh hiệu '{t}' trong danh mục.")
            t = found
        if not t.active or not title_allows(t, subject_kind=kind, unit_kind_code=code):
            who = f"{SUBJECT_KINDS[kind].lower()} '{display_name(subject)}'"
            raise ValidationError(f"Danh hiệu '{t.name}' không dành cho {who}; hãy chọn danh "
                                  "hiệu khác trong danh mục.", field="titles")
        if t.id not in [x.id for x in out]:
            out.append(t)
    return out


def _commitments(movement, rows):
    out = []
    for i, row in enumerate(rows or (), 1):
        target = row.get("target")
        if isinstance(target, int):
            target = Target.get_or_none(Target.id == target)
        if target is not None and target.movement_id != movement.id:
            raise ValidationError(f"Cam kết {i}: chỉ tiêu không thuộc phong trào này.")
        name = vntext.validate_name(row.get("name") or (target.name if target else ""),
                                    label=f"Tên chỉ tiêu cam kết {i}", max_len=1000)
        direction = row.get("direction") or (target.direction if target else "higher")
        out.append(dict(target=target, name=name,
                        measure=vntext.clean_text(row.get("measure", target.measure if target
                                                          else "")),
                        value=parse_value(row.get("value"), label=f"Giá trị cam kết {i}"),
                        direction=direction,
                        actual=parse_value(row.get("actual"), label=f"Kết quả cam kết {i}")))
    return out


def prefill_commitments(movement, subject=None):
    """The commune's targets as commitment rows for a new registration of ``subject``.

    The targets are the commune's own (income per head, budget revenue, poverty rate …):
    a collective commits to them, a person or a household does not — a teacher's
    registration is her titles, not "thu ngân sách 28.603,61 tỷ đồng".  Without a subject
    (older callers) every target is offered, as for a collective.
    """
    if subject is not None and subject_kind(subject) != UNIT:
        return []
    return [dict(target=t, name=t.name, measure=t.measure, value=t.value, direction=t.direction)
            for t in movement.targets.order_by(Target.order, Target.id)]


def registered_subjects(movement, year, kind):
    """{subject id: state label} of the ``kind`` (unit/person/household) subjects already
    registered for ``movement`` in ``year`` — the picker marks them."""
    col = getattr(Registration, kind)
    query = (Registration.select(col, Registration.state)
             .where((Registration.movement == movement) & (Registration.year == year)
                    & Registration.round.is_null() & col.is_null(False)).tuples())
    return {sid: STATES.get(state, state) for sid, state in query}


def find_registration(movement, subject, year, round=None):
    """The subject's registration for the movement's year, or for one of its rounds."""
    where = getattr(Registration, subject_kind(subject)) == subject
    if round is not None:
        return Registration.get_or_none(where & (Registration.round == round))
    return Registration.get_or_none(
        (Registration.movement == movement) & (Registration.year == year)
        & Registration.round.is_null() & where)


def _round_of(movement, round):
    """A round that takes its own registrations (issue 18), checked against the movement."""
    if round is None:
        return None, None
    round = Round.get_by_id(round.id)       # fresh: its flag may have changed in another window
    if round.movement_id != movement.id:
        raise ValidationError(f"Đợt '{round.name}' không thuộc phong trào '{movement.name}'.",
                              field="round")
    if not round.own_registrations:
        raise ValidationError(f"Đợt '{round.name}' không nhận đăng ký riêng; hãy đăng ký theo "
                              "năm của phong trào, hoặc bật «đăng ký theo đợt» cho đợt này.",
                              field="round")
    return round, round.start.year


# --------------------------------------------------------------------------- one registration

@service("clerk")
def register(*, actor, movement, subject, year=None, titles=(), commitments=None,
             prefill=None, reg_date=None, signer="", round=None):
    """Create a draft registration (for the movement's year, or for a ``round`` that takes
    its own); commitments default to the commune's targets for units."""
    round, round_year = _round_of(movement, round)
    year = year_in_period(movement, round_year or year)
    if find_registration(movement, subject, year, round) is not None:
        what = f"đợt '{round.name}' của" if round is not None else ""
        raise ConflictError(f"{display_name(subject)} đã đăng ký {what} phong trào "
                            f"'{movement.name}' năm {year}; hãy sửa đăng ký đã có."
                            .replace("  ", " "))
    titles = _titles(subject, titles)
    if commitments is None and (prefill if prefill is not None else subject_kind(subject) == UNIT):
        commitments = prefill_commitments(movement)
    rows = _commitments(movement, commitments)
    reg = Registration.create(movement=movement, year=year, round=round,
                              reg_date=_reg_date(movement, reg_date),
                              signer=vntext.validate_name(signer or "", label="Người ký",
                                                          required=False),
                              **subject_fields(subject))
    for t in titles:
        RegistrationTitle.create(registration=reg, title=t)
    for row in rows:
        Commitment.create(registration=reg, **row)
    audit(actor, "register", reg, new=dict(snapshot(reg), titles=[t.code for t in titles],
                                           commitments=len(rows)))
    return reg


def _check_editable(reg):
    if reg.state == ACCEPTED:
        raise ConflictError("Đăng ký này đã được duyệt; muốn sửa hãy mở lại (cần quyền lãnh đạo, "
                            "ghi rõ lý do).")


@service("clerk")
def update_registration(*, actor, registration, titles=None, commitments=None, reg_date=None,
                        signer=None, reason=None):
    reg = registration
    _check_editable(reg)
    old = dict(snapshot(reg), titles=title_codes(reg))
    if reg_date is not None:
        reg.reg_date = _reg_date(reg.movement, reg_date)
    if signer is not None:
        reg.signer = vntext.validate_name(signer, label="Người ký", required=False)
    if titles is not None:
        titles = _titles(subject_of(reg), titles)
        RegistrationTitle.delete().where(RegistrationTitle.registration == reg).execute()
        for t in titles:
            RegistrationTitle.create(registration=reg, title=t)
    if commitments is not None:
        rows = _commitments(reg.movement, commitments)
        Commitment.delete().where(Commitment.registration == reg).execute()
        for row in rows:
            Commitment.create(registration=reg, **row)
    reg.save()
    new = dict(snapshot(reg), titles=title_codes(reg))
    audit(actor, "update_registration", reg, old=old, new=new, reason=reason)
    return reg


@service("clerk")
def set_commitment_actual(*, actor, commitment, actual):
    """Actual value of a commitment during the year (follow-up; allowed in every state)."""
    old = snapshot(commitment, ["actual"])
    commitment.actual = parse_value(actual, label="Kết quả thực hiện", field="actual")
    commitment.save()              # refused when another PC saved it since it was read
    versioning.bump(Registration, [commitment.registration_id])
    audit(actor, "set_commitment_actual", commitment, old=old,
          new=snapshot(commitment, ["actual"]))
    return commitment


@service("clerk")
def set_commitment_actuals(*, actor, registration, actuals, versions=None):
    """Several actual values at once ({commitment id: text or None}), all or nothing.
    ``versions`` ({commitment id: version} as the clerk's table read them): a value another
    PC saved meanwhile refuses the whole entry (StaleRecord), checked in one query."""
    if versions is not None:
        if any(cid not in versions for cid in actuals):
            raise NotFound("Có chỉ tiêu cam kết không thuộc đăng ký này.")
        versioning.check_versions(Commitment, {cid: versions[cid] for cid in actuals},
                                  name_of=lambda cid: Commitment.select(Commitment.name)
                                  .where(Commitment.id == cid).scalar() or "(đã bị xóa)")
    by_id = {c.id: c for c in registration.commitments}
    changed = False
    for cid, value in actuals.items():
        c = by_id.get(cid)
        if c is None:
            raise NotFound("Có chỉ tiêu cam kết không thuộc đăng ký này.")
        new = parse_value(value, label=f"Kết quả của '{c.name}'", field="actual")
        if new != c.actual:
            old = snapshot(c, ["actual"])
            c.actual = new
            c.save()
            changed = True
            audit(actor, "set_commitment_actual", c, old=old, new=snapshot(c, ["actual"]))
    if changed:          # an open registration dialog (which rewrites commitments) is stale
        versioning.bump(Registration, [registration.id])
    return registration


def commitment_rows(registration):
    """[{id, name, measure, commune_value, value, actual, completion}] for follow-up."""
    from .movements import completion
    out = []
    for c in registration.commitments.order_by(Commitment.id):
        t = c.target if c.target_id else None
        out.append({"id": c.id, "version": c.version, "name": c.name, "measure": c.measure,
                    "commune_value": t.value if t is not None else None, "value": c.value,
                    "actual": c.actual, "completion": completion(c.value, c.actual,
                                                                 c.direction)})
    return out


def _move(actor, reg, allowed_from, to, action, reason=None):
    if reg.state not in allowed_from:
        raise ConflictError(
            f"Không thể chuyển đăng ký của {display_name(subject_of(reg))} từ "
            f"'{STATES[reg.state]}' sang '{STATES[to]}'.")
    old = snapshot(reg, ["state", "return_reason"])
    reg.state = to
    reg.return_reason = reason if to == RETURNED else ""
    reg.save()
    audit(actor, action, reg, old=old, new=snapshot(reg, ["state", "return_reason"]),
          reason=reason)
    return reg


def _reason(reason, what):
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError(f"Hãy ghi lý do {what}.", field="reason")
    return reason


@service("clerk")
def submit(*, actor, registration):
    return _move(actor, registration, (DRAFT, RETURNED), SUBMITTED, "submit_registration")


@service("leader")
def accept(*, actor, registration):
    return _move(actor, registration, (SUBMITTED,), ACCEPTED, "accept_registration")


@service("leader")
def return_registration(*, actor, registration, reason):
    return _move(actor, registration, (SUBMITTED,), RETURNED, "return_registration",
                 _reason(reason, "trả lại"))


@service("leader")
def reopen(*, actor, registration, reason):
    return _move(actor, registration, (ACCEPTED,), DRAFT, "reopen_registration",
                 _reason(reason, "mở lại"))


@service("clerk")
def delete_registration(*, actor, registration):
    _check_editable(registration)
    old = snapshot(registration)
    registration.delete_instance(recursive=True)
    audit(actor, "delete_registration", "registration", entity_id=old["id"], old=old)


def title_codes(reg):
    return [rt.title.code for rt in reg.titles.join(Title).order_by(Title.rank.desc())]


# --------------------------------------------------------------------------- bulk

def _bulk_subjects(movement, year, villages, units):
    """{"household": [ids], "person": [ids]} still unregistered, and how many already were."""
    v_ids = [v.id if hasattr(v, "id") else int(v) for v in villages or ()]
    u_ids = [u.id if hasattr(u, "id") else int(u) for u in units or ()]
    out, already = {HOUSEHOLD: [], PERSON: []}, 0
    for kind, model, column, ids in ((HOUSEHOLD, Household, Household.village, v_ids),
                                     (PERSON, Person, Person.unit, u_ids)):
        if not ids:
            continue
        wanted = [i for (i,) in model.select(model.id).where(
            column.in_(ids) & (model.active == True)).order_by(model.id).tuples()]  # noqa
        done = {i for (i,) in Registration.select(getattr(Registration, kind))
                .where((Registration.movement == movement) & (Registration.year == year)
                       & Registration.round.is_null()
                       & getattr(Registration, kind).is_null(False)).tuples()}
        out[kind] = [i for i in wanted if i not in done]
        already += len(wanted) - len(out[kind])
    return out, already


def bulk_preview(*, movement, year=None, villages=(), units=()):
    """How many households and people a bulk registration would create (and skip)."""
    year = year_in_period(movement, year)
    subjects, already = _bulk_subjects(movement, year, villages, units)
    return {"households": len(subjects[HOUSEHOLD]), "people": len(subjects[PERSON]),
            "already": already, "year": year}


@dataclass
class BulkResult:
    created: int
    skipped: int

    def summary(self):
        return (f"Đã đăng ký {vntext.format_int(self.created)} đối tượng"
                + (f"; bỏ qua {vntext.format_int(self.skipped)} đã đăng ký trước." if self.skipped
                   else "."))


def _kind_titles(titles, kind):
    out = []
    for t in titles or ():
        t = t if isinstance(t, Title) else Title.get_or_none(Title.code == t)
        if t is None:
            raise NotFound("Có danh hiệu không có trong danh mục.")
        if t.subject_kind == kind:
            if not t.active or (t.unit_kinds or "").strip():
                raise ValidationError(f"Danh hiệu '{t.name}' không dùng được khi đăng ký hàng "
                                      "loạt.", field="titles")
            out.append(t)
    return out


@service("clerk")
def bulk_register(*, actor, movement, year=None, villages=(), units=(), titles=(),
                  reg_date=None, signer="", progress=None):
    """Register every household of ``villages`` and every member of ``units`` in one go.

    ``titles``: codes or Titles; each subject gets those meant for its kind (e.g. "GDVH" for
    households, "LDTT" for people). Already registered subjects are skipped. One transaction;
    ``progress(done, total)`` returning False cancels and rolls everything back.
    """
    year = year_in_period(movement, year)
    reg_date = _reg_date(movement, reg_date)
    signer = vntext.validate_name(signer or "", label="Người ký", required=False)
    subjects, already = _bulk_subjects(movement, year, villages, units)
    by_kind = {k: _kind_titles(titles, k) for k in (HOUSEHOLD, PERSON)}
    for t in titles or ():
        code = t.code if isinstance(t, Title) else t
        if not any(code == x.code for v in by_kind.values() for x in v):
            raise ValidationError(f"Danh hiệu '{code}' không dành cho hộ gia đình hay cá nhân.",
                                  field="titles")
    total = sum(len(v) for v in subjects.values())
    done = 0
    if progress is not None and progress(0, total) is False:
        raise Cancelled()
    now = datetime.datetime.now().replace(microsecond=0)
    for kind, ids in subjects.items():
        title_ids = [t.id for t in by_kind[kind]]
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            rows = [{"uuid": new_uuid(), "movement": movement.id, "year": year, kind: sid,
                     "state": DRAFT, "reg_date": reg_date, "signer": signer, "created_at": now}
                    for sid in chunk]
            new_ids = insert_ids(Registration, rows)
            if title_ids:
                RegistrationTitle.insert_many(
                    [{"registration": rid, "title": tid}
                     for rid in new_ids for tid in title_ids]).execute()
            done += len(chunk)
            if progress is not None and progress(done, total) is False:
                raise Cancelled()
    audit(actor, "bulk_register", movement, new={
        "year": year, "households": len(subjects[HOUSEHOLD]), "people": len(subjects[PERSON]),
        "titles": [t.code for v in by_kind.values() for t in v]})
    return BulkResult(created=total, skipped=already)


@service("leader")
def bulk_set_state(*, actor, registrations, state, reason=None):
    """Accept or return several submitted registrations at once (each audited)."""
    action = {ACCEPTED: (accept, {}), RETURNED: (return_registration, {"reason": reason})}
    if state not in action:
        raise ValidationError("Chỉ duyệt hoặc trả lại được hàng loạt.")
    fn_, extra = action[state]
    for reg in registrations:   # fresh rows (an instance may be half-changed) at the
        #                         version the leader saw: another clerk's change is refused
        fn_.__wrapped__(actor=actor, registration=versioning.fresh_copy(reg), **extra)
    return len(registrations)
