"""Sign-in: delays after failures, the lock after ten, audit of failures, the same cost for
unknown names, password rules, scrypt at today's cost and the upgrade of old hashes."""
import datetime
import time

import pytest

from models import accounts, audit_log
from models.entities import AuditLog, SignInFailure, User
from models.errors import ValidationError

T0 = datetime.datetime(2026, 11, 30, 8, 0, 0)
PASSWORD = "Chu-tich-2026"


@pytest.fixture
def chairman(database):
    return accounts.create_first_leader(username="chutich", full_name="Nguyễn Văn Hùng",
                                        password=PASSWORD)


def _fail(name, at, password="sai-mat-khau"):
    with pytest.raises(ValidationError) as err:
        accounts.authenticate(name, password, now=at)
    return str(err.value)


def test_failures_slow_down_then_lock_then_success_clears(chairman):
    at = T0
    for n in range(1, 10):
        assert _fail("chutich", at) == "Sai tên đăng nhập hoặc mật khẩu."
        wait = accounts.delay_after(n)
        if wait:                   # too soon: refused without even checking the password
            early = _fail("chutich", at + datetime.timedelta(seconds=wait - 0.5),
                          password=PASSWORD)
            assert "hãy đợi 1 giây" in early
        at += datetime.timedelta(seconds=wait)
    assert [accounts.delay_after(n) for n in range(1, 12)] == [0, 0, 1, 2, 4, 8, 16, 32, 60,
                                                                 60, 60]
    locked = _fail("chutich", at)                                  # the tenth
    assert "tạm khóa đến 09:" in locked or "tạm khóa đến 08:" in locked
    assert "tạm khóa" in _fail("chutich", at + datetime.timedelta(minutes=14), PASSWORD)
    user = accounts.authenticate("chutich", PASSWORD, now=at + datetime.timedelta(minutes=16))
    assert user.id == chairman.id
    assert not SignInFailure.select().exists()                    # a success starts afresh
    actions = [a for (a,) in AuditLog.select(AuditLog.action).order_by(AuditLog.id).tuples()]
    assert actions.count("sign_in_failed") == 9 and actions.count("sign_in_locked") == 1
    assert actions[-1] == "sign_in" and "sign_in_refused" in actions
    failed = AuditLog.select().where(AuditLog.action == "sign_in_failed").first()
    assert failed.username == "chutich" and failed.reason == "sai mật khẩu"
    assert audit_log.verify_chain().ok


def test_unknown_names_are_counted_and_answered_alike(chairman):
    assert _fail("khongco", T0) == _fail("chutich", T0) == "Sai tên đăng nhập hoặc mật khẩu."
    row = AuditLog.select().where(AuditLog.username == "khongco").get()
    assert row.action == "sign_in_failed" and row.reason == "không có tài khoản này"
    assert SignInFailure.get_by_id("khongco").failures == 1


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(chairman, database):
    other = accounts.create_user(actor=chairman, username="canbo", full_name="Lê Thị Lan",
                                 role="clerk", password="can-bo-2026")
    accounts.update_user(actor=chairman, user=other, active=False)
    assert _fail("canbo", T0, "can-bo-2026") == "Sai tên đăng nhập hoặc mật khẩu."
    assert AuditLog.select().where(AuditLog.reason == "tài khoản đã bị khóa").exists()


@pytest.mark.parametrize("password, message", [
    ("1234567", "ít nhất 8"), ("aaaaaaaaaa", "lặp lại một ký tự"), ("", "ít nhất 8")])
def test_password_rules(chairman, password, message):
    with pytest.raises(ValidationError, match=message):
        accounts.create_user(actor=chairman, username="nv", full_name="Nhân Viên",
                             role="viewer", password=password)
    with pytest.raises(ValidationError, match=message):
        accounts.change_own_password(actor=chairman, old_password=PASSWORD,
                                     new_password=password)


def test_stored_hash_with_absurd_cost_is_refused_not_run(database):
    # a crafted file must not make sign-in allocate gigabytes
    assert not accounts.check_password("x", "scrypt$1073741824$8$1$AAAA$AAAA")
    assert not accounts.check_password("x", "scrypt$3$8$1$AAAA$AAAA")     # not a power of 2
    assert not accounts.check_password("x", "khong-phai-ma")


@pytest.mark.slow
def test_real_cost_and_upgrade_of_an_old_hash(database, monkeypatch):
    """Once at the real cost: OWASP's N=2^17, r=8, p=1; a 2^14 hash is upgraded."""
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 14)
    old = accounts.hash_password("mat-khau-cu-2020")
    User.create(username="cu", full_name="Tài Khoản Cũ", role="viewer", password_hash=old)
    monkeypatch.setattr(accounts, "SCRYPT_N", accounts.SCRYPT_COST[0])   # the real cost
    assert accounts.SCRYPT_COST == (2 ** 17, 8, 1)
    assert (accounts.SCRYPT_R, accounts.SCRYPT_P) == (8, 1)
    started = time.monotonic()
    user = accounts.authenticate("cu", "mat-khau-cu-2020")
    assert user.password_hash.startswith("scrypt$131072$8$1$")
    assert User.get_by_id(user.id).password_hash == user.password_hash
    assert accounts.check_password("mat-khau-cu-2020", user.password_hash)
    assert not accounts.needs_rehash(user.password_hash)
    upgraded = AuditLog.select().where(AuditLog.action == "sign_in").get()
    assert upgraded.reason == "nâng độ khó mã hóa mật khẩu"
    # an unknown name costs one real-cost hash as well (no early answer)
    t = time.monotonic()
    with pytest.raises(ValidationError):
        accounts.authenticate("khong-co-ai", "mat-khau-cu-2020")
    unknown = time.monotonic() - t
    t = time.monotonic()
    with pytest.raises(ValidationError):
        accounts.authenticate("cu", "sai-mat-khau-nhe")
    known = time.monotonic() - t
    assert unknown > known / 3, (unknown, known)    # no early answer (that takes ~1 ms)
    assert time.monotonic() - started < 30
