"""Registrations: titles allowed, commitments, states with audit, bulk registration, covenants."""
import json
from decimal import Decimal

import pytest

from models import movements as mv
from models import registrations as rg
from models.entities import (AuditLog, Commitment, CovenantMember, Registration,
                             RegistrationTitle)
from models.errors import Cancelled, ConflictError, PermissionDenied, ValidationError
from tests.helpers import make_org
from models import org


@pytest.fixture
def world(clerk):
    o = make_org(clerk)
    m = mv.add_movement(actor=clerk, name="Phong trào thi đua năm 2025", year_from=2025)
    mv.add_target(actor=clerk, movement=m, name="Tỷ lệ gia đình văn hóa", value="85%",
                  measure="%")
    mv.add_target(actor=clerk, movement=m, name="Tỷ lệ rác thải được thu gom", value="90%",
                  measure="%")
    o["movement"] = m
    return o


def test_register_unit_prefills_commitments(clerk, world):
    v1 = world["villages"][0]
    reg = rg.register(actor=clerk, movement=world["movement"], subject=v1,
                      titles=["TDPVH"], reg_date="10/01/2025", signer="Lê Đức Cường")
    assert reg.state == "draft" and reg.year == 2025
    commitments = list(reg.commitments.order_by(Commitment.id))
    assert [c.value for c in commitments] == [Decimal("85"), Decimal("90")]
    assert rg.title_codes(reg) == ["TDPVH"]
    log = AuditLog.select().where(AuditLog.action == "register").get()
    assert json.loads(log.new)["titles"] == ["TDPVH"]


def test_own_commitment_values(clerk, world):
    m = world["movement"]
    rows = rg.prefill_commitments(m)
    rows[0]["value"] = "khoảng 88,5%"
    reg = rg.register(actor=clerk, movement=m, subject=world["office"], commitments=rows)
    assert reg.commitments.order_by(Commitment.id).first().value == Decimal("88.5")
    rows[1]["value"] = "chín mươi"
    with pytest.raises(ValidationError, match="không phải là số"):
        rg.update_registration(actor=clerk, registration=reg, commitments=rows)


def test_title_not_allowed_for_subject(clerk, world):
    m = world["movement"]
    with pytest.raises(ValidationError, match="không dành cho"):
        rg.register(actor=clerk, movement=m, subject=world["office"], titles=["TDPVH"])
    with pytest.raises(ValidationError, match="không dành cho"):
        rg.register(actor=clerk, movement=m, subject=world["people"][0], titles=["GDVH"])
    assert Registration.select().count() == 0
    codes = {t.code for t in rg.allowed_titles(world["villages"][0])}
    assert "TDPVH" in codes and "LDTT" not in codes
    assert "TDPVH" not in {t.code for t in rg.allowed_titles(world["office"])}


def test_same_subject_twice_refused(clerk, world):
    m, person = world["movement"], world["people"][0]
    rg.register(actor=clerk, movement=m, subject=person, titles=["LDTT"])
    with pytest.raises(ConflictError, match="đã đăng ký"):
        rg.register(actor=clerk, movement=m, subject=person, titles=["CSTDCS"])


def test_dates_and_year_outside_period(clerk, world):
    m = world["movement"]
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        rg.register(actor=clerk, movement=m, subject=world["office"], reg_date="15/01/2026")
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        rg.register(actor=clerk, movement=m, subject=world["office"], year=2026)


