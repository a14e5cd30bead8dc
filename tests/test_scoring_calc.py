"""Pure scoring arithmetic: parsing points, proportional scores, totals, bands, ranks."""
from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from models.scoring_calc import (BandRule, Board, Crit, PointsError, TableSpec, compute,
                                 fmt_points, parse_points, proportional_points, rank)

MANUAL = Crit(1, "I.1", "Thu nhập", D(10), "manual", group="I")
YESNO = Crit(2, "I.2", "Mô hình", D(5), "yesno", group="I")
PROP = Crit(3, "II.1", "Gia đình văn hóa", D(10), "proportional", group="II")
BONUS = Crit(4, "T.1", "Thưởng", D(5), "bonus", group="+")
DED = Crit(5, "Đ.1", "Không đăng ký", D(8), "deduction", group="-")
DED_REP = Crit(6, "Đ.2", "Báo cáo trễ", D(2), "deduction", group="-", repeatable=True)
BANDS = [BandRule("Xuất sắc", D(90), D(85)), BandRule("Tốt", D(80)), BandRule("Khá", D(70)),
         BandRule("Yếu", D(0))]


def spec(**kw):
    return TableSpec(leaves=[MANUAL, YESNO, PROP, BONUS, DED, DED_REP], bands=BANDS,
                     total_max=D(25), bonus_max=kw.get("bonus_max", D(3)),
                     tie_break=kw.get("tie_break", ["group:I", "group:II", "penalties"]))


@pytest.mark.parametrize("text, expected", [
    ("8,5", D("8.50")), ("8.5", D("8.50")), (" 10 ", D("10.00")), ("0", D("0.00")),
    ("8,25", D("8.25")), ("8.500", D("8.50")), (D("7"), D("7.00")), ("", None), (None, None),
])
def test_parse_manual_points(text, expected):
    assert parse_points(text, MANUAL) == expected


@pytest.mark.parametrize("text, words", [
    ("11", "vượt quá điểm tối đa 10"), ("-1", "không được âm"),
    ("abc", "không phải là số điểm"), ("8,255", "tối đa hai chữ số thập phân"),
    ("8,5,1", "không phải là số điểm"), ("1e3", "vượt quá"), ("nan", "không phải là số"),
])
def test_parse_refuses_with_reason(text, words):
    with pytest.raises(PointsError) as err:
        parse_points(text, MANUAL)
    assert words in str(err.value)
    assert "I.1" in str(err.value) or "không phải" in str(err.value)


def test_yes_no_accepts_words_and_only_zero_or_max():
    assert parse_points("có", YESNO) == D(5)
    assert parse_points("Không", YESNO) == D(0)
    assert parse_points("x", YESNO) == D(5)
    assert parse_points("5", YESNO) == D(5)
    with pytest.raises(PointsError, match="Có/Không"):
        parse_points("3", YESNO)


def test_deduction_must_be_negative_and_within_size():
    assert parse_points("-8", DED) == D(-8)
    assert parse_points("\u22128", DED) == D(-8)   # typographic minus from Word
    assert parse_points("0", DED) == D(0)
    with pytest.raises(PointsError, match="số âm"):
        parse_points("8", DED)
    with pytest.raises(PointsError, match="tối đa 8"):
        parse_points("-10", DED)


def test_repeatable_deduction_takes_multiples_only():
    assert parse_points("-6", DED_REP) == D(-6)
    with pytest.raises(PointsError, match="bội"):
        parse_points("-3", DED_REP)


def test_group_cannot_be_typed():
    group = Crit(9, "I", "Kinh tế", D(25), "group")
    with pytest.raises(PointsError, match="nhóm"):
        parse_points("3", group)


def test_fmt_points_vietnamese():
    assert fmt_points(D("8.50")) == "8,5"
    assert fmt_points(D("10.00")) == "10"
    assert fmt_points(D("-8")) == "-8"
    assert fmt_points(D("950.25")) == "950,25"
    assert fmt_points(None) == ""


