"""Demo step: exemplary models in every stage, the reviews of every demo movement (sơ kết and
tổng kết, sent for past periods, the last one drafted), and the deadlines of each plan."""
import datetime

from . import deadlines, exemplary as ex, reviews
from .entities import Household, Person, Round

# (name, kind, field, stages reached in a past year) — the originator is picked per kind
MODELS = [
    ("Mô hình \"Dân vận khéo\" trong vận động hiến đất làm đường", "practice",
     "Xây dựng chính quyền", 4),
    ("Tổ tự quản an ninh trật tự", "practice", "Quốc phòng - an ninh", 3),
    ("Mô hình \"Con đường hoa, thắp sáng đường quê\"", "practice", "Môi trường", 4),
    ("Gương người tốt, việc tốt trong hiến máu tình nguyện", "person", "Văn hóa - xã hội", 2),
    ("Hộ sản xuất, kinh doanh giỏi", "household", "Kinh tế", 1),
    ("Tập thể dẫn đầu phong trào chuyển đổi số", "unit", "Xây dựng chính quyền", 4),
]
STAGE_DAYS = [(2, 15), (4, 10), (6, 25)]        # discovered, nurtured, summarised
REPLICATION_DAYS = [(8, 15), (9, 20)]
TEXTS = {
    ex.DISCOVERED: ("Ban Thường trực Ủy ban MTTQ xã", "Biên bản kiểm tra thực tế tại cơ sở"),
    ex.NURTURED: ("Hội Nông dân xã", "Tập huấn, hỗ trợ kinh phí và tài liệu tuyên truyền"),
    ex.SUMMARISED: ("UBND xã", "Hội nghị tổng kết mô hình: hiệu quả rõ, cách làm dễ áp dụng"),
}
SHORTCOMINGS = ("Một số đơn vị đăng ký thi đua còn chậm, nội dung đăng ký chưa sát thực tế.\n"
                "Việc phát hiện, nhân rộng điển hình tiên tiến ở một số thôn chưa thường xuyên.")
LESSONS = ("Phong trào thi đua phải gắn với nhiệm vụ chính trị, có chỉ tiêu cụ thể.\n"
           "Người đứng đầu quan tâm, kiểm tra, đôn đốc thường xuyên.")
NEXT_TASKS = ("Tiếp tục đẩy mạnh các phong trào thi đua, phấn đấu hoàn thành các chỉ tiêu được "
              "giao.\nKịp thời phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến.")


def _day(year, month_day, today):
    day = datetime.date(year, *month_day)
    return day if day <= today else None


def _originator(ctx, kind, index):
    if kind == "person":
        return Person.get_by_id(ctx.person_ids[(index * 7) % len(ctx.person_ids)])
    if kind == "household":
        return Household.get_by_id(ctx.household_ids[(index * 11) % len(ctx.household_ids)])
    if kind == "unit":
        return ctx.offices[index % len(ctx.offices)]
    return ctx.villages[index % len(ctx.villages)]


