"""The reward fund (quỹ thi đua, khen thưởng) as a ledger: receipts, payments, yearly balances.

Receipts are budget allocations, contributions, recoveries (a revoked or reduced decision's
money coming back) and other income; payments are each issued decision's total and other
spending. A decision's entry is written by ``decisions.issue_decision`` through
``entry_for_issue`` in the same transaction. A payment beyond the balance is not refused:
it needs a reason (``FundOverdraft`` until one is given), and the reason is audited. While
the clerk has not entered a single entry by hand, the ledger is "not kept" and issuing a
decision only records its payment, with no warning.
"""
import datetime

from peewee import JOIN, Case, fn

from . import vntext
from .bulk import Prepared
from .entities import Decision, FundEntry
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, service, snapshot
from .templates import NeedsConfirmation

RECEIPT, PAYMENT = "receipt", "payment"
KINDS = {   # kind: (direction, label)
    "budget": (RECEIPT, "Ngân sách cấp"),
    "contribution": (RECEIPT, "Đóng góp, ủng hộ"),
    "recovery": (RECEIPT, "Thu hồi tiền thưởng"),
    "other_in": (RECEIPT, "Thu khác"),
    "decision": (PAYMENT, "Chi thưởng theo quyết định"),
    "other_out": (PAYMENT, "Chi khác"),
}
MANUAL_KINDS = ("budget", "contribution", "other_in", "other_out")
DIRECTION_NAMES = {RECEIPT: "Thu", PAYMENT: "Chi"}
MAX_AMOUNT = 10 ** 13          # ten thousand billion đồng: beyond any commune's fund


class FundOverdraft(NeedsConfirmation):
    """A payment larger than the balance: allowed only with a reason (``over_reason``)."""

    def __init__(self, message, *, available, amount):
        super().__init__(message, field="amount")
        self.available = available
        self.amount = amount
        self.after = available - amount


# --------------------------------------------------------------------------- reading

def is_kept():
    """True once the clerk has entered any entry by hand (the ledger is being kept)."""
    return FundEntry.select().where(FundEntry.decision.is_null()).exists()


# The reports' SELECTs, rendered to SQL once (bulk.Prepared): the parameters in the order
# the SQL takes them, constants included.
_BALANCE = Prepared(lambda receipt, zero, zero_again, year: FundEntry.select(fn.COALESCE(
    fn.SUM(Case(FundEntry.direction, ((receipt, FundEntry.amount),), zero - FundEntry.amount)),
    zero_again)).where(FundEntry.year <= year))
_YEAR_SUMS = Prepared(lambda year: FundEntry.select(FundEntry.direction, fn.SUM(
    FundEntry.amount)).where(FundEntry.year == year).group_by(FundEntry.direction).tuples())
_LEDGER = Prepared(lambda year: FundEntry.select(FundEntry, Decision)
                   .join(Decision, JOIN.LEFT_OUTER, on=(FundEntry.decision == Decision.id))
                   .where(FundEntry.year == year).order_by(FundEntry.date, FundEntry.id))
_BY_DECISION = Prepared(lambda year: FundEntry.select(FundEntry, Decision).join(Decision)
                        .where(FundEntry.year == year).order_by(Decision.date, Decision.seq))


def balance_through(year):
    """Receipts − payments of every entry up to and including ``year`` (đồng)."""
    return int(_BALANCE.rows(RECEIPT, 0, 0, year)[0][0] or 0)


def year_summary(year):
    """{"year", "opening", "receipts", "payments", "closing"} — carry-over from earlier years."""
    opening = balance_through(year - 1)
    sums = dict(_YEAR_SUMS.objects(year))
    receipts, payments = int(sums.get(RECEIPT) or 0), int(sums.get(PAYMENT) or 0)
    return {"year": year, "opening": opening, "receipts": receipts, "payments": payments,
            "closing": opening + receipts - payments}


def years():
    """Years that have entries, plus this year, newest first."""
    have = {y for (y,) in FundEntry.select(FundEntry.year).distinct().tuples()}
    return sorted(have | {datetime.date.today().year}, reverse=True)


def ledger_rows(year):
    """The year's entries in date order with the running balance (opening included)."""
    balance = balance_through(year - 1)
    rows = []
    for e in _LEDGER.objects(year):
        signed = e.amount if e.direction == RECEIPT else -e.amount
        balance += signed
        dec = e.decision_id and e.decision
        rows.append({
            "id": e.id, "date": e.date, "direction": e.direction,
            "direction_label": DIRECTION_NAMES[e.direction], "kind": e.kind,
            "kind_label": KINDS[e.kind][1], "content": e.content,
            "doc_number": e.doc_number or (dec.number if dec else ""),
            "doc_date": e.doc_date or (dec.date if dec else None),
            "receipt": e.amount if e.direction == RECEIPT else 0,
            "payment": e.amount if e.direction == PAYMENT else 0,
            "balance": balance, "decision_id": e.decision_id, "note": e.note,
            "over_reason": e.over_reason, "manual": e.decision_id is None})
    return rows