@pytest.mark.parametrize("target, actual, direction, expected", [
    ("85", "85", "higher", "10.00"), ("85", "90", "higher", "10.00"),       # capped
    ("85", "68", "higher", "8.00"), ("5", "4", "lower", "10.00"),
    ("4", "5", "lower", "8.00"), ("100", "90", "exact", "9.00"),
    ("100", "110", "exact", "9.00"), (None, "3", "higher", None), ("0", "0", "higher", "10.00"),
])
def test_proportional_points(target, actual, direction, expected):
    got = proportional_points(D(10), target and D(target), actual and D(actual), direction)
    assert got == (D(expected) if expected else None)


def test_totals_bonus_cap_and_deductions():
    s = spec()
    r = compute(s, [D("8.5"), D(5), D(10), D(5), D(-8), D(-4)])
    assert r.content == D("23.5")
    assert r.bonus == D(3)                      # capped at bonus_max
    assert r.deduction == D(-12)
    assert r.total == D("14.5")
    assert r.groups == (D("13.5"), D(10), D(5), D(-12))


def test_nothing_entered_has_no_total_and_no_rank():
    s = spec()
    r = compute(s, [None] * 6)
    assert r.total is None and r.band == "" and r.missing == 3
    assert rank(s, {"a": r})["a"] is None


def test_band_floor_blocks_top_band():
    s = TableSpec(leaves=[Crit(1, "A", "a", D(50), "manual"), Crit(2, "B", "b", D(50), "manual")],
                  bands=BANDS)
    assert compute(s, [D(50), D(43)]).band == "Xuất sắc"      # B is 86 % of its max
    assert compute(s, [D(50), D("42.5")]).band == "Xuất sắc"   # exactly 85 %
    assert compute(s, [D(50), D("42")]).band == "Tốt"          # 84 %: floor fails
    assert compute(s, [D(30), D(30)]).band == "Yếu"


def test_rank_ties_use_rules_then_share():
    s = spec()
    a = compute(s, [D(10), D(0), D(10), None, None, None])   # 20, group I 10
    b = compute(s, [D(5), D(5), D(10), None, None, None])    # 20, group I 10 too
    c = compute(s, [D(10), D(5), D(5), None, None, None])    # 20, group I 15 → first
    d = compute(s, [D(10), D(5), D(10), None, D(-8), None])  # 17
    e = compute(s, [D(10), D(0), D(10), None, None, None])   # same as a
    ranks = rank(s, {"a": a, "b": b, "c": c, "d": d, "e": e})
    assert ranks["c"] == 1
    assert ranks["a"] == ranks["b"] == ranks["e"] == 2       # group I and II equal too
    assert ranks["d"] == 5


def test_penalties_rule_breaks_tie():
    s = spec(tie_break=["penalties"])
    clean = compute(s, [D(10), D(5), D(10), None, None, None])      # 25
    fined = compute(s, [D(10), D(5), D(10), D(3), None, D(-2)])     # 25 + 3 − 2 = 26
    fined2 = compute(s, [D(10), D(5), D(10), D(2), None, D(-2)])    # 25
    ranks = rank(s, {"clean": clean, "fined": fined, "fined2": fined2})
    assert ranks == {"fined": 1, "clean": 2, "fined2": 3}


def test_board_recomputes_only_the_changed_row_and_its_bloc():
    s = spec()
    rows = [("a", 1), ("b", 1), ("c", 2)]
    board = Board(s, rows, [[D(10), D(5), D(10), None, None, None],
                            [D(9), D(5), D(10), None, None, None],
                            [D(1), D(0), D(0), None, None, None]])
    assert board.ranks == [1, 2, 1]
    changed = board.set_value(1, 0, D(10))
    assert board.results[1].total == D(25)
    assert board.ranks[:2] == [1, 1]
    assert changed == [1]                   # row a keeps rank 1: not repainted
    board.set_value(0, 0, D(0))
    assert board.ranks[:2] == [2, 1]
    assert board.band_counts()["Yếu"] == 3


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=3, max_size=3))
def test_total_is_exact_sum_of_hundredths(cents):
    s = TableSpec(leaves=[Crit(i, str(i), "x", D(10), "manual") for i in range(3)])
    values = [D(c).scaleb(-2) for c in cents]
    assert compute(s, values).total == D(sum(cents)).scaleb(-2)


@given(st.decimals(min_value=-20, max_value=20, places=3))
def test_parse_never_lets_out_of_range_through(value):
    try:
        got = parse_points(str(value), MANUAL)
    except PointsError:
        return
    assert D(0) <= got <= D(10)
