"""Periodic reviews of a movement: báo cáo sơ kết 6 tháng, tổng kết năm, tổng kết giai đoạn.

A review is stored with the clerk's own text (assessment, shortcomings, lessons, next tasks),
its number and date, and its status (drafted → sent, with the date and the recipient). The
figures come from the records each time the review is shown or exported
(``models/review_figures.py``); when the report is sent they are frozen in ``snapshot`` so a
sent report prints again exactly as it left.

Periods: a six-month review (so_ket) covers its round; a year-end summary (tong_ket) covers
the year of its round (or a year of a multi-year movement); a whole-period summary
(giai_doan) covers the movement's years. A review of a period that has not started is
refused.
"""
import datetime
import json

from . import review_figures, versioning, vntext
from .entities import Review, Round, now
from .errors import ConflictError, NotFound, ValidationError
from .movements import period_text
from .service import audit, diff, service, snapshot

SO_KET, TONG_KET, GIAI_DOAN = "so_ket", "tong_ket", "giai_doan"
KINDS = {SO_KET: "Sơ kết 6 tháng", TONG_KET: "Tổng kết năm", GIAI_DOAN: "Tổng kết giai đoạn"}
# spelled the way the command line accepts them
KIND_ARGS = {"so-ket": SO_KET, "tong-ket": TONG_KET, "giai-doan": GIAI_DOAN}
DRAFTED, SENT = "drafted", "sent"
STATES = {DRAFTED: "Đã lập (chưa gửi)", SENT: "Đã gửi"}
TEXT_FIELDS = {"assessment": "Đánh giá chung", "shortcomings": "Tồn tại, hạn chế",
               "lessons": "Bài học kinh nghiệm", "next_tasks": "Phương hướng, nhiệm vụ"}
TEXT_MAX = 20000


def today():
    return datetime.date.today()


def get_review(review_id):
    found = Review.get_or_none(Review.id == review_id)
    if found is None:
        raise NotFound(f"Không có báo cáo số {review_id}.")
    return found


def get_round(round_id):
    found = Round.get_or_none(Round.id == round_id)
    if found is None:
        raise NotFound(f"Không có đợt thi đua số {round_id}.")
    return found


def period(*, movement, kind, round=None, year=None, on=None):
    """(start, end, year) of a review; ValidationError when it makes no sense or has not
    started on ``on`` (today)."""
    on = on or today()
    if kind not in KINDS:
        raise ValidationError("Loại báo cáo phải là sơ kết 6 tháng, tổng kết năm hoặc tổng "
                              "kết giai đoạn.", field="kind")
    first = datetime.date(movement.year_from, 1, 1)
    last = datetime.date(movement.year_to, 12, 31)
    if round is not None and round.movement_id != movement.id:
        raise ValidationError(f"Đợt '{round.name}' không thuộc phong trào '{movement.name}'.",
                              field="round")
    if kind == SO_KET:
        if round is None:
            raise ValidationError("Báo cáo sơ kết cần chọn đợt thi đua.", field="round")
        start, end, year = round.start, round.end, round.end.year
    elif kind == TONG_KET:
        if round is not None:
            year = round.end.year
            start = max(first, datetime.date(year, 1, 1))
            end = round.end
        else:
            if year is None:
                if movement.year_from != movement.year_to:
                    raise ValidationError(
                        f"Phong trào '{movement.name}' kéo dài {period_text(movement)}: hãy "
                        "chọn năm của báo cáo tổng kết (hoặc báo cáo tổng kết giai đoạn).",
                        field="year")
                year = movement.year_from
            year = int(year)
            if not movement.year_from <= year <= movement.year_to:
                raise ValidationError(f"Năm {year} nằm ngoài thời gian của phong trào "
                                      f"'{movement.name}' ({period_text(movement)}).",
                                      field="year")
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    else:
        if round is not None:
            raise ValidationError("Báo cáo tổng kết giai đoạn là của cả phong trào, không "
                                  "theo đợt.", field="round")
        start, end, year = first, last, None
    begins = round.start if round is not None else start
    if begins > on:
        what = f"đợt '{round.name}'" if round is not None else "kỳ báo cáo"
        raise ValidationError(
            f"Chưa lập được báo cáo: {what} của phong trào '{movement.name}' bắt đầu ngày "
            f"{vntext.format_date(begins)}, chưa diễn ra (hôm nay {vntext.format_date(on)}).",
            field="round" if round is not None else "year")
    return start, end, year


