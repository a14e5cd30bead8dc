"""Sudden awards (khen thưởng đột xuất) and themed awards (theo chuyên đề, at the review of a
themed movement or a round): a draft decision with its occasion and list, in one step.

Both are ordinary decisions afterwards: the clerk edits, issues and prints them like any other,
and they enter the register. What makes them sudden or themed is their ``AwardOccasion`` row
(``models/award_method.decision_method`` reads it).
"""
import datetime

from . import decisions, vntext
from .entities import AwardOccasion, Decision, Movement, Round
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, service, snapshot

SUDDEN, THEMED = "sudden", "themed"


def _day(value, label, field):
    if value is None or value == "":
        raise ValidationError(f"Hãy nhập {label}.", field=field)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return vntext.parse_date(value, field=field)


def _recipients(recipients, required=True):
    """[(subject, title, achievement or None)] from pairs or triples; at least one."""
    out = []
    for item in recipients or ():
        subject, title, *rest = item
        out.append((subject, title, rest[0] if rest else None))
    if required and not out:
        raise ValidationError("Hãy chọn ít nhất một tập thể hoặc cá nhân được khen thưởng.",
                              field="recipients")
    return out


def sudden_achievement(description, place, event_date):
    """'Đã có thành tích đột xuất: cứu người đuối nước tại bến đò Cồn, ngày 03/08/2026'."""
    text = vntext.clean_text(description).rstrip(".")
    if text:
        text = text[0].lower() + text[1:] if not text[:2].isupper() else text
    where = f" tại {place}" if place else ""
    return f"Đã có thành tích đột xuất: {text}{where}, ngày {vntext.format_date(event_date)}"


@service("clerk")
def create_sudden_award(*, actor, event_date, description, recipients, place="", date=None,
                        number=None, about=None, achievement=None, today=None):
    """A draft decision commending an act or result of ``event_date`` (not in the future),
    outside any movement, with ``recipients`` [(subject, title[, achievement])]. The
    decision's date defaults to today and may not precede the act. Returns the decision."""
    today = today or datetime.date.today()
    event_date = _day(event_date, "ngày xảy ra sự việc", "event_date")
    if event_date > today:
        raise ValidationError(
            f"Ngày xảy ra sự việc ({vntext.format_date(event_date)}) chưa tới: khen thưởng "
            "đột xuất chỉ cho việc đã xảy ra. Hãy sửa ngày.", field="event_date")
    description = vntext.clean_text(description)
    if not description:
        raise ValidationError("Hãy mô tả sự việc, thành tích được khen thưởng.",
                              field="description")
    if len(description) > 2000:
        raise ValidationError("Mô tả sự việc dài quá 2.000 ký tự; hãy viết ngắn lại.",
                              field="description")
    place = vntext.validate_name(place or "", label="Địa điểm", max_len=300, required=False,
                                 field="place")
    date = _day(date, "ngày quyết định", "date") if date else today
    if date < event_date:
        raise ValidationError("Ngày quyết định không được trước ngày xảy ra sự việc.",
                              field="date")
    people = _recipients(recipients)
    decision = decisions.create_draft(
        actor=actor, date=date, number=number, movement=None, period_year=event_date.year,
        about=vntext.clean_text(about) or "Về việc khen thưởng đột xuất")
    occasion = AwardOccasion.create(decision=decision, method=SUDDEN, event_date=event_date,
                                    place=place, description=description)
    audit(actor, "record_sudden_award", occasion, new=snapshot(occasion))
    line = vntext.clean_text(achievement) or sudden_achievement(description, place, event_date)
    for subject, title, own in people:
        decisions.add_recipient(actor=actor, decision=decision, subject=subject, title=title,
                                achievement=vntext.clean_text(own) or line)
    return Decision.get_by_id(decision.id)


def _themed_about(movement, rnd):
    name = decisions.movement_phrase(movement, movement.year_from)
    if not vntext.fold(name).startswith("phong trao"):
        name = f"phong trào {name}"
    if rnd is not None and rnd.review_name:
        return f"Về việc khen thưởng {rnd.review_name[0].lower()}{rnd.review_name[1:]} {name}"
    if rnd is not None:
        return f"Về việc khen thưởng {rnd.name[0].lower()}{rnd.name[1:]} {name}"
    return f"Về việc khen thưởng tổng kết {name}"


