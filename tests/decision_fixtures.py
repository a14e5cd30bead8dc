"""Test data for council votes and decisions: an organisation with registrations and scores.

Registrations and score sheets are created straight through the entity classes, so these
tests do not depend on the registration and scoring modules.
"""
import datetime

from models import catalogue, settings
from models.entities import (Award, CriteriaSet, Decision, Household, Movement, Registration,
                             RegistrationTitle, ScoreSheet, Title, Unit, UnitKind)
from models.fields import new_uuid  # noqa: F401  (handy for callers)
from models import vntext
from tests.helpers import make_org

YEAR = 2025
DECISION_DAY = datetime.date(2025, 12, 20)


def make_movement(name="Phong trào thi đua yêu nước", year=YEAR):
    full = f"{name} năm {year}"
    return Movement.create(name=full, name_key=vntext.fold(full), year_from=year, year_to=year,
                           doc_number="05/KH-UBND", doc_date=datetime.date(year, 1, 10),
                           achievement_text="Đã có thành tích xuất sắc trong phong trào "
                           f"thi đua yêu nước năm {year}")


def register(movement, subject, *codes, year=YEAR, state="accepted"):
    from models.subjects import subject_fields
    reg = Registration.create(movement=movement, year=year, state=state,
                              **subject_fields(subject))
    for code in codes:
        RegistrationTitle.create(registration=reg, title=catalogue.title_by_code(code))
    return reg


def score(movement, unit, band, *, total=90, state="finalised", year=YEAR):
    cset = CriteriaSet.get_or_none(CriteriaSet.movement == movement, CriteriaSet.year == year)
    if cset is None:
        cset = CriteriaSet.create(name=f"Bảng điểm {year}", movement=movement, year=year)
    return ScoreSheet.create(criteria_set=cset, unit=unit, total=total, band=band, state=state)


def make_year(actor):
    """make_org + a movement with: the school (Tốt) and both villages registered (one Khá),
    An (LĐTT + CSTĐCS), Bình (CSTĐCS only), Cường (LĐTT), two households (Giấy khen)."""
    org = make_org(actor)
    mv = make_movement()
    an, binh, cuong = org["people"]
    v1, v2 = org["villages"]
    register(mv, org["office"], "TTLDTT")
    register(mv, v1, "TDPVH")
    register(mv, v2, "TDPVH")
    register(mv, an, "LDTT", "CSTDCS")
    register(mv, binh, "CSTDCS")
    register(mv, cuong, "LDTT", state="submitted")
    for h in org["households"]:
        register(mv, h, "GK_HGD")
    score(mv, org["office"], "Tốt", total=85)
    score(mv, v1, "Xuất sắc", total=95)
    score(mv, v2, "Khá", total=75)
    org["movement"] = mv
    return org


FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]


def big_household_decision(leader, households, families=FAMILIES, *, same_order=1):
    """An issued decision (id) giving Giấy khen and money to ``households`` new households,
    written straight into the tables (420 make about 30 list pages); ``same_order`` awards
    share each list position (ties broken by id)."""
    settings.update_settings(actor=leader, values={
        "commune_name": "Xã Tân Lập", "place_name": "Tân Lập", "chairman": "Trần Văn Bình"})
    village = Unit.create(name="Thôn Đông Hòa", name_key="thon dong hoa",
                          kind=UnitKind.get(UnitKind.code == "thon"))
    decision = Decision.create(year=2026, seq=7, number="7/QĐ-UBND", period_year=2025,
                               date=datetime.date(2026, 1, 15), state="draft",
                               signer_name="Trần Văn Bình",
                               about="Về việc tặng Giấy khen hộ gia đình năm 2025")
    given = ["Văn An", "Thị Bình", "Đức Cường", "Thị Dung", "Quang Huy", "Thị Hoa"]
    Household.insert_many([{"head_name": f"{families[i % 8]} {given[i % 7 % 6]}",
                            "name_key": "x", "gender": "nam", "village": village}
                           for i in range(households)]).execute()
    title = Title.get(Title.code == "GK_HGD")
    rows = [{"decision": decision, "order": i // same_order, "household": h, "title": title,
             "display_name": h.head_name, "place": f"Số {i % 300 + 1}, Thôn Đông Hòa",
             "amount": 1_065_000, "register_year": 2026, "register_no": i + 1,
             # every third achievement wraps onto a second line
             "achievement": "Đã có thành tích xuất sắc" + (
                 " trong phong trào thi đua yêu nước năm 2025" if i % 3 == 0 else "")}
            for i, h in enumerate(Household.select().order_by(Household.id))]
    Award.insert_many(rows).execute()
    Decision.update(total=1_065_000 * households, state="issued").where(
        Decision.id == decision.id).execute()
    return decision.id
