"""Local accounts: roles, password hashing with a slow KDF, sign-in."""
import base64
import getpass
import hashlib
import hmac
import os

from .entities import User
from .errors import ConflictError, PermissionDenied, ValidationError
from .service import ROLES, audit, require, service, snapshot
from .db import db
from . import vntext

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PASSWORD = 6


def hash_password(password):
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password, stored):
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                         r=int(r), p=int(p), maxmem=64 * 1024 * 1024, dklen=32)
    return hmac.compare_digest(got, base64.b64decode(digest))


def batch_actor():
    """The actor of batch commands: whoever can run the program on this PC (not stored)."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows set-ups
        who = "may"
    return User(username=f"dong-lenh:{who}", full_name="Dòng lệnh", role="leader", active=True)


def has_users():
    return User.select().exists()


def _validate(username, full_name, role, password):
    username = vntext.validate_name(username, label="Tên đăng nhập", max_len=60)
    if any(ch.isspace() for ch in username):
        raise ValidationError("Tên đăng nhập không được có dấu cách.", field="username")
    full_name = vntext.validate_name(full_name, label="Họ và tên")
    if role not in ROLES:
        raise ValidationError("Vai trò không hợp lệ.", field="role")
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValidationError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field="password")
    return username, full_name


def create_first_leader(*, username, full_name, password):
    """The wizard's first account; allowed only while there is no account at all."""
    with db.atomic():
        if has_users():
            raise PermissionDenied("Đã có tài khoản; hãy đăng nhập bằng tài khoản lãnh đạo.")
        username, full_name = _validate(username, full_name, "leader", password)
        user = User.create(username=username, full_name=full_name, role="leader",
                           password_hash=hash_password(password))
        audit(user, "create_user", user, new=snapshot(user, ["username", "full_name", "role"]))
        return user


@service("leader")
def create_user(*, actor, username, full_name, role, password):
    username, full_name = _validate(username, full_name, role, password)
    if User.select().where(User.username == username).exists():
        raise ConflictError(f"Tên đăng nhập {username} đã có.", field="username")
    user = User.create(username=username, full_name=full_name, role=role,
                       password_hash=hash_password(password))
    audit(actor, "create_user", user, new=snapshot(user, ["username", "full_name", "role"]))
    return user


@service("leader")
def update_user(*, actor, user, full_name=None, role=None, active=None, password=None):
    old = snapshot(user, ["full_name", "role", "active"])
    if full_name is not None:
        user.full_name = vntext.validate_name(full_name, label="Họ và tên")
    if role is not None:
        if role not in ROLES:
            raise ValidationError("Vai trò không hợp lệ.", field="role")
        user.role = role
    if active is not None:
        user.active = bool(active)
    if user.get_id() == actor.get_id() and (user.role != "leader" or not user.active):
        raise ConflictError("Không thể tự bỏ quyền lãnh đạo hoặc khóa chính tài khoản đang dùng.")
    if password is not None:
        if len(password) < MIN_PASSWORD:
            raise ValidationError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field="password")
        user.password_hash = hash_password(password)
    user.save()
    new = snapshot(user, ["full_name", "role", "active"])
    audit(actor, "update_user", user, old=old, new=new,
          reason="đổi mật khẩu" if password is not None else None)
    return user


def change_own_password(*, actor, old_password, new_password):
    require(actor, "viewer")
    if not check_password(old_password, actor.password_hash):
        raise ValidationError("Mật khẩu cũ không đúng.", field="old_password")
    if len(new_password) < MIN_PASSWORD:
        raise ValidationError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field="password")
    with db.atomic():
        actor.password_hash = hash_password(new_password)
        actor.save()
        audit(actor, "change_password", actor)


def authenticate(username, password):
    """The active user with this name and password, or ValidationError."""
    username = vntext.clean_text(username)
    user = User.get_or_none(User.username == username)
    if user is None or not user.active or not check_password(password or "", user.password_hash):
        raise ValidationError("Sai tên đăng nhập hoặc mật khẩu.", field="password")
    return user


def list_users():
    return list(User.select().order_by(User.username))
