"""Dates a plan sets, as reminders for "Tổng quan": round reviews, registration deadlines,
reports to the upper level — due soon, overdue, or done.

Sources: each round's review date (``Round.review_date``; done once a review of that round
is sent) and the movement's own deadlines (``PlanDeadline``: registration, report, other;
done when marked; a report deadline also when a review of the movement is sent for a period
that ends within 60 days of the deadline — a year-end report is often due on 15/12; a
registration deadline also when every registrable unit has registered).
"""
import datetime
from dataclasses import dataclass, field

from . import vntext
from .entities import Movement, PlanDeadline, Registration, Review, Round
from .errors import NotFound, ValidationError
from .service import audit, audited_update, service, snapshot

KINDS = {"registration": "Hạn đăng ký thi đua", "report": "Hạn báo cáo cấp trên",
         "other": "Mốc khác"}
REVIEW = "review"
OVERDUE, SOON, LATER, DONE = "overdue", "soon", "later", "done"
STATE_NAMES = {OVERDUE: "Quá hạn", SOON: "Sắp đến hạn", LATER: "Chưa đến hạn", DONE: "Đã xong"}
HORIZON_DAYS = 30          # "due soon": within this many days
LOOKBACK_DAYS = 400        # older overdue dates are history, not reminders
REPORT_WINDOW_DAYS = 60


@dataclass
class Reminder:
    due: datetime.date
    kind: str                      # review | registration | report | other
    label: str
    movement: str
    movement_id: int
    state: str = LATER
    detail: str = ""
    deadline_id: int = None        # PlanDeadline id (None for a round's review date)
    filters: dict = field(default_factory=dict)

    @property
    def days(self):
        return (self.due - datetime.date.today()).days


def _state(due, done, on, horizon):
    if done:
        return DONE
    if due < on:
        return OVERDUE
    return SOON if (due - on).days <= horizon else LATER


def _clean(values):
    out = {}
    if "kind" in values:
        if values["kind"] not in KINDS:
            raise ValidationError("Loại mốc phải là hạn đăng ký, hạn báo cáo hoặc mốc khác.",
                                  field="kind")
        out["kind"] = values["kind"]
    if "label" in values:
        out["label"] = vntext.validate_name(values["label"], label="Nội dung", max_len=300,
                                            field="label")
    for key, label in (("due", "Ngày đến hạn"), ("done_on", "Ngày hoàn thành")):
        if key in values:
            day = values[key]
            if isinstance(day, str):
                day = vntext.parse_date(day, field=key) if day.strip() else None
            if key == "due" and day is None:
                raise ValidationError("Hãy nhập ngày đến hạn.", field="due")
            out[key] = day
    return out


def get_deadline(deadline_id):
    found = PlanDeadline.get_or_none(PlanDeadline.id == deadline_id)
    if found is None:
        raise NotFound(f"Không có mốc thời gian số {deadline_id}.")
    return found


@service("clerk")
def add_deadline(*, actor, movement, kind, label, due):
    values = _clean(dict(kind=kind, label=label, due=due))
    if not movement.year_from - 1 <= values["due"].year <= movement.year_to + 1:
        raise ValidationError(f"Ngày {vntext.format_date(values['due'])} không thuộc thời gian "
                              f"của phong trào '{movement.name}'.", field="due")
    row = PlanDeadline.create(movement=movement, **values)
    audit(actor, "add_deadline", row, new=snapshot(row))
    return row


@service("clerk")
def update_deadline(*, actor, deadline, **changes):
    return audited_update(actor, "update_deadline", deadline, _clean(changes))


@service("clerk")
def mark_done(*, actor, deadline, on):
    """The deadline was met on ``on`` (None: not done after all)."""
    old = snapshot(deadline, ["done_on"])
    deadline.done_on = _clean({"done_on": on})["done_on"]
    deadline.save()
    audit(actor, "deadline_done", deadline, old=old, new=snapshot(deadline, ["done_on"]))
    return deadline


@service("clerk")
def delete_deadline(*, actor, deadline):
    old = snapshot(deadline)
    deadline.delete_instance()
    audit(actor, "delete_deadline", "plan_deadline", entity_id=old["id"], old=old)


