"""Decisions: drafts, money, numbering, issue, immutability, amend/revoke, register, history."""
import datetime

import pytest

from models import candidates, catalogue, council, decisions, settings
from models.award_history import consecutive_run
from models.entities import Award, AuditLog, Decision
from models.errors import ConflictError, PermissionDenied, ValidationError
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year


@pytest.fixture
def org(database, clerk):
    return make_year(clerk)


def _draft(clerk, org, **kw):
    kw.setdefault("date", DECISION_DAY)
    return decisions.create_draft(actor=clerk, movement=org["movement"], **kw)


def _title(code):
    return catalogue.title_by_code(code)


def test_draft_defaults_and_money(org, clerk, leader):
    settings.update_settings(actor=leader, values={"chairman": "Nguyễn Văn Hùng"})
    d = _draft(clerk, org)
    assert d.state == "draft" and d.number == "" and d.signer_name == "Nguyễn Văn Hùng"
    bases = decisions.json.loads(d.bases)
    assert bases[1].startswith("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15")
    assert any("05/KH-UBND" in b for b in bases)
    an, binh, _ = org["people"]
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("CSTDCS"))
    decisions.add_recipient(actor=clerk, decision=d, subject=org["households"][0],
                            title=_title("GK_HGD"))
    decisions.add_recipient(actor=clerk, decision=d, subject=org["office"],
                            title=_title("TTLDTT"))
    s = decisions.summary(Decision.get_by_id(d.id))
    rows = {(r["name"], r["title"]): r for _, rs in s["groups"] for r in rs}
    ldtt = rows[("Nguyễn Văn An", "Lao động tiên tiến")]
    assert ldtt["amount"] == 0 and not ldtt["paid"] and decisions.UNPAID_NOTE in ldtt["note"]
    assert rows[("Nguyễn Văn An", "Chiến sĩ thi đua cơ sở")]["amount"] == 2_340_000
    assert rows[("Phạm Văn Dũng", "Giấy khen của Chủ tịch Ủy ban nhân dân xã")]["amount"] \
        == 1_060_000            # 0.3 × 1.5 × 2,340,000 = 1,053,000 → 1,060,000
    assert rows[("Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến")]["amount"] == 1_880_000
    assert s["total"] == 2_340_000 + 1_060_000 + 1_880_000
    assert Decision.get_by_id(d.id).total == s["total"]
    assert s["total_words"] == "Năm triệu hai trăm tám mươi nghìn đồng"
    assert s["counts"]["person"] == 1 and s["award_counts"]["person"] == 2
    assert [g for g, _ in s["groups"]] == ["I. Cá nhân", "II. Tập thể", "III. Hộ gia đình"]
    assert ldtt["place"] == "Trường Tiểu học Tân Lập" and ldtt["position"] == "Giáo viên"
    assert ldtt["achievement"].startswith("Đã có thành tích xuất sắc")
    # the date moves to after the raise (2,530,000 from 01/07/2026): amounts follow
    decisions.update_draft(actor=clerk, decision=d, date=datetime.date(2026, 7, 2))
    assert Award.get((Award.decision == d) & (Award.title == _title("CSTDCS"))).amount \
        == 2_530_000


def test_bad_input(org, clerk, leader):
    with pytest.raises(ValidationError) as err:
        _draft(clerk, org, date=datetime.date(2019, 5, 1), period_year=2025)
    assert "01/05/2019" in str(err.value) and "lương cơ sở" in str(err.value)
    d = _draft(clerk, org)
    an = org["people"][0]
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    with pytest.raises(ConflictError):   # a recipient twice in one decision
        decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    with pytest.raises(ValidationError):  # a collective title for a person
        decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("TTLDTT"))
    with pytest.raises(ValidationError):
        decisions.update_draft(actor=clerk, decision=d, date=datetime.date(2019, 1, 1))
    empty = _draft(clerk, org)
    with pytest.raises(ValidationError) as err:   # issuing with no recipients
        decisions.issue_decision(actor=leader, decision=empty)
    assert "chưa có ai" in str(err.value)
    decisions.update_draft(actor=clerk, decision=d, signer_name="  ")
    with pytest.raises(ValidationError) as err:   # a signer with no name
        decisions.issue_decision(actor=leader, decision=d)
    assert err.value.field == "signer_name"
    with pytest.raises(ValidationError):
        decisions.update_draft(actor=clerk, decision=d, signer_title="Bí thư")
    with pytest.raises(PermissionDenied):         # a clerk cannot issue
        decisions.issue_decision(actor=clerk, decision=d, signer_name="Nguyễn Văn Hùng")
    # nothing half-saved by the failed issues
    assert Decision.get_by_id(d.id).state == "draft"
    assert Award.get(Award.decision == d).register_no is None


