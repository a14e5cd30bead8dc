"""Demo step: each year's movement with rounds, themed movements and targets, bloc covenants,
and registrations of units, people and households (every state in the current year)."""
import datetime
from decimal import Decimal

from .entities import Commitment, Registration, Title
from .bulk import insert_rows
from .service import audit
from . import movements as mv
from . import vntext
from . import registrations as rg

# (name, value text, direction) — after the commune-scale targets of seed 003 and DOMAIN §9.
TARGETS = [
    ("Thu nhập bình quân đầu người/năm", "60 triệu đồng", "higher", "Kinh tế"),
    ("Tốc độ tăng trưởng giá trị sản xuất", "khoảng 9,5%", "higher", "Kinh tế"),
    ("Thu ngân sách nhà nước trên địa bàn so với dự toán", "≥ 100%", "higher", "Kinh tế"),
    ("Tỷ lệ hộ nghèo cuối năm", "2,5%", "lower", "Văn hóa - xã hội"),
    ("Giải quyết việc làm trong năm", "160 người", "higher", "Văn hóa - xã hội"),
    ("Tỷ lệ hộ đạt Gia đình văn hóa", "85%", "higher", "Văn hóa - xã hội"),
    ("Tỷ lệ tham gia bảo hiểm y tế", "96%", "higher", "Văn hóa - xã hội"),
    ("Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng", "5,9%", "lower", "Văn hóa - xã hội"),
    ("Tỷ lệ rác thải sinh hoạt được thu gom và xử lý", "85%", "higher", "Môi trường"),
    ("Tỷ lệ hộ dân dùng nước hợp vệ sinh", "98%", "higher", "Môi trường"),
    ("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "98%", "higher",
     "Xây dựng chính quyền"),
    ("Hoàn thành chỉ tiêu giao quân", "100%", "exact", "Quốc phòng - an ninh"),
]
THEMED = [("Toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư",
           "Xây dựng thôn, tổ dân phố văn hóa, gia đình văn hóa"),
          ("Chung sức xây dựng nông thôn mới", "Nâng cao chất lượng các tiêu chí nông thôn mới")]
COVENANT = ("1. Thi đua hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ năm {y} được giao.\n"
            "2. Đăng ký thi đua đúng hạn; 100% đơn vị thành viên ký giao ước.\n"
            "3. Đẩy mạnh phong trào \"Toàn dân đoàn kết xây dựng đời sống văn hóa\".\n"
            "4. Không có đơn thư khiếu nại vượt cấp; giữ vững an ninh trật tự.\n"
            "5. Báo cáo sơ kết 6 tháng, tổng kết năm đúng thời gian quy định.")
RETURN_REASONS = ["Thiếu chữ ký của thủ trưởng đơn vị", "Chỉ tiêu cam kết thấp hơn chỉ tiêu xã",
                  "Đăng ký sai danh hiệu"]


def _movement(ctx, year):
    actor = ctx.actor
    m = mv.add_movement(
        actor=actor, name=f"Phong trào thi đua yêu nước năm {year}", year_from=year,
        theme=f"Đoàn kết, kỷ cương, đổi mới, sáng tạo, hoàn thành thắng lợi nhiệm vụ năm {year}",
        slogan="Thi đua là yêu nước, yêu nước thì phải thi đua",
        doc_number=f"{ctx.rng.randint(3, 15):02d}/KH-UBND", doc_date=datetime.date(year, 1, 6),
        doc_signer=_chairman(),
        description="Phát động thi đua thực hiện thắng lợi các chỉ tiêu kinh tế - xã hội, "
                    "quốc phòng - an ninh của xã.",
        achievement_text=f"Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm {year}")
    mv.add_round(actor=actor, movement=m, name="Đợt 1", start=datetime.date(year, 1, 1),
                 end=datetime.date(year, 6, 30), review_name="Sơ kết 6 tháng đầu năm",
                 review_date=datetime.date(year, 7, 10))
    mv.add_round(actor=actor, movement=m, name="Đợt 2", start=datetime.date(year, 7, 1),
                 end=datetime.date(year, 12, 31), review_name="Tổng kết năm",
                 review_date=datetime.date(year, 12, 20))
    for name, theme in THEMED:
        mv.add_movement(actor=actor, name=f"{name} năm {year}", kind="themed", parent=m,
                        year_from=year, theme=theme, doc_date=datetime.date(year, 2, 1),
                        doc_number=f"{ctx.rng.randint(16, 40)}/KH-UBND")
    rows = [dict(name=n, value=mv.parse_value(v), value_text=v, direction=d, group=g,
                 measure=vntext.parse_number_with_unit(v.lstrip("≥ "))[1], code=str(i))
            for i, (n, v, d, g) in enumerate(TARGETS, 1)]
    targets = mv.add_targets(actor=actor, movement=m, rows=rows)
    if year < ctx.this_year:
        for t in targets:
            factor = Decimal(ctx.rng.randint(90, 112)) / 100
            actual = (t.value * (2 - factor if t.direction == "lower" else factor)).quantize(
                Decimal("0.1"))
            mv.set_actual(actor=actor, target=t, actual=actual)
    return m


