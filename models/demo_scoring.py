"""Demo step: criteria tables (thôn/TDP per DOMAIN.md §9; cơ quan/trường on a 1,000 scale)
and score sheets — finalised for past years, in progress for this year."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from .entities import Score, ScoreSheet, Target
from .scoring_calc import BONUS, DEDUCTION, GROUP, PROPORTIONAL, SCORED, YESNO
from .bulk import insert_rows
from .service import audit
from . import scoring


def _n(code, text, mx, method, **kw):
    node = {"code": code, "text": text, "max_points": Decimal(str(mx)), "method": method,
            "direction": kw.pop("direction", "higher"), "repeatable": kw.pop("repeatable", False),
            "target": kw.pop("target", None), "children": kw.pop("children", [])}
    node.update(kw)
    return node


def village_table():
    """The example table of DOMAIN.md §9: 100 points + up to 10 bonus."""
    return [
        _n("I", "Kinh tế phát triển, đời sống ổn định", 25, GROUP, children=[
            _n("I.1", "Thu nhập bình quân đầu người so với chỉ tiêu giao", 10, PROPORTIONAL,
               match="thu nhap"),
            _n("I.2", "Giảm tỷ lệ hộ nghèo theo kế hoạch", 10, PROPORTIONAL, direction="lower",
               match="ho ngheo"),
            _n("I.3", "Có mô hình sản xuất, kinh doanh giỏi", 5, YESNO)]),
        _n("II", "Đời sống văn hóa, tinh thần phong phú", 20, GROUP, children=[
            _n("II.1", "Tỷ lệ hộ đạt \"Gia đình văn hóa\" (chỉ tiêu 85 %)", 10, PROPORTIONAL,
               match="gia dinh van hoa"),
            _n("II.2", "Duy trì hoạt động văn nghệ, thể thao, nhà văn hóa", 10, "manual")]),
        _n("III", "Môi trường xanh, sạch, đẹp", 20, GROUP, children=[
            _n("III.1", "Tỷ lệ rác thải được thu gom (chỉ tiêu 85 %)", 10, PROPORTIONAL,
               match="rac thai"),
            _n("III.2", "Đường làng ngõ xóm sạch, có cây xanh", 10, "manual")]),
        _n("IV", "Chấp hành pháp luật, an ninh trật tự", 20, GROUP, children=[
            _n("IV.1", "Không có tội phạm nghiêm trọng, tệ nạn xã hội", 10, YESNO),
            _n("IV.2", "Hoàn thành giao quân, phòng cháy chữa cháy", 10, "manual")]),
        _n("V", "Đoàn kết, tương trợ", 15, GROUP, children=[
            _n("V.1", "Không có đơn thư vượt cấp, khiếu kiện đông người", 10, YESNO),
            _n("V.2", "Tham gia các cuộc vận động, quỹ \"Vì người nghèo\"", 5, "manual")]),
        _n("T.1", "Điểm thưởng: mô hình mới được huyện/tỉnh nhân rộng", 5, BONUS),
        _n("T.2", "Điểm thưởng: đạt giải cấp tỉnh trở lên", 5, BONUS),
        _n("Đ.1", "Điểm trừ: không đăng ký thi đua / không ký giao ước đúng hạn", 8, DEDUCTION),
        _n("Đ.2", "Điểm trừ: báo cáo trễ hạn (mỗi lần)", 2, DEDUCTION, repeatable=True),
    ]


def office_table():
    """Cơ quan, trường học, đoàn thể: 1,000 points = 950 content + 50 bonus."""
    return [
        _n("I", "Thực hiện nhiệm vụ chính trị, chuyên môn được giao", 400, GROUP, children=[
            _n("I.1", "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm trong năm", 200, "manual"),
            _n("I.2", "Chất lượng, hiệu quả công việc; không để tồn đọng", 100, "manual"),
            _n("I.3", "Tỷ lệ hồ sơ giải quyết đúng hạn (chỉ tiêu 98 %)", 100, PROPORTIONAL,
               match="dung han")]),
        _n("II", "Xây dựng tổ chức Đảng, đoàn thể trong sạch, vững mạnh", 150, GROUP, children=[
            _n("II.1", "Tổ chức Đảng, đoàn thể xếp loại hoàn thành tốt trở lên", 100, "manual"),
            _n("II.2", "Không có đảng viên, đoàn viên bị kỷ luật", 50, YESNO)]),
        _n("III", "Cải cách hành chính, chuyển đổi số", 150, GROUP, children=[
            _n("III.1", "Thực hiện quy chế một cửa, dịch vụ công trực tuyến", 100, "manual"),
            _n("III.2", "Ứng dụng công nghệ thông tin, văn bản điện tử", 50, "manual")]),
        _n("IV", "Công tác thi đua, khen thưởng", 150, GROUP, children=[
            _n("IV.1", "Đăng ký thi đua, ký giao ước đúng hạn", 50, YESNO),
            _n("IV.2", "Tổ chức phong trào, sơ kết, tổng kết, nhân rộng điển hình", 100,
               "manual")]),
        _n("V", "Chấp hành kỷ luật, kỷ cương hành chính", 100, GROUP, children=[
            _n("V.1", "Chấp hành giờ giấc, nội quy cơ quan", 50, YESNO),
            _n("V.2", "Thực hành tiết kiệm, chống lãng phí", 50, "manual")]),
        _n("T.1", "Điểm thưởng: có sáng kiến được công nhận", 30, BONUS),
        _n("T.2", "Điểm thưởng: được Bằng khen cấp tỉnh trở lên", 20, BONUS),
        _n("Đ.1", "Điểm trừ: cán bộ bị kỷ luật từ khiển trách trở lên", 20, DEDUCTION),
        _n("Đ.2", "Điểm trừ: báo cáo trễ hạn (mỗi lần)", 10, DEDUCTION, repeatable=True),
    ]


def office_bands():
    return [{"name": "Xuất sắc", "min_total": 900, "floor_pct": 85},
            {"name": "Tốt", "min_total": 800, "floor_pct": None},
            {"name": "Khá", "min_total": 700, "floor_pct": None},
            {"name": "Trung bình", "min_total": 500, "floor_pct": None},
            {"name": "Yếu", "min_total": 0, "floor_pct": None}]


def _fold(text):
    try:
        from .vntext import fold
        return fold(text)
    except ImportError:
        return text.lower()


def link_targets(nodes, movement, year):
    """Point proportional criteria at the movement's targets whose name matches; drop the
    helper ``match`` keys. Criteria stay unlinked when no such target exists."""
    targets = []
    if movement is not None:
        targets = list(Target.select().where(Target.movement == movement))
        targets.sort(key=lambda t: (t.year != year, t.id))
    for node in nodes:
        word = node.pop("match", None)
        if word and targets:
            found = [t for t in targets if word in _fold(t.name)]
            if found:
                node["target"] = found[0].id
        link_targets(node["children"], movement, year)
    return nodes


def _q(value, step="0.5"):
    step = Decimal(step)
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _points(rng, crit, quality):
    mx = crit.max_points
    if crit.method == YESNO:
        return mx if rng.random() < quality + 0.08 else Decimal(0)
    if crit.method in SCORED:
        share = min(Decimal(1), Decimal(str(round(quality + rng.uniform(-0.08, 0.08), 3))))
        step = "0.5" if mx <= 50 else "5"
        return max(Decimal(0), min(mx, _q(mx * share, step)))
    if crit.method == BONUS:
        return mx if rng.random() < (quality - 0.75) else None
    if crit.method == DEDUCTION:
        if rng.random() < 0.08:
            return -mx * (rng.randint(1, 3) if crit.repeatable else 1)
        return None
    return None


CHECKER = "Lê Thị Hoa"      # the council's standing member who checks the sheets
REASONS = ["Minh chứng chưa đầy đủ", "Chưa đạt chỉ tiêu theo báo cáo của xã",
           "Hồ sơ thiếu biên bản", "Kết quả kiểm tra thực tế thấp hơn"]


def _fill(ctx, cs, units, *, finalised):
    """Sheets with self and checked scores: all finalised, or a mix of states."""
    rng = ctx.rng
    spec = scoring.spec_for(cs)
    rows, states = [], {}
    n = len(units)
    for i, unit in enumerate(units):
        if finalised:
            state = scoring.FINALISED
        else:
            state = [scoring.DRAFT, scoring.SUBMITTED, scoring.CHECKED][i * 3 // max(1, n)]
        checked = state in (scoring.CHECKED, scoring.FINALISED)
        sheet = ScoreSheet.create(criteria_set=cs, unit=unit, state=state,
                                  checker=CHECKER if checked else "",
                                  checked_on=datetime.date(cs.year, 12, 5) if checked else None)
        states[sheet.id] = state
        quality = rng.uniform(0.72, 1.0)
        partial = state == scoring.DRAFT and i % 2 == 0
        for j, crit in enumerate(spec.leaves):
            if partial and j > len(spec.leaves) // 2:
                break
            sp = _points(rng, crit, quality)
            if sp is None:
                continue
            cp, reason = None, ""
            if state in (scoring.CHECKED, scoring.FINALISED):
                cp = sp
                if crit.method in ("manual", PROPORTIONAL) and sp > 0 and rng.random() < 0.12:
                    cp = max(Decimal(0), sp - _q(crit.max_points / 10, "0.5"))
                    reason = rng.choice(REASONS)
            rows.append(dict(sheet=sheet.id, criterion=crit.id, self_points=sp,
                             checked_points=cp, reason=reason,
                             count=abs(int(sp / crit.max_points)) if crit.method == DEDUCTION
                             else 0,
                             evidence="Báo cáo tổng kết năm" if crit.method == "manual" else ""))
    insert_rows(Score, rows)
    scoring.recompute_set(cs, spec)
    return len(units)


def build_scoring(ctx):
    """Two tables per year (villages; offices and schools) and their score sheets."""
    made = 0
    sets = {}
    for k, year in enumerate(ctx.years):
        movement = scoring.movement_of_year(year)
        past = year < ctx.this_year
        for label, kind, tree, total, bonus, bands, units in (
                ("Bảng chấm điểm thi đua thôn, tổ dân phố", "thon", village_table(), 100, 10,
                 None, ctx.villages),
                ("Bảng chấm điểm thi đua cơ quan, trường học, đoàn thể", "co_quan",
                 office_table(), 950, 50, office_bands(), ctx.offices)):
            prev = sets.get((kind, year - 1))
            if prev is not None and not past and k > 0:
                cs = scoring.copy_criteria_set(actor=ctx.actor, source=prev, year=year,
                                               movement=movement, name=f"{label} năm {year}")
            else:
                cs = scoring.create_criteria_set(
                    actor=ctx.actor, name=f"{label} năm {year}", year=year, movement=movement,
                    unit_kind=kind, criteria=link_targets(tree, movement, year),
                    total_max=total, bonus_max=bonus, bands=bands)
            sets[(kind, year)] = cs
            if units:
                made += _fill(ctx, cs, units, finalised=past)
            ctx.report("Chấm điểm", k + 1, len(ctx.years))
    audit(ctx.actor, "demo_scoring", "score_sheet", new={"sheets": made})
    ctx.extra["criteria_sets"] = sets
