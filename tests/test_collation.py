"""The stored sort strings order names exactly as the Vietnamese sort keys do."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import collation, vntext

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
# Hyphens (and the look-alike "Ð") inside words: "Hà-Khoa" sorts by syllable.
word = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789--\u2013\u00d0.",
               min_size=1, max_size=9)
name = st.lists(word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(name, min_size=2, max_size=30))
def test_name_sort_string_orders_like_name_sort_key(names):
    assert sorted(names, key=collation.name_sort_string) == sorted(names, key=vntext.name_sort_key)


@settings(max_examples=200, deadline=None)
@given(st.lists(name, min_size=2, max_size=30))
def test_text_sort_string_orders_like_text_sort_key(names):
    assert sorted(names, key=collation.text_sort_string) == sorted(names, key=vntext.text_sort_key)


def test_known_order():
    names = ["Hoàng Ân", "Phạm Văn Ánh", "Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình",
             "Đỗ Văn Đức", "Dương Văn Dũng"]
    ordered = sorted(names, key=collation.name_sort_string)
    assert [n.split()[-1] for n in ordered] == ["An", "Anh", "Ánh", "Ân", "Bình", "Dũng", "Đức"]


def test_hyphenated_names_sort_as_separate_syllables():
    names = ["Nguyễn Hải-Vân", "Nguyễn Hà-Khoa", "Lê Thị Hà", "Trần Văn Hải"]
    ordered = ["Lê Thị Hà", "Nguyễn Hà-Khoa", "Trần Văn Hải", "Nguyễn Hải-Vân"]
    assert sorted(names, key=collation.name_sort_string) == ordered
    assert sorted(names, key=vntext.name_sort_key) == ordered


def test_lookalike_eth_sorts_as_d():
    assert collation.name_sort_string("\u00d0ỗ Văn \u00d0ức") == \
        collation.name_sort_string("Đỗ Văn Đức")


def test_migration_6_rekeys_stored_names(tmp_path):
    """A file written before the keys changed: its stale keys are recomputed on opening."""
    import sqlite3
    from models import db as dbmod, org
    from models.entities import Household, Person, Unit, UnitKind
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    village = Unit.create(name="Thôn \u00d0ông", name_key="thon ðong",
                          kind=UnitKind.get(UnitKind.code == "thon"))
    for name in ("Nguyễn Hải-Vân", "Nguyễn Hà-Khoa"):
        Household.create(head_name=name, name_key="stale", sort_key=name, gender="nam",
                         village=village)
    Person.create(full_name="\u00d0ỗ \u00d0ức", name_key="ðo ðuc", sort_key="x", gender="nam")
    dbmod.close_database()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=1")
    # NfcCharField already wrote Đ: put the look-alike back as an older version stored it.
    conn.execute("UPDATE person SET full_name = ?", ("\u00d0ỗ \u00d0ức",))
    conn.commit()
    conn.close()
    dbmod.open_database(path)
    try:
        assert [h.head_name for h in org.list_households()] == ["Nguyễn Hà-Khoa", "Nguyễn Hải-Vân"]
        assert Unit.get_by_id(village.id).name_key == "thon dong"
        person = Person.get()
        assert person.name_key == "do duc"
        assert person.sort_key == collation.name_sort_string("Đỗ Đức")
        assert [p.id for p in org.list_people(search="đức")] == [person.id]
        assert dbmod.db.execute_sql("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
    finally:
        dbmod.close_database()


@pytest.mark.parametrize("reverse", [False, True])
def test_sorted_gently_is_sorted_in_runs(reverse):
    names = ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Anh", "Phạm Bình", "Nguyễn An", "lê anh",
             "Hà-Khoa", "Đỗ Đức", "Thôn 10", "Thôn 2", ""] * 37
    items = list(enumerate(names))            # equal names: the first listed stays first

    def key(item):
        return vntext.name_sort_key(item[1])
    expected = sorted(items, key=key, reverse=reverse)
    for run in (5, 64, 10000):
        assert collation.sorted_gently(items, key, reverse=reverse, run=run) == expected
