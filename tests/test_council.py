"""Council meetings and votes: percentage on a configurable basis, threshold, refusals."""
import datetime
from decimal import Decimal

import pytest

from models import candidates, council, settings
from models.entities import AuditLog
from models.errors import ValidationError
from tests.decision_fixtures import YEAR, make_year


def _meeting(clerk, mv, **kw):
    values = dict(date=datetime.date(2025, 12, 10), place="Hội trường UBND xã",
                  chair="Nguyễn Văn Hùng", secretary="Lê Thị Hoa", members_total=11,
                  members_present=9, secret=True)
    values.update(kw)
    return council.create_meeting(actor=clerk, movement=mv, year=YEAR, **values)


def test_vote_outcome_pure():
    assert council.vote_outcome(5, members_total=11, members_present=9, basis="present",
                                threshold_pct=50) == (Decimal("55.56"), True)
    assert council.vote_outcome(5, members_total=11, members_present=9, basis="total",
                                threshold_pct=50) == (Decimal("45.45"), False)
    # exactly the threshold passes; just below does not (exact, no float)
    assert council.vote_outcome(7, members_total=10, members_present=10, basis="present",
                                threshold_pct=70)[1] is True
    assert council.vote_outcome(6, members_total=10, members_present=10, basis="present",
                                threshold_pct=Decimal("70"))[1] is False


def test_meeting_and_votes(database, clerk, leader):
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = _meeting(clerk, mv)
    assert meeting.basis == "present" and meeting.threshold_pct == Decimal("50.00")
    cands = candidates.candidates(movement=mv, year=YEAR)
    vote = council.record_vote(actor=clerk, meeting=meeting, candidate=cands[0], votes_for=9)
    assert vote.percent == Decimal("100.00") and vote.passed
    low = council.record_vote(actor=clerk, meeting=meeting, candidate=cands[1], votes_for=4,
                              votes_against=5)
    assert low.percent == Decimal("44.44") and not low.passed
    assert [c.id for c in council.passed_candidates(meeting)] == [cands[0].id]
    # the basis "total" (a setting, or per meeting) changes the outcome of 5/9 present
    council.record_vote(actor=clerk, meeting=meeting, candidate=cands[1], votes_for=5,
                        votes_against=4)
    assert council.passed_candidates(meeting)[-1].id == cands[1].id
    council.update_meeting(actor=clerk, meeting=meeting, basis="total")
    assert cands[1].id not in [c.id for c in council.passed_candidates(meeting)]
    settings.update_settings(actor=leader, values={"vote_basis": "total",
                                                   "vote_threshold_pct": 70})
    m2 = _meeting(clerk, mv)
    assert m2.basis == "total" and m2.threshold_pct == Decimal("70.00")
    assert AuditLog.select().where(AuditLog.action == "record_vote").count() == 3
    rows = council.vote_rows(meeting)
    assert {r["votes_for"] for r in rows} >= {9, 5}


def test_more_votes_than_members_present_is_refused(database, clerk):
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = _meeting(clerk, mv)
    cand = candidates.candidates(movement=mv, year=YEAR)[0]
    with pytest.raises(ValidationError) as err:
        council.record_vote(actor=clerk, meeting=meeting, candidate=cand, votes_for=8,
                            votes_against=2)
    assert "nhiều hơn số thành viên có mặt (9)" in str(err.value)
    with pytest.raises(ValidationError):
        council.record_vote(actor=clerk, meeting=meeting, candidate=cand, votes_for=-1)
    # one bad row in a batch leaves nothing saved
    others = candidates.candidates(movement=mv, year=YEAR)[1:3]
    with pytest.raises(ValidationError):
        council.record_votes(actor=clerk, meeting=meeting,
                             votes=[(others[0], 5, 0), (others[1], 10, 0)])
    assert not list(meeting.votes)
    # lowering the members present below the votes already cast is refused too
    council.record_vote(actor=clerk, meeting=meeting, candidate=cand, votes_for=8)
    with pytest.raises(ValidationError):
        council.update_meeting(actor=clerk, meeting=meeting, members_present=7)


def test_meeting_validation(database, clerk):
    org = make_year(clerk)
    mv = org["movement"]
    with pytest.raises(ValidationError) as err:
        _meeting(clerk, mv, members_present=12)
    assert "có mặt (12)" in str(err.value)
    with pytest.raises(ValidationError):
        _meeting(clerk, mv, chair="")
    with pytest.raises(ValidationError):
        _meeting(clerk, mv, threshold_pct=120)
    with pytest.raises(ValidationError):
        _meeting(clerk, mv, date="31/02/2025")