def test_states_and_audit(clerk, leader, world):
    reg = rg.register(actor=clerk, movement=world["movement"], subject=world["people"][0],
                      titles=["LDTT"])
    rg.submit(actor=clerk, registration=reg)
    with pytest.raises(PermissionDenied):
        rg.accept(actor=clerk, registration=reg)
    with pytest.raises(ValidationError, match="lý do"):
        rg.return_registration(actor=leader, registration=reg, reason="  ")
    rg.return_registration(actor=leader, registration=reg, reason="Thiếu chữ ký")
    assert Registration.get_by_id(reg.id).return_reason == "Thiếu chữ ký"
    rg.submit(actor=clerk, registration=reg)
    rg.accept(actor=leader, registration=reg)
    with pytest.raises(ConflictError, match="mở lại"):
        rg.update_registration(actor=clerk, registration=reg, titles=["CSTDCS"])
    with pytest.raises(ConflictError):
        rg.submit(actor=clerk, registration=reg)
    rg.reopen(actor=leader, registration=reg, reason="Bổ sung danh hiệu")
    rg.update_registration(actor=clerk, registration=reg, titles=["CSTDCS", "LDTT"])
    actions = [a for (a,) in AuditLog.select(AuditLog.action).where(
        AuditLog.entity == "registration").order_by(AuditLog.id).tuples()]
    assert actions == ["register", "submit_registration", "return_registration",
                       "submit_registration", "accept_registration", "reopen_registration",
                       "update_registration"]
    assert set(rg.title_codes(Registration.get_by_id(reg.id))) == {"CSTDCS", "LDTT"}


def test_bulk_register_households_and_members(clerk, world):
    m = world["movement"]
    v1, v2 = world["villages"]
    for i in range(30):
        org.add_household(actor=clerk, head_name=f"Nguyễn Văn Hộ {i}", gender="nam", village=v1)
    preview = rg.bulk_preview(movement=m, villages=[v1, v2], units=[world["office"]])
    assert preview == {"households": 32, "people": 2, "already": 0, "year": 2025}
    calls = []
    result = rg.bulk_register(actor=clerk, movement=m, villages=[v1, v2],
                              units=[world["office"]], titles=["GDVH", "LDTT"],
                              progress=lambda d, t: calls.append((d, t)))
    assert result.created == 34 and calls[-1] == (34, 34)
    assert Registration.select().count() == 34
    hh = Registration.select().where(Registration.household.is_null(False)).first()
    assert rg.title_codes(hh) == ["GDVH"]
    per = Registration.select().where(Registration.person.is_null(False)).first()
    assert rg.title_codes(per) == ["LDTT"]
    assert RegistrationTitle.select().count() == 34
    again = rg.bulk_register(actor=clerk, movement=m, villages=[v1], titles=["GDVH"])
    assert (again.created, again.skipped) == (0, 31)
    assert rg.bulk_preview(movement=m, villages=[v1])["already"] == 31


def test_bulk_registration_offers_the_commune_staff(clerk, world):
    """Cán bộ, công chức attached to the commune itself are offered first for bulk
    registration (they were missing: the commune unit is not a registrable collective)."""
    staff = org.add_person(actor=clerk, full_name="Đỗ Thị Công Chức", gender="nu",
                           position="Công chức Văn hóa - Xã hội", unit=world["root"])
    offered = rg.units_with_members()
    assert offered[0] == (world["root"], 1)
    assert (world["office"], 2) in offered
    assert world["root"] not in rg.registrable_units()     # the commune is no collective
    result = rg.bulk_register(actor=clerk, movement=world["movement"],
                              units=[world["root"]], titles=["LDTT"])
    assert result.created == 1
    assert rg.find_registration(world["movement"], staff, 2025) is not None


def test_bulk_cancel_rolls_back(clerk, world):
    m = world["movement"]
    with pytest.raises(Cancelled):
        rg.bulk_register(actor=clerk, movement=m, villages=world["villages"], titles=["GDVH"],
                         progress=lambda d, t: d == 0)
    assert Registration.select().count() == 0


def test_bulk_refuses_wrong_title(clerk, world):
    with pytest.raises(ValidationError):
        rg.bulk_register(actor=clerk, movement=world["movement"], villages=world["villages"],
                         titles=["TTLDTT"])
    assert Registration.select().count() == 0