def test_numbering_and_duplicate_numbers(org, clerk, leader):
    an, binh, cuong = org["people"]
    d1 = _draft(clerk, org, number="12", signer_name="Nguyễn Văn Hùng")
    assert d1.number == "12/QĐ-UBND"
    with pytest.raises(ConflictError) as err:     # two decisions with the same number in a year
        _draft(clerk, org, number="12/QĐ-UBND")
    assert "12/QĐ-UBND" in str(err.value)
    # the same number in another year is fine
    other = decisions.create_draft(actor=clerk, date=datetime.date(2026, 1, 5), number="12",
                                   signer_name="Nguyễn Văn Hùng")
    assert other.year == 2026
    decisions.add_recipient(actor=clerk, decision=d1, subject=an, title=_title("LDTT"))
    decisions.issue_decision(actor=leader, decision=d1)
    d2 = _draft(clerk, org, signer_name="Trần Thị Mai", signer_title="PHÓ CHỦ TỊCH")
    decisions.add_recipient(actor=clerk, decision=d2, subject=binh, title=_title("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d2, subject=org["villages"][0],
                            title=_title("TDPVH"))
    d2 = decisions.issue_decision(actor=leader, decision=d2)
    assert d2.number == "13/QĐ-UBND" and d2.seq == 13
    assert decisions.signature_lines(d2) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    d2.on_behalf = True         # a decision of the committee as a body
    assert decisions.signature_lines(d2) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                             "PHÓ CHỦ TỊCH"]
    # register numbers: unique and in sequence within the year, individuals first
    regs = decisions.register_rows(year=2025)
    assert [(r["register_no"], r["name"]) for r in regs] == [
        (1, "Nguyễn Văn An"), (2, "Trần Thị Bình"), (3, "Thôn Đông Hòa")]
    award = Award.get(Award.decision == d2)
    assert award.display_name and award.place and award.achievement  # for certificates
    rows = decisions.decision_rows()
    row = next(r for r in rows if r["id"] == d2.id)
    assert row == {**row, "number": "13/QĐ-UBND", "date": "2025-12-20", "state": "issued",
                   "recipient_count": 2, "total_amount": 710_000 + 3_510_000}
    assert [r["id"] for r in decisions.decision_rows(search="13/qd")] == [d2.id]


def test_issued_is_immutable(org, clerk, leader):
    d = _draft(clerk, org, signer_name="Nguyễn Văn Hùng")
    an = org["people"][0]
    award = decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    decisions.issue_decision(actor=leader, decision=d)
    attempts = [
        lambda: decisions.update_draft(actor=leader, decision=d, about="Khác"),
        lambda: decisions.add_recipient(actor=leader, decision=d, subject=org["people"][1],
                                        title=_title("LDTT")),
        lambda: decisions.update_recipient(actor=leader, award=award, achievement="Khác"),
        lambda: decisions.remove_recipient(actor=leader, award=award),
        lambda: decisions.delete_draft(actor=leader, decision=d),
        lambda: decisions.issue_decision(actor=leader, decision=d),
        lambda: decisions.add_candidates(actor=leader, decision=d, candidates=[]),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError) as err:
            attempt()
        assert "đã ban hành" in str(err.value) and "điều chỉnh hoặc thu hồi" in str(err.value)
    assert Award.get_by_id(award.id).achievement.startswith("Đã có thành tích")
    # the same title for the same subject and year again, in another decision: refused
    d2 = _draft(clerk, org)
    with pytest.raises(ConflictError) as err:
        decisions.add_recipient(actor=clerk, decision=d2, subject=an, title=_title("LDTT"))
    assert "đã được tặng" in str(err.value)
    # a higher title later in the year: paid, the earlier lower one keeps its money
    decisions.add_recipient(actor=clerk, decision=d2, subject=an, title=_title("CSTDCS"))
    assert Decision.get_by_id(d2.id).total == 2_340_000
    # a lower title after a higher one was paid: not paid again
    d3 = _draft(clerk, org)
    decisions.add_recipient(actor=clerk, decision=d3, subject=an, title=_title("GK_CN"))
    assert Decision.get_by_id(d3.id).total == 710_000   # GK rank 20 > LĐTT rank 10


