"""Test data for files proposed upward: three years of issued decisions and a council vote."""
import datetime

from models import candidates, catalogue, council, decisions, upward
from tests.decision_fixtures import YEAR, make_year


def _issue(clerk, leader, year, recipients):
    d = decisions.create_draft(actor=clerk, date=datetime.date(year, 12, 20), period_year=year,
                               signer_name="Nguyễn Văn Hùng")
    for subject, code in recipients:
        decisions.add_recipient(actor=clerk, decision=d, subject=subject,
                                title=catalogue.title_by_code(code))
    return decisions.issue_decision(actor=leader, decision=d)


def make_history(clerk, leader):
    """make_year + decisions: An CSTĐCS 2024 and 2025 (not 2023); the school TTLĐTT 2024 and
    2025; Thôn Đông Hòa TDPVH 2025 only. Candidates for provincial titles voted in a secret
    ballot of 9 members on 10/12/2025: An (CSTĐ tỉnh), the school and the village (Bằng
    khen tỉnh) pass, Bình (Bằng khen tỉnh) does not."""
    org = make_year(clerk)
    an, binh, _ = org["people"]
    v1 = org["villages"][0]
    _issue(clerk, leader, 2023, [(org["office"], "TTLDTT")])
    _issue(clerk, leader, 2024, [(an, "CSTDCS"), (org["office"], "TTLDTT")])
    _issue(clerk, leader, 2025, [(an, "CSTDCS"), (org["office"], "TTLDTT"), (v1, "TDPVH")])
    mv = org["movement"]
    meeting = council.create_meeting(actor=clerk, movement=mv, year=YEAR,
                                     date=datetime.date(2025, 12, 10), chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Hoa", members_total=9,
                                     members_present=9)
    for subject, code, votes in ((an, "CSTD_TINH", 9), (org["office"], "BKT_TT", 8),
                                 (v1, "BKT_TT", 7), (binh, "BKT_CN", 3)):
        cand = candidates.add_candidate(actor=clerk, movement=mv, year=YEAR, subject=subject,
                                        title=catalogue.title_by_code(code),
                                        reason="Đề nghị cấp tỉnh khen thưởng")
        council.record_vote(actor=clerk, meeting=meeting, candidate=cand, votes_for=votes)
    org["meeting"] = meeting
    return org


def make_file(clerk, org):
    f = upward.create_file(actor=clerk, year=YEAR, meeting=org["meeting"],
                           number="15/TTr-UBND", date=datetime.date(2025, 12, 15),
                           signer_name="Nguyễn Văn Hùng")
    upward.add_passed_candidates(actor=clerk, upward_file=f)
    return f