def _models(ctx, movement, year, today):
    actor = ctx.actor
    current = year == ctx.this_year
    made = 0
    for index, (name, kind, area, reach) in enumerate(MODELS):
        if current:
            reach = 1 + index % 4          # this year: every stage, not all models finished
        discovered = _day(year, STAGE_DAYS[0], today)
        if discovered is None:
            continue
        originator = _originator(ctx, kind, index + year)
        title = name if kind == "practice" else f"{name}: {_name(originator)}"
        who, what = TEXTS[ex.DISCOVERED]
        model = ex.discover(actor=actor, movement=movement, name=title, kind=kind,
                            originator=originator, area=area, date=discovered, by_whom=who,
                            evidence=what)
        made += 1
        for stage, month_day in zip((ex.NURTURED, ex.SUMMARISED), STAGE_DAYS[1:]):
            day = _day(year, month_day, today)
            if reach < ex.STAGES.index(stage) + 1 or day is None:
                break
            who, what = TEXTS[stage]
            ex.record_stage(actor=actor, model=model, stage=stage, date=day, by_whom=who,
                            content=what)
        else:
            if reach >= 4:
                for n, month_day in enumerate(REPLICATION_DAYS):
                    day = _day(year, month_day, today)
                    if day is None:
                        break
                    unit = ctx.villages[(index + n + 1) % len(ctx.villages)]
                    ex.record_replication(actor=actor, model=model, unit=unit, date=day,
                                          result="Áp dụng hiệu quả, được nhân dân đồng tình")
        day = _day(year, (3, 1), today)
        if day is not None and index % 2 == 0:
            ex.record_publicity(actor=actor, model=model, channel="loudspeaker", date=day,
                                detail="Chuyên mục \"Gương người tốt, việc tốt\" trên loa "
                                       "truyền thanh xã")
        day = _day(year, (7, 10), today)
        if day is not None and reach >= 3:
            ex.record_publicity(actor=actor, model=model, channel="conference", date=day,
                                detail="Hội nghị sơ kết phong trào thi đua 6 tháng đầu năm")
    return made


def _name(subject):
    return getattr(subject, "full_name", None) or getattr(subject, "head_name", None) or \
        subject.name


def _reviews(ctx, movement, year, today):
    actor = ctx.actor
    made = 0
    rounds = list(movement.rounds.order_by(Round.start))
    for rnd, kind in zip(rounds, (reviews.SO_KET, reviews.TONG_KET)):
        if rnd.start > today:
            continue
        report_day = min(rnd.review_date or rnd.end, today)
        review = reviews.create_review(
            actor=actor, movement=movement, kind=kind, round=rnd, on=today,
            number=f"{ctx.rng.randint(20, 180)}/BC-UBND", report_date=report_day,
            assessment="Các phong trào thi đua được triển khai sâu rộng, thiết thực, gắn với "
                       "nhiệm vụ phát triển kinh tế - xã hội của xã.",
            shortcomings=SHORTCOMINGS, lessons=LESSONS, next_tasks=NEXT_TASKS)
        made += 1
        sent = report_day + datetime.timedelta(days=3)
        if rnd.end < today and sent <= today and not (year == ctx.this_year
                                                      and kind == reviews.TONG_KET):
            reviews.mark_sent(actor=actor, review=review, sent_date=sent,
                              sent_to="UBND tỉnh (qua Sở Nội vụ)")
    return made


def _deadlines(ctx, movement, year, today):
    actor = ctx.actor
    rows = [("registration", f"Hạn đăng ký thi đua năm {year}", datetime.date(year, 1, 31)),
            ("report", f"Báo cáo sơ kết 6 tháng năm {year} gửi UBND tỉnh",
             datetime.date(year, 7, 15)),
            ("report", f"Báo cáo tổng kết năm {year} gửi UBND tỉnh",
             datetime.date(year, 12, 15))]
    for kind, label, due in rows:
        row = deadlines.add_deadline(actor=actor, movement=movement, kind=kind, label=label,
                                     due=due)
        if kind == "registration" and year < ctx.this_year:
            deadlines.mark_done(actor=actor, deadline=row, on=datetime.date(year, 1, 30))


def build_exemplary(ctx):
    """Models, reviews and deadlines for every demo movement."""
    today = min(datetime.date.today(), datetime.date(ctx.this_year, 12, 31))
    models = made = 0
    for index, year in enumerate(ctx.years):
        movement = ctx.extra.get("movements", {}).get(year)
        if movement is None:
            continue
        models += _models(ctx, movement, year, today)
        made += _reviews(ctx, movement, year, today)
        _deadlines(ctx, movement, year, today)
        ctx.report("Điển hình tiên tiến, sơ kết, tổng kết", index + 1, len(ctx.years))
    ctx.extra["exemplary"] = {"models": models, "reviews": made}
