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


def _reference_search(text):
    """What the search must give, worked out the plain way: every subject as a model
    object, its place by ``place_of``, Vietnamese order by ``name_sort_key``."""
    key = vntext.fold(text or "")
    if not key:
        return []
    typed = text.strip().lower()
    found = [(u, u.name) for u in Unit.select().order_by(Unit.id) if key in u.name_key]
    found += [(p, p.full_name) for p in Person.select().order_by(Person.id)
              if key in p.name_key]
    found += [(h, h.head_name) for h in Household.select().order_by(Household.id)
              if key in h.name_key]
    found.sort(key=lambda pair: (not pair[1].lower().startswith(typed),
                                 vntext.name_sort_key(pair[1])))
    return [{"kind": award_history.subject_kind(obj), "id": obj.id, "name": name,
             "place": award_history.place_of(obj)} for obj, name in found]


def test_search_gives_what_the_plain_way_gives_for_varied_texts(database, clerk):
    """Names that only the collation orders (tones, hyphens, numbers, case), people and
    households saved by the services (with their stored sort string) and straight into the
    table (without one), units in a bloc and with an address naming themselves, LIKE's
    wildcards typed: same rows, same order, same places as the plain way."""
    from models import org as orgs
    made = make_year(clerk)
    v1, v2 = made["villages"]
    orgs.add_unit(actor=clerk, name="Chi hội Nông dân Thôn Đông Hòa", kind="khac",
                  parent=made["bloc"], address="Chi hội Nông dân Thôn Đông Hòa, Thôn Đông Hòa")
    names = ["Nguyễn Văn Ân", "Nguyễn văn An", "Nguyễn Văn Anh", "Lê Thị Ánh", "Lê Thị Anh",
             "Hà-Khoa Lê", "Trần Văn 10", "Trần Văn 2", "Ngô Thị Hà Khoa", "Đỗ Văn An",
             "Nguyễn Văn An"]
    for i, name in enumerate(names):
        orgs.add_person(actor=clerk, full_name=name, gender="nam", birth_year=1970 + i,
                        unit=made["office"] if i % 2 else None, allow_duplicate=True)
        orgs.add_household(actor=clerk, head_name=name, gender="nu", village=v1 if i % 2 else v2,
                           birth_year=1950 + i, address=f"Số {i + 1}, Thôn Đông Hòa"
                           if i % 3 else "", allow_duplicate=True)
    for name in ("Vũ Thị Mai_Lan", "Phan 100% Văn", "Bùi Văn An"):     # no sort string
        Household.create(head_name=name, name_key=vntext.fold(name), gender="nam",
                         village=v2, address="Xóm Trại")
        Person.create(full_name=name, name_key=vntext.fold(name), gender="nu")
    texts = {"Nguyễn Văn An", "NGUYEN", "Lê", "tran van 1", "%", "_", "0%", "i_l", "\\",
             "  an  ", "thon", "Thôn Đông", "chi hoi", "Tổ", "xa", "ha-khoa", "ha khoa", "z"}
    for name in names:
        key = vntext.fold(name)
        texts |= {key[:i] for i in range(1, len(key) + 1)}
    for text in sorted(texts):
        found = award_history.search_subjects(text, limit=200)
        assert [{k: r[k] for k in ("kind", "id", "name", "place")} for r in found] \
            == _reference_search(text), text
        assert all(r["kind_label"] == award_history.SUBJECT_KINDS[r["kind"]] for r in found)
