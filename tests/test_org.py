"""Units, people, households: validation, roles, audit, history-safe deletion, search, order."""
import datetime
import json
import unicodedata

import pytest

from models import org
from models.entities import AuditLog, Household, Person, Registration, Title, Movement
from models.entities import RegistrationTitle
from models.errors import ConflictError, PermissionDenied, ValidationError
from tests.helpers import make_org


@pytest.fixture
def tree(leader):
    return make_org(leader)


def test_unit_tree_order_and_bloc_officers(leader, tree):
    org.set_bloc_officers(actor=leader, bloc=tree["bloc"], head=tree["villages"][0],
                          deputy=tree["villages"][1])
    rows = [(u.name, depth) for u, depth in org.unit_tree()]
    assert rows[0] == ("Xã Tân Lập", 0)
    assert ("Cụm thi đua số 1", 1) in rows and ("Thôn Đông Hòa", 2) in rows
    assert org.bloc_of(tree["villages"][0]).name == "Cụm thi đua số 1"
    with pytest.raises(ValidationError, match="thuộc Cụm thi đua số 1"):
        org.set_bloc_officers(actor=leader, bloc=tree["bloc"], head=tree["office"])


def test_unit_cannot_be_its_own_ancestor(leader, tree):
    with pytest.raises(ValidationError, match="chính nó"):
        org.update_unit(actor=leader, unit=tree["bloc"], parent=tree["villages"][0])


@pytest.mark.parametrize("name, message", [
    ("", "không được để trống"),
    ("   ", "không được để trống"),
    ("A" * 201, "200"),
    ("Nguyễn\x00Văn", "ký tự điều khiển"),
    ("Nguyễn\u200bVăn", "ký tự điều khiển"),
])
def test_bad_names_are_refused_with_the_field(leader, tree, name, message):
    with pytest.raises(ValidationError) as info:
        org.add_person(actor=leader, full_name=name, gender="nam", unit=tree["office"])
    assert message in str(info.value)
    assert info.value.field == "full_name"
    assert Person.select().count() == 3


@pytest.mark.parametrize("year", [1899, datetime.date.today().year + 1, "abc"])
def test_bad_birth_years_are_refused(leader, tree, year):
    with pytest.raises(ValidationError) as info:
        org.add_person(actor=leader, full_name="Vũ Thị Hoa", gender="nu", birth_year=year,
                       unit=tree["office"])
    assert info.value.field == "birth_year"


def test_duplicate_person_warns_then_allows_on_confirmation(leader, tree):
    with pytest.raises(org.DuplicateWarning, match="cùng một người"):
        org.add_person(actor=leader, full_name="nguyễn văn an", gender="nam", birth_year=1980,
                       unit=tree["office"])
    twin = org.add_person(actor=leader, full_name="Nguyễn Văn An", gender="nam",
                          birth_year=1980, unit=tree["office"], allow_duplicate=True)
    assert twin.id and Person.select().where(Person.full_name == "Nguyễn Văn An").count() == 2


def test_text_is_stored_nfc_and_found_without_accents(leader, tree):
    nfd = unicodedata.normalize("NFD", "Đặng Thị Ánh Tuyết")
    person = org.add_person(actor=leader, full_name=nfd, gender="nu", unit=tree["office"])
    stored = Person.get_by_id(person.id).full_name
    assert stored == unicodedata.normalize("NFC", stored) == "Đặng Thị Ánh Tuyết"
    assert [p.full_name for p in org.list_people(search="dang thi anh")] == [stored]
    assert [p.full_name for p in org.list_people(search="ĐẶNG tuyet")] == [stored]
    assert org.list_people(search="dang van") == []


def test_people_listed_in_vietnamese_name_order(leader, tree):
    for name in ("Trần Văn Bình", "Lê Thị Ánh", "Phạm Văn Anh", "Hoàng Thị Ân"):
        org.add_person(actor=leader, full_name=name, gender="nu", unit=tree["office"])
    names = [p.full_name for p in org.list_people()]
    given = [n.split()[-1] for n in names]
    assert given.index("An") < given.index("Anh") < given.index("Ánh") < given.index("Ân")
    assert given.index("Ân") < given.index("Bình")


def test_viewer_cannot_change_anything(viewer, leader, tree):
    with pytest.raises(PermissionDenied, match="không có quyền"):
        org.add_unit(actor=viewer, name="Thôn Mới", kind="thon", parent=tree["bloc"])
    with pytest.raises(PermissionDenied):
        org.set_person_active(actor=viewer, person=tree["people"][0], active=False)


