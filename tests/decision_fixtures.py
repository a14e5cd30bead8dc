"""Test data for council votes and decisions: an organisation with registrations and scores.

Registrations and score sheets are created straight through the entity classes, so these
tests do not depend on the registration and scoring modules.
"""
import datetime

from models import catalogue
from models.entities import (CriteriaSet, Movement, Registration, RegistrationTitle,
                             ScoreSheet)
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