def payments_by_decision(year):
    """Payments (and recoveries) of decisions in ``year``: [{number, date, about, amount}]."""
    return [{"number": e.decision.number, "date": e.decision.date, "about": e.decision.about,
             "direction": e.direction,
             "amount": e.amount if e.direction == PAYMENT else -e.amount}
            for e in _BY_DECISION.objects(year)]


# --------------------------------------------------------------------------- decisions

def _decision_amount(decision):
    """Signed money a decision moves out of the fund on issue (negative: money back)."""
    if decision.kind == "award":
        return decision.total
    # (only the columns used: migration step 8 runs this on files that lack later columns)
    before = (Decision.select(Decision.total).where(Decision.id == decision.amends_id)
              .scalar() or 0) if decision.amends_id else 0
    if decision.kind == "revoke":
        return -before
    return decision.total - before


def _decision_content(decision, amount):
    what = f"Quyết định số {decision.number} ngày {vntext.format_date(decision.date)}"
    if decision.kind == "revoke":
        return f"Thu hồi tiền thưởng theo {what}"
    if decision.kind == "amend":
        return (f"Chi bổ sung theo {what}" if amount > 0
                else f"Thu hồi phần tiền giảm theo {what}")
    return f"Chi tiền thưởng theo {what}"


def decision_entry(decision):
    """The FundEntry fields a decision's issue writes, or None when it moves no money."""
    amount = _decision_amount(decision)
    if not amount:
        return None
    return {"date": decision.date, "year": decision.date.year,
            "direction": PAYMENT if amount > 0 else RECEIPT,
            "kind": "decision" if amount > 0 else "recovery", "amount": abs(amount),
            "decision": decision.id, "content": _decision_content(decision, amount)}


def issue_check(decision):
    """What issuing ``decision`` does to the fund: {"kept", "year", "available", "amount",
    "after", "exceeds"} (amount: signed money out; available: balance through its year)."""
    amount = _decision_amount(decision)
    year = decision.date.year
    available = balance_through(year)
    kept = is_kept()
    return {"kept": kept, "year": year, "available": available, "amount": amount,
            "after": available - amount, "exceeds": kept and amount > 0 and amount > available}


def issue_text(check):
    """One paragraph for the issue confirmation: the fund before and after."""
    money = vntext.format_money
    if not check["kept"]:
        return ("Sổ quỹ thi đua, khen thưởng chưa có khoản thu nào: tiền thưởng sẽ được ghi "
                "vào sổ quỹ, số dư không được kiểm tra.")
    where = (f"Quỹ thi đua, khen thưởng (đến hết năm {check['year']}) còn "
             f"{money(check['available'])}")
    amount = check["amount"]
    if amount > 0:
        text = f"{where}; sau khi chi {money(amount)} còn {money(check['after'])}."
        if check["exceeds"]:
            text += (" Tổng tiền thưởng VƯỢT số dư quỹ: nếu vẫn ban hành, lãnh đạo cần ghi "
                     "lý do.")
        return text
    if amount < 0:
        return f"{where}; quyết định thu về {money(-amount)}, quỹ còn {money(check['after'])}."
    return f"{where}; quyết định không thay đổi số dư quỹ."


def overdraft_message(what, available, amount):
    return (f"{what} {vntext.format_money(amount)} lớn hơn số dư quỹ thi đua, khen thưởng "
            f"({vntext.format_money(available)}); sau khi chi quỹ sẽ âm "
            f"{vntext.format_money(amount - available)}. Nếu vẫn chi (ví dụ chờ ngân sách cấp "
            "bổ sung), hãy ghi lý do.")


def entry_for_issue(actor, decision, over_reason=None):
    """Write the fund entry of a decision being issued (inside issue_decision's transaction).
    Raises FundOverdraft when the ledger is kept, the payment exceeds the balance and no
    reason is given; the reason is stored on the entry and audited."""
    values = decision_entry(decision)
    if values is None or FundEntry.select().where(FundEntry.decision == decision.id).exists():
        return None
    check = issue_check(decision)
    reason = vntext.clean_text(over_reason)
    if check["exceeds"] and not reason:
        raise FundOverdraft(overdraft_message("Tổng tiền thưởng của quyết định",
                                              check["available"], check["amount"]),
                            available=check["available"], amount=check["amount"])
    entry = FundEntry.create(username=actor.username,
                             over_reason=reason if check["exceeds"] else "", **values)
    audit(actor, "fund_decision_entry", entry, new=snapshot(entry),
          reason=reason if check["exceeds"] else None)
    return entry


# --------------------------------------------------------------------------- manual entries

