"""The awards behind certificates are read a page at a time (reports/certificates.py
DecisionAwards): a preview of 40 reads those 40, a whole decision comes in list order across
the pages, the count is a COUNT query, and an award of another decision is refused."""
import pytest

from models.errors import NotFound
from reports import certificates as certs
from tests.decision_fixtures import big_household_decision
from tests.helpers import sql_statements

N = 1234


@pytest.fixture
def decision(leader):
    from models.entities import Decision
    # three awards share each list position: the keyset must break ties by id
    return Decision.get_by_id(big_household_decision(leader, N, same_order=3))


def _statements(run):
    """(result of run(), SQL statements sent meanwhile), on either engine."""
    return sql_statements(run)


def test_whole_decision_in_list_order_across_pages(decision):
    from models.entities import Award
    expected = [i for (i,) in Award.select(Award.id).where(Award.decision == decision)
                .order_by(Award.order, Award.id).tuples()]
    awards = certs.decision_awards(decision)
    assert len(awards) == N
    got, seen = _statements(lambda: [a.id for a in awards])
    assert got == expected
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    # pages of AWARD_PAGE rows, each a LIMIT query: never one read of all awards
    assert len(selects) == -(-N // certs.AWARD_PAGE)
    # (a server's statements carry the limit as a parameter)
    assert all(f"LIMIT {certs.AWARD_PAGE}" in s or "LIMIT %s" in s for s in selects)
    first = awards[:3]
    assert [a.id for a in first] == expected[:3] and first[0].household.head_name


def test_preview_reads_only_what_it_shows(decision):
    from models.entities import Award
    ordered = [i for (i,) in Award.select(Award.id).where(Award.decision == decision)
               .order_by(Award.order, Award.id).tuples()]
    chosen = ordered[700:740]
    awards, seen = _statements(lambda: certs.decision_awards(decision, chosen[::-1]))
    assert len(awards) == 40
    got, more = _statements(lambda: [a.id for a in awards])
    assert got == chosen                          # list order, whatever order they came in
    assert len(more) == 1 and "IN (" in more[0]   # one query, for those 40 only


def test_chosen_awards_of_another_decision_are_refused(decision):
    with pytest.raises(NotFound):
        certs.decision_awards(decision, [999_999])
    with pytest.raises(NotFound):                 # also in a selection larger than a page
        certs.decision_awards(decision, list(range(1, 2000)) + [999_999])


def test_certificates_of_a_large_selection(decision, tmp_path):
    from models.entities import Award
    ids = [i for (i,) in Award.select(Award.id).where(Award.decision == decision)
           .order_by(Award.id).tuples()][::2]
    result = certs.write_decision_certificates(decision_id=decision.id,
                                               path=tmp_path / "gk.pdf", award_ids=ids)
    assert result.count == len(ids) == 617 and sorted(result.award_ids) == sorted(ids)