def title_of(review):
    """'Sơ kết 6 tháng đầu năm 2026 Phong trào …' — the subject line of the report."""
    movement = review.movement
    if review.kind == SO_KET:
        rnd = review.round
        half = ("6 tháng đầu năm" if rnd.start.month <= 1 and rnd.end.month <= 6
                else "6 tháng cuối năm" if rnd.start.month >= 7 else f"{rnd.name}")
        return f"Sơ kết {half} {rnd.end.year} {movement.name}"
    if review.kind == TONG_KET:
        return f"Tổng kết năm {review.year} {movement.name}"
    return f"Tổng kết {period_text(movement)} {movement.name}"


def _find(movement, kind, round, year):
    """The stored review of the same period: a sơ kết by its round, a tổng kết by its year
    (with or without a round), the whole-period summary by its movement."""
    query = Review.select().where(Review.movement == movement, Review.kind == kind)
    if kind == SO_KET:
        query = query.where(Review.round == round)
    elif kind == TONG_KET:
        query = query.where(Review.year == year)
    return query.first()


def _clean_texts(values):
    out = {}
    for key, label in TEXT_FIELDS.items():
        if key in values:
            text = _multiline(values[key])
            if len(text) > TEXT_MAX:
                raise ValidationError(f"{label} dài quá {vntext.format_int(TEXT_MAX)} ký tự.",
                                      field=key)
            out[key] = text
    if "number" in values:
        out["number"] = vntext.validate_name(values["number"] or "", label="Số báo cáo",
                                             max_len=60, required=False, field="number")
    if "report_date" in values:
        day = values["report_date"]
        if isinstance(day, str) and day.strip():
            day = vntext.parse_date(day, field="report_date")
        out["report_date"] = day or None
    return out


def _multiline(text):
    """NFC text with its line breaks kept (each line cleaned, blank runs collapsed)."""
    lines = [vntext.clean_text(line) for line in str(text or "").replace("\r\n", "\n")
             .replace("\r", "\n").split("\n")]
    out, blank = [], False
    for line in lines:
        if not line:
            if out and not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    return "\n".join(out).strip()


@service("clerk")
def create_review(*, actor, movement, kind, round=None, year=None, number="",
                  report_date=None, on=None, **texts):
    """A new review (drafted) for the period; refused when the period has not started or
    the same review exists already."""
    start, end, year = period(movement=movement, kind=kind, round=round, year=year, on=on)
    if _find(movement, kind, round, year) is not None:
        raise ConflictError(f"Đã có báo cáo {KINDS[kind].lower()} này; hãy mở để sửa.")
    values = _clean_texts(dict(texts, number=number, report_date=report_date))
    review = Review.create(movement=movement, round=round, kind=kind, year=year,
                           period_start=start, period_end=end, **values)
    audit(actor, "create_review", review, new=snapshot(review, ["movement", "round", "kind",
                                                                 "year", "period_start",
                                                                 "period_end", "number"]))
    return review


def find_or_none(*, movement, kind, round=None, year=None):
    """The stored review of that period, or None (nothing is checked or created here)."""
    if kind == SO_KET and round is None:
        return None
    if kind == TONG_KET:
        if round is not None:
            year = round.end.year
        elif year is None and movement.year_from == movement.year_to:
            year = movement.year_from
    return _find(movement, kind, round, year)


@service("clerk")
def update_review(*, actor, review, reason=None, **changes):
    """Edit the clerk's text, number or date of a review not sent yet; saved only over the
    version ``review`` was read with (StaleRecord names who changed what meanwhile)."""
    caller, review = review, versioning.fresh_copy(review)
    if review.state == SENT:
        raise ConflictError("Báo cáo đã gửi, không sửa được; lãnh đạo có thể mở lại để sửa.")
    old = snapshot(review)
    for key, value in _clean_texts(changes).items():
        setattr(review, key, value)
    review.updated_at = now()
    review.save()
    before, after = diff(old, snapshot(review))
    after.pop("updated_at", None)
    before.pop("updated_at", None)
    if after:
        audit(actor, "update_review", review, old=before, new=after, reason=reason)
    versioning.follow(caller, review)
    return review