@service("clerk")
def create_themed_award(*, actor, movement=None, round=None, date=None, number=None,
                        recipients=(), about=None, meeting=None, today=None):
    """A draft decision at the close of a themed movement or of a round (its sơ kết /
    tổng kết), with its own list: ``recipients`` [(subject, title[, achievement])], and/or
    later the candidates that passed ``meeting``'s vote (the decision editor adds them).
    Refused before the round or movement has started. Returns the decision."""
    if round is not None:
        movement = round.movement
    if movement is None:
        raise ValidationError("Hãy chọn phong trào chuyên đề hoặc đợt thi đua.", field="movement")
    if round is None and movement.kind != "themed":
        raise ValidationError(
            f"'{movement.name}' là phong trào thường xuyên: khen thưởng chuyên đề là của một "
            "phong trào chuyên đề, hoặc của một đợt thi đua (chọn đợt).", field="movement")
    today = today or datetime.date.today()
    if date is None:
        date = (round.review_date if round is not None and round.review_date else today)
    date = _day(date, "ngày quyết định", "date")
    start = round.start if round is not None else datetime.date(movement.year_from, 1, 1)
    if date < start:
        what = f"đợt '{round.name}'" if round is not None else f"phong trào '{movement.name}'"
        raise ValidationError(f"Ngày quyết định trước ngày bắt đầu {what} "
                              f"({vntext.format_date(start)}).", field="date")
    period = (round.end.year if round is not None
              else min(max(date.year, movement.year_from), movement.year_to))
    decision = decisions.create_draft(
        actor=actor, date=date, number=number, movement=movement, meeting=meeting,
        period_year=period, about=vntext.clean_text(about) or _themed_about(movement, round))
    occasion = AwardOccasion.create(decision=decision, method=THEMED, round=round,
                                    event_date=round.review_date if round is not None else None,
                                    description=round.review_name if round is not None else "")
    audit(actor, "record_themed_award", occasion, new=snapshot(occasion))
    for subject, title, own in _recipients(recipients, required=False):
        decisions.add_recipient(actor=actor, decision=decision, subject=subject, title=title,
                                achievement=vntext.clean_text(own) if own else None)
    return Decision.get_by_id(decision.id)


@service("clerk")
def update_sudden_occasion(*, actor, decision, event_date=None, place=None, description=None,
                           today=None):
    """Correct the day, place or account of a sudden award while its decision is a draft."""
    occasion = occasion_of(decision)
    if occasion is None or occasion.method != SUDDEN:
        raise NotFound("Quyết định này không phải khen thưởng đột xuất.")
    if Decision.get_by_id(decision.id).state != "draft":
        raise ConflictError("Quyết định đã ban hành: sự việc được khen không sửa được nữa.")
    old = snapshot(occasion)
    if event_date is not None:
        day = _day(event_date, "ngày xảy ra sự việc", "event_date")
        if day > (today or datetime.date.today()):
            raise ValidationError("Ngày xảy ra sự việc chưa tới; hãy sửa ngày.",
                                  field="event_date")
        occasion.event_date = day
    if place is not None:
        occasion.place = vntext.validate_name(place, label="Địa điểm", max_len=300,
                                              required=False, field="place")
    if description is not None:
        occasion.description = vntext.clean_text(description)
        if not occasion.description:
            raise ValidationError("Hãy mô tả sự việc được khen thưởng.", field="description")
    occasion.save()
    audit(actor, "update_sudden_award", occasion, old=old, new=snapshot(occasion))
    return occasion


# --------------------------------------------------------------------------- look-ups

def occasion_of(decision):
    """The AwardOccasion of a decision, or None for a regular one."""
    ident = decision if isinstance(decision, int) else decision.id
    return AwardOccasion.get_or_none(AwardOccasion.decision == ident)


def themed_movements(year=None):
    """Themed movements (of ``year``) for choosers."""
    query = Movement.select().where(Movement.kind == "themed")
    if year is not None:
        query = query.where(Movement.year_from <= year, Movement.year_to >= year)
    return list(query.order_by(Movement.year_from.desc(), Movement.name))


def rounds_of(year=None):
    """Rounds (of movements running in ``year``), newest first."""
    query = Round.select(Round, Movement).join(Movement)
    if year is not None:
        query = query.where(Movement.year_from <= year, Movement.year_to >= year)
    return list(query.order_by(Round.end.desc(), Round.name))


def occasion_rows(*, year=None, method=None):
    """Rows for lists: decision id, number, date, state, method, event date, place,
    description, round name."""
    query = (AwardOccasion.select(AwardOccasion, Decision).join(Decision)
             .order_by(Decision.date.desc(), Decision.id.desc()))
    if year is not None:
        query = query.where(Decision.year == year)
    if method is not None:
        query = query.where(AwardOccasion.method == method)
    out = []
    for occ in query:
        d = occ.decision
        out.append({"decision_id": d.id, "number": d.number, "date": d.date, "state": d.state,
                    "method": occ.method, "event_date": occ.event_date, "place": occ.place,
                    "description": occ.description,
                    "round": occ.round.name if occ.round_id else "", "about": d.about,
                    "count": d.awards.count(), "total": d.total})
    return out
