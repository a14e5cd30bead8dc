"""Local accounts: roles, password hashing with a slow KDF, sign-in with delays and a lock."""
import base64
import datetime
import getpass
import hashlib
import hmac
import os

from .entities import SignInFailure, User
from .errors import ConflictError, PermissionDenied, ValidationError
from .service import ROLES, audit, require, service, snapshot
from .db import db
from . import audit_log, vntext

# scrypt at OWASP's current minimum (N=2^17, r=8, p=1): 128 MiB and ~1.6 s per hash on a
# 2-core test machine; hashes made with a lower cost are upgraded at the next sign-in.
SCRYPT_COST = (2 ** 17, 8, 1)
SCRYPT_N, SCRYPT_R, SCRYPT_P = SCRYPT_COST
MAX_SCRYPT_MEMORY = 256 * 1024 * 1024   # a stored hash asking for more is refused, not run
MIN_PASSWORD = 8
LOCK_AFTER = 10                          # failed sign-ins in a row before the lock
LOCK_MINUTES = 15
FREE_TRIES = 2                           # failures before any waiting
MAX_DELAY_S = 60


def _scrypt(password, salt, n, r, p):
    need = 128 * r * n * p + 128 * r * p
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=need + 16 * 1024 * 1024, dklen=32)


def hash_password(password):
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _parse(stored):
    """(n, r, p, salt, digest) of a stored hash, or None when it is not one we can check."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        n, r, p = int(n), int(r), int(p)
        salt, digest = base64.b64decode(salt, validate=True), base64.b64decode(digest,
                                                                               validate=True)
    except ValueError:
        return None
    if scheme != "scrypt" or n < 2 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        return None
    if 128 * r * n * p > MAX_SCRYPT_MEMORY:
        return None
    return n, r, p, salt, digest


def check_password(password, stored):
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    try:
        got = _scrypt(password or "", salt, n, r, p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, digest)


def needs_rehash(stored):
    """True when ``stored`` was made with less work than today's cost."""
    parsed = _parse(stored)
    return parsed is None or parsed[0] * parsed[1] < SCRYPT_N * SCRYPT_R


def _dummy_hash():
    """A well-formed hash at today's cost that matches no password: unknown names cost the
    same time to refuse as known ones."""
    salt = base64.b64encode(b"tdkt-no-such-usr").decode()
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt}${base64.b64encode(bytes(32)).decode()}"


def validate_password(password, field="password"):
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field=field)
    if len(set(password)) == 1:
        raise ValidationError("Mật khẩu không được chỉ lặp lại một ký tự.", field=field)
    return password


def batch_actor(prefix="dong-lenh"):
    """The built-in leader: whoever can run the program on this PC (not stored).

    ``require`` accepts it only while the database has no account (a fresh or demo file).
    """
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows set-ups
        who = "may"
    return User(username=f"{prefix}:{who}"[:60], full_name="Dòng lệnh", role="leader",
                active=True)


