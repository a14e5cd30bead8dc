"""``json_text.dumps`` is ``json.dumps(…, ensure_ascii=False, indent=1, default=str)`` byte
for byte (the batch commands' --json output is a contract), for any value: the flat-rows
fast path and everything that falls back."""
import datetime
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from models import json_text


def _same(value):
    assert json_text.dumps(value) == json.dumps(value, ensure_ascii=False, indent=1,
                                                default=str)


# Text with what could be taken for the marks or the structure: control characters (the
# marks themselves), braces and separators, quotes, backslashes, Vietnamese and astral.
TEXT = st.text(alphabet=st.sampled_from(
    list("\x1d\x1e\x1f\x00\n\t\"\\{}[],: ") + list("aĐđễỹ") + ["\U0001F600", "\u2028"]))
SCALAR = st.one_of(TEXT, st.none(), st.booleans(), st.integers(),
                   st.floats(allow_nan=True, allow_infinity=True),
                   st.dates(), st.decimals(allow_nan=False, places=3))
KEY = st.one_of(TEXT, st.integers(), st.booleans())
ROW = st.dictionaries(KEY, st.one_of(SCALAR, st.lists(SCALAR, max_size=2),
                                     st.dictionaries(TEXT, SCALAR, max_size=2)), max_size=5)
FLAT_ROW = st.dictionaries(TEXT, SCALAR, min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(FLAT_ROW, max_size=6))
def test_flat_rows_are_written_as_json_dumps_writes_them(rows):
    _same(rows)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(ROW, max_size=4), ROW, SCALAR, st.lists(SCALAR, max_size=4)))
def test_any_other_value_falls_back_to_json_dumps(value):
    _same(value)


def test_what_the_list_commands_write():
    rows = [{"id": 1, "uuid": "a1", "head_name": "Nguyễn Văn \"Tư\" {}", "gender": "Nam",
             "birth_year": None, "village": "Thôn 1", "address": "Số 1,\nThôn 1",
             "active": True},
            {"id": 2, "uuid": "b2", "head_name": "Lê Thị Hoa", "gender": "Nữ",
             "birth_year": 1970, "village": "Tổ dân phố 2", "address": "}\x1e{",
             "active": False, "money": Decimal("1.50"), "day": datetime.date(2026, 1, 2)}]
    _same(rows)
    _same([])
    _same([{}])
    _same([{"a": 1}, {}])
    _same({"summary": {"total": 3}, "entries": rows})
    assert json_text.dumps(rows[:1]).startswith('[\n {\n  "id": 1,\n  "uuid": "a1",\n')
