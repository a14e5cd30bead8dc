"""First-run set-up: commune settings, base salary, the first leader account, the commune unit."""
import datetime

from .db import db
from .entities import BaseSalary, Unit, UnitKind
from .errors import ValidationError
from .service import audit
from . import accounts, settings, vntext


def complete_setup(*, province_code, province_name, commune_code, commune_name, chairman,
                   vice_chairmen, place_name, decision_suffix, base_salary, salary_from,
                   username, full_name, password):
    """Everything the wizard gathered, saved in one transaction; returns the leader."""
    commune_name = vntext.validate_name(commune_name, label="Tên xã/phường", field="commune")
    chairman = vntext.validate_name(chairman, label="Họ tên Chủ tịch", field="chairman")
    place_name = vntext.validate_name(place_name, label="Địa danh ghi ngày tháng",
                                      field="place_name")
    decision_suffix = vntext.validate_name(decision_suffix or "QĐ-UBND",
                                           label="Ký hiệu quyết định", max_len=30,
                                           field="decision_suffix")
    amount = vntext.parse_number(base_salary)
    if amount <= 0 or amount != amount.to_integral_value():
        raise ValidationError("Mức lương cơ sở phải là số đồng nguyên dương.",
                              field="base_salary")
    if not isinstance(salary_from, datetime.date):
        salary_from = vntext.parse_date(salary_from)
    accounts.validate_password(password)
    with db.atomic():
        leader = accounts.create_first_leader(username=username, full_name=full_name,
                                              password=password)
        settings.save_initial_settings(actor=leader, values={
            "province_code": province_code, "province_name": province_name,
            "commune_code": commune_code, "commune_name": commune_name,
            "chairman": chairman, "vice_chairmen": list(vice_chairmen or []),
            "place_name": place_name, "decision_suffix": decision_suffix,
        })
        row = BaseSalary.get_or_none(BaseSalary.effective_from == salary_from)
        if row is None:
            BaseSalary.create(effective_from=salary_from, amount=int(amount))
            audit(leader, "add_base_salary", "base_salary",
                  new={"effective_from": salary_from, "amount": int(amount)})
        elif row.amount != int(amount):
            audit(leader, "update_base_salary", row, old={"amount": row.amount},
                  new={"amount": int(amount)})
            row.amount = int(amount)
            row.save()
        settings.save_initial_settings(actor=leader, values={"setup_done": True})
        return leader


def ensure_commune_unit(actor):
    """The root of the unit tree (the commune itself), created when missing."""
    from . import org
    xa = UnitKind.get(UnitKind.code == "xa")
    root = Unit.get_or_none((Unit.parent.is_null()) & (Unit.kind == xa))
    if root is None:
        root = org.add_unit(actor=actor, name=settings.get("commune_name") or "Xã", kind="xa")
    return root