def test_changes_are_audited_with_old_and_new(clerk, leader, tree):
    person = tree["people"][0]
    org.update_person(actor=clerk, person=person, position="Tổ trưởng chuyên môn",
                      reason="bổ nhiệm mới")
    row = AuditLog.select().where(AuditLog.action == "update_person").get()
    assert row.username == "canbo" and row.entity == "person" and row.entity_id == person.id
    assert json.loads(row.old) == {"position": "Giáo viên"}
    assert json.loads(row.new) == {"position": "Tổ trưởng chuyên môn"}
    assert row.reason == "bổ nhiệm mới"


def test_deleting_what_history_refers_to_is_refused(leader, tree):
    movement = Movement.create(name="Phong trào 2026", name_key="phong trao 2026",
                               year_from=2026, year_to=2026)
    person = tree["people"][0]
    reg = Registration.create(movement=movement, year=2026, person=person)
    RegistrationTitle.create(registration=reg, title=Title.get(Title.code == "LDTT"))
    with pytest.raises(ConflictError, match="Ngừng hoạt động"):
        org.delete_person(actor=leader, person=person)
    org.set_person_active(actor=leader, person=person, active=False)
    assert Person.get_by_id(person.id).active is False
    with pytest.raises(ConflictError, match="hộ gia đình"):
        org.delete_unit(actor=leader, unit=tree["villages"][0])


def test_delete_without_history_works_and_is_audited(leader, tree):
    household = tree["households"][0]
    org.delete_household(actor=leader, household=household)
    assert Household.get_or_none(Household.id == household.id) is None
    assert AuditLog.select().where(AuditLog.action == "delete_household").count() == 1


def test_household_needs_a_village(leader, tree):
    with pytest.raises(ValidationError, match="thôn/tổ dân phố"):
        org.add_household(actor=leader, head_name="Ngô Văn Tư", gender="nam",
                          village=tree["office"])


def test_subject_check_constraint_is_real(database, tree):
    """A registration with two subjects is refused by the database itself."""
    import peewee
    movement = Movement.create(name="P", name_key="p", year_from=2026, year_to=2026)
    with pytest.raises(peewee.IntegrityError):
        Registration.create(movement=movement, year=2026, person=tree["people"][0],
                            household=tree["households"][0])


def test_household_records_are_the_households_list_as_plain_rows(leader, tree):
    """``main.py list households`` reads with SQL text (models/org_rows.py): the same
    households, order and fields as the model-object list, searches with marks, several
    words and LIKE's wildcards included."""
    from models import org_rows
    v1, v2 = tree["villages"]
    for i, name in enumerate(["Nguyễn Văn An", "Nguyễn văn Ân", "Lê Thị 100%", "Lê Thị_Hoa",
                              "Đỗ Văn An", "Trần Thị An"]):
        org.add_household(actor=leader, head_name=name, gender="nu" if i % 2 else "nam",
                          village=v1 if i % 2 else v2, birth_year=1950 + i if i % 4 else None,
                          address=f"Số {i}" if i % 3 else "")
    for search in (None, "", "an", "Nguyễn Văn", "van an", "100%", "%", "_", "thi_h",
                   "ĐỖ", "x"):
        want = [{"id": h.id, "uuid": h.uuid, "head_name": h.head_name,
                 "gender": org.GENDERS[h.gender], "birth_year": h.birth_year,
                 "village": h.village.name, "address": h.address, "active": h.active}
                for h in org.list_households(search=search)]
        assert org_rows.household_records(search=search) == want, search
    assert [r["head_name"] for r in org_rows.household_records(search="ĐỖ văn")] == ["Đỗ Văn An"]


def test_the_first_rows_of_the_lists_are_those_of_the_whole_lists(leader, tree):
    """A long list shows its first rows read alone before the rest (issue 15): they must be
    the whole list's first rows, in its order, also among people of the same name (ties go
    by id in both reads)."""
    v1, v2 = tree["villages"]
    for i, name in enumerate(["Trần Văn An", "Nguyễn Văn An", "Nguyễn Văn An", "An Thị Bé",
                              "Nguyễn văn An", "Đỗ Văn An", "Nguyễn Văn An", "Ân Văn Ba"]):
        org.add_household(actor=leader, head_name=name, gender="nam", village=(v1, v2)[i % 2],
                          allow_duplicate=True)
        org.add_person(actor=leader, full_name=name, gender="nam", allow_duplicate=True)
    households, people = org.household_rows(), org.person_rows()
    assert len(households) >= 8 and len(people) >= 8
    same = [r[0] for r in households if r[1] == "Nguyễn Văn An"]
    assert len(same) == 3 and same == sorted(same)
    for n in (1, 2, 3, 5, 8, 20):
        assert org.household_rows(limit=n) == households[:n]
        assert org.person_rows(limit=n) == people[:n]
