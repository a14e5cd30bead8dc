"""Reward money rules (DOMAIN.md §4): coefficient × multiple × base salary in force on the
decision date, rounded up to 10,000 đồng last — every amount is a multiple of 10,000."""
from decimal import Decimal, ROUND_CEILING

from . import catalogue, settings, vntext
from .errors import ValidationError

STEP = 10_000


def round_up_to_10k(amount):
    """Whole đồng rounded up to the next multiple of 10,000: 702000 → 710000, 710000 stays."""
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    if value <= 0:
        return 0
    steps = (value / STEP).to_integral_value(rounding=ROUND_CEILING)
    return int(steps) * STEP


def _whole(value):
    """Decimal đồng → int, any fraction of a đồng rounded up (never pay less than due)."""
    return int(Decimal(value).to_integral_value(rounding=ROUND_CEILING))


def title_amount(coefficient, multiple, base_salary, *, multiples_before_rounding=True):
    """Money for one title: always a multiple of 10,000 đồng (rounding up comes last).

    ``multiples_before_rounding`` True (the default, DOMAIN.md §4): round_up(coefficient ×
    multiple × base salary) — 0.3 × 1.5 × 2,340,000 = 1,053,000 → 1,060,000.
    False (the other reading, kept as a setting): the individual amount rounded up, times the
    multiple, rounded up again — 710,000 × 1.5 = 1,065,000 → 1,070,000.
    ``coefficient`` None means the title carries no money (0).
    """
    if coefficient in (None, ""):
        return 0
    coefficient = Decimal(str(coefficient))
    multiple = Decimal(str(multiple if multiple not in (None, "") else 1))
    base = Decimal(int(base_salary))
    if multiples_before_rounding:
        return round_up_to_10k(coefficient * multiple * base)
    return round_up_to_10k(round_up_to_10k(coefficient * base) * multiple)


def base_salary_for(day):
    """Base salary in force on ``day``; ValidationError saying so when none is."""
    amount = catalogue.base_salary_on(day)
    if amount is None:
        raise ValidationError(
            f"Ngày {vntext.format_date(day)} chưa có mức lương cơ sở nào đang áp dụng, nên "
            "chưa tính được tiền thưởng. Hãy thêm mức lương cơ sở có hiệu lực từ ngày đó trở "
            "về trước (Cài đặt → Lương cơ sở) hoặc chọn ngày quyết định khác.", field="date")
    return amount


def amount_on(title, day, *, multiples_before_rounding=None):
    """Money for ``title`` on a decision dated ``day`` (int đồng)."""
    if title.coefficient in (None, ""):
        return 0
    if multiples_before_rounding is None:
        multiples_before_rounding = bool(settings.get("multiples_before_rounding"))
    return title_amount(title.coefficient, title.multiple, base_salary_for(day),
                        multiples_before_rounding=multiples_before_rounding)


def select_paid(items):
    """Only the highest title is paid for the same subject and period.

    ``items``: list of dicts with ``subject`` (any hashable key), ``rank`` (int, higher is a
    higher title), ``amount`` (int) and optionally ``locked`` (True for an award already paid
    in an issued decision, which cannot be taken back). Returns a list of bools (paid or not)
    in the same order. Ties on rank go to the larger amount, then to a locked item, then to
    the first one.
    """
    best = {}
    for index, item in enumerate(items):
        key = (item.get("rank", 0), item.get("amount", 0), bool(item.get("locked")), -index)
        current = best.get(item["subject"])
        if current is None or key > current[0]:
            best[item["subject"]] = (key, index)
    winners = {index for _, index in best.values()}
    return [index in winners for index in range(len(items))]


def explain(coefficient, multiple, base_salary, *, multiples_before_rounding=True):
    """One line showing the sum, e.g. "0,3 × 1,5 × 2.340.000 = 1.053.000 → 1.060.000 đồng"."""
    if coefficient in (None, ""):
        return "Không kèm tiền thưởng"
    coefficient = Decimal(str(coefficient))
    multiple = Decimal(str(multiple or 1))
    fmt = vntext.format_decimal
    total = title_amount(coefficient, multiple, base_salary,
                         multiples_before_rounding=multiples_before_rounding)
    if multiple == 1:
        raw = coefficient * base_salary
        return (f"{fmt(coefficient)} × {vntext.format_int(base_salary)} = "
                f"{vntext.format_int(_whole(raw))} → {vntext.format_money(total)}")
    if multiples_before_rounding:
        raw = coefficient * multiple * base_salary
        return (f"{fmt(coefficient)} × {fmt(multiple)} × {vntext.format_int(base_salary)} = "
                f"{vntext.format_int(_whole(raw))} → {vntext.format_money(total)}")
    single = round_up_to_10k(coefficient * base_salary)
    return (f"{fmt(coefficient)} × {vntext.format_int(base_salary)} = "
            f"{vntext.format_int(_whole(coefficient * base_salary))} → "
            f"{vntext.format_int(single)} × {fmt(multiple)} = "
            f"{vntext.format_int(_whole(single * multiple))} → {vntext.format_money(total)}")