def require_leader_of_file(actor, path):
    """Replacing the database file at ``path`` (restore) needs a leader of that file.

    The open database: ``require`` (role re-read). A file that is not open: its own user
    table is read. No file, or no account in it: the built-in leader will do. A file too
    damaged to read its accounts (often the reason to restore): any leader-role actor,
    named in the audit row and the log.
    """
    import sqlite3
    if actor is None:
        raise PermissionDenied("Cần tài khoản lãnh đạo để khôi phục dữ liệu.")
    path = os.path.abspath(str(path))
    current = db.obj.database if db.obj is not None and not db.obj.is_closed() else None
    if current and os.path.abspath(current) == path:
        require(actor, "leader")
        return
    if actor.role != "leader" or not actor.active:
        raise PermissionDenied(f"Tài khoản {actor.username} không có quyền khôi phục dữ liệu; "
                               "cần quyền Lãnh đạo.")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute(f"SELECT id, role, active FROM {User._meta.table_name} "
                                "WHERE username = ?", (actor.username,)).fetchall()
            anyone = conn.execute(f"SELECT count(*) FROM {User._meta.table_name}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return                      # unreadable accounts: the leader-role actor is audited
    if not anyone:
        return
    if not rows or rows[0][0] != actor.get_id() or rows[0][1] != "leader" or not rows[0][2]:
        raise PermissionDenied(f"Tài khoản {actor.username} không phải lãnh đạo của tệp dữ "
                               "liệu đang dùng; không khôi phục được.")


def has_users():
    return User.select().exists()


def _validate(username, full_name, role, password):
    username = vntext.validate_name(username, label="Tên đăng nhập", max_len=60)
    if any(ch.isspace() for ch in username):
        raise ValidationError("Tên đăng nhập không được có dấu cách.", field="username")
    full_name = vntext.validate_name(full_name, label="Họ và tên")
    if role not in ROLES:
        raise ValidationError("Vai trò không hợp lệ.", field="role")
    if password is not None:
        validate_password(password)
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
        user.password_hash = hash_password(validate_password(password))
    user.save()
    new = snapshot(user, ["full_name", "role", "active"])
    audit(actor, "update_user", user, old=old, new=new,
          reason="đổi mật khẩu" if password is not None else None)
    return user


def change_own_password(*, actor, old_password, new_password):
    require(actor, "viewer")
    stored = User.select(User.password_hash).where(User.id == actor.get_id()).scalar()
    if not check_password(old_password, stored):
        raise ValidationError("Mật khẩu cũ không đúng.", field="old_password")
    digest = hash_password(validate_password(new_password))   # slow: outside the lock
    with db.atomic():
        require(actor, "viewer")
        User.update(password_hash=digest).where(User.id == actor.get_id()).execute()
        actor.password_hash = digest
        audit(actor, "change_password", actor)


def delay_after(failures):
    """Seconds to wait before the next try after ``failures`` failed ones in a row."""
    if failures <= FREE_TRIES:
        return 0
    return min(2 ** (failures - FREE_TRIES - 1), MAX_DELAY_S)


def _refusal(track, now):
    """The message refusing a try made too soon or while locked, else None."""
    if track is None:
        return None
    if track.locked_until is not None and track.locked_until > now:
        return ("Đăng nhập sai quá nhiều lần; tài khoản tạm khóa đến "
                f"{track.locked_until.strftime('%H:%M')}. Hãy thử lại sau hoặc hỏi lãnh đạo.")
    wait = delay_after(track.failures)
    if track.last_at is not None and wait:
        left = (track.last_at + datetime.timedelta(seconds=wait) - now).total_seconds()
        if left > 0:
            return f"Đăng nhập sai nhiều lần; hãy đợi {int(left) + 1} giây rồi thử lại."
    return None


def authenticate(username, password, *, now=None):
    """The active user with this name and password, or ValidationError.

    Every failure is audited and counted by name (known or not): after two, each try must
    wait longer (1, 2, 4 … 60 s); after ten the name is locked for 15 minutes. An unknown
    name costs the same hashing time as a known one. A hash made with a lower cost than
    today's is upgraded on a successful sign-in.
    """
    name = vntext.clean_text(username or "")[:60]
    now = now or datetime.datetime.now()
    track = SignInFailure.get_or_none(SignInFailure.username == name)
    refusal = _refusal(track, now)
    if refusal:
        audit_log.append(username=name or "?", action="sign_in_refused", entity="user",
                         reason=refusal)
        raise ValidationError(refusal, field="password")
    user = User.get_or_none(User.username == name) if name else None
    good = check_password(password or "", user.password_hash if user else _dummy_hash())
    if good and user.active:
        upgrade = hash_password(password) if needs_rehash(user.password_hash) else None
        with db.atomic():
            SignInFailure.delete().where(SignInFailure.username == name).execute()
            if upgrade:
                User.update(password_hash=upgrade).where(User.id == user.id).execute()
                user.password_hash = upgrade
            audit(user, "sign_in", user, reason="nâng độ khó mã hóa mật khẩu" if upgrade
                  else None)
        return user
    why = ("không có tài khoản này" if user is None else
           "tài khoản đã bị khóa" if not user.active else "sai mật khẩu")
    with db.atomic():
        track = SignInFailure.get_or_none(SignInFailure.username == name) or \
            SignInFailure(username=name, failures=0)
        track.failures += 1
        track.last_at = now
        locked = track.failures >= LOCK_AFTER
        if locked:
            track.locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES)
        SignInFailure.insert(username=name, failures=track.failures, last_at=track.last_at,
                             locked_until=track.locked_until).on_conflict(
            conflict_target=[SignInFailure.username],
            preserve=[SignInFailure.failures, SignInFailure.last_at, SignInFailure.locked_until]
        ).execute()
        audit_log.append(username=name or "?", action="sign_in_locked" if locked
                         else "sign_in_failed", entity="user",
                         entity_id=user.id if user else None,
                         new={"lần sai liên tiếp": track.failures}, reason=why)
    if locked:
        raise ValidationError(_refusal(track, now), field="password")
    raise ValidationError("Sai tên đăng nhập hoặc mật khẩu.", field="password")


def list_users():
    return list(User.select().order_by(User.username))
