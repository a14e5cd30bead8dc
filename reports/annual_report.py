"""The annual report workbook (báo cáo tổng kết công tác thi đua, khen thưởng năm)."""
import datetime

from models import award_method, settings, statistics
from models.entities import SUBJECT_KINDS

from .xlsxdoc import Column, SheetSpec, write_workbook

HEADING = "BÁO CÁO TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM {year}"
METHOD_LABELS = {award_method.REGULAR: "Khen thưởng thường xuyên",
                 award_method.THEMED: "Khen thưởng theo chuyên đề, theo đợt",
                 award_method.SUDDEN: "Khen thưởng đột xuất"}
NOTE = ("Số liệu tính theo các quyết định khen thưởng đang có hiệu lực (không tính quyết định "
        "đã được điều chỉnh hoặc đã bị thu hồi), theo năm của thành tích được khen.")


def _summary_sheet(s):
    cur, prev = s.current, s.previous
    rows = []

    def add(label, a, b):
        rows.append([label, a, b, a - b])

    add("Số quyết định khen thưởng", cur.decisions, prev.decisions)
    add("Tổng số lượt khen thưởng", cur.awards, prev.awards)
    for kind in statistics.KIND_ORDER:
        add(f"   – {SUBJECT_KINDS[kind]}", cur.by_kind[kind], prev.by_kind[kind])
    for method in award_method.METHODS:
        add(f"   – {METHOD_LABELS[method]}", cur.by_method[method], prev.by_method[method])
    add("Số lượt được nhận tiền thưởng", cur.paid_awards, prev.paid_awards)
    add("Tổng tiền thưởng (đồng)", cur.amount, prev.amount)
    for kind in statistics.KIND_ORDER:
        add(f"   – {SUBJECT_KINDS[kind]} (đồng)", cur.amount_by_kind[kind],
            prev.amount_by_kind[kind])
    for method in award_method.METHODS:
        add(f"   – {METHOD_LABELS[method]} (đồng)", cur.amount_by_method[method],
            prev.amount_by_method[method])
    add("Số đăng ký thi đua", cur.registrations, prev.registrations)
    for kind in statistics.KIND_ORDER:
        add(f"   – {SUBJECT_KINDS[kind]}", cur.registrations_by_kind[kind],
            prev.registrations_by_kind[kind])
    return SheetSpec(
        title="Tổng hợp", heading=HEADING.format(year=s.year),
        subtitle=f"So sánh với năm {s.year - 1}",
        columns=[Column("Nội dung", 48), Column(f"Năm {s.year}", 18, "money"),
                 Column(f"Năm {s.year - 1}", 18, "money"), Column("Tăng (+) / giảm (−)", 20,
                                                                  "money")],
        rows=rows, footer=[NOTE])


def _titles_sheet(s):
    rows = []
    for i, t in enumerate(s.titles, start=1):
        rate = (t.awarded * 100 / t.registered) if t.registered else None
        rows.append([i, t.name, statistics.TITLE_KIND_NAMES.get(t.kind, t.kind),
                     SUBJECT_KINDS.get(t.subject_kind, t.subject_kind), t.registered,
                     t.awarded, None if rate is None else round(rate, 2), t.awarded_before,
                     t.awarded - t.awarded_before, t.amount])
    total = [None, "Tổng cộng", None, None, sum(t.registered for t in s.titles),
             sum(t.awarded for t in s.titles), None, sum(t.awarded_before for t in s.titles),
             sum(t.awarded - t.awarded_before for t in s.titles), sum(t.amount for t in s.titles)]
    rows.append(total)
    return SheetSpec(
        title="Theo danh hiệu", heading=f"KẾT QUẢ THEO DANH HIỆU, HÌNH THỨC KHEN THƯỞNG "
        f"NĂM {s.year}", subtitle=f"Số đăng ký, số đạt và so sánh với năm {s.year - 1}",
        columns=[Column("STT", 6, "stt"), Column("Danh hiệu, hình thức", 40, wrap=True),
                 Column("Loại", 16, wrap=True), Column("Đối tượng", 13),
                 Column("Số đăng ký", 11, "int"), Column(f"Số đạt {s.year}", 11, "int"),
                 Column("Tỷ lệ đạt (%)", 11, "percent"),
                 Column(f"Số đạt {s.year - 1}", 11, "int"), Column("Tăng/giảm", 11, "int"),
                 Column("Tiền thưởng (đồng)", 18, "money")],
        rows=rows)


def _units_sheet(s):
    rows = []
    for i, u in enumerate(s.units, start=1):
        rows.append([i, u.name, u.counts["person"], u.counts["unit"], u.counts["household"],
                     u.total, u.amount])
    rows.append([None, "Tổng cộng", sum(u.counts["person"] for u in s.units),
                 sum(u.counts["unit"] for u in s.units),
                 sum(u.counts["household"] for u in s.units), sum(u.total for u in s.units),
                 sum(u.amount for u in s.units)])
    return SheetSpec(
        title="Theo đơn vị", heading=f"KẾT QUẢ KHEN THƯỞNG THEO ĐƠN VỊ NĂM {s.year}",
        subtitle="Cá nhân tính theo đơn vị công tác, hộ gia đình theo thôn, tổ dân phố",
        columns=[Column("STT", 6, "stt"), Column("Đơn vị", 42, wrap=True),
                 Column("Cá nhân", 11, "int"), Column("Tập thể", 11, "int"),
                 Column("Hộ gia đình", 12, "int"), Column("Tổng số", 11, "int"),
                 Column("Tiền thưởng (đồng)", 18, "money")],
        rows=rows)


def _decisions_sheet(s):
    rows = [[i, d["number"], d["date"], d["about"], d["count"], d["total"],
             award_method.METHOD_NAMES[d["method"]]]
            for i, d in enumerate(s.decisions, start=1)]
    rows.append([None, "Tổng cộng", None, None, sum(d["count"] for d in s.decisions),
                 sum(d["total"] for d in s.decisions), None])
    return SheetSpec(
        title="Theo quyết định", heading=f"CÁC QUYẾT ĐỊNH KHEN THƯỞNG NĂM {s.year}",
        columns=[Column("STT", 6, "stt"), Column("Số quyết định", 16),
                 Column("Ngày", 12, "date"), Column("Trích yếu", 60, wrap=True),
                 Column("Số lượt", 10, "int"), Column("Tổng tiền (đồng)", 18, "money"),
                 Column("Khen thưởng", 14)],
        rows=rows)


def write_annual_report(path, *, year=None, progress=None):
    """Write the annual report for ``year`` (default: the newest year with data) to ``path``."""
    if year is None:
        year = statistics.latest_year() or datetime.date.today().year
    summary = statistics.annual_summary(int(year))
    sheets = [_summary_sheet(summary), _titles_sheet(summary), _units_sheet(summary),
              _decisions_sheet(summary)]
    return write_workbook(path, sheets, commune=settings.commune(), progress=progress)