def test_rows_and_counts(clerk, leader, world):
    m = world["movement"]
    rg.bulk_register(actor=clerk, movement=m, villages=world["villages"], titles=["GDVH"])
    reg = rg.register(actor=clerk, movement=m, subject=world["villages"][0], titles=["TDPVH"],
                      reg_date="10/01/2025")
    rg.submit(actor=clerk, registration=reg)
    rows = rg.registration_rows(year=2025)
    assert len(rows) == 3
    unit_row = next(r for r in rows if r["kind"] == "unit")
    assert unit_row["state"] == "submitted" and unit_row["place"] == "Cụm thi đua số 1"
    # read as plain cursor rows on both engines: the date as ISO text, the titles joined
    assert unit_row["reg_date"] == "2025-01-10" and unit_row["uuid"] == reg.uuid
    assert unit_row["titles"] == "Thôn, tổ dân phố văn hóa" and unit_row["id"] == reg.id
    assert {r["reg_date"] for r in rows if r["kind"] == "household"} == {None}
    assert {r["titles"] for r in rows if r["kind"] == "household"} == {"Gia đình văn hóa"}
    counts = rg.title_counts(year=2025)
    gdvh = next(c for c in counts if c["title"] == "Gia đình văn hóa")
    assert gdvh["draft"] == 2 and gdvh["kind"] == "household"
    places = rg.state_counts_by_place(year=2025)
    assert {p["place"] for p in places if p["kind"] == "household"} == {
        "Thôn Đông Hòa", "Tổ dân phố 1"}
    assert rg.subject_counts(year=2025)["unit"]["submitted"] == 1


def test_covenant(clerk, world):
    bloc = world["bloc"]
    v1, v2 = world["villages"]
    cov = rg.save_covenant(actor=clerk, bloc=bloc, year=2025, movement=world["movement"],
                           head=v1, deputy=v2, content="1. Thi đua hoàn thành chỉ tiêu\n2. …",
                           signed_date="15/01/2025", place="Tân Lập")
    assert {m.unit_id for m in CovenantMember.select()} == {v1.id, v2.id}
    with pytest.raises(ValidationError, match="thành viên"):
        rg.save_covenant(actor=clerk, bloc=bloc, year=2025, movement=world["movement"],
                         head=world["office"])
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        rg.save_covenant(actor=clerk, bloc=bloc, year=2025, movement=world["movement"],
                         signed_date="01/02/2026")
    again = rg.save_covenant(actor=clerk, bloc=bloc, year=2025, movement=world["movement"],
                             head=v2, content="Nội dung mới")
    assert again.id == cov.id and again.head_id == v2.id
    assert [c.id for c in rg.covenants(year=2025)] == [cov.id]
    with pytest.raises(ValidationError, match="không phải là cụm"):
        rg.save_covenant(actor=clerk, bloc=v1, year=2025)


def test_database_refuses_a_second_registration_of_the_same_household(clerk, world):
    import peewee
    hh = world["households"][0]
    rg.register(actor=clerk, movement=world["movement"], subject=hh, titles=["GDVH"])
    with pytest.raises(peewee.IntegrityError):
        Registration.insert(movement=world["movement"], year=2025, household=hh,
                            uuid="x-dup").execute()


def test_bulk_accept_is_all_or_nothing(clerk, leader, world):
    m = world["movement"]
    rg.bulk_register(actor=clerk, movement=m, villages=world["villages"], titles=["GDVH"])
    regs = list(Registration.select().order_by(Registration.id))
    rg.submit(actor=clerk, registration=regs[0])
    with pytest.raises(ConflictError):          # the second one is still a draft
        rg.bulk_set_state(actor=leader, registrations=regs, state="accepted")
    assert Registration.get_by_id(regs[0].id).state == "submitted"
    rg.submit(actor=clerk, registration=regs[1])
    assert rg.bulk_set_state(actor=leader, registrations=regs, state="accepted") == 2
    assert {r.state for r in Registration.select()} == {"accepted"}
    with pytest.raises(PermissionDenied):
        rg.bulk_set_state(actor=clerk, registrations=regs, state="returned", reason="x")