def _amount(value):
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        text = vntext.clean_text(value).replace("đồng", "").replace("đ", "").strip()
        digits = text.replace(".", "").replace(",", "").replace(" ", "")
        value = int(digits) if digits.isdigit() else None
    elif isinstance(value, float):
        value = int(value) if value == int(value) else None
    if not isinstance(value, int) or value <= 0:
        raise ValidationError("Số tiền phải là số đồng nguyên lớn hơn 0 (ví dụ 50.000.000).",
                              field="amount")
    if value >= MAX_AMOUNT:
        raise ValidationError("Số tiền quá lớn; hãy kiểm tra lại các chữ số.", field="amount")
    return value


def _values(kind, date, amount, content, doc_number, doc_date, note):
    if kind not in MANUAL_KINDS:
        names = ", ".join(f"{k} ({KINDS[k][1]})" for k in MANUAL_KINDS)
        raise ValidationError(f"Loại thu/chi '{kind}' không nhập tay được; chọn một trong: "
                              f"{names}. Tiền thưởng của quyết định tự ghi khi ban hành.",
                              field="kind")
    date = vntext.form_date(date, label="ngày thu/chi", field="date")
    if date > datetime.date.today() + datetime.timedelta(days=366):
        raise ValidationError("Ngày thu/chi quá xa trong tương lai.", field="date")
    content = vntext.clean_text(content) or KINDS[kind][1]
    return {"date": date, "year": date.year, "direction": KINDS[kind][0], "kind": kind,
            "amount": _amount(amount), "content": content[:500],
            "doc_number": vntext.clean_text(doc_number)[:100],
            "doc_date": (vntext.form_date(doc_date, label="ngày chứng từ", field="doc_date")
                         if doc_date else None),
            "note": vntext.clean_text(note)}


def _check_overdraft(values, reason, *, old_amount=0):
    """A payment beyond the balance of its year (this entry's old amount given back)."""
    if values["direction"] != PAYMENT:
        return ""
    available = balance_through(values["year"]) + old_amount
    if values["amount"] <= available:
        return ""
    reason = vntext.clean_text(reason)
    if not reason:
        raise FundOverdraft(overdraft_message("Khoản chi", available, values["amount"]),
                            available=available, amount=values["amount"])
    return reason


@service("clerk")
def add_entry(*, actor, kind, date, amount, content="", doc_number="", doc_date=None,
              note="", over_reason=None):
    """A receipt or a payment entered by hand; a payment beyond the balance needs a reason."""
    values = _values(kind, date, amount, content, doc_number, doc_date, note)
    reason = _check_overdraft(values, over_reason)
    entry = FundEntry.create(username=actor.username, over_reason=reason, **values)
    audit(actor, "fund_add_entry", entry, new=snapshot(entry), reason=reason or None)
    return entry


def _manual(entry_id):
    entry = FundEntry.get_or_none(FundEntry.id == entry_id)
    if entry is None:
        raise NotFound(f"Không có khoản thu/chi mã {entry_id}.")
    if entry.decision_id is not None:
        raise ConflictError("Khoản này là tiền thưởng của một quyết định đã ban hành: không sửa "
                            "hay xóa được. Muốn thay đổi, hãy lập quyết định điều chỉnh hoặc "
                            "thu hồi (sổ quỹ tự ghi phần chênh lệch).")
    return entry


@service("clerk")
def update_entry(*, actor, entry_id, kind, date, amount, content="", doc_number="",
                 doc_date=None, note="", over_reason=None):
    entry = _manual(entry_id)
    old = snapshot(entry)
    values = _values(kind, date, amount, content, doc_number, doc_date, note)
    if old["year"] != values["year"]:
        old_amount = 0
    else:
        old_amount = entry.amount if entry.direction == PAYMENT else -entry.amount
    reason = _check_overdraft(values, over_reason, old_amount=old_amount)
    for key, value in values.items():
        setattr(entry, key, value)
    entry.over_reason = reason
    entry.save()
    audit(actor, "fund_update_entry", entry, old=old, new=snapshot(entry),
          reason=reason or None)
    return entry


@service("clerk")
def delete_entry(*, actor, entry_id, reason):
    """Remove a hand-entered entry (a mistake), with the reason in the audit log."""
    entry = _manual(entry_id)
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do xóa khoản thu/chi.", field="reason")
    old = snapshot(entry)
    entry.delete_instance()
    audit(actor, "fund_delete_entry", "fund_entry", entity_id=old["id"], old=old, reason=reason)


def backfill_decisions():
    """Entries for issued decisions that have none (files from before the ledger)."""
    have = {d for (d,) in FundEntry.select(FundEntry.decision)
            .where(FundEntry.decision.is_null(False)).tuples()}
    made = 0
    # only the columns used: migration step 8 runs this on files from before step 15 (which
    # added decision.version); selecting the whole model read a column not there yet
    columns = (Decision.id, Decision.kind, Decision.total, Decision.amends, Decision.number,
               Decision.date, Decision.issued_by)
    for decision in (Decision.select(*columns).where(Decision.state != "draft")
                     .order_by(Decision.date, Decision.id)):
        if decision.id in have:
            continue
        values = decision_entry(decision)
        if values is not None:
            FundEntry.create(username=decision.issued_by or "", **values)
            made += 1
    return made
