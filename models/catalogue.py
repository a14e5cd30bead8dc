"""The editable catalogue: titles and forms, unit kinds, the dated base-salary table."""
import datetime
from decimal import Decimal

from .entities import BaseSalary, Title, UnitKind
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, service, snapshot
from . import vntext


def unit_kinds():
    return list(UnitKind.select().order_by(UnitKind.order, UnitKind.name))


def unit_kind(code):
    kind = UnitKind.get_or_none(UnitKind.code == code)
    if kind is None:
        raise NotFound(f"Không có loại đơn vị '{code}'.")
    return kind


def titles(*, subject_kind=None, active_only=True):
    query = Title.select().order_by(Title.subject_kind, Title.rank.desc(), Title.name)
    if subject_kind:
        query = query.where(Title.subject_kind == subject_kind)
    if active_only:
        query = query.where(Title.active == True)  # noqa: E712 - peewee expression
    return list(query)


def title_by_code(code):
    title = Title.get_or_none(Title.code == code)
    if title is None:
        raise NotFound(f"Không có danh hiệu/hình thức mã '{code}' trong danh mục.")
    return title


def title_allows(title, *, subject_kind, unit_kind_code=None):
    """Whether ``title`` may be given to this kind of subject (and kind of unit)."""
    if title.subject_kind != subject_kind:
        return False
    allowed = [c for c in (title.unit_kinds or "").split(",") if c]
    return not allowed or unit_kind_code in allowed


@service("leader")
def update_title(*, actor, title, **changes):
    old = snapshot(title)
    for key, value in changes.items():
        if key == "name":
            value = vntext.validate_name(value, label="Tên danh hiệu")
        if key in ("coefficient", "multiple") and value not in (None, ""):
            value = vntext.parse_number(value)
            if value < 0:
                raise ValidationError("Hệ số không được âm.", field=key)
        setattr(title, key, value)
    title.save()
    audit(actor, "update_title", title, old=old, new=snapshot(title))
    return title


def base_salaries():
    return list(BaseSalary.select().order_by(BaseSalary.effective_from.desc()))


def base_salary_on(day):
    """The base salary in force on ``day`` (đồng), or None when no row covers it."""
    row = (BaseSalary.select().where(BaseSalary.effective_from <= day)
           .order_by(BaseSalary.effective_from.desc()).first())
    return row.amount if row else None


def base_salary_row_on(day):
    """(amount, effective_from, legal basis) in force on ``day``; (None, None, "") if none."""
    row = (BaseSalary.select().where(BaseSalary.effective_from <= day)
           .order_by(BaseSalary.effective_from.desc()).first())
    return (row.amount, row.effective_from, row.legal_basis or "") if row else (None, None, "")


@service("leader")
def add_base_salary(*, actor, effective_from, amount, legal_basis=""):
    if not isinstance(effective_from, datetime.date):
        effective_from = vntext.parse_date(effective_from)
    amount = vntext.parse_number(amount)
    if amount != amount.to_integral_value() or amount <= 0:
        raise ValidationError("Mức lương cơ sở phải là số đồng nguyên dương.", field="amount")
    if BaseSalary.select().where(BaseSalary.effective_from == effective_from).exists():
        raise ConflictError(
            f"Đã có mức lương cơ sở áp dụng từ {vntext.format_date(effective_from)}.")
    row = BaseSalary.create(effective_from=effective_from, amount=int(amount),
                            legal_basis=vntext.clean_text(legal_basis))
    audit(actor, "add_base_salary", row, new=snapshot(row))
    return row


def coefficient(value):
    return None if value in (None, "") else Decimal(value)