def _chairman():
    from . import settings
    return settings.get("chairman") or ""


def _units(ctx, m, year, current):
    rng = ctx.rng
    unit_regs = []
    for unit in ctx.units:
        if current and rng.random() < 0.1:
            continue                                   # not registered yet this year
        titles = ["TDPVH"] if unit.kind.is_village else (
            ["TTLDXS"] if rng.random() < 0.2 else ["TTLDTT"])
        reg = rg.register(actor=ctx.actor, movement=m, subject=unit, year=year, titles=titles,
                          reg_date=datetime.date(year, 1, rng.randint(10, 25)),
                          signer=unit.leader_name)
        unit_regs.append(reg)
    return unit_regs


def _set_state(ctx, ids, state, reason=""):
    if not ids:
        return
    Registration.update(state=state, return_reason=reason).where(
        Registration.id.in_(ids)).execute()
    audit(ctx.actor, "demo_set_state", "registration", new={"state": state, "count": len(ids)})


def _commitment_actuals(ctx, regs):
    """What each unit reached on its commitments (a past year is complete)."""
    rng = ctx.rng
    for c in Commitment.select().where(Commitment.registration.in_([r.id for r in regs])):
        if c.value is None:
            continue
        factor = Decimal(rng.randint(85, 115)) / 100
        actual = c.value * (2 - factor if c.direction == "lower" else factor)
        Commitment.update(actual=actual.quantize(Decimal("0.1"))).where(
            Commitment.id == c.id).execute()
    audit(ctx.actor, "demo_commitment_actuals", "commitment", new={"registrations": len(regs)})


def build_movements(ctx):
    """Movements, targets, covenants and registrations for every demo year."""
    rng = ctx.rng
    ctx.extra["movements"] = {}
    offices = [u for u in ctx.offices]
    cstdcs = Title.get_or_none(Title.code == "CSTDCS")
    for index, year in enumerate(ctx.years):
        current = year == ctx.this_year
        m = _movement(ctx, year)
        ctx.extra["movements"][year] = m
        for bloc in ctx.blocs:
            members = [u for u in ctx.units if u.parent_id == bloc.id]
            if len(members) < 2:
                continue
            head, deputy = members[index % len(members)], members[(index + 1) % len(members)]
            rg.save_covenant(actor=ctx.actor, bloc=bloc, year=year, movement=m, head=head,
                             deputy=deputy, content=COVENANT.format(y=year),
                             signed_date=datetime.date(year, 1, 20),
                             place=ctx.commune_unit.name if ctx.commune_unit else "")
        unit_regs = _units(ctx, m, year, current)
        rg.bulk_register(actor=ctx.actor, movement=m, year=year, villages=ctx.villages,
                         units=offices, titles=["GDVH", "LDTT"],
                         reg_date=datetime.date(year, 1, 15))
        if cstdcs is not None:
            picked = [r.id for r in Registration.select(Registration.id).where(
                (Registration.movement == m) & Registration.person.is_null(False))
                if rng.random() < 0.12]
            insert_rows(rg.RegistrationTitle,
                        [{"registration": rid, "title": cstdcs.id} for rid in picked])
        ctx.report("Phong trào, đăng ký", index + 1, len(ctx.years))
        if not current:
            _set_state(ctx, [r.id for r in Registration.select(Registration.id)
                             .where(Registration.movement == m)], rg.ACCEPTED)
            _commitment_actuals(ctx, unit_regs)
            continue
        # this year: every state, varying by thôn and by unit
        states = [rg.ACCEPTED, rg.SUBMITTED, rg.DRAFT, rg.RETURNED]
        for i, village in enumerate(ctx.villages):
            state = states[i % 4] if i % 4 != 3 else (rg.RETURNED if i % 8 == 3 else
                                                      rg.SUBMITTED)
            ids = [r.id for r in Registration.select(Registration.id).join(
                rg.Household).where((Registration.movement == m)
                                    & (rg.Household.village == village))]
            _set_state(ctx, ids, state, RETURN_REASONS[0] if state == rg.RETURNED else "")
        person_ids = [r.id for r in Registration.select(Registration.id).where(
            (Registration.movement == m) & Registration.person.is_null(False))]
        third = len(person_ids) // 3
        _set_state(ctx, person_ids[:third], rg.ACCEPTED)
        _set_state(ctx, person_ids[third:2 * third], rg.SUBMITTED)
        for i, reg in enumerate(unit_regs):
            if i % 4 == 0:
                continue                                # stays a draft
            rg.submit(actor=ctx.actor, registration=reg)
            if i % 4 == 1:
                rg.accept(actor=ctx.actor, registration=reg)
            elif i % 4 == 2 and i % 8 == 2:
                rg.return_registration(actor=ctx.actor, registration=reg,
                                       reason=RETURN_REASONS[i % len(RETURN_REASONS)])
