"""A believable demo commune: blocs, units, people, households, and (through STEPS) the
movements, scores and decisions of several years. All in one transaction.

Each area adds a step ``build(ctx: DemoContext)`` to ``STEPS``; steps run in order and may
use what earlier steps put on the context (``ctx.extra`` is a free dict for that).
"""
import datetime
import random
from dataclasses import dataclass, field

from .db import db
from .entities import AuditLog, Household, Person, Unit, UnitKind
from .bulk import insert_rows
from .errors import ConflictError
from .service import audit, require
from . import collation, demo_decisions, demo_movements, demo_scoring, settings, vntext
from .demo_upward import build_upward
from . import demo_exemplary
from . import demo_awards  # issue 18
from .demo_fund import build_fund

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Hà"]
FAMILY_WEIGHTS = [38, 11, 9, 7, 5, 3, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ", "Phương"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh",
           "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Toàn",
           "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Lộc", "Lâm", "Ánh", "Ân"]
GIVEN_F = ["Anh", "Châu", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hồng",
           "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh",
           "Phương", "Quỳnh", "Thảo", "Thu", "Thủy", "Trang", "Vân", "Yến", "Ấn", "Ánh"]
VILLAGE_WORDS = ["Đông", "Tây", "Nam", "Bắc", "Tân", "Phú", "Hòa", "An", "Thượng", "Hạ",
                 "Trung", "Xuân", "Thịnh", "Lộc", "Phước", "Mỹ", "Hưng", "Thọ", "Yên", "Đồng"]
POSITIONS = ["Công chức", "Viên chức", "Giáo viên", "Bác sĩ", "Y sĩ", "Nhân viên",
             "Trưởng thôn", "Bí thư chi bộ", "Chi hội trưởng", "Kế toán", "Cán bộ"]

DEMO_COMMUNE = {
    "province_name": "Tỉnh Hà Tĩnh", "commune_name": "Xã Tân Lập",
    "chairman": "Nguyễn Văn Hùng", "vice_chairmen": ["Trần Thị Mai", "Lê Quang Vinh"],
    "place_name": "Tân Lập", "decision_suffix": "QĐ-UBND",
}
SIZES = {
    "small": dict(blocs=3, villages=8, offices=6, people=180, households=800, years=2),
    "large": dict(blocs=6, villages=30, offices=30, people=2000, households=20000, years=5),
    # twice large: how the program scales (benchmarks, issue 15)
    "xlarge": dict(blocs=6, villages=60, offices=60, people=4000, households=40000, years=5),
}


@dataclass
class DemoContext:
    actor: object
    rng: random.Random
    size: str
    this_year: int
    years: list                       # ascending, the last is this_year
    commune_unit: object = None
    blocs: list = field(default_factory=list)
    units: list = field(default_factory=list)      # collectives that compete (not blocs/root)
    villages: list = field(default_factory=list)   # thôn / tổ dân phố
    offices: list = field(default_factory=list)    # cơ quan, trường, trạm, HTX, đoàn thể
    person_ids: list = field(default_factory=list)
    household_ids: list = field(default_factory=list)
    progress: object = None                        # progress(label, done, total)
    extra: dict = field(default_factory=dict)

    def report(self, label, done, total):
        if self.progress is not None:
            self.progress(label, done, total)


def person_name(rng, gender):
    family = rng.choices(FAMILY, FAMILY_WEIGHTS)[0]
    if gender == "nam":
        return f"{family} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{family} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _kind(code):
    return UnitKind.get(UnitKind.code == code)


def _unit(ctx, name, kind, parent, **extra):
    unit = Unit.create(name=name, name_key=vntext.fold(name), kind=kind, parent=parent, **extra)
    return unit


