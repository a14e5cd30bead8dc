"""models.bulk.column_db_values and models.fields.new_uuids: the shortcuts the import uses
give exactly what the fields' own conversion gives."""
import datetime
import unicodedata
import uuid

from models.bulk import column_db_values
from models.entities import Household
from models.fields import new_uuids

NFC = "Nguyễn Thị Ánh"
TEXTS = ["", "Tran Van An", NFC, unicodedata.normalize("NFD", NFC),
         "\u00d0ặng Văn \u00f0ức",            # look-alike Ð/ð (vntext.nfc maps them to Đ/đ)
         "Ðinh", None, 1975, b"bytes"]


def test_text_columns_as_the_fields_convert_them():
    for field in (Household.head_name, Household.note, Household.uuid):
        got = column_db_values(field, TEXTS)
        assert got == [field.db_value(v) for v in TEXTS], field.name
    got = column_db_values(Household.head_name, TEXTS)
    assert got[3] == NFC and got[4] == "Đặng Văn đức" and got[5] == "Đinh"


def test_int_and_other_columns_as_the_fields_convert_them():
    ints = [1, None, 1975, "1980", 2.0, True]
    for field in (Household.birth_year, Household.village, Household.id):
        got = column_db_values(field, ints)
        want = [field.db_value(v) for v in ints]
        assert got == want and [type(v) for v in got] == [type(v) for v in want], field.name
    now = datetime.datetime(2026, 11, 30, 17, 0)
    assert column_db_values(Household.created_at, [now]) == [Household.created_at.db_value(now)]
    assert column_db_values(Household.active, [1, 0]) == [True, False]


def test_new_uuids_are_distinct_version_4():
    values = new_uuids(5000)
    assert len(set(values)) == 5000
    for text in values:
        u = uuid.UUID(text)
        assert str(u) == text and u.version == 4 and u.variant == uuid.RFC_4122
    assert new_uuids(0) == []


def test_release_gently_empties_what_it_is_given_and_only_that():
    from models.freeing import free_gradually
    rows = [{"n": i} for i in range(2500)]
    kept = rows[:3]
    infos = {i: str(i) for i in range(2300)}
    seen = set(range(1001))
    other = list(range(10))
    free_gradually(rows, infos, seen)
    assert rows == [] and infos == {} and seen == set()
    assert kept == [{"n": 0}, {"n": 1}, {"n": 2}] and other == list(range(10))