def test_amend_and_revoke(org, clerk, leader):
    an, binh, _ = org["people"]
    d = _draft(clerk, org, signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=binh, title=_title("LDTT"))
    decisions.issue_decision(actor=leader, decision=d)
    with pytest.raises(ValidationError):
        decisions.amend_decision(actor=clerk, decision=d, date=DECISION_DAY, reason="")
    fix = decisions.amend_decision(actor=clerk, decision=d, date=datetime.date(2025, 12, 28),
                                   reason="Ghi sai tên")
    assert fix.kind == "amend" and fix.amends_id == d.id and len(fix.awards) == 2
    assert "Quyết định số 01/QĐ-UBND ngày 20/12/2025" in fix.about
    assert any("Căn cứ Quyết định số 01/QĐ-UBND" in b for b in decisions.json.loads(fix.bases))
    wrong = next(a for a in fix.awards if a.person_id == binh.id)
    decisions.update_recipient(actor=clerk, award=wrong, display_name="Trần Thị Bính")
    decisions.issue_decision(actor=leader, decision=fix)
    assert Decision.get_by_id(d.id).state == "corrected"
    # only the correction is in force: history and fund count it once
    hist = decisions.subject_history(binh)
    awards_2025 = next(y for y in hist if y["year"] == YEAR)["awards"]
    assert [a["in_force"] for a in awards_2025] == [False, True]
    fund = decisions.fund_totals(year=2025)
    assert [r["total"] for r in fund["by_decision"]] == [1_420_000]
    with pytest.raises(ConflictError):  # the corrected one cannot be amended again
        decisions.amend_decision(actor=clerk, decision=d, date=DECISION_DAY, reason="x")
    rv = decisions.revoke_decision(actor=clerk, decision=fix, date=datetime.date(2025, 12, 30),
                                   reason="Phát hiện vi phạm")
    with pytest.raises(ValidationError):                  # a revocation has no list
        decisions.add_recipient(actor=clerk, decision=rv, subject=an, title=_title("GK_CN"))
    decisions.issue_decision(actor=leader, decision=rv)   # no recipients needed to revoke
    assert Decision.get_by_id(fix.id).state == "revoked"
    assert decisions.fund_totals(year=2025)["by_decision"] == []
    assert AuditLog.select().where(AuditLog.action == "revoked_by_decision").count() == 1


def test_from_votes_history_and_upward(org, clerk, leader):
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = council.create_meeting(actor=clerk, movement=mv, year=YEAR,
                                     date=datetime.date(2025, 12, 10), chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Hoa", members_total=9, members_present=9)
    for cand in candidates.candidates(movement=mv, year=YEAR):
        council.record_vote(actor=clerk, meeting=meeting, candidate=cand,
                            votes_for=3 if cand.title.code == "CSTDCS" else 8)
    d = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=mv, meeting=meeting,
                               signer_name="Nguyễn Văn Hùng")
    added = decisions.add_candidates(actor=clerk, decision=d, meeting=meeting)
    assert added == 6 and d.period_year == YEAR
    assert decisions.add_candidates(actor=clerk, decision=d, meeting=meeting) == 0
    assert any("Biên bản họp" in b for b in decisions.json.loads(d.bases))
    decisions.issue_decision(actor=leader, decision=d)
    # a past year's decision for the school gives it two consecutive years
    old = decisions.create_draft(actor=clerk, date=datetime.date(2024, 6, 20),
                                 period_year=2024, signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=old, subject=org["office"],
                            title=_title("TTLDTT"))
    old = decisions.issue_decision(actor=leader, decision=old)
    assert old.number == "01/QĐ-UBND" and Award.get(Award.decision == old).amount == 1_440_000
    q = decisions.upward_qualifiers(year=2025)
    assert [(r["name"], r["years"]) for r in q] == [("Trường Tiểu học Tân Lập", [2024, 2025])]
    assert decisions.upward_qualifiers(year=2025, years=3) == []
    hist = decisions.subject_history(org["office"])
    assert [y["year"] for y in hist] == [2025, 2024]
    assert hist[0]["scores"][0]["band"] == "Tốt"
    assert hist[0]["registrations"][0]["titles"] == "Tập thể lao động tiên tiến"
    assert hist[0]["awards"][0]["register_no"] is not None
    fund = decisions.fund_totals()
    assert [r["year"] for r in fund["by_year"]] == [2024, 2025]
    assert sum(r["total"] for r in fund["by_title"]) == sum(r["total"] for r in fund["by_year"])
    assert consecutive_run({2021, 2023, 2024, 2025}, 2025) == [2023, 2024, 2025]


def test_issuing_a_second_award_of_the_same_title_is_refused(org, clerk, leader):
    an = org["people"][0]
    first = _draft(clerk, org, signer_name="Nguyễn Văn Hùng")
    second = _draft(clerk, org, signer_name="Nguyễn Văn Hùng")
    for d in (first, second):   # both drafts may hold it while neither is issued
        decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    decisions.issue_decision(actor=leader, decision=first)
    with pytest.raises(ConflictError) as err:
        decisions.issue_decision(actor=leader, decision=second)
    assert "Nguyễn Văn An" in str(err.value) and "ngày 20/12/2025" in str(err.value)
    assert Decision.get_by_id(second.id).state == "draft"
