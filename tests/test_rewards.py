"""Reward money: coefficient × base salary on the decision date, rounded up to 10,000 đồng."""
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from models import catalogue, rewards, settings
from models.errors import ValidationError


def test_round_up_to_10k():
    assert rewards.round_up_to_10k(702_000) == 710_000
    assert rewards.round_up_to_10k(710_000) == 710_000
    assert rewards.round_up_to_10k(710_001) == 720_000
    assert rewards.round_up_to_10k(Decimal("1.5")) == 10_000
    assert rewards.round_up_to_10k(0) == 0


@given(st.integers(min_value=1, max_value=10**12))
def test_round_up_is_the_smallest_multiple_not_below(amount):
    rounded = rewards.round_up_to_10k(amount)
    assert rounded % 10_000 == 0
    assert amount <= rounded < amount + 10_000


def test_worked_example_0_3_times_2_340_000():
    # DOMAIN.md §4: 0.3 × 2,340,000 = 702,000 → 710,000 đồng
    assert rewards.title_amount("0.3", "1", 2_340_000) == 710_000
    assert rewards.explain("0.3", "1", 2_340_000) == "0,3 × 2.340.000 = 702.000 → 710.000 đồng"


def test_multiples_before_or_after_rounding():
    # household Giấy khen: 0.3 × 1.5 × base, rounded up last (the default reading)
    assert rewards.title_amount("0.3", "1.5", 2_340_000) == 1_060_000          # 1,053,000 ↑
    assert rewards.explain("0.3", "1.5", 2_340_000) == \
        "0,3 × 1,5 × 2.340.000 = 1.053.000 → 1.060.000 đồng"
    # the other reading: the individual amount, × 1.5, and still a multiple of 10,000
    assert rewards.title_amount("0.3", "1.5", 2_340_000,
                                multiples_before_rounding=False) == 1_070_000  # 1,065,000 ↑
    assert rewards.explain("0.3", "1.5", 2_340_000, multiples_before_rounding=False) == \
        "0,3 × 2.340.000 = 702.000 → 710.000 × 1,5 = 1.065.000 → 1.070.000 đồng"
    # collective Giấy khen: 2 × the individual amount
    assert rewards.title_amount("0.3", "2", 2_340_000) == 1_410_000            # 1,404,000 ↑
    assert rewards.title_amount("0.3", "2", 2_340_000,
                                multiples_before_rounding=False) == 1_420_000
    assert rewards.title_amount(None, "1", 2_340_000) == 0


@given(st.sampled_from(["0.3", "0.8", "1", "1.5", "2", "0.35"]),
       st.sampled_from(["1", "1.5", "2", "2.5"]), st.integers(1_000_000, 5_000_000),
       st.booleans())
def test_every_amount_is_a_multiple_of_10k(coefficient, multiple, base, before):
    amount = rewards.title_amount(coefficient, multiple, base, multiples_before_rounding=before)
    exact = Decimal(coefficient) * Decimal(multiple) * base
    assert amount % 10_000 == 0 and amount >= exact


def test_amount_uses_base_salary_in_force_on_decision_date(database, leader):
    ldtt = catalogue.title_by_code("LDTT")
    cstd = catalogue.title_by_code("CSTDCS")
    assert rewards.amount_on(ldtt, datetime.date(2026, 6, 30)) == 710_000
    # the default table knows 2,530,000 đ from 01/07/2026 (Decree 161/2026/NĐ-CP)
    assert rewards.amount_on(ldtt, datetime.date(2026, 6, 30)) == 710_000
    assert rewards.amount_on(ldtt, datetime.date(2026, 7, 1)) == 760_000     # 759,000 ↑
    assert rewards.amount_on(cstd, datetime.date(2026, 12, 1)) == 2_530_000
    household = catalogue.title_by_code("GK_HGD")
    assert rewards.amount_on(household, datetime.date(2026, 7, 1)) == 1_140_000  # 1,138,500 ↑
    assert rewards.amount_on(household, datetime.date(2026, 6, 1)) == 1_060_000  # 1,053,000 ↑
    settings.update_settings(actor=leader, values={"multiples_before_rounding": False})
    assert rewards.amount_on(household, datetime.date(2026, 7, 1)) == 1_140_000  # 760,000 × 1.5
    assert rewards.amount_on(household, datetime.date(2026, 6, 1)) == 1_070_000  # 1,065,000 ↑


def test_no_base_salary_in_force_says_so(database):
    ldtt = catalogue.title_by_code("LDTT")
    with pytest.raises(ValidationError) as err:
        rewards.amount_on(ldtt, datetime.date(2019, 1, 15))
    assert "15/01/2019" in str(err.value) and "lương cơ sở" in str(err.value)
    # a title without money needs no base salary
    assert rewards.amount_on(catalogue.title_by_code("GDVH"), datetime.date(2019, 1, 15)) == 0


def test_only_the_highest_title_is_paid():
    items = [
        {"subject": ("person", 1), "rank": 10, "amount": 710_000},    # LĐTT
        {"subject": ("person", 1), "rank": 30, "amount": 2_340_000},  # CSTĐCS: paid
        {"subject": ("person", 2), "rank": 10, "amount": 710_000},
        {"subject": ("unit", 1), "rank": 10, "amount": 1_880_000},
    ]
    assert rewards.select_paid(items) == [False, True, True, True]
    # an award already paid in an issued decision cannot be taken back: it wins a tie
    locked = [{"subject": ("person", 2), "rank": 10, "amount": 710_000, "locked": True}]
    assert rewards.select_paid(locked + items[2:3]) == [True, False]