def _unregistered(movement_id, year):
    """Registrable units without a registration for the movement and year."""
    from .registration_reads import registrable_units
    units = {u.id for u in registrable_units()}
    have = {u for (u,) in Registration.select(Registration.unit)
            .where(Registration.movement == movement_id, Registration.year == year,
                   Registration.unit.is_null(False)).tuples()}
    return len(units - have)


def reminders(*, on=None, horizon=HORIZON_DAYS, include_done=False, include_later=False):
    """Reminders around ``on`` (today): overdue ones first (oldest first), then those due
    soon; done ones and later ones only when asked."""
    on = on or datetime.date.today()
    since = on - datetime.timedelta(days=LOOKBACK_DAYS)
    out = []
    reviews = {}
    for rid, state, sent in (Review.select(Review.round, Review.state, Review.sent_date)
                             .where(Review.round.is_null(False)).tuples()):
        reviews.setdefault(rid, []).append((state, sent))
    rounds = (Round.select(Round, Movement.id, Movement.name).join(Movement)
              .where(Round.review_date.is_null(False), Round.review_date >= since))
    for rnd in rounds:
        made = reviews.get(rnd.id, [])
        state = _state(rnd.review_date, any(s == "sent" for s, _ in made), on, horizon)
        detail = ""
        if made:
            detail = ("Đã gửi báo cáo" if any(s == "sent" for s, _ in made)
                      else "Đã lập báo cáo, chưa gửi")
        elif state == OVERDUE:
            detail = "Chưa lập báo cáo sơ kết/tổng kết"
        label = rnd.review_name or f"Sơ kết/tổng kết {rnd.name}"
        out.append(Reminder(rnd.review_date, REVIEW, f"{label} ({rnd.name})",
                            rnd.movement.name, rnd.movement_id, state, detail,
                            filters={"round": rnd.id}))
    sent = {}
    for mid, end, day in (Review.select(Review.movement, Review.period_end, Review.sent_date)
                          .where(Review.state == "sent").tuples()):
        sent.setdefault(mid, []).append((end, day))
    query = (PlanDeadline.select(PlanDeadline, Movement.id, Movement.name)
             .join(Movement).where(PlanDeadline.due >= since))
    for row in query:
        done = row.done_on is not None
        detail = f"Xong ngày {vntext.format_date(row.done_on)}" if done else ""
        if not done and row.kind == "report":
            for end, day in sent.get(row.movement_id, []):
                if abs((row.due - end).days) <= REPORT_WINDOW_DAYS:
                    done, detail = True, f"Đã gửi báo cáo ngày {vntext.format_date(day)}"
        if not done and row.kind == "registration":
            missing = _unregistered(row.movement_id, row.due.year)
            if missing == 0:
                done, detail = True, "Mọi đơn vị đã đăng ký"
            else:
                detail = f"{vntext.format_int(missing)} đơn vị chưa đăng ký"
        state = _state(row.due, done, on, horizon)
        out.append(Reminder(row.due, row.kind, row.label, row.movement.name, row.movement_id,
                            state, detail, deadline_id=row.id))
    keep = {OVERDUE, SOON} | ({DONE} if include_done else set()) | (
        {LATER} if include_later else set())
    order = {OVERDUE: 0, SOON: 1, LATER: 2, DONE: 3}
    out = [r for r in out if r.state in keep]
    out.sort(key=lambda r: (order[r.state], r.due, r.label))
    return out


def deadline_rows(*, movement=None):
    """The movement's own deadlines (for the editing table)."""
    query = PlanDeadline.select().order_by(PlanDeadline.due)
    if movement is not None:
        query = query.where(PlanDeadline.movement == movement)
    return [{"id": d.id, "kind": d.kind, "kind_label": KINDS[d.kind], "label": d.label,
             "due": d.due, "done_on": d.done_on, "movement_id": d.movement_id}
            for d in query]


def counts(*, on=None):
    """{state: n} of the reminders (overdue, soon) for a badge."""
    result = {OVERDUE: 0, SOON: 0}
    for r in reminders(on=on):
        result[r.state] += 1
    return result