def build_org(ctx):
    """The commune, its blocs, villages and offices, people and households."""
    sz = SIZES[ctx.size]
    rng = ctx.rng
    root = _unit(ctx, settings.get("commune_name") or "Xã Tân Lập", _kind("xa"), None)
    ctx.commune_unit = root
    thon, tdp, cum, khoi = _kind("thon"), _kind("tdp"), _kind("cum"), _kind("khoi")
    n_village_blocs = max(1, sz["blocs"] // 2)
    village_blocs = [_unit(ctx, f"Cụm thi đua số {i + 1} (các thôn, tổ dân phố)", cum, root)
                     for i in range(n_village_blocs)]
    office_bloc_names = ["Khối cơ quan Đảng, chính quyền", "Khối Mặt trận và các đoàn thể",
                         "Khối trường học, trạm y tế", "Khối hợp tác xã, doanh nghiệp",
                         "Khối công an, quân sự", "Khối văn hóa, xã hội"]
    office_blocs = [_unit(ctx, name, khoi, root)
                    for name in office_bloc_names[:sz["blocs"] - n_village_blocs]]
    ctx.blocs = village_blocs + office_blocs
    names = set()
    for i in range(sz["villages"]):
        if i % 4 == 3:
            name = f"Tổ dân phố {i // 4 + 1}"
            kind = tdp
        else:
            while True:
                name = f"Thôn {rng.choice(VILLAGE_WORDS)} {rng.choice(VILLAGE_WORDS)}"
                a, b = name.split()[1:]
                if a != b and name not in names:
                    break
            kind = thon
        names.add(name)
        gender = rng.choice(["nam", "nam", "nu"])
        ctx.villages.append(_unit(ctx, name, kind, village_blocs[i % len(village_blocs)],
                                  leader_name=person_name(rng, gender),
                                  address=f"{name}, {root.name}"))
    office_templates = [
        ("Văn phòng HĐND và UBND xã", "co_quan"), ("Phòng Kinh tế", "co_quan"),
        ("Phòng Văn hóa - Xã hội", "co_quan"), ("Ủy ban Mặt trận Tổ quốc xã", "doan_the"),
        ("Đoàn Thanh niên xã", "doan_the"), ("Hội Liên hiệp Phụ nữ xã", "doan_the"),
        ("Hội Nông dân xã", "doan_the"), ("Hội Cựu chiến binh xã", "doan_the"),
        ("Trường Mầm non {w}", "truong"), ("Trường Tiểu học {w}", "truong"),
        ("Trường THCS {w}", "truong"), ("Trạm Y tế xã", "tram_y_te"),
        ("Hợp tác xã Nông nghiệp {w}", "htx"), ("Hợp tác xã Dịch vụ {w}", "htx"),
        ("Công an xã", "co_quan"), ("Ban Chỉ huy Quân sự xã", "co_quan"),
    ]
    for i in range(sz["offices"]):
        template, code = office_templates[i % len(office_templates)]
        name = template.format(w=rng.choice(VILLAGE_WORDS) + " " + rng.choice(VILLAGE_WORDS))
        if i >= len(office_templates):
            name = f"{name} {i // len(office_templates) + 1}"
        bloc = office_blocs[i % len(office_blocs)] if office_blocs else root
        ctx.offices.append(_unit(ctx, name, _kind(code), bloc,
                                 leader_name=person_name(rng, rng.choice(["nam", "nu"]))))
    ctx.units = ctx.villages + ctx.offices
    for bloc in ctx.blocs:
        members = [u for u in ctx.units if u.parent_id == bloc.id]
        if len(members) >= 2:
            bloc.head, bloc.deputy = members[0], members[1]
            bloc.save()
    _people(ctx, sz["people"])
    _households(ctx, sz["households"])


def _people(ctx, count):
    rng = ctx.rng
    year = ctx.this_year
    rows = []
    for i in range(count):
        gender = rng.choice(["nam", "nu"])
        name = person_name(rng, gender)
        unit = ctx.offices[i % len(ctx.offices)] if ctx.offices and i % 5 else \
            rng.choice(ctx.villages)
        rows.append(dict(full_name=name, name_key=vntext.fold(name),
                         sort_key=collation.name_sort_string(name), gender=gender,
                         birth_year=rng.randint(year - 60, year - 22),
                         position=rng.choice(POSITIONS), unit=unit.id))
    _bulk(ctx, Person, rows, "Cá nhân")
    ctx.person_ids = [p.id for p in Person.select(Person.id).order_by(Person.id)]


def _households(ctx, count):
    rng = ctx.rng
    year = ctx.this_year
    rows = []
    for i in range(count):
        village = ctx.villages[i % len(ctx.villages)]
        gender = "nam" if rng.random() < 0.8 else "nu"
        name = person_name(rng, gender)
        rows.append(dict(head_name=name, name_key=vntext.fold(name),
                         sort_key=collation.name_sort_string(name), gender=gender,
                         birth_year=rng.randint(year - 85, year - 22), village=village.id,
                         address=f"Số {rng.randint(1, 300)}, {village.name}"))
    _bulk(ctx, Household, rows, "Hộ gia đình")
    ctx.household_ids = [h.id for h in Household.select(Household.id).order_by(Household.id)]


def _bulk(ctx, model, rows, label):
    insert_rows(model, rows, progress=lambda done, total: ctx.report(label, done, total))


# demo_awards (issue 18) comes before the decisions: the candidates then read its
# initiatives and discipline, and this year's draft stays the newest decision
STEPS = [build_org, demo_movements.build_movements, demo_scoring.build_scoring,
         demo_awards.build_awards, demo_decisions.build_decisions]
STEPS.append(build_upward)          # issue 17: last year's file proposed upward
STEPS.append(demo_exemplary.build_exemplary)   # issue 19: models, reviews, deadlines
STEPS.append(build_fund)            # issue 18: the fund ledger and the blank stock


def load_demo(*, size="small", progress=None, actor=None, seed=2026, this_year=None):
    """Fill an empty database with a demo commune; returns counts of what was made.

    ``progress(done, total)`` reports steps; the whole load is one transaction.
    """
    from .accounts import batch_actor
    actor = actor or batch_actor()
    require(actor, "leader")
    if size not in SIZES:
        raise ConflictError(f"Cỡ dữ liệu mẫu '{size}' không có; chọn small, large "
                            "hoặc xlarge.")
    this_year = this_year or datetime.date.today().year
    years = list(range(this_year - SIZES[size]["years"] + 1, this_year + 1))
    with db.atomic():
        if Unit.select().exists():
            raise ConflictError("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào "
                                "cơ sở dữ liệu trống. Hãy dùng tệp dữ liệu khác (--db).")
        if not settings.get("commune_name"):
            settings.save_initial_settings(actor=actor, values=DEMO_COMMUNE)
        step_total = len(STEPS)

        def report(label, done, total):
            if progress is not None and total:
                progress(step_index * 1000 + int(1000 * done / total), step_total * 1000)

        ctx = DemoContext(actor=actor, rng=random.Random(seed), size=size,
                          this_year=this_year, years=years, progress=report)
        for step_index, step in enumerate(STEPS):
            step(ctx)
        audit(actor, "load_demo", "database", new={"size": size, "years": years})
        if progress is not None:
            progress(step_total * 1000, step_total * 1000)
    return counts()


def counts():
    from . import entities as e
    return {
        "đơn vị": Unit.select().count(), "cá nhân": Person.select().count(),
        "hộ gia đình": Household.select().count(),
        "phong trào": e.Movement.select().count(), "đăng ký": e.Registration.select().count(),
        "phiếu chấm điểm": e.ScoreSheet.select().count(),
        "quyết định": e.Decision.select().count(), "khen thưởng": e.Award.select().count(),
        "nhật ký": AuditLog.select().count(),
    }

from . import demo_public  # noqa: E402  (issue 17: public lists and comments)
STEPS.append(demo_public.build_public)
