"""Accounts: slow hashing, sign-in, the first leader, roles."""
import pytest

from models import accounts, catalogue, settings
from models.entities import AuditLog, User
from models.errors import ConflictError, PermissionDenied, ValidationError


def test_password_hash_is_salted_and_checked(database):
    a, b = accounts.hash_password("mật khẩu 1"), accounts.hash_password("mật khẩu 1")
    assert a != b and a.startswith("scrypt$")
    assert accounts.check_password("mật khẩu 1", a)
    assert not accounts.check_password("mật khẩu 2", a)


def test_first_leader_then_sign_in(database):
    leader = accounts.create_first_leader(username="chutich", full_name="Nguyễn Văn Hùng",
                                          password="Hung-2026!")
    assert leader.role == "leader"
    with pytest.raises(PermissionDenied):
        accounts.create_first_leader(username="khac", full_name="Khác", password="Hung-2026!")
    assert accounts.authenticate("chutich", "Hung-2026!").id == leader.id
    with pytest.raises(ValidationError, match="Sai tên đăng nhập hoặc mật khẩu"):
        accounts.authenticate("chutich", "sai")


def test_only_leaders_manage_accounts(leader, clerk):
    user = accounts.create_user(actor=leader, username="nv2", full_name="Lê Thị Lan",
                                role="viewer", password="lan-2026-xa")
    assert user.role == "viewer"
    with pytest.raises(PermissionDenied):
        accounts.create_user(actor=clerk, username="nv3", full_name="X", role="leader",
                             password="lan-2026-xa")
    with pytest.raises(ConflictError):
        accounts.create_user(actor=leader, username="nv2", full_name="Y", role="clerk",
                             password="lan-2026-xa")
    with pytest.raises(ValidationError, match="ít nhất 8"):
        accounts.create_user(actor=leader, username="nv4", full_name="Z", role="clerk",
                             password="123")
    accounts.update_user(actor=leader, user=user, active=False)
    with pytest.raises(ValidationError):
        accounts.authenticate("nv2", "lan-2026-xa")
    assert AuditLog.select().where(AuditLog.action == "update_user").count() == 1


def test_leader_cannot_lock_themself_out(leader):
    with pytest.raises(ConflictError):
        accounts.update_user(actor=leader, user=User.get_by_id(leader.id), role="clerk")


def test_settings_are_audited_and_need_a_leader(leader, clerk):
    settings.update_settings(actor=leader, values={"commune_name": "Xã  Tân   Lập",
                                                   "place_name": "Tân Lập"})
    assert settings.commune().name == "Xã Tân Lập"
    assert settings.commune().issuer == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    with pytest.raises(PermissionDenied):
        settings.update_settings(actor=clerk, values={"chairman": "X"})
    assert AuditLog.select().where(AuditLog.action == "update_settings").count() == 1


def test_base_salary_in_force_on_a_date(leader):
    import datetime
    # the default table: every row in force since 2019 (DOMAIN.md §4)
    assert catalogue.base_salary_on(datetime.date(2019, 6, 30)) is None
    assert catalogue.base_salary_on(datetime.date(2019, 7, 1)) == 1_490_000
    assert catalogue.base_salary_on(datetime.date(2024, 6, 30)) == 1_800_000
    assert catalogue.base_salary_on(datetime.date(2025, 2, 5)) == 2_340_000
    assert catalogue.base_salary_on(datetime.date(2026, 6, 30)) == 2_340_000
    assert catalogue.base_salary_on(datetime.date(2026, 7, 1)) == 2_530_000
    with pytest.raises(ConflictError):
        catalogue.add_base_salary(actor=leader, effective_from="01/07/2026", amount=1)
    catalogue.add_base_salary(actor=leader, effective_from="01/01/2027", amount="2.700.000")
    assert catalogue.base_salary_on(datetime.date(2027, 1, 1)) == 2_700_000
