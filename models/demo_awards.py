"""Demo step (issue 18): sudden and themed awards, initiatives, discipline, a round that takes
its own registrations."""
import datetime
import random

from . import catalogue, decisions, discipline, initiatives, registrations
from . import round_registrations
from . import special_awards as sa
from .entities import Movement, Person, Round

INITIATIVES = [
    ("Ứng dụng mã QR tra cứu thủ tục hành chính tại bộ phận một cửa", "Cải cách hành chính",
     "Rút ngắn thời gian chờ của người dân còn một nửa"),
    ("Mô hình “Tuyến đường tự quản xanh - sạch - đẹp” ở khu dân cư", "Môi trường",
     "Tỷ lệ rác thải được thu gom tăng từ 80 % lên 95 %"),
    ("Sổ tay điện tử theo dõi hộ nghèo, hộ cận nghèo", "Lao động - xã hội",
     "Cập nhật kịp thời biến động, hỗ trợ đúng đối tượng"),
    ("Phương pháp dạy đọc theo nhóm cho học sinh lớp 1", "Giáo dục",
     "100 % học sinh lớp 1 đọc thông thạo cuối năm học"),
    ("Lịch tiêm chủng nhắc qua tin nhắn Zalo của trạm y tế", "Y tế",
     "Tỷ lệ tiêm chủng đầy đủ đạt 98 %"),
]
SUDDEN = [
    ("Dũng cảm cứu hai học sinh bị đuối nước", "bến đò thôn Đông"),
    ("Nhặt được tài sản có giá trị, trả lại cho người đánh rơi", "chợ xã"),
]


def _day(year, month, day, today):
    return min(datetime.date(year, month, day), today)


def build_awards(ctx):
    """Runs before the decisions step, with its own random generator: the other steps draw
    the same numbers as without it."""
    today = datetime.date.today()
    rng = random.Random(ctx.this_year)
    actor = ctx.actor
    people = [Person.get_by_id(i) for i in rng.sample(ctx.person_ids, min(12, len(ctx.person_ids)))]
    if len(people) < 6:
        return
    recent = [y for y in ctx.years[-2:] if datetime.date(y, 1, 1) <= today]
    per_year = 2 if ctx.size == "small" else 12
    made = 0
    for year in recent:
        for i in range(per_year):
            title, area, effect = INITIATIVES[(i + year) % len(INITIATIVES)]
            authors = [people[(i + year) % len(people)]]
            if i % 2:
                authors.append(people[(i + year + 3) % len(people)])
            item = initiatives.create_initiative(
                actor=actor, title=title if i < len(INITIATIVES) else f"{title} ({i + 1})",
                authors=authors, date=_day(year, 2 + i % 3, 1 + i, today), area=area,
                effect=effect, scope="base")
            if year < ctx.this_year or i == 0:
                initiatives.recognise_initiative(
                    actor=actor, initiative=item, council="Hội đồng sáng kiến xã",
                    number=f"{made + 1:02d}/QĐ-HĐSK", date=_day(year, 10, 15, today))
            made += 1
    year = ctx.this_year
    discipline.record_discipline(actor=actor, subject=people[0], form="khien_trach",
                                 number="15/QĐ-UBND", date=_day(year, 3, 12, today),
                                 end_date=_day(year, 3, 12, today) + datetime.timedelta(days=182),
                                 issuer="Chủ tịch UBND xã", reason="Vi phạm quy chế làm việc")
    discipline.record_discipline(actor=actor, subject=people[1], form="canh_cao",
                                 number="41/QĐ-UBND", date=datetime.date(year - 1, 11, 20),
                                 end_date=datetime.date(year, 11, 19),
                                 issuer="Chủ tịch UBND xã", reason="Chậm giải quyết hồ sơ")
    if ctx.offices:
        discipline.record_discipline(actor=actor, subject=ctx.offices[0], form="khien_trach",
                                     number="03/QĐ-UBND", date=datetime.date(year - 1, 4, 2),
                                     end_date=datetime.date(year - 1, 10, 1),
                                     issuer="Ban Thường vụ Đảng ủy xã")
    _sudden(ctx, people, today)
    _themed(ctx, today)
    _round_registrations(ctx)


def _sudden(ctx, people, today):
    gk = catalogue.title_by_code("GK_CN")
    last = ctx.this_year - 1
    (what, where), (what2, where2) = SUDDEN
    d = sa.create_sudden_award(actor=ctx.actor, event_date=datetime.date(last, 9, 12),
                               place=where, description=what, date=datetime.date(last, 9, 20),
                               recipients=[(people[2], gk), (people[3], gk)], today=today)
    decisions.issue_decision(actor=ctx.actor, decision=d)
    event = _day(ctx.this_year, 4, 2, today)
    sa.create_sudden_award(actor=ctx.actor, event_date=event, place=where2, description=what2,
                           date=event, recipients=[(people[4], gk)], today=today)


def _themed(ctx, today):
    last = ctx.this_year - 1
    themed = (Movement.select().where(Movement.kind == "themed", Movement.year_from == last)
              .order_by(Movement.id).first())
    gk_unit = catalogue.title_by_code("GK_TT")
    if themed is not None and ctx.villages:
        d = sa.create_themed_award(actor=ctx.actor, movement=themed,
                                   date=datetime.date(last, 11, 25),
                                   recipients=[(v, gk_unit) for v in ctx.villages[:2]])
        decisions.issue_decision(actor=ctx.actor, decision=d)
    first_round = (Round.select().join(Movement)
                   .where(Movement.kind == "regular", Movement.year_from == ctx.this_year,
                          Round.review_date <= today)
                   .order_by(Round.start).first())
    if first_round is not None and ctx.villages:
        sa.create_themed_award(actor=ctx.actor, round=first_round,
                               recipients=[(ctx.villages[-1], gk_unit)])


def _round_registrations(ctx):
    rnd = (Round.select().join(Movement)
           .where(Movement.kind == "regular", Movement.year_from == ctx.this_year)
           .order_by(Round.start.desc()).first())
    if rnd is None:
        return
    round_registrations.set_own_registrations(actor=ctx.actor, round=rnd, enabled=True)
    for unit in ctx.villages[:3]:
        registrations.register(actor=ctx.actor, movement=rnd.movement, subject=unit, round=rnd,
                               titles=[catalogue.title_by_code("TDPVH")],
                               reg_date=rnd.start)