@service("clerk")
def mark_sent(*, actor, review, sent_date, sent_to=""):
    """The report left for the upper level: its figures are frozen with it."""
    caller, review = review, versioning.fresh_copy(review)
    if review.state == SENT:
        raise ConflictError(f"Báo cáo đã gửi ngày {vntext.format_date(review.sent_date)}.")
    if isinstance(sent_date, str):
        sent_date = vntext.parse_date(sent_date, field="sent_date")
    if sent_date is None:
        raise ValidationError("Hãy nhập ngày gửi báo cáo.", field="sent_date")
    if sent_date < review.period_start:
        raise ValidationError(f"Ngày gửi {vntext.format_date(sent_date)} trước khi kỳ báo cáo "
                              f"bắt đầu ({vntext.format_date(review.period_start)}).",
                              field="sent_date")
    if sent_date > today():
        raise ValidationError("Ngày gửi không thể là ngày trong tương lai.", field="sent_date")
    old = snapshot(review, ["state", "sent_date", "sent_to"])
    review.snapshot = json.dumps(figures_of(review), ensure_ascii=False)
    review.state, review.sent_date = SENT, sent_date
    review.sent_to = vntext.validate_name(sent_to or "", label="Nơi nhận", max_len=300,
                                          required=False, field="sent_to")
    if review.report_date is None:
        review.report_date = sent_date
    review.save()
    audit(actor, "send_review", review, old=old,
          new=snapshot(review, ["state", "sent_date", "sent_to"]))
    versioning.follow(caller, review)
    return review


@service("leader")
def reopen_review(*, actor, review, reason):
    """A sent report opened again for correction (the figures are recomputed)."""
    reason = vntext.clean_text(reason or "")
    if not reason:
        raise ValidationError("Hãy ghi lý do mở lại báo cáo đã gửi.", field="reason")
    if review.state != SENT:
        raise ConflictError("Báo cáo chưa gửi, vẫn sửa được.")
    old = snapshot(review, ["state", "sent_date", "sent_to"])
    review.state, review.sent_date, review.snapshot = DRAFTED, None, ""
    review.save()
    audit(actor, "reopen_review", review, old=old, new={"state": DRAFTED}, reason=reason)
    return review


@service("clerk")
def delete_review(*, actor, review):
    if review.state == SENT:
        raise ConflictError("Báo cáo đã gửi, không xóa được.")
    old = snapshot(review)
    review.delete_instance()
    audit(actor, "delete_review", "review", entity_id=old["id"], old=old)


def figures_of(review):
    """The review's figures: frozen ones for a sent report, else computed now."""
    if review.state == SENT and review.snapshot:
        return json.loads(review.snapshot)
    return review_figures.figures(review.movement, review.period_start, review.period_end,
                                  review.year if review.kind != GIAI_DOAN else None)


def review_rows(*, movement=None, year=None):
    """Rows for the reviews list."""
    from .entities import Movement
    query = (Review.select(Review, Movement.id, Movement.name).join(Movement)
             .order_by(Review.period_end.desc(), Review.id.desc()))
    if movement is not None:
        query = query.where(Review.movement == movement)
    if year is not None:
        query = query.where((Review.period_start <= datetime.date(year, 12, 31))
                            & (Review.period_end >= datetime.date(year, 1, 1)))
    return [{"id": r.id, "kind": r.kind, "kind_label": KINDS[r.kind], "title": title_of(r),
             "movement": r.movement.name, "movement_id": r.movement_id,
             "round": r.round.name if r.round_id else "", "year": r.year,
             "period": f"{vntext.format_date(r.period_start)}–{vntext.format_date(r.period_end)}",
             "number": r.number, "state": r.state, "state_label": STATES[r.state],
             "sent_date": r.sent_date, "sent_to": r.sent_to} for r in query]


def review_options(movement, *, on=None):
    """[(kind, round, year, label)] the reviews this movement can have today (for choosers):
    a sơ kết and a tổng kết per started round; per-year and whole-period summaries for a
    multi-year movement."""
    on = on or today()
    out = []
    for rnd in movement.rounds.order_by(Round.start):
        if rnd.start > on:
            continue
        if rnd.end.month <= 6 or rnd.start.month < 7 and rnd.end.month < 12:
            out.append((SO_KET, rnd, rnd.end.year, f"Sơ kết — {rnd.name} ({rnd.end.year})"))
        else:
            out.append((TONG_KET, rnd, rnd.end.year, f"Tổng kết năm — {rnd.name} "
                                                     f"({rnd.end.year})"))
    if movement.year_from != movement.year_to:
        for year in range(movement.year_from, movement.year_to + 1):
            if datetime.date(year, 1, 1) <= on:
                out.append((TONG_KET, None, year, f"Tổng kết năm {year}"))
        out.append((GIAI_DOAN, None, None, f"Tổng kết {period_text(movement)}"))
    elif not out and datetime.date(movement.year_from, 1, 1) <= on:
        out.append((TONG_KET, None, movement.year_from, f"Tổng kết năm {movement.year_from}"))
    return out
