"""The subject search of "Tra cứu" and the pickers (award_history.search_subjects): the same
names and places as each subject's own record gives, in a fixed number of queries."""
from models import award_history, vntext
from models.entities import Household, Person, Unit, UnitKind
from tests.decision_fixtures import make_year
from tests.helpers import sql_statements


def _count_selects(fn):
    result, seen = sql_statements(fn)
    return result, [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_search_gives_each_subjects_name_and_place(database, clerk):
    org = make_year(clerk)
    village = Unit.create(name="Thôn Đông Hòa", name_key=vntext.fold("Thôn Đông Hòa"),
                          kind=UnitKind.get(UnitKind.code == "thon"))
    for i in range(30):
        name = f"Đặng Thị Hồng {i}"
        Household.create(head_name=name, name_key=vntext.fold(name), gender="nu",
                         village=village, address=f"Số {i + 1}, Thôn Đông Hòa")
    found = award_history.search_subjects("dang thi hong", limit=200)
    assert len(found) == 30
    for row in found:
        obj = Household.get_by_id(row["id"])
        assert row["kind"] == "household" and row["name"] == obj.head_name
        assert row["place"] == award_history.place_of(obj) == f"{obj.address}"
    assert found[0]["name"] == "Đặng Thị Hồng 0"       # Vietnamese name order
    for subject in list(org["people"]) + [org["office"]] + list(org["households"]):
        model = type(subject)
        name = subject.name if model is Unit else (
            subject.full_name if model is Person else subject.head_name)
        rows = [r for r in award_history.search_subjects(vntext.fold(name))
                if r["id"] == subject.id and r["kind"] == award_history.subject_kind(subject)]
        assert len(rows) == 1, name
        assert rows[0]["name"] == name
        assert rows[0]["place"] == award_history.place_of(subject)
    assert award_history.search_subjects("  ") == []


def test_search_runs_the_same_few_queries_for_200_rows_as_for_one(database, clerk):
    """At each keystroke: no query per listed household or person (it made a keystroke
    45× its SELECTs on the large demo)."""
    make_year(clerk)
    village = Unit.create(name="Thôn Bắc", name_key="thon bac",
                          kind=UnitKind.get(UnitKind.code == "thon"))
    Household.insert_many([{"head_name": f"Lê Văn Tám {i}", "name_key": f"le van tam {i}",
                            "gender": "nam", "village": village} for i in range(250)]).execute()
    one, few = _count_selects(lambda: award_history.search_subjects("le van tam 249"))
    many, lots = _count_selects(lambda: award_history.search_subjects("le van tam"))
    assert len(one) == 1 and len(many) == 200
    assert len(lots) == len(few) <= 5, lots
