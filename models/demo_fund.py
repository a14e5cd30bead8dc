"""Demo step: the reward-fund ledger of the demo years and a blank stock with some use and
spoilage. Runs after the decisions (whose issue already wrote their payments)."""
import datetime

from peewee import fn

from . import blanks, fund, print_log
from . import templates as tpl
from .entities import Decision, FundEntry
from .service import audit

MILLION = 1_000_000
KINDS = {   # blank kind: the built-in templates printed on it
    "Giấy khen của Chủ tịch UBND xã": ("Giấy khen - cá nhân", "Giấy khen - tập thể",
                                       "Giấy khen - hộ gia đình"),
    "Giấy chứng nhận danh hiệu thi đua": ("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở",
                                          "Tập thể lao động tiên tiến",
                                          "Thôn, tổ dân phố văn hóa", "Gia đình văn hóa"),
}
PRINTED = 60            # certificates of the oldest two decisions printed on blanks
PRINTER = "Máy in văn phòng (dữ liệu mẫu)"


def _past(day):
    return min(day, datetime.date.today())


def _round_up(amount, step=5 * MILLION):
    return max(step, -(-amount // step) * step)


def _ledger(ctx):
    actor = ctx.actor
    for year in ctx.years:
        paid = (FundEntry.select(fn.SUM(FundEntry.amount))
                .where(FundEntry.year == year, FundEntry.direction == "payment").scalar() or 0)
        if year == ctx.this_year:     # this year's draft is still to be paid
            paid += (Decision.select(fn.SUM(Decision.total))
                     .where(Decision.year == year, Decision.state == "draft").scalar() or 0)
        fund.add_entry(actor=actor, kind="budget", date=datetime.date(year, 1, 15),
                       amount=_round_up(paid), doc_number="05/QĐ-UBND",
                       doc_date=datetime.date(year, 1, 10),
                       content=f"Ngân sách xã cấp cho quỹ thi đua, khen thưởng năm {year}")
        fund.add_entry(actor=actor, kind="contribution", date=datetime.date(year, 6, 20),
                       amount=3 * MILLION, doc_number=f"PT-{year}-012",
                       content="Công ty TNHH Xây dựng Tân Phát ủng hộ quỹ khen thưởng")
        fund.add_entry(actor=actor, kind="other_out", date=datetime.date(year, 11, 25),
                       amount=1_500_000, doc_number=f"PC-{year}-087",
                       content="Mua khung và phôi giấy khen cho tổng kết năm", over_reason=
                       "Chi trước, chờ ngân sách bổ sung")


def _blanks(ctx):
    actor = ctx.actor
    tpl.list_templates()                          # the built-in templates exist
    names = {t.name for t in tpl.list_templates()}
    for (name, templates), prefix in zip(KINDS.items(), ("GK", "CN")):
        blanks.save_kind(actor=actor, name=name, templates=[t for t in templates if t in names])
        start = 1
        for year in ctx.years:
            count = 400 if ctx.size == "small" else 3000
            blanks.receive(actor=actor, kind=name, date=_past(datetime.date(year, 1, 20)),
                           serial_from=f"{prefix}-{year}-{start:05d}",
                           serial_to=f"{prefix}-{year}-{start + count - 1:05d}",
                           doc_number=f"PN-{year}-03")
    issued = list(Decision.select().where(Decision.state == "issued", Decision.kind == "award")
                  .order_by(Decision.date.desc(), Decision.id.desc()).limit(2))
    for decision, share in zip(issued, (PRINTED * 2 // 3, PRINTED // 3)):
        _print(actor, tpl.certificate_rows(decision.id)[:share])
    first = next(iter(KINDS))
    blanks.spoil(actor=actor, kind=first, quantity=4, stage="stock",
                 reason="Ẩm mốc do dột mái kho lưu trữ",
                 date=_past(datetime.date(ctx.years[-1], 3, 2)))


def _print(actor, rows):
    """Rows of the certificates page sent to the printer on blanks; one sheet in twenty jams,
    the clerk counts them and they are printed again (on another blank)."""
    by_template = {}
    for row in rows:
        by_template.setdefault(row[7], []).append(row[0])
    spoiled = []
    for name, ids in by_template.items():
        logs = print_log.log_prints(actor=actor, awards=ids, template=name, target=PRINTER,
                                    state="sent", job="demo", on_blanks=True)
        came_out = len(logs) - len(logs) // 20
        spoiled += [(name, a) for a in print_log.confirm_sheets(
            actor=actor, log_ids=logs, came_out=came_out)]
    for name, award_id in spoiled:
        logs = print_log.log_prints(actor=actor, awards=[award_id], template=name,
                                    target=PRINTER, state="sent", job="demo", on_blanks=True)
        print_log.confirm_sheets(actor=actor, log_ids=logs, came_out=1)


def build_fund(ctx):
    """Ledger entries for every demo year; two kinds of blanks received, used and spoiled."""
    _ledger(ctx)
    ctx.report("Quỹ thi đua, khen thưởng", 1, 2)
    _blanks(ctx)
    ctx.report("Phôi giấy khen", 2, 2)
    audit(ctx.actor, "demo_fund", "fund_entry", new={"entries": FundEntry.select().count()})
